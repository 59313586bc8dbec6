import { describe, expect, it } from 'vitest';
import { assumeRoleAllows, evaluateExpression } from '../../../src/vendors/exoscale/policy.js';
import { buildTestApp, TEST_EPOCH } from '../../helpers/build-app.js';
import { useTestApp } from '../../helpers/use-test-app.js';
import { exoscaleClient, stateDump } from './client.js';
import { ADMIN_API_KEY, ADMIN_API_SECRET, ADMIN_ROLE, READONLY_API_KEY, READONLY_API_SECRET, READONLY_KEY, READONLY_ROLE, READONLY_SECRET, ROOT_KEY, ROOT_SECRET } from './signer.js';

const t = useTestApp();
const call = exoscaleClient(t);

const ORG_ID = '7b0c1a52-5f3e-4e1c-9a21-000000000001';
const UNKNOWN_ROLE = '3f1d9b8e-8a47-4c1e-9a2b-5b1e2f3a4c5d';
const readOnlyApi = { key: READONLY_API_KEY, secret: READONLY_API_SECRET };
const adminApi = { key: ADMIN_API_KEY, secret: ADMIN_API_SECRET };

/** Creates a role (applied at once) and returns its id. */
async function createRole(body: Record<string, unknown>): Promise<string> {
  const op = await call('POST', '/iam-role', { body });
  expect(op.status).toBe(200);
  return op.body.reference.id as string;
}

describe('assume-iam-role: POST /iam-role/{id}/assume', () => {
  it('returns a new key bound to the role: {key, name, org-id, role-id, secret, expires-at}, the secret only here', async () => {
    const res = await call('POST', `/iam-role/${READONLY_ROLE}/assume`, { body: { ttl: 600 } });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.body).toEqual({
      key: expect.stringMatching(/^EXO[0-9a-f]{24}$/),
      name: 'assume-iam-read-only',
      'org-id': ORG_ID,
      'role-id': READONLY_ROLE,
      secret: expect.any(String),
      'expires-at': new Date(TEST_EPOCH + 600_000).toISOString(),
    });
    expect(res.body.secret).toHaveLength(43);
    // Not an API key of the list: a session credential [I].
    const list = await call('GET', '/api-key');
    expect(list.body['api-keys'].map((k: { key: string }) => k.key)).not.toContain(res.body.key);
    expect((await call('GET', `/api-key/${res.body.key}`)).status).toBe(404);
    expect((await call('DELETE', `/api-key/${res.body.key}`)).status).toBe(404);
    expect(await stateDump(t)).not.toContain(res.body.secret);
    const journal = await t.inject({ method: 'GET', url: '/_emulator/requests?vendor=exoscale' });
    expect(journal.body).toContain('assume-iam-role');
    expect(journal.body).not.toContain(res.body.secret);
    // Each call makes another key.
    const again = await call('POST', `/iam-role/${READONLY_ROLE}/assume`, { body: { ttl: 600 } });
    expect(again.body.key).not.toBe(res.body.key);
    expect(again.body.secret).not.toBe(res.body.secret);
  });

  it("the assumed key signs with the role's policy: allowed what the role allows, 403 otherwise", async () => {
    const assumed = (await call('POST', `/iam-role/${READONLY_ROLE}/assume`, { body: { ttl: 600 } })).body;
    const as = { key: assumed.key, secret: assumed.secret };
    expect((await call('GET', '/iam-role', { as })).status).toBe(200);
    expect((await call('GET', '/api-key', { as })).status).toBe(200);
    const denied = await call('POST', '/access-key', { as, body: { name: 'nope' } });
    expect(denied.status).toBe(403);
    expect(denied.body).toEqual({ message: `Operation create-access-key is not allowed for API key ${assumed.key}` });
    // The read-only role does not allow assume-iam-role itself.
    expect((await call('POST', `/iam-role/${ADMIN_ROLE}/assume`, { as, body: { ttl: 60 } })).status).toBe(403);
    // It follows policy changes of the role, as an API key does.
    await call('PUT', `/iam-role/${READONLY_ROLE}:policy`, { body: { 'default-service-strategy': 'allow', services: {} } });
    expect((await call('POST', '/access-key', { as, body: { name: 'now-allowed' } })).status).toBe(200);
  });

  it('expires on the emulator clock: works until expires-at, then 403 like an unknown key', async () => {
    const assumed = (await call('POST', `/iam-role/${ADMIN_ROLE}/assume`, { body: { ttl: 120 } })).body;
    const as = { key: assumed.key, secret: assumed.secret };
    t.clock.advance(119_999);
    expect((await call('GET', '/iam-role', { as })).status).toBe(200);
    t.clock.advance(1);
    const expired = await call('GET', '/iam-role', { as });
    expect(expired.status).toBe(403);
    const unknown = await call('GET', '/iam-role', { as: { key: 'EXO0000000000000000000000ff', secret: assumed.secret } });
    expect(expired.body).toEqual(unknown.body);
    // Moving the clock back does not matter to the client's signature, only to the key's life.
    t.clock.set(TEST_EPOCH);
    expect((await call('GET', '/iam-role', { as })).status).toBe(200);
  });

  it('a ttl up to the role max-session-ttl is granted; one more second is a 400 and creates nothing', async () => {
    const role = await createRole({ name: 'short', policy: { 'default-service-strategy': 'allow', services: {} }, 'max-session-ttl': 900 });
    const ok = await call('POST', `/iam-role/${role}/assume`, { body: { ttl: 900 } });
    expect(ok.status).toBe(200);
    expect(ok.body['expires-at']).toBe(new Date(TEST_EPOCH + 900_000).toISOString());
    const before = await stateDump(t);
    const over = await call('POST', `/iam-role/${role}/assume`, { body: { ttl: 901 } });
    expect(over.status).toBe(400);
    expect(over.body).toEqual({ message: expect.stringContaining('max-session-ttl') });
    expect(await stateDump(t)).toBe(before);
  });

  it('a role without max-session-ttl grants at most 3600 seconds [I]', async () => {
    expect((await call('POST', `/iam-role/${ADMIN_ROLE}/assume`, { body: { ttl: 3600 } })).status).toBe(200);
    expect((await call('POST', `/iam-role/${ADMIN_ROLE}/assume`, { body: { ttl: 3601 } })).status).toBe(400);
  });

  it('a max-session-ttl beyond the calendar: a ttl it allows but no date can hold is a 400, not a 500', async () => {
    const role = await createRole({ name: 'forever', 'max-session-ttl': Number.MAX_SAFE_INTEGER });
    const res = await call('POST', `/iam-role/${role}/assume`, { body: { ttl: Number.MAX_SAFE_INTEGER } });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ message: expect.stringContaining('ttl') });
  });

  const badBodies: Array<[string, unknown]> = [
    ['no body', undefined],
    ['an empty object', {}],
    ['ttl 0', { ttl: 0 }],
    ['a negative ttl', { ttl: -5 }],
    ['a fractional ttl', { ttl: 1.5 }],
    ['ttl as a string', { ttl: '60' }],
    ['ttl null', { ttl: null }],
    ['a ttl beyond int53', { ttl: 1e300 }],
    ['an unknown field', { ttl: 60, name: 'x' }],
    ['a JSON array', [60]],
    ['malformed JSON', '{"ttl":'],
  ];
  it.each(badBodies)('%s → 400 {"message"}, nothing created', async (_name, body) => {
    const before = await stateDump(t);
    const res = await call('POST', `/iam-role/${ADMIN_ROLE}/assume`, body === undefined ? {} : { body });
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.body).toEqual({ message: expect.any(String) });
    expect(await stateDump(t)).toBe(before);
  });

  it('an unknown role is a 404; a role id that is not a UUID is a 400', async () => {
    const res = await call('POST', `/iam-role/${UNKNOWN_ROLE}/assume`, { body: { ttl: 60 } });
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ message: `IAM Role ${UNKNOWN_ROLE} not found` });
    expect((await call('POST', '/iam-role/nope/assume', { body: { ttl: 60 } })).status).toBe(400);
  });

  it('a deleted role cannot be assumed (404), and its assumed keys end with it', async () => {
    const role = await createRole({ name: 'doomed', policy: { 'default-service-strategy': 'allow', services: {} } });
    const assumed = (await call('POST', `/iam-role/${role}/assume`, { body: { ttl: 600 } })).body;
    const as = { key: assumed.key, secret: assumed.secret };
    // An assumed key does not hold the role (no 409 "in use").
    const del = await call('DELETE', `/iam-role/${role}`);
    expect(del.status).toBe(200);
    t.clock.advance(1000);
    expect((await call('GET', `/operation/${del.body.id}`)).body.state).toBe('success');
    expect((await call('GET', '/iam-role', { as })).status).toBe(403);
    expect((await call('POST', `/iam-role/${role}/assume`, { body: { ttl: 60 } })).status).toBe(404);
  });

  it('the caller needs assume-iam-role in its own permissions (restricted legacy key, read-only role)', async () => {
    const legacy = await call('POST', `/iam-role/${ADMIN_ROLE}/assume`, { as: { key: READONLY_KEY, secret: READONLY_SECRET }, body: { ttl: 60 } });
    expect(legacy.status).toBe(403);
    expect(legacy.body.message).toBe(`Operation assume-iam-role is not allowed for API key ${READONLY_KEY}`);
    expect((await call('POST', `/iam-role/${ADMIN_ROLE}/assume`, { as: readOnlyApi, body: { ttl: 60 } })).status).toBe(403);
    expect((await call('POST', `/iam-role/${READONLY_ROLE}/assume`, { as: adminApi, body: { ttl: 60 } })).status).toBe(200);
  });

  it("the role's assume-role-policy decides who may assume it; refused → 403, nothing created", async () => {
    const role = await createRole({
      name: 'trusting-admins',
      policy: { 'default-service-strategy': 'allow', services: {} },
      'assume-role-policy': {
        rules: [
          { action: 'deny', expression: `caller.key == '${ROOT_KEY}'` },
          { action: 'allow', expression: `caller.role_id == '${ADMIN_ROLE}'` },
        ],
      },
    });
    // The admin API key (role iam-admin) matches the allow rule.
    expect((await call('POST', `/iam-role/${role}/assume`, { as: adminApi, body: { ttl: 60 } })).status).toBe(200);
    // The unrestricted legacy key is denied by the first rule, although it may call every operation.
    const before = await stateDump(t);
    const denied = await call('POST', `/iam-role/${role}/assume`, { body: { ttl: 60 } });
    expect(denied.status).toBe(403);
    expect(denied.body).toEqual({ message: `API key ${ROOT_KEY} is not allowed to assume IAM Role ${role}` });
    expect(await stateDump(t)).toBe(before);
    // The policy is checked before the ttl: a refused caller does not learn the role's max-session-ttl.
    expect((await call('POST', `/iam-role/${role}/assume`, { body: { ttl: 999_999 } })).status).toBe(403);

    // No rule matches → deny; changing the policy through update-iam-role applies at once.
    await call('PUT', `/iam-role/${role}`, { body: { 'assume-role-policy': { rules: [{ action: 'allow', expression: "caller.type == 'api-key'" }] } } });
    expect((await call('POST', `/iam-role/${role}/assume`, { body: { ttl: 60 } })).status).toBe(403);
    expect((await call('POST', `/iam-role/${role}/assume`, { as: adminApi, body: { ttl: 60 } })).status).toBe(200);
    // A policy without rules restricts nobody [I].
    await call('PUT', `/iam-role/${role}`, { body: { 'assume-role-policy': { rules: [] } } });
    expect((await call('POST', `/iam-role/${role}/assume`, { body: { ttl: 60 } })).status).toBe(200);
  });

  it('roles from fixtures may carry assume-role-policy and max-session-ttl', async () => {
    const role = '7b0c1a52-5f3e-4e1c-9a21-0000000000f1';
    const seeded = await buildTestApp({
      fixtures: [{ exoscale: {
        'access-keys': [{ key: ROOT_KEY, secret: ROOT_SECRET, name: 'root' }],
        'iam-roles': [{ id: role, name: 'session', 'max-session-ttl': 60, 'assume-role-policy': { rules: [{ action: 'allow', expression: "caller.type == 'access-key'" }] } }],
      } }],
    });
    try {
      const c = exoscaleClient(seeded);
      expect((await c('GET', `/iam-role/${role}`)).body).toMatchObject({ 'max-session-ttl': 60, 'assume-role-policy': { rules: [{ action: 'allow', expression: "caller.type == 'access-key'" }] } });
      const res = await c('POST', `/iam-role/${role}/assume`, { body: { ttl: 60 } });
      expect(res.status).toBe(200);
      expect(res.body['org-id']).toBe('00000000-0000-4000-8000-000000000000');
      expect((await c('POST', `/iam-role/${role}/assume`, { body: { ttl: 61 } })).status).toBe(400);
    } finally {
      await seeded.close();
    }
  });

  it.each([
    ['bad_request', 400],
    ['forbidden', 403],
    ['not_found', 404],
    ['conflict', 409],
    ['rate_limited', 429],
    ['internal_error', 500],
    ['unavailable', 503],
  ])('x-emulator-fault %s → %d {"message"}, no key made', async (fault, status) => {
    const before = await stateDump(t);
    const res = await call('POST', `/iam-role/${ADMIN_ROLE}/assume`, { body: { ttl: 60 }, headers: { 'x-emulator-fault': fault } });
    expect(res.status).toBe(status);
    expect(res.body).toEqual({ message: expect.any(String) });
    if (status === 429) expect(res.headers['retry-after']).toBe('60');
    expect(await stateDump(t)).toBe(before);
  });

  it('a fault rule on operation assume-iam-role', async () => {
    await t.inject({ method: 'POST', url: '/_emulator/faults', payload: { vendor: 'exoscale', operation: 'assume-iam-role', error: 503, times: 1 } });
    expect((await call('POST', `/iam-role/${ADMIN_ROLE}/assume`, { body: { ttl: 60 } })).status).toBe(503);
    expect((await call('POST', `/iam-role/${ADMIN_ROLE}/assume`, { body: { ttl: 60 } })).status).toBe(200);
  });

  it('is a known operation tagged iam', async () => {
    const known = await call('GET', '/access-key-known-operations');
    expect(known.body['access-key-operations']).toContainEqual({ operation: 'assume-iam-role', tags: ['iam'] });
  });
});

describe('assume-role-policy evaluation', () => {
  const caller = { key: 'EXO0000000000000000000000a1', type: 'api-key' as const, roleId: 'r1' };
  it.each([
    [null, true],
    [{}, true],
    [{ rules: [] }, true],
    [{ rules: [{ action: 'allow' as const, expression: "caller.role_id == 'r1'" }] }, true],
    [{ rules: [{ action: 'allow' as const, expression: "caller.role_id == 'r2'" }] }, false],
    [{ rules: [{ action: 'deny' as const, expression: "caller.key.startsWith('EXO')" }, { action: 'allow' as const, expression: 'true' }] }, false],
    [{ rules: [{ action: 'allow' as const, expression: "operation == 'assume-iam-role' && caller.type in ['api-key']" }] }, true],
    [{ rules: [{ action: 'allow' as const, expression: "caller.name == 'x'" }] }, false],
  ])('%j → %s', (policy, expected) => {
    expect(assumeRoleAllows(policy, caller)).toBe(expected);
  });

  it('a role policy cannot read caller variables (never true there)', () => {
    expect(evaluateExpression("caller.key == 'EXO'", { operation: 'list-zones' })).toBe(false);
    expect(evaluateExpression("operation.startsWith('list')", { operation: 'list-zones' })).toBe(true);
  });
});
