import {
  AbortMultipartUploadCommand, CompleteMultipartUploadCommand, CopyObjectCommand, CreateBucketCommand, CreateMultipartUploadCommand, DeleteObjectCommand, DeleteObjectTaggingCommand,
  GetBucketVersioningCommand, GetObjectCommand, GetObjectTaggingCommand, HeadObjectCommand, ListMultipartUploadsCommand, PutObjectCommand, PutObjectTaggingCommand,
  UploadPartCommand, UploadPartCopyCommand, type S3Client,
} from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crc64nvme } from '../../src/s3/crc64nvme.js';
import { s3Client, s3Failure, startS3Emulator, type S3TestEmulator } from './helpers.js';

/**
 * The operations an SDK user reaches beyond the core list (tagging, ListMultipartUploads,
 * UploadPartCopy, GetBucketVersioning, CRC64NVME checksums), with the real AWS SDK on IBM's plane:
 * status, body, headers and the state after each call.
 */

const IBM = { accessKeyId: '181920', secretAccessKey: 'secretKey' };
const BUCKET = 'gaps';

let emu: S3TestEmulator;
let s3: S3Client;
beforeAll(async () => {
  emu = await startS3Emulator();
  s3 = s3Client(`${emu.url}/ns/gaps/s3/ibm`, IBM);
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
});
afterAll(async () => emu.close());

const md5 = (data: Buffer | string) => createHash('md5').update(data).digest('hex');
const tagsOf = async (Key: string) => (await s3.send(new GetObjectTaggingCommand({ Bucket: BUCKET, Key }))).TagSet ?? [];
const bytesOf = async (Key: string) => Buffer.from(await (await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key }))).Body!.transformToByteArray());

describe('object tagging', () => {
  it('x-amz-tagging on PutObject, GetObjectTagging, the TagCount of GetObject, Put/DeleteObjectTagging', async () => {
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'tagged', Body: 'x', Tagging: 'team=storage&stage=test%20run' }));
    expect(await tagsOf('tagged')).toEqual([{ Key: 'team', Value: 'storage' }, { Key: 'stage', Value: 'test run' }]);
    expect((await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'tagged' }))).TagCount).toBe(2);

    await s3.send(new PutObjectTaggingCommand({ Bucket: BUCKET, Key: 'tagged', Tagging: { TagSet: [{ Key: 'only', Value: '' }] } }));
    expect(await tagsOf('tagged')).toEqual([{ Key: 'only', Value: '' }]);
    expect((await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'tagged', IfMatch: `"${md5('x')}"` }))).TagCount).toBe(1);

    const deleted = await s3.send(new DeleteObjectTaggingCommand({ Bucket: BUCKET, Key: 'tagged' }));
    expect(deleted.$metadata.httpStatusCode).toBe(204);
    expect(await tagsOf('tagged')).toEqual([]);
    expect((await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'tagged' }))).TagCount).toBeUndefined();
  });

  it('invalid tags are InvalidTag and change nothing; a missing object is NoSuchKey', async () => {
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'kept', Body: 'v1', Tagging: 'a=1' }));
    const eleven = Array.from({ length: 11 }, (_, i) => ({ Key: `k${i}`, Value: 'v' }));
    for (const TagSet of [eleven, [{ Key: 'aws:owner', Value: 'x' }], [{ Key: 'k'.repeat(129), Value: 'x' }], [{ Key: 'd', Value: '1' }, { Key: 'd', Value: '2' }]]) {
      expect(await s3Failure(s3.send(new PutObjectTaggingCommand({ Bucket: BUCKET, Key: 'kept', Tagging: { TagSet } })))).toMatchObject({ code: 'InvalidTag', status: 400 });
    }
    expect(await s3Failure(s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'kept', Body: 'v2', Tagging: 'a=1&a=2' })))).toMatchObject({ code: 'InvalidTag', status: 400 });
    expect((await bytesOf('kept')).toString()).toBe('v1');
    expect(await tagsOf('kept')).toEqual([{ Key: 'a', Value: '1' }]);
    expect(await s3Failure(s3.send(new GetObjectTaggingCommand({ Bucket: BUCKET, Key: 'nothing-here' })))).toMatchObject({ code: 'NoSuchKey', status: 404 });
    expect(await s3Failure(s3.send(new PutObjectTaggingCommand({ Bucket: BUCKET, Key: 'nothing-here', Tagging: { TagSet: [] } })))).toMatchObject({ code: 'NoSuchKey', status: 404 });
  });

  it('an overwrite without x-amz-tagging drops the tags; a delete takes them; CopyObject copies or replaces them', async () => {
    await s3.send(new PutObjectTaggingCommand({ Bucket: BUCKET, Key: 'kept', Tagging: { TagSet: [{ Key: 'a', Value: '1' }] } }));
    await s3.send(new CopyObjectCommand({ Bucket: BUCKET, Key: 'copied', CopySource: `${BUCKET}/kept` }));
    expect(await tagsOf('copied')).toEqual([{ Key: 'a', Value: '1' }]);
    await s3.send(new CopyObjectCommand({ Bucket: BUCKET, Key: 'replaced', CopySource: `${BUCKET}/kept`, TaggingDirective: 'REPLACE', Tagging: 'b=2' }));
    expect(await tagsOf('replaced')).toEqual([{ Key: 'b', Value: '2' }]);

    // The same bytes again, at the same (frozen) emulator time: still a new object, without the old tags.
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'kept', Body: 'v1' }));
    expect(await tagsOf('kept')).toEqual([]);
    await s3.send(new PutObjectTaggingCommand({ Bucket: BUCKET, Key: 'copied', Tagging: { TagSet: [{ Key: 'c', Value: '3' }] } }));
    await s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: 'copied' }));
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'copied', Body: 'v1' }));
    expect(await tagsOf('copied')).toEqual([]);
  });
});

describe('multipart: ListMultipartUploads and UploadPartCopy', () => {
  it('lists uploads by key then initiation, with prefix, delimiter and paging markers', async () => {
    const ids: Record<string, string> = {};
    for (const key of ['logs/a', 'logs/b', 'logs/deep/c', 'other']) {
      ids[key] = (await s3.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: key }))).UploadId!;
      emu.clock.advance(1000);
    }
    const second = (await s3.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: 'logs/a' }))).UploadId!;

    const all = await s3.send(new ListMultipartUploadsCommand({ Bucket: BUCKET }));
    expect(all.Uploads!.map((u) => [u.Key, u.UploadId])).toEqual([['logs/a', ids['logs/a']], ['logs/a', second], ['logs/b', ids['logs/b']], ['logs/deep/c', ids['logs/deep/c']], ['other', ids.other]]);
    expect(all).toMatchObject({ Bucket: BUCKET, IsTruncated: false, MaxUploads: 1000 });
    expect(all.Uploads![0]).toMatchObject({ StorageClass: 'STANDARD', Owner: { ID: expect.any(String) }, Initiator: { ID: expect.any(String) } });
    expect(all.Uploads![0]!.Initiated).toBeInstanceOf(Date);

    const grouped = await s3.send(new ListMultipartUploadsCommand({ Bucket: BUCKET, Prefix: 'logs/', Delimiter: '/' }));
    expect(grouped.Uploads!.map((u) => u.Key)).toEqual(['logs/a', 'logs/a', 'logs/b']);
    expect(grouped.CommonPrefixes).toEqual([{ Prefix: 'logs/deep/' }]);

    const page1 = await s3.send(new ListMultipartUploadsCommand({ Bucket: BUCKET, MaxUploads: 1 }));
    expect(page1).toMatchObject({ IsTruncated: true, NextKeyMarker: 'logs/a', NextUploadIdMarker: ids['logs/a'] });
    const page2 = await s3.send(new ListMultipartUploadsCommand({ Bucket: BUCKET, MaxUploads: 2, KeyMarker: page1.NextKeyMarker, UploadIdMarker: page1.NextUploadIdMarker }));
    expect(page2.Uploads!.map((u) => u.UploadId)).toEqual([second, ids['logs/b']]);
    const afterKey = await s3.send(new ListMultipartUploadsCommand({ Bucket: BUCKET, KeyMarker: 'logs/b' }));
    expect(afterKey.Uploads!.map((u) => u.Key)).toEqual(['logs/deep/c', 'other']);

    for (const [Key, UploadId] of [...Object.entries(ids), ['logs/a', second] as const]) await s3.send(new AbortMultipartUploadCommand({ Bucket: BUCKET, Key, UploadId }));
    expect((await s3.send(new ListMultipartUploadsCommand({ Bucket: BUCKET }))).Uploads).toBeUndefined();
  });

  it('UploadPartCopy copies a range of an object into a part; the completed object has those bytes and the upload tags', async () => {
    const source = Buffer.alloc(6 * 1024 * 1024);
    for (let i = 0; i < source.length; i++) source[i] = i % 251;
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'source.bin', Body: source }));
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: 'assembled.bin', Tagging: 'origin=copy' }));
    const first = await s3.send(new UploadPartCopyCommand({ Bucket: BUCKET, Key: 'assembled.bin', UploadId, PartNumber: 1, CopySource: `${BUCKET}/source.bin`, CopySourceRange: `bytes=0-${5 * 1024 * 1024 - 1}` }));
    expect(first.CopyPartResult!.ETag).toBe(`"${md5(source.subarray(0, 5 * 1024 * 1024))}"`);
    expect(first.CopyPartResult!.LastModified).toBeInstanceOf(Date);
    const tail = Buffer.from('tail bytes');
    const second = await s3.send(new UploadPartCommand({ Bucket: BUCKET, Key: 'assembled.bin', UploadId, PartNumber: 2, Body: tail }));

    expect(await s3Failure(s3.send(new UploadPartCopyCommand({ Bucket: BUCKET, Key: 'assembled.bin', UploadId, PartNumber: 3, CopySource: `${BUCKET}/source.bin`, CopySourceRange: `bytes=0-${source.length}` }))))
      .toMatchObject({ code: 'InvalidArgument', status: 400 });
    expect(await s3Failure(s3.send(new UploadPartCopyCommand({ Bucket: BUCKET, Key: 'assembled.bin', UploadId, PartNumber: 3, CopySource: `${BUCKET}/source.bin`, CopySourceIfMatch: '"nope"' }))))
      .toMatchObject({ code: 'PreconditionFailed', status: 412 });
    expect(await s3Failure(s3.send(new UploadPartCopyCommand({ Bucket: BUCKET, Key: 'assembled.bin', UploadId: 'no-such-upload', PartNumber: 1, CopySource: `${BUCKET}/source.bin` }))))
      .toMatchObject({ code: 'NoSuchUpload', status: 404 });

    await s3.send(new CompleteMultipartUploadCommand({
      Bucket: BUCKET, Key: 'assembled.bin', UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: first.CopyPartResult!.ETag }, { PartNumber: 2, ETag: second.ETag }] },
    }));
    const assembled = await bytesOf('assembled.bin');
    expect(assembled.equals(Buffer.concat([source.subarray(0, 5 * 1024 * 1024), tail]))).toBe(true);
    expect(await tagsOf('assembled.bin')).toEqual([{ Key: 'origin', Value: 'copy' }]);
  });

  it('CopyObject honours x-amz-copy-source-if-modified-since / -if-unmodified-since', async () => {
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'dated', Body: 'd' }));
    const { LastModified } = await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'dated' }));
    const later = new Date(LastModified!.getTime() + 60_000);
    const earlier = new Date(LastModified!.getTime() - 60_000);
    expect(await s3Failure(s3.send(new CopyObjectCommand({ Bucket: BUCKET, Key: 'dated-copy', CopySource: `${BUCKET}/dated`, CopySourceIfModifiedSince: later }))))
      .toMatchObject({ code: 'PreconditionFailed', status: 412 });
    expect(await s3Failure(s3.send(new CopyObjectCommand({ Bucket: BUCKET, Key: 'dated-copy', CopySource: `${BUCKET}/dated`, CopySourceIfUnmodifiedSince: earlier }))))
      .toMatchObject({ code: 'PreconditionFailed', status: 412 });
    expect(await s3Failure(s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'dated-copy' })))).toMatchObject({ status: 404 });
    await s3.send(new CopyObjectCommand({ Bucket: BUCKET, Key: 'dated-copy', CopySource: `${BUCKET}/dated`, CopySourceIfModifiedSince: earlier, CopySourceIfUnmodifiedSince: later }));
    expect((await bytesOf('dated-copy')).toString()).toBe('d');
  });
});

describe('GetBucketVersioning and CRC64NVME', () => {
  it('GetBucketVersioning of a bucket never versioned: 200 and an empty configuration; NoSuchBucket otherwise', async () => {
    const res = await s3.send(new GetBucketVersioningCommand({ Bucket: BUCKET }));
    expect(res.$metadata.httpStatusCode).toBe(200);
    expect(res.Status).toBeUndefined();
    expect(res.MFADelete).toBeUndefined();
    expect(await s3Failure(s3.send(new GetBucketVersioningCommand({ Bucket: 'no-such-bucket' })))).toMatchObject({ code: 'NoSuchBucket', status: 404 });
  });

  it('an upload with ChecksumAlgorithm CRC64NVME verifies and echoes the checksum; a wrong one is BadDigest and stores nothing', async () => {
    const body = Buffer.from('checked with crc64nvme');
    const expected = crc64nvme(body).toString('base64');
    const put = await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'crc64', Body: body, ChecksumAlgorithm: 'CRC64NVME' }));
    expect(put.ChecksumCRC64NVME).toBe(expected);
    expect((await bytesOf('crc64')).equals(body)).toBe(true);
    const wrong = crc64nvme(Buffer.from('other bytes')).toString('base64');
    expect(await s3Failure(s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'crc64-wrong', Body: body, ChecksumCRC64NVME: wrong }))))
      .toMatchObject({ code: 'BadDigest', status: 400 });
    expect(await s3Failure(s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'crc64-wrong' })))).toMatchObject({ status: 404 });
  });
});
