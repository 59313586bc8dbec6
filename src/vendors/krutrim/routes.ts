import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { Readable } from 'node:stream';
import { z } from 'zod';
import type { VendorContext } from '../../core/vendor.js';
import { catalogue } from './errors.js';
import {
  accessKeyList, accessKeyParams, activateBody, bucket, bucketList, bucketListQuery, bucketParams, createAccessKeyBody,
  createAccessKeyResponse, createBucketBody, createBucketResponse, errorBody, otpBody, refreshBody,
  sessionResponse, sessionStatus, sessionTokenParams, updateBucketBody,
  attachBody, attachResponse, bucketPolicy, bucketPolicyBody, detachBody, bucketPolicyParams, createPolicyBody, createRuleBody, deleteObjectResponse, downloadBody,
  lifecycleRule, metadataResponse, moveBody, moveResponse, objectKeyBody, objectList, objectListQuery, objectParams, policy, policyParams,
  presignedParams, presignedQuery, presignedResponse, presignedUploadResponse, renameBody, renameResponse, ruleParams, updatePolicyBody,
  updateRuleBody, uploadBody, uploadResponse, urlBody,
} from './schemas.js';
import { KrutrimService } from './service.js';
import { presignKey, type UrlBase } from './service/presign.js';
import type { Caller } from './service/tenancy.js';
import { krutrimIds } from './ids.js';
import { krutrimStore } from './store.js';
import { publicBase } from '../../http/public-url.js';
import { principalOf } from '../../http/request-context.js';

const TAGS = ['krutrim'];

/** Every error status the catalogue can produce (naturally or by fault injection), in the KOS shape. */
const ERROR_STATUSES = [...new Set(catalogue.codes().map((c) => catalogue.entry(c).status))].sort((a, b) => a - b);
const errors = Object.fromEntries(ERROR_STATUSES.map((s) => [s, errorBody]));
const noContent = z.null().describe('No Content');
/** A 200 without a body (`null` would be serialized as the text "null"). */
const emptyOk = z.null().optional().describe('No Content');

const header = (request: FastifyRequest, name: string): string | undefined => {
  const v = request.headers[name];
  return Array.isArray(v) ? v[0] : v;
};

/** The caller krutrimAuth resolved (auth.ts): every route but the presigned ones has one. */
const callerOf = (request: FastifyRequest): Caller => principalOf<Caller>(request);

const keyOf = (body: { objectkey?: string | undefined; objectKey?: string | undefined }): string => (body.objectkey ?? body.objectKey)!;

export function krutrimRoutes(root: FastifyInstance, ctx: VendorContext): void {
  const service = new KrutrimService({
    store: krutrimStore(ctx.db),
    ids: krutrimIds(ctx.ids),
    sessionTimeoutMs: ctx.config.krutrimSessionTimeout,
    maxObjectBytes: ctx.config.krutrimMaxObjectBytes,
    config: ctx.config,
    presignKey: presignKey(ctx.db),
  });
  const mount = root.prefix;

  /** Presigned URLs point back at this emulator: the request's host, its namespace, the mount. */
  const urlBase = (request: FastifyRequest): UrlBase => publicBase(request, mount);

  // A token-bearing path no route takes (a wrong method, a trailing slash, an extra segment) is the 404 of any
  // unknown path; the vendor plugin journals and logs it with its token masked (src/http/unrouted-path.ts).

  // Everything under /kos/v1 and /internal/kos/v1 needs the Bearer API key (krutrimAuth, run by the vendor plugin);
  // presigned URLs (issue 8) do not.
  root.register(async (scope) => {
    const app = scope.withTypeProvider<ZodTypeProvider>();

    // ---------------------------------------------------------------- access keys
    app.get('/kos/v1/access_keys', {
      schema: { operationId: 'listAccessKeys', tags: TAGS, summary: 'List the access keys of the account (never their secrets)', response: { 200: accessKeyList, ...errors } },
    }, async (request) => service.accessKeys.list(callerOf(request)));

    app.post('/kos/v1/access_keys', {
      schema: { operationId: 'createAccessKey', tags: TAGS, summary: 'Create an access key: the only response that shows its secret', body: createAccessKeyBody, response: { 201: createAccessKeyResponse, ...errors } },
    }, async (request, reply) => reply.code(201).send(service.accessKeys.create(callerOf(request), request.body, request.emulator.now)));

    app.delete('/kos/v1/access_keys/:accessKey', {
      schema: { operationId: 'deleteAccessKey', tags: TAGS, summary: 'Delete an access key (its sessions end with it)', params: accessKeyParams, body: otpBody, response: { 204: noContent, ...errors } },
    }, async (request, reply) => {
      service.accessKeys.delete(callerOf(request), request.params.accessKey, request.body?.otp, request.emulator.now);
      return reply.code(204).send(null);
    });

    app.delete('/internal/kos/v1/access_keys_all', {
      schema: { operationId: 'deleteAllAccessKeys', tags: TAGS, summary: 'Delete every access key of the account', response: { 204: noContent, ...errors } },
    }, async (request, reply) => {
      service.accessKeys.deleteAll(callerOf(request), request.emulator.now);
      return reply.code(204).send(null);
    });

    // ---------------------------------------------------------------- sessions
    app.post('/kos/v1/sessions/activate', {
      schema: { operationId: 'activateSession', tags: TAGS, summary: 'Start a session with an access key and its secret', body: activateBody, response: { 200: sessionResponse, ...errors } },
    }, async (request) => service.sessions.activate(callerOf(request), request.body, request.emulator.now));

    app.post('/kos/v1/sessions/refresh/:sessionToken', {
      config: { sensitivePath: true },
      schema: { operationId: 'refreshSession', tags: TAGS, summary: 'Extend an active session (returns a new refresh token)', params: sessionTokenParams, body: refreshBody, response: { 200: sessionResponse, ...errors } },
    }, async (request) => service.sessions.refresh(callerOf(request), request.params.sessionToken, request.body.refreshToken, request.emulator.now));

    app.get('/kos/v1/sessions/status/:sessionToken', {
      config: { sensitivePath: true },
      schema: { operationId: 'getSessionStatus', tags: TAGS, summary: 'Whether a session is active', params: sessionTokenParams, response: { 200: sessionStatus, ...errors } },
    }, async (request) => service.sessions.status(callerOf(request), request.params.sessionToken, request.emulator.now));

    app.delete('/kos/v1/sessions/deactivate/:sessionToken', {
      config: { sensitivePath: true },
      schema: { operationId: 'deactivateSession', tags: TAGS, summary: 'End a session (204, no body, as documented)', params: sessionTokenParams, response: { 204: noContent, ...errors } },
    }, async (request, reply) => {
      service.sessions.deactivate(callerOf(request), request.params.sessionToken, request.emulator.now);
      return reply.code(204).send(null);
    });

    // ---------------------------------------------------------------- buckets
    app.get('/kos/v1/buckets', {
      schema: { operationId: 'listBuckets', tags: TAGS, summary: 'List buckets (paged; scoped to x-region-id when sent)', querystring: bucketListQuery, response: { 200: bucketList, ...errors } },
    }, async (request) => service.buckets.list(callerOf(request), request.query));

    app.post('/kos/v1/buckets', {
      schema: { operationId: 'createBucket', tags: TAGS, summary: 'Create a bucket', body: createBucketBody, response: { 201: createBucketResponse, ...errors } },
    }, async (request, reply) => reply.code(201).send(service.buckets.create(callerOf(request), request.body, request.emulator.now)));

    app.get('/kos/v1/buckets/:bucketId', {
      schema: { operationId: 'getBucket', tags: TAGS, summary: 'Get a bucket by KRN (or id or name)', params: bucketParams, response: { 200: bucket, ...errors } },
    }, async (request) => service.buckets.get(callerOf(request), request.params.bucketId, request.emulator.now));

    app.put('/kos/v1/buckets/:bucketId', {
      schema: { operationId: 'updateBucket', tags: TAGS, summary: 'Update bucket tags, versioning, anonymous access', params: bucketParams, body: updateBucketBody, response: { 200: bucket, ...errors } },
    }, async (request) => service.buckets.update(callerOf(request), request.params.bucketId, request.body, request.emulator.now));

    app.delete('/kos/v1/buckets/:bucketId', {
      schema: { operationId: 'deleteBucket', tags: TAGS, summary: 'Delete an empty bucket', params: bucketParams, body: otpBody, response: { 204: noContent, ...errors } },
    }, async (request, reply) => {
      service.buckets.delete(callerOf(request), request.params.bucketId, request.body?.otp, request.emulator.now);
      return reply.code(204).send(null);
    });

    // ---------------------------------------------------------------- lifecycle rules
    app.get('/kos/v1/buckets/:bucketId/lifecycle-rules', {
      schema: { operationId: 'listLifecycleRules', tags: TAGS, summary: 'List the lifecycle rules of a bucket', params: bucketParams, response: { 200: z.array(lifecycleRule), ...errors } },
    }, async (request) => service.lifecycle.list(callerOf(request), request.params.bucketId));

    app.post('/kos/v1/buckets/:bucketId/lifecycle-rules', {
      schema: { operationId: 'createLifecycleRule', tags: TAGS, summary: 'Create a lifecycle rule (409 for a duplicate name)', params: bucketParams, body: createRuleBody, response: { 201: lifecycleRule, ...errors } },
    }, async (request, reply) => reply.code(201).send(service.lifecycle.create(callerOf(request), request.params.bucketId, request.body, request.emulator.now)));

    app.get('/kos/v1/buckets/:bucketId/lifecycle-rules/:ruleId', {
      schema: { operationId: 'getLifecycleRule', tags: TAGS, summary: 'Get a lifecycle rule', params: ruleParams, response: { 200: lifecycleRule, ...errors } },
    }, async (request) => service.lifecycle.get(callerOf(request), request.params.bucketId, request.params.ruleId));

    app.put('/kos/v1/buckets/:bucketId/lifecycle-rules/:ruleId', {
      schema: { operationId: 'updateLifecycleRule', tags: TAGS, summary: 'Update a lifecycle rule (fields not sent are kept)', params: ruleParams, body: updateRuleBody, response: { 200: lifecycleRule, ...errors } },
    }, async (request) => service.lifecycle.update(callerOf(request), request.params.bucketId, request.params.ruleId, request.body, request.emulator.now));

    app.delete('/kos/v1/buckets/:bucketId/lifecycle-rules/:ruleId', {
      schema: { operationId: 'deleteLifecycleRule', tags: TAGS, summary: 'Delete a lifecycle rule', params: ruleParams, response: { 204: noContent, ...errors } },
    }, async (request, reply) => {
      service.lifecycle.delete(callerOf(request), request.params.bucketId, request.params.ruleId);
      return reply.code(204).send(null);
    });

    // ---------------------------------------------------------------- policies
    app.get('/internal/kos/v1/policy', {
      schema: { operationId: 'listPolicies', tags: TAGS, summary: 'List the policies of the account', response: { 200: z.array(policy), ...errors } },
    }, async (request) => service.policies.list(callerOf(request)));

    app.post('/internal/kos/v1/policy', {
      schema: { operationId: 'createPolicy', tags: TAGS, summary: 'Create a policy', body: createPolicyBody, response: { 201: policy, ...errors } },
    }, async (request, reply) => reply.code(201).send(service.policies.create(callerOf(request), request.body, request.emulator.now)));

    app.get('/internal/kos/v1/policy/:policykrn', {
      schema: { operationId: 'getPolicy', tags: TAGS, summary: 'Get a policy by KRN (or id)', params: policyParams, response: { 200: policy, ...errors } },
    }, async (request) => service.policies.get(callerOf(request), request.params.policykrn));

    app.put('/internal/kos/v1/policy/:policykrn', {
      schema: { operationId: 'updatePolicy', tags: TAGS, summary: 'Modify a policy', params: policyParams, body: updatePolicyBody, response: { 200: policy, ...errors } },
    }, async (request) => service.policies.update(callerOf(request), request.params.policykrn, request.body, request.emulator.now));

    app.delete('/internal/kos/v1/policy/:policykrn', {
      schema: { operationId: 'deletePolicy', tags: TAGS, summary: 'Delete a policy (detaching it everywhere)', params: policyParams, response: { 204: noContent, ...errors } },
    }, async (request, reply) => {
      service.policies.delete(callerOf(request), request.params.policykrn);
      return reply.code(204).send(null);
    });

    // The documented paths: policies (by KRN) attached to a customer (kcid), not to buckets.
    app.post('/internal/kos/v1/policy/attach', {
      schema: { operationId: 'attachPolicy', tags: TAGS, summary: 'Attach policies (by KRN) to a customer: the kcid given, else K-Customer-ID, else the account\'s', body: attachBody, response: { 200: attachResponse, ...errors } },
    }, async (request) => {
      const c = callerOf(request);
      const fromHeader = header(request, 'k-customer-id');
      if (fromHeader !== undefined && (fromHeader.length === 0 || fromHeader.length > 128)) throw catalogue.error('BAD_REQUEST', { message: 'Bad request: K-Customer-ID must have 1 to 128 characters' });
      return service.policies.attach(c, request.body.policyKRNs, request.body.kcid ?? fromHeader ?? c.customerId, true, request.emulator.now);
    });

    app.post('/internal/kos/v1/policy/detach', {
      schema: { operationId: 'detachPolicy', tags: TAGS, summary: 'Detach policies (by KRN) from a customer (kcid)', body: detachBody, response: { 200: attachResponse, ...errors } },
    }, async (request) => service.policies.attach(callerOf(request), request.body.policyKRNs, request.body.kcid, false, request.emulator.now));

    // ---------------------------------------------------------------- bucket policies
    app.get('/kos/v1/buckets/policy/:bucketKrn', {
      schema: { operationId: 'getBucketPolicy', tags: TAGS, summary: 'Get the IP policy of a bucket', params: bucketPolicyParams, response: { 200: bucketPolicy, ...errors } },
    }, async (request) => service.bucketPolicies.get(callerOf(request), request.params.bucketKrn));

    app.post('/kos/v1/buckets/policy/:bucketKrn', {
      schema: { operationId: 'createBucketPolicy', tags: TAGS, summary: 'Create the IP policy of a bucket', params: bucketPolicyParams, body: bucketPolicyBody, response: { 201: bucketPolicy, ...errors } },
    }, async (request, reply) => reply.code(201).send(service.bucketPolicies.create(callerOf(request), request.params.bucketKrn, request.body, request.emulator.now)));

    app.put('/kos/v1/buckets/policy/:bucketKrn', {
      schema: { operationId: 'modifyBucketPolicy', tags: TAGS, summary: 'Modify the IP policy of a bucket ("No content", as documented)', params: bucketPolicyParams, body: bucketPolicyBody, response: { 200: emptyOk, ...errors } },
    }, async (request, reply) => {
      service.bucketPolicies.update(callerOf(request), request.params.bucketKrn, request.body, request.emulator.now);
      return reply.code(200).send(undefined);
    });

    app.delete('/kos/v1/buckets/policy/:bucketKrn', {
      schema: { operationId: 'deleteBucketPolicy', tags: TAGS, summary: 'Delete the IP policy of a bucket', params: bucketPolicyParams, response: { 204: noContent, ...errors } },
    }, async (request, reply) => {
      service.bucketPolicies.delete(callerOf(request), request.params.bucketKrn);
      return reply.code(204).send(null);
    });

    // ---------------------------------------------------------------- objects: an x-session-token, when sent, must be active (krutrimAuth.authorize)
    app.get('/kos/v1/buckets/:bucketKrn/objects', {
      schema: { operationId: 'listObjects', tags: TAGS, summary: 'List objects under a prefix (folders as isFolder entries, delimiter "/")', params: objectParams, querystring: objectListQuery, response: { 200: objectList, ...errors } },
    }, async (request) => service.objects.list(callerOf(request), request.params.bucketKrn, request.query.prefix, request.emulator.now));

    app.put('/kos/v1/buckets/:bucketKrn/objects', {
      schema: { operationId: 'uploadObject', tags: TAGS, summary: 'Start an upload: returns a presigned PUT URL for the key in `prefix` (201, as documented)', params: objectParams, body: uploadBody, response: { 201: uploadResponse, ...errors } },
    }, async (request, reply) => reply.code(201).send(service.objects.startUpload(callerOf(request), request.params.bucketKrn, request.body, urlBase(request), request.emulator.now)));

    app.post('/kos/v1/buckets/:bucketKrn/objects/download', {
      schema: { operationId: 'downloadObject', tags: TAGS, summary: 'A presigned GET URL for an existing object', params: objectParams, body: downloadBody, response: { 200: presignedResponse, ...errors } },
    }, async (request) => service.objects.url(callerOf(request), request.params.bucketKrn, keyOf(request.body), request.body.expires_in, 'GET', urlBase(request), request.emulator.now));

    app.post('/kos/v1/buckets/:bucketKrn/objects/url', {
      schema: { operationId: 'presignObjectUrl', tags: TAGS, summary: 'A presigned URL (GET by default, or PUT)', params: objectParams, body: urlBody, response: { 200: presignedResponse, ...errors } },
    }, async (request) => service.objects.url(callerOf(request), request.params.bucketKrn, keyOf(request.body), request.body.expires_in, request.body.method ?? 'GET', urlBase(request), request.emulator.now));

    app.post('/kos/v1/buckets/:bucketKrn/objects/metadata', {
      schema: { operationId: 'getObjectMetadata', tags: TAGS, summary: 'Object metadata (etag is the MD5 of the content)', params: objectParams, body: objectKeyBody, response: { 200: metadataResponse, ...errors } },
    }, async (request) => service.objects.metadata(callerOf(request), request.params.bucketKrn, keyOf(request.body), request.emulator.now));

    app.post('/kos/v1/buckets/:bucketKrn/objects/move', {
      schema: { operationId: 'moveObject', tags: TAGS, summary: 'Move or copy an object (action), optionally to another bucket of the account', params: objectParams, body: moveBody, response: { 200: moveResponse, ...errors } },
    }, async (request) => service.objects.move(callerOf(request), request.params.bucketKrn, request.body, request.emulator.now));

    app.post('/kos/v1/buckets/:bucketKrn/objects/rename', {
      schema: { operationId: 'renameObject', tags: TAGS, summary: 'Rename an object', params: objectParams, body: renameBody, response: { 200: renameResponse, ...errors } },
    }, async (request) => service.objects.rename(callerOf(request), request.params.bucketKrn, request.body, request.emulator.now));

    app.post('/kos/v1/buckets/:bucketKrn/objects/delete', {
      schema: { operationId: 'deleteObject', tags: TAGS, summary: 'Delete an object (a key ending in "/" deletes the folder)', params: objectParams, body: objectKeyBody, response: { 200: deleteObjectResponse, ...errors } },
    }, async (request) => service.objects.delete(callerOf(request), request.params.bucketKrn, keyOf(request.body), request.emulator.now));
  });

  // Presigned URLs: the signature is the credential (no Bearer key); any content type, as bytes.
  root.register(async (scope) => {
    const app = scope.withTypeProvider<ZodTypeProvider>();
    const maxBytes = ctx.config.krutrimMaxObjectBytes;
    scope.removeAllContentTypeParsers();
    // The body is left unread here: the handler checks the signature and the declared length first,
    // then reads it (bounded), so a bogus or oversized upload is refused before any of it is held.
    scope.addContentTypeParser('*', (_request, payload, done) => done(null, payload));

    app.put('/_objects/:bucketId/*', {
      schema: { operationId: 'presignedPut', tags: TAGS, summary: 'Emulator: upload bytes to a presigned PUT URL (content type kept)', params: presignedParams, querystring: presignedQuery, response: { 200: presignedUploadResponse, ...errors } },
    }, async (request, reply) => {
      const key = request.params['*'];
      const { namespace, now } = request.emulator;
      const b = service.presigner.check(namespace, 'PUT', request.params.bucketId, key, request.query, now);
      const declared = Number(request.headers['content-length'] ?? 0);
      if (declared > maxBytes) throw tooLarge(maxBytes);
      const body = request.body instanceof Readable ? await readBounded(request.body, maxBytes) : Buffer.alloc(0);
      const stored = service.objects.put(namespace, b, key, body, header(request, 'content-type'), now);
      return reply.header('etag', `"${stored.etag}"`).send(stored);
    });

    app.get('/_objects/:bucketId/*', {
      schema: { operationId: 'presignedGet', tags: TAGS, summary: 'Emulator: download the exact bytes from a presigned GET URL', params: presignedParams, querystring: presignedQuery, response: { 200: z.any().describe('The object bytes, with its content type'), ...errors } },
    }, async (request, reply) => {
      const key = request.params['*'];
      const { namespace, now } = request.emulator;
      const b = service.presigner.check(namespace, request.method, request.params.bucketId, key, request.query, now);
      const o = service.objects.get(namespace, b, key, now);
      return reply
        .type(o.content_type)
        .header('etag', `"${o.etag}"`)
        .header('last-modified', new Date(o.last_modified).toUTCString())
        .send(o.body);
    });
  });
}

const tooLarge = (max: number) => catalogue.error('PAYLOAD_TOO_LARGE', { message: `Payload too large: objects are limited to ${max} bytes (KRUTRIM_MAX_OBJECT_BYTES)` });

/**
 * Reads a request body of at most `max` bytes (a chunked one may not say its length); more is a 413,
 * and the rest is then read and dropped, so the connection can still carry the answer.
 */
function readBounded(stream: Readable, max: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let length = 0;
    const stop = () => {
      stream.off('data', onData).off('end', onEnd).off('error', onError);
    };
    const onData = (chunk: Buffer) => {
      length += chunk.length;
      if (length <= max) return void chunks.push(chunk);
      stop();
      stream.resume();
      reject(tooLarge(max));
    };
    const onEnd = () => {
      stop();
      resolve(Buffer.concat(chunks, length));
    };
    const onError = (err: Error) => {
      stop();
      reject(err);
    };
    stream.on('data', onData).once('end', onEnd).once('error', onError);
  });
}
