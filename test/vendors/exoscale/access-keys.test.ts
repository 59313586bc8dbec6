import { describe, expect, it } from 'vitest';
import { useTestApp } from '../../helpers/use-test-app.js';
import { exoscaleClient, stateDump } from './client.js';
import { BUCKET_KEY, BUCKET_SECRET, READONLY_KEY, READONLY_SECRET, REVOKED_KEY, ROOT_KEY } from './signer.js';

const t = useTestApp();
const call = exoscaleClient(t);

const readOnly = { key: READONLY_KEY, secret: READONLY_SECRET };

describe('legacy access keys', () => {
  it('create-access-key: an unrestricted key, secret only here, EXO + 24 hex, 43-character secret', async () => {
    const res = await call('POST', '/access-key', { body: { name: 'ci' } });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/json/);
    expect(res.body).toEqual({ name: 'ci', key: expect.stringMatching(/^EXO[0-9a-f]{24}$/), secret: expect.any(String), type: 'unrestricted', version: 'v2' });
    expect(res.body.secret).toHaveLength(43);
  });

  it('create-access-key: operations, tags or resources make a restricted key', async () => {
    const res = await call('POST', '/access-key', { body: { name: 'r', operations: ['list-zones'], tags: ['sos'], resources: [{ domain: 'sos', 'resource-type': 'bucket', 'resource-name': 'b1' }] } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ type: 'restricted', operations: ['list-zones'], tags: ['sos'], resources: [{ domain: 'sos', 'resource-type': 'bucket', 'resource-name': 'b1' }] });
  });

  it('create-access-key: unknown operations and tags are a 400', async () => {
    const before = await stateDump(t);
    for (const body of [{ name: 'x', operations: ['launch-rocket'] }, { name: 'x', tags: ['rockets'] }]) {
      const res = await call('POST', '/access-key', { body });
      expect(res.status).toBe(400);
      expect(res.body.message).toMatch(/unknown (operation|tag)/);
    }
    expect(await stateDump(t)).toBe(before);
  });

  it('list-access-keys: {"access-keys": [...]}, no secrets, revoked keys left out', async () => {
    const created = await call('POST', '/access-key', { body: { name: 'listed' } });
    const res = await call('GET', '/access-key');
    expect(res.status).toBe(200);
    const keys = res.body['access-keys'].map((k: { key: string }) => k.key);
    expect(keys).toContain(ROOT_KEY);
    expect(keys).toContain(created.body.key);
    expect(keys).not.toContain(REVOKED_KEY);
    for (const k of res.body['access-keys']) {
      expect(k).not.toHaveProperty('secret');
      expect(k).toHaveProperty('name');
      expect(k).toHaveProperty('type');
    }
  });

  it('get-access-key: the key without its secret; 404 for unknown and revoked keys', async () => {
    const res = await call('GET', `/access-key/${READONLY_KEY}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ name: 'emulator-read-only', key: READONLY_KEY, type: 'restricted', version: 'v2', operations: expect.any(Array) });
    for (const key of ['EXO0123456789abcdef01234567', REVOKED_KEY]) {
      const missing = await call('GET', `/access-key/${key}`);
      expect(missing.status).toBe(404);
      expect(missing.body).toEqual({ message: expect.stringContaining('not found') });
    }
  });

  it('revoke-access-key: an operation, pending until the clock moves; the key is gone when it succeeds', async () => {
    const created = await call('POST', '/access-key', { body: { name: 'doomed' } });
    const key = created.body.key as string;
    const doomed = { key, secret: created.body.secret as string };
    // The new key signs requests.
    expect((await call('GET', '/access-key', { as: doomed })).status).toBe(200);

    const revoke = await call('DELETE', `/access-key/${key}`);
    expect(revoke.status).toBe(200);
    expect(revoke.body).toEqual({ id: expect.stringMatching(/^[0-9a-f-]{36}$/), state: 'pending', reference: { link: `/v2/access-key/${key}`, command: 'get-access-key' } });

    // Still there while pending; a second revoke conflicts.
    expect((await call('GET', `/access-key/${key}`)).status).toBe(200);
    expect((await call('GET', '/access-key', { as: doomed })).status).toBe(200);
    const again = await call('DELETE', `/access-key/${key}`);
    expect(again.status).toBe(409);
    expect(again.body).toEqual({ message: expect.stringContaining('already being revoked') });

    const pending = await call('GET', `/operation/${revoke.body.id}`);
    expect(pending.body.state).toBe('pending');

    t.clock.advance(1000);
    const done = await call('GET', `/operation/${revoke.body.id}`);
    expect(done.status).toBe(200);
    expect(done.body).toEqual({ ...revoke.body, state: 'success' });

    expect((await call('GET', `/access-key/${key}`)).status).toBe(404);
    expect((await call('DELETE', `/access-key/${key}`)).status).toBe(404);
    const revokedSigner = await call('GET', '/access-key', { as: doomed });
    expect(revokedSigner.status).toBe(403);
    expect(revokedSigner.body).toEqual({ message: 'Invalid API key' });
  });

  it('revoke: keys created by the revoked key are not revoked', async () => {
    const parent = await call('POST', '/access-key', { body: { name: 'parent' } });
    const child = await call('POST', '/access-key', { body: { name: 'child' }, as: { key: parent.body.key, secret: parent.body.secret } });
    expect(child.status).toBe(200);
    await call('DELETE', `/access-key/${parent.body.key}`);
    t.clock.advance(5000);
    expect((await call('GET', `/access-key/${parent.body.key}`)).status).toBe(404);
    expect((await call('GET', `/access-key/${child.body.key}`)).status).toBe(200);
  });

  it('list-access-key-known-operations: every operation a key can be restricted to, with tags', async () => {
    const res = await call('GET', '/access-key-known-operations');
    expect(res.status).toBe(200);
    const ops = res.body['access-key-operations'] as Array<{ operation: string; tags: string[] }>;
    expect(ops).toContainEqual({ operation: 'create-access-key', tags: ['iam'] });
    expect(ops).toContainEqual({ operation: 'get-sos-object', tags: ['sos'] });
    expect(ops.length).toBeGreaterThan(20);
  });

  it('list-access-key-operations: what the signing key itself may do', async () => {
    const all = await call('GET', '/access-key-operations');
    const known = await call('GET', '/access-key-known-operations');
    expect(all.body['access-key-operations']).toEqual(known.body['access-key-operations']);

    const mine = await call('GET', '/access-key-operations', { as: readOnly });
    expect(mine.status).toBe(200);
    const names = mine.body['access-key-operations'].map((o: { operation: string }) => o.operation);
    expect(names).toContain('list-access-keys');
    expect(names).toContain('get-operation');
    expect(names).not.toContain('create-access-key');

    const bucket = await call('GET', '/access-key-operations', { as: { key: BUCKET_KEY, secret: BUCKET_SECRET } });
    const bucketOps = bucket.body['access-key-operations'] as Array<{ operation: string; tags: string[] }>;
    expect(bucketOps.filter((o) => o.tags.includes('sos')).length).toBeGreaterThan(0);
    expect(bucketOps.map((o) => o.operation)).not.toContain('list-access-keys');
  });
});

describe('restricted legacy keys', () => {
  it('a restricted key may call its operations and gets 403 for anything else', async () => {
    expect((await call('GET', '/access-key', { as: readOnly })).status).toBe(200);
    expect((await call('GET', `/access-key/${ROOT_KEY}`, { as: readOnly })).status).toBe(200);
    for (const [method, path, body] of [
      ['POST', '/access-key', { name: 'nope' }],
      ['DELETE', `/access-key/${ROOT_KEY}`, undefined],
      ['POST', '/iam-role', { name: 'nope' }],
      ['DELETE', '/api-key/EXO0000000000000000000000a1', undefined],
    ] as const) {
      const res = await call(method, path, { as: readOnly, ...(body ? { body } : {}) });
      expect(res.status, `${method} ${path}`).toBe(403);
      expect(res.body).toEqual({ message: expect.stringMatching(/^Operation [a-z-]+ is not allowed for API key EXO000000000000000000000002$/) });
    }
  });

  it('a key limited to SOS resources cannot manage IAM', async () => {
    const res = await call('GET', '/access-key', { as: { key: BUCKET_KEY, secret: BUCKET_SECRET } });
    expect(res.status).toBe(403);
  });

  it('a new key inherits the permissions of its creator: never more', async () => {
    const creator = await call('POST', '/access-key', { body: { name: 'creator', operations: ['create-access-key', 'list-access-keys', 'list-zones'] } });
    const as = { key: creator.body.key, secret: creator.body.secret };
    const ok = await call('POST', '/access-key', { as, body: { name: 'sub', operations: ['list-zones'] } });
    expect(ok.status).toBe(200);
    expect(ok.body.type).toBe('restricted');
    for (const body of [{ name: 'wider', operations: ['revoke-access-key'] }, { name: 'unrestricted' }, { name: 'tagged', tags: ['compute'] }]) {
      const res = await call('POST', '/access-key', { as, body });
      expect(res.status, JSON.stringify(body)).toBe(403);
      expect(res.body.message).toMatch(/more permissions than its own/);
    }
  });

  it('a key restricted by tags may call the operations carrying the tag', async () => {
    const tagged = await call('POST', '/access-key', { body: { name: 'iam-tagged', tags: ['iam'] } });
    const as = { key: tagged.body.key, secret: tagged.body.secret };
    expect((await call('GET', '/iam-role', { as })).status).toBe(200);
    expect((await call('POST', '/access-key', { as, body: { name: 'child', tags: ['iam'] } })).status).toBe(200);
  });
});

describe('operations', () => {
  it('get-operation: 404 for an unknown id, 400 for a malformed one', async () => {
    const unknown = await call('GET', '/operation/3f1d9b8e-8a47-4c1e-9a2b-5b1e2f3a4c5d');
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual({ message: expect.stringContaining('not found') });
    const malformed = await call('GET', '/operation/not-a-uuid');
    expect(malformed.status).toBe(400);
    expect(malformed.body).toEqual({ message: expect.stringContaining('Invalid request') });
  });

  it('the operation delay is the transition exoscale.operation.completion (immediate: success at once)', async () => {
    await t.inject({ method: 'POST', url: '/_emulator/transitions', payload: { 'exoscale.operation.completion': 'immediate' } });
    const created = await call('POST', '/access-key', { body: { name: 'quick' } });
    const revoke = await call('DELETE', `/access-key/${created.body.key}`);
    expect(revoke.body.state).toBe('success');
    expect((await call('GET', `/access-key/${created.body.key}`)).status).toBe(404);
  });

  it('reads:<n>: the n-th poll sees success, and the revoke takes effect then', async () => {
    const set = await t.inject({ method: 'POST', url: '/_emulator/transitions', payload: { 'exoscale.operation.completion': 'reads:3' } });
    expect(set.statusCode).toBe(200);
    const created = await call('POST', '/access-key', { body: { name: 'polled' } });
    const revoke = await call('DELETE', `/access-key/${created.body.key}`);
    expect((await call('GET', `/operation/${revoke.body.id}`)).body.state).toBe('pending');
    expect((await call('GET', `/operation/${revoke.body.id}`)).body.state).toBe('pending');
    expect((await call('GET', `/access-key/${created.body.key}`)).status).toBe(200);
    expect((await call('GET', `/operation/${revoke.body.id}`)).body.state).toBe('success');
    expect((await call('GET', `/access-key/${created.body.key}`)).status).toBe(404);
  });

  it.each([
    ['failure', { state: 'failure', reason: 'fault', message: 'Operation failed' }],
    // python-exoscale's Client.wait reads result["reason"] for failure and timeout alike: both carry one.
    ['timeout', { state: 'timeout', reason: 'unknown', message: 'Operation timed out' }],
    ['timeout:unavailable', { state: 'timeout', reason: 'unavailable', message: 'Operation timed out' }],
    ['busy', { state: 'failure', reason: 'busy', message: 'Operation failed: busy' }],
  ])('a fault rule outcome "%s" makes the revoke operation fail, and the key stays', async (outcome, expected) => {
    const created = await call('POST', '/access-key', { body: { name: 'survivor' } });
    const rule = await t.inject({ method: 'POST', url: '/_emulator/faults', payload: { vendor: 'exoscale', method: 'DELETE', operation: 'revoke-access-key', outcome, times: 1 } });
    expect(rule.statusCode).toBeLessThan(300);
    const revoke = await call('DELETE', `/access-key/${created.body.key}`);
    expect(revoke.body.state).toBe('pending');
    t.clock.advance(1000);
    const op = await call('GET', `/operation/${revoke.body.id}`);
    expect(op.body).toEqual({ id: revoke.body.id, reference: revoke.body.reference, ...expected });
    expect((await call('GET', `/access-key/${created.body.key}`)).status).toBe(200);
    // The next revoke (no rule any more) succeeds.
    const retry = await call('DELETE', `/access-key/${created.body.key}`);
    t.clock.advance(1000);
    expect((await call('GET', `/operation/${retry.body.id}`)).body.state).toBe('success');
    expect((await call('GET', `/access-key/${created.body.key}`)).status).toBe(404);
  });

  it('an unknown outcome is a 400 naming the allowed ones', async () => {
    await t.inject({ method: 'POST', url: '/_emulator/faults', payload: { vendor: 'exoscale', operation: 'revoke-access-key', outcome: 'exploded' } });
    const res = await call('DELETE', `/access-key/${READONLY_KEY}`);
    expect(res.status).toBe(400);
    expect(res.body.message).toContain('failure, timeout');
  });
});

describe('secret once', () => {
  it('the secret from create appears in no later response, nor in the state dump or the journal', async () => {
    const created = await call('POST', '/access-key', { body: { name: 'secretive' } });
    const secret = created.body.secret as string;
    const as = { key: created.body.key, secret };
    const later = [
      await call('GET', '/access-key', { as }),
      await call('GET', `/access-key/${created.body.key}`, { as }),
      await call('GET', '/access-key-operations', { as }),
      await call('DELETE', `/access-key/${created.body.key}`, { as }),
    ];
    for (const res of later) expect(res.raw).not.toContain(secret);
    const state = await stateDump(t);
    expect(state).toContain(created.body.key);
    expect(state).not.toContain(secret);
    expect(state).not.toContain('emulator-test-secret-do-not-use-in-prod-000');
    const journal = await t.inject({ method: 'GET', url: '/_emulator/requests?vendor=exoscale' });
    expect(journal.body).toContain('create-access-key');
    expect(journal.body).not.toContain(secret);
  });
});
