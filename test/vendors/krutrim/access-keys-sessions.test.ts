import { describe, expect, it } from 'vitest';
import { markWritten } from '../../../src/core/sql.js';
import { secretDigest } from '../../../src/core/secrets.js';
import { TEST_EPOCH } from '../../helpers/build-app.js';
import { useTestApp } from '../../helpers/use-test-app.js';
import { ACCOUNT, ACTIVE_KEY, activate, API_KEY, auth, expectError, INACTIVE_KEY, journal, kos, OTHER_API_KEY, SEEDED_BUCKET_KRN, kosTime, stateDump } from './helpers.js';

const t = useTestApp({ fresh: 'world' });

const MINUTE = 60_000;

describe('auth and tenancy', () => {
  it('needs a Bearer API key from the fixtures', async () => {
    const missing = expectError(await kos(t, { method: 'GET', path: '/kos/v1/access_keys', headers: { authorization: '' } }), 401, 'UNAUTHORIZED');
    expect(missing.message).toMatch(/^Unauthorized/);
    expectError(await kos(t, { method: 'GET', path: '/kos/v1/access_keys', headers: { authorization: 'Bearer nope-nope-nope' } }), 401, 'UNAUTHORIZED');
    expectError(await kos(t, { method: 'GET', path: '/kos/v1/access_keys', headers: { authorization: 'Basic a3J1dHJpbTp4' } }), 401, 'UNAUTHORIZED');
  });

  it('stores an API key as its SHA-256 digest only, found by it; the dump shows neither', async () => {
    const db = t.runtime.db;
    const rows = db.prepare("SELECT * FROM krutrim_api_keys WHERE namespace = 'default'").all() as Array<Record<string, unknown>>;
    expect(rows.map((r) => r.key_digest)).toContain(secretDigest(API_KEY));
    expect(JSON.stringify(rows)).not.toContain(API_KEY);
    const dump = JSON.stringify(await stateDump(t));
    expect(dump).not.toContain(API_KEY);
    expect(dump).not.toContain(secretDigest(API_KEY));
    const list = () => kos(t, { method: 'GET', path: '/kos/v1/access_keys' });
    expect((await list()).statusCode).toBe(200);
    // The digest is all there is: with another digest the key is unknown.
    db.prepare("UPDATE krutrim_api_keys SET key_digest = ? WHERE namespace = 'default' AND key_digest = ?").run(secretDigest('something else'), secretDigest(API_KEY));
    markWritten(db); // a write behind the stores' backs: remembered reads (core/sql.ts) start again
    expectError(await list(), 401, 'UNAUTHORIZED');
  });

  it("takes the account from x-account-id, or the key's own when absent (the SDKs do not send it)", async () => {
    expect((await kos(t, { method: 'GET', path: '/kos/v1/access_keys', headers: { 'x-account-id': ACCOUNT } })).statusCode).toBe(200);
    expect((await kos(t, { method: 'GET', path: '/kos/v1/access_keys' })).statusCode).toBe(200);
    expectError(await kos(t, { method: 'GET', path: '/kos/v1/access_keys', headers: { 'x-account-id': '1000000002' } }), 403, 'FORBIDDEN');
  });

  it('accepts x-region-id In-Bangalore-1 / In-Hyderabad-1 and x-tier, refuses an unknown region', async () => {
    const res = await kos(t, { method: 'POST', path: '/kos/v1/access_keys', body: {}, headers: { 'x-region-id': 'In-Hyderabad-1', 'x-tier': 'tier-9' } });
    expect(res.statusCode).toBe(201);
    expect(res.headers['x-region-id']).toBe('In-Hyderabad-1');
    const listed = (await kos(t, { method: 'GET', path: '/kos/v1/access_keys' })).json();
    expect(listed.find((k: { access_key: string }) => k.access_key === res.json().access_key)).toMatchObject({ region: 'In-Hyderabad-1', tier: 'tier-9' });
    expectError(await kos(t, { method: 'GET', path: '/kos/v1/access_keys', headers: { 'x-region-id': 'us-east-1' } }), 400, 'INVALID_REGION');
  });

  it("keeps tenants apart: another account's key sees none of this account's keys", async () => {
    const other = await kos(t, { method: 'GET', path: '/kos/v1/access_keys', headers: auth(OTHER_API_KEY) });
    expect(other.json()).toEqual([]);
    expectError(await kos(t, { method: 'DELETE', path: `/kos/v1/access_keys/${ACTIVE_KEY.accessKey}`, headers: auth(OTHER_API_KEY) }), 404, 'ACCESS_KEY_NOT_FOUND');
    expectError(await kos(t, { method: 'POST', path: '/kos/v1/sessions/activate', body: ACTIVE_KEY, headers: auth(OTHER_API_KEY) }), 401, 'INVALID_CREDENTIALS');
  });

  it('rate-limits per API key with a 429, retry-after and the KOS envelope', async () => {
    const doc = { krutrim: { accounts: [{ accountId: '1000000009', customerId: '00000000-0000-4000-8000-000000000009' }], apiKeys: [{ key: 'slow-key-0001', accountId: '1000000009', rateLimit: 2 }] } };
    expect((await t.app.inject({ method: 'POST', url: '/_emulator/fixtures?namespace=rl', payload: doc })).statusCode).toBe(200);
    for (let i = 0; i < 2; i++) expect((await kos(t, { ns: 'rl', method: 'GET', path: '/kos/v1/access_keys', headers: auth('slow-key-0001') })).statusCode).toBe(200);
    const limited = await kos(t, { ns: 'rl', method: 'GET', path: '/kos/v1/access_keys', headers: auth('slow-key-0001') });
    expectError(limited, 429, 'TOO_MANY_REQUESTS');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    t.clock.advance(MINUTE);
    expect((await kos(t, { ns: 'rl', method: 'GET', path: '/kos/v1/access_keys', headers: auth('slow-key-0001') })).statusCode).toBe(200);
  });
});

describe('access keys', () => {
  it('lists the seeded keys with status Active/Inactive, region and tier', async () => {
    const res = await kos(t, { method: 'GET', path: '/kos/v1/access_keys' });
    expect(res.statusCode).toBe(200);
    const keys = res.json();
    expect(keys.map((k: { status: string }) => k.status)).toEqual(['Active', 'Inactive', 'Active']);
    expect(keys[0]).toEqual({ access_key_id: ACTIVE_KEY.accessKey, access_key: ACTIVE_KEY.accessKey, key_name: 'emulator-active', created_at: '2025-12-01T00:00:00.000+00:00', created_date: '2025-12-01T00:00:00.000+00:00', status: 'Active', region: 'In-Bangalore-1', tier: 'tier-1' });
    expect(res.body).not.toContain('secret');
  });

  it('creates a key from {key_name, region} (Python SDK), {} (Go SDK) or no body, showing the secret once', async () => {
    const py = await kos(t, { method: 'POST', path: '/kos/v1/access_keys', body: { key_name: 'ci', region: 'In-Hyderabad-1' } });
    expect(py.statusCode).toBe(201);
    expect(py.json()).toEqual({ access_key: expect.stringMatching(/^KOS[A-Z0-9]{17}$/), secret_key: expect.stringMatching(/^.{40}$/), message: expect.any(String) });
    expect((await kos(t, { method: 'POST', path: '/kos/v1/access_keys', body: {} })).statusCode).toBe(201);
    expect((await kos(t, { method: 'POST', path: '/kos/v1/access_keys' })).statusCode).toBe(201);
    const keys = (await kos(t, { method: 'GET', path: '/kos/v1/access_keys' })).json();
    expect(keys).toHaveLength(6);
    expect(keys[3]).toMatchObject({ key_name: 'ci', region: 'In-Hyderabad-1', tier: 'tier-2', status: 'Active', created_at: kosTime(TEST_EPOCH) });
    expectError(await kos(t, { method: 'POST', path: '/kos/v1/access_keys', body: { region: 'Mars-1' } }), 400, 'INVALID_REGION');
  });

  it('never shows a secret again: not in later responses, the state dump or the journal', async () => {
    const created = (await kos(t, { method: 'POST', path: '/kos/v1/access_keys', body: { key_name: 'once' } })).json();
    const session = await activate(t, { accessKey: created.access_key, secretKey: created.secret_key });
    const later = [
      await kos(t, { method: 'GET', path: '/kos/v1/access_keys' }),
      await kos(t, { method: 'GET', path: `/kos/v1/sessions/status/${session.sessionToken}` }),
      await kos(t, { method: 'GET', path: '/kos/v1/buckets' }),
    ];
    for (const res of later) expect(res.body).not.toContain(created.secret_key);
    const dump = JSON.stringify(await stateDump(t));
    const log = await journal(t);
    for (const secret of [created.secret_key, session.sessionToken, session.refreshToken, ACTIVE_KEY.secretKey, 'krutrim-test-key']) {
      expect(dump).not.toContain(secret);
      expect(log).not.toContain(secret);
    }
    expect(log).toContain('/kos/v1/sessions/status/:sessionToken');
  });

  it('deletes a key (optional otp body), 404 afterwards, and refuses a malformed otp', async () => {
    const created = (await kos(t, { method: 'POST', path: '/kos/v1/access_keys', body: {} })).json();
    const res = await kos(t, { method: 'DELETE', path: `/kos/v1/access_keys/${created.access_key}`, headers: { accept: '*/*' } });
    expect(res.statusCode).toBe(204);
    expect(res.body).toBe('');
    expectError(await kos(t, { method: 'DELETE', path: `/kos/v1/access_keys/${created.access_key}` }), 404, 'ACCESS_KEY_NOT_FOUND');
    expectError(await kos(t, { method: 'DELETE', path: `/kos/v1/access_keys/${ACTIVE_KEY.accessKey}`, body: { otp: 'abc' } }), 400, 'INVALID_OTP');
    expect((await kos(t, { method: 'DELETE', path: `/kos/v1/access_keys/${ACTIVE_KEY.accessKey}`, body: { otp: '123456' } })).statusCode).toBe(204);
  });

  it('a delete with Content-Type: application/json and an empty body is a delete without otp', async () => {
    const created = (await kos(t, { method: 'POST', path: '/kos/v1/access_keys', body: {} })).json();
    expect((await kos(t, { method: 'DELETE', path: `/kos/v1/access_keys/${created.access_key}`, body: '' })).statusCode).toBe(204);
    expectError(await kos(t, { method: 'DELETE', path: `/kos/v1/access_keys/${created.access_key}` }), 404, 'ACCESS_KEY_NOT_FOUND');
  });

  it('deletes every key of the account with access_keys_all, then 404 "Access keys not found"', async () => {
    expect((await kos(t, { method: 'DELETE', path: '/internal/kos/v1/access_keys_all' })).statusCode).toBe(204);
    expect((await kos(t, { method: 'GET', path: '/kos/v1/access_keys' })).json()).toEqual([]);
    const none = expectError(await kos(t, { method: 'DELETE', path: '/internal/kos/v1/access_keys_all' }), 404, 'ACCESS_KEYS_NOT_FOUND');
    expect(none.message).toBe('Access keys not found');
  });

  it('keeps keys per namespace: a key created in one namespace does not exist in another', async () => {
    const created = (await kos(t, { ns: 'one', method: 'POST', path: '/kos/v1/access_keys', body: {} })).json();
    expect((await kos(t, { ns: 'one', method: 'POST', path: '/kos/v1/sessions/activate', body: { accessKey: created.access_key, secretKey: created.secret_key } })).statusCode).toBe(200);
    expectError(await kos(t, { ns: 'two', method: 'POST', path: '/kos/v1/sessions/activate', body: { accessKey: created.access_key, secretKey: created.secret_key } }), 401, 'INVALID_CREDENTIALS');
    expectError(await kos(t, { method: 'DELETE', path: `/kos/v1/access_keys/${created.access_key}` }), 404, 'ACCESS_KEY_NOT_FOUND');
  });
});

describe('sessions', () => {
  it('activates with the right secret, refuses a wrong one, an unknown key and an inactive key', async () => {
    const s = await activate(t);
    expect(s).toEqual({
      lastActiveAt: kosTime(TEST_EPOCH),
      sessionToken: expect.any(String),
      expiresAt: kosTime(TEST_EPOCH + 60 * MINUTE),
      refreshToken: expect.any(String),
    });
    expectError(await kos(t, { method: 'POST', path: '/kos/v1/sessions/activate', body: { ...ACTIVE_KEY, secretKey: 'wrong' } }), 401, 'INVALID_CREDENTIALS');
    expectError(await kos(t, { method: 'POST', path: '/kos/v1/sessions/activate', body: { accessKey: 'KOSNOPE', secretKey: 'x' } }), 401, 'INVALID_CREDENTIALS');
    expectError(await kos(t, { method: 'POST', path: '/kos/v1/sessions/activate', body: INACTIVE_KEY }), 403, 'ACCESS_KEY_INACTIVE');
  });

  it('stores a session and its refresh token as SHA-256 digests only, found by them; the dump shows neither', async () => {
    const s = await activate(t);
    const db = t.runtime.db;
    const row = db.prepare("SELECT * FROM krutrim_sessions WHERE namespace = 'default'").get() as Record<string, unknown>;
    expect(row).toMatchObject({ token_digest: secretDigest(s.sessionToken), refresh_digest: secretDigest(s.refreshToken) });
    expect(Object.values(row)).not.toContain(s.sessionToken);
    expect(Object.values(row)).not.toContain(s.refreshToken);
    const dump = JSON.stringify(await stateDump(t));
    expect(dump).not.toContain(s.sessionToken);
    expect(dump).not.toContain(secretDigest(s.sessionToken));
    const status = () => kos(t, { method: 'GET', path: `/kos/v1/sessions/status/${s.sessionToken}` });
    const objects = () => kos(t, { method: 'GET', path: `/kos/v1/buckets/${encodeURIComponent(SEEDED_BUCKET_KRN)}/objects`, headers: { 'x-session-token': s.sessionToken } });
    expect((await status()).json().isActive).toBe(true);
    expect((await objects()).statusCode).toBe(200);
    // The digest is all there is: with another digest the token is unknown.
    db.prepare("UPDATE krutrim_sessions SET token_digest = ? WHERE namespace = 'default'").run(secretDigest('something else'));
    markWritten(db); // a write behind the stores' backs: remembered reads (core/sql.ts) start again
    expectError(await status(), 404, 'SESSION_NOT_FOUND');
    expectError(await objects(), 401, 'INVALID_SESSION');
  });

  it('expires after the timeout on the injected clock; refresh works before expiry, not after', async () => {
    const s = await activate(t);
    const status = () => kos(t, { method: 'GET', path: `/kos/v1/sessions/status/${s.sessionToken}` });
    expect((await status()).json()).toEqual({ isActive: true, accessKey: ACTIVE_KEY.accessKey, createdAt: kosTime(TEST_EPOCH), lastActiveAt: s.lastActiveAt, expiresAt: s.expiresAt });

    t.clock.advance(50 * MINUTE);
    const refreshed = await kos(t, { method: 'POST', path: `/kos/v1/sessions/refresh/${s.sessionToken}`, body: { refreshToken: s.refreshToken } });
    expect(refreshed.statusCode).toBe(200);
    const r = refreshed.json();
    expect(r).toMatchObject({ sessionToken: s.sessionToken, lastActiveAt: kosTime(TEST_EPOCH + 50 * MINUTE), expiresAt: kosTime(TEST_EPOCH + 110 * MINUTE) });
    expect(r.refreshToken).not.toBe(s.refreshToken);
    // The old refresh token was replaced.
    expectError(await kos(t, { method: 'POST', path: `/kos/v1/sessions/refresh/${s.sessionToken}`, body: { refreshToken: s.refreshToken } }), 401, 'INVALID_REFRESH_TOKEN');

    t.clock.advance(59 * MINUTE); // 109 min: still active
    expect((await status()).json().isActive).toBe(true);
    t.clock.advance(MINUTE); // 110 min: expired
    expect((await status()).json()).toMatchObject({ isActive: false, expiresAt: r.expiresAt });
    expectError(await kos(t, { method: 'POST', path: `/kos/v1/sessions/refresh/${s.sessionToken}`, body: { refreshToken: r.refreshToken } }), 401, 'SESSION_EXPIRED');
  });

  describe('KRUTRIM_SESSION_TIMEOUT=5m', () => {
    const t = useTestApp({ env: { KRUTRIM_SESSION_TIMEOUT: '5m' }, fresh: 'world' });
    it('takes the timeout from KRUTRIM_SESSION_TIMEOUT', async () => {
      const s = await activate(t);
      expect(s.expiresAt).toBe(kosTime(TEST_EPOCH + 5 * MINUTE));
      t.clock.advance(5 * MINUTE);
      expect((await kos(t, { method: 'GET', path: `/kos/v1/sessions/status/${s.sessionToken}` })).json().isActive).toBe(false);
    });
  });

  it('keeps one active session per credentials: re-activation ends the previous one', async () => {
    const first = await activate(t);
    const second = await activate(t);
    expect(second.sessionToken).not.toBe(first.sessionToken);
    expect((await kos(t, { method: 'GET', path: `/kos/v1/sessions/status/${first.sessionToken}` })).json().isActive).toBe(false);
    expect((await kos(t, { method: 'GET', path: `/kos/v1/sessions/status/${second.sessionToken}` })).json().isActive).toBe(true);
    expectError(await kos(t, { method: 'POST', path: `/kos/v1/sessions/refresh/${first.sessionToken}`, body: { refreshToken: first.refreshToken } }), 401, 'SESSION_EXPIRED');
  });

  it('deactivates a session: 204 with no body, as documented', async () => {
    const s = await activate(t);
    t.clock.advance(5 * MINUTE);
    const res = await kos(t, { method: 'DELETE', path: `/kos/v1/sessions/deactivate/${s.sessionToken}` });
    expect(res.statusCode).toBe(204);
    expect(res.body).toBe('');
    expect(res.headers['content-type']).toBeUndefined();
    expect((await kos(t, { method: 'GET', path: `/kos/v1/sessions/status/${s.sessionToken}` })).json()).toEqual({
      isActive: false, accessKey: ACTIVE_KEY.accessKey, createdAt: kosTime(TEST_EPOCH), lastActiveAt: kosTime(TEST_EPOCH), expiresAt: kosTime(TEST_EPOCH + 5 * MINUTE),
    });
    expectError(await kos(t, { method: 'DELETE', path: '/kos/v1/sessions/deactivate/kst_unknown' }), 404, 'SESSION_NOT_FOUND');
    expectError(await kos(t, { method: 'GET', path: '/kos/v1/sessions/status/kst_unknown' }), 404, 'SESSION_NOT_FOUND');
    expectError(await kos(t, { method: 'POST', path: '/kos/v1/sessions/refresh/kst_unknown', body: { refreshToken: 'x' } }), 404, 'SESSION_NOT_FOUND');
  });

  it("ends a key's sessions when the key is deleted (one by one or all at once)", async () => {
    const s = await activate(t);
    expect((await kos(t, { method: 'DELETE', path: `/kos/v1/access_keys/${ACTIVE_KEY.accessKey}` })).statusCode).toBe(204);
    expect((await kos(t, { method: 'GET', path: `/kos/v1/sessions/status/${s.sessionToken}` })).json().isActive).toBe(false);
    const other = await activate(t, { accessKey: 'KOSEMULATOR000000003', secretKey: 'krutrim-emulator-secret-000000000000000003' });
    expect((await kos(t, { method: 'DELETE', path: '/internal/kos/v1/access_keys_all' })).statusCode).toBe(204);
    expect((await kos(t, { method: 'GET', path: `/kos/v1/sessions/status/${other.sessionToken}` })).json().isActive).toBe(false);
  });

  it('does not let a session token cross namespaces or accounts', async () => {
    const s = await activate(t);
    expectError(await kos(t, { ns: 'elsewhere', method: 'GET', path: `/kos/v1/sessions/status/${s.sessionToken}` }), 404, 'SESSION_NOT_FOUND');
    expectError(await kos(t, { method: 'GET', path: `/kos/v1/sessions/status/${s.sessionToken}`, headers: auth(OTHER_API_KEY) }), 404, 'SESSION_NOT_FOUND');
  });

  it('refuses bad session input in the KOS envelope', async () => {
    expectError(await kos(t, { method: 'POST', path: '/kos/v1/sessions/activate', body: { accessKey: ACTIVE_KEY.accessKey } }), 400, 'BAD_REQUEST');
    expectError(await kos(t, { method: 'POST', path: '/kos/v1/sessions/activate', body: { ...ACTIVE_KEY, extra: 1 } }), 400, 'BAD_REQUEST');
    expectError(await kos(t, { method: 'POST', path: '/kos/v1/sessions/activate', body: { accessKey: 1, secretKey: 2 } }), 400, 'BAD_REQUEST');
    expectError(await kos(t, { method: 'POST', path: '/kos/v1/sessions/activate', body: '{"accessKey":' }), 400, 'INVALID_JSON');
  });
});
