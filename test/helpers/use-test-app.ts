import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { buildTestApp, type AppUnderTest, type TestApp, type TestAppOptions } from './build-app.js';

export interface UseTestAppOptions extends TestAppOptions {
  /**
   * What each test starts from. Both put the shared mechanics back as a fresh app has them: the clock
   * frozen at TEST_EPOCH, default transition policies, no fault rules, an empty journal, no rate windows,
   * the seeded ids from their start.
   * - `namespace` (default): a namespace of its own (`t.namespace`, which `t.inject` sends), created
   *   and seeded before the test, at TEST_EPOCH (as a fresh app's default one is, so seeded times do not
   *   depend on when the test first calls); other tests' namespaces stay, unseen.
   * - `world`: every namespace wiped and the default one re-seeded, for files that use the default
   *   namespace or look at the whole emulator (the state dump, reset, the journal).
   */
  fresh?: 'namespace' | 'world';
}

/** One app for every test of a file (or of a describe block); `useTestApp` keeps it current. */
export interface SharedTestApp extends AppUnderTest {
  /** This test's namespace (`default` under `fresh: 'world'`). */
  readonly namespace: string;
  /**
   * `app.inject` in this test's namespace: under `fresh: 'namespace'` it sends `x-emulator-namespace`
   * unless the request names a namespace itself (header or `/ns/<name>/`); under `world`, as given.
   */
  inject(options: InjectOptions): Promise<LightMyRequestResponse>;
}

let files = 0;

/**
 * Builds one emulator in `beforeAll` and closes it in `afterAll` — building an app costs far more than
 * a test — and gives each test a fresh start in `beforeEach` (see `fresh`). Call it at the top of a test
 * file or of a `describe`. Tests that need other settings build their own app with `buildTestApp`.
 */
export function useTestApp(options: UseTestAppOptions = {}): SharedTestApp {
  const { fresh = 'namespace', ...build } = options;
  const prefix = `t${++files}-`;
  let tests = 0;
  let current: TestApp | undefined;
  let namespace = 'default';
  const live = (): TestApp => {
    if (!current) throw new Error('useTestApp: the app exists inside tests and hooks only (after beforeAll)');
    return current;
  };

  beforeAll(async () => {
    current = await buildTestApp(build);
  });
  afterAll(async () => {
    await current?.close();
    current = undefined;
  });
  beforeEach(() => {
    const { runtime, clock, resetIds } = live();
    clock.reset();
    clock.freeze();
    resetIds();
    runtime.transitions.restoreDefaults();
    runtime.transitions.forgetNamespace();
    runtime.faults.remove();
    runtime.journal.clear();
    runtime.rateLimiter.forget();
    namespace = fresh === 'world' ? 'default' : `${prefix}${++tests}`;
    if (fresh === 'world') runtime.namespaces.reset();
    else runtime.namespaces.ensure(namespace);
  });

  return {
    get app() {
      return live().app;
    },
    get runtime() {
      return live().runtime;
    },
    get clock() {
      return live().clock;
    },
    get namespace() {
      return namespace;
    },
    inject(request) {
      const named = (typeof request.url === 'string' && request.url.startsWith('/ns/')) || request.headers?.['x-emulator-namespace'] !== undefined;
      if (fresh === 'world' || named) return live().app.inject(request);
      return live().app.inject({ ...request, headers: { ...request.headers, 'x-emulator-namespace': namespace } });
    },
  };
}
