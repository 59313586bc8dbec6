import { loadConfig, type Config } from './config.js';
import { EmulatorClock } from './core/clock.js';
import type { ResetScope } from './core/namespaces.js';
import { s3Mount } from './s3/mount.js';
import { loggerOptions, startServer } from './server.js';

export { buildApp } from './app.js';
export { createRuntime } from './runtime.js';
export { ConfigError, loadConfig, type Config } from './config.js';
export { EmulatorClock } from './core/clock.js';

export interface StartOptions extends Partial<Omit<Config, 'port'>> {
  /** Default 0: a free port. */
  port?: number;
  /** Start with the clock frozen at this time. */
  frozenAt?: Date | string | number;
  /**
   * Settings as environment-variable text, parsed like the CLI's (e.g. `{ TRANSITIONS: 'immediate',
   * RATE_LIMITS: 'off' }`); the parsed options above win over these. A bad value throws ConfigError.
   */
  env?: Record<string, string | undefined>;
}

export interface EmulatorHandle {
  url: string;
  /** Each vendor's base URL, to give its SDK. */
  baseUrls: Record<string, string>;
  /** Each vendor's S3 endpoint (`<url>/s3/<vendor>`), to give an S3 client with path-style addressing. */
  s3Urls: Record<string, string>;
  clock: EmulatorClock;
  reset(scope?: ResetScope): void;
  close(): Promise<void>;
}

/** Starts an emulator in this process, for users' own test suites (vitest globalSetup, etc.). */
export async function startEmulator(options: StartOptions = {}): Promise<EmulatorHandle> {
  const { frozenAt, env, ...overrides } = options;
  // LOG_LEVEL and LOG_FORMAT are read from process.env too, so a test run can turn logs on without code.
  const fromProcess = { LOG_LEVEL: process.env.LOG_LEVEL || 'silent', ...(process.env.LOG_FORMAT ? { LOG_FORMAT: process.env.LOG_FORMAT } : {}) };
  const config: Config = { ...loadConfig({ PORT: '0', ...fromProcess, ...env }), ...overrides } as Config;
  const clock = new EmulatorClock();
  if (frozenAt !== undefined) {
    // Frozen first, then set: set() on a running clock keeps an offset, and the millisecond that may
    // pass before freeze() would then be frozen in too.
    clock.freeze();
    clock.set(new Date(frozenAt).getTime());
  }
  // Logs are off unless asked for (LOG_LEVEL / logLevel), then JSON unless LOG_FORMAT says pretty.
  const running = await startServer(config, { clock, logger: loggerOptions(config, false) });
  return {
    url: running.url,
    baseUrls: Object.fromEntries(running.runtime.vendors.map((v) => [v.id, running.url + v.mount])),
    s3Urls: Object.fromEntries(running.runtime.vendors.filter((v) => v.s3).map((v) => [v.id, `${running.url}${s3Mount(v.id)}`])),
    clock,
    reset: (scope) => running.runtime.namespaces.reset(scope),
    close: running.close,
  };
}
