import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../src/db/open.js';
import { migrate } from '../../../src/db/migrate.js';
import { buildTestApp, type TestApp } from '../../helpers/build-app.js';
import { CONTRACT, client, DESTROYING_MS, expectIonosError, PROVISIONING_MS, state, USER_ID } from './helpers.js';

/**
 * The IONOS hot path (issue 18): how many SQL statements a list and a create run, counted on the
 * connection (better-sqlite3's `verbose` sees every statement the emulator runs), and the key limit
 * kept on counts held in memory.
 */

let t: TestApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

/** An app whose database reports each statement it runs. */
async function countingApp(env: Record<string, string> = {}): Promise<{ t: TestApp; statements: (fn: () => Promise<unknown>) => Promise<string[]> }> {
  let seen: string[] | undefined;
  const db = new Database(':memory:', { verbose: (text) => seen?.push(String(text)) });
  db.pragma('foreign_keys = ON');
  migrate(db);
  const app = await buildTestApp({ db, env: { IONOS_KEY_LIMIT: '1000', ...env } });
  return {
    t: app,
    statements: async (fn) => {
      seen = [];
      await fn();
      const out = seen;
      seen = undefined;
      return out;
    },
  };
}

/** A fixture: the default contract with exactly `n` AVAILABLE keys for the default user. */
function keys(n: number) {
  const hex = (i: number) => i.toString(16).padStart(12, '0');
  return {
    ionos: {
      users: [{ userId: USER_ID, email: 'test@example.com', contractNumber: CONTRACT, administrative: true }],
      credentials: [{ token: 'ionos-test-token', userId: USER_ID }],
      accesskeys: Array.from({ length: n }, (_, i) => ({ id: `00000000-0000-4000-8000-${hex(i + 1)}`, userId: USER_ID, description: `key ${i + 1}` })),
    },
  };
}

describe('IONOS statements per request', () => {
  it('a list runs three statements (caller, keys, regions), for 10 keys as for 100', async () => {
    const counting = await countingApp();
    t = counting.t;
    const c = client(t);
    const perList: number[] = [];
    for (const n of [10, 100]) {
      expect((await t.app.inject({ method: 'POST', url: '/_emulator/fixtures?namespace=default', payload: keys(n) })).statusCode).toBe(200);
      let items = 0;
      const ran = await counting.statements(async () => {
        const res = await c.list();
        expect(res.statusCode).toBe(200);
        items = res.json().items.length;
      });
      expect(items).toBe(n);
      perList.push(ran.length);
    }
    expect(perList).toEqual([3, 3]);
  });

  it('keys that settle in a list are written in at most two statements, however many', async () => {
    const counting = await countingApp();
    t = counting.t;
    const c = client(t);
    for (let i = 0; i < 20; i++) expect((await c.create(`k${i}`)).statusCode).toBe(201);
    const [deleting, failing] = (await c.list()).json().items.map((k: { id: string }) => k.id);
    expect((await c.del(deleting)).statusCode).toBe(202);
    await t.app.inject({ method: 'POST', url: '/_emulator/faults', payload: { vendor: 'ionos', operation: 'accesskeysDelete', outcome: 'FAILED', times: 1 } });
    expect((await c.del(failing)).statusCode).toBe(202);
    t.clock.advance(Math.max(PROVISIONING_MS, DESTROYING_MS));
    let body: { items: Array<{ id: string; metadata: { status: string } }> } = { items: [] };
    const ran = await counting.statements(async () => {
      body = (await c.list()).json();
    });
    // caller, keys, regions, plus one UPDATE (20 AVAILABLE or FAILED) and one DELETE (the finished deletion); the writes in one transaction
    expect(ran.filter((s) => /^\s*(UPDATE|DELETE)\b/.test(s))).toHaveLength(2);
    expect(ran.filter((s) => !/^\s*(BEGIN|COMMIT|SAVEPOINT|RELEASE)\b/i.test(s))).toHaveLength(5);
    expect(body.items.map((k) => k.id)).not.toContain(deleting);
    expect(body.items.find((k) => k.id === failing)?.metadata.status).toBe('FAILED');
    expect(body.items.filter((k) => k.metadata.status === 'AVAILABLE')).toHaveLength(20 + 2 - 2);
    // settled for good: the next list writes nothing
    expect((await counting.statements(() => c.list())).length).toBe(3);
  });

  it('a create runs three statements (caller, the INSERT, regions) whatever the number of keys', async () => {
    const counting = await countingApp();
    t = counting.t;
    const c = client(t);
    const perCreate: number[] = [];
    for (const n of [10, 200]) {
      expect((await t.app.inject({ method: 'POST', url: '/_emulator/fixtures?namespace=default', payload: keys(n) })).statusCode).toBe(200);
      // the first create after a load counts the user's keys once; later ones do not
      expect((await c.create('first')).statusCode).toBe(201);
      const ran = await counting.statements(async () => expect((await c.create('next')).statusCode).toBe(201));
      perCreate.push(ran.filter((s) => !/^\s*(BEGIN|COMMIT|SAVEPOINT|RELEASE)\b/i.test(s)).length);
    }
    expect(perCreate).toEqual([3, 3]);
  });
});

describe('IONOS creates', () => {
  it('a generated id that is already taken (ids repeat under ID_SEED across restarts of a file database) gets a fresh one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ionos-ids-'));
    try {
      const file = join(dir, 'state.db');
      const first = await buildTestApp({ db: openDatabase(file), idSeed: 'same' });
      const made = (await client(first).create('from the first run')).json();
      await first.close();
      t = await buildTestApp({ db: openDatabase(file), idSeed: 'same' });
      const c = client(t);
      const again = await c.create('from the second run');
      expect(again.statusCode).toBe(201);
      expect(again.json().id).not.toBe(made.id);
      expect((await c.get(made.id)).json().properties.description).toBe('from the first run');
      expect((await c.get(again.json().id)).json().properties.description).toBe('from the second run');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a refused create changes nothing, and the limit still holds after it', async () => {
    t = await buildTestApp({ env: { IONOS_KEY_LIMIT: '3' } });
    const c = client(t);
    expect((await c.create('third')).statusCode).toBe(201);
    const before = await state(t);
    expectIonosError(await c.create('fourth'), 422, 'paas-quota-1');
    await t.app.inject({ method: 'POST', url: '/_emulator/faults', payload: { vendor: 'ionos', operation: 'accesskeysPost', outcome: 'NOPE', times: 1 } });
    expectIonosError(await c.create('bad outcome'), 400, 'paas-validation-1');
    expect(await state(t)).toEqual(before);
    expectIonosError(await c.create('still the fourth'), 422, 'paas-quota-1');
  });
});
