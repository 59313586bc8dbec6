import { describe, expect, it } from 'vitest';
import { katapultService } from '../../../src/vendors/katapult/service.js';
import { useTestApp } from '../../helpers/use-test-app.js';
import { auth, call, expectError } from './helpers.js';

const ORG = { sub_domain: 'emulator' };
const CLUSTER = { region: 'uk-lon-1' };
const BUCKETS = '/organizations/organization/object_storage/object_storage_cluster/buckets';
const BUCKET = '/object_storage/object_storage_cluster/buckets/bucket';
const ACCOUNT = '/organizations/organization/object_storage/object_storage_cluster';
const KEY = '/object_storage/access_keys/access_key';
const TRASH = '/trash_objects/trash_object';
const ADMIN = auth('katapult-admin-token');
const K1 = 'objkey_EMULATOR00000001';

const t = useTestApp({ fresh: 'world' });

const createBucket = (properties: Record<string, unknown>, org = ORG) => call(t, 'POST', BUCKETS, { organization: org, object_storage_cluster: CLUSTER, properties });
const getBucket = (name: string, headers?: Record<string, string>) => call(t, 'GET', BUCKET, { object_storage_cluster: CLUSTER, bucket: { name } }, headers);
const patchBucket = (name: string, properties: Record<string, unknown>) => call(t, 'PATCH', BUCKET, { object_storage_cluster: CLUSTER, bucket: { name }, properties });
const getKey = async (id: string) => (await call(t, 'GET', KEY, { access_key: { id } })).json().object_storage_access_key;
const state = async () => (await t.app.inject({ method: 'GET', url: '/_emulator/state?vendor=katapult' })).body;

describe('buckets', () => {
  it('create 201 pending → configured; get; the live fields custom_domains / cors_origins', async () => {
    const created = await createBucket({ name: 'photos', label: 'Photos', static_site_index: '', static_site_error: '', cors_origins: ['https://example.com'], access_control_list: { read_key_ids: [K1] } });
    expect(created.statusCode).toBe(201);
    expect(created.json().object_storage_bucket).toEqual({
      name: 'photos', label: 'Photos', created_at: Math.floor(t.clock.now() / 1000), state: 'pending', custom_domains: [], object_count: 0, size: 0,
      serve_static_site: false, static_site_index: null, static_site_error: null, cors_origins: ['https://example.com'],
      public_url: 'https://photos.uk-lon-1.katapultobjects.com/',
      access_control_list: { public_read: false, public_list: false, all_keys_read: false, all_keys_write: false, read_key_ids: [K1], write_key_ids: [] },
    });
    t.clock.advance(1_000);
    expect((await getBucket('photos')).json().object_storage_bucket.state).toBe('configured');
    expect((await getBucket('photos', auth('katapult-readonly-token'))).statusCode).toBe(200);
    expectError(await call(t, 'PATCH', BUCKET, { object_storage_cluster: CLUSTER, bucket: { name: 'photos' }, properties: { label: 'y' } }, auth('katapult-readonly-token')), 403, 'scope_not_granted');
  });

  it("an access key's read_buckets / write_buckets follow the ACLs; an ACL change leaves the key configured", async () => {
    await createBucket({ name: 'shared', access_control_list: { read_key_ids: [K1], write_key_ids: [] } });
    expect(await getKey(K1)).toMatchObject({ state: 'configured', read_buckets: ['emulator-bucket', 'shared'], write_buckets: ['emulator-bucket'] });
    const patched = await patchBucket('shared', { access_control_list: { write_key_ids: [K1] }, public_read: true, custom_domains: ['cdn.example.com'] });
    expect(patched.json().object_storage_bucket).toMatchObject({ state: 'pending', custom_domains: ['cdn.example.com'], access_control_list: { read_key_ids: [K1], write_key_ids: [K1] } });
    expect(await getKey(K1)).toMatchObject({ state: 'configured', write_buckets: ['emulator-bucket', 'shared'] });
    await patchBucket('shared', { access_control_list: { read_key_ids: [], write_key_ids: [] } });
    expect(await getKey(K1)).toMatchObject({ state: 'configured', read_buckets: ['emulator-bucket'], write_buckets: ['emulator-bucket'] });
    // A key with all_objects_read lists no specific buckets; deleting a key removes it from the ACLs.
    expect((await getKey('objkey_EMULATOR00000002')).read_buckets).toEqual([]);
    await call(t, 'DELETE', KEY, { access_key: { id: K1 } });
    expect((await getBucket('emulator-bucket')).json().object_storage_bucket.access_control_list.read_key_ids).toEqual([]);
  });

  it('a versioning argument (not in the vendor spec) is ignored like any unknown argument', async () => {
    const patched = await patchBucket('emulator-bucket', { label: 'Versioned?', versioning: 'enabled' });
    expect(patched.statusCode).toBe(200);
    const bucket = patched.json().object_storage_bucket;
    expect(bucket.label).toBe('Versioned?');
    expect(bucket).not.toHaveProperty('versioning');
  });

  it('natural errors: taken or invalid name, unknown key, missing bucket or cluster; bad input changes nothing', async () => {
    const before = await state();
    expect(expectError(await createBucket({ name: 'emulator-bucket' }), 422, 'validation_error').detail).toEqual({ errors: ['Name has already been taken'] });
    expectError(await createBucket({ name: 'Bad_Name' }), 422, 'validation_error');
    expectError(await createBucket({ name: 'ok-name', access_control_list: { read_key_ids: ['objkey_nope'] } }), 422, 'validation_error');
    expectError(await createBucket({ name: 'ok-name', access_control_list: { public_list: true } }), 422, 'validation_error');
    expectError(await createBucket({ name: 'ok-name', access_control_list: { read_key_ids: 'objkey_x' } }), 400, 'invalid_argument');
    expectError(await createBucket({ name: 'ok-name', serve_static_site: 'sometimes' }), 400, 'invalid_argument');
    expectError(await createBucket({ label: 'no name' }), 400, 'missing_required_argument');
    expectError(await createBucket({ name: 'ok-name' }, { sub_domain: 'no-account' }), 404, 'object_storage_account_not_found');
    expectError(await patchBucket('emulator-bucket', { access_control_list: { public_read: 'yes please' } }), 400, 'invalid_argument');
    expect(await state()).toBe(before);
    expectError(await getBucket('missing'), 404, 'object_storage_bucket_not_found');
    expectError(await call(t, 'GET', BUCKET, { object_storage_cluster: { region: 'nowhere' }, bucket: { name: 'emulator-bucket' } }), 404, 'object_storage_cluster_not_found');
    expectError(await call(t, 'GET', BUCKET, { object_storage_cluster: CLUSTER }), 400, 'missing_required_argument');
  });

  it('delete: {"success":true}, then 404; a bucket with objects cannot be deleted', async () => {
    await createBucket({ name: 'temp' });
    expect((await call(t, 'DELETE', BUCKET, { object_storage_cluster: CLUSTER, bucket: { name: 'temp' } })).json()).toEqual({ success: true });
    expectError(await getBucket('temp'), 404, 'object_storage_bucket_not_found');
    expectError(await call(t, 'DELETE', BUCKET, { object_storage_cluster: CLUSTER, bucket: { name: 'emulator-bucket' } }), 403, 'object_storage_bucket_deletion_error');
  });

  it('presigned URLs expire on the emulator clock and can be revoked', async () => {
    // Whether the S3 plane would honour the URL at the emulator's now: valid, expired, revoked or unknown.
    const status = (url: string) => katapultService(t.runtime.ctx).presignedStatus('default', new URL(url).searchParams.get('X-Amz-Signature') ?? '', t.clock.now()).state;
    const res = await call(t, 'POST', `${BUCKET}/presigned_url`, { object_storage_cluster: CLUSTER, bucket: { name: 'emulator-bucket' }, path: 'hello.txt', properties: { expiry_seconds: 60 } });
    expect(res.statusCode).toBe(200);
    const url = res.json().url as string;
    expect(url).toMatch(/^https:\/\/emulator-bucket\.uk-lon-1\.katapultobjects\.com\/hello\.txt\?X-Amz-Algorithm=AWS4-HMAC-SHA256&.*X-Amz-Expires=60&/);
    expect(status(url)).toBe('valid');
    t.clock.advance(60_000);
    expect(status(url)).toBe('expired');
    const fresh = (await call(t, 'POST', `${BUCKET}/presigned_url`, { object_storage_cluster: CLUSTER, bucket: { name: 'emulator-bucket' }, path: 'hello.txt' })).json().url;
    expect(fresh).toContain('X-Amz-Expires=3600');
    expect((await call(t, 'POST', `${BUCKET}/revoke_presigned_urls`, { object_storage_cluster: CLUSTER, bucket: { name: 'emulator-bucket' } })).json()).toEqual({ success: true });
    expect(status(fresh)).toBe('revoked');
    expectError(await call(t, 'POST', `${BUCKET}/presigned_url`, { object_storage_cluster: CLUSTER, bucket: { name: 'emulator-bucket' }, path: 'x', properties: { expiry_seconds: 10_000_000 } }), 422, 'validation_error');
    expectError(await call(t, 'POST', `${BUCKET}/presigned_url`, { object_storage_cluster: CLUSTER, bucket: { name: 'emulator-bucket' } }), 400, 'missing_required_argument');
  });

  it('get object: a file, a folder, or 404 object_not_found', async () => {
    const file = await call(t, 'GET', `${BUCKET}/object`, { object_storage_cluster: CLUSTER, bucket: { name: 'emulator-bucket' }, path: 'hello.txt' }, auth('katapult-readonly-token'));
    expect(file.json()).toEqual({ object_details: { filename: 'hello.txt', bucket_name: 'emulator-bucket', full_path: 'hello.txt', public_url: 'https://emulator-bucket.uk-lon-1.katapultobjects.com/hello.txt', size: 12, folder: false } });
    const folder = await call(t, 'GET', `${BUCKET}/object`, { object_storage_cluster: CLUSTER, bucket: { name: 'emulator-bucket' }, path: 'docs' });
    expect(folder.json().object_details).toMatchObject({ filename: 'docs', full_path: 'docs/', folder: true, size: null });
    expectError(await call(t, 'GET', `${BUCKET}/object`, { object_storage_cluster: CLUSTER, bucket: { name: 'emulator-bucket' }, path: 'nope.txt' }), 404, 'object_not_found');
  });
});

describe('accounts and trash', () => {
  const NEW_ORG = { sub_domain: 'no-account' };
  const account = (org = NEW_ORG, headers = ADMIN) => call(t, 'GET', ACCOUNT, { organization: org, object_storage_cluster: CLUSTER }, headers);

  it('create → provisioning → provisioned; a second account → 422; keys need a provisioned account', async () => {
    expectError(await account(), 404, 'object_storage_account_not_found');
    const created = await call(t, 'POST', ACCOUNT, { organization: NEW_ORG, object_storage_cluster: CLUSTER });
    expect(created.statusCode).toBe(201);
    expect(created.json().object_storage_account).toMatchObject({ region: 'uk-lon-1', provisioning_state: 'provisioning', size: 0, bucket_count: 0, data_center: { id: 'loc_UUhPmoCbpic6UX0Y' } });
    expectError(await call(t, 'POST', '/organizations/organization/object_storage/object_storage_cluster/access_keys', { organization: NEW_ORG, object_storage_cluster: CLUSTER, properties: { name: 'k' } }), 403, 'object_storage_account_not_provisioned');
    t.clock.advance(5_000);
    expect((await account()).json().object_storage_account.provisioning_state).toBe('provisioned');
    expectError(await call(t, 'POST', ACCOUNT, { organization: NEW_ORG, object_storage_cluster: CLUSTER }), 422, 'validation_error');
    expectError(await call(t, 'POST', ACCOUNT, { organization: { sub_domain: 'suspended' }, object_storage_cluster: CLUSTER }), 403, 'organization_suspended');
    expectError(await call(t, 'POST', ACCOUNT, { organization: NEW_ORG, object_storage_cluster: { region: 'mars-1' } }), 404, 'object_storage_cluster_not_found');
  });

  it('delete → trash (keep_until +48h); everything of the account is 406 object_in_trash; restore brings it back', async () => {
    expectError(await call(t, 'DELETE', ACCOUNT, { organization: ORG, object_storage_cluster: CLUSTER }), 422, 'validation_error');
    // (The seeded account still holds a bucket, hence the 422 above; a fresh account is used instead.)
    const org = NEW_ORG;
    await call(t, 'POST', ACCOUNT, { organization: org, object_storage_cluster: CLUSTER });
    t.clock.advance(5_000);
    const key = (await call(t, 'POST', '/organizations/organization/object_storage/object_storage_cluster/access_keys', { organization: org, object_storage_cluster: CLUSTER, properties: { name: 'doomed' } })).json().object_storage_access_key.id;
    const deleted = await call(t, 'DELETE', ACCOUNT, { organization: org, object_storage_cluster: CLUSTER });
    expect(deleted.statusCode).toBe(200);
    const trash = deleted.json().trash_object;
    expect(trash).toEqual({ id: expect.stringMatching(/^trsh_[A-Za-z0-9]{16}$/), keep_until: Math.floor(t.clock.now() / 1000) + 48 * 3600, object_type: 'ObjectStorageAccount' });
    const inTrash = expectError(await account(), 406, 'object_in_trash');
    expect(inTrash.detail.trash_object).toMatchObject({ id: trash.id, object_type: 'ObjectStorageAccount', object_id: expect.stringMatching(/^objacc_/) });
    expectError(await call(t, 'GET', KEY, { access_key: { id: key } }), 406, 'object_in_trash');
    expectError(await call(t, 'POST', ACCOUNT, { organization: org, object_storage_cluster: CLUSTER }), 406, 'object_in_trash');
    expect((await call(t, 'GET', KEY.replace('/object_storage/access_keys/access_key', '/organizations/organization/object_storage/access_keys'), { organization: org })).json().pagination.total).toBe(0);
    const got = await call(t, 'GET', TRASH, { trash_object: { id: trash.id } }, ADMIN);
    expect(got.json().trash_object).toEqual({ ...inTrash.detail.trash_object });
    const restored = await call(t, 'POST', `${TRASH}/restore`, { trash_object: { object_id: inTrash.detail.trash_object.object_id } }, ADMIN);
    expect(restored.statusCode).toBe(200);
    expect((await account()).json().object_storage_account.provisioning_state).toBe('provisioned');
    expect((await call(t, 'GET', KEY, { access_key: { id: key } })).statusCode).toBe(200);
    expectError(await call(t, 'GET', TRASH, { trash_object: { id: trash.id } }, ADMIN), 404, 'trash_object_not_found');
  });

  it('purge: a pending task, the trash object stays until the purge completes, then the account is gone', async () => {
    await call(t, 'POST', ACCOUNT, { organization: NEW_ORG, object_storage_cluster: CLUSTER });
    const trash = (await call(t, 'DELETE', ACCOUNT, { organization: NEW_ORG, object_storage_cluster: CLUSTER })).json().trash_object;
    expectError(await call(t, 'DELETE', TRASH, { trash_object: { id: trash.id } }), 403, 'scope_not_granted');
    const purge = await call(t, 'DELETE', TRASH, { trash_object: { id: trash.id } }, ADMIN);
    expect(purge.json().task).toEqual({ id: expect.stringMatching(/^task_/), name: 'Purge items from trash', status: 'pending', created_at: Math.floor(t.clock.now() / 1000), started_at: null, finished_at: null, progress: 0 });
    expectError(await call(t, 'POST', `${TRASH}/restore`, { trash_object: { id: trash.id } }, ADMIN), 406, 'task_queueing_error');
    t.clock.advance(9_000);
    expect((await call(t, 'GET', TRASH, { trash_object: { id: trash.id } }, ADMIN)).statusCode).toBe(200);
    t.clock.advance(1_000);
    expectError(await call(t, 'GET', TRASH, { trash_object: { id: trash.id } }, ADMIN), 404, 'trash_object_not_found');
    expectError(await account(), 404, 'object_storage_account_not_found');
    expect((await call(t, 'POST', ACCOUNT, { organization: NEW_ORG, object_storage_cluster: CLUSTER })).statusCode).toBe(201);
  });

  it('trash past keep_until is purged without a request', async () => {
    await call(t, 'POST', ACCOUNT, { organization: NEW_ORG, object_storage_cluster: CLUSTER });
    const trash = (await call(t, 'DELETE', ACCOUNT, { organization: NEW_ORG, object_storage_cluster: CLUSTER })).json().trash_object;
    t.clock.advance(48 * 3600 * 1000);
    expectError(await call(t, 'GET', TRASH, { trash_object: { id: trash.id } }, ADMIN), 404, 'trash_object_not_found');
    expectError(await call(t, 'GET', TRASH, {}, ADMIN), 400, 'missing_required_argument');
  });
});
