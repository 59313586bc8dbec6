import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { jsonSchemaTransform, validatorCompiler } from 'fastify-type-provider-zod';
import { PACKAGE_VERSION } from '../core/package-info.js';
import type { Runtime } from '../runtime.js';
import { vendorOpenApi } from './openapi.js';
import { responseSerializerCompiler } from './serializer.js';
import { vendorPlugin } from './vendor-plugin.js';

/** Fastify's compiler factories, typed for Ajv/fast-json-stringify: zod validation, serialisers compiled from the zod schemas. */
export const ZOD_COMPILERS = { buildValidator: () => validatorCompiler, buildSerializer: () => responseSerializerCompiler } as unknown as NonNullable<NonNullable<FastifyServerOptions['schemaController']>['compilersFactory']>;

export interface Docs {
  /** Swagger UI and its assets, under /docs. */
  ui: FastifyInstance;
  /** Each served vendor's OpenAPI document, by vendor id. */
  documents: Record<string, Record<string, unknown>>;
}

/**
 * The OpenAPI documents and Swagger UI, built apart from the serving app: @fastify/swagger must see
 * every route registered, which costs start-up time no request needs. So this app (the vendors' routes,
 * never listening) is built on the first /docs or OpenAPI request, and reused.
 */
export async function buildDocs(runtime: Runtime): Promise<Docs> {
  const ui = Fastify({ logger: false, schemaController: { compilersFactory: ZOD_COMPILERS } });
  ui.setValidatorCompiler(validatorCompiler);
  ui.setSerializerCompiler(responseSerializerCompiler);
  await ui.register(swagger, { openapi: { openapi: '3.1.0', info: { title: 'accesskey-emulator', version: PACKAGE_VERSION } }, transform: jsonSchemaTransform });
  for (const vendor of runtime.vendors) await ui.register(vendorPlugin(vendor, runtime, vendor.mount), { prefix: vendor.mount });
  await ui.register(swaggerUi, {
    routePrefix: '/docs',
    uiConfig: { urls: runtime.vendors.map((v) => ({ url: `/_emulator/openapi/${v.id}.json`, name: v.title })) } as Record<string, unknown>,
  });
  await ui.ready();
  return { ui, documents: Object.fromEntries(runtime.vendors.map((v) => [v.id, vendorOpenApi(ui, v)])) };
}

/**
 * `GET /`, `/docs` and `/_emulator/openapi/<vendor>.json` on the serving app. They hold no state, so they
 * need no CONTROL_TOKEN (Swagger UI could not send it). `/docs/json` (the plugin's own merged document,
 * not a valid one: the vendors' operation ids and components clash) is not served: each vendor has its own.
 */
export function docsRoutes(runtime: Runtime) {
  let docs: Promise<Docs> | undefined;
  const load = () => (docs ??= buildDocs(runtime));
  const vendorIds = runtime.vendors.map((v) => v.id);

  return async function plugin(app: FastifyInstance): Promise<void> {
    app.addHook('onClose', async () => {
      if (docs) await (await docs).ui.close();
    });

    app.get('/', async () => ({
      name: 'accesskey-emulator',
      version: PACKAGE_VERSION,
      docs: '/docs',
      health: '/_emulator/health',
      vendors: Object.fromEntries(runtime.vendors.map((v) => [v.id, { baseUrl: v.mount, openapi: `/_emulator/openapi/${v.id}.json` }])),
    }));

    app.get<{ Params: { file: string } }>('/_emulator/openapi/:file', async (request, reply) => {
      const id = request.params.file.replace(/\.json$/, '');
      if (!vendorIds.includes(id) || !request.params.file.endsWith('.json')) {
        return reply.code(404).send({ error: { code: 'not_found', message: `No OpenAPI document ${request.params.file}: one of ${vendorIds.map((v) => `${v}.json`).join(', ')}` } });
      }
      return (await load()).documents[id];
    });

    const forward = async (request: import('fastify').FastifyRequest, reply: import('fastify').FastifyReply) => {
      const path = request.url.split('?')[0]!;
      if (path === '/docs/json' || path === '/docs/yaml') {
        return reply.code(404).send({ error: { code: 'not_found', message: `Each vendor has its own OpenAPI document: ${vendorIds.map((v) => `/_emulator/openapi/${v}.json`).join(', ')}` } });
      }
      const { ui } = await load();
      const res = await ui.inject({ method: request.method as 'GET', url: request.url, headers: { accept: request.headers.accept ?? '*/*' } });
      for (const [name, value] of Object.entries(res.headers)) {
        if (value !== undefined && !['content-length', 'transfer-encoding', 'connection', 'date', 'keep-alive'].includes(name)) reply.header(name, value);
      }
      return reply.code(res.statusCode).send(res.rawPayload);
    };
    app.get('/docs', forward);
    app.get('/docs/*', forward);
  };
}
