import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { describe, expect, it } from 'vitest';
import { buildTestApp, TEST_EPOCH } from './build-app.js';
import { TOY_FIXTURE, toyDatabase, toyVendor } from './toy-vendor.js';
import { useTestApp } from './use-test-app.js';

// The tests of each block run in order: the second looks at what the first left behind.
const auth = { authorization: 'Bearer toy-token' };
const options = { vendors: [toyVendor], db: toyDatabase(), fixtures: [TOY_FIXTURE] };

describe("useTestApp: one app per file, each test in a namespace of its own (fresh: 'namespace')", () => {
  const t = useTestApp({ ...options, db: toyDatabase() });
  let first: { app: FastifyInstance; namespace: string; item: string } | undefined;

  it('gives the first test a seeded namespace of its own, the clock at TEST_EPOCH, and lets it change everything', async () => {
    expect(t.namespace).not.toBe('default');
    expect(t.clock.now()).toBe(TEST_EPOCH);
    const created = await t.inject({ method: 'POST', url: '/toy/v1/items', headers: auth, payload: { name: 'mine' } });
    expect(created.statusCode).toBe(201);
    expect((await t.inject({ method: 'GET', url: '/toy/v1/items/item_seeded', headers: auth })).statusCode).toBe(200);
    const state = (await t.inject({ method: 'GET', url: `/_emulator/state?namespace=${t.namespace}` })).json();
    expect(state.namespaces[t.namespace].toy.toy_items.map((r: { name: string }) => r.name).sort()).toEqual(['mine', 'seeded']);
    // Everything shared is moved: clock, transitions, a fault rule, the journal, a rate window.
    t.clock.advance(60_000);
    t.clock.unfreeze();
    expect(t.runtime.transitions.assign('toy.*', { kind: 'immediate' })).toBe(1);
    await t.inject({ method: 'POST', url: '/_emulator/faults', payload: { vendor: 'toy', error: 503, times: 1 } });
    for (let i = 0; i < 3; i++) await t.inject({ method: 'GET', url: '/toy/v1/items/item_seeded', headers: auth });
    expect(t.runtime.journal.list().length).toBeGreaterThan(0);
    first = { app: t.app, namespace: t.namespace, item: created.json().id };
  });

  it('gives the next test the same app, a new namespace, and the mechanics as a fresh app has them', async () => {
    expect(first).toBeDefined();
    expect(t.app).toBe(first!.app);
    expect(t.namespace).not.toBe(first!.namespace);
    expect(t.runtime.journal.list()).toEqual([]);
    expect((await t.inject({ method: 'GET', url: `/toy/v1/items/${first!.item}`, headers: auth })).statusCode).toBe(404);
    // The earlier namespace is still there (no reset), reachable only by naming it.
    // The first test used up its rate window there (5 a minute in the toy fixture): the windows start afresh.
    const earlier = await t.inject({ method: 'GET', url: `/toy/v1/items/${first!.item}`, headers: { ...auth, 'x-emulator-namespace': first!.namespace } });
    expect(earlier.statusCode).toBe(200);
    expect(earlier.headers['x-remaining']).toBe('4');
    expect(t.clock.state()).toMatchObject({ nowMs: TEST_EPOCH, frozen: true });
    expect(t.runtime.transitions.policy('toy.item.ready')).toEqual({ kind: 'delay', ms: 5000 });
    expect(t.runtime.faults.list()).toEqual([]);
    expect(t.runtime.journal.list().map((e) => e.namespace)).toEqual([t.namespace, first!.namespace]);
    // The default policy again (delay:5s), on the frozen clock: the seeded item is pending.
    expect((await t.inject({ method: 'GET', url: '/toy/v1/items/item_seeded', headers: auth })).json().state).toBe('pending');
  });

  it('sends the namespace only when the request names none: /ns/<name>/ and the header win', async () => {
    await t.inject({ method: 'GET', url: '/ns/elsewhere/toy/v1/items/item_seeded', headers: auth });
    await t.inject({ method: 'GET', url: '/toy/v1/items/item_seeded', headers: { ...auth, 'x-emulator-namespace': 'other' } });
    await t.inject({ method: 'GET', url: '/toy/v1/items/item_seeded', headers: auth });
    expect(t.runtime.journal.list().map((e) => e.namespace)).toEqual(['elsewhere', 'other', t.namespace]);
  });
});

describe("useTestApp({ fresh: 'world' }): every test starts from a freshly seeded emulator", () => {
  const t = useTestApp({ ...options, fresh: 'world' });
  let item: string | undefined;

  it('works in the default namespace', async () => {
    expect(t.namespace).toBe('default');
    item = (await t.inject({ method: 'POST', url: '/toy/v1/items', headers: auth, payload: { name: 'gone next test' } })).json().id;
    await t.inject({ method: 'GET', url: '/ns/extra/toy/v1/items/item_seeded', headers: auth });
    expect(Object.keys((await t.inject({ method: 'GET', url: '/_emulator/state' })).json().namespaces)).toEqual(['default', 'extra']);
  });

  it('finds every namespace wiped and the default one re-seeded', async () => {
    expect((await t.inject({ method: 'GET', url: `/toy/v1/items/${item}`, headers: auth })).statusCode).toBe(404);
    const state = (await t.inject({ method: 'GET', url: '/_emulator/state' })).json();
    expect(Object.keys(state.namespaces)).toEqual(['default']);
    expect(state.namespaces.default.toy.toy_items.map((r: { id: string }) => r.id)).toEqual(['item_seeded']);
  });
});

describe('useTestApp before its beforeAll', () => {
  const t = useTestApp({ ...options, db: toyDatabase() });
  // Collected before any hook runs: the app does not exist yet, and saying so beats an undefined.
  const early = (() => {
    try {
      return t.app;
    } catch (err) {
      return err;
    }
  })();

  it('refuses to hand out the app outside tests and hooks, and has it inside', () => {
    expect(String(early)).toMatch(/inside tests and hooks only/);
    expect(t.app.hasRoute({ method: 'GET', url: '/toy/v1/items/:id' })).toBe(true);
  });
});

describe('useTestApp: seeded ids start each test where a fresh app has them', () => {
  // The real vendors: their start-up draws ids (seeding), so "from the seed's start" would differ.
  const t = useTestApp();
  const createKey = (inject: (o: InjectOptions) => Promise<LightMyRequestResponse>) =>
    inject({ method: 'POST', url: '/ionos/accesskeys', headers: { authorization: 'Bearer ionos-test-token' }, payload: { properties: { description: 'ids' } } });
  let first: { id: string; accessKey: string } | undefined;

  it('gives the ids a fresh app gives', async () => {
    const fresh = await buildTestApp();
    try {
      const expected = (await createKey((o) => fresh.inject(o))).json();
      const mine = (await createKey((o) => t.inject(o))).json();
      expect(mine.id).toBe(expected.id);
      expect(mine.properties.accessKey).toBe(expected.properties.accessKey);
      first = { id: mine.id, accessKey: mine.properties.accessKey };
    } finally {
      await fresh.close();
    }
  });

  it('and the same again in the next test', async () => {
    expect(first).toBeDefined();
    const again = (await createKey((o) => t.inject(o))).json();
    expect({ id: again.id, accessKey: again.properties.accessKey }).toEqual(first);
  });
});
