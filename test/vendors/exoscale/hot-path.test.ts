import Database from 'better-sqlite3';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../helpers/build-app.js';
import { exoscaleClient, type ExoscaleCall } from './client.js';
import { ADMIN_API_KEY, ADMIN_API_SECRET, READONLY_ROLE, ROOT_KEY } from './signer.js';

/**
 * Issue 18: a read runs a fixed, small number of SQL statements, whatever the size of the namespace
 * (no query per listed key, e.g. for the operation a revoke waits for). Counted on better-sqlite3's
 * statements for the duration of one request; BEGIN/COMMIT of a write's transaction are not counted.
 */
const executed: string[] = [];
const methods = ['get', 'all', 'run', 'iterate'] as const;
const proto = Object.getPrototypeOf(new Database(':memory:').prepare('SELECT 1')) as Record<(typeof methods)[number], (...args: unknown[]) => unknown>;
const originals = Object.fromEntries(methods.map((m) => [m, proto[m]])) as typeof proto;

beforeAll(() => {
  for (const m of methods) {
    proto[m] = function (this: { source: string }, ...args: unknown[]) {
      if (!/^(BEGIN|COMMIT|SAVEPOINT|RELEASE)/.test(this.source)) executed.push(this.source);
      return originals[m].apply(this, args);
    };
  }
});
afterAll(() => {
  for (const m of methods) proto[m] = originals[m];
});

let t: TestApp;
let call: ExoscaleCall;
beforeEach(async () => {
  t = await buildTestApp();
  call = exoscaleClient(t);
});
afterEach(() => t.close());

/** The statements the vendor runs for one request (the journal and namespaces use none once warm). */
async function statements(run: () => Promise<{ status: number }>): Promise<string[]> {
  executed.length = 0;
  const res = await run();
  expect(res.status).toBe(200);
  return executed.filter((sql) => sql.includes('exoscale_'));
}

async function keysBeingRevoked(n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    const created = await call('POST', '/access-key', { body: { name: `k${i}` } });
    expect((await call('DELETE', `/access-key/${created.body.key}`)).body.state).toBe('pending');
  }
}

describe('Exoscale hot path: SQL statements per request', () => {
  it('a signed get of an access key: one (the key), the signer with its organization remembered from the request before', async () => {
    await call('GET', `/access-key/${ROOT_KEY}`);
    // Nothing was written since: the credential lookup is answered from memory (core/sql.ts).
    expect(await statements(() => call('GET', `/access-key/${ROOT_KEY}`))).toHaveLength(1);
  });

  it('the access-key list: as many with 20 keys being revoked as with one', async () => {
    await keysBeingRevoked(1);
    const few = await statements(() => call('GET', '/access-key'));
    await keysBeingRevoked(19);
    const many = await statements(() => call('GET', '/access-key'));
    // The signer (the revocations just written: read again) and the list.
    expect(few).toHaveLength(2);
    expect(many).toEqual(few);
  });

  it('the API-key list: as many with 20 keys being deleted as with one', async () => {
    const count = async () => statements(() => call('GET', '/api-key', { as: { key: ADMIN_API_KEY, secret: ADMIN_API_SECRET } }));
    const deleteOne = async () => {
      const created = await call('POST', '/api-key', { body: { name: 'temp', 'role-id': READONLY_ROLE } });
      expect((await call('DELETE', `/api-key/${created.body.key}`)).status).toBe(200);
    };
    await deleteOne();
    const few = await count();
    for (let i = 0; i < 19; i++) await deleteOne();
    expect(await count()).toEqual(few);
  });

  it('creating an unrestricted key as an unrestricted key: the signer, then the insert', async () => {
    const run = await statements(() => call('POST', '/access-key', { body: { name: 'new' } }));
    expect(run).toHaveLength(2);
    expect(run[1]).toMatch(/^INSERT/);
  });
});
