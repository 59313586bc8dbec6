import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { VendorContext } from '../../core/vendor.js';
import { principalOf } from '../../http/request-context.js';
import { JSON_CONTENT_TYPE, STATUS_WORDING } from './errors.js';
import { httpDate, ibmIds, swiftTimestamp } from './ids.js';
import { createBody, credentialEnvelope, credentialsEnvelope, errorEnvelope, idParams, listQuery, updateBody } from './schemas.js';
import { IbmService } from './service.js';
import { ibmStore, type ManagerRow } from './store.js';

const TAGS = ['ibm'];

/** IBM's meaning of each status (COSS 3.20.1), as the OpenAPI response descriptions. */
const errorResponses = {
  400: errorEnvelope.describe(STATUS_WORDING[400]!),
  401: errorEnvelope.describe(STATUS_WORDING[401]!),
  403: errorEnvelope.describe(STATUS_WORDING[403]!),
  404: errorEnvelope.describe('No such user or storage account exists'),
  405: errorEnvelope.describe('Although the user may be valid, the user does not have privileges to access storage account'),
  409: errorEnvelope.describe('Conflict (only through x-emulator-fault on this operation)'),
  413: errorEnvelope.describe('Request is too large'),
  415: errorEnvelope.describe('The request body must be application/json'),
  429: errorEnvelope.describe('Too many requests (emulator rate limit); see Retry-After'),
  500: errorEnvelope.describe('Internal error'),
  503: errorEnvelope.describe('The credential API service is currently unavailable'),
} as const;

/** The IBM COS Credentials Management API: `/credentials` on the Accesser (port 8337/8338). */
export function ibmRoutes(fastify: FastifyInstance, ctx: VendorContext): void {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const service = new IbmService({ store: ibmStore(ctx.db), ids: ctx.ids, keyLimit: ctx.config.ibmKeyLimit });
  /** The Manager that `ibmAuth` authenticated and authorized. */
  const manager = (request: FastifyRequest): ManagerRow => principalOf<ManagerRow>(request);
  const namespace = (request: FastifyRequest): string => request.emulator.namespace;
  const now = (request: FastifyRequest): number => request.emulator.now;

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

  // Every response, errors included: Swift's X-Trans-Id and X-Timestamp and a Date, all the request's
  // one time on the emulator's clock (so they agree with each other), and IBM's content type. A
  // request refused before the vendor plugin saw it has no time yet: the clock is read then.
  app.addHook('onSend', (request, reply, payload, done) => {
    const now = request.emulator?.now ?? ctx.clock.now();
    reply.headers({
      'content-type': JSON_CONTENT_TYPE,
      'accept-ranges': 'bytes',
      'x-timestamp': swiftTimestamp(now),
      'x-trans-id': ibmIds.transId(ctx.ids, now),
      date: httpDate(now),
    });
    done(null, payload);
  });

  // IBM's examples also write `POST <accesser>:8338/credentials/` and `GET …/credentials/?project_id=…`:
  // the trailing-slash forms are served too, hidden from the OpenAPI document.
  for (const [url, hidden] of [['/credentials', false], ['/credentials/', true]] as const) {
    app.post(
      url,
      {
        schema: {
          operationId: 'createCredential',
          tags: TAGS,
          summary: 'Create credential',
          description:
            'Creates a secret access key and access key ID for a user of a storage account. Without `blob` the system generates both; with a `blob` holding `access`, the secret is generated unless given. New keys are `Active` unless `blob.status` says otherwise. 409 when the user already holds the maximum number of keys (IBM_KEY_LIMIT).',
          body: createBody,
          response: { 201: credentialEnvelope.describe('Created'), ...errorResponses, 409: errorEnvelope.describe('The user has reached maximum number of keys that can be generated for the user (or the given access key exists)') },
          ...(hidden ? { hide: true } : {}),
        },
        exposeHeadRoute: false,
      },
      async (request, reply) => reply.code(201).send({ credential: service.create(namespace(request), manager(request), request.body, now(request)) }),
    );

    app.get(
      url,
      {
        schema: {
          operationId: 'listCredentials',
          tags: TAGS,
          summary: 'List credentials',
          description: 'Lists the secret access keys and access key IDs the caller may see. `project_id` and then `user_id` successively filter the list. The secret is included, as IBM documents.',
          querystring: listQuery,
          response: { 200: credentialsEnvelope.describe('OK'), ...errorResponses },
          ...(hidden ? { hide: true } : {}),
        },
        exposeHeadRoute: false,
      },
      async (request) => ({ credentials: service.list(namespace(request), manager(request), request.query) }),
    );
  }

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
    async (request) => ({ credential: service.show(namespace(request), manager(request), request.params.id) }),
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
    async (request) => ({ credential: service.update(namespace(request), manager(request), request.params.id, request.body, now(request)) }),
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
      service.remove(namespace(request), manager(request), request.params.id);
      // Sent without a payload (a serialized `null` would lose the content type IBM's 204 carries).
      reply.code(204);
    },
  );
}
