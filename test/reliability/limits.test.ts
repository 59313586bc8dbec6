import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/build-app.js';
import { PROFILES } from './vendor-profiles.js';

/** BODY_LIMIT: every vendor refuses a body over the limit with 413 in its own envelope, writing nothing. */
let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp({ env: { BODY_LIMIT: '4096' } });
  for (const vendor of t.runtime.vendors) await PROFILES[vendor.id]!.prepare?.((opts) => t.app.inject(opts));
});
afterAll(() => t.close());

const CREATE_PATHS: Record<string, string> = {
  katapult: '/organizations/organization/object_storage/object_storage_cluster/access_keys',
  ionos: '/accesskeys',
  exoscale: '/access-key',
  ibm: '/credentials',
  krutrim: '/kos/v1/access_keys',
};

describe('BODY_LIMIT', () => {
  it.each(Object.entries(CREATE_PATHS))('%s answers 413 in its envelope and writes nothing', async (id, path) => {
    const vendor = t.runtime.vendors.find((v) => v.id === id)!;
    const url = `${vendor.mount}${path}`;
    const payload = JSON.stringify({ name: 'x'.repeat(8192) });
    const before = JSON.stringify(t.runtime.namespaces.dump());
    const res = await t.app.inject({ method: 'POST', url, payload, headers: { ...PROFILES[id]!.auth({ method: 'POST', url, body: payload, wallNowMs: t.clock.wallNow() }), 'content-type': 'application/json' } });
    expect(res.statusCode).toBe(413);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(PROFILES[id]!.isErrorEnvelope(res.json(), 413)).toBe(true);
    expect(JSON.stringify(t.runtime.namespaces.dump())).toBe(before);
  });
});

describe('JOURNAL_SIZE', () => {
  it('the journal keeps only the newest JOURNAL_SIZE requests, oldest first, their seq still counting every request', async () => {
    const small = await buildTestApp({ env: { JOURNAL_SIZE: '3' } });
    try {
      const calls: Array<[string, 'GET' | 'POST', string]> = [
        ['katapult', 'GET', '/katapult/core/v1/organizations/organization/object_storage/access_keys?organization[sub_domain]=emulator'],
        ['ionos', 'GET', '/ionos/accesskeys'],
        ['ibm', 'GET', '/ibm/credentials'],
        ['krutrim', 'GET', '/krutrim/kos/v1/access_keys'],
        ['ionos', 'GET', '/ionos/nowhere'],
      ];
      for (const [id, method, url] of calls) {
        // KOS needs no session here: its Bearer key alone (the profile's prepare would add a request of its own).
        const headers = id === 'krutrim' ? { authorization: 'Bearer krutrim-test-key' } : PROFILES[id]!.auth({ method, url, wallNowMs: small.clock.wallNow() });
        const res = await small.app.inject({ method, url, headers });
        expect(res.statusCode, `${method} ${url}: ${res.body.slice(0, 200)}`).toBeLessThan(500);
      }
      const journal = async (query = '') => (await small.app.inject({ method: 'GET', url: `/_emulator/requests${query}` })).json();
      const kept = await journal();
      expect(kept.count).toBe(3);
      expect(kept.requests.map((r: { seq: number; vendor: string; path: string; status: number }) => [r.seq, r.vendor, r.path, r.status])).toEqual([
        [3, 'ibm', '/credentials', 200],
        [4, 'krutrim', '/kos/v1/access_keys', 200],
        [5, 'ionos', '/nowhere', 400], // IONOS answers an unknown path with its validation error
      ]);
      // Two more push out the two oldest; filters apply to what is kept.
      await small.app.inject({ method: 'GET', url: '/ibm/credentials/181920', headers: PROFILES.ibm!.auth({ method: 'GET', url: '/ibm/credentials/181920', wallNowMs: 0 }) });
      await small.app.inject({ method: 'GET', url: '/ibm/nowhere' });
      expect((await journal()).requests.map((r: { seq: number; path: string }) => [r.seq, r.path])).toEqual([
        [5, '/nowhere'],
        [6, '/credentials/181920'],
        [7, '/nowhere'],
      ]);
      expect((await journal('?vendor=ibm')).requests.map((r: { seq: number }) => r.seq)).toEqual([6, 7]);
      expect((await journal('?vendor=krutrim')).count).toBe(0);
    } finally {
      await small.close();
    }
  });

  it('JOURNAL_SIZE=0 journals nothing', async () => {
    const none = await buildTestApp({ env: { JOURNAL_SIZE: '0' } });
    try {
      expect((await none.app.inject({ method: 'GET', url: '/ibm/credentials', headers: PROFILES.ibm!.auth({ method: 'GET', url: '/ibm/credentials', wallNowMs: 0 }) })).statusCode).toBe(200);
      expect((await none.app.inject({ method: 'GET', url: '/_emulator/requests' })).json()).toEqual({ count: 0, requests: [] });
    } finally {
      await none.close();
    }
  });
});
