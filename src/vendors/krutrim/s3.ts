import { BlockList, isIP } from 'node:net';
import { VendorError } from '../../core/errors.js';
import { perDatabase } from '../../core/vendor.js';
import { s3Error } from '../../s3/errors.js';
import { tagStore } from '../../s3/store.js';
import type { S3Access, S3Bucket, S3ObjectMeta, S3World, VendorS3 } from '../../s3/part.js';
import { krutrimIds } from './ids.js';
import { KrutrimService } from './service.js';
import { krutrimStore, type BucketPolicyRow, type BucketRow, type ObjectMeta } from './store.js';

/**
 * KOS keys at work (DESIGN.md §6): `access_key` / `secret_key` sign while the key exists and is
 * `Active` (`Inactive` → AccessDenied after the signature); S3 access needs no KOS session [I]; a
 * bucket policy's address lists admit or refuse the client's address (ipAdmits).
 * Buckets and objects are the KOS ones (krutrim_buckets, krutrim_objects), so the KOS API sees what
 * S3 writes and the other way round; presigned URLs the KOS API issues are served here too.
 */

const toBucket = (b: BucketRow): S3Bucket => ({ name: b.name, region: b.region, createdAt: b.created_at, ownerId: b.account_id });
const toMeta = (o: ObjectMeta & { metadata: string }): S3ObjectMeta => ({
  key: o.object_key, size: o.size_bytes, etag: o.etag, contentType: o.content_type, lastModified: o.last_modified, metadata: JSON.parse(o.metadata || '{}') as Record<string, string>,
});

const world = perDatabase((db): S3World & { row(ns: string, name: string): BucketRow | undefined } => {
  const store = krutrimStore(db);
  const tags = tagStore(db, 'krutrim');
  const id = (ns: string, name: string) => store.bucketByName.get(ns, name)?.bucket_id ?? '';
  return {
    row: (ns, name) => store.bucketByName.get(ns, name),
    buckets: (ns, accountId) => store.buckets.all(ns, accountId).map(toBucket).sort((a, b) => (a.name < b.name ? -1 : 1)),
    bucket: (ns, name) => {
      const b = store.bucketByName.get(ns, name);
      return b && toBucket(b);
    },
    createBucket: () => {
      throw new Error('KOS buckets are created by krutrimS3.createBucket');
    },
    deleteBucket: () => {
      throw new Error('KOS buckets are deleted by krutrimS3.deleteBucket');
    },
    objects: (ns, bucket, prefix, after, limit) => store.s3Objects.all(ns, id(ns, bucket), after, prefix, prefix, limit).map(toMeta),
    objectCount: (ns, bucket) => store.objectCount.get(ns, id(ns, bucket))!.n,
    head: (ns, bucket, key) => {
      const o = store.s3Object.get(ns, id(ns, bucket), key);
      return o && toMeta(o);
    },
    body: (ns, bucket, key) => store.s3ObjectBody.get(ns, id(ns, bucket), key)?.body,
    read: (ns, bucket, key) => {
      const bucketId = id(ns, bucket);
      const o = store.s3Object.get(ns, bucketId, key);
      if (!o) return undefined;
      const meta = toMeta(o);
      return { meta, body: store.s3ObjectBody.get(ns, bucketId, key)?.body ?? Buffer.alloc(0), tags: tags.raw(ns, bucket, meta) };
    },
    put: (ns, bucket, m, body) => void store.s3PutObject.run(ns, id(ns, bucket), m.key, body, m.size, m.contentType, m.etag, 'STANDARD', m.lastModified, JSON.stringify(m.metadata)),
    delete: (ns, bucket, key) => store.deleteObject.run(ns, id(ns, bucket), key).changes > 0,
    usedBytes: (ns) => store.s3UsedBytes.get(ns)!.n,
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
  const readWrite = JSON.parse(policy.s3_read_write_ips) as string[];
  const readOnly = JSON.parse(policy.s3_read_only_ips) as string[];
  if (readWrite.length === 0 && readOnly.length === 0) return true;
  const reading = access === 'read' || access === 'list' || access === 'read-bucket';
  return listed(readWrite, ip) || (reading && listed(readOnly, ip));
}

/** Whether `ip` is one of the addresses or inside one of the CIDR blocks (as the KOS API checked them). */
function listed(entries: string[], ip: string): boolean {
  const family = isIP(ip) === 6 ? 'ipv6' : 'ipv4';
  if (isIP(ip) === 0) return false;
  const list = new BlockList();
  for (const entry of entries) {
    const [addr, bits] = entry.split('/') as [string, string | undefined];
    const type = isIP(addr) === 6 ? 'ipv6' : 'ipv4';
    if (bits === undefined) list.addAddress(addr, type);
    else list.addSubnet(addr, Number(bits), type);
  }
  return list.check(ip, family);
}

/** KOS presigned-URL errors, as S3 errors. */
const PRESIGN_CODES = { SIGNATURE_MISMATCH: 'SignatureDoesNotMatch', URL_EXPIRED: 'AccessDenied' } as const;

export const krutrimS3: VendorS3 = {
  key(ctx, ns, accessKeyId, client) {
    const store = krutrimStore(ctx.db);
    const row = store.accessKeyAnyAccount.get(ns, accessKeyId);
    if (!row) return undefined;
    const base = { secret: row.secret_key, owner: { id: row.account_id, displayName: row.key_name }, region: row.region };
    if (row.status !== 'Active') return { ...base, refusal: { code: 'AccessDenied', message: `The access key is ${row.status}.` }, may: () => false };
    return {
      ...base,
      may: (access, bucket) => {
        if (access === 'list-buckets' || access === 'create-bucket') return true;
        if (bucket?.ownerId !== row.account_id) return false;
        const b = world(ctx.db).row(ns, bucket.name);
        return ipAdmits(b && store.bucketPolicy.get(ns, b.bucket_id), access, client.ip);
      },
    };
  },
  world(ctx) {
    const w = world(ctx.db);
    const store = krutrimStore(ctx.db);
    return {
      ...w,
      createBucket(ns, owner, name, region, now) {
        const account = store.account.get(ns, owner.id);
        const tier = store.region.get(ns, region)?.tier ?? 'tier-1';
        store.insertBucket.run(ns, krutrimIds(ctx.ids).bucketId(), name, owner.id, account?.customer_id ?? '', region, tier, '', '{}', 0, 0, 0, now, now);
      },
      deleteBucket(ns, name) {
        const b = w.row(ns, name);
        if (b) new KrutrimService(ctx).removeBucket(b);
      },
    };
  },
  /** KOS presigned URLs (`X-Kos-Method`, `-Expires`, `-Signature`), as PUBLIC_URL points them here. */
  issuedPresign(ctx, ns, query, method, bucket, key) {
    if (!query.has('X-Kos-Signature')) return undefined;
    const b = world(ctx.db).row(ns, bucket);
    if (!b) return { ok: false, code: 'SignatureDoesNotMatch', message: 'The presigned URL does not name this bucket.' };
    try {
      new KrutrimService(ctx).checkPresigned(ns, method, b.bucket_id, key, Object.fromEntries(query));
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
