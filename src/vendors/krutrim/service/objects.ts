import { createHash } from 'node:crypto';
import type { z } from 'zod';
import { catalogue } from '../errors.js';
import type { objectEntry } from '../schemas.js';
import type { BucketRow, KrutrimStore, ObjectMeta, ObjectRow } from '../store.js';
import type { BucketService } from './buckets.js';
import type { Presigner, UrlBase } from './presign.js';
import { iso, type Caller } from './tenancy.js';

/** The objects of a bucket: listed, moved and deleted here, their bytes moved by presigned URLs. */
export class ObjectService {
  constructor(private readonly deps: { store: KrutrimStore; buckets: BucketService; presigner: Presigner; maxObjectBytes: number }) {}

  /** The bucket, its expired objects gone (a read that writes: see BucketService.expireObjects). */
  private bucket(c: Caller, ref: string, now: number): BucketRow {
    return this.deps.buckets.findAndExpireObjects(c, ref, now);
  }

  private require(namespace: string, b: BucketRow, key: string): ObjectMeta {
    const o = this.deps.store.objectMetaByKey.get({ namespace, bucket: b.bucket_id, key });
    if (!o) throw catalogue.error('OBJECT_NOT_FOUND');
    return o;
  }

  /** The objects and folders (delimiter "/") directly under `prefix`. */
  list(c: Caller, ref: string, prefix: string | undefined, now: number) {
    const b = this.bucket(c, ref, now);
    const under = prefix ?? '';
    const folders = new Set<string>();
    const files: Array<z.output<typeof objectEntry>> = [];
    for (const o of this.deps.store.objectsUnderPrefix.all({ namespace: c.namespace, bucket: b.bucket_id, prefix: under })) {
      const rest = o.object_key.slice(under.length);
      const slash = rest.indexOf('/');
      if (slash >= 0) {
        folders.add(under + rest.slice(0, slash + 1));
        continue;
      }
      files.push({ key: o.object_key, name: rest, isFolder: false, size_bytes: o.size_bytes, lastModified: iso(o.last_modified), etag: o.etag, contentType: o.content_type, storage_class: o.storage_class });
    }
    const folderEntries = [...folders].sort().map((key) => ({ key, name: key.slice(under.length, -1), isFolder: true }));
    return [...folderEntries, ...files];
  }

  startUpload(c: Caller, ref: string, body: { prefix: string; contentType?: string | undefined; expires_in?: number | undefined }, base: UrlBase, now: number) {
    const b = this.bucket(c, ref, now);
    const url = this.deps.presigner.sign(c.namespace, base, 'PUT', b, body.prefix, body.expires_in, now);
    return { objectKey: body.prefix, message: 'Upload URL generated successfully', preSignedUrl: url.url, uploadPreSignedUrl: url.url, method: 'PUT' as const, expiresAt: url.expiresAt };
  }

  url(c: Caller, ref: string, key: string, expiresIn: number | undefined, method: 'GET' | 'PUT', base: UrlBase, now: number) {
    const b = this.bucket(c, ref, now);
    if (method === 'GET') this.require(c.namespace, b, key);
    const url = this.deps.presigner.sign(c.namespace, base, method, b, key, expiresIn, now);
    return { objectKey: key, preSignedUrl: url.url, method, expiresAt: url.expiresAt };
  }

  metadata(c: Caller, ref: string, key: string, now: number) {
    const b = this.bucket(c, ref, now);
    const o = this.require(c.namespace, b, key);
    return { key: o.object_key, size_bytes: o.size_bytes, storage_class: o.storage_class, etag: o.etag, lastModified: iso(o.last_modified), contentType: o.content_type };
  }

  move(c: Caller, ref: string, body: { sourceKey: string; destinationKey: string; action: 'move' | 'copy'; destinationBucket?: string | undefined }, now: number) {
    return this.deps.store.transaction(() => {
      const source = this.bucket(c, ref, now);
      const target = body.destinationBucket !== undefined ? this.bucket(c, body.destinationBucket, now) : source;
      this.relocate(c.namespace, source, body.sourceKey, target, body.destinationKey, body.action === 'move', now);
      return { message: body.action === 'move' ? 'Object moved successfully' : 'Object copied successfully', sourceKey: body.sourceKey, destinationKey: body.destinationKey, action: body.action };
    });
  }

  rename(c: Caller, ref: string, body: { oldKey: string; newKey: string }, now: number) {
    return this.deps.store.transaction(() => {
      const b = this.bucket(c, ref, now);
      this.relocate(c.namespace, b, body.oldKey, b, body.newKey, true, now);
      return { message: 'Object renamed successfully', oldKey: body.oldKey, newKey: body.newKey };
    });
  }

  private relocate(namespace: string, from: BucketRow, fromKey: string, to: BucketRow, toKey: string, removeSource: boolean, now: number): void {
    const { store } = this.deps;
    this.require(namespace, from, fromKey);
    if (store.objectMetaByKey.get({ namespace, bucket: to.bucket_id, key: toKey })) throw catalogue.error('OBJECT_ALREADY_EXISTS');
    store.objectCopy.run({ namespace, bucket: from.bucket_id, key: fromKey, toBucket: to.bucket_id, toKey, now });
    if (removeSource) store.objectDelete.run({ namespace, bucket: from.bucket_id, key: fromKey });
  }

  /** Deletes an object; a key ending in "/" deletes the folder: every object under it. */
  delete(c: Caller, ref: string, key: string, now: number) {
    const { store } = this.deps;
    return store.transaction(() => {
      const b = this.bucket(c, ref, now);
      const target = { namespace: c.namespace, bucket: b.bucket_id };
      const deleted = key.endsWith('/') ? store.objectsDeleteByPrefix.run({ ...target, prefix: key }).changes : store.objectDelete.run({ ...target, key }).changes;
      if (deleted === 0) throw catalogue.error('OBJECT_NOT_FOUND');
      return { message: 'Object deleted successfully', objectKey: key };
    });
  }

  /** The bytes of a presigned PUT (the URL was checked): stored, with their MD5 as the etag. */
  put(namespace: string, b: BucketRow, key: string, body: Buffer, contentType: string | undefined, now: number) {
    const max = this.deps.maxObjectBytes;
    if (body.length > max) throw catalogue.error('PAYLOAD_TOO_LARGE', { message: `Payload too large: objects are limited to ${max} bytes (KRUTRIM_MAX_OBJECT_BYTES)` });
    const etag = createHash('md5').update(body).digest('hex');
    this.deps.store.objectUpsert.run({ namespace, bucket: b.bucket_id, key, body, size: body.length, contentType: contentType || 'application/octet-stream', etag, now });
    return { message: 'Object uploaded successfully', objectKey: key, etag, size_bytes: body.length };
  }

  /** The object a presigned GET names (the URL was checked), after the bucket's expiry ran (a read that writes). */
  get(namespace: string, b: BucketRow, key: string, now: number): ObjectRow {
    this.deps.buckets.expireObjects(namespace, b, now);
    const o = this.deps.store.objectByKey.get({ namespace, bucket: b.bucket_id, key });
    if (!o) throw catalogue.error('OBJECT_NOT_FOUND');
    return o;
  }
}
