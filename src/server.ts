import { createRequire } from 'node:module';
import type { FastifyInstance, FastifyServerOptions } from 'fastify';
import { buildApp } from './app.js';
import type { Config } from './config.js';
import { openRuntime, type Runtime, type RuntimeOptions } from './runtime.js';

export interface RunningEmulator {
  runtime: Runtime;
  app: FastifyInstance;
  /** One app per VENDOR_PORTS entry. */
  vendorApps: Array<{ vendor: string; port: number; app: FastifyInstance }>;
  /** One app per S3_PORTS entry. */
  s3Apps: Array<{ vendor: string; port: number; app: FastifyInstance }>;
  /** The base URL of the main port. */
  url: string;
  close(): Promise<void>;
}

/** The fields of a request line (and a control action's), shown inline by the pretty format. */
const INLINE_FIELDS = ['vendor', 'namespace', 'method', 'path', 'operation', 'status', 'errorCode', 'rows', 'durationMs'];
const PRETTY_LINE = '{msg}{if vendor} {vendor}{end}{if namespace} {namespace}{end}{if method} {method}{end}{if path} {path}{end}{if operation} ({operation}){end}{if status} → {status}{end}{if errorCode} {errorCode}{end}{if rows} {rows} rows{end}{if durationMs} {durationMs} ms{end}';

export function loggerOptions(config: Config, isTty: boolean): FastifyServerOptions['logger'] {
  if (config.logLevel === 'silent') return false;
  // pino-pretty is an optional dependency (the Docker image leaves it out): without it, JSON.
  const pretty = (config.logFormat ?? (isTty ? 'pretty' : 'json')) === 'pretty' && prettyInstalled();
  return {
    level: config.logLevel,
    // Lines carry only known-safe fields (never headers, bodies or secrets), so the hot path needs no
    // redaction pass; these exact paths (no wildcards, so they cost nothing) guard against a future mistake.
    redact: { paths: ['req.headers.authorization', 'req.headers["x-emulator-token"]', 'req.headers["x-session-token"]'], censor: '[redacted]' },
    // Pretty: one line per request, `request katapult default GET /path (getKey) → 200 1.2 ms`, anything else as inline JSON.
    ...(pretty ? { transport: { target: 'pino-pretty', options: { translateTime: 'HH:MM:ss.l', ignore: ['pid', 'hostname', 'reqId', 'action', ...INLINE_FIELDS].join(','), messageFormat: PRETTY_LINE, singleLine: true } } } : {}),
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
  const runtime = await openRuntime(config, options);
  const apps: FastifyInstance[] = [];
  try {
    const app = await buildApp(runtime, { logger: options.logger });
    apps.push(app);
    await app.listen({ port: config.port, host: config.host });
    /** One app per `vendor:port` entry, each listening on its port. */
    const listenEach = async (entries: ReadonlyArray<{ vendor: string; port: number }>, root: (vendor: string) => Parameters<typeof buildApp>[1]) => {
      const out = [];
      for (const { vendor, port } of entries) {
        const extra = await buildApp(runtime, { logger: options.logger, ...root(vendor) });
        apps.push(extra);
        await extra.listen({ port, host: config.host });
        out.push({ vendor, port: (extra.server.address() as { port: number }).port, app: extra });
      }
      return out;
    };
    const vendorApps = await listenEach(config.vendorPorts, (rootVendor) => ({ rootVendor }));
    const s3Apps = await listenEach(config.s3Ports, (rootS3Vendor) => ({ rootS3Vendor }));
    const address = app.server.address() as { port: number; address: string };
    const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
    return {
      runtime, app, vendorApps, s3Apps,
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
