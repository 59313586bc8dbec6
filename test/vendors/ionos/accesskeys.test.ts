import { describe, expect, it } from 'vitest';
import { useTestApp } from '../../helpers/use-test-app.js';
import {
  BASIC, BEARER, CONTRACT, client, DESTROYING_MS, expectIonosError, PROVISIONING_MS, SEEDED_AVAILABLE, SEEDED_FAILED, state, UNKNOWN_ID, USER_ID,
} from './helpers.js';

const t = useTestApp({ fresh: 'world' });
const c = client(t);

/** The API root as app.inject reaches it (Host: localhost:80): `_links` are absolute URIs built from it. */
const ROOT = 'http://localhost:80/ionos';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const ISO_Z = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

describe('create (accesskeysPost)', () => {
  it('returns 201 with the secret, PROVISIONING, vendor formats and URNs; accepts the Go SDK empty accessKey/secretKey', async () => {
    const res = await c.create('my key');
    expect(res.statusCode).toBe(201);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    const key = res.json();
    expect(key).toMatchObject({ type: 'accesskey', href: `/accesskeys/${key.id}` });
    expect(key.id).toMatch(UUID);
    expect(key.properties.description).toBe('my key');
    expect(key.properties.accessKey).toHaveLength(92);
    expect(key.properties.secretKey).toHaveLength(40);
    expect(key.properties.canonicalUserId).toMatch(/^[0-9a-f]{32}$/);
    expect(key.properties.contractUserId).toBe(`${CONTRACT}:${USER_ID}`);
    const m = key.metadata;
    expect(m.status).toBe('PROVISIONING');
    expect(m.statusMessage).toBeNull();
    expect(m.createdDate).toMatch(ISO_Z);
    expect(m.lastModifiedDate).toMatch(ISO_Z);
    expect(m.createdDate).toBe('2026-01-01T00:00:00Z');
    expect(m.createdBy).toBe(`ionos:identity:::users/${USER_ID}`);
    expect(m.createdByUserId).toBe(USER_ID);
    expect(m.lastModifiedBy).toBe(`ionos:identity:::users/${USER_ID}`);
    expect(m.resourceURN).toBe(`ionos:s3::${CONTRACT}:accesskeys/${key.id}`);
    expect(m.administrative).toBe(true);
    expect(m.supportedRegions).toEqual(['de', 'eu-central-2', 'eu-south-2', 'eu-central-3', 'us-central-1']);
  });

  it('accepts a body with only a description, metadata, and null read-only fields', async () => {
    expect((await c.call({ method: 'POST', url: '/ionos/accesskeys', payload: { properties: { description: 'plain' } } })).statusCode).toBe(201);
    expect((await c.call({ method: 'POST', url: '/ionos/accesskeys', payload: { metadata: {}, properties: { description: 'x', accessKey: null, secretKey: null } } })).statusCode).toBe(201);
  });

  it('works with HTTP Basic (the SDK fallback) like with the Bearer token', async () => {
    const basic = client(t, BASIC);
    const created = await basic.create('via basic');
    expect(created.statusCode).toBe(201);
    expect((await c.get(created.json().id)).statusCode).toBe(200);
  });
});

describe('lifecycle driven by the clock', () => {
  it('PROVISIONING → AVAILABLE after ionos.accesskey.provisioning', async () => {
    const id = (await c.create()).json().id;
    t.clock.advance(PROVISIONING_MS - 1);
    expect((await c.get(id)).json().metadata.status).toBe('PROVISIONING');
    t.clock.advance(1);
    expect((await c.get(id)).json().metadata.status).toBe('AVAILABLE');
  });

  it('DELETE → 202, DESTROYING, then 404 once ionos.accesskey.destroying has elapsed', async () => {
    const del = await c.del(SEEDED_AVAILABLE);
    expect(del.statusCode).toBe(202);
    expect(del.body).toBe('');
    expect(del.headers['content-type']).toMatch(/^application\/json/);
    expect((await c.get(SEEDED_AVAILABLE)).json().metadata.status).toBe('DESTROYING');
    expect((await c.list()).json().items.find((k: any) => k.id === SEEDED_AVAILABLE).metadata.status).toBe('DESTROYING');
    // deleting again while DESTROYING is accepted and does not restart the clock
    t.clock.advance(DESTROYING_MS / 2);
    expect((await c.del(SEEDED_AVAILABLE)).statusCode).toBe(202);
    t.clock.advance(DESTROYING_MS / 2);
    expectIonosError(await c.get(SEEDED_AVAILABLE), 404, 'paas-resource-1');
    expectIonosError(await c.del(SEEDED_AVAILABLE), 404);
    expect((await c.list()).json().items.map((k: any) => k.id)).not.toContain(SEEDED_AVAILABLE);
    expect(JSON.stringify(await state(t))).not.toContain(SEEDED_AVAILABLE);
  });

  it('honours policies set through /_emulator/transitions (immediate, reads:n)', async () => {
    await t.app.inject({ method: 'POST', url: '/_emulator/transitions', payload: { 'ionos.accesskey.provisioning': 'immediate' } });
    const id = (await c.create()).json().id;
    expect((await c.get(id)).json().metadata.status).toBe('AVAILABLE');
    await t.app.inject({ method: 'POST', url: '/_emulator/transitions', payload: { 'ionos.accesskey.destroying': 'reads:2' } });
    await c.del(id);
    expect((await c.get(id)).json().metadata.status).toBe('DESTROYING');
    expect((await c.get(id)).statusCode).toBe(404);
  });

  it('FAILED with statusMessage through a fault rule outcome (FAILED and FAILED:<message>)', async () => {
    await t.app.inject({ method: 'POST', url: '/_emulator/faults', payload: { vendor: 'ionos', operation: 'accesskeysPost', outcome: 'FAILED', times: 1 } });
    const failed = (await c.create('doomed')).json();
    expect(failed.metadata.status).toBe('PROVISIONING');
    expect(failed.properties.secretKey).toHaveLength(40);
    t.clock.advance(PROVISIONING_MS);
    const read = (await c.get(failed.id)).json();
    expect(read.metadata.status).toBe('FAILED');
    expect(read.metadata.statusMessage).toBe('The access key could not be provisioned');

    await t.app.inject({ method: 'POST', url: '/_emulator/faults', payload: { vendor: 'ionos', operation: 'accesskeysRenew', outcome: 'FAILED:backend quota exceeded', times: 1 } });
    const ok = (await c.create('fine')).json();
    t.clock.advance(PROVISIONING_MS);
    expect((await c.get(ok.id)).json().metadata.status).toBe('AVAILABLE');
    expect((await c.renew(ok.id)).statusCode).toBe(200);
    t.clock.advance(PROVISIONING_MS);
    expect((await c.get(ok.id)).json().metadata).toMatchObject({ status: 'FAILED', statusMessage: 'backend quota exceeded' });
    // a FAILED key can be renewed, and recovers
    expect((await c.renew(ok.id)).statusCode).toBe(200);
    t.clock.advance(PROVISIONING_MS);
    expect((await c.get(ok.id)).json().metadata).toMatchObject({ status: 'AVAILABLE', statusMessage: null });
  });

  it('a delete with outcome FAILED ends FAILED instead of gone; an unknown outcome is refused', async () => {
    await t.app.inject({ method: 'POST', url: '/_emulator/faults', payload: { vendor: 'ionos', operation: 'accesskeysDelete', outcome: 'FAILED', times: 1 } });
    expect((await c.del(SEEDED_AVAILABLE)).statusCode).toBe(202);
    t.clock.advance(DESTROYING_MS);
    expect((await c.get(SEEDED_AVAILABLE)).json().metadata).toMatchObject({ status: 'FAILED', statusMessage: 'The access key could not be deleted' });
    await t.app.inject({ method: 'POST', url: '/_emulator/faults', payload: { vendor: 'ionos', operation: 'accesskeysPost', outcome: 'EXPLODE' } });
    const before = await state(t);
    const res = await c.create();
    expectIonosError(res, 400, 'paas-validation-1');
    expect(res.json().messages[0].message).toMatch(/Unknown emulator outcome/);
    expect(await state(t)).toEqual(before);
  });

  it('shows the seeded FAILED key with its statusMessage', async () => {
    expect((await c.get(SEEDED_FAILED)).json().metadata).toMatchObject({ status: 'FAILED', statusMessage: expect.stringContaining('Provisioning failed') });
  });
});

describe('secret once', () => {
  it('the secret from create and from renew appears in no later response, nor in the state dump or the journal', async () => {
    const created = (await c.create('secret test')).json();
    const secret1 = created.properties.secretKey as string;
    t.clock.advance(PROVISIONING_MS);
    const texts: string[] = [];
    const read = await c.get(created.id);
    expect(read.json().properties.secretKey).toBeNull();
    texts.push(read.body, (await c.list()).body, (await c.list(`?filter.accesskeyId=${created.properties.accessKey}`)).body);
    const renewed = await c.renew(created.id);
    expect(renewed.statusCode).toBe(200);
    const secret2 = renewed.json().properties.secretKey as string;
    expect(secret2).toHaveLength(40);
    expect(secret2).not.toBe(secret1);
    expect(renewed.json().properties.accessKey).toBe(created.properties.accessKey);
    expect(renewed.json().metadata.status).toBe('PROVISIONING');
    t.clock.advance(PROVISIONING_MS);
    const ensured = await c.put(created.id, { properties: { description: 'changed', accessKey: '', secretKey: '' } });
    expect(ensured.json().properties.secretKey).toBeNull();
    texts.push(ensured.body, (await c.get(created.id)).body, (await c.list()).body, (await c.del(created.id)).body);
    texts.push((await t.app.inject({ method: 'GET', url: '/_emulator/state' })).body);
    texts.push((await t.app.inject({ method: 'GET', url: '/_emulator/requests' })).body);
    for (const text of texts) {
      expect(text).not.toContain(secret1);
      expect(text).not.toContain(secret2);
    }
    // the tokens and passwords of the fixtures are not in the IONOS state dump either
    const dump = (await t.app.inject({ method: 'GET', url: '/_emulator/state?vendor=ionos' })).body;
    expect(dump).not.toContain('ionos-test-token');
    expect(dump).not.toContain('"test"');
  });
});

describe('renew (accesskeysRenew)', () => {
  it('replaces the secret of an AVAILABLE key; 409 while PROVISIONING or DESTROYING; 404 for an unknown key', async () => {
    const id = (await c.create()).json().id;
    expectIonosError(await c.renew(id), 409, 'paas-conflict-1');
    t.clock.advance(PROVISIONING_MS);
    const renewed = await c.renew(id);
    expect(renewed.statusCode).toBe(200);
    expect(renewed.json().metadata.lastModifiedDate).toBe('2026-01-01T00:00:02Z');
    await c.del(SEEDED_AVAILABLE);
    expectIonosError(await c.renew(SEEDED_AVAILABLE), 409, 'paas-conflict-1');
    expectIonosError(await c.renew(UNKNOWN_ID), 404, 'paas-resource-1');
  });

  it('accepts Content-Type: application/json with an empty body on renew and delete (generated clients send it)', async () => {
    const json = { 'content-type': 'application/json' };
    const renewed = await c.renew(SEEDED_AVAILABLE, json);
    expect(renewed.statusCode).toBe(200);
    expect(renewed.json().properties.secretKey).toEqual(expect.any(String));
    expect((await c.del(SEEDED_AVAILABLE, json)).statusCode).toBe(202);
    expect((await c.get(SEEDED_AVAILABLE)).json().metadata.status).toBe('DESTROYING');
    // a body that is there must still be JSON
    expectIonosError(await c.call({ method: 'POST', url: '/ionos/accesskeys', headers: json, payload: '{"properties":' }), 400, 'paas-validation-1');
  });
});

describe('ensure (accesskeysPut)', () => {
  it('creates a key under the given id when none exists, PROVISIONING, without a secret', async () => {
    const id = '3b241101-e2bb-4255-8caf-4136c566a962';
    const res = await c.put(id, { id, properties: { description: 'ensured', accessKey: '', secretKey: '' } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ id, metadata: { status: 'PROVISIONING' }, properties: { description: 'ensured', secretKey: null } });
    expect(res.json().properties.accessKey).toHaveLength(92);
    t.clock.advance(PROVISIONING_MS);
    expect((await c.get(id)).json().metadata.status).toBe('AVAILABLE');
  });

  it('replaces an existing key: new description, same access key, back to PROVISIONING; previous values not kept', async () => {
    const before = (await c.get(SEEDED_AVAILABLE)).json();
    t.clock.advance(60_000);
    const res = await c.put(SEEDED_AVAILABLE, { properties: { description: '' } });
    expect(res.statusCode).toBe(200);
    const after = res.json();
    expect(after.properties.description).toBe('');
    expect(after.properties.accessKey).toBe(before.properties.accessKey);
    expect(after.metadata.status).toBe('PROVISIONING');
    expect(after.metadata.createdDate).toBe(before.metadata.createdDate);
    expect(after.metadata.lastModifiedDate).toBe('2026-01-01T00:01:00Z');
  });

  it('409 when the body id differs from the path or the key is being deleted; 404 by fault', async () => {
    expectIonosError(await c.put(SEEDED_AVAILABLE, { id: UNKNOWN_ID, properties: { description: 'x' } }), 409, 'paas-conflict-1');
    await c.del(SEEDED_AVAILABLE);
    expectIonosError(await c.put(SEEDED_AVAILABLE, { properties: { description: 'x' } }), 409, 'paas-conflict-1');
    expectIonosError(await c.put(SEEDED_FAILED, { properties: { description: 'x' } }, { 'x-emulator-fault': '404' }), 404, 'paas-resource-1');
  });
});

describe('the per-user key limit (IONOS_KEY_LIMIT, default 5)', () => {
  it('refuses the 6th key with 422 in the IONOS envelope, for POST and for a creating PUT; deleting frees a slot once gone', async () => {
    // the default user starts with 2 seeded keys
    for (let i = 0; i < 3; i++) expect((await c.create(`k${i}`)).statusCode).toBe(201);
    const before = await state(t);
    expectIonosError(await c.create('one too many'), 422, 'paas-quota-1');
    expectIonosError(await c.put(UNKNOWN_ID, { properties: { description: 'too many' } }), 422, 'paas-quota-1');
    expect(await state(t)).toEqual(before);
    // updating an existing key is not a new key
    expect((await c.put(SEEDED_AVAILABLE, { properties: { description: 'fine' } })).statusCode).toBe(200);
    await c.del(SEEDED_FAILED);
    expectIonosError(await c.create('still DESTROYING'), 422);
    t.clock.advance(DESTROYING_MS);
    expect((await c.create('now fits')).statusCode).toBe(201);
  });

  it('counts right after a namespace reset, a whole reset, a fixture load and a settled deletion', async () => {
    const fill = async () => {
      for (let i = 0; i < 3; i++) expect((await c.create(`k${i}`)).statusCode).toBe(201);
      expectIonosError(await c.create('one too many'), 422, 'paas-quota-1');
    };
    await fill();
    await t.app.inject({ method: 'POST', url: '/_emulator/reset?namespace=default' });
    await fill();
    await t.app.inject({ method: 'POST', url: '/_emulator/reset?namespace=default&vendor=ionos' });
    await fill();
    await t.app.inject({ method: 'POST', url: '/_emulator/reset' });
    await fill();
    // a fixture load (which replaces the contract, its users and their keys) sets what the limit sees at once
    await t.app.inject({ method: 'POST', url: '/_emulator/reset' });
    const load = await t.app.inject({
      method: 'POST', url: '/_emulator/fixtures?namespace=default',
      payload: { ionos: {
        users: [{ userId: USER_ID, email: 'test@example.com', contractNumber: CONTRACT, administrative: true }],
        credentials: [{ token: 'ionos-test-token', userId: USER_ID }],
        accesskeys: [{ id: UNKNOWN_ID, userId: USER_ID, description: 'loaded', status: 'AVAILABLE' }],
      } },
    });
    expect(load.statusCode).toBe(200);
    for (let i = 0; i < 4; i++) expect((await c.create(`k${i}`)).statusCode).toBe(201);
    expectIonosError(await c.create('one too many'), 422, 'paas-quota-1');
    // a settled deletion frees its slot for good (the count goes down with the row)
    await c.del(UNKNOWN_ID);
    t.clock.advance(DESTROYING_MS);
    expect((await c.get(UNKNOWN_ID)).statusCode).toBe(404);
    expect((await c.create('fits')).statusCode).toBe(201);
    expectIonosError(await c.create('full again'), 422, 'paas-quota-1');
  });

  describe('IONOS_KEY_LIMIT=2', () => {
    const t = useTestApp({ env: { IONOS_KEY_LIMIT: '2' }, fresh: 'world' });
    const c = client(t);
    it('is configurable', async () => {
      expectIonosError(await c.create(), 422, 'paas-quota-1');
    });
  });
});

describe('list (accesskeysGet): paging, _links and filter', () => {
  it('defaults: offset 0, limit 100, self only; collection envelope', async () => {
    const res = await c.list();
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ type: 'collection', href: '/accesskeys', offset: 0, limit: 100, _links: { self: `${ROOT}/accesskeys?offset=0&limit=100` } });
    expect(body.id).toMatch(UUID);
    expect(body._links.prev).toBeUndefined();
    expect(body._links.next).toBeUndefined();
    expect(body.items.map((k: any) => k.id)).toEqual([SEEDED_AVAILABLE, SEEDED_FAILED]);
    expect(body.items.every((k: any) => k.properties.secretKey === null)).toBe(true);
  });

  describe('IONOS_KEY_LIMIT=100', () => {
    const t = useTestApp({ env: { IONOS_KEY_LIMIT: '100' }, fresh: 'world' });
    const c = client(t);
    async function withKeys(n: number): Promise<string[]> {
      for (let i = 0; i < n - 2; i++) await c.create(`k${i}`);
      return (await c.list()).json().items.map((k: any) => k.id);
    }

    it('prev only when offset > 0, next only when more follow', async () => {
      const ids = await withKeys(5);
      const first = (await c.list('?limit=2')).json();
      expect(first.items.map((k: any) => k.id)).toEqual(ids.slice(0, 2));
      expect(first._links).toEqual({ self: `${ROOT}/accesskeys?offset=0&limit=2`, next: `${ROOT}/accesskeys?offset=2&limit=2` });
      const middle = (await c.list('?offset=2&limit=2')).json();
      expect(middle.items.map((k: any) => k.id)).toEqual(ids.slice(2, 4));
      expect(middle._links).toEqual({ prev: `${ROOT}/accesskeys?offset=0&limit=2`, self: `${ROOT}/accesskeys?offset=2&limit=2`, next: `${ROOT}/accesskeys?offset=4&limit=2` });
      const last = (await c.list('?offset=4&limit=2')).json();
      expect(last.items.map((k: any) => k.id)).toEqual(ids.slice(4));
      expect(last._links).toEqual({ prev: `${ROOT}/accesskeys?offset=2&limit=2`, self: `${ROOT}/accesskeys?offset=4&limit=2` });
      // exactly at the end: no next
      expect((await c.list('?offset=3&limit=2')).json()._links.next).toBeUndefined();
      // an offset past the end: empty page, prev, no next
      const beyond = (await c.list('?offset=50&limit=10')).json();
      expect(beyond.items).toEqual([]);
      expect(beyond._links).toEqual({ prev: `${ROOT}/accesskeys?offset=40&limit=10`, self: `${ROOT}/accesskeys?offset=50&limit=10` });
      // prev never below 0
      expect((await c.list('?offset=1&limit=10')).json()._links.prev).toBe(`${ROOT}/accesskeys?offset=0&limit=10`);
      // limit bounds
      expect((await c.list('?limit=1000')).json().limit).toBe(1000);
      expect((await c.list('?limit=1')).json().items).toHaveLength(1);
    });
  });

  it('refuses offset/limit out of range or not integers with 400', async () => {
    for (const q of ['?limit=0', '?limit=1001', '?offset=-1', '?limit=abc', '?offset=1.5', '?limit=', '?offset=2147483648']) {
      expectIonosError(await c.list(q), 400, 'paas-validation-1');
    }
    expectIonosError(await c.regions('?limit=1001'), 400, 'paas-validation-1');
  });

  it('filter.accesskeyId matches the properties.accessKey string (as Terraform sends it), or the id', async () => {
    const created = (await c.create('find me')).json();
    const byAccessKey = (await c.list(`?filter.accesskeyId=${created.properties.accessKey}`)).json();
    expect(byAccessKey.items.map((k: any) => k.id)).toEqual([created.id]);
    expect(byAccessKey._links.self).toBe(`${ROOT}/accesskeys?offset=0&limit=100&filter.accesskeyId=${created.properties.accessKey}`);
    expect((await c.list(`?filter.accesskeyId=${created.id}`)).json().items).toHaveLength(1);
    expect((await c.list('?filter.accesskeyId=nothing')).json().items).toEqual([]);
  });

  it('only lists the caller’s own keys', async () => {
    await t.app.inject({
      method: 'POST', url: '/_emulator/fixtures',
      payload: { ionos: { users: [{ userId: '11111111-2222-4333-8444-555555555555', email: 'other@example.com', contractNumber: '22222222' }], credentials: [{ token: 'other-token', userId: '11111111-2222-4333-8444-555555555555' }] } },
    });
    const other = client(t, { authorization: 'Bearer other-token' });
    expect((await other.list()).json().items).toEqual([]);
    const mine = (await other.create('other')).json();
    expect(mine.properties.contractUserId).toBe('22222222:11111111-2222-4333-8444-555555555555');
    expect(mine.metadata.resourceURN).toBe(`ionos:s3::22222222:accesskeys/${mine.id}`);
    expect(mine.metadata.administrative).toBe(false);
    expectIonosError(await c.get(mine.id), 404);
    expect((await c.list()).json().items).toHaveLength(2);
  });
});

describe('_links: absolute URIs built from the request', () => {
  it("take the request's host and scheme, and the /ns/<name> prefix of its world, and can be followed", async () => {
    const res = await t.app.inject({ method: 'GET', url: '/ns/links/ionos/accesskeys?limit=1', headers: { ...BEARER, host: 'emulator.test:4581' } });
    expect(res.statusCode).toBe(200);
    const links = res.json()._links;
    expect(links).toEqual({ self: 'http://emulator.test:4581/ns/links/ionos/accesskeys?offset=0&limit=1', next: 'http://emulator.test:4581/ns/links/ionos/accesskeys?offset=1&limit=1' });
    // href stays relative to the API root, as in the docs' example.
    expect(res.json().href).toBe('/accesskeys');
    const next = new URL(links.next);
    const followed = await t.app.inject({ method: 'GET', url: next.pathname + next.search, headers: BEARER });
    expect(followed.json()).toMatchObject({ offset: 1, limit: 1, items: [{ id: SEEDED_FAILED }] });
    // A namespace chosen by header is kept in the link too, so following it needs no header.
    const byHeader = await t.app.inject({ method: 'GET', url: '/ionos/regions?limit=2', headers: { ...BEARER, 'x-emulator-namespace': 'links' } });
    expect(byHeader.json()._links.self).toBe('http://localhost:80/ns/links/ionos/regions?offset=0&limit=2');
  });
});

describe('regions', () => {
  it('lists the fixture regions with endpoint, website, capability, storage classes and location', async () => {
    const res = await c.regions();
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ type: 'collection', href: '/regions', offset: 0, limit: 100, _links: { self: `${ROOT}/regions?offset=0&limit=100` } });
    expect(body.items.map((r: any) => r.id)).toEqual(['de', 'eu-central-2', 'eu-south-2', 'eu-central-3', 'us-central-1']);
    expect(body.items[0]).toEqual({
      id: 'de', type: 'region', href: '/regions/de', metadata: {},
      properties: { version: 1, endpoint: 's3.eu-central-1.ionoscloud.com', website: 's3-website.de-central.profitbricks.com', capability: { iam: false, s3select: false }, storageClasses: ['standard'], location: 'de/fra' },
    });
    const paged = (await c.regions('?offset=1&limit=2')).json();
    expect(paged.items.map((r: any) => r.id)).toEqual(['eu-central-2', 'eu-south-2']);
    expect(paged._links).toEqual({ prev: `${ROOT}/regions?offset=0&limit=2`, self: `${ROOT}/regions?offset=1&limit=2`, next: `${ROOT}/regions?offset=3&limit=2` });
  });

  it('gets one region; 404 for an unknown one', async () => {
    expect((await c.region('eu-central-3')).json().properties).toMatchObject({ endpoint: 's3.eu-central-3.ionoscloud.com', capability: { iam: true }, location: 'de/txl' });
    expectIonosError(await c.region('mars-1'), 404, 'paas-resource-1');
  });
});

describe('get (accesskeysFindById)', () => {
  it('reads a key, case-insensitively by id; 404 unknown; 400 not a UUID', async () => {
    const res = await c.get(SEEDED_AVAILABLE.toUpperCase());
    expect(res.statusCode).toBe(200);
    expect(res.json().id).toBe(SEEDED_AVAILABLE);
    expect(res.json().properties.secretKey).toBeNull();
    expectIonosError(await c.get(UNKNOWN_ID), 404, 'paas-resource-1');
    expectIonosError(await c.get('not-a-uuid'), 400, 'paas-validation-1');
  });

  it('Bearer and Basic see the same user', async () => {
    expect((await client(t, BASIC).get(SEEDED_AVAILABLE)).statusCode).toBe(200);
    expect((await client(t, BEARER).get(SEEDED_AVAILABLE)).statusCode).toBe(200);
  });
});
