import { createRequire } from 'node:module';
import type { FastifyInstance, FastifyServerOptions } from 'fastify';
import { buildApp } from './app.js';
import type { Config } from './config.js';
import { createRuntime, type Runtime, type RuntimeOptions } from './runtime.js';

export interface RunningEmulator {
  runtime: Runtime;
  app: FastifyInstance;
  /** One app per VENDOR_PORTS entry. */
  vendorApps: Array<{ vendor: string; port: number; app: FastifyInstance }>;
  /** The base URL of the main port. */
  url: string;
  close(): Promise<void>;
}

export function loggerOptions(config: Config, isTty: boolean): FastifyServerOptions['logger'] {
  if (config.logLevel === 'silent') return false;
  // pino-pretty is an optional dependency (the Docker image leaves it out): without it, JSON.
  const pretty = (config.logFormat ?? (isTty ? 'pretty' : 'json')) === 'pretty' && prettyInstalled();
  return {
    level: config.logLevel,
    // Nothing secret is logged on purpose; these paths guard against a future mistake.
    redact: { paths: ['req.headers.authorization', 'req.headers["x-emulator-token"]', 'req.headers["x-session-token"]', '*.secret', '*.secretKey', '*.secret_key'], censor: '[redacted]' },
    ...(pretty ? { transport: { target: 'pino-pretty', options: { translateTime: 'HH:MM:ss.l', ignore: 'pid,hostname,reqId' } } } : {}),
  };
}

function prettyInstalled(): boolean {
  try {
    createRequire(import.meta.url).resolve('pino-pretty');
    return true;
  } catch {
    return false;
  }
}

/** Opens the runtime, builds the apps and listens: what both the CLI and startEmulator() do. */
export async function startServer(config: Config, options: RuntimeOptions & { logger?: FastifyServerOptions['logger'] } = {}): Promise<RunningEmulator> {
  const runtime = createRuntime(config, options);
  const apps: FastifyInstance[] = [];
  try {
    const app = await buildApp(runtime, { logger: options.logger });
    apps.push(app);
    await app.listen({ port: config.port, host: config.host });
    const vendorApps = [];
    for (const { vendor, port } of config.vendorPorts) {
      const vendorApp = await buildApp(runtime, { logger: options.logger, rootVendor: vendor });
      apps.push(vendorApp);
      await vendorApp.listen({ port, host: config.host });
      vendorApps.push({ vendor, port: (vendorApp.server.address() as { port: number }).port, app: vendorApp });
    }
    const address = app.server.address() as { port: number; address: string };
    const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
    return {
      runtime, app, vendorApps,
      url: `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`,
      close: async () => {
        // In-flight requests finish first; then the database is closed cleanly.
        await Promise.all(apps.map((a) => a.close()));
        runtime.close();
      },
    };
  } catch (err) {
    await Promise.all(apps.map((a) => a.close()));
    runtime.close();
    throw err;
  }
}
