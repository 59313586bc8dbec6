import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { MAX_BODY_BYTES } from '../config.js';
import { ClockRangeError, parseIsoInstant } from '../core/clock.js';
import { parseDuration, DURATION_HELP } from '../core/duration.js';
import { faultRuleInput } from '../core/faults.js';
import { FixtureError, parseFixtureDocument } from '../core/fixtures.js';
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
import { VENDOR_IDS } from '../vendors/index.js';

const FIXTURE_BODY_LIMIT = MAX_BODY_BYTES;

/** Control-plane errors: `{"error":{"code","message"}}`. */
class ControlError extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
  }
}

const scopeQuery = z.object({ namespace: z.string().optional(), vendor: z.string().optional() });

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
      if (v.errors.fromFault(input.error, input.operation) !== undefined) continue;
      const codes = v.errors.faultCodes?.() ?? [];
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
      const control =
        err instanceof ControlError ? err
        : err instanceof NamespaceLimitError ? new ControlError(503, 'namespace_limit', err.message)
        : isNamespaceFull(err) ? new ControlError(507, 'namespace_full', 'The namespace would hold more objects than MAX_OBJECTS_PER_NAMESPACE allows; nothing was loaded')
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
      runtime.namespaces.reset(scope(request.query));
      return reply.code(204).send();
    });

    // Fixture documents may be larger than BODY_LIMIT, up to what Node can hold (config.ts MAX_BODY_BYTES).
    app.post('/fixtures', { bodyLimit: FIXTURE_BODY_LIMIT }, async (request) => {
      const { namespace = DEFAULT_NAMESPACE } = scope(request.query);
      let doc;
      try {
        doc = parseFixtureDocument(request.body, 'request body', runtime.vendors, VENDOR_IDS);
      } catch (err) {
        if (err instanceof FixtureError) throw new ControlError(400, 'invalid_fixture', err.message);
        throw err;
      }
      try {
        return { namespace, loaded: runtime.namespaces.load(namespace, doc) };
      } catch (err) {
        const sqlite = err as { code?: string; message?: string };
        if (!isNamespaceFull(err) && typeof sqlite.code === 'string' && sqlite.code.startsWith('SQLITE_CONSTRAINT')) {
          throw new ControlError(409, 'fixture_conflict', `The fixture clashes with state already in namespace "${namespace}" (${sqlite.message}); nothing was loaded`);
        }
        throw err;
      }
    });

    app.get('/namespaces', async () => ({ namespaces: runtime.namespaces.list().map((n) => ({ name: n.name, createdAt: new Date(n.created_at).toISOString() })) }));

    app.get('/clock', async () => runtime.clock.state());
    app.post('/clock', async (request) => {
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
      return runtime.clock.state();
    });

    app.get('/transitions', async () => ({ transitions: runtime.transitions.list() }));
    app.post('/transitions', async (request) => {
      const body = parse(z.record(z.string(), z.string()), request.body, 'body');
      if (body.reset === 'defaults') runtime.transitions.restoreDefaults();
      for (const [pattern, text] of Object.entries(body)) {
        if (pattern === 'reset') continue;
        const policy = parsePolicy(text);
        if (!policy) throw new ControlError(400, 'invalid_request', `${pattern}: "${text}" is not a policy (${POLICY_HELP})`);
        if (runtime.transitions.assign(pattern, policy) === 0) throw new ControlError(400, 'invalid_request', `${pattern}: no transition has this name (GET /_emulator/transitions lists them)`);
      }
      return { transitions: runtime.transitions.list() };
    });

    app.get('/faults', async () => ({ faults: runtime.faults.list() }));
    app.post('/faults', async (request, reply) => {
      const input = parse(faultRuleInput, request.body, 'body');
      if (input.vendor !== undefined && !vendorIds.includes(input.vendor)) throw new ControlError(400, 'invalid_request', `vendor: unknown "${input.vendor}": one of ${vendorIds.join(', ')}`);
      checkFaultRule(input);
      return reply.code(201).send(runtime.faults.add(input));
    });
    app.delete('/faults', async (_request, reply) => {
      runtime.faults.remove();
      return reply.code(204).send();
    });
    app.delete<{ Params: { id: string } }>('/faults/:id', async (request, reply) => {
      if (!runtime.faults.remove(request.params.id)) throw new ControlError(404, 'not_found', `No fault rule ${request.params.id}`);
      return reply.code(204).send();
    });

    const journalQuery = z.object({
      vendor: z.string().optional(),
      namespace: z.string().optional(),
      operation: z.string().optional(),
      method: z.string().transform((m) => m.toUpperCase()).optional(),
      status: z.coerce.number().int().optional(),
    });
    app.get('/requests', async (request) => {
      const requests = runtime.journal.list(parse(journalQuery, request.query, 'query'));
      return { count: requests.length, requests };
    });
    app.delete('/requests', async (request, reply) => {
      runtime.journal.clear(parse(journalQuery, request.query, 'query'));
      return reply.code(204).send();
    });

    app.get('/state', async (request) => ({ namespaces: runtime.namespaces.dump(scope(request.query)) }));

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
