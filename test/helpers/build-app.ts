import type { Database } from 'better-sqlite3';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { buildApp } from '../../src/app.js';
import { loadConfig, type Config } from '../../src/config.js';
import { EmulatorClock } from '../../src/core/clock.js';
import type { FixtureDocument } from '../../src/core/fixtures.js';
import { createIdSource, type IdSource } from '../../src/core/ids.js';
import type { VendorDefinition } from '../../src/core/vendor.js';
import { openRuntime, type Runtime } from '../../src/runtime.js';
import { recordResponsesOf } from '../conformance/lib/response-recorder.js';

/** 2026-01-01T00:00:00Z: every test starts with the clock frozen here. */
export const TEST_EPOCH = Date.UTC(2026, 0, 1);

/** What the test clients (each vendor's test helpers.ts, …) need: an app built here, or one shared by `useTestApp`. */
export interface AppUnderTest {
  readonly app: FastifyInstance;
  readonly runtime: Runtime;
  readonly clock: EmulatorClock;
  /** The namespace the test works in: `default` here; its own one under `useTestApp`. */
  readonly namespace: string;
  /** `app.inject`, in the test's namespace. */
  inject(options: InjectOptions): Promise<LightMyRequestResponse>;
}

export interface TestApp extends AppUnderTest {
  /** Starts the seeded ids over, as a fresh app has them (`useTestApp` calls it before each test). */
  resetIds(): void;
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
  const ids = new ResettableIds(options.idSeed ?? 'test');
  const runtime = await openRuntime(config, { clock, ids, ...(options.fixtures ? { fixtures: options.fixtures } : {}), ...(options.vendors ? { vendors: options.vendors } : {}), ...(options.db ? { db: options.db } : {}) });
  const stopRecording = recordResponsesOf(runtime.journal);
  const app = await buildApp(runtime);
  await app.ready();
  ids.mark();
  return {
    app,
    runtime,
    clock,
    namespace: 'default',
    inject: (request) => app.inject(request),
    resetIds: () => ids.reset(),
    close: async () => {
      await app.close();
      stopRecording();
      runtime.close();
    },
  };
}

/**
 * Seeded ids that can start over where a fresh app's stand: the calls made until `mark()` (the
 * start-up's: seeding draws ids) are kept, and `reset()` replays them on a new generator. The runtime
 * holds this object, so it sees the new generator.
 */
class ResettableIds implements IdSource {
  private inner: IdSource;
  private readonly startup: Array<(ids: IdSource) => unknown> = [];
  private marked = false;

  constructor(private readonly seed: string) {
    this.inner = createIdSource(seed);
  }

  private draw<T>(use: (ids: IdSource) => T): T {
    if (!this.marked) this.startup.push(use);
    return use(this.inner);
  }

  fromAlphabet(alphabet: string, size: number): string {
    return this.draw((ids) => ids.fromAlphabet(alphabet, size));
  }
  hex(size: number): string {
    return this.draw((ids) => ids.hex(size));
  }
  alphanumeric(size: number): string {
    return this.draw((ids) => ids.alphanumeric(size));
  }
  uuid(): string {
    return this.draw((ids) => ids.uuid());
  }
  bytes(size: number): Buffer {
    return this.draw((ids) => ids.bytes(size));
  }
  random(): number {
    return this.draw((ids) => ids.random());
  }

  /** The start-up is over: `reset` comes back to here. */
  mark(): void {
    this.marked = true;
  }

  reset(): void {
    this.inner = createIdSource(this.seed);
    for (const use of this.startup) use(this.inner);
  }
}

/** The VENDOR_SPECS_DIR folder, or undefined (tests that need it then skip with a message). */
export function vendorSpecsDir(): string | undefined {
  const dir = process.env.VENDOR_SPECS_DIR;
  if (!dir) console.warn('VENDOR_SPECS_DIR is not set: tests against the vendor specs are skipped');
  return dir || undefined;
}
