import type { Database } from 'better-sqlite3';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.js';
import { loadConfig, type Config } from '../../src/config.js';
import { EmulatorClock } from '../../src/core/clock.js';
import type { FixtureDocument } from '../../src/core/fixtures.js';
import { createIdSource } from '../../src/core/ids.js';
import type { VendorDefinition } from '../../src/core/vendor.js';
import { openRuntime, type Runtime } from '../../src/runtime.js';

/** 2026-01-01T00:00:00Z: every test starts with the clock frozen here. */
export const TEST_EPOCH = Date.UTC(2026, 0, 1);

export interface TestApp {
  app: FastifyInstance;
  runtime: Runtime;
  clock: EmulatorClock;
  close(): Promise<void>;
}

export interface TestAppOptions {
  /** Environment-style settings, e.g. { TRANSITIONS: 'immediate' }. */
  env?: Record<string, string>;
  config?: Partial<Config>;
  /** Use these fixture documents instead of fixtures/default.json. */
  fixtures?: FixtureDocument[];
  idSeed?: string;
  vendors?: VendorDefinition[];
  db?: Database;
}

/** A fresh emulator on `:memory:`, clock frozen at TEST_EPOCH, seeded ids; requests via app.inject(). */
export async function buildTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const config = { ...loadConfig({ LOG_LEVEL: 'silent', ...options.env }), ...options.config };
  const clock = new EmulatorClock(() => TEST_EPOCH);
  clock.freeze();
  const runtime = await openRuntime(config, { clock, ids: createIdSource(options.idSeed ?? 'test'), ...(options.fixtures ? { fixtures: options.fixtures } : {}), ...(options.vendors ? { vendors: options.vendors } : {}), ...(options.db ? { db: options.db } : {}) });
  const app = await buildApp(runtime);
  await app.ready();
  return {
    app,
    runtime,
    clock,
    close: async () => {
      await app.close();
      runtime.close();
    },
  };
}

/** The VENDOR_SPECS_DIR folder, or undefined (tests that need it then skip with a message). */
export function vendorSpecsDir(): string | undefined {
  const dir = process.env.VENDOR_SPECS_DIR;
  if (!dir) console.warn('VENDOR_SPECS_DIR is not set: tests against the vendor specs are skipped');
  return dir || undefined;
}
