import { expect } from 'vitest';
import { exoscaleAuthorization } from './lib/exoscale-signer.js';
import { conformanceSuite } from './lib/suite.js';

/**
 * Exoscale IAM against exoscale-openapi-subset.json (2024: legacy access keys) and
 * exoscale-openapi-subset-2026.json (API keys, roles). Both documents list only 200 for every operation,
 * so the error statuses the emulator sends appear in docs/coverage.md as undocumented ones.
 * Requests are signed with EXO2-HMAC-SHA256 by a signer of our own (lib/exoscale-signer.ts); the signed
 * `expires` is real time (the emulator checks it against real time, DESIGN.md §2 "Two times").
 */
const KEY = 'EXO000000000000000000000001';
const SECRET = 'emulator-test-secret-do-not-use-in-prod-000';
const ROLE_UUID = '00000000-0000-4000-8000-000000000000';
/** Longer than every default Exoscale transition. */
const SETTLE_MS = 15 * 60_000;

const signAs = (key: string, secret: string) => (r: { method: string; url: string; body: string }) => ({
  authorization: exoscaleAuthorization(key, secret, r.method, r.url, r.body, Math.floor(Date.now() / 1000) + 600),
});
const sign = signAs(KEY, SECRET);

conformanceSuite('exoscale', [
  {
    name: 'legacy access key: create → get → list → known/own operations → revoke → poll operation → 404',
    run: async (s, t) => {
      const created = await s.call('create access key', 'POST /access-key', { sign, payload: { name: 'conformance' } });
      expect(created.statusCode).toBe(200);
      const key = created.data.key as string;
      expect((await s.call('get access key', 'GET /access-key/{}', { path: `/access-key/${key}`, sign })).statusCode).toBe(200);
      expect((await s.call('list access keys', 'GET /access-key', { path: '/access-key', sign })).statusCode).toBe(200);
      expect((await s.call('known operations', 'GET /access-key-known-operations', { path: '/access-key-known-operations', sign })).statusCode).toBe(200);
      expect((await s.call('own operations', 'GET /access-key-operations', { path: '/access-key-operations', sign })).statusCode).toBe(200);
      const restricted = await s.call('create restricted key', 'POST /access-key', { sign, payload: { name: 'restricted', operations: ['list-access-keys'] } });
      expect(restricted.statusCode).toBe(200);
      const signRestricted = signAs(restricted.data.key, restricted.data.secret);
      expect((await s.call('restricted key lists its operations', 'GET /access-key-operations', { path: '/access-key-operations', sign: signRestricted })).statusCode).toBe(200);
      expect((await s.call('restricted key may not create', 'POST /access-key', { sign: signRestricted, payload: { name: 'nope' } })).statusCode).toBe(403);
      const revoked = await s.call('revoke', 'DELETE /access-key/{}', { path: `/access-key/${key}`, sign });
      expect(revoked.statusCode).toBe(200);
      const operation = revoked.data.id as string;
      expect((await s.call('poll operation', 'GET /operation/{}', { path: `/operation/${operation}`, sign })).statusCode).toBe(200);
      t.clock.advance(SETTLE_MS);
      const done = await s.call('poll operation until done', 'GET /operation/{}', { path: `/operation/${operation}`, sign });
      expect(done.data.state).toBe('success');
      expect((await s.call('get revoked key', 'GET /access-key/{}', { path: `/access-key/${key}`, sign })).statusCode).toBe(404);
      expect((await s.call('unknown operation', 'GET /operation/{}', { path: `/operation/${ROLE_UUID}`, sign })).statusCode).toBe(404);
    },
  },
  {
    name: 'IAM role → policy → assume role (key expires) → API key → list/get → delete key → delete role',
    run: async (s, t) => {
      const role = await s.call('create role', 'POST /iam-role', { sign, payload: { name: 'conformance-role', description: 'd', policy: { 'default-service-strategy': 'deny', services: {} } } });
      expect(role.statusCode).toBe(200);
      t.clock.advance(SETTLE_MS);
      const roleId = role.data.reference.id as string;
      expect((await s.call('get role', 'GET /iam-role/{}', { path: `/iam-role/${roleId}`, sign })).statusCode).toBe(200);
      expect((await s.call('list roles', 'GET /iam-role', { path: '/iam-role', sign })).statusCode).toBe(200);
      expect((await s.call('update role', 'PUT /iam-role/{}', { path: `/iam-role/${roleId}`, sign, payload: { description: 'changed' } })).statusCode).toBe(200);
      const policy = { 'default-service-strategy': 'allow', services: { sos: { type: 'allow' } } };
      expect((await s.call('update role policy', 'PUT /iam-role/{}:policy', { path: `/iam-role/${roleId}:policy`, sign, payload: policy })).statusCode).toBe(200);
      t.clock.advance(SETTLE_MS);
      const assumed = await s.call('assume role', 'POST /iam-role/{}/assume', { path: `/iam-role/${roleId}/assume`, sign, payload: { ttl: 600 } });
      expect(assumed.statusCode).toBe(200);
      expect(Object.keys(assumed.data).sort()).toEqual(['expires-at', 'key', 'name', 'org-id', 'role-id', 'secret']);
      const signAssumed = signAs(assumed.data.key, assumed.data.secret);
      expect((await s.call('assumed key gets its role', 'GET /iam-role/{}', { path: `/iam-role/${roleId}`, sign: signAssumed })).statusCode).toBe(200);
      expect((await s.call('assume role: ttl over max-session-ttl', 'POST /iam-role/{}/assume', { path: `/iam-role/${roleId}/assume`, sign, payload: { ttl: 3601 } })).statusCode).toBe(400);
      expect((await s.call('assume unknown role', 'POST /iam-role/{}/assume', { path: `/iam-role/${ROLE_UUID}/assume`, sign, payload: { ttl: 60 } })).statusCode).toBe(404);
      t.clock.advance(SETTLE_MS);
      expect((await s.call('assumed key expired', 'GET /iam-role/{}', { path: `/iam-role/${roleId}`, sign: signAssumed })).statusCode).toBe(403);
      const apiKey = await s.call('create api key', 'POST /api-key', { sign, payload: { name: 'conformance-key', 'role-id': roleId } });
      expect(apiKey.statusCode).toBe(200);
      const key = apiKey.data.key as string;
      expect((await s.call('get api key', 'GET /api-key/{}', { path: `/api-key/${key}`, sign })).statusCode).toBe(200);
      expect((await s.call('list api keys', 'GET /api-key', { path: '/api-key', sign })).statusCode).toBe(200);
      expect((await s.call('delete api key', 'DELETE /api-key/{}', { path: `/api-key/${key}`, sign })).statusCode).toBe(200);
      t.clock.advance(SETTLE_MS);
      expect((await s.call('get deleted api key', 'GET /api-key/{}', { path: `/api-key/${key}`, sign })).statusCode).toBe(404);
      expect((await s.call('delete role', 'DELETE /iam-role/{}', { path: `/iam-role/${roleId}`, sign })).statusCode).toBe(200);
      t.clock.advance(SETTLE_MS);
      expect((await s.call('get deleted role', 'GET /iam-role/{}', { path: `/iam-role/${roleId}`, sign })).statusCode).toBe(404);
    },
  },
  {
    name: 'errors a client meets: bad signature, unknown key, bad body',
    run: async (s) => {
      expect((await s.call('no authorization', 'GET /access-key', { path: '/access-key' })).statusCode).toBe(403);
      expect((await s.call('wrong secret', 'GET /api-key', { path: '/api-key', sign: signAs(KEY, 'not-the-secret') })).statusCode).toBe(403);
      expect((await s.call('unknown key', 'GET /iam-role', { path: '/iam-role', sign: signAs('EXO0000000000000000000000ff', SECRET) })).statusCode).toBe(403);
      expect((await s.call('bad body', 'POST /api-key', { sign, payload: { name: 'x', 'role-id': 'not-a-uuid' } })).statusCode).toBe(400);
      expect((await s.call('unknown role', 'GET /iam-role/{}', { path: `/iam-role/${ROLE_UUID}`, sign })).statusCode).toBe(404);
    },
  },
]);
