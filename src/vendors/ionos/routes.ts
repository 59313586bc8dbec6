import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { VendorContext } from '../../core/vendor.js';
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
} from './schemas.js';
import { IonosService } from './service.js';
import { ionosStore, type Caller } from './store.js';
import { publicBase } from '../../http/public-url.js';
import { principalOf } from '../../http/request-context.js';

const TAGS = ['ionos'];

/** Error schemas for the statuses an operation can send (the vendor SDK's list, plus 413 where a body is read). */
function errors(...statuses: number[]): Record<number, typeof errorBody> {
  return Object.fromEntries(statuses.map((s) => [s, errorBody]));
}

export function ionosRoutes(fastify: FastifyInstance, ctx: VendorContext): void {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const service = new IonosService({ store: ionosStore(ctx.db), ids: ionosIds(ctx.ids), transitions: ctx.transitions, keyLimit: ctx.config.ionosKeyLimit });
  const caller = (request: FastifyRequest): Caller => principalOf<Caller>(request);
  /** The API root as this request reached it, for absolute `_links`. */
  const apiRoot = (request: FastifyRequest): string => {
    const base = publicBase(request, app.prefix);
    return `${base.origin}${base.prefix}`;
  };

  // Request bodies are JSON only: anything else is a 415 in the IONOS envelope.
  app.removeContentTypeParser('text/plain');

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
      const { namespace, now } = request.emulator;
      return service.list(namespace, caller(request), request.query, request.query['filter.accesskeyId'], apiRoot(request), now);
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
      const { namespace, outcome, now } = request.emulator;
      const key = service.create(namespace, caller(request), request.body, outcome, now);
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
      const { namespace, now } = request.emulator;
      return service.get(namespace, caller(request), request.params.accesskeyId, now);
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
      const { namespace, outcome, now } = request.emulator;
      return service.ensure(namespace, caller(request), request.params.accesskeyId, request.body, outcome, now);
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
        // Optional, so the handler can send undefined (no body at all); null would go out as the text `null`.
        response: { 202: z.null().describe('Deletion accepted; no body').optional(), ...errors(400, 401, 403, 404, 429, 500, 503) },
      },
    },
    async (request, reply) => {
      const { namespace, outcome, now } = request.emulator;
      service.remove(namespace, caller(request), request.params.accesskeyId, outcome, now);
      return reply.code(202).header('content-type', 'application/json').send(undefined);
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
      const { namespace, outcome, now } = request.emulator;
      return service.renew(namespace, caller(request), request.params.accesskeyId, outcome, now);
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
    async (request) => service.regions(request.emulator.namespace, request.query, apiRoot(request)),
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
    async (request) => service.region(request.emulator.namespace, request.params.region),
  );
}
