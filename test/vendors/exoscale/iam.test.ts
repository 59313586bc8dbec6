import { describe, expect, it } from 'vitest';
import { evaluateExpression, policyAllows } from '../../../src/vendors/exoscale/policy.js';
import { useTestApp } from '../../helpers/use-test-app.js';
import { exoscaleClient, stateDump } from './client.js';
import { ADMIN_API_KEY, ADMIN_API_SECRET, ADMIN_ROLE, LOCKED_ROLE, READONLY_API_KEY, READONLY_API_SECRET, READONLY_ROLE } from './signer.js';

const t = useTestApp();
const call = exoscaleClient(t);

const readOnlyApi = { key: READONLY_API_KEY, secret: READONLY_API_SECRET };
const adminApi = { key: ADMIN_API_KEY, secret: ADMIN_API_SECRET };

async function settle(opId: string) {
  t.clock.advance(1000);
  return (await call('GET', `/operation/${opId}`)).body;
}

describe('IAM roles', () => {
  it('list-iam-roles and get-iam-role', async () => {
    const list = await call('GET', '/iam-role');
    expect(list.status).toBe(200);
    expect(list.body['iam-roles'].map((r: { id: string }) => r.id)).toEqual([ADMIN_ROLE, READONLY_ROLE, LOCKED_ROLE]);
    const role = await call('GET', `/iam-role/${READONLY_ROLE}`);
    expect(role.body).toEqual({
      id: READONLY_ROLE,
      name: 'iam-read-only',
      description: 'Read IAM objects only',
      permissions: [],
      labels: {},
      editable: true,
      policy: { 'default-service-strategy': 'deny', services: { iam: { type: 'rules', rules: [{ action: 'allow', expression: "operation.startsWith('list-') || operation.startsWith('get-')" }] } } },
    });
    expect((await call('GET', '/iam-role/3f1d9b8e-8a47-4c1e-9a2b-5b1e2f3a4c5d')).status).toBe(404);
    expect((await call('GET', '/iam-role/nope')).status).toBe(400);
  });

  it('create-iam-role returns an operation whose reference.id is the new role; defaults are a deny-all editable role', async () => {
    const op = await call('POST', '/iam-role', { body: { name: 'builder', labels: { team: 'ci' }, permissions: ['bypass-governance-retention'], 'max-session-ttl': 3600 } });
    expect(op.status).toBe(200);
    expect(op.body).toEqual({ id: expect.any(String), state: 'pending', reference: { id: expect.any(String), link: `/v2/iam-role/${op.body.reference.id}`, command: 'get-iam-role' } });
    expect((await settle(op.body.id)).state).toBe('success');
    const role = await call('GET', `/iam-role/${op.body.reference.id}`);
    expect(role.body).toEqual({ id: op.body.reference.id, name: 'builder', permissions: ['bypass-governance-retention'], labels: { team: 'ci' }, editable: true, policy: { 'default-service-strategy': 'deny', services: {} }, 'max-session-ttl': 3600 });
  });

  it('create-iam-role with a failure outcome: the operation fails and no role exists', async () => {
    await t.inject({ method: 'POST', url: '/_emulator/faults', payload: { vendor: 'exoscale', operation: 'create-iam-role', outcome: 'failure' } });
    const op = await call('POST', '/iam-role', { body: { name: 'never' } });
    expect((await settle(op.body.id))).toMatchObject({ state: 'failure', reason: 'fault' });
    expect((await call('GET', `/iam-role/${op.body.reference.id}`)).status).toBe(404);
  });

  it('update-iam-role changes description, labels and permissions', async () => {
    const op = await call('PUT', `/iam-role/${READONLY_ROLE}`, { body: { description: 'changed', labels: { a: 'b' } } });
    expect(op.status).toBe(200);
    expect(op.body.reference.id).toBe(READONLY_ROLE);
    const role = await call('GET', `/iam-role/${READONLY_ROLE}`);
    expect(role.body).toMatchObject({ description: 'changed', labels: { a: 'b' }, name: 'iam-read-only' });
    expect((await call('PUT', '/iam-role/3f1d9b8e-8a47-4c1e-9a2b-5b1e2f3a4c5d', { body: { description: 'x' } })).status).toBe(404);
  });

  it('update-iam-role-policy (PUT /iam-role/{id}:policy) replaces the policy; a non-editable role is a 409', async () => {
    const policy = { 'default-service-strategy': 'allow', services: { sos: { type: 'deny' } } };
    const op = await call('PUT', `/iam-role/${READONLY_ROLE}:policy`, { body: policy });
    expect(op.status).toBe(200);
    expect((await call('GET', `/iam-role/${READONLY_ROLE}`)).body.policy).toEqual(policy);
    const locked = await call('PUT', `/iam-role/${LOCKED_ROLE}:policy`, { body: policy });
    expect(locked.status).toBe(409);
    expect(locked.body).toEqual({ message: expect.stringContaining('not editable') });
  });

  it('delete-iam-role: 409 while API keys use it; otherwise gone when the operation succeeds', async () => {
    const inUse = await call('DELETE', `/iam-role/${ADMIN_ROLE}`);
    expect(inUse.status).toBe(409);
    expect(inUse.body.message).toContain('in use');
    const created = await call('POST', '/iam-role', { body: { name: 'temp' } });
    const id = created.body.reference.id as string;
    const del = await call('DELETE', `/iam-role/${id}`);
    expect(del.body.state).toBe('pending');
    expect((await call('GET', `/iam-role/${id}`)).status).toBe(200);
    expect((await call('DELETE', `/iam-role/${id}`)).status).toBe(409);
    expect((await settle(del.body.id)).state).toBe('success');
    expect((await call('GET', `/iam-role/${id}`)).status).toBe(404);
    expect((await call('GET', '/iam-role')).body['iam-roles'].map((r: { id: string }) => r.id)).not.toContain(id);
  });
});

describe('API keys', () => {
  it('create-api-key: key EXO + 24 hex, 43-character secret only here; list/get without it', async () => {
    const created = await call('POST', '/api-key', { body: { name: 'deployer', 'role-id': ADMIN_ROLE } });
    expect(created.status).toBe(200);
    expect(created.body).toEqual({ name: 'deployer', key: expect.stringMatching(/^EXO[0-9a-f]{24}$/), secret: expect.any(String), 'role-id': ADMIN_ROLE });
    expect(created.body.secret).toHaveLength(43);
    const got = await call('GET', `/api-key/${created.body.key}`);
    expect(got.body).toEqual({ name: 'deployer', key: created.body.key, 'role-id': ADMIN_ROLE });
    const list = await call('GET', '/api-key');
    expect(list.body['api-keys']).toContainEqual({ name: 'deployer', key: created.body.key, 'role-id': ADMIN_ROLE });
    for (const res of [got, list]) expect(res.raw).not.toContain(created.body.secret);
    expect(await stateDump(t)).not.toContain(created.body.secret);
  });

  it('create-api-key for an unknown role is a 404', async () => {
    const res = await call('POST', '/api-key', { body: { name: 'x', 'role-id': '3f1d9b8e-8a47-4c1e-9a2b-5b1e2f3a4c5d' } });
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ message: expect.stringContaining('IAM Role') });
  });

  it('an API key created through the API signs requests; deleted, it cannot', async () => {
    const created = await call('POST', '/api-key', { body: { name: 'short-lived', 'role-id': ADMIN_ROLE } });
    const as = { key: created.body.key, secret: created.body.secret };
    expect((await call('GET', '/access-key', { as })).status).toBe(200);
    const del = await call('DELETE', `/api-key/${created.body.key}`);
    expect(del.body).toEqual({ id: expect.any(String), state: 'pending', reference: { link: `/v2/api-key/${created.body.key}`, command: 'get-api-key' } });
    expect((await call('DELETE', `/api-key/${created.body.key}`)).status).toBe(409);
    expect((await call('GET', '/access-key', { as })).status).toBe(200);
    expect((await settle(del.body.id)).state).toBe('success');
    expect((await call('GET', `/api-key/${created.body.key}`)).status).toBe(404);
    expect((await call('GET', '/access-key', { as })).status).toBe(403);
    expect((await call('DELETE', `/api-key/${created.body.key}`)).status).toBe(404);
  });

  it("a key created from a role is limited by the role's policy, and follows policy changes", async () => {
    expect((await call('GET', '/access-key', { as: readOnlyApi })).status).toBe(200);
    expect((await call('GET', `/iam-role/${READONLY_ROLE}`, { as: readOnlyApi })).status).toBe(200);
    const denied = await call('POST', '/access-key', { as: readOnlyApi, body: { name: 'no' } });
    expect(denied.status).toBe(403);
    expect(denied.body.message).toBe(`Operation create-access-key is not allowed for API key ${READONLY_API_KEY}`);
    expect((await call('DELETE', `/api-key/${ADMIN_API_KEY}`, { as: readOnlyApi })).status).toBe(403);
    const mine = await call('GET', '/access-key-operations', { as: readOnlyApi });
    const names = mine.body['access-key-operations'].map((o: { operation: string }) => o.operation);
    expect(names).toContain('list-api-keys');
    expect(names).not.toContain('create-api-key');

    await call('PUT', `/iam-role/${READONLY_ROLE}:policy`, { body: { 'default-service-strategy': 'allow', services: {} } });
    expect((await call('POST', '/access-key', { as: readOnlyApi, body: { name: 'now-allowed' } })).status).toBe(200);
  });

  it('an admin-role API key may create access keys, roles and API keys', async () => {
    expect((await call('POST', '/access-key', { as: adminApi, body: { name: 'by-api-key' } })).status).toBe(200);
    expect((await call('POST', '/iam-role', { as: adminApi, body: { name: 'by-api-key' } })).status).toBe(200);
    expect((await call('POST', '/api-key', { as: adminApi, body: { name: 'by-api-key', 'role-id': READONLY_ROLE } })).status).toBe(200);
  });
});

describe('policy evaluation', () => {
  it.each([
    ['true', true],
    ['false', false],
    ["operation == 'list-zones'", true],
    ["operation != 'list-zones'", false],
    ["operation in ['get-zone', 'list-zones']", true],
    ["operation in []", false],
    ["operation.startsWith('list-')", true],
    ["operation.endsWith('-zones') && !(operation == 'x')", true],
    ["parameters.bucket == 'b'", false],
    ["operation == 'list-zones' ||", false],
    ["'unterminated", false],
  ])('%s → %s for list-zones', (expression, expected) => {
    expect(evaluateExpression(expression, { operation: 'list-zones' })).toBe(expected);
  });

  it('service type, rule order and the default strategy', () => {
    const policy = {
      'default-service-strategy': 'allow' as const,
      services: {
        iam: { type: 'rules' as const, rules: [{ action: 'deny' as const, expression: "operation == 'delete-iam-role'" }, { action: 'allow' as const, expression: 'true' }] },
        sos: { type: 'deny' as const },
        dns: { type: 'rules' as const, rules: [] },
      },
    };
    expect(policyAllows(policy, 'iam', 'delete-iam-role')).toBe(false);
    expect(policyAllows(policy, 'iam', 'list-iam-roles')).toBe(true);
    expect(policyAllows(policy, 'sos', 'get-sos-object')).toBe(false);
    expect(policyAllows(policy, 'dns', 'list-dns-domains')).toBe(false);
    expect(policyAllows(policy, 'compute', 'list-zones')).toBe(true);
  });
});
