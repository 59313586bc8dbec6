import { BlockList, isIP } from 'node:net';
import { VendorError } from '../../core/errors.js';
import { perDatabase } from '../../core/vendor.js';
import { s3Error } from '../../s3/errors.js';
import type { S3Access, S3Bucket, S3ObjectMeta, S3World, VendorS3 } from '../../s3/part.js';
import { tagStore } from '../../s3/store.js';
import { krutrimIds } from './ids.js';
import { presignKey, Presigner } from './service/presign.js';
import { krutrimStore, type BucketPolicyRow, type BucketRow, type S3ObjectRow } from './store.js';

/**
 * KOS keys at work (DESIGN.md §6): `access_key` / `secret_key` sign while the key exists and is
 * `Active` (`Inactive` → AccessDenied after the signature); S3 access needs no KOS session [I]; a
 * bucket policy's address lists admit or refuse the client's address (ipAdmits).
 * Buckets and objects are the KOS ones (krutrim_buckets, krutrim_objects), so the KOS API sees what
 * S3 writes and the other way round; presigned URLs the KOS API issues are served here too.
 */

const toBucket = (b: BucketRow): S3Bucket => ({ name: b.name, region: b.region, createdAt: b.created_at, ownerId: b.account_id });
const toMeta = (o: S3ObjectRow): S3ObjectMeta => ({
  key: o.object_key, size: o.size_bytes, etag: o.etag, contentType: o.content_type, lastModified: o.last_modified, metadata: o.metadata,
});

const world = perDatabase((db): S3World & { row(namespace: string, name: string): BucketRow | undefined } => {
  const store = krutrimStore(db);
  const tags = tagStore(db, 'krutrim');
  const row = (namespace: string, name: string) => store.bucketByName.get({ namespace, name });
  const target = (namespace: string, name: string) => ({ namespace, bucket: row(namespace, name)?.bucket_id ?? '' });
  return {
    row,
    buckets: (namespace, account) => store.bucketsByAccount.all({ namespace, account }).map(toBucket),
    bucket: (namespace, name) => {
      const b = row(namespace, name);
      return b && toBucket(b);
    },
    createBucket: () => {
      throw new Error('KOS buckets are created by krutrimS3.createBucket');
    },
    deleteBucket: (namespace, name) => {
      const b = row(namespace, name);
      if (b) store.bucketRemove({ namespace, bucket: b.bucket_id });
    },
    objects: (namespace, bucket, prefix, after, limit) => store.objectsS3Page.all({ ...target(namespace, bucket), prefix, after, limit }).map(toMeta),
    objectCount: (namespace, bucket) => store.bucketObjectCount.get(target(namespace, bucket))!.n,
    head: (namespace, bucket, key) => {
      const o = store.objectS3Meta.get({ ...target(namespace, bucket), key });
      return o && toMeta(o);
    },
    body: (namespace, bucket, key) => store.objectBody.get({ ...target(namespace, bucket), key })?.body,
    read: (namespace, bucket, key) => {
      const at = target(namespace, bucket);
      const o = store.objectS3Meta.get({ ...at, key });
      if (!o) return undefined;
      const meta = toMeta(o);
      return { meta, body: store.objectBody.get({ ...at, key })?.body ?? Buffer.alloc(0), tags: tags.raw(namespace, bucket, meta) };
    },
    put: (namespace, bucket, m, body) => void store.objectS3Put.run({
      ...target(namespace, bucket), key: m.key, body, size: m.size, contentType: m.contentType, etag: m.etag, lastModified: m.lastModified, metadata: JSON.stringify(m.metadata),
    }),
    delete: (namespace, bucket, key) => store.objectDelete.run({ ...target(namespace, bucket), key }).changes > 0,
    usedBytes: (namespace) => store.objectsUsedBytes.get({ namespace })!.n,
  };
});

/**
 * A KOS bucket policy over S3 [I]: with addresses listed, an address in `s3_read_write_ips` may
 * read and write the bucket, one in `s3_read_only_ips` may read it (HeadBucket, listing,
 * GetObject), any other is refused (AccessDenied). A bucket without a policy, or with both lists
 * empty, admits every address.
 */
function ipAdmits(policy: BucketPolicyRow | undefined, access: S3Access, ip: string): boolean {
  if (!policy) return true;
  const { s3_read_write_ips: readWrite, s3_read_only_ips: readOnly } = policy;
  if (readWrite.length === 0 && readOnly.length === 0) return true;
  const reading = access === 'read' || access === 'list' || access === 'read-bucket';
  return listed(readWrite, ip) || (reading && listed(readOnly, ip));
}

/** Whether `ip` is one of the addresses or inside one of the CIDR blocks (as the KOS API checked them). */
function listed(entries: string[], ip: string): boolean {
  if (isIP(ip) === 0) return false;
  const list = new BlockList();
  for (const entry of entries) {
    const [addr, bits] = entry.split('/') as [string, string | undefined];
    const type = isIP(addr) === 6 ? 'ipv6' : 'ipv4';
    if (bits === undefined) list.addAddress(addr, type);
    else list.addSubnet(addr, Number(bits), type);
  }
  return list.check(ip, isIP(ip) === 6 ? 'ipv6' : 'ipv4');
}

/** KOS presigned-URL errors, as S3 errors. */
const PRESIGN_CODES = { SIGNATURE_MISMATCH: 'SignatureDoesNotMatch', URL_EXPIRED: 'AccessDenied' } as const;

export const krutrimS3: VendorS3 = {
  key(ctx, namespace, accessKeyId, client) {
    const store = krutrimStore(ctx.db);
    const row = store.accessKeyByIdAnyAccount.get({ namespace, accessKey: accessKeyId });
    if (!row) return undefined;
    const base = { secret: row.secret_key, owner: { id: row.account_id, displayName: row.key_name }, region: row.region };
    if (row.status !== 'Active') return { ...base, refusal: { code: 'AccessDenied', message: `The access key is ${row.status}.` }, may: () => false };
    return {
      ...base,
      may: (access, bucket) => {
        if (access === 'list-buckets' || access === 'create-bucket') return true;
        if (bucket?.ownerId !== row.account_id) return false;
        const b = world(ctx.db).row(namespace, bucket.name);
        return ipAdmits(b && store.bucketPolicyByBucket.get({ namespace, bucket: b.bucket_id }), access, client.ip);
      },
    };
  },
  world(ctx) {
    const w = world(ctx.db);
    const store = krutrimStore(ctx.db);
    return {
      ...w,
      createBucket(namespace, owner, name, region, now) {
        const account = store.accountById.get({ namespace, account: owner.id });
        const tier = store.regionById.get({ namespace, id: region })?.tier ?? 'tier-1';
        store.bucketInsert.run({
          namespace, account: owner.id, id: krutrimIds(ctx.ids).bucketId(), name, customer: account?.customer_id ?? '', region, tier, description: '', tags: '{}',
          versioning: 0, anonymousAccess: 0, allocatedCapacity: 0, createdAt: now, updatedAt: now,
        });
      },
    };
  },
  /** KOS presigned URLs (`X-Kos-Method`, `-Expires`, `-Signature`), as PUBLIC_URL points them here. */
  issuedPresign(ctx, namespace, query, method, bucket, key, now) {
    if (!query.has('X-Kos-Signature')) return undefined;
    const b = world(ctx.db).row(namespace, bucket);
    if (!b) return { ok: false, code: 'SignatureDoesNotMatch', message: 'The presigned URL does not name this bucket.' };
    const presigner = new Presigner({ store: krutrimStore(ctx.db), key: presignKey(ctx.db), config: ctx.config });
    try {
      presigner.check(namespace, method, b.bucket_id, key, Object.fromEntries(query), now);
      return { ok: true };
    } catch (err) {
      if (err instanceof VendorError && err.code in PRESIGN_CODES) {
        const code = PRESIGN_CODES[err.code as keyof typeof PRESIGN_CODES];
        return { ok: false, code, message: code === 'AccessDenied' ? 'Request has expired' : err.message };
      }
      throw err instanceof VendorError ? s3Error('AccessDenied', err.message) : err;
    }
  },
};
