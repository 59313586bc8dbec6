import type { Readable } from 'node:stream';
import type { VendorContext } from '../core/vendor.js';
import { CHECKSUM_ALGORITHMS, md5Hex, readBody, type BodyEncoding, type BodyPlan, type ReadBody } from './body.js';
import { s3Error } from './errors.js';
import type { S3Access, S3Bucket, S3Key, S3ObjectMeta, S3World } from './part.js';
import { multipartStore, tagStore, type MultipartStore, type S3Tags, type TagStore, type Upload } from './store.js';
import { parseCompleteRequest, parseDeleteRequest, parseTaggingRequest, s3Document, xmlElement, xmlEscape } from './xml.js';

/**
 * The S3 operations (DESIGN.md §6), vendor-neutral: a request already authenticated with a
 * vendor's key comes in, a response descriptor goes out. Which buckets and objects exist, and
 * what the key may do, is asked of the vendor's part (S3World, S3Key.may).
 */

export interface S3Response {
  status: number;
  headers: Record<string, string>;
  body?: string | Buffer;
}

export interface S3Request {
  method: string;
  bucket: string | undefined;
  key: string | undefined;
  query: URLSearchParams;
  headers: Record<string, string | string[] | undefined>;
  stream: Readable;
  /** How the body is framed and signed (from the signature check). */
  encoding: BodyEncoding;
}

export interface PlaneContext {
  ctx: VendorContext;
  vendor: string;
  namespace: string;
  /** The request's one time on the emulator clock: every write of the request is dated by it. */
  now: number;
  world: S3World;
  key: S3Key;
  /** Object bytes the namespace holds across every vendor (objects and upload parts). */
  namespaceBytes(): number;
}

/** `x-amz-checksum-<algorithm>`, by algorithm. */
const CHECKSUM_HEADERS = CHECKSUM_ALGORITHMS.map((algorithm) => [algorithm, `x-amz-checksum-${algorithm}`] as const);

/** S3 requires every part but the last to be at least 5 MiB. */
export const MIN_PART_BYTES = 5 * 1024 * 1024;
const MAX_KEYS = 1000;
const MAX_XML_BODY = 2 * 1024 * 1024;
/** Above every character: `<prefix><LAST>` sorts after every key that starts with `<prefix>`. */
const LAST = '\u{10FFFF}';

const header = (h: S3Request['headers'], name: string): string | undefined => {
  const v = h[name];
  return Array.isArray(v) ? v[0] : v;
};
const quoted = (etag: string) => `"${etag}"`;
const httpDate = (ms: number) => new Date(ms).toUTCString();
const isoDate = (ms: number) => new Date(ms).toISOString();

/** GetObject's `response-*` query parameters and the header each one sets. */
const RESPONSE_OVERRIDES = [
  ['response-content-type', 'content-type'], ['response-content-disposition', 'content-disposition'], ['response-cache-control', 'cache-control'],
  ['response-content-encoding', 'content-encoding'], ['response-content-language', 'content-language'], ['response-expires', 'expires'],
] as const;

/** How the journal, the log and fault rules name an S3 operation: `s3:GetObject`. */
export const S3_OPERATION_PREFIX = 's3:';

/** The operations the plane serves: fault rules may name them as `s3:<Operation>`. */
export const S3_OPERATIONS = [
  'ListBuckets', 'CreateBucket', 'HeadBucket', 'DeleteBucket', 'GetBucketLocation', 'ListObjectsV2', 'ListObjects',
  'PutObject', 'GetObject', 'HeadObject', 'DeleteObject', 'DeleteObjects', 'CopyObject',
  'CreateMultipartUpload', 'UploadPart', 'UploadPartCopy', 'CompleteMultipartUpload', 'AbortMultipartUpload', 'ListParts', 'ListMultipartUploads',
  'GetObjectTagging', 'PutObjectTagging', 'DeleteObjectTagging', 'GetBucketVersioning',
] as const;

/** Which operation a request is, from its method, path and sub-resource (as S3 routes them). */
export function operationOf(method: string, bucket: string | undefined, key: string | undefined, q: URLSearchParams, headers: S3Request['headers']): string {
  if (bucket === undefined) return method === 'GET' ? 'ListBuckets' : 'Unsupported';
  if (key === undefined) {
    if (method === 'GET') {
      if (q.has('location')) return 'GetBucketLocation';
      if (q.has('uploads')) return 'ListMultipartUploads';
      if (q.has('versioning')) return 'GetBucketVersioning';
      if (q.get('list-type') === '2') return 'ListObjectsV2';
      for (const sub of ['acl', 'versioning', 'policy', 'cors', 'lifecycle', 'tagging', 'uploads', 'encryption', 'website', 'logging', 'notification', 'replication', 'object-lock', 'ownershipControls', 'publicAccessBlock', 'versions', 'accelerate', 'requestPayment']) {
        if (q.has(sub)) return 'Unsupported';
      }
      return 'ListObjects';
    }
    if (method === 'HEAD') return 'HeadBucket';
    if (method === 'PUT') return [...q.keys()].length === 0 ? 'CreateBucket' : 'Unsupported';
    if (method === 'DELETE') return [...q.keys()].length === 0 ? 'DeleteBucket' : 'Unsupported';
    if (method === 'POST' && q.has('delete')) return 'DeleteObjects';
    return 'Unsupported';
  }
  if (method === 'GET') return q.has('uploadId') ? 'ListParts' : q.has('tagging') ? 'GetObjectTagging' : q.has('acl') || q.has('attributes') ? 'Unsupported' : 'GetObject';
  if (method === 'HEAD') return 'HeadObject';
  if (method === 'PUT') {
    if (q.has('uploadId') || q.has('partNumber')) return header(headers, 'x-amz-copy-source') !== undefined ? 'UploadPartCopy' : 'UploadPart';
    if (q.has('tagging')) return 'PutObjectTagging';
    if (q.has('acl') || q.has('retention') || q.has('legal-hold')) return 'Unsupported';
    return header(headers, 'x-amz-copy-source') !== undefined ? 'CopyObject' : 'PutObject';
  }
  if (method === 'DELETE') return q.has('uploadId') ? 'AbortMultipartUpload' : q.has('tagging') ? 'DeleteObjectTagging' : 'DeleteObject';
  if (method === 'POST') return q.has('uploads') ? 'CreateMultipartUpload' : q.has('uploadId') ? 'CompleteMultipartUpload' : 'Unsupported';
  return 'Unsupported';
}

const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

function validBucketName(name: string): boolean {
  return BUCKET_NAME.test(name) && !name.includes('..') && !/^\d+\.\d+\.\d+\.\d+$/.test(name) && !name.startsWith('xn--');
}

export class S3Plane {
  private readonly uploads: MultipartStore;
  private readonly tags: TagStore;

  constructor(private readonly p: PlaneContext) {
    this.uploads = multipartStore(p.ctx.db, p.vendor);
    this.tags = tagStore(p.ctx.db, p.vendor);
  }

  private now(): number {
    return this.p.now;
  }

  private config() {
    return this.p.ctx.config;
  }

  // ---------------------------------------------------------------- helpers

  private deny(): never {
    throw s3Error('AccessDenied');
  }

  private bucket(name: string, access: S3Access, objectKey?: string): S3Bucket {
    const b = this.p.world.bucket(this.p.namespace, name);
    if (!b) throw s3Error('NoSuchBucket', undefined, { BucketName: name });
    if (!this.p.key.may(access, b, objectKey)) this.deny();
    return b;
  }

  private object(b: S3Bucket, key: string): S3ObjectMeta {
    const o = this.p.world.head(this.p.namespace, b.name, key);
    if (!o) throw s3Error('NoSuchKey', undefined, { Key: key });
    return o;
  }

  /**
   * S3_MAX_NAMESPACE_BYTES: a write that grows the namespace by `growth` bytes must fit. One that
   * does not grow it (an overwrite with no more bytes) cannot pass the limit, so the bytes of every
   * vendor's tables are not counted for it.
   */
  private checkRoom(growth: number): void {
    if (growth > 0 && this.p.namespaceBytes() + growth > this.config().s3MaxNamespaceBytes) throw s3Error('InsufficientStorage');
  }

  /** Sizes first (object limit, namespace limit), then the body: nothing is read that would be refused. */
  private plan(req: S3Request, extraBytes = 0): BodyPlan {
    const chunked = req.encoding.kind === 'chunked';
    const lengthText = chunked ? header(req.headers, 'x-amz-decoded-content-length') : header(req.headers, 'content-length');
    if (lengthText === undefined) throw s3Error('MissingContentLength', chunked ? 'You must provide the x-amz-decoded-content-length header for aws-chunked uploads.' : undefined);
    if (!/^\d{1,15}$/.test(lengthText)) throw s3Error('InvalidArgument', 'Content-Length must be a whole number of bytes');
    const length = Number(lengthText);
    const max = this.config().s3MaxObjectBytes;
    if (length > max) throw s3Error('EntityTooLarge', undefined, { ProposedSize: length, MaxSizeAllowed: max });
    this.checkRoom(length - extraBytes);
    const checksums: BodyPlan['checksums'] = [];
    for (const [algorithm, name] of CHECKSUM_HEADERS) {
      const given = header(req.headers, name);
      if (given !== undefined) checksums.push({ algorithm, expected: given });
    }
    const trailer = header(req.headers, 'x-amz-trailer');
    if (trailer !== undefined) {
      for (const name of trailer.split(',').map((t) => t.trim().toLowerCase())) {
        const algorithm = CHECKSUM_HEADERS.find(([, header]) => header === name)?.[0];
        if (algorithm && !checksums.some((c) => c.algorithm === algorithm)) checksums.push({ algorithm, expected: undefined });
      }
    }
    return { length, encoding: req.encoding, checksums, contentMd5: header(req.headers, 'content-md5') };
  }

  private async read(req: S3Request, extraBytes = 0): Promise<ReadBody> {
    return readBody(req.stream, this.plan(req, extraBytes));
  }

  /** A small XML request body (DeleteObjects, CompleteMultipartUpload, CreateBucket). */
  private async readXml(req: S3Request): Promise<Buffer> {
    const length = Number(header(req.headers, req.encoding.kind === 'chunked' ? 'x-amz-decoded-content-length' : 'content-length') ?? 0);
    if (!(length <= MAX_XML_BODY)) throw s3Error('MalformedXML', 'The XML you provided was larger than the maximum we allow.');
    if (length === 0) return Buffer.alloc(0);
    return (await readBody(req.stream, { length, encoding: req.encoding, checksums: [], contentMd5: header(req.headers, 'content-md5') })).body;
  }

  private metadataOf(req: S3Request): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (name.startsWith('x-amz-meta-') && value !== undefined) out[name.slice('x-amz-meta-'.length)] = Array.isArray(value) ? value.join(',') : value;
    }
    return out;
  }

  private objectHeaders(o: S3ObjectMeta): Record<string, string> {
    const h: Record<string, string> = { etag: quoted(o.etag), 'last-modified': httpDate(o.lastModified), 'content-type': o.contentType, 'accept-ranges': 'bytes' };
    for (const [k, v] of Object.entries(o.metadata)) h[`x-amz-meta-${k}`] = v;
    return h;
  }

  private checksumHeaders(sums: ReadBody['checksums']): Record<string, string> {
    return Object.fromEntries(Object.entries(sums).map(([alg, v]) => [`x-amz-checksum-${alg}`, v]));
  }

  // ---------------------------------------------------------------- dispatch

  async handle(operation: string, req: S3Request): Promise<S3Response> {
    const { bucket, key } = req;
    switch (operation) {
      case 'ListBuckets': return this.listBuckets();
      case 'CreateBucket': return this.createBucket(bucket!, req);
      case 'HeadBucket': return this.headBucket(bucket!);
      case 'DeleteBucket': return this.deleteBucket(bucket!);
      case 'GetBucketLocation': return this.location(bucket!);
      case 'ListObjectsV2': return this.listObjects(bucket!, req.query, 2);
      case 'ListObjects': return this.listObjects(bucket!, req.query, 1);
      case 'PutObject': return this.putObject(bucket!, key!, req);
      case 'GetObject': return this.getObject(bucket!, key!, req, true);
      case 'HeadObject': return this.getObject(bucket!, key!, req, false);
      case 'DeleteObject': return this.deleteObject(bucket!, key!);
      case 'DeleteObjects': return this.deleteObjects(bucket!, req);
      case 'CopyObject': return this.copyObject(bucket!, key!, req);
      case 'CreateMultipartUpload': return this.createUpload(bucket!, key!, req);
      case 'UploadPart': return this.uploadPart(bucket!, key!, req);
      case 'CompleteMultipartUpload': return this.completeUpload(bucket!, key!, req);
      case 'AbortMultipartUpload': return this.abortUpload(bucket!, key!, req.query);
      case 'ListParts': return this.listParts(bucket!, key!, req.query);
      case 'ListMultipartUploads': return this.listUploads(bucket!, req.query);
      case 'UploadPartCopy': return this.uploadPartCopy(bucket!, key!, req);
      case 'GetObjectTagging': return this.getTagging(bucket!, key!);
      case 'PutObjectTagging': return this.putTagging(bucket!, key!, req);
      case 'DeleteObjectTagging': return this.deleteTagging(bucket!, key!);
      case 'GetBucketVersioning': return this.versioning(bucket!);
      default: throw s3Error('NotImplemented', 'This S3 operation is not implemented by the emulator.');
    }
  }

  // ---------------------------------------------------------------- buckets

  private listBuckets(): S3Response {
    const { key } = this.p;
    if (!key.may('list-buckets')) this.deny();
    const buckets = this.p.world.buckets(this.p.namespace, key.owner.id).filter((b) => key.may('read-bucket', b));
    const items = buckets.map((b) => `<Bucket>${xmlElement('Name', b.name)}${xmlElement('CreationDate', isoDate(b.createdAt))}</Bucket>`).join('');
    return this.xml(200, s3Document('ListAllMyBucketsResult', `<Owner>${xmlElement('ID', key.owner.id)}${xmlElement('DisplayName', key.owner.displayName)}</Owner><Buckets>${items}</Buckets>`));
  }

  private async createBucket(name: string, req: S3Request): Promise<S3Response> {
    await this.readXml(req); // CreateBucketConfiguration: the region is the tenant's.
    if (!validBucketName(name)) throw s3Error('InvalidBucketName', undefined, { BucketName: name });
    if (!this.p.key.may('create-bucket')) this.deny();
    const existing = this.p.world.bucket(this.p.namespace, name);
    if (existing) throw s3Error(existing.ownerId === this.p.key.owner.id ? 'BucketAlreadyOwnedByYou' : 'BucketAlreadyExists', undefined, { BucketName: name });
    this.p.world.createBucket(this.p.namespace, this.p.key.owner, name, this.p.key.region, this.now());
    return { status: 200, headers: { location: `/${name}` } };
  }

  private headBucket(name: string): S3Response {
    const b = this.bucket(name, 'read-bucket');
    return { status: 200, headers: { 'x-amz-bucket-region': b.region } };
  }

  private deleteBucket(name: string): S3Response {
    const b = this.bucket(name, 'delete-bucket');
    if (this.p.world.objectCount(this.p.namespace, b.name) > 0) throw s3Error('BucketNotEmpty', undefined, { BucketName: name });
    this.p.world.deleteBucket(this.p.namespace, b.name);
    return { status: 204, headers: {} };
  }

  private location(name: string): S3Response {
    const b = this.bucket(name, 'read-bucket');
    return this.xml(200, s3Document('LocationConstraint', xmlEscape(b.region)));
  }

  /** Buckets here are never versioned: S3 (and MinIO, moto) answer an empty configuration for a bucket whose versioning was never set. */
  private versioning(name: string): S3Response {
    this.bucket(name, 'read-bucket');
    return this.xml(200, s3Document('VersioningConfiguration', ''));
  }

  // ---------------------------------------------------------------- listing

  private listObjects(name: string, q: URLSearchParams, version: 1 | 2): S3Response {
    const b = this.bucket(name, 'list');
    const prefix = q.get('prefix') ?? '';
    const delimiter = q.get('delimiter') ?? '';
    const maxText = q.get('max-keys');
    if (maxText !== null && !/^\d{1,9}$/.test(maxText)) throw s3Error('InvalidArgument', 'max-keys must be a non-negative integer');
    const maxKeys = Math.min(maxText === null ? MAX_KEYS : Number(maxText), MAX_KEYS);
    const urlEncoded = q.get('encoding-type') === 'url';
    if (q.has('encoding-type') && !urlEncoded) throw s3Error('InvalidArgument', 'Invalid Encoding Method specified in Request');
    let after: string;
    const token = q.get('continuation-token');
    if (version === 2 && token !== null) {
      after = Buffer.from(token, 'base64url').toString('utf8');
      if (token === '' || Buffer.from(after, 'utf8').toString('base64url') !== token) throw s3Error('InvalidArgument', 'The continuation token provided is incorrect');
    } else {
      after = (version === 2 ? q.get('start-after') : q.get('marker')) ?? '';
    }

    const contents: S3ObjectMeta[] = [];
    const prefixes: string[] = [];
    let truncated = false;
    let last = '';
    scan: while (maxKeys > 0) {
      const batch = this.p.world.objects(this.p.namespace, b.name, prefix, after, MAX_KEYS);
      for (const o of batch) {
        if (contents.length + prefixes.length >= maxKeys) {
          truncated = true;
          break scan;
        }
        const cut = delimiter === '' ? -1 : o.key.indexOf(delimiter, prefix.length);
        if (cut >= 0) {
          const common = o.key.slice(0, cut + delimiter.length);
          prefixes.push(common);
          last = common;
          after = common + LAST; // skip every key under this common prefix
          continue scan;
        }
        contents.push(o);
        last = o.key;
        after = o.key;
      }
      if (batch.length < MAX_KEYS) break;
    }

    const enc = (text: string) => (urlEncoded ? encodeURIComponent(text) : text);
    const ownerXml = `<Owner>${xmlElement('ID', b.ownerId)}${xmlElement('DisplayName', b.ownerId)}</Owner>`;
    const withOwner = version === 1 || q.get('fetch-owner') === 'true';
    const items = contents.map((o) =>
      `<Contents>${xmlElement('Key', enc(o.key))}${xmlElement('LastModified', isoDate(o.lastModified))}${xmlElement('ETag', quoted(o.etag))}${xmlElement('Size', o.size)}${withOwner ? ownerXml : ''}${xmlElement('StorageClass', 'STANDARD')}</Contents>`).join('');
    const common = prefixes.map((p) => `<CommonPrefixes>${xmlElement('Prefix', enc(p))}</CommonPrefixes>`).join('');
    const parts = [xmlElement('Name', b.name), xmlElement('Prefix', enc(prefix))];
    if (version === 2) {
      if (q.has('start-after')) parts.push(xmlElement('StartAfter', enc(q.get('start-after')!)));
      if (token !== null) parts.push(xmlElement('ContinuationToken', token));
      if (truncated) parts.push(xmlElement('NextContinuationToken', Buffer.from(after === last ? last : after, 'utf8').toString('base64url')));
      parts.push(xmlElement('KeyCount', contents.length + prefixes.length));
    } else {
      parts.push(xmlElement('Marker', enc(q.get('marker') ?? '')));
      if (truncated && delimiter !== '') parts.push(xmlElement('NextMarker', enc(last)));
    }
    parts.push(xmlElement('MaxKeys', maxKeys));
    if (delimiter !== '') parts.push(xmlElement('Delimiter', enc(delimiter)));
    if (urlEncoded) parts.push(xmlElement('EncodingType', 'url'));
    parts.push(xmlElement('IsTruncated', truncated));
    return this.xml(200, s3Document('ListBucketResult', parts.join('') + items + common));
  }

  // ---------------------------------------------------------------- objects

  private async putObject(name: string, key: string, req: S3Request): Promise<S3Response> {
    const b = this.bucket(name, 'write', key);
    validKey(key);
    const tags = tagsOfHeader(req);
    const existing = this.p.world.head(this.p.namespace, b.name, key);
    if (header(req.headers, 'if-none-match') === '*' && existing) throw s3Error('PreconditionFailed', undefined, { Condition: 'If-None-Match' });
    const read = await this.read(req, existing?.size ?? 0);
    const meta: S3ObjectMeta = {
      key, size: read.body.length, etag: read.md5, contentType: header(req.headers, 'content-type') || 'binary/octet-stream', lastModified: this.now(), metadata: this.metadataOf(req),
    };
    this.store(b, meta, read.body, tags);
    return { status: 200, headers: { etag: quoted(meta.etag), ...this.checksumHeaders(read.checksums) } };
  }

  private getObject(name: string, key: string, req: S3Request, withBody: boolean): S3Response {
    const b = this.bucket(name, 'read', key);
    const ifMatch = header(req.headers, 'if-match');
    const ifNoneMatch = header(req.headers, 'if-none-match');
    const since = header(req.headers, 'if-modified-since');
    const unmodified = header(req.headers, 'if-unmodified-since');
    // A plain GET reads metadata and bytes in one statement; HEAD and a conditional GET (perhaps a
    // 304 or 412 with no bytes) read the metadata first.
    let o: S3ObjectMeta;
    let body: Buffer | undefined;
    let tags: string | undefined;
    if (withBody && ifMatch === undefined && ifNoneMatch === undefined && since === undefined && unmodified === undefined) {
      const read = this.p.world.read(this.p.namespace, b.name, key);
      if (!read) throw s3Error('NoSuchKey', undefined, { Key: key });
      ({ meta: o, body, tags } = read);
    } else {
      o = this.object(b, key);
      if (withBody) tags = this.tags.raw(this.p.namespace, b.name, o);
    }
    const h = this.objectHeaders(o);
    if (tags !== undefined) h['x-amz-tagging-count'] = String(Object.keys(JSON.parse(tags) as S3Tags).length);
    if (req.query.size > 0) {
      for (const [param, name] of RESPONSE_OVERRIDES) {
        const v = req.query.get(param);
        if (v !== null) h[name] = v;
      }
    }
    const matches = (list: string) => list.split(',').map((e) => e.trim().replace(/^W\//, '').replace(/^"|"$/g, '')).some((e) => e === '*' || e === o.etag);
    if (ifMatch !== undefined && !matches(ifMatch)) throw s3Error('PreconditionFailed', undefined, { Condition: 'If-Match' });
    if (ifNoneMatch !== undefined && matches(ifNoneMatch)) return { status: 304, headers: { etag: h.etag!, 'last-modified': h['last-modified']! } };
    if (ifNoneMatch === undefined && since !== undefined && !Number.isNaN(Date.parse(since)) && Math.floor(o.lastModified / 1000) <= Math.floor(Date.parse(since) / 1000)) {
      return { status: 304, headers: { etag: h.etag!, 'last-modified': h['last-modified']! } };
    }
    if (ifMatch === undefined && unmodified !== undefined && !Number.isNaN(Date.parse(unmodified)) && Math.floor(o.lastModified / 1000) > Math.floor(Date.parse(unmodified) / 1000)) {
      throw s3Error('PreconditionFailed', undefined, { Condition: 'If-Unmodified-Since' });
    }
    const rangeText = header(req.headers, 'range');
    const range = rangeText === undefined ? undefined : parseRange(rangeText, o.size);
    if (range === 'unsatisfiable') throw s3Error('InvalidRange', undefined, { RangeRequested: rangeText!, ActualObjectSize: o.size });
    if (range) h['content-range'] = `bytes ${range.start}-${range.end}/${o.size}`;
    if (!withBody) {
      h['content-length'] = String(range ? range.end - range.start + 1 : o.size);
      return { status: range ? 206 : 200, headers: h };
    }
    body ??= this.p.world.body(this.p.namespace, b.name, key) ?? Buffer.alloc(0);
    if (range) return { status: 206, headers: h, body: body.subarray(range.start, range.end + 1) };
    return { status: 200, headers: h, body };
  }

  private deleteObject(name: string, key: string): S3Response {
    const b = this.bucket(name, 'delete', key);
    this.p.ctx.db.transaction(() => {
      this.p.world.delete(this.p.namespace, b.name, key);
      this.tags.remove(this.p.namespace, b.name, key);
    })();
    return { status: 204, headers: {} };
  }

  private async deleteObjects(name: string, req: S3Request): Promise<S3Response> {
    const b = this.bucket(name, 'delete');
    const { keys, quiet } = parseDeleteRequest(await this.readXml(req));
    const results: string[] = [];
    const ctx = this.p.ctx;
    ctx.db.transaction(() => {
      for (const key of keys) {
        if (!this.p.key.may('delete', b, key)) {
          results.push(`<Error>${xmlElement('Key', key)}${xmlElement('Code', 'AccessDenied')}${xmlElement('Message', 'Access Denied')}</Error>`);
          continue;
        }
        this.p.world.delete(this.p.namespace, b.name, key);
        this.tags.remove(this.p.namespace, b.name, key);
        if (!quiet) results.push(`<Deleted>${xmlElement('Key', key)}</Deleted>`);
      }
    })();
    return this.xml(200, s3Document('DeleteResult', results.join('')));
  }

  /** The object `x-amz-copy-source` names, readable by the key, and its `x-amz-copy-source-if-*` conditions met. */
  private copySource(req: S3Request): { from: S3Bucket; o: S3ObjectMeta } {
    const source = parseCopySource(header(req.headers, 'x-amz-copy-source')!);
    const from = this.bucket(source.bucket, 'read', source.key);
    const o = this.object(from, source.key);
    const unquote = (etag: string) => etag.trim().replace(/^"|"$/g, '');
    const seconds = (text: string | undefined) => (text === undefined || Number.isNaN(Date.parse(text)) ? undefined : Math.floor(Date.parse(text) / 1000));
    const modified = Math.floor(o.lastModified / 1000);
    const ifMatch = header(req.headers, 'x-amz-copy-source-if-match');
    const ifNoneMatch = header(req.headers, 'x-amz-copy-source-if-none-match');
    const unmodifiedSince = seconds(header(req.headers, 'x-amz-copy-source-if-unmodified-since'));
    const modifiedSince = seconds(header(req.headers, 'x-amz-copy-source-if-modified-since'));
    // As S3: a matching If-Match wins over If-Unmodified-Since, a failing If-None-Match decides before If-Modified-Since.
    if (ifMatch !== undefined && unquote(ifMatch) !== o.etag) throw s3Error('PreconditionFailed', undefined, { Condition: 'x-amz-copy-source-If-Match' });
    if (ifMatch === undefined && unmodifiedSince !== undefined && modified > unmodifiedSince) throw s3Error('PreconditionFailed', undefined, { Condition: 'x-amz-copy-source-If-Unmodified-Since' });
    if (ifNoneMatch !== undefined && unquote(ifNoneMatch) === o.etag) throw s3Error('PreconditionFailed', undefined, { Condition: 'x-amz-copy-source-If-None-Match' });
    if (ifNoneMatch === undefined && modifiedSince !== undefined && modified <= modifiedSince) throw s3Error('PreconditionFailed', undefined, { Condition: 'x-amz-copy-source-If-Modified-Since' });
    return { from, o };
  }

  private async copyObject(name: string, key: string, req: S3Request): Promise<S3Response> {
    const { from, o } = this.copySource(req);
    const to = this.bucket(name, 'write', key);
    validKey(key);
    await this.readXml(req);
    const directive = (header(req.headers, 'x-amz-metadata-directive') ?? 'COPY').toUpperCase();
    if (directive !== 'COPY' && directive !== 'REPLACE') throw s3Error('InvalidArgument', 'Unknown metadata directive.');
    const tagging = (header(req.headers, 'x-amz-tagging-directive') ?? 'COPY').toUpperCase();
    if (tagging !== 'COPY' && tagging !== 'REPLACE') throw s3Error('InvalidArgument', 'Unknown tagging directive.');
    if (from.name === to.name && o.key === key && directive === 'COPY') {
      throw s3Error('InvalidRequest', "This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes.");
    }
    const tags = tagging === 'REPLACE' ? tagsOfHeader(req) : this.tags.get(this.p.namespace, from.name, o);
    const existing = this.p.world.head(this.p.namespace, to.name, key);
    this.checkRoom(o.size - (existing?.size ?? 0));
    const body = this.p.world.body(this.p.namespace, from.name, o.key) ?? Buffer.alloc(0);
    const meta: S3ObjectMeta = directive === 'REPLACE'
      ? { ...o, key, lastModified: this.now(), contentType: header(req.headers, 'content-type') || 'binary/octet-stream', metadata: this.metadataOf(req) }
      : { ...o, key, lastModified: this.now() };
    this.store(to, meta, body, tags);
    return this.xml(200, s3Document('CopyObjectResult', xmlElement('LastModified', isoDate(meta.lastModified)) + xmlElement('ETag', quoted(meta.etag))));
  }

  /** Writes an object and its tags (none: the old object's tags go with it). */
  private store(b: S3Bucket, meta: S3ObjectMeta, body: Buffer, tags: S3Tags): void {
    const write = () => {
      this.p.world.put(this.p.namespace, b.name, meta, body);
      this.tags.set(this.p.namespace, b.name, meta, tags);
    };
    // Without tags the second statement only deletes a row that may exist; both run synchronously,
    // so no request sees the object between them, and an untagged PutObject (the common one) pays
    // for no BEGIN/COMMIT.
    if (Object.keys(tags).length === 0) write();
    else this.p.ctx.db.transaction(write)();
  }

  // ---------------------------------------------------------------- tagging

  private getTagging(name: string, key: string): S3Response {
    const b = this.bucket(name, 'read', key);
    const tags = this.tags.get(this.p.namespace, b.name, this.object(b, key));
    const items = Object.entries(tags).map(([k, v]) => `<Tag>${xmlElement('Key', k)}${xmlElement('Value', v)}</Tag>`).join('');
    return this.xml(200, s3Document('Tagging', `<TagSet>${items}</TagSet>`));
  }

  private async putTagging(name: string, key: string, req: S3Request): Promise<S3Response> {
    const b = this.bucket(name, 'write', key);
    const o = this.object(b, key);
    const tags = checkedTags(parseTaggingRequest(await this.readXml(req)));
    this.tags.set(this.p.namespace, b.name, o, tags);
    return { status: 200, headers: {} };
  }

  private deleteTagging(name: string, key: string): S3Response {
    const b = this.bucket(name, 'write', key);
    this.object(b, key);
    this.tags.remove(this.p.namespace, b.name, key);
    return { status: 204, headers: {} };
  }

  // ---------------------------------------------------------------- multipart

  private upload(b: S3Bucket, key: string, q: URLSearchParams) {
    const id = q.get('uploadId') ?? '';
    const upload = this.uploads.get(this.p.namespace, id);
    if (!upload || upload.bucket !== b.name || upload.key !== key) throw s3Error('NoSuchUpload', undefined, { UploadId: id });
    return upload;
  }

  private async createUpload(name: string, key: string, req: S3Request): Promise<S3Response> {
    const b = this.bucket(name, 'write', key);
    validKey(key);
    const tags = tagsOfHeader(req);
    await this.readXml(req);
    const uploadId = this.p.ctx.ids.alphanumeric(32);
    this.uploads.create(this.p.namespace, { uploadId, bucket: b.name, key, contentType: header(req.headers, 'content-type') || 'binary/octet-stream', metadata: this.metadataOf(req), tags, createdAt: this.now() });
    return this.xml(200, s3Document('InitiateMultipartUploadResult', xmlElement('Bucket', b.name) + xmlElement('Key', key) + xmlElement('UploadId', uploadId)));
  }

  private async uploadPart(name: string, key: string, req: S3Request): Promise<S3Response> {
    const b = this.bucket(name, 'write', key);
    const upload = this.upload(b, key, req.query);
    const partNumber = partNumberOf(req.query);
    const read = await this.read(req);
    if (!this.uploads.get(this.p.namespace, upload.uploadId)) throw s3Error('NoSuchUpload', undefined, { UploadId: upload.uploadId });
    const etag = read.md5;
    this.uploads.putPart(this.p.namespace, upload.uploadId, { partNumber, size: read.body.length, etag, lastModified: this.now() }, read.body);
    return { status: 200, headers: { etag: quoted(etag), ...this.checksumHeaders(read.checksums) } };
  }

  /** UploadPartCopy: a part from (a range of) an existing object, `x-amz-copy-source-range: bytes=first-last`. */
  private async uploadPartCopy(name: string, key: string, req: S3Request): Promise<S3Response> {
    const b = this.bucket(name, 'write', key);
    const upload = this.upload(b, key, req.query);
    const partNumber = partNumberOf(req.query);
    const { from, o } = this.copySource(req);
    let start = 0;
    let end = o.size - 1;
    const rangeText = header(req.headers, 'x-amz-copy-source-range');
    if (rangeText !== undefined) {
      const m = /^bytes=(\d{1,15})-(\d{1,15})$/.exec(rangeText.trim());
      if (!m || Number(m[1]) > Number(m[2])) {
        throw s3Error('InvalidArgument', 'The x-amz-copy-source-range value must be of the form bytes=first-last where first and last are the zero-based offsets of the first and last bytes to copy');
      }
      if (Number(m[2]) >= o.size) throw s3Error('InvalidArgument', `Range specified is not valid for source object of size: ${o.size}`);
      [start, end] = [Number(m[1]), Number(m[2])];
    }
    await this.readXml(req);
    const size = Math.max(0, end - start + 1);
    const replaced = this.uploads.parts(this.p.namespace, upload.uploadId, partNumber - 1, 1).find((p) => p.partNumber === partNumber);
    this.checkRoom(size - (replaced?.size ?? 0));
    const bytes = (this.p.world.body(this.p.namespace, from.name, o.key) ?? Buffer.alloc(0)).subarray(start, start + size);
    const part = { partNumber, size, etag: md5Hex(bytes), lastModified: this.now() };
    this.uploads.putPart(this.p.namespace, upload.uploadId, part, bytes);
    return this.xml(200, s3Document('CopyPartResult', xmlElement('LastModified', isoDate(part.lastModified)) + xmlElement('ETag', quoted(part.etag))));
  }

  /** ListMultipartUploads: the bucket's uploads by key, then by initiation (prefix, delimiter, key-marker, upload-id-marker, max-uploads). */
  private listUploads(name: string, q: URLSearchParams): S3Response {
    const b = this.bucket(name, 'list');
    const prefix = q.get('prefix') ?? '';
    const delimiter = q.get('delimiter') ?? '';
    const keyMarker = q.get('key-marker') ?? '';
    const idMarker = q.get('upload-id-marker') ?? '';
    const maxText = q.get('max-uploads');
    if (maxText !== null && !/^\d{1,9}$/.test(maxText)) throw s3Error('InvalidArgument', 'max-uploads must be a non-negative integer');
    const max = Math.min(maxText === null ? MAX_KEYS : Number(maxText), MAX_KEYS);
    const urlEncoded = q.get('encoding-type') === 'url';
    if (q.has('encoding-type') && !urlEncoded) throw s3Error('InvalidArgument', 'Invalid Encoding Method specified in Request');

    // Where the listing resumes: after the marker upload (same key), or after every upload of key-marker.
    const marker = keyMarker !== '' && idMarker !== '' ? this.uploads.get(this.p.namespace, idMarker) : undefined;
    let cursor = keyMarker === '' ? { key: '', createdAt: -1, uploadId: '' }
      : marker && marker.bucket === b.name && marker.key === keyMarker ? { key: keyMarker, createdAt: marker.createdAt, uploadId: marker.uploadId }
        : { key: keyMarker, createdAt: Number.MAX_SAFE_INTEGER, uploadId: LAST };
    const uploads: Upload[] = [];
    const prefixes: string[] = [];
    let truncated = false;
    let next = { key: '', uploadId: '' };
    scan: while (max > 0) {
      const batch = this.uploads.list(this.p.namespace, b.name, cursor, prefix, MAX_KEYS);
      for (const u of batch) {
        if (uploads.length + prefixes.length >= max) {
          truncated = true;
          break scan;
        }
        const cut = delimiter === '' ? -1 : u.key.indexOf(delimiter, prefix.length);
        if (cut >= 0) {
          const common = u.key.slice(0, cut + delimiter.length);
          prefixes.push(common);
          next = { key: common, uploadId: '' };
          cursor = { key: common + LAST, createdAt: Number.MAX_SAFE_INTEGER, uploadId: LAST }; // past every key under it
          continue scan;
        }
        uploads.push(u);
        next = { key: u.key, uploadId: u.uploadId };
        cursor = { key: u.key, createdAt: u.createdAt, uploadId: u.uploadId };
      }
      if (batch.length < MAX_KEYS) break;
    }

    const enc = (text: string) => (urlEncoded ? encodeURIComponent(text) : text);
    const party = `${xmlElement('ID', b.ownerId)}${xmlElement('DisplayName', b.ownerId)}`;
    const items = uploads.map((u) =>
      `<Upload>${xmlElement('Key', enc(u.key))}${xmlElement('UploadId', u.uploadId)}<Initiator>${party}</Initiator><Owner>${party}</Owner>${xmlElement('StorageClass', 'STANDARD')}${xmlElement('Initiated', isoDate(u.createdAt))}</Upload>`).join('');
    const common = prefixes.map((p) => `<CommonPrefixes>${xmlElement('Prefix', enc(p))}</CommonPrefixes>`).join('');
    const parts = [xmlElement('Bucket', b.name), xmlElement('KeyMarker', enc(keyMarker)), xmlElement('UploadIdMarker', idMarker)];
    if (truncated) parts.push(xmlElement('NextKeyMarker', enc(next.key)), xmlElement('NextUploadIdMarker', next.uploadId));
    if (delimiter !== '') parts.push(xmlElement('Delimiter', enc(delimiter)));
    parts.push(xmlElement('Prefix', enc(prefix)), xmlElement('MaxUploads', max), xmlElement('IsTruncated', truncated));
    if (urlEncoded) parts.push(xmlElement('EncodingType', 'url'));
    return this.xml(200, s3Document('ListMultipartUploadsResult', parts.join('') + items + common));
  }

  private async completeUpload(name: string, key: string, req: S3Request): Promise<S3Response> {
    const b = this.bucket(name, 'write', key);
    const upload = this.upload(b, key, req.query);
    const wanted = parseCompleteRequest(await this.readXml(req));
    const stored = new Map(this.uploads.parts(this.p.namespace, upload.uploadId).map((p) => [p.partNumber, p]));
    let total = 0;
    if (wanted.some((w, i) => i > 0 && w.partNumber <= wanted[i - 1]!.partNumber)) throw s3Error('InvalidPartOrder');
    wanted.forEach((w, i) => {
      const part = stored.get(w.partNumber);
      if (!part || part.etag !== w.etag) throw s3Error('InvalidPart', undefined, { PartNumber: w.partNumber });
      if (i < wanted.length - 1 && part.size < MIN_PART_BYTES) throw s3Error('EntityTooSmall', undefined, { ProposedSize: part.size, MinSizeAllowed: MIN_PART_BYTES, PartNumber: w.partNumber });
      total += part.size;
    });
    if (total > this.config().s3MaxObjectBytes) throw s3Error('EntityTooLarge', undefined, { ProposedSize: total, MaxSizeAllowed: this.config().s3MaxObjectBytes });
    const body = Buffer.allocUnsafe(total);
    const digests: Buffer[] = [];
    let offset = 0;
    for (const w of wanted) {
      const bytes = this.uploads.partBody(this.p.namespace, upload.uploadId, w.partNumber)!;
      bytes.copy(body, offset);
      offset += bytes.length;
      digests.push(Buffer.from(w.etag, 'hex'));
    }
    const etag = `${md5Hex(Buffer.concat(digests))}-${wanted.length}`;
    this.p.ctx.db.transaction(() => {
      this.store(b, { key, size: total, etag, contentType: upload.contentType, lastModified: this.now(), metadata: upload.metadata }, body, upload.tags);
      this.uploads.remove(this.p.namespace, upload.uploadId);
    })();
    return this.xml(200, s3Document('CompleteMultipartUploadResult', xmlElement('Location', `/${b.name}/${key}`) + xmlElement('Bucket', b.name) + xmlElement('Key', key) + xmlElement('ETag', quoted(etag))));
  }

  private abortUpload(name: string, key: string, q: URLSearchParams): S3Response {
    const b = this.bucket(name, 'write', key);
    const upload = this.upload(b, key, q);
    this.uploads.remove(this.p.namespace, upload.uploadId);
    return { status: 204, headers: {} };
  }

  private listParts(name: string, key: string, q: URLSearchParams): S3Response {
    const b = this.bucket(name, 'write', key);
    const upload = this.upload(b, key, q);
    const marker = Number(q.get('part-number-marker') ?? 0) || 0;
    const max = Math.min(Number(q.get('max-parts') ?? 1000) || 1000, 1000);
    const parts = this.uploads.parts(this.p.namespace, upload.uploadId, marker, max + 1);
    const truncated = parts.length > max;
    const shown = parts.slice(0, max);
    const items = shown.map((p) => `<Part>${xmlElement('PartNumber', p.partNumber)}${xmlElement('LastModified', isoDate(p.lastModified))}${xmlElement('ETag', quoted(p.etag))}${xmlElement('Size', p.size)}</Part>`).join('');
    return this.xml(200, s3Document('ListPartsResult',
      xmlElement('Bucket', b.name) + xmlElement('Key', key) + xmlElement('UploadId', upload.uploadId) + xmlElement('PartNumberMarker', marker) +
      (truncated ? xmlElement('NextPartNumberMarker', shown.at(-1)!.partNumber) : '') + xmlElement('MaxParts', max) + xmlElement('IsTruncated', truncated) +
      xmlElement('StorageClass', 'STANDARD') + items));
  }

  private xml(status: number, body: string): S3Response {
    return { status, headers: { 'content-type': 'application/xml' }, body };
  }
}

/** `partNumber`: 1 to 10,000. */
function partNumberOf(q: URLSearchParams): number {
  const text = q.get('partNumber') ?? '';
  if (!/^\d{1,5}$/.test(text) || Number(text) < 1 || Number(text) > 10_000) throw s3Error('InvalidArgument', 'Part number must be an integer between 1 and 10000, inclusive');
  return Number(text);
}

/** S3's limits on object tags: at most 10, keys of 1–128 and values of 0–256 characters, no `aws:` prefix, no key twice. */
const MAX_TAGS = 10;

export function checkedTags(pairs: ReadonlyArray<readonly [string, string]>): S3Tags {
  if (pairs.length > MAX_TAGS) throw s3Error('InvalidTag', 'Object tags cannot be greater than 10');
  const tags = new Map<string, string>();
  for (const [k, v] of pairs) {
    if (k === '' || [...k].length > 128) throw s3Error('InvalidTag', 'The TagKey you have provided is invalid');
    if ([...v].length > 256) throw s3Error('InvalidTag', 'The TagValue you have provided is invalid');
    if (k.toLowerCase().startsWith('aws:')) throw s3Error('InvalidTag', 'Your TagKey cannot be prefixed with aws:');
    if (tags.has(k)) throw s3Error('InvalidTag', 'Cannot provide multiple Tags with the same key');
    tags.set(k, v);
  }
  return Object.fromEntries(tags);
}

/** `x-amz-tagging: k1=v1&k2=v2` (URL query encoding), checked before any body is read. */
function tagsOfHeader(req: S3Request): S3Tags {
  const text = header(req.headers, 'x-amz-tagging');
  return text === undefined || text === '' ? {} : checkedTags([...new URLSearchParams(text)]);
}

function validKey(key: string): void {
  if (key === '' || Buffer.byteLength(key, 'utf8') > 1024) throw s3Error('InvalidArgument', 'Object keys are 1 to 1024 bytes of UTF-8');
}

/** `x-amz-copy-source`: `[/]bucket/key[?versionId=…]`, URL-encoded. */
export function parseCopySource(text: string): { bucket: string; key: string } {
  const path = text.split('?')[0]!.replace(/^\//, '');
  const slash = path.indexOf('/');
  let bucket: string;
  let key: string;
  try {
    bucket = decodeURIComponent(path.slice(0, slash));
    key = decodeURIComponent(path.slice(slash + 1));
  } catch {
    throw s3Error('InvalidArgument', 'Copy Source must mention the source bucket and key: sourcebucket/sourcekey');
  }
  if (slash <= 0 || key === '') throw s3Error('InvalidArgument', 'Copy Source must mention the source bucket and key: sourcebucket/sourcekey');
  return { bucket, key };
}

/** `Range: bytes=a-b | a- | -n`; undefined: the whole object (no header, or a form S3 ignores). */
export function parseRange(text: string | undefined, size: number): { start: number; end: number } | 'unsatisfiable' | undefined {
  if (text === undefined) return undefined;
  const m = /^bytes=(\d*)-(\d*)$/.exec(text.trim());
  if (!m || (m[1] === '' && m[2] === '')) return undefined;
  if (m[1] === '') {
    const n = Number(m[2]);
    if (n === 0) return 'unsatisfiable';
    return size === 0 ? 'unsatisfiable' : { start: Math.max(0, size - n), end: size - 1 };
  }
  const start = Number(m[1]);
  const end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  if (start >= size || (m[2] !== '' && Number(m[2]) < start)) return m[2] !== '' && Number(m[2]) < start ? undefined : 'unsatisfiable';
  return { start, end };
}
