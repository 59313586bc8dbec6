import {
  CopyObjectCommand, CreateBucketCommand, DeleteBucketCommand, DeleteObjectCommand, DeleteObjectsCommand, GetBucketLocationCommand, GetObjectCommand, HeadBucketCommand,
  CompleteMultipartUploadCommand, HeadObjectCommand, ListObjectsCommand, ListObjectsV2Command, ListPartsCommand, CreateMultipartUploadCommand, UploadPartCommand, AbortMultipartUploadCommand, PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { s3Client, s3Failure, startS3Emulator, type S3TestEmulator } from './helpers.js';

/** The S3 operations with the real AWS SDK (DESIGN.md §6), on IBM's plane (plane-owned buckets). */

const IBM = { accessKeyId: '181920', secretAccessKey: 'secretKey' };
const OTHER_ACCOUNT = { accessKeyId: 'a42a27755ce6442596b049bd7dd8a563', secretAccessKey: '71faf1d40bb24c82b479b1c6fbbd9f0c' };

let emu: S3TestEmulator;
let s3: S3Client;
beforeAll(async () => {
  emu = await startS3Emulator({ S3_MAX_OBJECT_BYTES: String(20 * 1024 * 1024), S3_MAX_NAMESPACE_BYTES: String(40 * 1024 * 1024) });
  s3 = s3Client(`${emu.url}/ns/ops/s3/ibm`, IBM);
  await s3.send(new CreateBucketCommand({ Bucket: 'ops' }));
});
afterAll(async () => emu.close());

const md5 = (data: Buffer | string) => createHash('md5').update(data).digest('hex');
const text = async (key: string, extra: Record<string, unknown> = {}) => (await s3.send(new GetObjectCommand({ Bucket: 'ops', Key: key, ...extra }))).Body!.transformToString();

describe('objects', () => {
  it('PutObject / GetObject / HeadObject: MD5 ETag, content type, metadata, Range, conditions', async () => {
    const put = await s3.send(new PutObjectCommand({ Bucket: 'ops', Key: 'obj.txt', Body: '0123456789', ContentType: 'text/plain', Metadata: { purpose: 'test' } }));
    expect(put.ETag).toBe(`"${md5('0123456789')}"`);
    const head = await s3.send(new HeadObjectCommand({ Bucket: 'ops', Key: 'obj.txt' }));
    expect(head).toMatchObject({ ContentLength: 10, ContentType: 'text/plain', ETag: put.ETag, Metadata: { purpose: 'test' } });
    expect(await text('obj.txt', { Range: 'bytes=2-4' })).toBe('234');
    expect(await text('obj.txt', { Range: 'bytes=-3' })).toBe('789');
    const ranged = await s3.send(new GetObjectCommand({ Bucket: 'ops', Key: 'obj.txt', Range: 'bytes=5-' }));
    expect(ranged.ContentRange).toBe('bytes 5-9/10');
    expect(await s3Failure(s3.send(new GetObjectCommand({ Bucket: 'ops', Key: 'obj.txt', Range: 'bytes=20-30' })))).toMatchObject({ code: 'InvalidRange', status: 416 });
    expect(await s3Failure(s3.send(new GetObjectCommand({ Bucket: 'ops', Key: 'obj.txt', IfMatch: '"deadbeef"' })))).toMatchObject({ code: 'PreconditionFailed', status: 412 });
    expect(await text('obj.txt', { IfMatch: put.ETag })).toBe('0123456789');
    expect((await s3Failure(s3.send(new GetObjectCommand({ Bucket: 'ops', Key: 'obj.txt', IfNoneMatch: put.ETag })))).status).toBe(304);
    expect(await s3Failure(s3.send(new GetObjectCommand({ Bucket: 'ops', Key: 'missing' })))).toMatchObject({ code: 'NoSuchKey', status: 404 });
    expect(await s3Failure(s3.send(new GetObjectCommand({ Bucket: 'no-such-bucket', Key: 'x' })))).toMatchObject({ code: 'NoSuchBucket', status: 404 });
  });

  it('an object of any type is bytes: a large, deep JSON document is stored as sent', async () => {
    const deep = `${'['.repeat(5000)}${']'.repeat(5000)}${' '.repeat(20_000)}`;
    await s3.send(new PutObjectCommand({ Bucket: 'ops', Key: 'deep.json', Body: deep, ContentType: 'application/json' }));
    expect(await text('deep.json')).toBe(deep);
  });

  it('a streamed upload (aws-chunked with a CRC32 trailer) and each checksum algorithm', async () => {
    const body = Buffer.alloc(300_000, 7);
    const put = await s3.send(new PutObjectCommand({ Bucket: 'ops', Key: 'streamed', Body: Readable.from([body.subarray(0, 100_000), body.subarray(100_000)]), ContentLength: body.length }));
    expect(put.ETag).toBe(`"${md5(body)}"`);
    for (const algorithm of ['CRC32', 'CRC32C', 'SHA1', 'SHA256'] as const) {
      const res = await s3.send(new PutObjectCommand({ Bucket: 'ops', Key: `sum-${algorithm}`, Body: 'checked', ChecksumAlgorithm: algorithm }));
      expect(res.ETag).toBe(`"${md5('checked')}"`);
    }
    expect((await s3.send(new GetObjectCommand({ Bucket: 'ops', Key: 'streamed' }))).ContentLength).toBe(300_000);
  });

  it('CopyObject (COPY and REPLACE metadata), DeleteObject, DeleteObjects', async () => {
    await s3.send(new PutObjectCommand({ Bucket: 'ops', Key: 'src', Body: 'copy me', Metadata: { a: '1' } }));
    const copied = await s3.send(new CopyObjectCommand({ Bucket: 'ops', Key: 'dst', CopySource: 'ops/src' }));
    expect(copied.CopyObjectResult?.ETag).toBe(`"${md5('copy me')}"`);
    expect((await s3.send(new HeadObjectCommand({ Bucket: 'ops', Key: 'dst' }))).Metadata).toEqual({ a: '1' });
    await s3.send(new CopyObjectCommand({ Bucket: 'ops', Key: 'dst', CopySource: 'ops/src', MetadataDirective: 'REPLACE', Metadata: { b: '2' } }));
    expect((await s3.send(new HeadObjectCommand({ Bucket: 'ops', Key: 'dst' }))).Metadata).toEqual({ b: '2' });
    expect(await s3Failure(s3.send(new CopyObjectCommand({ Bucket: 'ops', Key: 'src', CopySource: 'ops/src' })))).toMatchObject({ code: 'InvalidRequest', status: 400 });

    await s3.send(new DeleteObjectCommand({ Bucket: 'ops', Key: 'dst' }));
    expect(await s3Failure(s3.send(new HeadObjectCommand({ Bucket: 'ops', Key: 'dst' })))).toMatchObject({ status: 404 });
    for (const k of ['d1', 'd2', 'd3']) await s3.send(new PutObjectCommand({ Bucket: 'ops', Key: k, Body: k }));
    const deleted = await s3.send(new DeleteObjectsCommand({ Bucket: 'ops', Delete: { Objects: [{ Key: 'd1' }, { Key: 'd2' }, { Key: 'never-there' }] } }));
    expect(deleted.Deleted?.map((d) => d.Key)).toEqual(['d1', 'd2', 'never-there']);
    expect(await text('d3')).toBe('d3');
    expect(await s3Failure(s3.send(new HeadObjectCommand({ Bucket: 'ops', Key: 'd1' })))).toMatchObject({ status: 404 });
  });

  it('ListObjectsV2 (prefix, delimiter, max-keys, continuation, start-after) and ListObjects', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'listing' }));
    for (const k of ['a/1', 'a/2', 'b/1', 'c', 'd', 'e']) await s3.send(new PutObjectCommand({ Bucket: 'listing', Key: k, Body: k }));
    const top = await s3.send(new ListObjectsV2Command({ Bucket: 'listing', Delimiter: '/' }));
    expect(top.CommonPrefixes?.map((p) => p.Prefix)).toEqual(['a/', 'b/']);
    expect(top.Contents?.map((o) => o.Key)).toEqual(['c', 'd', 'e']);
    expect(top.KeyCount).toBe(5);

    const seen: string[] = [];
    let token: string | undefined;
    do {
      const page = await s3.send(new ListObjectsV2Command({ Bucket: 'listing', MaxKeys: 2, Delimiter: '/', ContinuationToken: token }));
      seen.push(...(page.CommonPrefixes ?? []).map((p) => p.Prefix!), ...(page.Contents ?? []).map((o) => o.Key!));
      expect(page.KeyCount).toBeLessThanOrEqual(2);
      token = page.NextContinuationToken;
      if (page.IsTruncated) expect(token).toBeDefined();
    } while (token);
    expect(seen.sort()).toEqual(['a/', 'b/', 'c', 'd', 'e']);

    expect((await s3.send(new ListObjectsV2Command({ Bucket: 'listing', Prefix: 'a/' }))).Contents?.map((o) => o.Key)).toEqual(['a/1', 'a/2']);
    expect((await s3.send(new ListObjectsV2Command({ Bucket: 'listing', StartAfter: 'c' }))).Contents?.map((o) => o.Key)).toEqual(['d', 'e']);
    const v1 = await s3.send(new ListObjectsCommand({ Bucket: 'listing', MaxKeys: 3 }));
    expect(v1.Contents?.map((o) => o.Key)).toEqual(['a/1', 'a/2', 'b/1']);
    expect(v1.IsTruncated).toBe(true);
    expect((await s3.send(new ListObjectsCommand({ Bucket: 'listing', Marker: 'b/1' }))).Contents?.map((o) => o.Key)).toEqual(['c', 'd', 'e']);
  });
});

describe('buckets', () => {
  it('HeadBucket, GetBucketLocation, DeleteBucket (not empty, then empty), names, owners', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'short-lived' }));
    expect((await s3.send(new HeadBucketCommand({ Bucket: 'short-lived' }))).$metadata.httpStatusCode).toBe(200);
    expect((await s3.send(new GetBucketLocationCommand({ Bucket: 'short-lived' }))).LocationConstraint).toBe('us-standard');
    await s3.send(new PutObjectCommand({ Bucket: 'short-lived', Key: 'x', Body: 'x' }));
    expect(await s3Failure(s3.send(new DeleteBucketCommand({ Bucket: 'short-lived' })))).toMatchObject({ code: 'BucketNotEmpty', status: 409 });
    await s3.send(new DeleteObjectCommand({ Bucket: 'short-lived', Key: 'x' }));
    await s3.send(new DeleteBucketCommand({ Bucket: 'short-lived' }));
    expect(await s3Failure(s3.send(new HeadBucketCommand({ Bucket: 'short-lived' })))).toMatchObject({ status: 404 });
    expect(await s3Failure(s3.send(new CreateBucketCommand({ Bucket: 'Bad_Name' })))).toMatchObject({ code: 'InvalidBucketName', status: 400 });

    // another storage account: the name is taken, the bucket is not theirs
    const other = s3Client(`${emu.url}/ns/ops/s3/ibm`, OTHER_ACCOUNT);
    expect(await s3Failure(other.send(new CreateBucketCommand({ Bucket: 'ops' })))).toMatchObject({ code: 'BucketAlreadyExists', status: 409 });
    expect(await s3Failure(other.send(new GetObjectCommand({ Bucket: 'ops', Key: 'obj.txt' })))).toMatchObject({ code: 'AccessDenied', status: 403 });
  });
});

describe('multipart', () => {
  it('lib-storage Upload switches to multipart: ETag <md5-of-md5s>-<n>, bytes intact', async () => {
    const size = 11 * 1024 * 1024;
    const body = Buffer.alloc(size);
    for (let i = 0; i < size; i += 4096) body.writeUInt32BE(i, i);
    const upload = new Upload({ client: s3, params: { Bucket: 'ops', Key: 'big.bin', Body: body }, partSize: 5 * 1024 * 1024, queueSize: 2 });
    const done = await upload.done();
    const parts = [body.subarray(0, 5 << 20), body.subarray(5 << 20, 10 << 20), body.subarray(10 << 20)];
    const expected = `${createHash('md5').update(Buffer.concat(parts.map((p) => createHash('md5').update(p).digest()))).digest('hex')}-3`;
    expect(done.ETag).toBe(`"${expected}"`);
    const got = await s3.send(new GetObjectCommand({ Bucket: 'ops', Key: 'big.bin' }));
    expect(got.ETag).toBe(`"${expected}"`);
    expect(md5(Buffer.from(await got.Body!.transformToByteArray()))).toBe(md5(body));
  });

  it('ListParts, Abort, and the refusals: small parts, wrong ETag, unknown upload', async () => {
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: 'ops', Key: 'parts' }));
    const p1 = await s3.send(new UploadPartCommand({ Bucket: 'ops', Key: 'parts', UploadId, PartNumber: 1, Body: 'small part' }));
    await s3.send(new UploadPartCommand({ Bucket: 'ops', Key: 'parts', UploadId, PartNumber: 2, Body: 'last' }));
    const listed = await s3.send(new ListPartsCommand({ Bucket: 'ops', Key: 'parts', UploadId }));
    expect(listed.Parts?.map((p) => [p.PartNumber, p.Size, p.ETag])).toEqual([[1, 10, p1.ETag], [2, 4, `"${md5('last')}"`]]);
    const complete = (parts: Array<{ PartNumber: number; ETag: string }>) => s3.send(new CompleteMultipartUploadCommand({ Bucket: 'ops', Key: 'parts', UploadId, MultipartUpload: { Parts: parts } }));
    expect(await s3Failure(complete([{ PartNumber: 1, ETag: p1.ETag! }, { PartNumber: 2, ETag: `"${md5('last')}"` }]))).toMatchObject({ code: 'EntityTooSmall', status: 400 });
    expect(await s3Failure(complete([{ PartNumber: 1, ETag: '"00000000000000000000000000000000"' }]))).toMatchObject({ code: 'InvalidPart', status: 400 });
    expect(await s3Failure(complete([{ PartNumber: 2, ETag: `"${md5('last')}"` }, { PartNumber: 1, ETag: p1.ETag! }]))).toMatchObject({ code: 'InvalidPartOrder', status: 400 });
    // a single (last) part may be small
    const one = await complete([{ PartNumber: 1, ETag: p1.ETag! }]);
    expect(one.ETag).toBe(`"${md5(Buffer.from(md5('small part'), 'hex'))}-1"`);
    expect(await text('parts')).toBe('small part');
    expect(await s3Failure(s3.send(new UploadPartCommand({ Bucket: 'ops', Key: 'parts', UploadId, PartNumber: 3, Body: 'x' })))).toMatchObject({ code: 'NoSuchUpload', status: 404 });

    const second = await s3.send(new CreateMultipartUploadCommand({ Bucket: 'ops', Key: 'aborted' }));
    await s3.send(new UploadPartCommand({ Bucket: 'ops', Key: 'aborted', UploadId: second.UploadId, PartNumber: 1, Body: 'x' }));
    await s3.send(new AbortMultipartUploadCommand({ Bucket: 'ops', Key: 'aborted', UploadId: second.UploadId }));
    expect(await s3Failure(s3.send(new ListPartsCommand({ Bucket: 'ops', Key: 'aborted', UploadId: second.UploadId })))).toMatchObject({ code: 'NoSuchUpload' });
  });
});

describe('limits, signatures, journal and dump', () => {
  it('S3_MAX_OBJECT_BYTES → EntityTooLarge and S3_MAX_NAMESPACE_BYTES → 507, before the body is stored', async () => {
    const tooBig = Buffer.alloc(20 * 1024 * 1024 + 1);
    expect(await s3Failure(s3.send(new PutObjectCommand({ Bucket: 'ops', Key: 'too-big', Body: tooBig })))).toMatchObject({ code: 'EntityTooLarge', status: 400 });
    const limited = await startS3Emulator({ S3_MAX_NAMESPACE_BYTES: '1000' });
    try {
      const c = s3Client(`${limited.url}/s3/ibm`, IBM);
      await c.send(new CreateBucketCommand({ Bucket: 'full' }));
      await c.send(new PutObjectCommand({ Bucket: 'full', Key: 'a', Body: Buffer.alloc(600) }));
      expect(await s3Failure(c.send(new PutObjectCommand({ Bucket: 'full', Key: 'b', Body: Buffer.alloc(600) })))).toMatchObject({ code: 'InsufficientStorage', status: 507 });
      // replacing an object counts its old bytes out
      await c.send(new PutObjectCommand({ Bucket: 'full', Key: 'a', Body: Buffer.alloc(900) }));
    } finally {
      await limited.close();
    }
  });

  it('wrong secret, unknown key, skewed clock, anonymous: S3 XML errors with x-amz-request-id', async () => {
    expect(await s3Failure(s3Client(`${emu.url}/ns/ops/s3/ibm`, { accessKeyId: IBM.accessKeyId, secretAccessKey: 'wrong' }).send(new HeadBucketCommand({ Bucket: 'ops' })))).toMatchObject({ status: 403 });
    expect(await s3Failure(s3Client(`${emu.url}/ns/ops/s3/ibm`, { accessKeyId: IBM.accessKeyId, secretAccessKey: 'wrong' }).send(new GetObjectCommand({ Bucket: 'ops', Key: 'obj.txt' })))).toMatchObject({ code: 'SignatureDoesNotMatch' });
    expect(await s3Failure(s3Client(`${emu.url}/ns/ops/s3/ibm`, { accessKeyId: 'NOPE', secretAccessKey: 'x' }).send(new GetObjectCommand({ Bucket: 'ops', Key: 'obj.txt' })))).toMatchObject({ code: 'InvalidAccessKeyId' });
    const anonymous = await fetch(`${emu.url}/ns/ops/s3/ibm/ops/obj.txt`);
    expect(anonymous.status).toBe(403);
    expect(anonymous.headers.get('x-amz-request-id')).toMatch(/^[0-9A-F]{16}$/);
    const xml = await anonymous.text();
    expect(xml).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<Error><Code>AccessDenied<\/Code><Message>[^<]+<\/Message><Resource>\/ops\/obj.txt<\/Resource><RequestId>[0-9A-F]{16}<\/RequestId><\/Error>$/);
    const late = new Date(Date.now() - 3600_000).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
    const tooOld = await fetch(`${emu.url}/ns/ops/s3/ibm/ops/obj.txt`, { headers: { 'x-amz-date': late, 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD', authorization: `AWS4-HMAC-SHA256 Credential=${IBM.accessKeyId}/${late.slice(0, 8)}/us-east-1/s3/aws4_request, SignedHeaders=host;x-amz-date, Signature=${'0'.repeat(64)}` } });
    expect(tooOld.status).toBe(403);
    expect(await tooOld.text()).toContain('<Code>RequestTimeTooSkewed</Code>');
  });

  it('fault rules target an S3 operation (s3:<Operation>); x-emulator-fault takes an S3 code', async () => {
    const rule = await fetch(`${emu.url}/_emulator/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ vendor: 'ibm', operation: 's3:GetObject', error: 'SlowDown', times: 1 }) });
    expect(rule.status).toBeLessThan(300);
    // Typos are refused where they are given, naming what is valid.
    const post = (body: object) => fetch(`${emu.url}/_emulator/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const badOperation = await post({ vendor: 'ibm', operation: 's3:GetObjekt', error: 'SlowDown' });
    expect(badOperation.status).toBe(400);
    expect(await badOperation.text()).toContain('s3:GetObject');
    const badCode = await post({ vendor: 'ibm', operation: 's3:GetObject', error: 'SlowDownPlease' });
    expect(badCode.status).toBe(400);
    expect(await badCode.text()).toContain('SlowDown');
    expect((await (await fetch(`${emu.url}/_emulator/faults`)).json() as { faults: unknown[] }).faults).toHaveLength(1);
    await s3.send(new HeadObjectCommand({ Bucket: 'ops', Key: 'obj.txt' })); // another operation: untouched
    expect(await s3Failure(s3.send(new GetObjectCommand({ Bucket: 'ops', Key: 'obj.txt' })))).toMatchObject({ code: 'SlowDown', status: 503 });
    expect(await text('obj.txt')).toBe('0123456789'); // once only
    const forced = await fetch(`${emu.url}/ns/ops/s3/ibm/ops/obj.txt`, { headers: { 'x-emulator-fault': 'NoSuchKey' } });
    expect(forced.status).toBe(404);
    expect(await forced.text()).toContain('<Code>NoSuchKey</Code>');
  });

  it('the journal records s3:<Operation> under the vendor, without signatures; the dump lists objects without bytes', async () => {
    await s3.send(new PutObjectCommand({ Bucket: 'ops', Key: 'journaled', Body: 'secret-looking bytes' }));
    const journal = await (await fetch(`${emu.url}/_emulator/requests?vendor=ibm&namespace=ops`)).json() as { requests?: unknown[]; entries?: unknown[] };
    const text = JSON.stringify(journal);
    expect(text).toContain('"operation":"s3:PutObject"');
    expect(text).toContain('"path":"/ops/journaled"');
    expect(text).not.toContain('Signature');
    expect(text).not.toContain(IBM.secretAccessKey);
    const dump = await (await fetch(`${emu.url}/_emulator/state?vendor=ibm&namespace=ops`)).json() as { namespaces: Record<string, { ibm: Record<string, Array<Record<string, unknown>>> }> };
    const objects = dump.namespaces.ops!.ibm.ibm_s3_objects!;
    const row = objects.find((o) => o.key === 'journaled')!;
    expect(row).toMatchObject({ bucket: 'ops', size: 20, etag: md5('secret-looking bytes') });
    expect(row).not.toHaveProperty('body');
    expect(JSON.stringify(dump)).not.toContain('secret-looking bytes');
  });
});
