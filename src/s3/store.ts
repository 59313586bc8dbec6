import type { Database } from 'better-sqlite3';
import { sql } from '../core/sql.js';
import type { S3Bucket, S3ObjectMeta, S3World } from './part.js';

/**
 * The S3 plane's own SQL: buckets and objects of vendors without a bucket API (`<vendor>_s3_*`,
 * migration 015), and every vendor's multipart uploads. Statements (core/sql.ts, named parameters)
 * are prepared once per database and vendor.
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

/** Where an object is: its namespace, bucket and key. */
type At = { namespace: string; bucket: string; key: string };

/** A vendor's buckets and objects in the plane's own tables (IONOS, Exoscale, IBM). */
export const genericWorld = perDatabaseAndVendor((db: Database, vendor: string): S3World => {
  const t = `${vendor}_s3`;
  const q = sql(db);
  const s = {
    buckets: q.statement<{ namespace: string; owner: string }, BucketRow>(`SELECT * FROM ${t}_buckets WHERE namespace = @namespace AND owner_id = @owner ORDER BY name`),
    // Every object request names its bucket: remembered until the next write (core/sql.ts).
    bucket: q.remembered<{ namespace: string; name: string }, [string, string, string, number], S3Bucket>(
      `SELECT name, owner_id, region, created_at FROM ${t}_buckets WHERE namespace = @namespace AND name = @name`,
      ([name, ownerId, region, createdAt]) => ({ name, ownerId, region, createdAt }),
    ),
    bucketInsert: q.statement<{ namespace: string; name: string; owner: string; region: string; createdAt: number }>(
      `INSERT INTO ${t}_buckets (namespace, name, owner_id, region, created_at) VALUES (@namespace, @name, @owner, @region, @createdAt)`,
    ),
    bucketDelete: q.statement<{ namespace: string; name: string }>(`DELETE FROM ${t}_buckets WHERE namespace = @namespace AND name = @name`),
    objects: q.statement<{ namespace: string; bucket: string; after: string; prefix: string; limit: number }, ObjectRow>(
      `SELECT ${META_COLUMNS} FROM ${t}_objects WHERE namespace = @namespace AND bucket = @bucket AND key > @after AND substr(key, 1, length(@prefix)) = @prefix ORDER BY key LIMIT @limit`,
    ),
    objectCount: q.statement<{ namespace: string; bucket: string }, { n: number }>(`SELECT count(*) AS n FROM ${t}_objects WHERE namespace = @namespace AND bucket = @bucket`),
    objectHead: q.statement<At, ObjectRow>(`SELECT ${META_COLUMNS} FROM ${t}_objects WHERE namespace = @namespace AND bucket = @bucket AND key = @key`),
    objectBody: q.statement<At, { body: Buffer }>(`SELECT body FROM ${t}_objects WHERE namespace = @namespace AND bucket = @bucket AND key = @key`),
    // The object's tags in the same read (GetObject answers x-amz-tagging-count).
    objectRead: q.statement<At, ObjectRow & { body: Buffer; tags: string | null }>(
      `SELECT o.key, o.size, o.etag, o.content_type, o.last_modified, o.metadata, o.body, t.tags FROM ${t}_objects o
       LEFT JOIN ${t}_tags t ON t.namespace = o.namespace AND t.bucket = o.bucket AND t.key = o.key AND t.etag = o.etag AND t.last_modified = o.last_modified
       WHERE o.namespace = @namespace AND o.bucket = @bucket AND o.key = @key`,
    ),
    objectPut: q.statement<At & { body: Buffer; size: number; etag: string; contentType: string; lastModified: number; metadata: string }>(
      `INSERT OR REPLACE INTO ${t}_objects (namespace, bucket, key, body, size, etag, content_type, last_modified, metadata)
       VALUES (@namespace, @bucket, @key, @body, @size, @etag, @contentType, @lastModified, @metadata)`,
    ),
    objectDelete: q.statement<At>(`DELETE FROM ${t}_objects WHERE namespace = @namespace AND bucket = @bucket AND key = @key`),
    usedBytes: q.statement<{ namespace: string }, { n: number }>(`SELECT coalesce(sum(size), 0) AS n FROM ${t}_objects WHERE namespace = @namespace`),
  };
  return {
    buckets: (namespace, owner) => s.buckets.all({ namespace, owner }).map(toBucket),
    bucket: (namespace, name) => s.bucket.get({ namespace, name }),
    createBucket: (namespace, owner, name, region, now) => void s.bucketInsert.run({ namespace, name, owner: owner.id, region, createdAt: now }),
    deleteBucket: (namespace, name) => void s.bucketDelete.run({ namespace, name }),
    objects: (namespace, bucket, prefix, after, limit) => s.objects.all({ namespace, bucket, after, prefix, limit }).map(toMeta),
    objectCount: (namespace, bucket) => s.objectCount.get({ namespace, bucket })!.n,
    head: (namespace, bucket, key) => {
      const r = s.objectHead.get({ namespace, bucket, key });
      return r && toMeta(r);
    },
    body: (namespace, bucket, key) => s.objectBody.get({ namespace, bucket, key })?.body,
    read: (namespace, bucket, key) => {
      const r = s.objectRead.get({ namespace, bucket, key });
      return r && { meta: toMeta(r), body: r.body, tags: r.tags ?? undefined };
    },
    put: (namespace, bucket, m, body) =>
      void s.objectPut.run({ namespace, bucket, key: m.key, body, size: m.size, etag: m.etag, contentType: m.contentType, lastModified: m.lastModified, metadata: JSON.stringify(m.metadata) }),
    delete: (namespace, bucket, key) => s.objectDelete.run({ namespace, bucket, key }).changes > 0,
    usedBytes: (namespace) => s.usedBytes.get({ namespace })!.n,
  };
});

export interface Upload { uploadId: string; bucket: string; key: string; contentType: string; metadata: Record<string, string>; tags: S3Tags; createdAt: number }
interface UploadRow { upload_id: string; bucket: string; key: string; content_type: string; metadata: string; tags: string; created_at: number }
const toUpload = (r: UploadRow): Upload => ({
  uploadId: r.upload_id, bucket: r.bucket, key: r.key, contentType: r.content_type, metadata: JSON.parse(r.metadata) as Record<string, string>, tags: JSON.parse(r.tags) as S3Tags, createdAt: r.created_at,
});
export interface Part { partNumber: number; size: number; etag: string; lastModified: number }

/** Where an upload is: its namespace and id. */
type UploadAt = { namespace: string; uploadId: string };

/** Multipart uploads of one vendor (`<vendor>_s3_uploads` / `_parts`). */
export const multipartStore = perDatabaseAndVendor((db: Database, vendor: string) => {
  const t = `${vendor}_s3`;
  const q = sql(db);
  const s = {
    uploadInsert: q.statement<UploadAt & { bucket: string; key: string; contentType: string; metadata: string; tags: string; createdAt: number }>(
      `INSERT INTO ${t}_uploads (namespace, upload_id, bucket, key, content_type, metadata, tags, created_at)
       VALUES (@namespace, @uploadId, @bucket, @key, @contentType, @metadata, @tags, @createdAt)`,
    ),
    uploadById: q.statement<UploadAt, UploadRow>(`SELECT * FROM ${t}_uploads WHERE namespace = @namespace AND upload_id = @uploadId`),
    // Uploads of a bucket after a (key, created_at, upload_id) cursor, in that order (ListMultipartUploads).
    uploadsAfter: q.statement<{ namespace: string; bucket: string; key: string; createdAt: number; uploadId: string; prefix: string; limit: number }, UploadRow>(
      `SELECT * FROM ${t}_uploads WHERE namespace = @namespace AND bucket = @bucket AND (key, created_at, upload_id) > (@key, @createdAt, @uploadId)
       AND substr(key, 1, length(@prefix)) = @prefix ORDER BY key, created_at, upload_id LIMIT @limit`,
    ),
    uploadDelete: q.statement<UploadAt>(`DELETE FROM ${t}_uploads WHERE namespace = @namespace AND upload_id = @uploadId`),
    partsDelete: q.statement<UploadAt>(`DELETE FROM ${t}_parts WHERE namespace = @namespace AND upload_id = @uploadId`),
    partPut: q.statement<UploadAt & { partNumber: number; body: Buffer; size: number; etag: string; lastModified: number }>(
      `INSERT OR REPLACE INTO ${t}_parts (namespace, upload_id, part_number, body, size, etag, last_modified)
       VALUES (@namespace, @uploadId, @partNumber, @body, @size, @etag, @lastModified)`,
    ),
    partsAfter: q.statement<UploadAt & { after: number; limit: number }, { part_number: number; size: number; etag: string; last_modified: number }>(
      `SELECT part_number, size, etag, last_modified FROM ${t}_parts WHERE namespace = @namespace AND upload_id = @uploadId AND part_number > @after ORDER BY part_number LIMIT @limit`,
    ),
    partBody: q.statement<UploadAt & { partNumber: number }, { body: Buffer }>(
      `SELECT body FROM ${t}_parts WHERE namespace = @namespace AND upload_id = @uploadId AND part_number = @partNumber`,
    ),
    usedBytes: q.statement<{ namespace: string }, { n: number }>(`SELECT coalesce(sum(size), 0) AS n FROM ${t}_parts WHERE namespace = @namespace`),
    uploadCount: q.statement<{ namespace: string; bucket: string }, { n: number }>(`SELECT count(*) AS n FROM ${t}_uploads WHERE namespace = @namespace AND bucket = @bucket`),
  };
  return {
    create: (namespace: string, u: Upload) =>
      void s.uploadInsert.run({ namespace, uploadId: u.uploadId, bucket: u.bucket, key: u.key, contentType: u.contentType, metadata: JSON.stringify(u.metadata), tags: JSON.stringify(u.tags), createdAt: u.createdAt }),
    get: (namespace: string, uploadId: string): Upload | undefined => {
      const r = s.uploadById.get({ namespace, uploadId });
      return r && toUpload(r);
    },
    list: (namespace: string, bucket: string, after: { key: string; createdAt: number; uploadId: string }, prefix: string, limit: number): Upload[] =>
      s.uploadsAfter.all({ namespace, bucket, key: after.key, createdAt: after.createdAt, uploadId: after.uploadId, prefix, limit }).map(toUpload),
    remove: (namespace: string, uploadId: string) => {
      s.partsDelete.run({ namespace, uploadId });
      return s.uploadDelete.run({ namespace, uploadId }).changes > 0;
    },
    putPart: (namespace: string, uploadId: string, p: Part, body: Buffer) =>
      void s.partPut.run({ namespace, uploadId, partNumber: p.partNumber, body, size: p.size, etag: p.etag, lastModified: p.lastModified }),
    parts: (namespace: string, uploadId: string, after = 0, limit = 10_000): Part[] =>
      s.partsAfter.all({ namespace, uploadId, after, limit }).map((r) => ({ partNumber: r.part_number, size: r.size, etag: r.etag, lastModified: r.last_modified })),
    partBody: (namespace: string, uploadId: string, partNumber: number) => s.partBody.get({ namespace, uploadId, partNumber })?.body,
    usedBytes: (namespace: string) => s.usedBytes.get({ namespace })!.n,
    uploadsOfBucket: (namespace: string, bucket: string) => s.uploadCount.get({ namespace, bucket })!.n,
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
  const q = sql(db);
  type Version = At & { etag: string; lastModified: number };
  const s = {
    tagsOfVersion: q.statement<Version, { tags: string }>(
      `SELECT tags FROM ${t} WHERE namespace = @namespace AND bucket = @bucket AND key = @key AND etag = @etag AND last_modified = @lastModified`,
    ),
    tagsPut: q.statement<Version & { tags: string }>(
      `INSERT OR REPLACE INTO ${t} (namespace, bucket, key, etag, last_modified, tags) VALUES (@namespace, @bucket, @key, @etag, @lastModified, @tags)`,
    ),
    tagsDelete: q.statement<At>(`DELETE FROM ${t} WHERE namespace = @namespace AND bucket = @bucket AND key = @key`),
  };
  const version = (namespace: string, bucket: string, o: S3ObjectMeta): Version => ({ namespace, bucket, key: o.key, etag: o.etag, lastModified: o.lastModified });
  return {
    /** The tags of this version of the object (raw JSON), undefined when it has none. */
    raw: (namespace: string, bucket: string, o: S3ObjectMeta): string | undefined => s.tagsOfVersion.get(version(namespace, bucket, o))?.tags,
    get: (namespace: string, bucket: string, o: S3ObjectMeta): S3Tags => JSON.parse(s.tagsOfVersion.get(version(namespace, bucket, o))?.tags ?? '{}') as S3Tags,
    /** Sets the tags of this version of the object; no tags removes the row. */
    set: (namespace: string, bucket: string, o: S3ObjectMeta, tags: S3Tags) => {
      if (Object.keys(tags).length === 0) s.tagsDelete.run({ namespace, bucket, key: o.key });
      else s.tagsPut.run({ ...version(namespace, bucket, o), tags: JSON.stringify(tags) });
    },
    remove: (namespace: string, bucket: string, key: string) => void s.tagsDelete.run({ namespace, bucket, key }),
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
