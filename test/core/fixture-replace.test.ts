import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../../src/core/package-info.js';
import { call } from '../vendors/katapult/helpers.js';
import { useTestApp } from '../helpers/use-test-app.js';

/**
 * Loading a fixture whose top-level tenant already exists replaces that tenant and everything under
 * it, in one transaction, for every vendor (issue 15 item 10); the README's own example, loading
 * fixtures/default.json into a namespace already seeded with it, answers 200 (issue 17 item 3).
 */
const DEFAULT_WORLD = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'fixtures', 'default.json'), 'utf8')) as Record<string, unknown>;

const t = useTestApp({ fresh: 'world' });

type Dump = Record<string, Record<string, Array<Record<string, unknown>>>>;
const load = (doc: unknown, namespace = 'default') => t.app.inject({ method: 'POST', url: `/_emulator/fixtures?namespace=${namespace}`, payload: doc as object });
const dump = async (namespace = 'default'): Promise<Dump> => (await t.app.inject({ method: 'GET', url: `/_emulator/state?namespace=${namespace}` })).json().namespaces[namespace];
const rowCounts = (d: Dump) => Object.fromEntries(Object.entries(d).flatMap(([, tables]) => Object.entries(tables).map(([name, rows]) => [name, rows.length])));

describe('fixture re-load replaces the top-level tenant', () => {
  it('the README example: fixtures/default.json into a seeded namespace (new or default) answers 200 and leaves the same world', async () => {
    const fresh = rowCounts(await dump());
    for (const namespace of ['ci-42', 'default']) {
      const res = await load(DEFAULT_WORLD, namespace);
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json().namespace).toBe(namespace);
      expect(rowCounts(await dump(namespace))).toEqual(fresh);
    }
  });

  it('katapult: an organization loaded again loses its old accounts, keys, buckets and objects; bucket_count agrees', async () => {
    const res = await load({ katapult: { organizations: [{ id: 'org_EMULATOR00000001', sub_domain: 'emulator', name: 'Reloaded', object_storage_accounts: [{ id: 'objacc_RELOADED0001', region: 'uk-lon-1' }] }] } });
    expect(res.statusCode, res.body).toBe(200);
    const k = (await dump()).katapult!;
    expect(k.katapult_organizations!.filter((o) => o.id === 'org_EMULATOR00000001')).toEqual([expect.objectContaining({ name: 'Reloaded' })]);
    expect(k.katapult_accounts!.filter((a) => a.organization_id === 'org_EMULATOR00000001').map((a) => a.id)).toEqual(['objacc_RELOADED0001']);
    expect(k.katapult_access_keys!.filter((key) => key.account_id === 'objacc_EMULATOR00000001')).toEqual([]);
    expect(k.katapult_buckets!.map((b) => b.name)).not.toContain('emulator-bucket');
    expect(k.katapult_objects!.filter((o) => o.bucket_name === 'emulator-bucket')).toEqual([]);
    // Other organizations and the tokens are untouched.
    expect(k.katapult_organizations!.map((o) => o.sub_domain)).toContain('no-account');
    const account = await call(t, 'GET', '/organizations/organization/object_storage/object_storage_cluster', { organization: { sub_domain: 'emulator' }, object_storage_cluster: { region: 'uk-lon-1' } });
    expect(account.statusCode, account.body).toBe(200);
    expect(account.json().object_storage_account).toMatchObject({ bucket_count: 0 });
  });

  it('ionos: a contract loaded again loses its old users, credentials and keys', async () => {
    const user = '11111111-2222-4333-8444-555555555555';
    const res = await load({ ionos: { users: [{ userId: user, email: 'new@example.com', contractNumber: '11111111' }], credentials: [{ token: 'ionos-new-token', userId: user }] } });
    expect(res.statusCode, res.body).toBe(200);
    const i = (await dump()).ionos!;
    expect(i.ionos_users!.map((u) => u.user_id)).toEqual([user]);
    expect(i.ionos_credentials!.map((c) => c.user_id)).toEqual([user]);
    expect(i.ionos_accesskeys).toEqual([]);
    expect(i.ionos_regions!.length).toBeGreaterThan(0);
    const old = await t.app.inject({ method: 'GET', url: '/ionos/accesskeys', headers: { authorization: 'Bearer ionos-test-token' } });
    expect(old.statusCode).toBe(401);
    const fresh = await t.app.inject({ method: 'GET', url: '/ionos/accesskeys', headers: { authorization: 'Bearer ionos-new-token' } });
    expect(fresh.statusCode, fresh.body).toBe(200);
    expect(fresh.json().items).toEqual([]);
  });

  it('exoscale: a section naming the organization replaces it with its keys and roles', async () => {
    const res = await load({ exoscale: { organization: { id: '7b0c1a52-5f3e-4e1c-9a21-000000000001', name: 'reloaded' }, 'access-keys': [{ key: 'EXO0000000000000000000000ff', secret: 'a-brand-new-secret-0000', name: 'only' }] } });
    expect(res.statusCode, res.body).toBe(200);
    const e = (await dump()).exoscale!;
    expect(e.exoscale_organizations).toEqual([expect.objectContaining({ name: 'reloaded' })]);
    expect(e.exoscale_access_keys!.map((k) => k.key)).toEqual(['EXO0000000000000000000000ff']);
    expect(e.exoscale_api_keys).toEqual([]);
    expect(e.exoscale_iam_roles).toEqual([]);
    expect(e.exoscale_known_operations!.length).toBeGreaterThan(0);
  });

  it('ibm: a storage account loaded again loses its old credentials and memberships; managers and users are updated', async () => {
    const project = '731fc6f265cd486d900f16e84c5cb594';
    const res = await load({ ibm: {
      managers: [{ username: 'admin', password: 'changed' }],
      storage_accounts: [{ id: project, name: 'reloaded' }],
      users: [{ id: 'bb5476fd12884539b41d5a88f838d773', name: 'renamed', storage_accounts: [project] }],
      credentials: [{ access: 'RELOADEDACCESS00000001', secret: 'reloaded-secret-0000000000000000000000001', project_id: project, user_id: 'bb5476fd12884539b41d5a88f838d773' }],
    } });
    expect(res.statusCode, res.body).toBe(200);
    const i = (await dump()).ibm!;
    expect(i.ibm_credentials!.filter((c) => c.project_id === project).map((c) => c.access)).toEqual(['RELOADEDACCESS00000001']);
    expect(i.ibm_storage_accounts!.find((a) => a.id === project)).toMatchObject({ name: 'reloaded' });
    expect(i.ibm_users!.find((u) => u.id === 'bb5476fd12884539b41d5a88f838d773')).toMatchObject({ name: 'renamed' });
    expect(i.ibm_managers!.filter((m) => m.username === 'admin')).toHaveLength(1);
    const basic = (user: string, pass: string) => ({ authorization: `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}` });
    expect((await t.app.inject({ method: 'GET', url: `/ibm/credentials?project_id=${project}`, headers: basic('admin', 'password') })).statusCode).toBe(401);
    const listed = await t.app.inject({ method: 'GET', url: `/ibm/credentials?project_id=${project}`, headers: basic('admin', 'changed') });
    expect(listed.statusCode, listed.body).toBe(200);
    expect(listed.json().credentials.map((c: { id: string }) => c.id)).toEqual(['RELOADEDACCESS00000001']);
  });

  it('krutrim: an account loaded again loses its old API keys, access keys and buckets', async () => {
    const res = await load({ krutrim: { accounts: [{ accountId: '1000000001', customerId: '8f0c6a1e-4b7d-4c2a-9e55-000000000001', name: 'reloaded' }], apiKeys: [{ key: 'krutrim-new-key', name: 'new', accountId: '1000000001' }] } });
    expect(res.statusCode, res.body).toBe(200);
    const k = (await dump()).krutrim!;
    expect(k.krutrim_accounts!.find((a) => a.account_id === '1000000001')).toMatchObject({ name: 'reloaded' });
    expect(k.krutrim_api_keys!.filter((a) => a.account_id === '1000000001').map((a) => a.name)).toEqual(['new']);
    expect(k.krutrim_access_keys!.filter((a) => a.account_id === '1000000001')).toEqual([]);
    expect(k.krutrim_buckets!.filter((b) => b.account_id === '1000000001')).toEqual([]);
    expect(k.krutrim_accounts!.map((a) => a.account_id)).toContain('1000000002');
    const headers = (key: string) => ({ authorization: `Bearer ${key}`, 'x-region-id': 'In-Bangalore-1' });
    expect((await t.app.inject({ method: 'GET', url: '/krutrim/kos/v1/buckets', headers: headers('krutrim-test-key') })).statusCode).toBe(401);
  });

  it('a clash with state it does not replace is a 409 fixture_conflict naming the clash, never an SQLite message; nothing is loaded', async () => {
    const before = await dump();
    // Bucket names are one space per namespace: emulator-bucket is organization emulator's, which this document does not replace.
    const res = await load({
      ionos: { users: [{ userId: '11111111-2222-4333-8444-555555555555', email: 'x@example.com', contractNumber: '22222222' }] },
      katapult: { organizations: [{ id: 'org_OTHER000000001', sub_domain: 'other', object_storage_accounts: [{ region: 'uk-lon-1', buckets: [{ name: 'emulator-bucket' }] }] }] },
    });
    expect(res.statusCode, res.body).toBe(409);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    const { error } = res.json();
    expect(error.code).toBe('fixture_conflict');
    expect(error.message).toBe('A katapult buckets entry with the same name already exists in namespace "default"; nothing was changed');
    expect(error.message).not.toMatch(/constraint|sqlite/i);
    expect(await dump()).toEqual(before);
  });
});
