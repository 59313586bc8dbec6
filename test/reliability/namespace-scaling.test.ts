import type { Database } from 'better-sqlite3';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { generateFixture } from '../../scripts/fixture-generators.js';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { EmulatorClock } from '../../src/core/clock.js';
import { parseFixtureDocument, type FixtureDocument } from '../../src/core/fixtures.js';
import { createIdSource } from '../../src/core/ids.js';
import { isTimeColumn, TEMPLATE_EPOCH, TEMPLATE_SPAN } from '../../src/core/namespace-store.js';
import { BULK_ROWS, TEMPLATE_NAMESPACE } from '../../src/core/namespaces.js';
import { openDatabase } from '../../src/db/open.js';
import { createRuntime, type Runtime } from '../../src/runtime.js';
import { loadVendors } from '../../src/registry.js';
import { TEST_EPOCH } from '../helpers/build-app.js';
import { toyDatabase, toyVendor } from '../helpers/toy-vendor.js';

/**
 * Big worlds (issue 18): reset, first use and fixture loads cost work linear in the rows they move,
 * and a long one does not hold up health checks. Counted, not timed.
 */
const closers: Array<() => unknown> = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

/** A database whose statements count how often they run. */
function countingDatabase(): { db: Database; statements: () => number } {
  const db = openDatabase(':memory:');
  let runs = 0;
  const prepare = db.prepare.bind(db);
  (db as { prepare: unknown }).prepare = (source: string) => {
    const stmt = prepare(source);
    for (const method of ['run', 'get', 'all', 'iterate'] as const) {
      const original = stmt[method].bind(stmt) as (...args: unknown[]) => unknown;
      (stmt as unknown as Record<string, unknown>)[method] = (...args: unknown[]) => {
        runs++;
        return original(...args);
      };
    }
    return stmt;
  };
  return { db, statements: () => runs };
}

// createRuntime (synchronous) needs the vendors' modules loaded.
beforeAll(async () => {
  await loadVendors();
});

function runtimeWith(options: { db?: Database; fixtures?: FixtureDocument[]; clock?: EmulatorClock } = {}): Runtime {
  const clock = options.clock ?? new EmulatorClock(() => TEST_EPOCH);
  clock.freeze();
  const runtime = createRuntime(loadConfig({ LOG_LEVEL: 'silent' }), { clock, ids: createIdSource('scaling'), ...options });
  closers.push(() => runtime.close());
  return runtime;
}

const totalChanges = (db: Database) => (db.prepare('SELECT total_changes() AS n').get() as { n: number }).n;

/** Statements run and rows written (triggers included) by `work`. */
function cost(runtime: Runtime, statements: () => number, work: () => void): { statements: number; rows: number } {
  const [s0, r0] = [statements(), totalChanges(runtime.db)];
  work();
  return { statements: statements() - s0, rows: totalChanges(runtime.db) - r0 };
}

function measure(keys: number) {
  const { db, statements } = countingDatabase();
  const world = generateFixture({ keys }).document as FixtureDocument;
  // The generated world is the startup world: every new namespace and every reset copies it.
  const runtime = runtimeWith({ db, fixtures: [world] });
  const extra = parseFixtureDocument(generateFixture({ keys, seed: 'extra' }).document, 'extra', runtime.vendors);
  return {
    firstUse: cost(runtime, statements, () => runtime.namespaces.ensure('fresh')),
    resetOne: cost(runtime, statements, () => runtime.namespaces.reset({ namespace: 'fresh' })),
    load: cost(runtime, statements, () => runtime.namespaces.load('loaded', stripDefaults(extra))),
    resetAll: cost(runtime, statements, () => runtime.namespaces.reset()),
  };
}

/** The generated document repeats the default tenants; a second load into a namespace must not clash with them. */
function stripDefaults(doc: FixtureDocument): FixtureDocument {
  return { ionos: { ...(doc.ionos as object), users: [], credentials: [], regions: [] } } as FixtureDocument;
}

describe('reset and seeding scale linearly', () => {
  it('runs at most ~10× the statements and rows for 10× the keys: first use, reset of one, a load, reset of all', { timeout: 120_000 }, () => {
    const small = measure(1_000);
    const large = measure(10_000);
    for (const step of ['firstUse', 'resetOne', 'load', 'resetAll'] as const) {
      // Linear (or better: fixed per-table work does not grow) — never the 10²× of per-row scans.
      expect(large[step].rows, step).toBeGreaterThan(small[step].rows * 5);
      expect(large[step].rows, step).toBeLessThanOrEqual(small[step].rows * 11);
      expect(large[step].statements, step).toBeLessThanOrEqual(small[step].statements * 11);
    }
    // Copying the startup world is a few chunked statements per table, not one per row.
    expect(large.firstUse.statements).toBeLessThan(large.firstUse.rows / 100);
  });
});

describe('the startup template', () => {
  it('gives a new namespace its own creation time where the seed used the clock, and keeps times a fixture gave', () => {
    const clock = new EmulatorClock(() => TEST_EPOCH);
    const runtime = runtimeWith({ clock });
    clock.advance(86_400_000);
    runtime.namespaces.ensure('later');
    const keys = (ns: string) => runtime.namespaces.dump({ namespace: ns, vendor: 'ionos' })[ns]!.ionos!.ionos_accesskeys as Array<{ id: string; created_at: number }>;
    expect(keys('default').length).toBeGreaterThan(0);
    expect(keys('default').every((k) => k.created_at === TEST_EPOCH)).toBe(true);
    expect(keys('later').every((k) => k.created_at === TEST_EPOCH + 86_400_000)).toBe(true);
    // Krutrim's fixture dates its keys itself: copied as given.
    const kos = (ns: string) => (runtime.namespaces.dump({ namespace: ns, vendor: 'krutrim' })[ns]!.krutrim!.krutrim_access_keys as Array<{ created_at: number }>).map((k) => k.created_at);
    expect(kos('later')).toEqual(kos('default'));
    expect(kos('later')).toContain(Date.parse('2025-12-01T00:00:00.000Z'));
    // The template is nobody's namespace.
    expect(runtime.namespaces.list().map((n) => n.name)).not.toContain(TEMPLATE_NAMESPACE);
  });

  it('holds seeded clock readings only in time columns, so the copy moves every one of them', () => {
    const runtime = runtimeWith();
    const tables = runtime.vendors.flatMap((v) => v.tables.map((t) => t.name));
    const misplaced: string[] = [];
    for (const table of tables) {
      for (const { name, type } of runtime.db.prepare(`PRAGMA table_info(${table})`).all() as Array<{ name: string; type: string }>) {
        if (type !== 'INTEGER' || isTimeColumn(name, type)) continue;
        const row = runtime.db.prepare(`SELECT count(*) AS n FROM ${table} WHERE namespace = ? AND ${name} BETWEEN ? AND ?`).get(TEMPLATE_NAMESPACE, TEMPLATE_EPOCH - TEMPLATE_SPAN, TEMPLATE_EPOCH + TEMPLATE_SPAN) as { n: number };
        if (row.n > 0) misplaced.push(`${table}.${name}`);
      }
    }
    expect(misplaced).toEqual([]);
  });
});

describe('a long reset or load does not hold up the server', () => {
  const bigToyWorld = (items: number) => ({ toy: { tokens: [{ token: 'toy-token', limit: 1000 }], items: Array.from({ length: items }, (_, i) => ({ id: `item_${i}`, name: `n${i}`, secret: `s${i}` })) } });

  async function toyApp() {
    const clock = new EmulatorClock(() => TEST_EPOCH);
    clock.freeze();
    const runtime = createRuntime(loadConfig({ LOG_LEVEL: 'silent' }), { clock, ids: createIdSource('slices'), vendors: [toyVendor], db: toyDatabase(), fixtures: [{ toy: { tokens: [{ token: 'toy-token', limit: 1000 }], items: [{ id: 'item_seeded', name: 'seeded', secret: 's' }] } }] });
    const app = await buildApp(runtime);
    closers.push(() => app.close(), () => runtime.close());
    return { app, runtime };
  }

  /** Gives the event loop turns until `condition` holds (no timers). */
  async function until(condition: () => boolean): Promise<void> {
    while (!condition()) await new Promise((resolve) => setImmediate(resolve));
  }

  it('answers health while a reset of a big namespace runs; vendor requests wait for the reset and see its result', async () => {
    const { app, runtime } = await toyApp();
    runtime.namespaces.load('big', { toy: { tokens: [], items: bigToyWorld(30_000).toy.items } });
    let resetDone = false;
    const reset = app.inject({ method: 'POST', url: '/_emulator/reset?namespace=big' }).then((res) => {
      resetDone = true;
      return res;
    });
    await until(() => runtime.namespaces.busy || resetDone);
    const read = app.inject({ method: 'GET', url: '/ns/big/toy/v1/items/item_20000', headers: { authorization: 'Bearer toy-token' } });
    const health = await app.inject({ method: 'GET', url: '/_emulator/health' });
    expect(health.statusCode).toBe(200);
    expect(resetDone).toBe(false);
    expect(runtime.namespaces.busy).toBe(true);
    expect((await reset).statusCode).toBe(204);
    // The read was held until the reset committed: the item is gone with the rest of the loaded world.
    expect((await read).statusCode).toBe(404);
    expect(runtime.namespaces.dump({ namespace: 'big' }).big!.toy!.toy_items).toHaveLength(1);
  });

  it('answers health while a big fixture load runs, and the load is all-or-nothing', async () => {
    const { app, runtime } = await toyApp();
    let loadDone = false;
    const load = app.inject({ method: 'POST', url: '/_emulator/fixtures?namespace=big', payload: { toy: { items: bigToyWorld(30_000).toy.items } } }).then((res) => {
      loadDone = true;
      return res;
    });
    await until(() => runtime.namespaces.busy || loadDone);
    const health = await app.inject({ method: 'GET', url: '/_emulator/health' });
    expect(health.statusCode).toBe(200);
    expect(loadDone).toBe(false);
    const done = await load;
    expect(done.statusCode).toBe(200);
    expect(done.json().loaded).toEqual({ toy: { items: 30_000 } });
    // A clash refuses the whole document, and the namespace is as it was.
    const clash = await app.inject({ method: 'POST', url: '/_emulator/fixtures?namespace=big', payload: { toy: { items: [{ id: 'fresh_1', name: 'f', secret: 's' }, { id: 'item_5', name: 'dup', secret: 's' }] } } });
    expect(clash.statusCode).toBe(409);
    expect(runtime.namespaces.dump({ namespace: 'big' }).big!.toy!.toy_items).toHaveLength(30_001);
  });
});

describe('big namespaces move without the per-row count triggers, and keep their counts', () => {
  /** Rows per namespace as the object limit counts them, and as the tables hold them. */
  const counted = (runtime: Runtime, ns: string) => (runtime.db.prepare('SELECT objects FROM temp.namespace_usage WHERE namespace = ?').get(ns) as { objects: number } | undefined)?.objects;
  const held = (runtime: Runtime, ns: string) =>
    runtime.vendors.flatMap((v) => v.tables).reduce((sum, t) => sum + (runtime.db.prepare(`SELECT count(*) AS n FROM ${t.name} WHERE namespace = ?`).get(ns) as { n: number }).n, 0);
  const triggers = (runtime: Runtime) => (runtime.db.prepare("SELECT count(*) AS n FROM sqlite_temp_master WHERE type = 'trigger'").get() as { n: number }).n;

  it(`copies and resets a world of more than BULK_ROWS (${BULK_ROWS}) rows with exact counts, and the triggers back`, { timeout: 120_000 }, () => {
    const world = generateFixture({ keys: BULK_ROWS + 1_000 }).document as FixtureDocument;
    const runtime = runtimeWith({ fixtures: [world] });
    const tables = runtime.vendors.flatMap((v) => v.tables).length;
    expect(triggers(runtime)).toBe(3 * tables);
    const template = held(runtime, TEMPLATE_NAMESPACE);
    expect(template).toBeGreaterThanOrEqual(BULK_ROWS);

    // First use: the bulk copy. Rows written count trigger writes too: one per row copied, none for counting.
    let changes = totalChanges(runtime.db);
    runtime.namespaces.ensure('a');
    expect(totalChanges(runtime.db) - changes).toBeLessThan(template * 1.01);
    expect(held(runtime, 'a')).toBe(template);
    expect(counted(runtime, 'a')).toBe(template);
    expect(triggers(runtime)).toBe(3 * tables);
    // The triggers count again: an insert and a delete move the count.
    const columns = 'position, version, endpoint, website, capability, storage_classes, location, metadata';
    runtime.db.prepare(`INSERT INTO ionos_regions (namespace, id, ${columns}) SELECT namespace, id || '-copy', ${columns} FROM ionos_regions WHERE namespace = 'a' LIMIT 1`).run();
    expect(counted(runtime, 'a')).toBe(template + 1);
    runtime.db.prepare("DELETE FROM ionos_regions WHERE namespace = 'a' AND id LIKE '%-copy'").run();
    expect(counted(runtime, 'a')).toBe(template);

    // Reset of everything: the bulk delete (of default and a), then default copied again.
    changes = totalChanges(runtime.db);
    runtime.namespaces.reset();
    expect(totalChanges(runtime.db) - changes).toBeLessThan(template * 3.03);
    expect(counted(runtime, 'a')).toBeUndefined();
    expect(held(runtime, 'a')).toBe(0);
    expect(held(runtime, 'default')).toBe(template);
    expect(counted(runtime, 'default')).toBe(template);
    expect(triggers(runtime)).toBe(3 * tables);
  });

  it('leaves rows, counts and triggers as they were when a bulk reset fails half-way', { timeout: 120_000 }, () => {
    const world = generateFixture({ keys: BULK_ROWS + 1_000 }).document as FixtureDocument;
    const runtime = runtimeWith({ fixtures: [world] });
    runtime.namespaces.ensure('a');
    const before = { a: held(runtime, 'a'), counted: counted(runtime, 'a'), triggers: triggers(runtime) };
    // The last table's delete fails: the earlier tables' deletes and the trigger drop are rolled back.
    const tables = (runtime.namespaces as unknown as { stmts: { tables: Array<{ deleteChunk: { run: (...args: unknown[]) => unknown } }> } }).stmts.tables;
    const last = tables.at(-1)!.deleteChunk;
    const run = last.run.bind(last);
    last.run = () => {
      throw new Error('disk on fire');
    };
    expect(() => runtime.namespaces.reset()).toThrow('disk on fire');
    last.run = run;
    expect({ a: held(runtime, 'a'), counted: counted(runtime, 'a'), triggers: triggers(runtime) }).toEqual(before);
    runtime.namespaces.reset({ namespace: 'a' });
    expect(counted(runtime, 'a')).toBe(held(runtime, 'a'));
  });
});
