import Fastify, { LogController, type FastifyInstance, type FastifyReply, type FastifyServerOptions } from 'fastify';
import { validatorCompiler } from 'fastify-type-provider-zod';
import { controlPlane } from './control/routes.js';
import { clientErrorHandler } from './http/client-errors.js';
import { docsRoutes, ZOD_COMPILERS } from './http/docs.js';
import { limitJsonDepth } from './http/json-depth.js';
import { vendorPlugin } from './http/vendor-plugin.js';
import { rewriteNamespaceUrl } from './http/request-context.js';
import { responseSerializerCompiler } from './http/serializer.js';
import { s3ErrorModel } from './s3/errors.js';
import { s3Definition, s3Mount } from './s3/mount.js';
import { S3_OPERATION_PREFIX, S3_OPERATIONS } from './s3/plane.js';
import type { Runtime } from './runtime.js';
import type { VendorDefinition } from './core/vendor.js';

export interface AppOptions {
  logger?: FastifyServerOptions['logger'];
  /** Serve only this vendor, at the root of the app (for VENDOR_PORTS); no control plane. */
  rootVendor?: string;
  /** Serve only this vendor's S3 data plane, at the root of the app (for S3_PORTS); no control plane. */
  rootS3Vendor?: string;
}

/** The composition root: control plane and the vendors from the registry, on one Fastify app. */
export async function buildApp(runtime: Runtime, options: AppOptions = {}): Promise<FastifyInstance> {
  // Who answers an error that comes before routing (a malformed URL or head): the vendor whose mount the
  // path is under, and on an S3 mount S3 itself, in its XML envelope.
  const s3Owner = (v: VendorDefinition, mount: string) => ({ vendor: { ...v, errors: s3ErrorModel }, mount });
  const mounted = options.rootVendor !== undefined
    ? runtime.vendors.filter((v) => v.id === options.rootVendor).map((v) => ({ vendor: v, mount: '' }))
    : options.rootS3Vendor !== undefined
      ? runtime.vendors.filter((v) => v.id === options.rootS3Vendor && v.s3).map((v) => s3Owner(v, ''))
      : [...runtime.vendors.map((v) => ({ vendor: v, mount: v.mount })), ...runtime.vendors.filter((v) => v.s3).map((v) => s3Owner(v, s3Mount(v.id)))];
  const mountOf = (path: string) => mounted.find(({ mount }) => mount === '' || path === mount || path.startsWith(`${mount}/`));
  const { config } = runtime;
  const headersTimeout = Math.min(config.headersTimeout, config.requestTimeout);
  const app = Fastify({
    // Malformed URLs and over-long parameters fail before routing: answer them in the vendor's envelope.
    frameworkErrors: (err, request, anyReply) => {
      const reply = anyReply as unknown as FastifyReply;
      const path = request.url.split('?')[0] ?? '/';
      const owner = mountOf(path);
      if (!owner) return reply.code(400).send({ error: { code: 'bad_request', message: err.message } });
      const vendorErr = owner.vendor.errors.fromProblem({ kind: 'validation', status: 400, message: `Invalid URL: ${err.message}`, method: request.method, path: path.slice(owner.mount.length) || '/' });
      const rendered = owner.vendor.errors.render(vendorErr);
      return reply.code(vendorErr.status).headers({ ...vendorErr.headers, ...rendered.headers }).type(rendered.headers?.['content-type'] ?? 'application/json').send(rendered.body);
    },
    logger: options.logger ?? false,
    // One log line per request, written by the vendor plugin's onResponse hook.
    logController: new LogController({ disableRequestLogging: true }),
    // Malformed HTTP (a huge head, bad chunking, a timed-out request) is answered in JSON, in the vendor's envelope.
    clientErrorHandler: clientErrorHandler(mountOf),
    bodyLimit: config.bodyLimit,
    // A request (head and body) must arrive within REQUEST_TIMEOUT, its head within HEADERS_TIMEOUT; Node
    // checks its connections this often (its default, 30 s, would outlast a short timeout).
    requestTimeout: config.requestTimeout,
    http: { requestTimeout: config.requestTimeout, headersTimeout, connectionsCheckingInterval: Math.max(50, Math.min(30_000, Math.floor((headersTimeout || 120_000) / 4))) },
    rewriteUrl: rewriteNamespaceUrl,
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    routerOptions: { ignoreTrailingSlash: false, maxParamLength: 8192 },
    // Every route validates with zod and serialises with a compiler made from its zod schema: handing
    // Fastify these compilers here keeps it from loading its default Ajv compiler at start-up (never used).
    schemaController: { compilersFactory: ZOD_COMPILERS },
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(responseSerializerCompiler);
  closeConnectionsWhenClosing(app);
  limitJsonDepth(app);

  if (options.rootS3Vendor !== undefined) {
    const vendor = runtime.vendors.find((v) => v.id === options.rootS3Vendor && v.s3);
    if (!vendor) throw new Error(`vendor ${options.rootS3Vendor} has no S3 plane served`);
    await app.register(vendorPlugin(s3Definition(vendor, runtime.vendors, ''), runtime, ''));
    return app;
  }

  if (options.rootVendor !== undefined) {
    const vendor = runtime.vendors.find((v) => v.id === options.rootVendor);
    if (!vendor) throw new Error(`vendor ${options.rootVendor} is not served`);
    await app.register(vendorPlugin(vendor, runtime, ''));
    return app;
  }

  // Each vendor's operation ids, as its routes register: fault rules naming another are refused.
  const operations = new Map<string, Set<string>>(runtime.vendors.map((v) => [v.id, new Set<string>()]));
  app.addHook('onRoute', (route) => {
    const operationId = (route.schema as { operationId?: string } | undefined)?.operationId;
    const vendor = runtime.vendors.find((v) => route.prefix === v.mount || route.prefix.startsWith(`${v.mount}/`));
    if (operationId !== undefined && vendor) operations.get(vendor.id)!.add(operationId);
  });
  for (const v of runtime.vendors) if (v.s3) for (const op of S3_OPERATIONS) operations.get(v.id)!.add(`${S3_OPERATION_PREFIX}${op}`);
  await app.register(controlPlane(runtime, operations), { prefix: '/_emulator' });
  for (const vendor of runtime.vendors) {
    await app.register(vendorPlugin(vendor, runtime, vendor.mount), { prefix: vendor.mount });
  }
  for (const vendor of runtime.vendors) {
    if (!vendor.s3) continue;
    const mount = s3Mount(vendor.id);
    await app.register(vendorPlugin(s3Definition(vendor, runtime.vendors, mount), runtime, mount), { prefix: mount });
  }
  // GET /, /docs and the OpenAPI documents (built on first use: Swagger costs start-up time).
  await app.register(docsRoutes(runtime));
  // Outside every vendor mount and the control plane: still JSON, never Fastify's own error body.
  app.setErrorHandler(async (err, _request, reply) => {
    const status = (err as { statusCode?: number }).statusCode ?? 500;
    const known = status >= 400 && status < 500;
    return reply.code(known ? status : 500).send({ error: { code: known ? 'bad_request' : 'internal_error', message: known ? (err as Error).message : 'Internal error' } });
  });
  app.setNotFoundHandler(async (request, reply) =>
    reply.code(404).send({
      error: {
        code: 'not_found',
        message: `No route ${request.method} ${request.url.split('?')[0]}. Vendors are mounted at ${runtime.vendors.map((v) => v.mount).join(', ')}; the control plane at /_emulator.`,
      },
    }),
  );
  return app;
}

/**
 * Once close() has begun, every response still being answered says `Connection: close`, so a keep-alive
 * client's connection ends with it: `forceCloseConnections: 'idle'` only closes the connections idle when
 * close() starts, and an SDK's pooled connection would otherwise hold shutdown until its keep-alive timeout.
 */
function closeConnectionsWhenClosing(app: FastifyInstance): void {
  let closing = false;
  app.addHook('preClose', (done) => {
    closing = true;
    done();
  });
  app.addHook('onSend', (_request, reply, payload, done) => {
    if (closing) reply.header('connection', 'close');
    done(null, payload);
  });
}
