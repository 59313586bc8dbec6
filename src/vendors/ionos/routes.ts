import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { sameSecret, secretDigest } from '../../core/secrets.js';
import type { VendorContext } from '../../core/vendor.js';
import { catalogue } from './errors.js';
import { ionosIds } from './ids.js';
import {
  accessKeyCreate,
  accessKeyEnsure,
  accessKeyIdParams,
  accessKeyRead,
  accessKeyReadList,
  accessKeysQuery,
  errorBody,
  regionParams,
  regionRead,
  regionReadList,
  regionsQuery,
  type AccessKeyCreate,
  type AccessKeyEnsure,
} from './schemas.js';
import { IonosService, type Caller } from './service.js';
import { ionosStore } from './store.js';
import { publicBase } from '../../http/public-url.js';

const TAGS = ['ionos'];

/** Error schemas for the statuses an operation can send (the vendor SDK's list, plus 413 where a body is read). */
function errors(...statuses: number[]): Record<number, typeof errorBody> {
  return Object.fromEntries(statuses.map((s) => [s, errorBody]));
}

/** Operations that the vendor SDK does not list 429 for: not rate limited. */
const NOT_RATE_LIMITED = new Set(['accesskeysRenew']);

function parseAuthorization(header: string | undefined): { kind: 'bearer'; token: string } | { kind: 'basic'; username: string; password: string } | undefined {
  if (!header) return undefined;
  const space = header.indexOf(' ');
  if (space === -1) return undefined;
  const scheme = header.slice(0, space).toLowerCase();
  const value = header.slice(space + 1).trim();
  if (scheme === 'bearer' && value) return { kind: 'bearer', token: value };
  if (scheme === 'basic' && value) {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon <= 0) return undefined;
    return { kind: 'basic', username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
  }
  return undefined;
}

export function ionosRoutes(app: FastifyInstance, ctx: VendorContext): void {
  const store = ionosStore(ctx.db);
  const service = new IonosService({ store, clock: ctx.clock, ids: ionosIds(ctx.ids), transitions: ctx.transitions, keyLimit: ctx.config.ionosKeyLimit });
  const callers = new WeakMap<FastifyRequest, Caller>();
  const caller = (request: FastifyRequest): Caller => callers.get(request)!;
  /** The API root as this request reached it, for absolute `_links`. */
  const apiRoot = (request: FastifyRequest): string => {
    const base = publicBase(request, app.prefix);
    return `${base.origin}${base.prefix}`;
  };

  // Request bodies are JSON only: anything else is a 415 in the IONOS envelope.
  app.removeContentTypeParser('text/plain');

  // Auth (Bearer token, or the SDK's HTTP Basic fallback), then the rate limit, then the privilege.
  app.addHook('onRequest', async (request) => {
    const ns = request.emulator.namespace;
    const auth = parseAuthorization(request.headers.authorization);
    // A bearer token is found by its digest, a basic credential by its username; then the secret's digest is compared in constant time.
    const credential = auth?.kind === 'bearer' ? store.bearer(ns, secretDigest(auth.token)) : auth?.kind === 'basic' ? store.basic(ns, auth.username) : undefined;
    const given = auth?.kind === 'bearer' ? auth.token : auth?.kind === 'basic' ? auth.password : '';
    if (!credential || !sameSecret(secretDigest(given), credential.secret_hash)) throw catalogue.error('paas-auth-1');
    const user = store.user(ns, credential.user_id);
    if (!user) throw catalogue.error('paas-auth-1');
    request.emulator.credential = credential.id;
    callers.set(request, { credential, user });

    const operation = request.routeOptions.schema?.operationId;
    if (operation === undefined || !NOT_RATE_LIMITED.has(operation)) {
      const decision = ctx.rateLimiter.consume({ namespace: ns, vendor: 'ionos', credential: credential.id, limit: credential.rate_limit, now: ctx.clock.now() });
      if (!decision.allowed) throw catalogue.error('paas-ratelimit-1', { headers: { 'retry-after': String(decision.retryAfterSeconds) } });
    }
    if (credential.object_storage_access !== 1) throw catalogue.error('paas-auth-2');
  });

  app.get(
    '/accesskeys',
    {
      schema: {
        operationId: 'accesskeysGet',
        summary: 'Retrieve all Accesskeys',
        tags: TAGS,
        querystring: accessKeysQuery,
        response: { 200: accessKeyReadList, ...errors(400, 401, 403, 429, 500, 503) },
      },
    },
    async (request) => {
      const q = request.query as z.output<typeof accessKeysQuery>;
      return service.list(request.emulator.namespace, caller(request), q, q['filter.accesskeyId'], apiRoot(request));
    },
  );

  app.post(
    '/accesskeys',
    {
      schema: {
        operationId: 'accesskeysPost',
        summary: 'Create AccessKey',
        tags: TAGS,
        body: accessKeyCreate,
        response: { 201: accessKeyRead, ...errors(400, 401, 403, 413, 415, 422, 429, 500, 503) },
      },
    },
    async (request, reply) => {
      const key = service.create(request.emulator.namespace, caller(request), request.body as AccessKeyCreate, request.emulator.outcome);
      return reply.code(201).send(key);
    },
  );

  app.get(
    '/accesskeys/:accesskeyId',
    {
      schema: {
        operationId: 'accesskeysFindById',
        summary: 'Retrieve AccessKey',
        tags: TAGS,
        params: accessKeyIdParams,
        response: { 200: accessKeyRead, ...errors(400, 401, 403, 404, 429, 500, 503) },
      },
    },
    async (request) => {
      const { accesskeyId } = request.params as z.output<typeof accessKeyIdParams>;
      return service.get(request.emulator.namespace, caller(request), accesskeyId);
    },
  );

  app.put(
    '/accesskeys/:accesskeyId',
    {
      schema: {
        operationId: 'accesskeysPut',
        summary: 'Ensure AccessKey',
        tags: TAGS,
        params: accessKeyIdParams,
        body: accessKeyEnsure,
        response: { 200: accessKeyRead, ...errors(400, 401, 403, 404, 409, 413, 415, 422, 429, 500, 503) },
      },
    },
    async (request) => {
      const { accesskeyId } = request.params as z.output<typeof accessKeyIdParams>;
      return service.ensure(request.emulator.namespace, caller(request), accesskeyId, request.body as AccessKeyEnsure, request.emulator.outcome).key;
    },
  );

  app.delete(
    '/accesskeys/:accesskeyId',
    {
      schema: {
        operationId: 'accesskeysDelete',
        summary: 'Delete AccessKey',
        tags: TAGS,
        params: accessKeyIdParams,
        response: { 202: z.null().describe('Deletion accepted; no body'), ...errors(400, 401, 403, 404, 429, 500, 503) },
      },
    },
    async (request, reply) => {
      const { accesskeyId } = request.params as z.output<typeof accessKeyIdParams>;
      service.remove(request.emulator.namespace, caller(request), accesskeyId, request.emulator.outcome);
      return reply.code(202).header('content-type', 'application/json').send();
    },
  );

  app.put(
    '/accesskeys/:accesskeyId/renew',
    {
      schema: {
        operationId: 'accesskeysRenew',
        summary: 'Renew AccessKey',
        tags: TAGS,
        params: accessKeyIdParams,
        response: { 200: accessKeyRead, ...errors(400, 401, 403, 404, 409, 413, 415, 500, 503) },
      },
    },
    async (request) => {
      const { accesskeyId } = request.params as z.output<typeof accessKeyIdParams>;
      return service.renew(request.emulator.namespace, caller(request), accesskeyId, request.emulator.outcome);
    },
  );

  app.get(
    '/regions',
    {
      schema: {
        operationId: 'regionsGet',
        summary: 'Retrieve all Regions',
        tags: TAGS,
        querystring: regionsQuery,
        response: { 200: regionReadList, ...errors(400, 401, 403, 429, 500, 503) },
      },
    },
    async (request) => service.regions(request.emulator.namespace, request.query as z.output<typeof regionsQuery>, apiRoot(request)),
  );

  app.get(
    '/regions/:region',
    {
      schema: {
        operationId: 'regionsFindByRegion',
        summary: 'Retrieve Region',
        tags: TAGS,
        params: regionParams,
        response: { 200: regionRead, ...errors(400, 401, 403, 404, 429, 500, 503) },
      },
    },
    async (request) => service.region(request.emulator.namespace, (request.params as z.output<typeof regionParams>).region),
  );
}
