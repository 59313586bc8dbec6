import type { IncomingMessage } from 'node:http';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { VendorContext } from '../../core/vendor.js';
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
import { ExoscaleService, type Principal } from './service.js';

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

/** The raw request body, kept for the signature (the message signs the exact bytes). */
const rawBodies = new WeakMap<IncomingMessage, Buffer>();
const principals = new WeakMap<IncomingMessage, Principal>();
const EMPTY = Buffer.alloc(0);

function invalidJson(message: string): Error {
  const err = new SyntaxError(message) as SyntaxError & { statusCode: number };
  err.statusCode = 400;
  return err;
}

function principalOf(request: FastifyRequest): Principal {
  const principal = principals.get(request.raw);
  if (!principal) throw new Error('route reached without an authenticated principal');
  return principal;
}

export function exoscaleRoutes(fastify: FastifyInstance, ctx: VendorContext): void {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const service = new ExoscaleService(ctx);

  // JSON bodies are parsed here, in the vendor's scope, keeping the raw bytes for the signature.
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    const bytes = body as Buffer;
    rawBodies.set(request.raw, bytes);
    if (bytes.length === 0) return done(null, undefined);
    try {
      done(null, JSON.parse(bytes.toString('utf8')));
    } catch (err) {
      done(invalidJson((err as Error).message), undefined);
    }
  });

  // Signature, then rate limit, then permissions: before body validation, so an unsigned request
  // learns nothing about the shapes it would have to send.
  app.addHook('preValidation', async (request) => {
    const operationId = request.routeOptions.schema?.operationId;
    if (operationId === undefined) return;
    const [path = '/', rawQuery = ''] = splitOnce(request.originalUrl, '?');
    const authorization = request.headers.authorization;
    const principal = service.authenticate({
      namespace: request.emulator.namespace,
      method: request.method,
      path,
      rawQuery,
      body: rawBodies.get(request.raw) ?? EMPTY,
      authorization: Array.isArray(authorization) ? authorization[0] : authorization,
    });
    request.emulator.credential = principal.key;
    service.rateLimit(request.emulator.namespace, principal);
    service.authorize(request.emulator.namespace, principal, operationId);
    principals.set(request.raw, principal);
  });

  const ns = (request: FastifyRequest) => request.emulator.namespace;
  const outcome = (request: FastifyRequest) => request.emulator.outcome;

  // ---- legacy access keys (2024 spec) ---------------------------------------------------------

  app.post('/access-key', {
    schema: { operationId: 'create-access-key', tags, summary: 'Create a legacy IAM Access Key (the secret is only in this response)', body: createAccessKeyBody, response: { 200: accessKey, ...errors } },
  }, async (request) => service.createAccessKey(ns(request), principalOf(request), request.body));

  app.get('/access-key', {
    schema: { operationId: 'list-access-keys', tags, summary: 'List IAM Access Keys', response: { 200: accessKeyList, ...errors } },
  }, async (request) => ({ 'access-keys': service.listAccessKeys(ns(request)) }));

  app.get('/access-key/:key', {
    schema: { operationId: 'get-access-key', tags, summary: 'Retrieve IAM Access Key details', params: keyParams, response: { 200: accessKey, ...errors } },
  }, async (request) => service.getAccessKey(ns(request), request.params.key));

  app.delete('/access-key/:key', {
    schema: { operationId: 'revoke-access-key', tags, summary: 'Revoke an IAM Access Key (takes effect when the operation succeeds)', params: keyParams, response: { 200: operation, ...errors } },
  }, async (request) => service.revokeAccessKey(ns(request), request.params.key, outcome(request)));

  app.get('/access-key-known-operations', {
    schema: { operationId: 'list-access-key-known-operations', tags, summary: 'Retrieve all known available IAM Access Key operations and associated tags', response: { 200: accessKeyOperationList, ...errors } },
  }, async (request) => ({ 'access-key-operations': service.knownOperations(ns(request)) }));

  app.get('/access-key-operations', {
    schema: { operationId: 'list-access-key-operations', tags, summary: 'Retrieve IAM Access Key operations and associated tags for the signing key', response: { 200: accessKeyOperationList, ...errors } },
  }, async (request) => ({ 'access-key-operations': service.myOperations(ns(request), principalOf(request)) }));

  // ---- operations -------------------------------------------------------------------------

  app.get('/operation/:id', {
    schema: { operationId: 'get-operation', tags, summary: 'Retrieve Operation details', params: uuidParams, response: { 200: operation, ...errors } },
  }, async (request) => service.getOperation(ns(request), request.params.id));

  // ---- API keys (2026 spec) -----------------------------------------------------------------

  app.post('/api-key', {
    schema: { operationId: 'create-api-key', tags, summary: 'Create a new API key (the secret is only in this response)', body: createApiKeyBody, response: { 200: apiKeyCreated, ...errors } },
  }, async (request) => service.createApiKey(ns(request), request.body));

  app.get('/api-key', {
    schema: { operationId: 'list-api-keys', tags, summary: 'List API keys', response: { 200: apiKeyList, ...errors } },
  }, async (request) => ({ 'api-keys': service.listApiKeys(ns(request)) }));

  app.get('/api-key/:id', {
    schema: { operationId: 'get-api-key', tags, summary: 'Get API key', params: apiKeyParams, response: { 200: apiKey, ...errors } },
  }, async (request) => service.getApiKey(ns(request), request.params.id));

  app.delete('/api-key/:id', {
    schema: { operationId: 'delete-api-key', tags, summary: 'Delete an API key (takes effect when the operation succeeds)', params: apiKeyParams, response: { 200: operation, ...errors } },
  }, async (request) => service.deleteApiKey(ns(request), request.params.id, outcome(request)));

  // ---- IAM roles (2026 spec) ----------------------------------------------------------------

  app.post('/iam-role', {
    schema: { operationId: 'create-iam-role', tags, summary: 'Create IAM Role (operation reference.id is the role id)', body: createIamRoleBody, response: { 200: operation, ...errors } },
  }, async (request) => service.createRole(ns(request), request.body, outcome(request)));

  app.get('/iam-role', {
    schema: { operationId: 'list-iam-roles', tags, summary: 'List IAM Roles', response: { 200: iamRoleList, ...errors } },
  }, async (request) => ({ 'iam-roles': service.listRoles(ns(request)) }));

  app.get('/iam-role/:id', {
    schema: { operationId: 'get-iam-role', tags, summary: 'Retrieve IAM Role', params: uuidParams, response: { 200: iamRole, ...errors } },
  }, async (request) => service.getRole(ns(request), request.params.id));

  app.put('/iam-role/:id', {
    schema: { operationId: 'update-iam-role', tags, summary: 'Update IAM Role', params: uuidParams, body: updateIamRoleBody, response: { 200: operation, ...errors } },
  }, async (request) => service.updateRole(ns(request), request.params.id, request.body, outcome(request)));

  // `PUT /iam-role/{id}:policy`: a parameter followed by a literal `:policy` in the same segment.
  app.put('/iam-role/:id(^[^:/]+)::policy', {
    schema: { operationId: 'update-iam-role-policy', tags, summary: 'Update IAM Role Policy', params: uuidParams, body: iamPolicy, response: { 200: operation, ...errors } },
  }, async (request) => service.updateRolePolicy(ns(request), request.params.id, request.body, outcome(request)));

  app.post('/iam-role/:id/assume', {
    schema: { operationId: 'assume-iam-role', tags, summary: 'Assume an IAM Role (beta): a key/secret that signs as the role for ttl seconds of emulator time (the secret is only in this response)', params: uuidParams, body: assumeIamRoleBody, response: { 200: assumedRoleKey, ...errors } },
  }, async (request) => service.assumeRole(ns(request), principalOf(request), request.params.id, request.body));

  app.delete('/iam-role/:id', {
    schema: { operationId: 'delete-iam-role', tags, summary: 'Delete IAM Role (refused while API keys use it)', params: uuidParams, response: { 200: operation, ...errors } },
  }, async (request) => service.deleteRole(ns(request), request.params.id, outcome(request)));
}

function splitOnce(text: string, separator: string): [string, string] {
  const at = text.indexOf(separator);
  return at === -1 ? [text, ''] : [text.slice(0, at), text.slice(at + 1)];
}
