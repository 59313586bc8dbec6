import { GetObjectCommand, HeadBucketCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, s3Client, s3Failure, startS3Emulator, type S3TestEmulator } from './helpers.js';

/**
 * A KOS bucket policy's address lists applied over S3 (the S3 client connects from 127.0.0.1):
 * read-only addresses read but do not write, unlisted addresses are refused, no policy (or
 * empty lists) admits everyone. The policy is set with the KOS API, as a KOS user would.
 */

const KOS = { accessKeyId: 'KOSEMULATOR000000001', secretAccessKey: 'krutrim-emulator-secret-000000000000000001' };
const auth = { authorization: 'Bearer krutrim-test-key' };
let emu: S3TestEmulator;
let policyPath: string;
beforeAll(async () => {
  emu = await startS3Emulator();
  const buckets = await api(`${emu.url}/ns/kos-ip/krutrim/kos/v1/buckets`, { headers: auth });
  const krn = buckets.body.items.find((b: { name: string }) => b.name === 'emulator-bucket').krnid as string;
  policyPath = `${emu.url}/ns/kos-ip/krutrim/kos/v1/buckets/policy/${encodeURIComponent(krn)}`;
});
afterAll(async () => emu.close());

describe('krutrim: bucket policy addresses over S3', () => {
  it('read-only, read-write, unlisted and no policy', async () => {
    const s3 = s3Client(`${emu.url}/ns/kos-ip/s3/krutrim`, KOS);
    const Bucket = 'emulator-bucket';
    await s3.send(new PutObjectCommand({ Bucket, Key: 'ip/before.txt', Body: 'before' }));

    expect((await api(policyPath, { method: 'POST', headers: auth, body: { s3_read_only_ips: ['127.0.0.0/8'], s3_read_write_ips: ['10.1.2.3'] } })).status).toBe(201);
    expect(await (await s3.send(new GetObjectCommand({ Bucket, Key: 'ip/before.txt' }))).Body!.transformToString()).toBe('before');
    expect((await s3.send(new ListObjectsV2Command({ Bucket, Prefix: 'ip/' }))).KeyCount).toBe(1);
    expect(await s3Failure(s3.send(new PutObjectCommand({ Bucket, Key: 'ip/refused.txt', Body: 'no' })))).toMatchObject({ code: 'AccessDenied', status: 403 });

    expect((await api(policyPath, { method: 'PUT', headers: auth, body: { s3_read_write_ips: ['127.0.0.1'] } })).status).toBe(200);
    await s3.send(new PutObjectCommand({ Bucket, Key: 'ip/written.txt', Body: 'yes' }));

    expect((await api(policyPath, { method: 'PUT', headers: auth, body: { s3_read_write_ips: ['10.0.0.0/8'], s3_read_only_ips: ['2001:db8::/32'] } })).status).toBe(200);
    expect(await s3Failure(s3.send(new GetObjectCommand({ Bucket, Key: 'ip/before.txt' })))).toMatchObject({ code: 'AccessDenied', status: 403 });
    expect(await s3Failure(s3.send(new HeadBucketCommand({ Bucket })))).toMatchObject({ status: 403 });

    expect((await api(policyPath, { method: 'DELETE', headers: auth })).status).toBe(204);
    expect(await (await s3.send(new GetObjectCommand({ Bucket, Key: 'ip/written.txt' }))).Body!.transformToString()).toBe('yes');
    expect((await s3.send(new ListObjectsV2Command({ Bucket, Prefix: 'ip/' }))).KeyCount).toBe(2);
  });
});
