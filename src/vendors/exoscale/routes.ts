import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { VendorContext } from '../../core/vendor.js';
import { principalOf } from '../../http/request-context.js';
import {
  accessKey,
  accessKeyList,
  accessKeyOperationList,
  apiKey,
  apiKeyCreated,
  apiKeyList,
  apiKeyParams,
  assumedRoleKey,
  assumeIamRoleBody,
  createAccessKeyBody,
  createApiKeyBody,
  createIamRoleBody,
  errorBody,
  iamPolicy,
  iamRole,
  iamRoleList,
  keyParams,
  operation,
  updateIamRoleBody,
  uuidParams,
} from './schemas.js';
import { keepRawBody } from './auth.js';
import type { Principal } from './credentials.js';
import { ExoscaleService } from './service.js';
import { exoscaleStore } from './store.js';

/** Every status an Exoscale route can answer with besides 200 (naturally or by fault injection). */
const errors = {
  400: errorBody,
  403: errorBody,
  404: errorBody,
  409: errorBody,
  429: errorBody,
  500: errorBody,
  503: errorBody,
} as const;

const tags = ['exoscale'];

function invalidJson(message: string): Error {
  const err = new SyntaxError(message) as SyntaxError & { statusCode: number };
  err.statusCode = 400;
  return err;
}

export function exoscaleRoutes(fastify: FastifyInstance, ctx: VendorContext): void {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const { accessKeys, apiKeys, roles, operations, permissions } = new ExoscaleService({ store: exoscaleStore(ctx.db), clock: ctx.clock, ids: ctx.ids, transitions: ctx.transitions });

  // JSON bodies are parsed here, in the vendor's scope, keeping the raw bytes for the signature (auth.ts).
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, bytes: Buffer, done) => {
    keepRawBody(request.raw, bytes);
    if (bytes.length === 0) return done(null, undefined);
    try {
      done(null, JSON.parse(bytes.toString('utf8')));
    } catch (err) {
      done(invalidJson((err as Error).message), undefined);
    }
  });

  // Every route is signed, rate limited and authorized by auth.ts before its handler: the handlers read
  // the signing key with principalOf, the request's one time from request.emulator.now.
  const namespace = (request: FastifyRequest) => request.emulator.namespace;
  const now = (request: FastifyRequest) => request.emulator.now;
  const outcome = (request: FastifyRequest) => request.emulator.outcome;
  const signer = (request: FastifyRequest) => principalOf<Principal>(request);

  // ---- legacy access keys (2024 spec) ---------------------------------------------------------

  app.post('/access-key', {
    schema: { operationId: 'create-access-key', tags, summary: 'Create a legacy IAM Access Key (the secret is only in this response)', body: createAccessKeyBody, response: { 200: accessKey, ...errors } },
  }, async (request) => accessKeys.create(namespace(request), signer(request), request.body, now(request)));

  app.get('/access-key', {
    schema: { operationId: 'list-access-keys', tags, summary: 'List IAM Access Keys', response: { 200: accessKeyList, ...errors } },
  }, async (request) => ({ 'access-keys': accessKeys.list(namespace(request), now(request)) }));

  app.get('/access-key/:key', {
    schema: { operationId: 'get-access-key', tags, summary: 'Retrieve IAM Access Key details', params: keyParams, response: { 200: accessKey, ...errors } },
  }, async (request) => accessKeys.get(namespace(request), request.params.key, now(request)));

  app.delete('/access-key/:key', {
    schema: { operationId: 'revoke-access-key', tags, summary: 'Revoke an IAM Access Key (takes effect when the operation succeeds)', params: keyParams, response: { 200: operation, ...errors } },
  }, async (request) => accessKeys.revoke(namespace(request), request.params.key, outcome(request), now(request)));

  app.get('/access-key-known-operations', {
    schema: { operationId: 'list-access-key-known-operations', tags, summary: 'Retrieve all known available IAM Access Key operations and associated tags', response: { 200: accessKeyOperationList, ...errors } },
  }, async (request) => ({ 'access-key-operations': permissions.knownOperations(namespace(request)) }));

  app.get('/access-key-operations', {
    schema: { operationId: 'list-access-key-operations', tags, summary: 'Retrieve IAM Access Key operations and associated tags for the signing key', response: { 200: accessKeyOperationList, ...errors } },
  }, async (request) => ({ 'access-key-operations': permissions.myOperations(namespace(request), signer(request)) }));

  // ---- operations -------------------------------------------------------------------------

  app.get('/operation/:id', {
    schema: { operationId: 'get-operation', tags, summary: 'Retrieve Operation details', params: uuidParams, response: { 200: operation, ...errors } },
  }, async (request) => operations.poll(namespace(request), request.params.id, now(request)));

  // ---- API keys (2026 spec) -----------------------------------------------------------------

  app.post('/api-key', {
    schema: { operationId: 'create-api-key', tags, summary: 'Create a new API key (the secret is only in this response)', body: createApiKeyBody, response: { 200: apiKeyCreated, ...errors } },
  }, async (request) => apiKeys.create(namespace(request), request.body, now(request)));

  app.get('/api-key', {
    schema: { operationId: 'list-api-keys', tags, summary: 'List API keys', response: { 200: apiKeyList, ...errors } },
  }, async (request) => ({ 'api-keys': apiKeys.list(namespace(request), now(request)) }));

  app.get('/api-key/:id', {
    schema: { operationId: 'get-api-key', tags, summary: 'Get API key', params: apiKeyParams, response: { 200: apiKey, ...errors } },
  }, async (request) => apiKeys.get(namespace(request), request.params.id, now(request)));

  app.delete('/api-key/:id', {
    schema: { operationId: 'delete-api-key', tags, summary: 'Delete an API key (takes effect when the operation succeeds)', params: apiKeyParams, response: { 200: operation, ...errors } },
  }, async (request) => apiKeys.delete(namespace(request), request.params.id, outcome(request), now(request)));

  // ---- IAM roles (2026 spec) ----------------------------------------------------------------

  app.post('/iam-role', {
    schema: { operationId: 'create-iam-role', tags, summary: 'Create IAM Role (operation reference.id is the role id)', body: createIamRoleBody, response: { 200: operation, ...errors } },
  }, async (request) => roles.create(namespace(request), request.body, outcome(request), now(request)));

  app.get('/iam-role', {
    schema: { operationId: 'list-iam-roles', tags, summary: 'List IAM Roles', response: { 200: iamRoleList, ...errors } },
  }, async (request) => ({ 'iam-roles': roles.list(namespace(request), now(request)) }));

  app.get('/iam-role/:id', {
    schema: { operationId: 'get-iam-role', tags, summary: 'Retrieve IAM Role', params: uuidParams, response: { 200: iamRole, ...errors } },
  }, async (request) => roles.get(namespace(request), request.params.id, now(request)));

  app.put('/iam-role/:id', {
    schema: { operationId: 'update-iam-role', tags, summary: 'Update IAM Role', params: uuidParams, body: updateIamRoleBody, response: { 200: operation, ...errors } },
  }, async (request) => roles.update(namespace(request), request.params.id, request.body, outcome(request), now(request)));

  // `PUT /iam-role/{id}:policy`: a parameter followed by a literal `:policy` in the same segment.
  app.put('/iam-role/:id(^[^:/]+)::policy', {
    schema: { operationId: 'update-iam-role-policy', tags, summary: 'Update IAM Role Policy', params: uuidParams, body: iamPolicy, response: { 200: operation, ...errors } },
  }, async (request) => roles.updatePolicy(namespace(request), request.params.id, request.body, outcome(request), now(request)));

  app.post('/iam-role/:id/assume', {
    schema: { operationId: 'assume-iam-role', tags, summary: 'Assume an IAM Role (beta): a key/secret that signs as the role for ttl seconds of emulator time (the secret is only in this response)', params: uuidParams, body: assumeIamRoleBody, response: { 200: assumedRoleKey, ...errors } },
  }, async (request) => roles.assume(namespace(request), signer(request), request.params.id, request.body, now(request)));

  app.delete('/iam-role/:id', {
    schema: { operationId: 'delete-iam-role', tags, summary: 'Delete IAM Role (refused while API keys use it)', params: uuidParams, response: { 200: operation, ...errors } },
  }, async (request) => roles.delete(namespace(request), request.params.id, outcome(request), now(request)));
}
