import { describe, expect, it } from 'vitest';
import { markWritten } from '../../../src/core/sql.js';
import { secretDigest } from '../../../src/core/secrets.js';
import { useTestApp } from '../../helpers/use-test-app.js';
import { BEARER, client, expectIonosError, NO_S3, SEEDED_AVAILABLE, state, TOKEN, UNKNOWN_ID } from './helpers.js';

const t = useTestApp({ fresh: 'world' });
const c = client(t);

/** Every operation with the error statuses the vendor SDK decodes for it. */
const OPERATIONS = [
  { op: 'accesskeysGet', method: 'GET', url: '/ionos/accesskeys', statuses: [400, 401, 403, 429, 500, 503] },
  { op: 'accesskeysPost', method: 'POST', url: '/ionos/accesskeys', payload: { properties: { description: 'x' } }, statuses: [400, 401, 403, 415, 422, 429, 500, 503] },
  { op: 'accesskeysFindById', method: 'GET', url: `/ionos/accesskeys/${SEEDED_AVAILABLE}`, statuses: [400, 401, 403, 404, 429, 500, 503] },
  { op: 'accesskeysPut', method: 'PUT', url: `/ionos/accesskeys/${SEEDED_AVAILABLE}`, payload: { properties: { description: 'x' } }, statuses: [400, 401, 403, 404, 409, 415, 422, 429, 500, 503] },
  { op: 'accesskeysDelete', method: 'DELETE', url: `/ionos/accesskeys/${SEEDED_AVAILABLE}`, statuses: [400, 401, 403, 404, 429, 500, 503] },
  { op: 'accesskeysRenew', method: 'PUT', url: `/ionos/accesskeys/${SEEDED_AVAILABLE}/renew`, statuses: [400, 401, 403, 404, 409, 500] },
  { op: 'regionsGet', method: 'GET', url: '/ionos/regions', statuses: [400, 401, 403, 429, 500, 503] },
  { op: 'regionsFindByRegion', method: 'GET', url: '/ionos/regions/de', statuses: [400, 401, 403, 404, 429, 500, 503] },
] as const;

describe('every listed error status of every operation, on demand', () => {
  it('x-emulator-fault: <status> gives the IONOS envelope (429 with Retry-After) and changes nothing', async () => {
    const before = await state(t);
    for (const o of OPERATIONS) {
      for (const status of o.statuses) {
        const res = await c.call({ method: o.method, url: o.url, headers: { 'x-emulator-fault': String(status) }, ...('payload' in o ? { payload: o.payload } : {}) });
        expectIonosError(res, status);
        if (status === 429) expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
      }
    }
    expect(await state(t)).toEqual(before);
  });

  it('x-emulator-fault takes a vendor code too; an unknown value is a 400 in the envelope', async () => {
    expectIonosError(await c.call({ method: 'GET', url: '/ionos/accesskeys', headers: { 'x-emulator-fault': 'paas-quota-1' } }), 422, 'paas-quota-1');
    expectIonosError(await c.call({ method: 'GET', url: '/ionos/accesskeys', headers: { 'x-emulator-fault': 'paas-feature-99' } }), 400, 'paas-validation-1');
  });

  it('fault rules by operation: fail twice with 503, then succeed', async () => {
    await t.app.inject({ method: 'POST', url: '/_emulator/faults', payload: { vendor: 'ionos', operation: 'accesskeysPost', error: 503, times: 2 } });
    expectIonosError(await c.create(), 503, 'paas-unavailable-1');
    expectIonosError(await c.create(), 503, 'paas-unavailable-1');
    expect((await c.create()).statusCode).toBe(201);
  });
});

describe('401 and 403, naturally', () => {
  it('refuses a missing, unknown or malformed credential with 401 paas-auth-1', async () => {
    const cases: Array<Record<string, string>> = [
      {},
      { authorization: 'Bearer nope' },
      { authorization: 'Bearer' },
      { authorization: 'Token ionos-test-token' },
      { authorization: `Basic ${Buffer.from('test@example.com:wrong').toString('base64')}` },
      { authorization: `Basic ${Buffer.from('nobody@example.com:test').toString('base64')}` },
      { authorization: `Basic ${Buffer.from('no-colon').toString('base64')}` },
      { authorization: `Basic ${Buffer.from('ionos-test-token:').toString('base64')}` },
    ];
    for (const headers of cases) {
      for (const o of OPERATIONS) {
        const res = await t.app.inject({ method: o.method, url: o.url, headers, ...('payload' in o ? { payload: o.payload } : {}) });
        expectIonosError(res, 401, 'paas-auth-1');
      }
    }
  });

  it('stores tokens and passwords as SHA-256 digests only; a bearer token is found by its digest, a basic credential by its username', async () => {
    const db = t.runtime.db;
    const rows = db.prepare("SELECT * FROM ionos_credentials WHERE namespace = 'default' ORDER BY kind, id").all() as Array<{ kind: string; secret_hash: string; token_digest: string | null }>;
    expect(rows.length).toBeGreaterThan(1);
    for (const row of rows) expect(row.token_digest).toBe(row.kind === 'bearer' ? row.secret_hash : null);
    expect(rows.map((r) => r.secret_hash)).toEqual(expect.arrayContaining([secretDigest(TOKEN), secretDigest('test')]));
    expect(JSON.stringify(rows)).not.toContain(`"${TOKEN}"`);
    const dump = await t.app.inject({ method: 'GET', url: '/_emulator/state?vendor=ionos' });
    expect(dump.body).not.toContain(secretDigest(TOKEN));
    expect((await c.list()).statusCode).toBe(200);
    // The lookup digest finds the row: with another one the token is unknown.
    db.prepare("UPDATE ionos_credentials SET token_digest = ? WHERE namespace = 'default' AND token_digest = ?").run(secretDigest('something else'), secretDigest(TOKEN));
    markWritten(db); // a write behind the stores' backs: remembered reads (core/sql.ts) start again
    expectIonosError(await c.list(), 401, 'paas-auth-1');
    // And the stored digest is compared after the lookup: a lookup that matches with a digest that does not is refused too.
    db.prepare("UPDATE ionos_credentials SET token_digest = ?, secret_hash = ? WHERE namespace = 'default' AND secret_hash = ?").run(secretDigest(TOKEN), secretDigest('other'), secretDigest(TOKEN));
    markWritten(db); // a write behind the stores' backs: remembered reads (core/sql.ts) start again
    expectIonosError(await c.list(), 401, 'paas-auth-1');
  });

  it('refuses a user without the Object Storage privilege with 403 paas-auth-2', async () => {
    const before = await state(t);
    const denied = client(t, NO_S3);
    for (const o of OPERATIONS) {
      expectIonosError(await denied.call({ method: o.method, url: o.url, ...('payload' in o ? { payload: o.payload } : {}) }), 403, 'paas-auth-2');
    }
    expect(await state(t)).toEqual(before);
  });

  it('authenticates before looking at the body or the route', async () => {
    expectIonosError(await t.app.inject({ method: 'POST', url: '/ionos/accesskeys', headers: { 'content-type': 'text/plain' }, payload: 'x' }), 401);
    expectIonosError(await t.app.inject({ method: 'GET', url: '/ionos/nowhere' }), 401);
  });
});

describe('bad input: the IONOS envelope, and nothing changes', () => {
  it('malformed JSON, wrong types, unknown fields, missing properties → 400; wrong content type → 415; huge body → 413', async () => {
    const before = await state(t);
    const json = { 'content-type': 'application/json' };
    const bad: Array<{ method: 'POST' | 'PUT'; url: string; payload: string; headers?: Record<string, string>; status: number; code: string }> = [];
    for (const [method, url] of [['POST', '/ionos/accesskeys'], ['PUT', `/ionos/accesskeys/${SEEDED_AVAILABLE}`]] as const) {
      bad.push(
        { method, url, payload: '{"properties": {', headers: json, status: 400, code: 'paas-validation-1' },
        { method, url, payload: '', headers: json, status: 400, code: 'paas-validation-1' },
        { method, url, payload: '[]', headers: json, status: 400, code: 'paas-validation-1' },
        { method, url, payload: 'null', headers: json, status: 400, code: 'paas-validation-1' },
        { method, url, payload: '{}', headers: json, status: 400, code: 'paas-validation-1' },
        { method, url, payload: '{"properties":{"description":42}}', headers: json, status: 400, code: 'paas-validation-1' },
        { method, url, payload: '{"properties":{"description":"x","colour":"red"}}', headers: json, status: 400, code: 'paas-validation-1' },
        { method, url, payload: '{"properties":{"description":"x"},"extra":1}', headers: json, status: 400, code: 'paas-validation-1' },
        { method, url, payload: '{"properties":{"description":"x","accessKey":5}}', headers: json, status: 400, code: 'paas-validation-1' },
        { method, url, payload: '{"properties":{"description":"x"}}', headers: { 'content-type': 'text/plain' }, status: 415, code: 'paas-media-1' },
        { method, url, payload: '<properties/>', headers: { 'content-type': 'application/xml' }, status: 415, code: 'paas-media-1' },
        { method, url, payload: 'description=x', headers: { 'content-type': 'application/x-www-form-urlencoded' }, status: 415, code: 'paas-media-1' },
        { method, url, payload: JSON.stringify({ properties: { description: 'x'.repeat(1_100_000) } }), headers: json, status: 413, code: 'paas-request-1' },
      );
    }
    bad.push({ method: 'PUT', url: `/ionos/accesskeys/${SEEDED_AVAILABLE}`, payload: '{"id":"nope","properties":{"description":"x"}}', headers: json, status: 400, code: 'paas-validation-1' });
    for (const b of bad) {
      const res = await c.call({ method: b.method, url: b.url, payload: b.payload, headers: b.headers ?? {} });
      expectIonosError(res, b.status, b.code);
    }
    expect(await state(t)).toEqual(before);
  });

  it('names the offending field in the message', async () => {
    const res = await c.call({ method: 'POST', url: '/ionos/accesskeys', payload: { properties: { description: 42 } } });
    expect(res.json().messages[0].message).toMatch(/properties\.description/);
  });

  it('unknown routes and methods under the mount: 400 "no matching operation was found"', async () => {
    for (const [method, url] of [['GET', '/ionos/'], ['GET', '/ionos/buckets'], ['PATCH', `/ionos/accesskeys/${SEEDED_AVAILABLE}`], ['POST', '/ionos/regions'], ['GET', `/ionos/accesskeys/${SEEDED_AVAILABLE}/renew`]] as const) {
      const res = await c.call({ method, url });
      expectIonosError(res, 400, 'paas-validation-1');
      expect(res.json().messages[0].message).toBe('no matching operation was found');
    }
  });

  it('a non-UUID id in the path → 400 on every keyed operation', async () => {
    expectIonosError(await c.get('123'), 400);
    expectIonosError(await c.put('123', { properties: { description: 'x' } }), 400);
    expectIonosError(await c.del('123'), 400);
    expectIonosError(await c.renew('123'), 400);
  });

  it('renew ignores a JSON body', async () => {
    const res = await c.call({ method: 'PUT', url: `/ionos/accesskeys/${SEEDED_AVAILABLE}/renew`, payload: {} });
    expect(res.statusCode).toBe(200);
  });
});

describe('rate limiting (per credential, one-minute window)', () => {
  describe('RATE_LIMITS=ionos:3', () => {
    const t = useTestApp({ env: { RATE_LIMITS: 'ionos:3' }, fresh: 'world' });
    const c = client(t);
    it('429 paas-ratelimit-1 with Retry-After when a credential exceeds its limit; resets with the clock; renew is not limited', async () => {
      for (let i = 0; i < 3; i++) expect((await c.list()).statusCode).toBe(200);
      const limited = await c.list();
      expectIonosError(limited, 429, 'paas-ratelimit-1');
      expect(limited.headers['retry-after']).toBe('60');
      // renew is not rate limited (the vendor SDK lists no 429 for it)
      expect((await c.renew(SEEDED_AVAILABLE)).statusCode).toBe(200);
      // another credential has its own window
      expect((await client(t, { authorization: `Basic ${Buffer.from('test@example.com:test').toString('base64')}` }).list()).statusCode).toBe(200);
      t.clock.advance(30_000);
      expect((await c.list()).headers['retry-after']).toBe('30');
      t.clock.advance(30_000);
      expect((await c.list()).statusCode).toBe(200);
    });
  });

  describe('RATE_LIMITS=off', () => {
    const t = useTestApp({ env: { RATE_LIMITS: 'off' }, fresh: 'world' });
    const c = client(t);
    it('RATE_LIMITS=off turns it off', async () => {
      await t.app.inject({ method: 'POST', url: '/_emulator/fixtures', payload: { ionos: { users: [{ userId: '11111111-2222-4333-8444-555555555555', email: 'o@example.com', contractNumber: '1' }], credentials: [{ token: 'slow', userId: '11111111-2222-4333-8444-555555555555', rateLimit: 1 }] } } });
      const slow = client(t, { authorization: 'Bearer slow' });
      for (let i = 0; i < 3; i++) expect((await slow.list()).statusCode).toBe(200);
    });
  });

  it('a fixture credential carries its own limit', async () => {
    await t.app.inject({ method: 'POST', url: '/_emulator/fixtures', payload: { ionos: { users: [{ userId: '11111111-2222-4333-8444-555555555555', email: 'o@example.com', contractNumber: '1' }], credentials: [{ token: 'slow', userId: '11111111-2222-4333-8444-555555555555', rateLimit: 1 }] } } });
    const slow = client(t, { authorization: 'Bearer slow' });
    expect((await slow.regions()).statusCode).toBe(200);
    expectIonosError(await slow.regions(), 429);
  });
});

describe('namespaces', () => {
  it('keys and credentials of one namespace do not exist in another', async () => {
    const created = (await c.call({ method: 'POST', url: '/ns/alpha/ionos/accesskeys', payload: { properties: { description: 'alpha' } } })).json();
    expect((await c.call({ method: 'GET', url: `/ns/alpha/ionos/accesskeys/${created.id}` })).statusCode).toBe(200);
    expect((await c.call({ method: 'GET', url: `/ionos/accesskeys/${created.id}`, headers: { 'x-emulator-namespace': 'alpha' } })).statusCode).toBe(200);
    expectIonosError(await c.call({ method: 'GET', url: `/ns/beta/ionos/accesskeys/${created.id}` }), 404);
    expectIonosError(await c.get(created.id), 404);

    const load = await t.app.inject({
      method: 'POST', url: '/_emulator/fixtures?namespace=alpha',
      payload: { ionos: { users: [{ userId: '11111111-2222-4333-8444-555555555555', email: 'a@example.com', contractNumber: '3' }], credentials: [{ token: 'alpha-only-token', userId: '11111111-2222-4333-8444-555555555555' }] } },
    });
    expect(load.statusCode).toBe(200);
    const alphaOnly = { authorization: 'Bearer alpha-only-token' };
    expect((await t.app.inject({ method: 'GET', url: '/ns/alpha/ionos/accesskeys', headers: alphaOnly })).statusCode).toBe(200);
    expectIonosError(await t.app.inject({ method: 'GET', url: '/ns/beta/ionos/accesskeys', headers: alphaOnly }), 401);
    expectIonosError(await t.app.inject({ method: 'GET', url: '/ionos/accesskeys', headers: alphaOnly }), 401);
  });

  it('reset re-seeds the default world', async () => {
    await c.del(SEEDED_AVAILABLE);
    const id = (await c.create()).json().id;
    expect((await t.app.inject({ method: 'POST', url: '/_emulator/reset?vendor=ionos' })).statusCode).toBe(204);
    expect((await c.get(SEEDED_AVAILABLE)).json().metadata.status).toBe('AVAILABLE');
    expectIonosError(await c.get(id), 404);
  });

  describe('MAX_NAMESPACES=1', () => {
    const t = useTestApp({ env: { MAX_NAMESPACES: '1' }, fresh: 'world' });
    it('503 in the envelope when no namespace can be created', async () => {
      expectIonosError(await t.app.inject({ method: 'GET', url: '/ns/other/ionos/accesskeys', headers: BEARER }), 503, 'paas-unavailable-1');
    });
  });
});

describe('fixtures', () => {
  it('refuses a section whose credential names an unknown user, whole', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/_emulator/fixtures', payload: { ionos: { credentials: [{ token: 'x', userId: UNKNOWN_ID }] } } });
    expect(res.statusCode).toBe(400);
    expect(JSON.stringify(res.json())).toMatch(/credentials/);
  });
});

describe('the journal', () => {
  it('records the operation and the credential id, never the token', async () => {
    await c.list();
    const journal = (await t.app.inject({ method: 'GET', url: '/_emulator/requests?vendor=ionos' })).body;
    expect(journal).toContain('accesskeysGet');
    expect(journal).not.toContain('ionos-test-token');
  });
});
