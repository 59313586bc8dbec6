import type { VendorContext } from '../core/vendor.js';
import type { S3Code } from './errors.js';

/**
 * What a vendor tells the S3 data plane (DESIGN.md §6), so the plane is written once: which secret
 * an access key id signs with, whether the key may be used now and for what, and where its buckets
 * and objects live. Each vendor's `src/vendors/<id>/s3.ts` builds one.
 */

/** Who sent a request: its address as the socket shows it (IPv4-mapped IPv6 made IPv4). */
export interface S3Client {
  ip: string;
}

/** What a request wants to do, for a vendor's permission model. */
export type S3Access = 'list-buckets' | 'create-bucket' | 'delete-bucket' | 'read-bucket' | 'list' | 'read' | 'write' | 'delete';

export interface S3Refusal {
  code: Extract<S3Code, 'InvalidAccessKeyId' | 'AccessDenied'>;
  message?: string;
}

export interface S3Key {
  /** The secret that signs now (only the latest one; a rotated secret no longer verifies). */
  secret: string | null;
  /**
   * Why the key cannot be used now (pending, provisioning, deleted, inactive, revoked, expired…);
   * undefined when it can. `InvalidAccessKeyId` is answered before the signature is checked,
   * `AccessDenied` after it.
   */
  refusal?: S3Refusal;
  /** Who owns the buckets this key makes: the tenant (account, contract, project, organization). */
  owner: { id: string; displayName: string };
  /** The region of the key's tenant, for GetBucketLocation and new buckets. */
  region: string;
  /** Whether the key may do `access` on `bucket` (`bucket` is undefined for list-buckets and create-bucket). */
  may(access: S3Access, bucket?: S3Bucket, key?: string): boolean;
}

export interface S3Bucket {
  name: string;
  region: string;
  createdAt: number;
  /** The tenant that holds it (S3Key.owner.id). */
  ownerId: string;
}

export interface S3ObjectMeta {
  key: string;
  size: number;
  /** Hex, without quotes: MD5, or `<md5-of-md5s>-<n>` for a multipart upload. */
  etag: string;
  contentType: string;
  lastModified: number;
  /** `x-amz-meta-*`, names lower-case without the prefix. */
  metadata: Record<string, string>;
}

/** Where one vendor's buckets and objects live (its own management tables where it has them). */
export interface S3World {
  /** The buckets of a tenant, by name. */
  buckets(namespace: string, ownerId: string): S3Bucket[];
  bucket(namespace: string, name: string): S3Bucket | undefined;
  /** Creates the bucket, or throws a vendor-shaped refusal (AccessDenied where the vendor does not allow it). */
  createBucket(namespace: string, owner: S3Key['owner'], name: string, region: string, now: number): void;
  deleteBucket(namespace: string, name: string): void;
  /** Objects with keys > `after` that start with `prefix`, in key order, at most `limit`. */
  objects(namespace: string, bucket: string, prefix: string, after: string, limit: number): S3ObjectMeta[];
  objectCount(namespace: string, bucket: string): number;
  head(namespace: string, bucket: string, key: string): S3ObjectMeta | undefined;
  body(namespace: string, bucket: string, key: string): Buffer | undefined;
  /** Metadata, bytes and tags (raw JSON, or undefined when none) together (GetObject): one read where the vendor's tables allow it. */
  read(namespace: string, bucket: string, key: string): { meta: S3ObjectMeta; body: Buffer; tags: string | undefined } | undefined;
  put(namespace: string, bucket: string, meta: S3ObjectMeta, body: Buffer): void;
  delete(namespace: string, bucket: string, key: string): boolean;
  /** Object bytes the namespace holds in this vendor (S3_MAX_NAMESPACE_BYTES counts every vendor). */
  usedBytes(namespace: string): number;
}

/** The outcome of checking a presigned URL the vendor's management API issued (not one a client signed). */
export type IssuedPresign = { ok: true } | { ok: false; code: Extract<S3Code, 'AccessDenied' | 'SignatureDoesNotMatch'>; message: string };

export interface VendorS3 {
  /**
   * Resolves an access key id; undefined when the vendor never issued it (InvalidAccessKeyId).
   * `client` is who sent the request, for vendors whose buckets admit only some addresses; `now` is
   * the request's one time on the emulator clock (`request.emulator.now`).
   */
  key(ctx: VendorContext, namespace: string, accessKeyId: string, client: S3Client, now: number): S3Key | undefined;
  world(ctx: VendorContext): S3World;
  /**
   * When the request carries a presigned URL the vendor's management API issued, its verdict (on
   * the emulator clock at the request's `now`: expiry and revocation); undefined when the URL is not one of those.
   */
  issuedPresign?(ctx: VendorContext, namespace: string, query: URLSearchParams, method: string, bucket: string, key: string, now: number): IssuedPresign | undefined;
}
