import {
  AbortMultipartUploadCommand, CompleteMultipartUploadCommand, CopyObjectCommand, CreateBucketCommand, CreateMultipartUploadCommand, DeleteBucketCommand, DeleteObjectCommand,
  DeleteObjectsCommand, GetBucketLocationCommand, GetObjectCommand, HeadBucketCommand, HeadObjectCommand, ListBucketsCommand, ListObjectsCommand, ListObjectsV2Command,
  ListPartsCommand, PutObjectCommand, UploadPartCommand, GetObjectTaggingCommand, PutObjectTaggingCommand, DeleteObjectTaggingCommand, ListMultipartUploadsCommand,
  UploadPartCopyCommand, GetBucketVersioningCommand,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, s3Client, s3Failure, startS3Emulator, type Credentials, type S3TestEmulator } from './helpers.js';

/**
 * Every S3 operation on every vendor's endpoint, with the AWS SDK: the plane is one implementation,
 * but each vendor stores buckets and objects its own way (Katapult's and KOS's own tables, the
 * plane's tables for the others), so each is driven through all of them.
 */

let emu: S3TestEmulator;
beforeAll(async () => {
  emu = await startS3Emulator();
});
afterAll(async () => emu.close());

interface Case {
  vendor: string;
  creds: () => Promise<Credentials>;
  /** A bucket the key may write (created over S3 when the vendor allows it). */
  bucket: string;
  /** Whether buckets are made over S3 (Katapult: with its API only). */
  createsBuckets: boolean;
}

const CASES: Case[] = [
  { vendor: 'katapult', bucket: 'emulator-bucket', createsBuckets: false, creds: async () => ({ accessKeyId: '00000000000000000000000000000001', secretAccessKey: 'emulator-katapult-secret-do-not-use-0001' }) },
  {
    vendor: 'ionos', bucket: 'every-ionos', createsBuckets: true,
    creds: async () => {
      const created = await api(`${emu.url}/ns/every-ionos/ionos/accesskeys`, { method: 'POST', headers: { authorization: 'Bearer ionos-test-token' }, body: { properties: { description: 'every' } } });
      emu.clock.advance(2_000);
      return { accessKeyId: created.body.properties.accessKey, secretAccessKey: created.body.properties.secretKey };
    },
  },
  { vendor: 'exoscale', bucket: 'every-exoscale', createsBuckets: true, creds: async () => ({ accessKeyId: 'EXO000000000000000000000001', secretAccessKey: 'emulator-test-secret-do-not-use-in-prod-000' }) },
  { vendor: 'ibm', bucket: 'every-ibm', createsBuckets: true, creds: async () => ({ accessKeyId: '181920', secretAccessKey: 'secretKey' }) },
  { vendor: 'krutrim', bucket: 'emulator-bucket', createsBuckets: true, creds: async () => ({ accessKeyId: 'KOSEMULATOR000000001', secretAccessKey: 'krutrim-emulator-secret-000000000000000001' }) },
];

describe.each(CASES)('$vendor', ({ vendor, bucket, createsBuckets, creds }) => {
  it('every operation of the plane', async () => {
    const s3 = s3Client(`${emu.url}/ns/every-${vendor}/s3/${vendor}`, await creds());
    const Bucket = bucket;
    if (createsBuckets && bucket !== 'emulator-bucket') await s3.send(new CreateBucketCommand({ Bucket }));
    const scratch = `scratch-${vendor}`;
    if (createsBuckets) {
      await s3.send(new CreateBucketCommand({ Bucket: scratch }));
      await s3.send(new DeleteBucketCommand({ Bucket: scratch }));
    } else {
      expect(await s3Failure(s3.send(new CreateBucketCommand({ Bucket: scratch })))).toMatchObject({ code: 'AccessDenied', status: 403 });
      expect(await s3Failure(s3.send(new DeleteBucketCommand({ Bucket })))).toMatchObject({ status: 403 });
    }
    expect((await s3.send(new ListBucketsCommand({}))).Buckets?.map((b) => b.Name)).toContain(Bucket);
    expect((await s3.send(new HeadBucketCommand({ Bucket }))).$metadata.httpStatusCode).toBe(200);
    expect((await s3.send(new GetBucketLocationCommand({ Bucket }))).LocationConstraint).toBeTruthy();

    expect((await s3.send(new GetBucketVersioningCommand({ Bucket }))).Status).toBeUndefined();

    await s3.send(new PutObjectCommand({ Bucket, Key: 'every/one.txt', Body: 'one', ContentType: 'text/plain', Tagging: 'vendor=' + vendor }));
    const got = await s3.send(new GetObjectCommand({ Bucket, Key: 'every/one.txt' }));
    expect(await got.Body!.transformToString()).toBe('one');
    expect(got.TagCount).toBe(1);
    expect((await s3.send(new GetObjectTaggingCommand({ Bucket, Key: 'every/one.txt' }))).TagSet).toEqual([{ Key: 'vendor', Value: vendor }]);
    await s3.send(new PutObjectTaggingCommand({ Bucket, Key: 'every/one.txt', Tagging: { TagSet: [{ Key: 'k', Value: 'v' }, { Key: 'k2', Value: 'v2' }] } }));
    expect((await s3.send(new GetObjectCommand({ Bucket, Key: 'every/one.txt' }))).TagCount).toBe(2);
    await s3.send(new DeleteObjectTaggingCommand({ Bucket, Key: 'every/one.txt' }));
    expect((await s3.send(new GetObjectTaggingCommand({ Bucket, Key: 'every/one.txt' }))).TagSet).toEqual([]);
    expect((await s3.send(new HeadObjectCommand({ Bucket, Key: 'every/one.txt' }))).ContentType).toBe('text/plain');
    await s3.send(new CopyObjectCommand({ Bucket, Key: 'every/two.txt', CopySource: `${Bucket}/every/one.txt` }));
    expect((await s3.send(new ListObjectsV2Command({ Bucket, Prefix: 'every/' }))).Contents?.map((o) => o.Key)).toEqual(['every/one.txt', 'every/two.txt']);
    expect((await s3.send(new ListObjectsCommand({ Bucket, Prefix: 'every/' }))).Contents?.map((o) => o.Key)).toEqual(['every/one.txt', 'every/two.txt']);

    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket, Key: 'every/multi' }));
    expect((await s3.send(new ListMultipartUploadsCommand({ Bucket }))).Uploads?.map((u) => u.UploadId)).toEqual([UploadId]);
    const part = await s3.send(new UploadPartCommand({ Bucket, Key: 'every/multi', UploadId, PartNumber: 1, Body: 'multipart body' }));
    const copied = await s3.send(new UploadPartCopyCommand({ Bucket, Key: 'every/multi', UploadId, PartNumber: 2, CopySource: `${Bucket}/every/one.txt`, CopySourceRange: 'bytes=1-2' }));
    expect((await s3.send(new ListPartsCommand({ Bucket, Key: 'every/multi', UploadId }))).Parts).toHaveLength(2);
    // Only the last part may be under 5 MiB: the copied part is completed alone.
    const done = await s3.send(new CompleteMultipartUploadCommand({ Bucket, Key: 'every/multi', UploadId, MultipartUpload: { Parts: [{ PartNumber: 2, ETag: copied.CopyPartResult!.ETag }] } }));
    expect(done.ETag).toMatch(/-1"$/);
    expect(part.ETag).toBeTruthy();
    expect(await (await s3.send(new GetObjectCommand({ Bucket, Key: 'every/multi' }))).Body!.transformToString()).toBe('ne');
    const aborted = await s3.send(new CreateMultipartUploadCommand({ Bucket, Key: 'every/aborted' }));
    await s3.send(new AbortMultipartUploadCommand({ Bucket, Key: 'every/aborted', UploadId: aborted.UploadId }));

    await s3.send(new DeleteObjectsCommand({ Bucket, Delete: { Objects: [{ Key: 'every/one.txt' }, { Key: 'every/two.txt' }] } }));
    await s3.send(new DeleteObjectCommand({ Bucket, Key: 'every/multi' }));
    expect((await s3.send(new ListObjectsV2Command({ Bucket, Prefix: 'every/' }))).KeyCount).toBe(0);
    expect(await s3Failure(s3.send(new GetObjectCommand({ Bucket, Key: 'every/one.txt' })))).toMatchObject({ code: 'NoSuchKey', status: 404 });
  });
});
