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
