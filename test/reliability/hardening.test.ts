import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLOCK_MAX_MS } from '../../src/core/clock.js';
import { buildTestApp, TEST_EPOCH, type TestApp } from '../helpers/build-app.js';
import { PROFILES } from './vendor-profiles.js';

/** Issue 15 (hardening): each case that used to crash, stall, corrupt or leak, as a regression test. */
let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp({ env: { RATE_LIMITS: 'off' } });
  for (const vendor of t.runtime.vendors) await PROFILES[vendor.id]!.prepare?.((opts) => t.app.inject(opts));
});
afterAll(() => t.close());

const KOS_BUCKET = encodeURIComponent('krn:kos:In-Bangalore-1:1000000001:8f0c6a1e-4b7d-4c2a-9e55-000000000001:bucket:5b1f3c7e-2a4d-4e8f-9a0b-000000000001');
const KATAPULT_BUCKET = '/object_storage/object_storage_cluster/buckets/bucket';

/** A vendor request with the profile's valid credentials; `body` is sent as written (JSON text). */
function vendorCall(id: string, method: InjectOptions['method'], path: string, body?: string) {
  const vendor = t.runtime.vendors.find((v) => v.id === id)!;
  const url = `${vendor.mount}${path}`;
  const headers = { ...PROFILES[id]!.auth({ method: String(method), url, ...(body !== undefined ? { body } : {}), wallNowMs: t.clock.wallNow() }), 'content-type': 'application/json' };
  return t.app.inject({ method, url, headers, ...(body !== undefined ? { payload: body } : {}) });
}

const dump = () => JSON.stringify(t.runtime.namespaces.dump());

/** A refusal: the status, the vendor's envelope, and nothing written. */
async function expectRefused(id: string, status: number, send: () => Promise<{ statusCode: number; body: string; json(): any }>) {
  const before = dump();
  const res = await send();
  expect(res.statusCode, res.body.slice(0, 300)).toBe(status);
  expect(PROFILES[id]!.isErrorEnvelope(res.json(), status), res.body.slice(0, 300)).toBe(true);
  expect(dump()).toBe(before);
  return res;
}

/** JSON text nesting `depth` objects and arrays (as text: JSON.stringify itself recurses). */
const nested = (depth: number): string => {
  let open = '';
  let close = '';
  for (let i = 0; i < depth; i++) {
    open += i % 2 ? '[' : '{"a":';
    close = (i % 2 ? ']' : '}') + close;
  }
  return `${open}"x"${close}`;
};

describe('nesting depth (item 5)', () => {
  it('a KOS createPolicy body nested 5,000 levels is a KOS 400, not a 500', async () => {
    const body = `{"name":"deep","statements":[{"effect":"Allow","actions":["*"],"resources":["*"]}],"conditions":${nested(5000)}}`;
    const res = await expectRefused('krutrim', 400, () => vendorCall('krutrim', 'POST', '/internal/kos/v1/policy', body));
    expect(res.json()).toMatchObject({ code: 'BAD_REQUEST', message: expect.stringContaining('nests deeper than 100 levels') });
  });

  it('a Katapult Rack query properties[a][a]… nested 5,000 levels is an Apia 400, not a 500', async () => {
    const key = `properties${'[a]'.repeat(5000)}`;
    const res = await expectRefused('katapult', 400, () => vendorCall('katapult', 'GET', `/organizations/organization/object_storage/access_keys?organization[sub_domain]=emulator&${encodeURIComponent(key)}=1`));
    expect(res.json()).toMatchObject({ error: { code: 'invalid_argument' } });
  });

  it.each(['katapult', 'ionos', 'exoscale', 'ibm', 'krutrim'])('%s refuses a body nested 100,000 levels in its envelope', async (id) => {
    await expectRefused(id, 400, () => vendorCall(id, 'POST', CREATE[id]!, `{"name":${nested(100_000)}}`));
  });

  it('101 levels are refused, 100 are not refused for their depth', async () => {
    const deep = await vendorCall('ionos', 'POST', '/accesskeys', `{"properties":{"description":"x"},"metadata":${nested(98)}}`);
    expect(deep.body).not.toContain('nests deeper');
    const deeper = await vendorCall('ionos', 'POST', '/accesskeys', `{"properties":{"description":"x"},"metadata":${nested(100)}}`);
    expect(deeper.statusCode).toBe(400);
    expect(deeper.body).toContain('nests deeper than 100 levels');
  });

  it('the control plane refuses a fixture document nested 100,000 levels with its own 400', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/_emulator/fixtures?namespace=deep', headers: { 'content-type': 'application/json' }, payload: `{"katapult":${nested(100_000)}}` });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({ error: { code: 'invalid_request', message: expect.stringContaining('nests deeper than 100 levels') } });
  });
});

const CREATE: Record<string, string> = {
  katapult: '/organizations/organization/object_storage/object_storage_cluster/access_keys',
  ionos: '/accesskeys',
  exoscale: '/access-key',
  ibm: '/credentials',
  krutrim: '/kos/v1/access_keys',
};

describe('lone UTF-16 surrogates (item 6)', () => {
  it('Katapult presigned_url with a lone-surrogate path is refused before a presigned URL is written', async () => {
    const body = JSON.stringify({ object_storage_cluster: { region: 'uk-lon-1' }, bucket: { name: 'emulator-bucket' }, path: 'd\ud800' });
    const res = await expectRefused('katapult', 400, () => vendorCall('katapult', 'POST', `${KATAPULT_BUCKET}/presigned_url`, body));
    expect(res.json()).toMatchObject({ error: { code: 'invalid_argument', detail: { path: ['path'] } } });
  });

  it('a Katapult name of 255 lone surrogates is refused (it is no 255-character name)', async () => {
    const body = JSON.stringify({ organization: { sub_domain: 'emulator' }, object_storage_cluster: { region: 'uk-lon-1' }, properties: { name: '\udc00'.repeat(255) } });
    await expectRefused('katapult', 400, () => vendorCall('katapult', 'POST', CREATE.katapult!, body));
  });

  it.each([
    ['KOS upload URL', 'PUT', `/kos/v1/buckets/${KOS_BUCKET}/objects`, { prefix: 'a\ud800' }],
    ['KOS presign', 'POST', `/kos/v1/buckets/${KOS_BUCKET}/objects/url`, { objectkey: 'a\udbff' }],
  ] as const)('%s with a lone-surrogate key is a KOS 400, not a 500', async (_label, method, path, body) => {
    const res = await expectRefused('krutrim', 400, () => vendorCall('krutrim', method, path, JSON.stringify(body)));
    expect(res.json()).toMatchObject({ code: 'BAD_REQUEST', message: expect.stringContaining('not well-formed Unicode') });
  });

  it('IONOS refuses a description it could not echo back as sent', async () => {
    const res = await expectRefused('ionos', 400, () => vendorCall('ionos', 'POST', '/accesskeys', JSON.stringify({ properties: { description: 'd\ud800' } })));
    expect(res.json().messages[0].message).toContain('body.properties.description');
  });

  it('a lone surrogate in an object key is refused too, and a well-formed pair is not', async () => {
    await expectRefused('ibm', 400, () => vendorCall('ibm', 'POST', CREATE.ibm!, '{"\\ud800":1}'));
    const ok = await vendorCall('ionos', 'POST', '/accesskeys', JSON.stringify({ properties: { description: 'emoji 😀' } }));
    expect(ok.statusCode).toBeLessThan(300);
  });
});

describe('clock range (item 4)', () => {
  const clock = (body: unknown) => t.app.inject({ method: 'POST', url: '/_emulator/clock', headers: { 'content-type': 'application/json' }, payload: JSON.stringify(body) });

  it.each([
    { advance: '99999999999999d' },
    { advance: 1e308 },
    { set: '+275760-09-13T00:00:00.000Z' },
    { set: '2026-02-30T00:00:00Z' },
    { set: '2026-13-01T00:00:00Z' },
    { set: '2026-01-01T24:00:00Z' },
    { set: '1969-12-31T23:59:59Z' },
    { set: '9999-06-01T00:00:00Z' },
    { set: '2026-01-01T00:00:00Z', advance: '4000000d' },
    { reset: true, set: 'yesterday' },
    { freeze: false, advance: 1e20 },
  ])('%j is a 400 and the clock is unchanged', async (body) => {
    const before = t.runtime.clock.state();
    const res = await clock(body);
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('invalid_request');
    expect(t.runtime.clock.state()).toEqual(before);
  });

  it('the last representable time is accepted, and every vendor still creates and formats there', async () => {
    try {
      expect((await clock({ set: new Date(CLOCK_MAX_MS - 60_000).toISOString() })).statusCode).toBe(200);
      expect((await t.app.inject({ method: 'GET', url: '/_emulator/clock' })).statusCode).toBe(200);
      for (const id of ['ionos', 'ibm', 'krutrim']) {
        const body = id === 'ionos' ? { properties: { description: 'late' } } : id === 'ibm' ? undefined : { name: 'late-key' };
        const res = await vendorCall(id, 'POST', CREATE[id]!, body === undefined ? undefined : JSON.stringify(body));
        expect(res.statusCode, `${id}: ${res.body.slice(0, 200)}`).toBeLessThan(500);
      }
    } finally {
      await clock({ set: new Date(TEST_EPOCH).toISOString() });
    }
  });

  it('{set:T, freeze:true} freezes at exactly T on a running clock, every time', async () => {
    await clock({ freeze: false });
    try {
      for (let i = 0; i < 100; i++) {
        const at = `2030-01-01T00:00:00.${String(i).padStart(3, '0')}Z`;
        const res = await clock({ set: at, freeze: true });
        expect(res.json()).toMatchObject({ now: at, frozen: true });
        await clock({ freeze: false });
      }
    } finally {
      await clock({ set: new Date(TEST_EPOCH).toISOString(), freeze: true });
    }
  });

  it('accepts date-only, offset and fractional forms as the instants they name', async () => {
    for (const [set, now] of [['2027-03-04', '2027-03-04T00:00:00.000Z'], ['2027-03-04T10:00+02:00', '2027-03-04T08:00:00.000Z'], ['2028-02-29T23:59:59.9999Z', '2028-02-29T23:59:59.999Z']]) {
      expect((await clock({ set })).json().now).toBe(now);
    }
    await clock({ set: new Date(TEST_EPOCH).toISOString() });
  });
});

describe('cross-site requests to the control plane (item 11)', () => {
  const namespaces = () => t.runtime.namespaces.list().map((n) => n.name);
  const reset = (headers: Record<string, string>, payload?: string) => t.app.inject({ method: 'POST', url: '/_emulator/reset', headers, ...(payload !== undefined ? { payload } : {}) });

  it.each([
    [{ origin: 'http://evil.example', 'content-type': 'text/plain' }, 'x', 403],
    [{ origin: 'http://evil.example' }, undefined, 403],
    [{ origin: 'null', 'content-type': 'application/json' }, '{}', 403],
    [{ origin: 'http://localhost:8080' }, undefined, 403],
    [{ 'sec-fetch-site': 'cross-site', 'content-type': 'text/plain' }, 'x', 403],
    [{ 'sec-fetch-site': 'same-site' }, undefined, 403],
    [{ 'content-type': 'text/plain' }, 'x', 415],
    [{ 'content-type': 'application/x-www-form-urlencoded' }, 'a=1', 415],
  ] as const)('%j is refused with %s and nothing is wiped', async (headers, payload, status) => {
    await t.app.inject({ method: 'GET', url: '/ns/keep-me/ionos/accesskeys', headers: { authorization: 'Bearer ionos-test-token' } });
    expect(namespaces()).toContain('keep-me');
    const res = await reset({ ...headers }, payload);
    expect(res.statusCode).toBe(status);
    expect(res.json().error.code).toBe(status === 403 ? 'cross_site_request' : 'unsupported_media_type');
    expect(namespaces()).toContain('keep-me');
  });

  it('same-origin pages, clients without Origin and read-only calls keep working', async () => {
    expect((await reset({ origin: 'http://localhost:80', 'sec-fetch-site': 'same-origin' })).statusCode).toBe(204);
    expect((await reset({})).statusCode).toBe(204);
    expect((await reset({ 'sec-fetch-site': 'none' })).statusCode).toBe(204);
    expect((await reset({ 'content-type': 'application/json; charset=utf-8' }, '{}')).statusCode).toBe(204);
    const faults = await t.app.inject({ method: 'POST', url: '/_emulator/faults', headers: { origin: 'http://localhost:80', 'content-type': 'application/json' }, payload: '{"vendor":"ionos","error":503,"times":1,"path":"/never"}' });
    expect(faults.statusCode).toBe(201);
    await t.app.inject({ method: 'DELETE', url: '/_emulator/faults' });
    expect((await t.app.inject({ method: 'GET', url: '/_emulator/health', headers: { origin: 'http://evil.example' } })).statusCode).toBe(200);
  });

  it('vendor routes keep their CORS behaviour for foreign origins', async () => {
    const url = '/katapult/core/v1/organizations/organization/object_storage/access_keys?organization[sub_domain]=emulator';
    const res = await t.app.inject({ method: 'GET', url, headers: { authorization: 'Bearer katapult-test-token', origin: 'http://evil.example', 'sec-fetch-site': 'cross-site' } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['access-control-allow-origin']).toBe('*');
  });
});
