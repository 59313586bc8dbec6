import { describe, expect, it } from 'vitest';
import { useTestApp } from '../../helpers/use-test-app.js';
import { exoscaleClient, stateDump } from './client.js';
import { ADMIN_ROLE, MOUNT, READONLY_ROLE } from './signer.js';

const t = useTestApp();
const call = exoscaleClient(t);

function expectVendorError(res: { status: number; body: unknown; headers: Record<string, unknown> }, status: number) {
  expect(res.status).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  expect(res.body).toEqual({ message: expect.any(String) });
}

describe('bad input gets {"message"} and changes nothing', () => {
  const cases: Array<[string, string, string, string | unknown]> = [
    ['malformed JSON', 'POST', '/access-key', '{"name":'],
    ['a JSON array', 'POST', '/access-key', '[]'],
    ['a wrong type', 'POST', '/access-key', { name: 5 }],
    ['a missing name', 'POST', '/access-key', {}],
    ['an empty name', 'POST', '/access-key', { name: '' }],
    ['an unknown field', 'POST', '/access-key', { name: 'x', colour: 'red' }],
    ['operations not an array', 'POST', '/access-key', { name: 'x', operations: 'list-zones' }],
    ['a bad resource domain', 'POST', '/access-key', { name: 'x', resources: [{ domain: 'moon', 'resource-type': 'bucket', 'resource-name': 'b' }] }],
    ['a resource without a name', 'POST', '/access-key', { name: 'x', resources: [{ domain: 'sos', 'resource-type': 'bucket' }] }],
    ['an api key without role-id', 'POST', '/api-key', { name: 'x' }],
    ['an api key with a non-uuid role-id', 'POST', '/api-key', { name: 'x', 'role-id': 'admin' }],
    ['an api key name of 256 characters', 'POST', '/api-key', { name: 'x'.repeat(256), 'role-id': ADMIN_ROLE }],
    ['a role name of 192 characters', 'POST', '/iam-role', { name: 'x'.repeat(192) }],
    ['an unknown role permission', 'POST', '/iam-role', { name: 'x', permissions: ['root'] }],
    ['duplicate role permissions', 'POST', '/iam-role', { name: 'x', permissions: ['bypass-governance-retention', 'bypass-governance-retention'] }],
    ['a non-positive max-session-ttl', 'POST', '/iam-role', { name: 'x', 'max-session-ttl': 0 }],
    ['labels that are not strings', 'POST', '/iam-role', { name: 'x', labels: { a: 1 } }],
    ['a role update with the name (not updatable)', 'PUT', `/iam-role/${READONLY_ROLE}`, { name: 'renamed' }],
    ['a policy without services', 'PUT', `/iam-role/${READONLY_ROLE}:policy`, { 'default-service-strategy': 'allow' }],
    ['a policy with a bad strategy', 'PUT', `/iam-role/${READONLY_ROLE}:policy`, { 'default-service-strategy': 'maybe', services: {} }],
    ['a policy rule with a bad action', 'PUT', `/iam-role/${READONLY_ROLE}:policy`, { 'default-service-strategy': 'deny', services: { iam: { type: 'rules', rules: [{ action: 'perhaps', expression: 'true' }] } } }],
  ];

  it.each(cases)('%s → 400', async (_name, method, path, body) => {
    const before = await stateDump(t);
    const res = await call(method, path, { body });
    expectVendorError(res, 400);
    expect(await stateDump(t)).toBe(before);
  });

  it('an empty body where one is required → 400', async () => {
    const before = await stateDump(t);
    const res = await call('POST', '/access-key', { body: '' , headers: { 'content-type': 'application/json' } });
    expectVendorError(res, 400);
    expect(await stateDump(t)).toBe(before);
  });

  it('a body that is not JSON → 400', async () => {
    const before = await stateDump(t);
    const res = await call('POST', '/access-key', { body: 'name=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expectVendorError(res, 400);
    expect(await stateDump(t)).toBe(before);
  });

  it('a huge body → 413 in the vendor shape, nothing created', async () => {
    const before = await stateDump(t);
    const res = await call('POST', '/access-key', { body: { name: 'x'.repeat(2 * 1024 * 1024) } });
    expectVendorError(res, 413);
    expect(res.body.message).toContain('too large');
    expect(await stateDump(t)).toBe(before);
  });

  it('an unsigned request with a bad body is refused as unsigned (403), not validated', async () => {
    const res = await t.inject({ method: 'POST', url: `${MOUNT}/access-key`, payload: { name: 5 } });
    const parsed = { status: res.statusCode, body: JSON.parse(res.body), headers: res.headers };
    expectVendorError(parsed, 403);
  });

  it('a path key with odd characters is a 404, not a 500', async () => {
    for (const key of ['%E2%98%83', 'EXO..%2F..', 'x'.repeat(64)]) {
      const res = await call('GET', `/access-key/${key}`);
      expectVendorError(res, 404);
    }
  });
});
