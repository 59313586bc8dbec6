import { CreateBucketCommand, GetObjectCommand, ListBucketsCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sign } from '../vendors/exoscale/signer.js';
import { api, s3Client, s3Failure, startS3Emulator, type Credentials, type S3TestEmulator } from './helpers.js';

/**
 * One flow per vendor through the whole key lifecycle, with the real AWS SDK (DESIGN.md §6, issue
 * 20): create the key with the vendor's management API → refused while not usable → works once
 * usable (the emulator clock moves the transitions) → refused after rotate / deactivate / delete.
 */

let emu: S3TestEmulator;
beforeAll(async () => {
  emu = await startS3Emulator();
});
afterAll(async () => emu.close());

const put = (creds: Credentials, vendor: string, bucket: string, key: string, body: string, ns?: string) =>
  s3Client(`${emu.url}${ns ? `/ns/${ns}` : ''}/s3/${vendor}`, creds).send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
const get = async (creds: Credentials, vendor: string, bucket: string, key: string, ns?: string) => {
  const res = await s3Client(`${emu.url}${ns ? `/ns/${ns}` : ''}/s3/${vendor}`, creds).send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return res.Body!.transformToString();
};

describe('katapult: pending → configured, latest secret only, permissions, delete', () => {
  const K = (path: string) => `${emu.url}/ns/kat/katapult/core/v1${path}`;
  const auth = { authorization: 'Bearer katapult-test-token' };
  const cluster = { region: 'uk-lon-1' };

  it('runs the whole lifecycle', async () => {
    const created = await api(K('/organizations/organization/object_storage/object_storage_cluster/access_keys'), {
      method: 'POST', headers: auth, body: { organization: { sub_domain: 'emulator' }, object_storage_cluster: cluster, properties: { name: 'ci', all_objects_read: true, all_objects_write: true } },
    });
    expect(created.status).toBe(201);
    const id = created.body.object_storage_access_key.id;
    emu.clock.advance(5_000); // provisioning done: credentials can be generated
    const generated = await api(K('/object_storage/access_keys/access_key/generate_credentials'), { method: 'POST', headers: auth, body: { access_key: { id } } });
    expect(generated.status).toBe(200);
    const first = { accessKeyId: generated.body.object_storage_access_key.s3_access_key_id, secretAccessKey: generated.body.object_storage_access_key.s3_secret_access_key };

    // pending: the key id is not active yet
    expect(await s3Failure(put(first, 'katapult', 'emulator-bucket', 'a.txt', 'x', 'kat'))).toMatchObject({ code: 'InvalidAccessKeyId', status: 403 });
    emu.clock.advance(1_000); // configured
    await put(first, 'katapult', 'emulator-bucket', 'a.txt', 'hello katapult', 'kat');
    expect(await get(first, 'katapult', 'emulator-bucket', 'a.txt', 'kat')).toBe('hello katapult');
    // one world: the management API sees the object written over S3
    const details = await api(`${K('/object_storage/object_storage_cluster/buckets/bucket/object')}?object_storage_cluster[region]=uk-lon-1&bucket[name]=emulator-bucket&path=a.txt`, { headers: auth });
    expect(details.body.object_details).toMatchObject({ full_path: 'a.txt', size: 14, folder: false });
    // and the fixture objects are readable over S3 (12 bytes declared: zeros)
    expect((await get(first, 'katapult', 'emulator-bucket', 'hello.txt', 'kat')).length).toBe(12);

    // rotate: pending again, then only the new secret signs
    const rotated = await api(K('/object_storage/access_keys/access_key/generate_credentials'), { method: 'POST', headers: auth, body: { access_key: { id } } });
    const second = { accessKeyId: rotated.body.object_storage_access_key.s3_access_key_id, secretAccessKey: rotated.body.object_storage_access_key.s3_secret_access_key };
    expect(second.secretAccessKey).not.toBe(first.secretAccessKey);
    emu.clock.advance(1_000);
    expect(await s3Failure(get(first, 'katapult', 'emulator-bucket', 'a.txt', 'kat'))).toMatchObject({ code: 'SignatureDoesNotMatch', status: 403 });
    expect(await get(second, 'katapult', 'emulator-bucket', 'a.txt', 'kat')).toBe('hello katapult');

    // delete: unknown from then on
    expect((await api(K('/object_storage/access_keys/access_key'), { method: 'DELETE', headers: auth, body: { access_key: { id } } })).status).toBe(200);
    expect(await s3Failure(get(second, 'katapult', 'emulator-bucket', 'a.txt', 'kat'))).toMatchObject({ code: 'InvalidAccessKeyId', status: 403 });
  });

  it('enforces read/write permissions and bucket ACLs; buckets are made with the Katapult API', async () => {
    const created = await api(K('/organizations/organization/object_storage/object_storage_cluster/access_keys'), {
      method: 'POST', headers: auth, body: { organization: { sub_domain: 'emulator' }, object_storage_cluster: cluster, properties: { name: 'reader', all_objects_read: true } },
    });
    const id = created.body.object_storage_access_key.id;
    emu.clock.advance(5_000);
    const generated = await api(K('/object_storage/access_keys/access_key/generate_credentials'), { method: 'POST', headers: auth, body: { access_key: { id } } });
    const reader = { accessKeyId: generated.body.object_storage_access_key.s3_access_key_id, secretAccessKey: generated.body.object_storage_access_key.s3_secret_access_key };
    emu.clock.advance(1_000);
    expect((await get(reader, 'katapult', 'emulator-bucket', 'hello.txt', 'kat')).length).toBe(12);
    expect(await s3Failure(put(reader, 'katapult', 'emulator-bucket', 'w.txt', 'no', 'kat'))).toMatchObject({ code: 'AccessDenied', status: 403 });
    // the bucket's ACL grants writes to this key
    const acl = await api(K('/object_storage/object_storage_cluster/buckets/bucket'), {
      method: 'PATCH', headers: auth, body: { object_storage_cluster: cluster, bucket: { name: 'emulator-bucket' }, properties: { access_control_list: { write_key_ids: [id] } } },
    });
    expect(acl.status).toBe(200);
    await put(reader, 'katapult', 'emulator-bucket', 'w.txt', 'yes', 'kat');
    const client = s3Client(`${emu.url}/ns/kat/s3/katapult`, reader);
    expect(await s3Failure(client.send(new CreateBucketCommand({ Bucket: 'over-s3' })))).toMatchObject({ code: 'AccessDenied', status: 403 });
    expect((await client.send(new ListBucketsCommand({}))).Buckets?.map((b) => b.Name)).toEqual(['emulator-bucket']);
  });
});

describe('ionos: PROVISIONING → AVAILABLE, renew rotates, DESTROYING → gone', () => {
  const I = (path: string) => `${emu.url}/ns/ion/ionos${path}`;
  const auth = { authorization: 'Bearer ionos-test-token' };

  it('runs the whole lifecycle', async () => {
    const created = await api(I('/accesskeys'), { method: 'POST', headers: auth, body: { properties: { description: 's3 flow' } } });
    expect(created.status).toBe(201);
    const id = created.body.id;
    const first = { accessKeyId: created.body.properties.accessKey, secretAccessKey: created.body.properties.secretKey };
    const client = s3Client(`${emu.url}/ns/ion/s3/ionos`, first);
    expect(await s3Failure(client.send(new CreateBucketCommand({ Bucket: 'ionos-bucket' })))).toMatchObject({ code: 'InvalidAccessKeyId', status: 403 });
    emu.clock.advance(2_000); // AVAILABLE
    await client.send(new CreateBucketCommand({ Bucket: 'ionos-bucket' }));
    expect(await s3Failure(client.send(new CreateBucketCommand({ Bucket: 'ionos-bucket' })))).toMatchObject({ code: 'BucketAlreadyOwnedByYou', status: 409 });
    await put(first, 'ionos', 'ionos-bucket', 'k', 'hello ionos', 'ion');
    expect(await get(first, 'ionos', 'ionos-bucket', 'k', 'ion')).toBe('hello ionos');

    const renewed = await api(I(`/accesskeys/${id}/renew`), { method: 'PUT', headers: auth });
    expect(renewed.status).toBeLessThan(300);
    const second = { accessKeyId: first.accessKeyId, secretAccessKey: renewed.body.properties.secretKey };
    expect(await s3Failure(get(second, 'ionos', 'ionos-bucket', 'k', 'ion'))).toMatchObject({ code: 'InvalidAccessKeyId' }); // PROVISIONING again
    emu.clock.advance(2_000);
    expect(await s3Failure(get(first, 'ionos', 'ionos-bucket', 'k', 'ion'))).toMatchObject({ code: 'SignatureDoesNotMatch', status: 403 });
    expect(await get(second, 'ionos', 'ionos-bucket', 'k', 'ion')).toBe('hello ionos');

    expect((await api(I(`/accesskeys/${id}`), { method: 'DELETE', headers: auth })).status).toBeLessThan(300);
    expect(await s3Failure(get(second, 'ionos', 'ionos-bucket', 'k', 'ion'))).toMatchObject({ code: 'InvalidAccessKeyId' }); // DESTROYING
    emu.clock.advance(2_000);
    expect(await s3Failure(get(second, 'ionos', 'ionos-bucket', 'k', 'ion'))).toMatchObject({ code: 'InvalidAccessKeyId' }); // gone
  });
});

describe('exoscale: SOS operations, tags and bucket resources; revoke takes effect with its operation', () => {
  const E = (path: string) => `${emu.url}/ns/exo/exoscale/v2${path}`;
  const root = { key: 'EXO000000000000000000000001', secret: 'emulator-test-secret-do-not-use-in-prod-000' };
  const exo = (method: string, path: string, body?: unknown) => {
    const text = body === undefined ? '' : JSON.stringify(body);
    return api(E(path), { method, headers: { authorization: sign({ ...root, method, url: `/ns/exo/exoscale/v2${path}`, body: text }) }, body });
  };

  it('runs the whole lifecycle', async () => {
    const created = await exo('POST', '/access-key', { name: 's3-flow', tags: ['sos'], resources: [{ domain: 'sos', 'resource-type': 'bucket', 'resource-name': 'exo-bucket' }] });
    expect(created.status).toBe(200);
    const scoped = { accessKeyId: created.body.key, secretAccessKey: created.body.secret };
    const rootCreds = { accessKeyId: root.key, secretAccessKey: root.secret };
    const rootClient = s3Client(`${emu.url}/ns/exo/s3/exoscale`, rootCreds);
    await rootClient.send(new CreateBucketCommand({ Bucket: 'exo-bucket' }));
    await rootClient.send(new CreateBucketCommand({ Bucket: 'other-bucket' }));
    await put(scoped, 'exoscale', 'exo-bucket', 'k', 'hello exoscale', 'exo');
    expect(await get(scoped, 'exoscale', 'exo-bucket', 'k', 'exo')).toBe('hello exoscale');
    // the key's resources name one bucket only
    expect(await s3Failure(put(scoped, 'exoscale', 'other-bucket', 'k', 'no', 'exo'))).toMatchObject({ code: 'AccessDenied', status: 403 });

    // a key limited to IAM operations may not use SOS at all
    const iamOnly = await exo('POST', '/access-key', { name: 'iam-only', operations: ['list-access-keys'] });
    expect(await s3Failure(get({ accessKeyId: iamOnly.body.key, secretAccessKey: iamOnly.body.secret }, 'exoscale', 'exo-bucket', 'k', 'exo'))).toMatchObject({ code: 'AccessDenied' });

    // an API key signs with its role's policy: the read-only role denies SOS
    const apiRo = { accessKeyId: 'EXO0000000000000000000000a2', secretAccessKey: 'emulator-apikey-secret-do-not-use-in-pr00a2' };
    expect(await s3Failure(get(apiRo, 'exoscale', 'exo-bucket', 'k', 'exo'))).toMatchObject({ code: 'AccessDenied' });

    // revoke: still usable while the operation is pending, refused once it succeeds
    expect((await exo('DELETE', `/access-key/${scoped.accessKeyId}`)).status).toBe(200);
    expect(await get(scoped, 'exoscale', 'exo-bucket', 'k', 'exo')).toBe('hello exoscale');
    emu.clock.advance(1_000);
    expect(await s3Failure(get(scoped, 'exoscale', 'exo-bucket', 'k', 'exo'))).toMatchObject({ code: 'InvalidAccessKeyId', status: 403 });
    // a key from assume-iam-role signs with its role's policy (the `locked` role allows sos) until its expiry, on the emulator clock
    const assumed = await exo('POST', '/iam-role/7b0c1a52-5f3e-4e1c-9a21-0000000000a3/assume', { ttl: 600 });
    expect(assumed.status).toBe(200);
    const session = { accessKeyId: assumed.body.key, secretAccessKey: assumed.body.secret };
    expect(await get(session, 'exoscale', 'exo-bucket', 'k', 'exo')).toBe('hello exoscale');
    emu.clock.advance(601_000);
    expect(await s3Failure(get(session, 'exoscale', 'exo-bucket', 'k', 'exo'))).toMatchObject({ code: 'InvalidAccessKeyId', status: 403 });
    // the fixture's revoked key never works
    expect(await s3Failure(get({ accessKeyId: 'EXO000000000000000000000009', secretAccessKey: 'emulator-revoked-secret-do-not-use-in-pr009' }, 'exoscale', 'exo-bucket', 'k', 'exo'))).toMatchObject({ code: 'InvalidAccessKeyId' });
  });
});

describe('ibm: Inactive → AccessDenied, a new secret rotates, delete', () => {
  const B = (path: string) => `${emu.url}/ns/ibm/ibm${path}`;
  const auth = { authorization: `Basic ${Buffer.from('admin:password').toString('base64')}` };

  it('runs the whole lifecycle', async () => {
    const created = await api(B('/credentials'), { method: 'POST', headers: auth, body: { credential: { project_id: '731fc6f265cd486d900f16e84c5cb594', type: 'ec2', user_id: 'bb5476fd12884539b41d5a88f838d773', blob: { access: 'S3FLOWACCESSKEY00001', secret: 's3-flow-secret-0000000000000000000000000', status: 'Inactive' } } } });
    expect(created.status).toBe(201);
    const { access, secret } = created.body.credential.blob;
    const creds = { accessKeyId: access, secretAccessKey: secret };
    const client = s3Client(`${emu.url}/ns/ibm/s3/ibm`, creds);
    expect(await s3Failure(client.send(new CreateBucketCommand({ Bucket: 'ibm-bucket' })))).toMatchObject({ code: 'AccessDenied', status: 403 });
    const patch = (blob: Record<string, string>) => api(B(`/credentials/${access}`), { method: 'PATCH', headers: auth, body: { credential: { blob, project_id: '731fc6f265cd486d900f16e84c5cb594', type: 'ec2', user_id: 'bb5476fd12884539b41d5a88f838d773' } } });
    expect((await patch({ status: 'Active' })).status).toBe(200);
    await client.send(new CreateBucketCommand({ Bucket: 'ibm-bucket' }));
    await put(creds, 'ibm', 'ibm-bucket', 'k', 'hello ibm', 'ibm');
    expect(await get(creds, 'ibm', 'ibm-bucket', 'k', 'ibm')).toBe('hello ibm');

    expect((await patch({ secret: 'a-brand-new-secret-0000000000000000000000' })).status).toBe(200);
    expect(await s3Failure(get(creds, 'ibm', 'ibm-bucket', 'k', 'ibm'))).toMatchObject({ code: 'SignatureDoesNotMatch' });
    const rotated = { accessKeyId: access, secretAccessKey: 'a-brand-new-secret-0000000000000000000000' };
    expect(await get(rotated, 'ibm', 'ibm-bucket', 'k', 'ibm')).toBe('hello ibm');
    expect((await patch({ status: 'Inactive' })).status).toBe(200);
    expect(await s3Failure(get(rotated, 'ibm', 'ibm-bucket', 'k', 'ibm'))).toMatchObject({ code: 'AccessDenied', status: 403 });
    expect((await api(B(`/credentials/${access}`), { method: 'DELETE', headers: auth })).status).toBeLessThan(300);
    expect(await s3Failure(get(rotated, 'ibm', 'ibm-bucket', 'k', 'ibm'))).toMatchObject({ code: 'InvalidAccessKeyId' });
  });
});

describe('krutrim: KOS keys; one world with the KOS object API', () => {
  const R = (path: string) => `${emu.url}/ns/kos/krutrim${path}`;
  const auth = { authorization: 'Bearer krutrim-test-key' };

  it('runs the whole lifecycle', async () => {
    const created = await api(R('/kos/v1/access_keys'), { method: 'POST', headers: auth, body: { key_name: 's3-flow', region: 'In-Bangalore-1' } });
    expect(created.status).toBeLessThan(300);
    const creds = { accessKeyId: created.body.access_key, secretAccessKey: created.body.secret_key };
    await put(creds, 'krutrim', 'emulator-bucket', 'docs/s3.txt', 'hello kos', 'kos');
    expect(await get(creds, 'krutrim', 'emulator-bucket', 'docs/s3.txt', 'kos')).toBe('hello kos');
    const client = s3Client(`${emu.url}/ns/kos/s3/krutrim`, creds);
    await client.send(new CreateBucketCommand({ Bucket: 'made-over-s3' }));

    // the KOS API sees the bucket and the object
    const buckets = await api(R('/kos/v1/buckets'), { headers: auth });
    expect(buckets.body.items.map((b: { name: string }) => b.name).sort()).toEqual(['emulator-bucket', 'made-over-s3']);
    const session = await api(R('/kos/v1/sessions/activate'), { method: 'POST', headers: auth, body: { accessKey: creds.accessKeyId, secretKey: creds.secretAccessKey } });
    const meta = await api(R('/kos/v1/buckets/emulator-bucket/objects/metadata'), { method: 'POST', headers: { ...auth, 'x-session-token': session.body.sessionToken }, body: { objectkey: 'docs/s3.txt' } });
    expect(meta.body).toMatchObject({ key: 'docs/s3.txt', size_bytes: 9 });
    // and S3 sees what the KOS API moves
    await api(R('/kos/v1/buckets/emulator-bucket/objects/rename'), { method: 'POST', headers: { ...auth, 'x-session-token': session.body.sessionToken }, body: { oldKey: 'docs/s3.txt', newKey: 'docs/renamed.txt' } });
    const listed = await client.send(new ListObjectsV2Command({ Bucket: 'emulator-bucket', Prefix: 'docs/' }));
    expect(listed.Contents?.map((o) => o.Key)).toEqual(['docs/renamed.txt']);

    // an Inactive key is refused; a deleted key is unknown
    const inactive = { accessKeyId: 'KOSEMULATOR000000002', secretAccessKey: 'krutrim-emulator-secret-000000000000000002' };
    expect(await s3Failure(get(inactive, 'krutrim', 'emulator-bucket', 'docs/renamed.txt', 'kos'))).toMatchObject({ code: 'AccessDenied', status: 403 });
    expect((await api(R(`/kos/v1/access_keys/${creds.accessKeyId}`), { method: 'DELETE', headers: auth })).status).toBe(204);
    expect(await s3Failure(get(creds, 'krutrim', 'emulator-bucket', 'docs/renamed.txt', 'kos'))).toMatchObject({ code: 'InvalidAccessKeyId', status: 403 });
  });
});
