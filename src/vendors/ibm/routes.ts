import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { VendorContext } from '../../core/vendor.js';
import { ibmCatalogue, JSON_CONTENT_TYPE } from './errors.js';
import { httpDate, ibmIds, swiftTimestamp } from './ids.js';
import {
  createBody,
  credentialEnvelope,
  credentialsEnvelope,
  errorEnvelope,
  idParams,
  listQuery,
  updateBody,
  type CreateBody,
  type UpdateBody,
} from './schemas.js';
import { IbmService, OPERATIONS, type IbmOperation } from './service.js';
import { ibmStore, type ManagerRow } from './store.js';

const TAGS = ['ibm'];

/** IBM's meaning of each status (COSS 3.20.1), as the OpenAPI response descriptions. */
const errorResponses = {
  400: errorEnvelope.describe('Request does not comply with specification'),
  401: errorEnvelope.describe('The provided token is not valid or cannot be verified'),
  403: errorEnvelope.describe('The provided token although valid, does not provide appropriate permissions to the user'),
  404: errorEnvelope.describe('No such user or storage account exists'),
  405: errorEnvelope.describe('Although the user may be valid, the user does not have privileges to access storage account'),
  409: errorEnvelope.describe('Conflict (only through x-emulator-fault on this operation)'),
  413: errorEnvelope.describe('Request is too large'),
  415: errorEnvelope.describe('The request body must be application/json'),
  429: errorEnvelope.describe('Too many requests (emulator rate limit); see Retry-After'),
  500: errorEnvelope.describe('Internal error'),
  503: errorEnvelope.describe('The credential API service is currently unavailable'),
} as const;

function isOperation(value: unknown): value is IbmOperation {
  return typeof value === 'string' && Object.hasOwn(OPERATIONS, value);
}

/** The IBM COS Credentials Management API: `/credentials` on the Accesser (port 8337/8338). */
export function ibmRoutes(app: FastifyInstance, ctx: VendorContext): void {
  const service = new IbmService({ store: ibmStore(ctx.db), clock: ctx.clock, ids: ctx.ids, keyLimit: ctx.config.ibmKeyLimit });
  const managers = new WeakMap<FastifyRequest, ManagerRow>();
  const manager = (request: FastifyRequest): ManagerRow => managers.get(request)!;

  // JSON bodies: an empty body (curl -X DELETE -H 'Content-Type: application/json') is no body;
  // anything else must parse, or it is a 400 in the vendor's envelope.
  // Only JSON is accepted: text/plain (which Fastify parses by default) is a 415 like any other type.
  app.removeContentTypeParser(['application/json', 'text/plain']);
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    const text = String(body);
    if (text.trim() === '') return done(null, undefined);
    try {
      done(null, JSON.parse(text));
    } catch (err) {
      (err as Error & { statusCode?: number }).statusCode = 400;
      done(err as Error, undefined);
    }
  });

  // Auth (HTTP Basic, Manager accounts) → rate limit → permission, before the body is read, so an
  // unauthenticated caller learns nothing from validation errors.
  app.addHook('onRequest', async (request) => {
    const operation = request.routeOptions.schema?.operationId;
    if (!isOperation(operation)) return; // unknown route: the plugin's 404
    const ns = request.emulator.namespace;
    const who = service.authenticate(ns, request.headers.authorization);
    request.emulator.credential = who.username;
    const decision = ctx.rateLimiter.consume({ namespace: ns, vendor: 'ibm', credential: who.username, limit: who.rateLimit, now: ctx.clock.now() });
    if (!decision.allowed) {
      throw ibmCatalogue.error('too_many_requests', { message: `Too many requests: ${decision.limit} requests per minute allowed for ${who.username}; retry in ${decision.retryAfterSeconds} s.`, headers: { 'retry-after': String(decision.retryAfterSeconds) } });
    }
    service.authorize(who, operation);
    managers.set(request, who);
  });

  // Every response, errors included: Swift's X-Trans-Id and X-Timestamp and a Date, all from the
  // emulator's clock (so they agree with each other), and IBM's content type.
  app.addHook('onSend', async (_request, reply, payload) => {
    const now = ctx.clock.now();
    reply.header('content-type', JSON_CONTENT_TYPE);
    reply.header('accept-ranges', 'bytes');
    reply.header('x-timestamp', swiftTimestamp(now));
    reply.header('x-trans-id', ibmIds.transId(ctx.ids, now));
    reply.header('date', httpDate(now));
    return payload;
  });

  const create = {
    schema: {
      operationId: 'createCredential',
      tags: TAGS,
      summary: 'Create credential',
      description:
        'Creates a secret access key and access key ID for a user of a storage account. Without `blob` the system generates both; with a `blob` holding `access`, the secret is generated unless given. New keys are `Active` unless `blob.status` says otherwise. 409 when the user already holds the maximum number of keys (IBM_KEY_LIMIT).',
      body: createBody,
      response: { 201: credentialEnvelope.describe('Created'), ...errorResponses, 409: errorEnvelope.describe('The user has reached maximum number of keys that can be generated for the user (or the given access key exists)') },
    },
    exposeHeadRoute: false,
  } as const;
  const createHandler = async (request: FastifyRequest, reply: import('fastify').FastifyReply) => {
    const credential = service.create(request.emulator.namespace, manager(request), request.body as CreateBody);
    return reply.code(201).send({ credential });
  };
  app.post('/credentials', create, createHandler);
  // IBM's examples also write `POST <accesser>:8338/credentials/`.
  app.post('/credentials/', { ...create, schema: { ...create.schema, hide: true } }, createHandler);

  const list = {
    schema: {
      operationId: 'listCredentials',
      tags: TAGS,
      summary: 'List credentials',
      description: 'Lists the secret access keys and access key IDs the caller may see. `project_id` and then `user_id` successively filter the list. The secret is included, as IBM documents.',
      querystring: listQuery,
      response: { 200: credentialsEnvelope.describe('OK'), ...errorResponses },
    },
    exposeHeadRoute: false,
  } as const;
  const listHandler = async (request: FastifyRequest) => ({ credentials: service.list(request.emulator.namespace, manager(request), request.query as z.output<typeof listQuery>) });
  app.get('/credentials', list, listHandler);
  // IBM's list example is `GET <accesser>:8338/credentials/?project_id=…`.
  app.get('/credentials/', { ...list, schema: { ...list.schema, hide: true } }, listHandler);

  app.get(
    '/credentials/:id',
    {
      schema: {
        operationId: 'showCredential',
        tags: TAGS,
        summary: 'Show credential details',
        description: 'One credential by its access key, secret included (as IBM documents).',
        params: idParams,
        response: { 200: credentialEnvelope.describe('OK'), ...errorResponses },
      },
      exposeHeadRoute: false,
    },
    async (request) => ({ credential: service.show(request.emulator.namespace, manager(request), (request.params as { id: string }).id) }),
  );

  app.patch(
    '/credentials/:id',
    {
      schema: {
        operationId: 'updateCredential',
        tags: TAGS,
        summary: 'Update credential',
        description: "Changes a credential's secret and/or status (`Active` | `Inactive`). `blob`, `project_id` and `type: \"ec2\"` are required; `project_id`, `user_id` and `blob.access` must be the credential's own.",
        params: idParams,
        body: updateBody,
        response: { 200: credentialEnvelope.describe('OK'), ...errorResponses },
      },
    },
    async (request) => ({ credential: service.update(request.emulator.namespace, manager(request), (request.params as { id: string }).id, request.body as UpdateBody) }),
  );

  app.delete(
    '/credentials/:id',
    {
      schema: {
        operationId: 'deleteCredential',
        tags: TAGS,
        summary: 'Delete credential',
        description: 'Deletes a credential; 204 with an empty body.',
        params: idParams,
        response: { 204: z.null().describe('No Content (empty body)'), ...errorResponses },
      },
    },
    async (request, reply) => {
      service.remove(request.emulator.namespace, manager(request), (request.params as { id: string }).id);
      return reply.code(204).send();
    },
  );
}
