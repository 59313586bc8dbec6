import { expect } from 'vitest';
import { conformanceSuite } from './lib/suite.js';

/**
 * IONOS Object Storage Management against ionos-objectstorage-management-openapi.yaml: create → poll until
 * AVAILABLE → list (with the Terraform filter) → ensure → renew → delete → poll until 404, regions, and
 * the documented errors a client meets naturally. Time moves with the injected clock; the transitions run
 * `immediate`-free on their defaults, so the flow advances the clock past them.
 */
const BEARER = { authorization: 'Bearer ionos-test-token' };
const BASIC = { authorization: `Basic ${Buffer.from('test@example.com:test').toString('base64')}` };
const NO_OBJECT_STORAGE = { authorization: 'Bearer ionos-no-object-storage-token' };
const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';
/** Longer than every default IONOS transition. */
const SETTLE_MS = 60_000;

conformanceSuite('ionos', [
  {
    name: 'create → AVAILABLE → list with filter → ensure → renew → delete → DESTROYING → 404',
    run: async (s, t) => {
      const created = await s.call('create', 'POST /accesskeys', { headers: BEARER, payload: { properties: { description: 'conformance', accessKey: '', secretKey: '' } } });
      expect(created.statusCode).toBe(201);
      const id = created.data.id as string;
      const accessKey = created.data.properties.accessKey as string;
      expect((await s.call('get while provisioning', 'GET /accesskeys/{}', { path: `/accesskeys/${id}`, headers: BEARER })).data.metadata.status).toBe('PROVISIONING');
      expect((await s.call('renew while provisioning', 'PUT /accesskeys/{}/renew', { path: `/accesskeys/${id}/renew`, headers: BEARER })).statusCode).toBe(409);
      t.clock.advance(SETTLE_MS);
      expect((await s.call('get when available', 'GET /accesskeys/{}', { path: `/accesskeys/${id}`, headers: BASIC })).data.metadata.status).toBe('AVAILABLE');
      const listed = await s.call('list with filter', 'GET /accesskeys', { path: `/accesskeys?filter.accesskeyId=${encodeURIComponent(accessKey)}`, headers: BEARER });
      expect(listed.statusCode).toBe(200);
      expect(listed.data.items.map((k: { id: string }) => k.id)).toEqual([id]);
      expect((await s.call('list page', 'GET /accesskeys', { path: '/accesskeys?offset=1&limit=1', headers: BEARER })).statusCode).toBe(200);
      const ensured = await s.call('ensure', 'PUT /accesskeys/{}', { path: `/accesskeys/${id}`, headers: BEARER, payload: { id, properties: { description: 'ensured', accessKey: '', secretKey: '' } } });
      expect(ensured.statusCode).toBe(200);
      t.clock.advance(SETTLE_MS);
      const renewed = await s.call('renew', 'PUT /accesskeys/{}/renew', { path: `/accesskeys/${id}/renew`, headers: BEARER });
      expect(renewed.statusCode).toBe(200);
      t.clock.advance(SETTLE_MS);
      expect((await s.call('delete', 'DELETE /accesskeys/{}', { path: `/accesskeys/${id}`, headers: BEARER })).statusCode).toBe(202);
      expect((await s.call('get while destroying', 'GET /accesskeys/{}', { path: `/accesskeys/${id}`, headers: BEARER })).data.metadata.status).toBe('DESTROYING');
      t.clock.advance(SETTLE_MS);
      expect((await s.call('get after delete', 'GET /accesskeys/{}', { path: `/accesskeys/${id}`, headers: BEARER })).statusCode).toBe(404);
      expect((await s.call('delete again', 'DELETE /accesskeys/{}', { path: `/accesskeys/${id}`, headers: BEARER })).statusCode).toBe(404);
      expect((await s.call('renew unknown', 'PUT /accesskeys/{}/renew', { path: `/accesskeys/${UNKNOWN_ID}/renew`, headers: BEARER })).statusCode).toBe(404);
      const ensureCreates = await s.call('ensure creates', 'PUT /accesskeys/{}', { path: `/accesskeys/${UNKNOWN_ID}`, headers: BEARER, payload: { properties: { description: 'ensured into being' } } });
      expect([200, 201]).toContain(ensureCreates.statusCode);
    },
  },
  {
    name: 'regions: list and get, unknown region 404',
    run: async (s) => {
      expect((await s.call('list regions', 'GET /regions', { path: '/regions', headers: BEARER })).statusCode).toBe(200);
      expect((await s.call('list regions paged', 'GET /regions', { path: '/regions?offset=1&limit=2', headers: BEARER })).statusCode).toBe(200);
      expect((await s.call('get region', 'GET /regions/{}', { path: '/regions/de', headers: BEARER })).statusCode).toBe(200);
      expect((await s.call('unknown region', 'GET /regions/{}', { path: '/regions/xx-nowhere-1', headers: BEARER })).statusCode).toBe(404);
    },
  },
  {
    name: 'documented errors reached naturally: 400, 401, 403, 404, 409, 415, 422',
    run: async (s) => {
      expect((await s.call('no credentials', 'GET /accesskeys', { path: '/accesskeys' })).statusCode).toBe(401);
      expect((await s.call('unknown token', 'GET /regions', { path: '/regions', headers: { authorization: 'Bearer nope' } })).statusCode).toBe(401);
      expect((await s.call('no object storage privilege', 'GET /accesskeys', { path: '/accesskeys', headers: NO_OBJECT_STORAGE })).statusCode).toBe(403);
      expect((await s.call('no privilege (create)', 'POST /accesskeys', { headers: NO_OBJECT_STORAGE, payload: { properties: { description: 'x' } } })).statusCode).toBe(403);
      expect((await s.call('limit out of range', 'GET /accesskeys', { path: '/accesskeys?limit=0', headers: BEARER })).statusCode).toBe(400);
      expect((await s.call('offset out of range', 'GET /regions', { path: '/regions?offset=-1', headers: BEARER })).statusCode).toBe(400);
      expect((await s.call('malformed JSON', 'POST /accesskeys', { headers: { ...BEARER, 'content-type': 'application/json' }, payload: '{"properties":' })).statusCode).toBe(400);
      expect((await s.call('wrong content type', 'POST /accesskeys', { headers: { ...BEARER, 'content-type': 'text/plain' }, payload: '{"properties":{"description":"x"}}' })).statusCode).toBe(415);
      expect((await s.call('wrong content type (ensure)', 'PUT /accesskeys/{}', { path: `/accesskeys/${UNKNOWN_ID}`, headers: { ...BEARER, 'content-type': 'text/plain' }, payload: '{}' })).statusCode).toBe(415);
      expect((await s.call('not a uuid', 'GET /accesskeys/{}', { path: '/accesskeys/not-a-uuid', headers: BEARER })).statusCode).toBe(400);
      expect((await s.call('unknown key', 'GET /accesskeys/{}', { path: `/accesskeys/${UNKNOWN_ID}`, headers: BEARER })).statusCode).toBe(404);
      // The default user holds 2 keys; the limit is 5.
      for (let i = 0; i < 3; i++) expect((await s.call('create up to the limit', 'POST /accesskeys', { headers: BEARER, payload: { properties: { description: `k${i}` } } })).statusCode).toBe(201);
      expect((await s.call('over the key limit', 'POST /accesskeys', { headers: BEARER, payload: { properties: { description: 'one too many' } } })).statusCode).toBe(422);
      expect((await s.call('over the key limit (ensure)', 'PUT /accesskeys/{}', { path: `/accesskeys/${UNKNOWN_ID}`, headers: BEARER, payload: { properties: { description: 'too many' } } })).statusCode).toBe(422);
    },
  },
  {
    name: 'rate limit: 429 with Retry-After',
    app: { env: { RATE_LIMITS: 'ionos:2' } },
    run: async (s) => {
      for (let i = 0; i < 2; i++) expect((await s.call('within the limit', 'GET /regions', { path: '/regions', headers: BEARER })).statusCode).toBe(200);
      const limited = await s.call('over the limit', 'GET /accesskeys', { path: '/accesskeys', headers: BEARER });
      expect(limited.statusCode).toBe(429);
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
      expect((await s.call('over the limit (create)', 'POST /accesskeys', { headers: BEARER, payload: { properties: { description: 'x' } } })).statusCode).toBe(429);
      expect((await s.call('over the limit (get)', 'GET /accesskeys/{}', { path: `/accesskeys/${UNKNOWN_ID}`, headers: BEARER })).statusCode).toBe(429);
      expect((await s.call('over the limit (regions)', 'GET /regions/{}', { path: '/regions/de', headers: BEARER })).statusCode).toBe(429);
    },
  },
]);
