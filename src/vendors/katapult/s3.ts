import { createHash } from 'node:crypto';
import { perDatabase, type VendorContext } from '../../core/vendor.js';
import { s3Error } from '../../s3/errors.js';
import { tagStore } from '../../s3/store.js';
import type { S3Access, S3Bucket, S3Client, S3Key, S3ObjectMeta, S3World, VendorS3 } from '../../s3/part.js';
import { katapultService } from './service.js';
import { katapultStore, type Bucket, type S3ObjectRow } from './store.js';

/**
 * Katapult's keys at work (DESIGN.md §6): `s3_access_key_id` / `s3_secret_access_key` from
 * generate_credentials sign; the key is usable once `configured`, with its latest secret only; the
 * buckets are the account's own (katapult_buckets), with the key's permissions (`all_*`) and the
 * buckets' access control lists (`read_key_ids`, `write_key_ids`, `all_keys_*`). Buckets are made
 * and removed with the Katapult API, not over S3 [I].
 */

const ZERO_CHUNK = Buffer.alloc(64 * 1024);
/** The largest fixture object served as zero bytes; a larger one lists, but GetObject refuses it. */
const MAX_FIXTURE_BYTES = 64 * 1024 * 1024;
const zeroEtags = new Map<number, string>();

/** A fixture object has a size and no bytes: it reads as that many zero bytes, and its ETag is theirs. */
function zeroEtag(size: number): string {
  let etag = zeroEtags.get(size);
  if (etag !== undefined) return etag;
  if (size > MAX_FIXTURE_BYTES) return createHash('md5').update(`fixture object of ${size} bytes`).digest('hex');
  const md5 = createHash('md5');
  for (let left = size; left > 0; left -= ZERO_CHUNK.length) md5.update(left >= ZERO_CHUNK.length ? ZERO_CHUNK : ZERO_CHUNK.subarray(0, left));
  etag = md5.digest('hex');
  if (zeroEtags.size < 1000) zeroEtags.set(size, etag);
  return etag;
}

const toMeta = (r: S3ObjectRow): S3ObjectMeta => ({
  key: r.path,
  size: r.size ?? 0,
  etag: r.etag ?? zeroEtag(r.size ?? 0),
  contentType: r.contentType ?? 'binary/octet-stream',
  lastModified: r.lastModified,
  metadata: r.metadata ? (JSON.parse(r.metadata) as Record<string, string>) : {},
});

/** An object's bytes; a fixture object (no bytes) reads as zeros. */
function fixtureBody(r: { body: Buffer | null; size: number | null } | undefined): Buffer | undefined {
  if (!r) return undefined;
  if (r.body === null && (r.size ?? 0) > MAX_FIXTURE_BYTES) throw s3Error('NotImplemented', `This fixture object declares ${r.size} bytes and has none: only fixture objects up to ${MAX_FIXTURE_BYTES} bytes read as zeros.`);
  return r.body ?? Buffer.alloc(r.size ?? 0);
}

const toBucket = (b: Bucket): S3Bucket => ({ name: b.name, region: b.region, createdAt: b.createdAt, ownerId: b.accountId });

const world = perDatabase((db): S3World => {
  const store = katapultStore(db);
  const tags = tagStore(db, 'katapult');
  return {
    buckets: (namespace, accountId) => store.bucketsByAccount.all({ namespace, account: accountId }).map(toBucket).sort((a, b) => (a.name < b.name ? -1 : 1)),
    bucket: (namespace, name) => {
      const found = store.bucketByName.get({ namespace, name });
      return found && toBucket(found.bucket);
    },
    createBucket: () => {
      throw s3Error('AccessDenied', 'Katapult buckets are created with the Katapult API (POST /object_storage/buckets).');
    },
    deleteBucket: () => {
      throw s3Error('AccessDenied', 'Katapult buckets are deleted with the Katapult API (DELETE /object_storage/buckets/bucket).');
    },
    objects: (namespace, bucket, prefix, after, limit) => store.s3ObjectsAfter.all({ namespace, bucket, after, prefix, limit }).map(toMeta),
    objectCount: (namespace, bucket) => store.objectStatsByBucket.get({ namespace, bucket })!.count,
    head: (namespace, bucket, path) => {
      const r = store.s3ObjectByPath.get({ namespace, bucket, path });
      return r && toMeta(r);
    },
    body: (namespace, bucket, path) => fixtureBody(store.s3BodyByPath.get({ namespace, bucket, path })),
    read: (namespace, bucket, path) => {
      const r = store.s3ObjectByPath.get({ namespace, bucket, path });
      if (!r) return undefined;
      const meta = toMeta(r);
      return { meta, body: fixtureBody(store.s3BodyByPath.get({ namespace, bucket, path })) ?? Buffer.alloc(0), tags: tags.raw(namespace, bucket, meta) };
    },
    put: (namespace, bucket, m, body) => store.s3ObjectPut(namespace, bucket, { path: m.key, size: m.size, body, etag: m.etag, contentType: m.contentType, lastModified: m.lastModified, metadata: JSON.stringify(m.metadata) }),
    delete: (namespace, bucket, path) => store.s3ObjectDelete.run({ namespace, bucket, path }).changes > 0,
    usedBytes: (namespace) => store.s3BytesUsed.get({ namespace })!,
  };
});

function key(ctx: VendorContext, namespace: string, accessKeyId: string, _client: S3Client, now: number): S3Key | undefined {
  const found = katapultService(ctx).s3Key(namespace, accessKeyId, now);
  if (!found) return undefined;
  const { key: k, secret, state, account } = found;
  const store = katapultStore(ctx.db);
  const base = { secret, owner: { id: k.accountId, displayName: k.name }, region: k.region };
  if (!account || account.trashId !== null) return { ...base, refusal: { code: 'InvalidAccessKeyId', message: 'The object storage account of this access key is in the trash.' }, may: () => false };
  if (state !== 'configured') return { ...base, refusal: { code: 'InvalidAccessKeyId', message: 'The access key is pending: its credentials are not active yet.' }, may: () => false };
  if (account.suspended) return { ...base, refusal: { code: 'AccessDenied', message: 'The object storage account is suspended.' }, may: () => false };

  const canWrite = (b: Bucket) => k.allObjectsWrite || b.allKeysWrite || b.writeKeyIds.includes(k.id);
  // Write permission implies read [I].
  const canRead = (b: Bucket) => k.allObjectsRead || b.allKeysRead || b.readKeyIds.includes(k.id) || canWrite(b);
  const may = (access: S3Access, bucket?: S3Bucket): boolean => {
    if (access === 'list-buckets') return true;
    if (access === 'create-bucket' || access === 'delete-bucket' || !bucket || bucket.ownerId !== k.accountId) return false;
    const b = store.bucketByName.get({ namespace, name: bucket.name })?.bucket;
    if (!b) return false;
    if (access === 'read-bucket' || access === 'list') return k.allBucketsRead || canRead(b);
    return access === 'read' ? canRead(b) : canWrite(b); // write and delete
  };
  return { ...base, may };
}

export const katapultS3: VendorS3 = {
  key,
  world: (ctx) => world(ctx.db),
  /** Presigned URLs from POST …/presigned_url carry `X-Amz-Credential=katapult-presign/…` and a signature the emulator stored. */
  issuedPresign(ctx, namespace, query, method, bucket, objectKey, now) {
    if (!(query.get('X-Amz-Credential') ?? '').startsWith('katapult-presign/')) return undefined;
    const status = katapultService(ctx).presignedStatus(namespace, query.get('X-Amz-Signature') ?? '', now);
    if (status.url === undefined || status.url.bucketName !== bucket || status.url.path.replace(/^\/+/, '') !== objectKey || (method !== 'GET' && method !== 'HEAD')) {
      return { ok: false, code: 'SignatureDoesNotMatch', message: 'The request signature we calculated does not match the signature you provided.' };
    }
    if (status.state === 'revoked') return { ok: false, code: 'AccessDenied', message: 'Request has expired: the presigned URLs of this bucket were revoked' };
    if (status.state === 'expired') return { ok: false, code: 'AccessDenied', message: 'Request has expired' };
    return { ok: true };
  },
};
