import { describe, expect, it } from 'vitest';
import { TEST_EPOCH } from '../../helpers/build-app.js';
import { useTestApp } from '../../helpers/use-test-app.js';
import { auth, CUSTOMER, expectError, kos, kosTime, OTHER_API_KEY, SEEDED_BUCKET_KRN, stateDump } from './helpers.js';

const t = useTestApp();

const B = encodeURIComponent(SEEDED_BUCKET_KRN);
const RULES = `/kos/v1/buckets/${B}/lifecycle-rules`;

describe('lifecycle rules', () => {
  it('create (201), list, get, update, delete with the seed fields', async () => {
    const body = { name: 'r1', attribute: 'last_modified', expiration_days: 30, noncurrent_days: 7, newer_noncurrent_versions: 2, delete_incomplete_mpu: 2, enabled: true };
    const created = await kos(t, { method: 'POST', path: RULES, body });
    expect(created.statusCode).toBe(201);
    const rule = created.json();
    expect(rule).toEqual({
      id: expect.any(String), name: 'r1', bucketKrn: SEEDED_BUCKET_KRN, prefix: '', attribute: 'last_modified', expiration_days: 30, noncurrent_days: 7,
      newer_noncurrent_versions: 2, delete_incomplete_mpu: 2, expired_obj_delete_marker: false, enabled: true, status: 'Enabled',
      createdAt: kosTime(TEST_EPOCH), updatedAt: kosTime(TEST_EPOCH),
    });
    expect((await kos(t, { method: 'GET', path: RULES })).json()).toEqual([rule]);
    expect((await kos(t, { method: 'GET', path: `${RULES}/${rule.id}` })).json()).toEqual(rule);
    t.clock.advance(1000);
    const updated = await kos(t, { method: 'PUT', path: `${RULES}/${rule.id}`, body: { status: 'Disabled', expiration_days: 60, noncurrent_days: null } });
    expect(updated.statusCode).toBe(200);
    expect(updated.json()).toMatchObject({ name: 'r1', enabled: false, status: 'Disabled', expiration_days: 60, noncurrent_days: null, delete_incomplete_mpu: 2, updatedAt: kosTime(TEST_EPOCH + 1000) });
    expect((await kos(t, { method: 'DELETE', path: `${RULES}/${rule.id}` })).statusCode).toBe(204);
    expectError(await kos(t, { method: 'GET', path: `${RULES}/${rule.id}` }), 404, 'LIFECYCLE_RULE_NOT_FOUND');
    expectError(await kos(t, { method: 'DELETE', path: `${RULES}/${rule.id}` }), 404, 'LIFECYCLE_RULE_NOT_FOUND');
    expectError(await kos(t, { method: 'PUT', path: `${RULES}/${rule.id}`, body: {} }), 404, 'LIFECYCLE_RULE_NOT_FOUND');
  });

  it('409 for a duplicate name (on create and on rename), 404 for an unknown bucket', async () => {
    await kos(t, { method: 'POST', path: RULES, body: { name: 'dup', expiration_days: 1 } });
    const other = (await kos(t, { method: 'POST', path: RULES, body: { name: 'other', delete_incomplete_mpu: 1 } })).json();
    expectError(await kos(t, { method: 'POST', path: RULES, body: { name: 'dup', expiration_days: 2 } }), 409, 'LIFECYCLE_RULE_ALREADY_EXISTS');
    expectError(await kos(t, { method: 'PUT', path: `${RULES}/${other.id}`, body: { name: 'dup' } }), 409, 'LIFECYCLE_RULE_ALREADY_EXISTS');
    expectError(await kos(t, { method: 'GET', path: '/kos/v1/buckets/nope-bucket/lifecycle-rules' }), 404, 'BUCKET_NOT_FOUND');
    expectError(await kos(t, { method: 'GET', path: RULES, headers: auth(OTHER_API_KEY) }), 404, 'BUCKET_NOT_FOUND');
  });

  it.each([
    [{ name: 'n', expiration_days: 0 }, 422],
    [{ name: 'n', expiration_days: -5 }, 422],
    [{ name: 'n', expiration_days: 1.5 }, 422],
    [{ name: 'n', expiration_days: 100000 }, 422],
    [{ name: 'n', newer_noncurrent_versions: 0, noncurrent_days: 1 }, 422],
    [{ name: 'n' }, 422],
    [{ name: 'n', expiration_days: 3, enabled: true, status: 'Disabled' }, 422],
    [{ name: 'n', expiration_days: '30' }, 400],
    [{ name: 'n', expiration_days: 3, status: 'On' }, 400],
    [{ name: 'n', expiration_days: 3, colour: 'red' }, 400],
    [{ expiration_days: 3 }, 400],
  ])('refuses %j with %i and stores nothing', async (body, status) => {
    const before = await stateDump(t);
    expectError(await kos(t, { method: 'POST', path: RULES, body }), status, status === 422 ? 'VALIDATION_ERROR' : 'BAD_REQUEST');
    expect(await stateDump(t)).toEqual(before);
  });
});

describe("the docs page's lifecycle-rule example", () => {
  it('is accepted on POST and PUT: expiration_days 1 with expired_obj_delete_marker true', async () => {
    const example = { name: 'page-example', attribute: 'last_modified', expiration_days: 1, expired_obj_delete_marker: true, delete_incomplete_mpu: 2 };
    const created = await kos(t, { method: 'POST', path: RULES, body: example });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json()).toMatchObject({ name: 'page-example', expiration_days: 1, expired_obj_delete_marker: true, delete_incomplete_mpu: 2, enabled: true });
    const id = created.json().id as string;
    const put = await kos(t, { method: 'PUT', path: `${RULES}/${id}`, body: { ...example, expiration_days: 2 } });
    expect(put.statusCode, put.body).toBe(200);
    expect((await kos(t, { method: 'GET', path: `${RULES}/${id}` })).json()).toMatchObject({ expiration_days: 2, expired_obj_delete_marker: true });
  });
});

describe('policies', () => {
  const statements = [{ effect: 'Allow', actions: ['s3:GetObject'], resources: ['*'] }];

  it('CRUD with name, statements, conditions, policyKRN, CreationDate', async () => {
    const created = await kos(t, { method: 'POST', path: '/internal/kos/v1/policy', body: { name: 'readers', statements, conditions: { ipAddress: '10.0.0.0/8' } } });
    expect(created.statusCode).toBe(201);
    const p = created.json();
    expect(p).toEqual({
      _id: expect.stringMatching(/^[0-9a-f-]{36}$/), accountId: '1000000001',
      name: 'readers', description: '', statements, conditions: { ipAddress: '10.0.0.0/8' },
      policyKRN: expect.stringMatching(/^krn:kos:In-Bangalore-1:1000000001:8f0c6a1e-4b7d-4c2a-9e55-000000000001:policy:[0-9a-f-]{36}$/),
      CreationDate: kosTime(TEST_EPOCH), UpdateDate: kosTime(TEST_EPOCH), attachedTo: [],
    });
    expect(p.policyKRN.endsWith(`:policy:${p._id}`)).toBe(true);
    const path = `/internal/kos/v1/policy/${encodeURIComponent(p.policyKRN)}`;
    expect((await kos(t, { method: 'GET', path })).json()).toEqual(p);
    expect((await kos(t, { method: 'GET', path: '/internal/kos/v1/policy' })).json()).toEqual([p]);
    const modified = await kos(t, { method: 'PUT', path, body: { description: 'read only', statements: [{ effect: 'Deny', actions: ['*'] }] } });
    expect(modified.json()).toMatchObject({ name: 'readers', description: 'read only', statements: [{ effect: 'Deny', actions: ['*'] }] });
    expectError(await kos(t, { method: 'POST', path: '/internal/kos/v1/policy', body: { name: 'readers', statements } }), 409, 'POLICY_ALREADY_EXISTS');
    expect((await kos(t, { method: 'GET', path: '/internal/kos/v1/policy', headers: auth(OTHER_API_KEY) })).json()).toEqual([]);
    expectError(await kos(t, { method: 'GET', path, headers: auth(OTHER_API_KEY) }), 404, 'POLICY_NOT_FOUND');
    expect((await kos(t, { method: 'DELETE', path })).statusCode).toBe(204);
    expectError(await kos(t, { method: 'GET', path }), 404, 'POLICY_NOT_FOUND');
    expectError(await kos(t, { method: 'PUT', path, body: { name: 'x' } }), 404, 'POLICY_NOT_FOUND');
  });

  it('takes a body with every documented field (_id, accountId, policyKRN …): the server-owned ones are ignored', async () => {
    const body = { _id: 'ignored-id', accountId: '9999999999', policyKRN: 'krn:kos:x:y:z:policy:ignored', name: 'full', statements, conditions: {} };
    const created = await kos(t, { method: 'POST', path: '/internal/kos/v1/policy', body });
    expect(created.statusCode, created.body).toBe(201);
    const p = created.json();
    expect(p).toMatchObject({ name: 'full', accountId: '1000000001' });
    expect(p._id).not.toBe('ignored-id');
    expect(p.policyKRN).not.toBe(body.policyKRN);
    // Sending back what GET returned (as a client editing a policy would) is accepted too.
    const path = `/internal/kos/v1/policy/${encodeURIComponent(p.policyKRN)}`;
    const put = await kos(t, { method: 'PUT', path, body: { ...p, description: 'edited' } });
    expect(put.statusCode, put.body).toBe(200);
    expect((await kos(t, { method: 'GET', path })).json()).toEqual({ ...p, description: 'edited' });
  });

  it('attaches with the documented POST /internal/kos/v1/policy/attach {policyKRNs} and detaches with …/detach {kcid, policyKRNs}', async () => {
    const p = (await kos(t, { method: 'POST', path: '/internal/kos/v1/policy', body: { name: 'p', statements } })).json();
    const q = (await kos(t, { method: 'POST', path: '/internal/kos/v1/policy', body: { name: 'q', statements } })).json();
    const get = async (policy: { policyKRN: string }) => (await kos(t, { method: 'GET', path: `/internal/kos/v1/policy/${encodeURIComponent(policy.policyKRN)}` })).json();

    // One policy: 200 with the policy, attached to the caller's customer.
    const attached = await kos(t, { method: 'POST', path: '/internal/kos/v1/policy/attach', body: { policyKRNs: [p.policyKRN] } });
    expect(attached.statusCode, attached.body).toBe(200);
    expect(attached.json()).toEqual({ ...p, attachedTo: [CUSTOMER] });
    // Attaching again is harmless; K-Customer-ID names another customer; several policies answer a list.
    expect((await kos(t, { method: 'POST', path: '/internal/kos/v1/policy/attach', body: { policyKRNs: [p.policyKRN] } })).json().attachedTo).toEqual([CUSTOMER]);
    const both = await kos(t, { method: 'POST', path: '/internal/kos/v1/policy/attach', body: { policyKRNs: [p.policyKRN, q.policyKRN] }, headers: { 'k-customer-id': 'kcid-2' } });
    expect(both.json().map((x: { name: string; attachedTo: string[] }) => [x.name, x.attachedTo])).toEqual([['p', [CUSTOMER, 'kcid-2']], ['q', ['kcid-2']]]);

    const detached = await kos(t, { method: 'POST', path: '/internal/kos/v1/policy/detach', body: { kcid: CUSTOMER, policyKRNs: [p.policyKRN] } });
    expect(detached.statusCode, detached.body).toBe(200);
    expect(detached.json()).toMatchObject({ policyKRN: p.policyKRN, attachedTo: ['kcid-2'] });
    expect((await get(p)).attachedTo).toEqual(['kcid-2']);

    // Detaching what is not attached (422) or naming an unknown policy (404) changes nothing.
    const before = await stateDump(t);
    expectError(await kos(t, { method: 'POST', path: '/internal/kos/v1/policy/detach', body: { kcid: 'kcid-2', policyKRNs: [p.policyKRN, q.policyKRN, p.policyKRN] } }), 422, 'VALIDATION_ERROR');
    expectError(await kos(t, { method: 'POST', path: '/internal/kos/v1/policy/attach', body: { policyKRNs: [q.policyKRN, 'krn:kos:In-Bangalore-1:1000000001:x:policy:nope'] } }), 404, 'POLICY_NOT_FOUND');
    expect(await stateDump(t)).toEqual(before);
    // Another account cannot name this account's policies; deleting a policy detaches it everywhere.
    expectError(await kos(t, { method: 'POST', path: '/internal/kos/v1/policy/attach', body: { policyKRNs: [p.policyKRN] }, headers: auth(OTHER_API_KEY) }), 404, 'POLICY_NOT_FOUND');
    expect((await kos(t, { method: 'DELETE', path: `/internal/kos/v1/policy/${encodeURIComponent(q.policyKRN)}` })).statusCode).toBe(204);
    expect(JSON.stringify(await stateDump(t))).not.toContain(q._id);
    // The older per-policy path no source documents is not served.
    expectError(await kos(t, { method: 'POST', path: `/internal/kos/v1/policy/${encodeURIComponent(p.policyKRN)}/attach`, body: { bucketKrns: [SEEDED_BUCKET_KRN] } }), 404, 'NOT_FOUND');
  });

  it('refuses bad policy input', async () => {
    expectError(await kos(t, { method: 'POST', path: '/internal/kos/v1/policy', body: { name: 'p', statements: [] } }), 400, 'BAD_REQUEST');
    expectError(await kos(t, { method: 'POST', path: '/internal/kos/v1/policy', body: { name: 'p', statements: 'all' } }), 400, 'BAD_REQUEST');
    expectError(await kos(t, { method: 'POST', path: '/internal/kos/v1/policy', body: { statements } }), 400, 'BAD_REQUEST');
    expectError(await kos(t, { method: 'POST', path: '/internal/kos/v1/policy/attach', body: { policyKRNs: [] } }), 400, 'BAD_REQUEST');
    expectError(await kos(t, { method: 'POST', path: '/internal/kos/v1/policy/detach', body: { policyKRNs: ['krn:kos:x'] } }), 400, 'BAD_REQUEST');
    expectError(await kos(t, { method: 'POST', path: '/internal/kos/v1/policy/attach', body: { policyKRNs: ['krn:kos:x'] }, headers: { 'k-customer-id': 'x'.repeat(129) } }), 400, 'BAD_REQUEST');
    expectError(await kos(t, { method: 'POST', path: '/internal/kos/v1/policy', body: { name: 'p', statements, colour: 'red' } }), 400, 'BAD_REQUEST');
  });
});

describe('bucket policies', () => {
  const path = `/kos/v1/buckets/policy/${B}`;

  it('get, create (201), modify, delete with s3_read_write_ips / s3_read_only_ips', async () => {
    expectError(await kos(t, { method: 'GET', path }), 404, 'BUCKET_POLICY_NOT_FOUND');
    const created = await kos(t, { method: 'POST', path, body: { s3_read_write_ips: ['10.0.0.1', '192.168.0.0/16'], s3_read_only_ips: ['2001:db8::/32'] } });
    expect(created.statusCode).toBe(201);
    const p = created.json();
    expect(p).toEqual({
      bucketPolicyKrn: expect.stringMatching(/^krn:kos:In-Bangalore-1:1000000001:[0-9a-f-]{36}:bucketpolicy:[0-9a-f-]{36}$/), bucketKrn: SEEDED_BUCKET_KRN,
      s3_read_write_ips: ['10.0.0.1', '192.168.0.0/16'], s3_read_only_ips: ['2001:db8::/32'], created_at: kosTime(TEST_EPOCH), updated_at: kosTime(TEST_EPOCH),
    });
    expect((await kos(t, { method: 'GET', path })).json()).toEqual(p);
    expectError(await kos(t, { method: 'POST', path, body: { s3_read_only_ips: [] } }), 409, 'BUCKET_POLICY_ALREADY_EXISTS');
    t.clock.advance(5000);
    // Modify answers "No content", as documented: 200 and an empty body; the change shows on GET.
    const modified = await kos(t, { method: 'PUT', path, body: { s3_read_only_ips: ['::1', '0.0.0.0/0'] } });
    expect(modified.statusCode).toBe(200);
    expect(modified.body).toBe('');
    expect((await kos(t, { method: 'GET', path })).json()).toMatchObject({ s3_read_write_ips: ['10.0.0.1', '192.168.0.0/16'], s3_read_only_ips: ['::1', '0.0.0.0/0'], updated_at: kosTime(TEST_EPOCH + 5000) });
    expect((await kos(t, { method: 'DELETE', path })).statusCode).toBe(204);
    expectError(await kos(t, { method: 'DELETE', path }), 404, 'BUCKET_POLICY_NOT_FOUND');
    expectError(await kos(t, { method: 'PUT', path, body: {} }), 404, 'BUCKET_POLICY_NOT_FOUND');
    expectError(await kos(t, { method: 'GET', path: '/kos/v1/buckets/policy/nope-bucket' }), 404, 'BUCKET_NOT_FOUND');
  });

  it.each(['10.0.0.256', '10.0.0.0/33', '10.0.0', 'localhost', '2001:db8::/129', '10.0.0.0/8/1', '10.0.0.0/', ' 10.0.0.1', 'fe80::1/-1'])('422 for the address %j, storing nothing', async (ip) => {
    const before = await stateDump(t);
    const res = expectError(await kos(t, { method: 'POST', path, body: { s3_read_write_ips: ['10.1.1.1', ip] } }), 422, 'VALIDATION_ERROR');
    expect(res.message).toContain(JSON.stringify(ip));
    expectError(await kos(t, { method: 'POST', path, body: { s3_read_only_ips: [ip] } }), 422, 'VALIDATION_ERROR');
    expect(await stateDump(t)).toEqual(before);
  });

  it('refuses wrong types and unknown fields with 400', async () => {
    expectError(await kos(t, { method: 'POST', path, body: { s3_read_write_ips: '10.0.0.1' } }), 400, 'BAD_REQUEST');
    expectError(await kos(t, { method: 'POST', path, body: { s3_read_write_ips: [1] } }), 400, 'BAD_REQUEST');
    expectError(await kos(t, { method: 'POST', path, body: { ips: [] } }), 400, 'BAD_REQUEST');
  });
});
