import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { VendorContext } from '../../core/vendor.js';
import { catalogue } from './errors.js';
import {
  accessKeyList, accessKeyParams, activateBody, bucket, bucketList, bucketListQuery, bucketParams, createAccessKeyBody,
  createAccessKeyResponse, createBucketBody, createBucketResponse, errorBody, messageResponse, otpBody, refreshBody,
  sessionResponse, sessionStatus, sessionTokenParams, updateBucketBody,
} from './schemas.js';
import { KrutrimService, type Caller } from './service.js';

const TAGS = ['krutrim'];

/** Every error status the catalogue can produce (naturally or by fault injection), in the KOS shape. */
const ERROR_STATUSES = [...new Set(catalogue.codes().map((c) => catalogue.entry(c).status))].sort((a, b) => a - b);
const errors = Object.fromEntries(ERROR_STATUSES.map((s) => [s, errorBody]));
const noContent = z.null().describe('No Content');

const header = (request: FastifyRequest, name: string): string | undefined => {
  const v = request.headers[name];
  return Array.isArray(v) ? v[0] : v;
};

const callers = new WeakMap<FastifyRequest, Caller>();
export const callerOf = (request: FastifyRequest): Caller => {
  const c = callers.get(request);
  if (!c) throw catalogue.error('UNAUTHORIZED');
  return c;
};

export function krutrimRoutes(root: FastifyInstance, ctx: VendorContext): void {
  const service = new KrutrimService(ctx);

  // Everything under /kos/v1 and /internal/kos/v1 needs the Bearer API key; presigned URLs (issue 8) do not.
  root.register(async (scope) => {
    const app = scope.withTypeProvider<ZodTypeProvider>();

    app.addHook('onRequest', async (request, reply) => {
      const caller = service.authenticate(request.emulator.namespace, {
        authorization: header(request, 'authorization'),
        accountId: header(request, 'x-account-id'),
        regionId: header(request, 'x-region-id'),
        tier: header(request, 'x-tier'),
      });
      request.emulator.credential = caller.credential;
      const decision = ctx.rateLimiter.consume({ namespace: caller.namespace, vendor: 'krutrim', credential: caller.credential, limit: caller.rateLimit, now: ctx.clock.now() });
      if (!decision.allowed) {
        throw catalogue.error('TOO_MANY_REQUESTS', undefined, undefined, { 'retry-after': String(decision.retryAfterSeconds) });
      }
      reply.header('x-region-id', caller.region);
      callers.set(request, caller);
    });

    // ---------------------------------------------------------------- access keys
    app.get('/kos/v1/access_keys', {
      schema: { operationId: 'listAccessKeys', tags: TAGS, summary: 'List the access keys of the account (never their secrets)', response: { 200: accessKeyList, ...errors } },
    }, async (request) => service.listAccessKeys(callerOf(request)));

    app.post('/kos/v1/access_keys', {
      schema: { operationId: 'createAccessKey', tags: TAGS, summary: 'Create an access key: the only response that shows its secret', body: createAccessKeyBody, response: { 201: createAccessKeyResponse, ...errors } },
    }, async (request, reply) => reply.code(201).send(service.createAccessKey(callerOf(request), request.body)));

    app.delete('/kos/v1/access_keys/:accessKey', {
      schema: { operationId: 'deleteAccessKey', tags: TAGS, summary: 'Delete an access key (its sessions end with it)', params: accessKeyParams, body: otpBody, response: { 204: noContent, ...errors } },
    }, async (request, reply) => {
      service.deleteAccessKey(callerOf(request), request.params.accessKey, request.body?.otp);
      return reply.code(204).send(null);
    });

    app.delete('/internal/kos/v1/access_keys_all', {
      schema: { operationId: 'deleteAllAccessKeys', tags: TAGS, summary: 'Delete every access key of the account', response: { 204: noContent, ...errors } },
    }, async (request, reply) => {
      service.deleteAllAccessKeys(callerOf(request));
      return reply.code(204).send(null);
    });

    // ---------------------------------------------------------------- sessions
    app.post('/kos/v1/sessions/activate', {
      schema: { operationId: 'activateSession', tags: TAGS, summary: 'Start a session with an access key and its secret', body: activateBody, response: { 200: sessionResponse, ...errors } },
    }, async (request) => service.activateSession(callerOf(request), request.body));

    app.post('/kos/v1/sessions/refresh/:sessionToken', {
      config: { sensitivePath: true },
      schema: { operationId: 'refreshSession', tags: TAGS, summary: 'Extend an active session (returns a new refresh token)', params: sessionTokenParams, body: refreshBody, response: { 200: sessionResponse, ...errors } },
    }, async (request) => service.refreshSession(callerOf(request), request.params.sessionToken, request.body.refreshToken));

    app.get('/kos/v1/sessions/status/:sessionToken', {
      config: { sensitivePath: true },
      schema: { operationId: 'getSessionStatus', tags: TAGS, summary: 'Whether a session is active', params: sessionTokenParams, response: { 200: sessionStatus, ...errors } },
    }, async (request) => service.sessionStatus(callerOf(request), request.params.sessionToken));

    app.delete('/kos/v1/sessions/deactivate/:sessionToken', {
      config: { sensitivePath: true },
      schema: { operationId: 'deactivateSession', tags: TAGS, summary: 'End a session', params: sessionTokenParams, response: { 200: messageResponse, ...errors } },
    }, async (request) => service.deactivateSession(callerOf(request), request.params.sessionToken));

    // ---------------------------------------------------------------- buckets
    app.get('/kos/v1/buckets', {
      schema: { operationId: 'listBuckets', tags: TAGS, summary: 'List buckets (paged; scoped to x-region-id when sent)', querystring: bucketListQuery, response: { 200: bucketList, ...errors } },
    }, async (request) => service.listBuckets(callerOf(request), request.query));

    app.post('/kos/v1/buckets', {
      schema: { operationId: 'createBucket', tags: TAGS, summary: 'Create a bucket', body: createBucketBody, response: { 201: createBucketResponse, ...errors } },
    }, async (request, reply) => reply.code(201).send(service.createBucket(callerOf(request), request.body)));

    app.get('/kos/v1/buckets/:bucketId', {
      schema: { operationId: 'getBucket', tags: TAGS, summary: 'Get a bucket by KRN (or id or name)', params: bucketParams, response: { 200: bucket, ...errors } },
    }, async (request) => service.getBucket(callerOf(request), request.params.bucketId));

    app.put('/kos/v1/buckets/:bucketId', {
      schema: { operationId: 'updateBucket', tags: TAGS, summary: 'Update bucket tags, versioning, anonymous access', params: bucketParams, body: updateBucketBody, response: { 200: bucket, ...errors } },
    }, async (request) => service.updateBucket(callerOf(request), request.params.bucketId, request.body));

    app.delete('/kos/v1/buckets/:bucketId', {
      schema: { operationId: 'deleteBucket', tags: TAGS, summary: 'Delete an empty bucket', params: bucketParams, body: otpBody, response: { 204: noContent, ...errors } },
    }, async (request, reply) => {
      service.deleteBucket(callerOf(request), request.params.bucketId, request.body?.otp);
      return reply.code(204).send(null);
    });
  });
}
