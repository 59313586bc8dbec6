import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Readable } from 'node:stream';
import { z } from 'zod';
import { s3ErrorModel } from '../s3/errors.js';
import { S3_OPERATION_PREFIX } from '../s3/plane.js';
import { MAX_BODY_BYTES } from '../config.js';
import { ClockRangeError, parseIsoInstant } from '../core/clock.js';
import { parseDuration, DURATION_HELP } from '../core/duration.js';
import { faultRuleInput } from '../core/faults.js';
import { FixtureError, parseFixtureDocumentInSlices } from '../core/fixtures.js';
import { DEFAULT_NAMESPACE, NAMESPACE_PATTERN, NamespaceLimitError } from '../core/namespaces.js';
import { isNamespaceFull } from '../core/object-limit.js';
import { PACKAGE_VERSION } from '../core/package-info.js';
import { sameSecret } from '../core/secrets.js';
import { TIMELINE_DEFAULT_LIMIT, TIMELINE_MAX_LIMIT } from '../core/timeline.js';
import { parsePolicy, POLICY_HELP } from '../core/transitions.js';
import { etagOf, LiveFeed, registerDashboard } from '../http/dashboard.js';
import { crossSiteRefusal } from '../http/cross-site.js';
import { describeInputProblem, requestInputProblem } from '../http/input-guard.js';
import { CONTROL_TOKEN_HEADER } from '../http/request-context.js';
import type { Runtime } from '../runtime.js';
import { VENDOR_IDS } from '../registry.js';

const FIXTURE_BODY_LIMIT = MAX_BODY_BYTES;

/** Control-plane errors: `{"error":{"code","message"}}`. */
class ControlError extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
  }
}

/**
 * An SQLite error as a control-plane error: a constraint is a 409 naming the table and columns (never
 * SQLite's own message), a busy database a 503, any other an opaque 500; undefined if not from SQLite.
 */
function storeError(err: unknown, namespace: string | undefined, conflictCode = 'conflict'): ControlError | undefined {
  const { code, message = '' } = err as { code?: unknown; message?: string };
  if (typeof code !== 'string' || !code.startsWith('SQLITE_') || isNamespaceFull(err)) return undefined;
  if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED') return new ControlError(503, 'busy', 'The state database is busy; try again');
  if (!code.startsWith('SQLITE_CONSTRAINT')) return new ControlError(500, 'internal_error', 'Internal error');
  const where = namespace === undefined ? '' : ` in namespace "${namespace}"`;
  const unique = /^UNIQUE constraint failed: (.+)$/.exec(message);
  if (unique) {
    const columns = unique[1]!.split(', ').map((c) => c.split('.'));
    const table = columns[0]![0]!;
    const keys = columns.map(([, column]) => column).filter((c) => c !== 'namespace');
    return new ControlError(409, conflictCode, `A ${table.replace('_', ' ')} entry with the same ${keys.join(' and ')} already exists${where}; nothing was changed`);
  }
  if (code === 'SQLITE_CONSTRAINT_FOREIGNKEY') return new ControlError(409, conflictCode, `An entry refers to one that does not exist${where}; nothing was changed`);
  return new ControlError(409, conflictCode, `An entry is not consistent with the state${where}; nothing was changed`);
}

/** Journal entries per GET /_emulator/requests page: by default, and at most. */
const JOURNAL_PAGE_DEFAULT = 1000;
const JOURNAL_PAGE_MAX = 10_000;

const scopeQuery = z.object({ namespace: z.string().optional(), vendor: z.string().optional() });

/** A progress line every this many rows of a long reset or load. */
const PROGRESS_EVERY_ROWS = 50_000;
const pause = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Logs `<action>: <rows> rows so far` now and then, for a reset or load that takes a while. */
function progressLog(request: FastifyRequest, action: string, fields: Record<string, unknown>): (rows: number) => void {
  let next = PROGRESS_EVERY_ROWS;
  return (rows) => {
    if (rows < next) return;
    next = rows - (rows % PROGRESS_EVERY_ROWS) + PROGRESS_EVERY_ROWS;
    request.log.info({ action, ...fields, rows }, `${action}: ${rows} rows so far`);
  };
}

/** One line per control action: what, where, how much, how long. Only these known-safe fields. */
function actionLog(request: FastifyRequest, reply: FastifyReply, action: string, fields: Record<string, unknown>): void {
  request.log.info({ action, ...fields, durationMs: Math.round(reply.elapsedTime * 100) / 100 }, action);
}

/** The `/_emulator` routes (DESIGN.md §3). Hidden from every vendor's OpenAPI document; `/_emulator/openapi/*` is in src/http/docs.ts (no token). */
export function controlPlane(runtime: Runtime, operations: ReadonlyMap<string, ReadonlySet<string>> = new Map()) {
  const vendorIds = runtime.vendors.map((v) => v.id);
  const feed = new LiveFeed(runtime.journal);

  const parse = <T extends z.ZodType>(schema: T, value: unknown, what: string): z.output<T> => {
    const result = schema.safeParse(value ?? {});
    if (!result.success) {
      const issue = result.error.issues[0]!;
      throw new ControlError(400, 'invalid_request', `${what}: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
    }
    return result.data;
  };

  const scope = (query: unknown) => {
    const q = parse(scopeQuery, query, 'query');
    if (q.vendor !== undefined && !vendorIds.includes(q.vendor)) throw new ControlError(400, 'invalid_request', `Unknown vendor "${q.vendor}": one of ${vendorIds.join(', ')}`);
    if (q.namespace !== undefined && !NAMESPACE_PATTERN.test(q.namespace)) throw new ControlError(400, 'invalid_request', `Invalid namespace "${q.namespace}"`);
    return q;
  };

  /**
   * A rule's `operation` and `error` must mean something to the vendors it can match (its vendor, or
   * every served vendor with that operation): a typo would otherwise be accepted and confuse the client
   * under test much later. Refused with the list of valid names.
   */
  const checkFaultRule = (input: { vendor?: string; operation?: string; error?: string }) => {
    const candidates = runtime.vendors.filter((v) => input.vendor === undefined || v.id === input.vendor);
    const known = (id: string) => [...(operations.get(id) ?? [])].sort();
    if (input.operation !== undefined && operations.size > 0) {
      const having = candidates.filter((v) => known(v.id).includes(input.operation!));
      if (having.length === 0) {
        const names = candidates.map((v) => `${v.id}: ${known(v.id).join(', ')}`).join('; ');
        throw new ControlError(400, 'invalid_request', `operation: unknown "${input.operation}"${input.vendor ? ` for ${input.vendor}` : ''}. Operation ids: ${names}`);
      }
      candidates.splice(0, candidates.length, ...having);
    }
    if (input.error === undefined) return;
    for (const v of candidates) {
      // A rule on an S3 operation forces an S3 error (S3's codes, or a status).
      const model = v.s3 && input.operation?.startsWith(S3_OPERATION_PREFIX) ? s3ErrorModel : v.errors;
      if (model.fromFault(input.error, input.operation) !== undefined) continue;
      const codes = model.faultCodes?.() ?? [];
      throw new ControlError(400, 'invalid_request', `error: "${input.error}" is not a ${v.id} error code or an HTTP status it answers${input.vendor ? '' : ' (the rule names no vendor, so it must suit every one; add vendor)'}. ${v.id} codes: ${codes.join(', ') || '(see its README section)'}`);
    }
  };

  return async function plugin(app: FastifyInstance): Promise<void> {
    app.addHook('onRoute', (route) => {
      route.schema = { ...(route.schema ?? {}), hide: true };
    });

    app.addHook('onRequest', (request, _reply, done) => {
      const refused = crossSiteRefusal(request);
      if (refused) return done(new ControlError(refused.status, refused.code, refused.message));
      const expected = runtime.config.controlToken;
      if (expected === undefined || request.routeOptions.config.public === true) return done();
      const given = request.headers[CONTROL_TOKEN_HEADER];
      if (typeof given !== 'string' || !sameSecret(given, expected)) {
        return done(new ControlError(401, 'unauthorized', `The control plane needs the ${CONTROL_TOKEN_HEADER} header with the CONTROL_TOKEN value`));
      }
      done();
    });

    // The input limits every vendor route has (core/input.ts): nesting depth, well-formed Unicode.
    app.addHook('preValidation', (request, _reply, done) => {
      const found = requestInputProblem(request);
      done(found ? new ControlError(400, 'invalid_request', describeInputProblem(found)) : undefined);
    });

    // While a reset or fixture load runs, its transaction is open: everything but health waits for it.
    app.addHook('preHandler', async (request) => {
      if (runtime.namespaces.busy && request.routeOptions.url !== '/_emulator/health') await runtime.namespaces.idle();
    });

    // Conditional reads: a GET answered with the same body as the caller's copy is a 304 without one.
    app.addHook('onSend', async (request, reply, payload) => {
      if (request.method !== 'GET' || reply.statusCode !== 200 || typeof payload !== 'string') return payload;
      const etag = etagOf(payload);
      reply.header('etag', etag);
      if (request.headers['if-none-match'] !== etag) return payload;
      reply.code(304);
      return '';
    });

    // Tell the dashboards watching GET /events that the world changed, whoever changed it.
    app.addHook('onResponse', async (request, reply) => {
      if (request.method !== 'GET' && request.method !== 'HEAD' && reply.statusCode < 400) feed.changed(request.routeOptions.url ?? request.url);
    });

    app.setErrorHandler(async (err, request, reply: FastifyReply) => {
      const e = err as { statusCode?: number; message?: string; code?: string };
      const stored = storeError(err, (request.query as { namespace?: string } | undefined)?.namespace);
      const control =
        err instanceof ControlError ? err
        : err instanceof NamespaceLimitError ? new ControlError(503, 'namespace_limit', err.message)
        : isNamespaceFull(err) ? new ControlError(507, 'namespace_full', 'The namespace would hold more objects than MAX_OBJECTS_PER_NAMESPACE allows; nothing was loaded')
        : stored !== undefined ? stored
        : e.statusCode === 413 ? new ControlError(413, 'body_too_large', request.routeOptions.url === '/_emulator/fixtures'
          ? `The fixture document is larger than ${FIXTURE_BODY_LIMIT} bytes, the most POST /_emulator/fixtures accepts: split it into several documents, or load it at start-up with SEED`
          : `The request body is larger than BODY_LIMIT (${runtime.config.bodyLimit} bytes)`)
        : e.statusCode !== undefined && e.statusCode < 500 ? new ControlError(e.statusCode, 'invalid_request', e.message ?? 'Bad request')
        : new ControlError(500, 'internal_error', 'Internal error');
      if (control.status >= 500 && !(err instanceof ControlError)) request.log.error({ err }, 'control plane error');
      return reply.code(control.status).type('application/json').send({ error: { code: control.code, message: control.message } });
    });

    app.setNotFoundHandler(async (request, reply) =>
      reply.code(404).send({ error: { code: 'not_found', message: `No control-plane route ${request.method} ${request.url.split('?')[0]}` } }),
    );

    app.get('/health', async () => ({
      status: 'ok',
      vendors: vendorIds,
      uptimeMs: Math.max(0, runtime.clock.wallNow() - runtime.startedAt),
      version: PACKAGE_VERSION,
    }));

    app.post('/reset', async (request, reply) => {
      const target = scope(request.query);
      const fields = { namespace: target.namespace ?? '*', vendor: target.vendor ?? '*' };
      const rows = await runtime.namespaces.resetAsync(target, progressLog(request, 'reset', fields));
      actionLog(request, reply, 'reset', { ...fields, rows });
      return reply.code(204).send();
    });

    // Fixture documents may be larger than BODY_LIMIT, up to what Node can hold (config.ts MAX_BODY_BYTES).
    app.post('/fixtures', { bodyLimit: FIXTURE_BODY_LIMIT }, async (request, reply) => {
      const { namespace = DEFAULT_NAMESPACE } = scope(request.query);
      let doc;
      try {
        doc = await parseFixtureDocumentInSlices(request.body, 'request body', runtime.vendors, VENDOR_IDS, pause);
      } catch (err) {
        if (err instanceof FixtureError) throw new ControlError(400, 'invalid_fixture', err.message);
        throw err;
      }
      try {
        const loaded = await runtime.namespaces.loadAsync(namespace, doc, progressLog(request, 'fixture load', { namespace }));
        actionLog(request, reply, 'fixture load', { namespace, loaded, rows: Object.values(loaded).flatMap((counts) => Object.values(counts)).reduce((a, b) => a + b, 0) });
        return { namespace, loaded };
      } catch (err) {
        // A clash with state the document does not replace (e.g. a key id another tenant holds).
        throw storeError(err, namespace, 'fixture_conflict') ?? err;
      }
    });

    app.get('/namespaces', async () => ({ namespaces: runtime.namespaces.list().map((n) => ({ name: n.name, createdAt: new Date(n.created_at).toISOString() })) }));

    app.get('/clock', async () => runtime.clock.state());
    app.post('/clock', async (request, reply) => {
      const body = parse(
        z.object({ advance: z.union([z.string(), z.number()]).optional(), set: z.string().optional(), freeze: z.boolean().optional(), reset: z.boolean().optional() }).strict(),
        request.body,
        'body',
      );
      // Everything is checked first, then applied as one change: a refused call leaves the clock as it was.
      const setMs = body.set === undefined ? undefined : parseIsoInstant(body.set);
      if (body.set !== undefined && setMs === undefined) throw new ControlError(400, 'invalid_request', `set: "${body.set.slice(0, 64)}" is not an ISO-8601 time of a real calendar day (e.g. 2026-01-01T00:00:00Z)`);
      const advanceMs = body.advance === undefined ? undefined : parseDuration(body.advance);
      if (body.advance !== undefined && advanceMs === undefined) throw new ControlError(400, 'invalid_request', `advance: "${String(body.advance).slice(0, 64)}" is not a duration (${DURATION_HELP})`);
      try {
        runtime.clock.adjust({ reset: body.reset === true, setMs, advanceMs, freeze: body.freeze });
      } catch (err) {
        if (err instanceof ClockRangeError) throw new ControlError(400, 'invalid_request', err.message);
        throw err;
      }
      const state = runtime.clock.state();
      actionLog(request, reply, 'clock', { now: state.now, frozen: state.frozen, offsetMs: state.offsetMs });
      return state;
    });

    app.get('/transitions', async () => ({ transitions: runtime.transitions.list() }));
    app.post('/transitions', async (request, reply) => {
      const body = parse(z.record(z.string(), z.string()), request.body, 'body');
      if (body.reset === 'defaults') runtime.transitions.restoreDefaults();
      for (const [pattern, text] of Object.entries(body)) {
        if (pattern === 'reset') continue;
        const policy = parsePolicy(text);
        if (!policy) throw new ControlError(400, 'invalid_request', `${pattern}: "${text}" is not a policy (${POLICY_HELP})`);
        if (runtime.transitions.assign(pattern, policy) === 0) throw new ControlError(400, 'invalid_request', `${pattern}: no transition has this name (GET /_emulator/transitions lists them)`);
      }
      actionLog(request, reply, 'transitions', { assigned: Object.keys(body).length });
      return { transitions: runtime.transitions.list() };
    });

    app.get('/faults', async () => ({ faults: runtime.faults.list() }));
    app.post('/faults', async (request, reply) => {
      const input = parse(faultRuleInput, request.body, 'body');
      if (input.vendor !== undefined && !vendorIds.includes(input.vendor)) throw new ControlError(400, 'invalid_request', `vendor: unknown "${input.vendor}": one of ${vendorIds.join(', ')}`);
      checkFaultRule(input);
      const rule = runtime.faults.add(input);
      actionLog(request, reply, 'fault rule added', { id: rule.id, vendor: input.vendor ?? '*', namespace: input.namespace ?? '*', rules: runtime.faults.list().length });
      return reply.code(201).send(rule);
    });
    app.delete('/faults', async (request, reply) => {
      runtime.faults.remove();
      actionLog(request, reply, 'fault rules removed', { rules: 0 });
      return reply.code(204).send();
    });
    app.delete<{ Params: { id: string } }>('/faults/:id', async (request, reply) => {
      if (!runtime.faults.remove(request.params.id)) throw new ControlError(404, 'not_found', `No fault rule ${request.params.id}`);
      actionLog(request, reply, 'fault rule removed', { id: request.params.id, rules: runtime.faults.list().length });
      return reply.code(204).send();
    });

    const journalQuery = z.object({
      vendor: z.string().optional(),
      namespace: z.string().optional(),
      operation: z.string().optional(),
      method: z.string().transform((m) => m.toUpperCase()).optional(),
      status: z.coerce.number().int().optional(),
    });
    const seqCursor = z.coerce.number().int().nonnegative().optional();
    const journalPage = journalQuery.extend({
      after: seqCursor,
      before: seqCursor,
      limit: z.coerce.number().int().min(1).max(JOURNAL_PAGE_MAX).default(JOURNAL_PAGE_DEFAULT),
      order: z.enum(['asc', 'desc']).default('asc'),
    });
    // Pages, so a big journal is never one huge response: `next` is the seq to continue from (after= ascending, before= descending).
    app.get('/requests', async (request) => {
      const { after, before, limit, order, ...filter } = parse(journalPage, request.query, 'query');
      const { entries, more } = runtime.journal.page(filter, { after, before, limit, order });
      return { count: entries.length, requests: entries, ...(more ? { next: entries[entries.length - 1]!.seq } : {}) };
    });
    app.delete('/requests', async (request, reply) => {
      const removed = runtime.journal.clear(parse(journalQuery, request.query, 'query'));
      actionLog(request, reply, 'journal cleared', { removed });
      return reply.code(204).send();
    });

    // Streamed one namespace at a time, yielding to other requests in between (health answers while a big world
    // is dumped); `limit` namespaces per page, `after` the last name of the previous page (`next`).
    const statePage = z.object({ after: z.string().optional(), limit: z.coerce.number().int().min(1).max(1_000_000).optional() });
    app.get('/state', async (request, reply) => {
      const { namespace, vendor } = scope(request.query);
      const { after, limit } = parse(statePage, request.query, 'query');
      const { namespaces } = runtime;
      if (namespace !== undefined) {
        // One namespace is answered whole (and so gets an ETag: the dashboard re-reads it often).
        const state = after === undefined || namespace > after ? namespaces.dumpOne(namespace, vendor) : undefined;
        return reply.type('application/json; charset=utf-8').send(JSON.stringify({ namespaces: state ? { [namespace]: state } : {} }));
      }
      const listed = namespaces.names(after, limit === undefined ? -1 : limit + 1);
      const more = limit !== undefined && listed.length > limit;
      const names = more ? listed.slice(0, limit) : listed;
      async function* body(): AsyncGenerator<string> {
        yield '{"namespaces":{';
        let first = true;
        for (const name of names) {
          await new Promise((resolve) => setImmediate(resolve));
          const state = namespaces.dumpOne(name, vendor);
          if (state === undefined) continue; // reset away meanwhile
          yield `${first ? '' : ','}${JSON.stringify(name)}:${JSON.stringify(state)}`;
          first = false;
        }
        yield `}${more ? `,"next":${JSON.stringify(names[names.length - 1])}` : ''}}`;
      }
      return reply.type('application/json; charset=utf-8').send(Readable.from(body()));
    });

    // Each stateful entity's state now and when its next transition is due (the dashboard's timeline).
    const timelineQuery = z.object({ limit: z.coerce.number().int().min(1).max(TIMELINE_MAX_LIMIT).default(TIMELINE_DEFAULT_LIMIT) });
    app.get('/timeline', async (request) => {
      const { limit } = parse(timelineQuery, { limit: (request.query as { limit?: unknown } | undefined)?.limit }, 'query');
      const { namespace, vendor } = scope(request.query);
      const namespaces: Record<string, Record<string, unknown[]>> = {};
      for (const { name } of runtime.namespaces.list()) {
        if (namespace !== undefined && name !== namespace) continue;
        namespaces[name] = Object.fromEntries(
          runtime.vendors.filter((v) => v.timeline && (vendor === undefined || v.id === vendor)).map((v) => [v.id, v.timeline!(runtime.ctx, name, limit)]),
        );
      }
      return { clock: runtime.clock.state(), limit, namespaces };
    });

    registerDashboard(app, feed);

  };
}
