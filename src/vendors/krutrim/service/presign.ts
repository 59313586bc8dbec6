import { createHmac, randomBytes } from 'node:crypto';
import { sameSecret } from '../../../core/secrets.js';
import { perDatabase } from '../../../core/vendor.js';
import { s3BaseUrl } from '../../../s3/urls.js';
import { catalogue } from '../errors.js';
import type { BucketRow, KrutrimStore } from '../store.js';
import { iso } from './tenancy.js';

const DEFAULT_URL_SECONDS = 3600;

/** Where presigned URLs point: `<protocol>://<host>` of the request, and `/ns/<name>` + the mount. */
export interface UrlBase {
  origin: string;
  prefix: string;
}

/** The HMAC key of presigned URLs: one per emulator (per database), never stored or shown. */
export const presignKey = perDatabase(() => randomBytes(32));

/** The query a KOS presigned URL carries. */
interface PresignedQuery {
  'X-Kos-Method'?: string | undefined;
  'X-Kos-Expires'?: string | undefined;
  'X-Kos-Signature'?: string | undefined;
}

/** KOS presigned URLs (`X-Kos-Method`, `-Expires`, `-Signature`): issued by the object routes, checked by this mount and the S3 plane. */
export class Presigner {
  /** `config.publicUrl` (PUBLIC_URL) is read per URL: it may be set once the server listens (port 0). */
  constructor(private readonly deps: { store: KrutrimStore; key: Buffer; config: { readonly publicUrl: string | undefined } }) {}

  private signature(namespace: string, method: string, bucketId: string, key: string, expires: string): string {
    return createHmac('sha256', this.deps.key).update([namespace, method, bucketId, key, expires].join('\n')).digest('hex');
  }

  sign(namespace: string, base: UrlBase, method: 'GET' | 'PUT', b: BucketRow, key: string, expiresIn: number | undefined, now: number) {
    const expiresAtMs = now + (expiresIn ?? DEFAULT_URL_SECONDS) * 1000;
    const expires = String(Math.floor(expiresAtMs / 1000));
    const path = key.split('/').map(encodeURIComponent).join('/');
    const query = new URLSearchParams({ 'X-Kos-Method': method, 'X-Kos-Expires': expires, 'X-Kos-Signature': this.signature(namespace, method, b.bucket_id, key, expires) });
    // With PUBLIC_URL the URL is served by the S3 plane (`/s3/krutrim/<bucket name>/<key>`), else by this mount.
    const s3 = s3BaseUrl(this.deps.config.publicUrl, namespace, 'krutrim');
    const url = s3 !== undefined ? `${s3}/${b.name}/${path}` : `${base.origin}${base.prefix}/_objects/${b.bucket_id}/${path}`;
    return { url: `${url}?${query.toString()}`, expiresAt: iso(Number(expires) * 1000) };
  }

  /** Checks a presigned URL: signature first (so a changed expiry is a mismatch), then expiry, then the bucket. */
  check(namespace: string, method: string, bucketId: string, key: string, q: PresignedQuery, now: number): BucketRow {
    const signedMethod = q['X-Kos-Method'] ?? '';
    const expires = q['X-Kos-Expires'] ?? '';
    const given = q['X-Kos-Signature'] ?? '';
    const effective = method === 'HEAD' ? 'GET' : method;
    if (signedMethod !== effective || !/^\d{1,12}$/.test(expires) || !sameSecret(given, this.signature(namespace, signedMethod, bucketId, key, expires))) {
      throw catalogue.error('SIGNATURE_MISMATCH');
    }
    if (Number(expires) * 1000 <= now) throw catalogue.error('URL_EXPIRED');
    const b = this.deps.store.bucketByIdAnyAccount.get({ namespace, id: bucketId });
    if (!b) throw catalogue.error('BUCKET_NOT_FOUND');
    return b;
  }
}
