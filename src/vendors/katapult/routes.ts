import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { VendorContext } from '../../core/vendor.js';
import { mergeArguments, type Args } from './args.js';
import { katapultError } from './errors.js';
import * as s from './schemas.js';
import { katapultService, type KatapultService } from './service.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Katapult: the scopes (any of) the route requires (auth.ts checks them). */
    katapultScopes?: readonly string[];
  }
}

const ERROR_STATUSES = [400, 403, 404, 406, 422, 429, 500, 503, 504] as const;
const errorResponses = Object.fromEntries(ERROR_STATUSES.map((status) => [status, s.errorEnvelope]));

const SUCCESS_CACHE_CONTROL = 'max-age=0, private, must-revalidate';
const CORS = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'GET, POST, PUT, PATCH, DELETE, OPTIONS',
  'access-control-allow-headers': 'Authorization, Content-Type',
};

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

interface Operation {
  method: Method;
  url: string;
  operationId: string;
  summary: string;
  scopes: readonly string[];
  status: 200 | 201;
  response: z.ZodType;
  querystring?: z.ZodType;
  body?: z.ZodType;
  run(service: KatapultService, namespace: string, args: Args, now: number): unknown;
}

const OBJECT_STORAGE = ['object_storage'] as const;
const OBJECT_STORAGE_READ = ['object_storage:read'] as const;
const KEY = z.object({ object_storage_access_key: s.objectStorageAccessKey });
const ACCOUNT = z.object({ object_storage_account: s.objectStorageAccount });
const BUCKET = z.object({ object_storage_bucket: s.objectStorageBucket });
const SUCCESS = z.object({ success: z.boolean() });
const a = s.argumentSchemas;

/** One entry per vendor operation; operationIds are the vendor spec's own. */
const OPERATIONS: Operation[] = [
  // Access keys (A1–A6)
  { method: 'GET', url: '/organizations/organization/object_storage/access_keys', operationId: 'get:organization_object_storage_access_keys', summary: 'List object storage access keys', scopes: OBJECT_STORAGE, status: 200,
    response: z.object({ pagination: s.paginationObject, object_storage_access_keys: z.array(s.objectStorageAccessKey) }), querystring: a.listAccessKeys, run: (svc, namespace, args, now) => svc.listAccessKeys(namespace, args, now) },
  { method: 'POST', url: '/organizations/organization/object_storage/object_storage_cluster/access_keys', operationId: 'post:organization_object_storage_object_storage_cluster_access_keys', summary: 'Create object storage access key', scopes: OBJECT_STORAGE, status: 201,
    response: KEY, body: a.createAccessKey, run: (svc, namespace, args, now) => svc.createAccessKey(namespace, args, now) },
  { method: 'GET', url: '/object_storage/access_keys/access_key', operationId: 'get:object_storage_access_key', summary: 'Get object storage access key', scopes: OBJECT_STORAGE, status: 200,
    response: KEY, querystring: a.accessKeyQuery, run: (svc, namespace, args, now) => svc.getAccessKey(namespace, args, now) },
  { method: 'PATCH', url: '/object_storage/access_keys/access_key', operationId: 'patch:object_storage_access_key', summary: 'Update object storage access key', scopes: OBJECT_STORAGE, status: 200,
    response: KEY, body: a.updateAccessKey, run: (svc, namespace, args, now) => svc.updateAccessKey(namespace, args, now) },
  { method: 'DELETE', url: '/object_storage/access_keys/access_key', operationId: 'delete:object_storage_access_key', summary: 'Delete object storage access key', scopes: OBJECT_STORAGE, status: 200,
    response: SUCCESS, body: a.accessKeyBody, run: (svc, namespace, args, now) => svc.deleteAccessKey(namespace, args, now) },
  { method: 'POST', url: '/object_storage/access_keys/access_key/generate_credentials', operationId: 'post:object_storage_access_key_generate_credentials', summary: 'Generate new S3 credentials for an access key', scopes: OBJECT_STORAGE, status: 200,
    response: z.object({ object_storage_access_key: s.objectStorageAccessKeyAlphabetical }), body: a.accessKeyBody, run: (svc, namespace, args, now) => svc.generateCredentials(namespace, args, now) },
  // Accounts (B1–B3)
  { method: 'POST', url: '/organizations/organization/object_storage/object_storage_cluster', operationId: 'post:organization_object_storage_object_storage_cluster', summary: 'Create object storage account', scopes: OBJECT_STORAGE, status: 201,
    response: ACCOUNT, body: a.accountBody, run: (svc, namespace, args, now) => svc.createAccount(namespace, args, now) },
  { method: 'GET', url: '/organizations/organization/object_storage/object_storage_cluster', operationId: 'get:organization_object_storage_object_storage_cluster', summary: 'Get object storage account', scopes: OBJECT_STORAGE_READ, status: 200,
    response: ACCOUNT, querystring: a.accountQuery, run: (svc, namespace, args, now) => svc.getAccount(namespace, args, now) },
  { method: 'DELETE', url: '/organizations/organization/object_storage/object_storage_cluster', operationId: 'delete:organization_object_storage_object_storage_cluster', summary: 'Move object storage account to trash', scopes: OBJECT_STORAGE, status: 200,
    response: z.object({ trash_object: s.trashObjectShort, object_storage_account: s.objectStorageAccount }), body: a.accountBody, run: (svc, namespace, args, now) => svc.deleteAccount(namespace, args, now) },
  // Buckets (C1–C7)
  { method: 'POST', url: '/organizations/organization/object_storage/object_storage_cluster/buckets', operationId: 'post:organization_object_storage_object_storage_cluster_buckets', summary: 'Create object storage bucket', scopes: OBJECT_STORAGE, status: 201,
    response: BUCKET, body: a.createBucket, run: (svc, namespace, args, now) => svc.createBucket(namespace, args, now) },
  { method: 'GET', url: '/object_storage/object_storage_cluster/buckets/bucket', operationId: 'get:object_storage_object_storage_cluster_bucket', summary: 'Get object storage bucket', scopes: OBJECT_STORAGE_READ, status: 200,
    response: BUCKET, querystring: a.bucketQuery, run: (svc, namespace, args, now) => svc.getBucket(namespace, args, now) },
  { method: 'PATCH', url: '/object_storage/object_storage_cluster/buckets/bucket', operationId: 'patch:object_storage_object_storage_cluster_bucket', summary: 'Update object storage bucket', scopes: OBJECT_STORAGE, status: 200,
    response: BUCKET, body: a.updateBucket, run: (svc, namespace, args, now) => svc.updateBucket(namespace, args, now) },
  { method: 'DELETE', url: '/object_storage/object_storage_cluster/buckets/bucket', operationId: 'delete:object_storage_object_storage_cluster_bucket', summary: 'Delete object storage bucket', scopes: OBJECT_STORAGE, status: 200,
    response: SUCCESS, body: a.bucketBody, run: (svc, namespace, args, now) => svc.deleteBucket(namespace, args, now) },
  { method: 'POST', url: '/object_storage/object_storage_cluster/buckets/bucket/presigned_url', operationId: 'post:object_storage_object_storage_cluster_bucket_presigned_url', summary: 'Generate a presigned URL for an object', scopes: OBJECT_STORAGE, status: 200,
    response: z.object({ url: z.string() }), body: a.presignedUrl, run: (svc, namespace, args, now) => svc.presignedUrl(namespace, args, now) },
  { method: 'POST', url: '/object_storage/object_storage_cluster/buckets/bucket/revoke_presigned_urls', operationId: 'post:object_storage_object_storage_cluster_bucket_revoke_presigned_urls', summary: "Revoke a bucket's presigned URLs", scopes: OBJECT_STORAGE, status: 200,
    response: SUCCESS, body: a.bucketBody, run: (svc, namespace, args, now) => svc.revokePresignedUrls(namespace, args, now) },
  { method: 'GET', url: '/object_storage/object_storage_cluster/buckets/bucket/object', operationId: 'get:object_storage_object_storage_cluster_bucket_object', summary: 'Get object details', scopes: OBJECT_STORAGE_READ, status: 200,
    response: z.object({ object_details: s.objectStorageObject }), querystring: a.objectQuery, run: (svc, namespace, args, now) => svc.getObject(namespace, args, now) },
  // Trash (T1, T2, restore)
  { method: 'GET', url: '/trash_objects/trash_object', operationId: 'get:trash_object', summary: 'Get trash object', scopes: ['trash_objects:read'], status: 200,
    response: z.object({ trash_object: s.trashObject }), querystring: a.trashQuery, run: (svc, namespace, args, now) => svc.getTrashObject(namespace, args, now) },
  { method: 'DELETE', url: '/trash_objects/trash_object', operationId: 'delete:trash_object', summary: 'Purge an object from the trash', scopes: ['trash_objects:purge'], status: 200,
    response: z.object({ task: s.task }), body: a.trashBody, run: (svc, namespace, args, now) => svc.purgeTrashObject(namespace, args, now) },
  { method: 'POST', url: '/trash_objects/trash_object/restore', operationId: 'post:trash_object_restore', summary: 'Restore an object from the trash (outside the saved spec subset; as in go-katapult)', scopes: ['trash_objects:restore'], status: 200,
    response: z.object({ trash_object: s.trashObject }), body: a.trashBody, run: (svc, namespace, args, now) => svc.restoreTrashObject(namespace, args, now) },
];

function rawQuery(url: string): string {
  const q = url.indexOf('?');
  return q === -1 ? '' : url.slice(q + 1);
}

/** A forced 429 has no window of its own: a client waits as long as a fresh one-minute window lasts. */
const FORCED_RETRY_AFTER_SECONDS = 60;

/** The forced 429's `detail.total_permitted`, set to the limit its headers show (the default window's). */
function withTotalPermitted(payload: unknown, limit: number): unknown {
  if (typeof payload !== 'string') return payload;
  try {
    const body = JSON.parse(payload) as { error?: { code?: string; detail?: Record<string, unknown> } };
    if (body.error?.code !== 'rate_limit_reached') return payload;
    body.error.detail = { ...body.error.detail, total_permitted: limit };
    return JSON.stringify(body);
  } catch {
    return payload;
  }
}

/** Katapult's routes (auth, rate limit and scopes are the vendor plugin's, from auth.ts). */
export function katapultRoutes(fastify: FastifyInstance, ctx: VendorContext): void {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const service = katapultService(ctx);

  // Apia validates arguments itself (after auth and scope): route schemas document, args.ts checks.
  app.setValidatorCompiler(() => (data) => ({ value: data }));

  // The JSON body is parsed only for application/json; any other content type is ignored (Apia).
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    const text = String(body);
    if (text.trim() === '') return done(null, {});
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      return done(katapultError('invalid_json_body', { details: (err as Error).message }), undefined);
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return done(katapultError('invalid_json_body', { details: 'The JSON body must be an object' }), undefined);
    done(null, value);
  });
  app.removeContentTypeParser('text/plain');
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, _body, done) => done(null, undefined));

  // CORS on every routed answer once faults have passed, before the auth step (a route's own hooks run
  // after this context's): an auth refusal carries it too, as on the live API.
  app.addHook('onRequest', (request, reply, done) => {
    if (!request.is404) reply.headers(CORS);
    done();
  });

  // The live API sends a bare `application/json` (Fastify would add a charset), and the rate-limit headers
  // on every response: one answered before a token was known (no token, unknown token, no route, a forced
  // fault) consumed nothing, so it shows a default token's full window. A forced 429 looks like a real one:
  // the window's limit, nothing remaining, `Retry-After` and `detail.total_permitted` = the limit.
  app.addHook('onSend', (_request, reply, payload, done) => {
    const type = reply.getHeader('content-type');
    if (typeof type === 'string' && type.startsWith('application/json')) reply.header('content-type', 'application/json');
    if (!reply.hasHeader('x-ratelimit-permitted')) {
      const limit = ctx.rateLimiter.limitFor('katapult', s.DEFAULT_TOKEN_RATE_LIMIT);
      const forced429 = reply.statusCode === 429;
      reply.header('x-ratelimit-permitted', String(limit)).header('x-ratelimit-remaining', forced429 ? '0' : String(limit));
      if (forced429) {
        if (!reply.hasHeader('retry-after')) reply.header('retry-after', String(FORCED_RETRY_AFTER_SECONDS));
        return done(null, withTotalPermitted(payload, limit));
      }
    }
    done(null, payload);
  });

  for (const op of OPERATIONS) {
    app.route({
      method: op.method,
      url: op.url,
      config: { katapultScopes: op.scopes },
      schema: {
        operationId: op.operationId,
        summary: op.summary,
        tags: ['katapult'],
        description: `Scopes: ${op.scopes.join(' or ')}. Arguments come from the query string (Rack nested params) merged with the JSON body.`,
        ...(op.querystring ? { querystring: op.querystring } : {}),
        ...(op.body ? { body: op.body } : {}),
        response: { [op.status]: op.response, ...errorResponses },
      },
      handler: async (request, reply) => {
        // The body as parsed (the validator passes it through): args.ts reads it the way Apia does.
        const args = mergeArguments(rawQuery(request.url), request.body);
        const result = op.run(service, request.emulator.namespace, args, request.emulator.now);
        return reply.code(op.status).header('cache-control', SUCCESS_CACHE_CONTROL).header('content-type', 'application/json').send(result);
      },
    });
  }
}
