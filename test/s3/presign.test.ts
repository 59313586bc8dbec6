import { CreateBucketCommand, GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, s3Client, startS3Emulator, type S3TestEmulator } from './helpers.js';

/**
 * Presigned URLs (DESIGN.md §6): those a client signs itself (the SDK presigner) expire on real
 * time; those a vendor's management API issues (Katapult presigned_url, KOS object URLs) are served
 * by the plane when PUBLIC_URL points there, and expire and are revoked on the emulator clock.
 */

let emu: S3TestEmulator;
beforeAll(async () => {
  emu = await startS3Emulator();
  // PUBLIC_URL names this emulator's own address, known only once it listens on port 0.
  (emu.running.runtime.config as { publicUrl?: string }).publicUrl = emu.url;
});
afterAll(async () => emu.close());

const IBM = { accessKeyId: '181920', secretAccessKey: 'secretKey' };
const xmlCode = (text: string) => /<Code>([^<]*)<\/Code>/.exec(text)?.[1];

describe('SDK presigner (client-signed: real time)', () => {
  it('a presigned PUT then GET work; an expired one is refused', async () => {
    const client = s3Client(`${emu.url}/ns/pre/s3/ibm`, IBM);
    await client.send(new CreateBucketCommand({ Bucket: 'presigned' }));

    const putUrl = await getSignedUrl(client, new PutObjectCommand({ Bucket: 'presigned', Key: 'dir/file name.txt' }), { expiresIn: 60 });
    expect(new URL(putUrl).searchParams.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);
    const put = await fetch(putUrl, { method: 'PUT', body: 'presigned bytes' });
    expect(put.status).toBe(200);
    expect(put.headers.get('etag')).toMatch(/^"[0-9a-f]{32}"$/);

    const getUrl = await getSignedUrl(client, new GetObjectCommand({ Bucket: 'presigned', Key: 'dir/file name.txt' }), { expiresIn: 60 });
    const got = await fetch(getUrl);
    expect(got.status).toBe(200);
    expect(await got.text()).toBe('presigned bytes');

    // signed two hours ago for one minute: expired by real time (the emulator clock is not used)
    const old = await getSignedUrl(client, new GetObjectCommand({ Bucket: 'presigned', Key: 'dir/file name.txt' }), { expiresIn: 60, signingDate: new Date(Date.now() - 2 * 3600_000) });
    const refused = await fetch(old);
    expect(refused.status).toBe(403);
    const body = await refused.text();
    expect(xmlCode(body)).toBe('AccessDenied');
    expect(body).toContain('Request has expired');
    expect(refused.headers.get('content-type')).toMatch(/application\/xml/);

    // a tampered URL: the signature no longer matches
    const tampered = getUrl.replace('dir/file%20name.txt', 'dir/other.txt');
    expect(xmlCode(await (await fetch(tampered)).text())).toBe('SignatureDoesNotMatch');
  });
});

describe('Katapult presigned_url (issued: emulator clock, revocable)', () => {
  const K = (path: string) => `${emu.url}/ns/katpre/katapult/core/v1${path}`;
  const auth = { authorization: 'Bearer katapult-test-token' };
  const presign = (path: string, expiry: number) => api(K('/object_storage/object_storage_cluster/buckets/bucket/presigned_url'), {
    method: 'POST', headers: auth, body: { object_storage_cluster: { region: 'uk-lon-1' }, bucket: { name: 'emulator-bucket' }, path, properties: { expiry_seconds: expiry } },
  });

  it('points at the S3 plane with PUBLIC_URL, serves the object, expires, and is revoked', async () => {
    const creds = { accessKeyId: '00000000000000000000000000000001', secretAccessKey: 'emulator-katapult-secret-do-not-use-0001' };
    await s3Client(`${emu.url}/ns/katpre/s3/katapult`, creds).send(new PutObjectCommand({ Bucket: 'emulator-bucket', Key: 'shared/report.txt', Body: 'quarterly numbers' }));
    const { body } = await presign('shared/report.txt', 60);
    expect(body.url.startsWith(`${emu.url}/ns/katpre/s3/katapult/emulator-bucket/shared/report.txt?`)).toBe(true);
    const ok = await fetch(body.url);
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe('quarterly numbers');

    emu.clock.advance(61_000);
    const expired = await fetch(body.url);
    expect(expired.status).toBe(403);
    expect(xmlCode(await expired.text())).toBe('AccessDenied');

    const fresh = (await presign('shared/report.txt', 3600)).body.url;
    expect((await fetch(fresh)).status).toBe(200);
    expect((await api(K('/object_storage/object_storage_cluster/buckets/bucket/revoke_presigned_urls'), { method: 'POST', headers: auth, body: { object_storage_cluster: { region: 'uk-lon-1' }, bucket: { name: 'emulator-bucket' } } })).status).toBe(200);
    const revoked = await fetch(fresh);
    expect(revoked.status).toBe(403);
    expect(await revoked.text()).toContain('revoked');

    // the access key's server_url points at the plane too
    const keys = await api(`${K('/organizations/organization/object_storage/access_keys')}?organization[sub_domain]=emulator`, { headers: auth });
    const configured = keys.body.object_storage_access_keys.find((k: { s3_access_key_id: string | null }) => k.s3_access_key_id === creds.accessKeyId);
    expect(configured.server_url).toBe(`${emu.url}/ns/katpre/s3/katapult`);
  });
});

describe('KOS object URLs (issued: emulator clock)', () => {
  const R = (path: string) => `${emu.url}/ns/kospre/krutrim${path}`;
  const auth = { authorization: 'Bearer krutrim-test-key' };

  it('an upload URL and a download URL are served by the S3 plane and expire', async () => {
    const session = await api(R('/kos/v1/sessions/activate'), { method: 'POST', headers: auth, body: { accessKey: 'KOSEMULATOR000000001', secretKey: 'krutrim-emulator-secret-000000000000000001' } });
    const headers = { ...auth, 'x-session-token': session.body.sessionToken };
    const upload = await api(R('/kos/v1/buckets/emulator-bucket/objects'), { method: 'PUT', headers, body: { prefix: 'up/load.bin', expires_in: 60 } });
    expect(upload.body.preSignedUrl.startsWith(`${emu.url}/ns/kospre/s3/krutrim/emulator-bucket/up/load.bin?`)).toBe(true);
    expect((await fetch(upload.body.preSignedUrl, { method: 'PUT', body: 'kos bytes' })).status).toBe(200);

    const download = await api(R('/kos/v1/buckets/emulator-bucket/objects/download'), { method: 'POST', headers, body: { objectkey: 'up/load.bin', expires_in: 60 } });
    const got = await fetch(download.body.preSignedUrl);
    expect(got.status).toBe(200);
    expect(await got.text()).toBe('kos bytes');
    // a GET URL does not allow a PUT
    expect(xmlCode(await (await fetch(download.body.preSignedUrl, { method: 'PUT', body: 'x' })).text())).toBe('SignatureDoesNotMatch');

    emu.clock.advance(61_000);
    const expired = await fetch(download.body.preSignedUrl);
    expect(expired.status).toBe(403);
    expect(xmlCode(await expired.text())).toBe('AccessDenied');
  });
});
