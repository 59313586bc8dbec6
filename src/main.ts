#!/usr/bin/env node
import { ConfigError, helpText, loadConfig } from './config.js';
import { FixtureError } from './core/fixtures.js';
import { PACKAGE_VERSION } from './core/package-info.js';
import { DatabaseInUseError } from './db/lock.js';

/** Less than Docker's default 10 s stop timeout. */
const SHUTDOWN_GRACE_MS = 8000;

/** The only reader of process.env and argv (with src/healthcheck.ts, the container health check, and startEmulator's LOG_LEVEL / LOG_FORMAT). */
async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(helpText() + '\n');
    return;
  }
  if (argv.includes('--version') || argv.includes('-v')) {
    process.stdout.write(`${PACKAGE_VERSION}\n`);
    return;
  }
  let config;
  try {
    config = loadConfig(process.env, argv);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`accesskey-emulator: ${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  // Loaded only now: --help, --version and a bad setting answer without loading Fastify and the vendors.
  const { loggerOptions, startServer } = await import('./server.js');
  let running;
  try {
    running = await startServer(config, { logger: loggerOptions(config, process.stdout.isTTY === true) });
  } catch (err) {
    if (err instanceof ConfigError || err instanceof FixtureError || err instanceof DatabaseInUseError || (err as NodeJS.ErrnoException).code === 'EADDRINUSE' || (err as NodeJS.ErrnoException).code === 'EACCES') {
      process.stderr.write(`accesskey-emulator: ${(err as Error).message}\n`);
      process.exit(2);
    }
    throw err;
  }
  const { app } = running;
  app.log.info({
    url: running.url,
    vendors: running.runtime.vendors.map((v) => `${v.id} ${v.mount}`),
    vendorPorts: running.vendorApps.map((v) => `${v.vendor}:${v.port}`),
    s3Ports: running.s3Apps.map((v) => `${v.vendor}:${v.port}`),
    // What this world is made of: a file database keeps state across restarts, :memory: starts clean.
    db: config.dbPath,
    fixtures: config.seed.length > 0 ? config.seed : 'none',
    docs: `${running.url}/docs`,
  }, 'accesskey-emulator ready');

  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down');
    // In-flight requests get a few seconds; a stuck one must not hold `docker stop` until SIGKILL.
    setTimeout(() => {
      process.stderr.write(`accesskey-emulator: requests still running ${SHUTDOWN_GRACE_MS} ms after ${signal}; exiting\n`);
      process.exit(1);
    }, SHUTDOWN_GRACE_MS).unref();
    running.close().then(
      () => process.exit(0),
      (err) => {
        process.stderr.write(`accesskey-emulator: error while shutting down: ${(err as Error).message}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch((err) => {
  process.stderr.write(`accesskey-emulator: ${(err as Error).stack ?? err}\n`);
  process.exit(1);
});
