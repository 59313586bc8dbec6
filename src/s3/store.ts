import type { Database } from 'better-sqlite3';
import type { S3Bucket, S3ObjectMeta, S3World } from './part.js';

/**
 * The S3 plane's own SQL: buckets and objects of vendors without a bucket API (`<vendor>_s3_*`,
 * migration 015), and every vendor's multipart uploads. Statements are prepared once per database
 * and vendor.
 */

interface ObjectRow { key: string; size: number; etag: string; content_type: string; last_modified: number; metadata: string }
interface BucketRow { name: string; owner_id: string; region: string; created_at: number }

const META_COLUMNS = 'key, size, etag, content_type, last_modified, metadata';

export const toMeta = (r: ObjectRow): S3ObjectMeta => ({
  key: r.key, size: r.size, etag: r.etag, contentType: r.content_type, lastModified: r.last_modified, metadata: JSON.parse(r.metadata || '{}') as Record<string, string>,
});

const toBucket = (r: BucketRow): S3Bucket => ({ name: r.name, ownerId: r.owner_id, region: r.region, createdAt: r.created_at });

function perDatabaseAndVendor<T>(create: (db: Database, vendor: string) => T): (db: Database, vendor: string) => T {
  const cache = new WeakMap<Database, Map<string, T>>();
  return (db, vendor) => {
    let byVendor = cache.get(db);
    if (!byVendor) cache.set(db, (byVendor = new Map()));
    let value = byVendor.get(vendor);
    if (value === undefined) byVendor.set(vendor, (value = create(db, vendor)));
    return value;
  };
}

/** A vendor's buckets and objects in the plane's own tables (IONOS, Exoscale, IBM). */
export const genericWorld = perDatabaseAndVendor((db: Database, vendor: string): S3World => {
  const t = `${vendor}_s3`;
  const s = {
    buckets: db.prepare<[string, string], BucketRow>(`SELECT * FROM ${t}_buckets WHERE namespace = ? AND owner_id = ? ORDER BY name`),
    bucket: db.prepare<[string, string], BucketRow>(`SELECT * FROM ${t}_buckets WHERE namespace = ? AND name = ?`),
    insertBucket: db.prepare<[string, string, string, string, number]>(`INSERT INTO ${t}_buckets (namespace, name, owner_id, region, created_at) VALUES (?, ?, ?, ?, ?)`),
    deleteBucket: db.prepare<[string, string]>(`DELETE FROM ${t}_buckets WHERE namespace = ? AND name = ?`),
    objects: db.prepare<[string, string, string, string, string, number], ObjectRow>(
      `SELECT ${META_COLUMNS} FROM ${t}_objects WHERE namespace = ? AND bucket = ? AND key > ? AND substr(key, 1, length(?)) = ? ORDER BY key LIMIT ?`,
    ),
    count: db.prepare<[string, string], { n: number }>(`SELECT count(*) AS n FROM ${t}_objects WHERE namespace = ? AND bucket = ?`),
    head: db.prepare<[string, string, string], ObjectRow>(`SELECT ${META_COLUMNS} FROM ${t}_objects WHERE namespace = ? AND bucket = ? AND key = ?`),
    body: db.prepare<[string, string, string], { body: Buffer }>(`SELECT body FROM ${t}_objects WHERE namespace = ? AND bucket = ? AND key = ?`),
    // The object's tags in the same read (GetObject answers x-amz-tagging-count).
    read: db.prepare<[string, string, string], ObjectRow & { body: Buffer; tags: string | null }>(
      `SELECT o.key, o.size, o.etag, o.content_type, o.last_modified, o.metadata, o.body, t.tags FROM ${t}_objects o
       LEFT JOIN ${t}_tags t ON t.namespace = o.namespace AND t.bucket = o.bucket AND t.key = o.key AND t.etag = o.etag AND t.last_modified = o.last_modified
       WHERE o.namespace = ? AND o.bucket = ? AND o.key = ?`,
    ),
    put: db.prepare<[string, string, string, Buffer, number, string, string, number, string]>(
      `INSERT OR REPLACE INTO ${t}_objects (namespace, bucket, key, body, size, etag, content_type, last_modified, metadata) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    delete: db.prepare<[string, string, string]>(`DELETE FROM ${t}_objects WHERE namespace = ? AND bucket = ? AND key = ?`),
    used: db.prepare<[string], { n: number }>(`SELECT coalesce(sum(size), 0) AS n FROM ${t}_objects WHERE namespace = ?`),
  };
  return {
    buckets: (ns, ownerId) => s.buckets.all(ns, ownerId).map(toBucket),
    bucket: (ns, name) => {
      const r = s.bucket.get(ns, name);
      return r && toBucket(r);
    },
    createBucket: (ns, owner, name, region, now) => void s.insertBucket.run(ns, name, owner.id, region, now),
    deleteBucket: (ns, name) => void s.deleteBucket.run(ns, name),
    objects: (ns, bucket, prefix, after, limit) => s.objects.all(ns, bucket, after, prefix, prefix, limit).map(toMeta),
    objectCount: (ns, bucket) => s.count.get(ns, bucket)!.n,
    head: (ns, bucket, key) => {
      const r = s.head.get(ns, bucket, key);
      return r && toMeta(r);
    },
    body: (ns, bucket, key) => s.body.get(ns, bucket, key)?.body,
    read: (ns, bucket, key) => {
      const r = s.read.get(ns, bucket, key);
      return r && { meta: toMeta(r), body: r.body, tags: r.tags ?? undefined };
    },
    put: (ns, bucket, m, body) => void s.put.run(ns, bucket, m.key, body, m.size, m.etag, m.contentType, m.lastModified, JSON.stringify(m.metadata)),
    delete: (ns, bucket, key) => s.delete.run(ns, bucket, key).changes > 0,
    usedBytes: (ns) => s.used.get(ns)!.n,
  };
});

export interface Upload { uploadId: string; bucket: string; key: string; contentType: string; metadata: Record<string, string>; tags: S3Tags; createdAt: number }
interface UploadRow { upload_id: string; bucket: string; key: string; content_type: string; metadata: string; tags: string; created_at: number }
const toUpload = (r: UploadRow): Upload => ({
  uploadId: r.upload_id, bucket: r.bucket, key: r.key, contentType: r.content_type, metadata: JSON.parse(r.metadata) as Record<string, string>, tags: JSON.parse(r.tags) as S3Tags, createdAt: r.created_at,
});
export interface Part { partNumber: number; size: number; etag: string; lastModified: number }

/** Multipart uploads of one vendor (`<vendor>_s3_uploads` / `_parts`). */
export const multipartStore = perDatabaseAndVendor((db: Database, vendor: string) => {
  const t = `${vendor}_s3`;
  const s = {
    insert: db.prepare<[string, string, string, string, string, string, string, number]>(
      `INSERT INTO ${t}_uploads (namespace, upload_id, bucket, key, content_type, metadata, tags, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    get: db.prepare<[string, string], UploadRow>(`SELECT * FROM ${t}_uploads WHERE namespace = ? AND upload_id = ?`),
    // Uploads of a bucket after a (key, created_at, upload_id) cursor, in that order (ListMultipartUploads).
    list: db.prepare<[string, string, string, number, string, string, string, number], UploadRow>(
      `SELECT * FROM ${t}_uploads WHERE namespace = ? AND bucket = ? AND (key, created_at, upload_id) > (?, ?, ?) AND substr(key, 1, length(?)) = ? ORDER BY key, created_at, upload_id LIMIT ?`,
    ),
    remove: db.prepare<[string, string]>(`DELETE FROM ${t}_uploads WHERE namespace = ? AND upload_id = ?`),
    removeParts: db.prepare<[string, string]>(`DELETE FROM ${t}_parts WHERE namespace = ? AND upload_id = ?`),
    putPart: db.prepare<[string, string, number, Buffer, number, string, number]>(`INSERT OR REPLACE INTO ${t}_parts (namespace, upload_id, part_number, body, size, etag, last_modified) VALUES (?, ?, ?, ?, ?, ?, ?)`),
    parts: db.prepare<[string, string, number, number], { part_number: number; size: number; etag: string; last_modified: number }>(
      `SELECT part_number, size, etag, last_modified FROM ${t}_parts WHERE namespace = ? AND upload_id = ? AND part_number > ? ORDER BY part_number LIMIT ?`,
    ),
    partBody: db.prepare<[string, string, number], { body: Buffer }>(`SELECT body FROM ${t}_parts WHERE namespace = ? AND upload_id = ? AND part_number = ?`),
    used: db.prepare<[string], { n: number }>(`SELECT coalesce(sum(size), 0) AS n FROM ${t}_parts WHERE namespace = ?`),
    uploadsOfBucket: db.prepare<[string, string], { n: number }>(`SELECT count(*) AS n FROM ${t}_uploads WHERE namespace = ? AND bucket = ?`),
  };
  return {
    create: (ns: string, u: Upload) => void s.insert.run(ns, u.uploadId, u.bucket, u.key, u.contentType, JSON.stringify(u.metadata), JSON.stringify(u.tags), u.createdAt),
    get: (ns: string, uploadId: string): Upload | undefined => {
      const r = s.get.get(ns, uploadId);
      return r && toUpload(r);
    },
    list: (ns: string, bucket: string, after: { key: string; createdAt: number; uploadId: string }, prefix: string, limit: number): Upload[] =>
      s.list.all(ns, bucket, after.key, after.createdAt, after.uploadId, prefix, prefix, limit).map(toUpload),
    remove: (ns: string, uploadId: string) => {
      s.removeParts.run(ns, uploadId);
      return s.remove.run(ns, uploadId).changes > 0;
    },
    putPart: (ns: string, uploadId: string, p: Part, body: Buffer) => void s.putPart.run(ns, uploadId, p.partNumber, body, p.size, p.etag, p.lastModified),
    parts: (ns: string, uploadId: string, after = 0, limit = 10_000): Part[] =>
      s.parts.all(ns, uploadId, after, limit).map((r) => ({ partNumber: r.part_number, size: r.size, etag: r.etag, lastModified: r.last_modified })),
    partBody: (ns: string, uploadId: string, partNumber: number) => s.partBody.get(ns, uploadId, partNumber)?.body,
    usedBytes: (ns: string) => s.used.get(ns)!.n,
    uploadsOfBucket: (ns: string, bucket: string) => s.uploadsOfBucket.get(ns, bucket)!.n,
  };
});
export type MultipartStore = ReturnType<typeof multipartStore>;

/** An object's tags, in the order given. */
export type S3Tags = Record<string, string>;

/**
 * Object tags of one vendor (`<vendor>_s3_tags`), valid only for the object version (ETag and
 * Last-Modified) they were set on: an object rewritten by a vendor API or a fixture shows none.
 */
export const tagStore = perDatabaseAndVendor((db: Database, vendor: string) => {
  const t = `${vendor}_s3_tags`;
  const s = {
    get: db.prepare<[string, string, string, string, number], { tags: string }>(`SELECT tags FROM ${t} WHERE namespace = ? AND bucket = ? AND key = ? AND etag = ? AND last_modified = ?`),
    put: db.prepare<[string, string, string, string, number, string]>(`INSERT OR REPLACE INTO ${t} (namespace, bucket, key, etag, last_modified, tags) VALUES (?, ?, ?, ?, ?, ?)`),
    remove: db.prepare<[string, string, string]>(`DELETE FROM ${t} WHERE namespace = ? AND bucket = ? AND key = ?`),
  };
  return {
    /** The tags of this version of the object (raw JSON), undefined when it has none. */
    raw: (ns: string, bucket: string, o: S3ObjectMeta): string | undefined => s.get.get(ns, bucket, o.key, o.etag, o.lastModified)?.tags,
    get: (ns: string, bucket: string, o: S3ObjectMeta): S3Tags => JSON.parse(s.get.get(ns, bucket, o.key, o.etag, o.lastModified)?.tags ?? '{}') as S3Tags,
    /** Sets the tags of this version of the object; no tags removes the row. */
    set: (ns: string, bucket: string, o: S3ObjectMeta, tags: S3Tags) => {
      if (Object.keys(tags).length === 0) s.remove.run(ns, bucket, o.key);
      else s.put.run(ns, bucket, o.key, o.etag, o.lastModified, JSON.stringify(tags));
    },
    remove: (ns: string, bucket: string, key: string) => void s.remove.run(ns, bucket, key),
  };
});
export type TagStore = ReturnType<typeof tagStore>;

/** The plane's tables a vendor owns (reset and the state dump find them there; bytes are hidden). */
export function s3Tables(vendor: string, withBuckets: boolean): Array<{ name: string; hiddenColumns?: string[] }> {
  return [
    ...(withBuckets ? [{ name: `${vendor}_s3_buckets` }, { name: `${vendor}_s3_objects`, hiddenColumns: ['body'] }] : []),
    { name: `${vendor}_s3_tags` },
    { name: `${vendor}_s3_uploads` },
    { name: `${vendor}_s3_parts`, hiddenColumns: ['body'] },
  ];
}
