import { createHash, createHmac, randomBytes } from 'node:crypto';
import { sameSecret, secretDigest } from '../../core/secrets.js';
import { isIP } from 'node:net';
import type { z } from 'zod';
import { perDatabase, type VendorContext } from '../../core/vendor.js';
import { catalogue } from './errors.js';
import { krn, krutrimIds, parseKrn, type KrutrimIds } from './ids.js';
import { DEFAULT_REGIONS, type KrutrimFixture, type objectEntry, type RuleInput } from './schemas.js';
import {
  krutrimStore, type AccessKeyRow, type BucketPolicyRow, type BucketRow, type KrutrimStore, type ObjectMeta, type ObjectRow, type PolicyRow, type RuleRow, type SessionRow,
} from './store.js';

/** Who is calling: resolved from `Authorization: Bearer`, `x-account-id`, `x-region-id`, `x-tier`. */
export interface Caller {
  namespace: string;
  /** The API key's label (never the key itself): for logs and rate limits. */
  credential: string;
  rateLimit: number;
  accountId: string;
  customerId: string;
  region: string;
  tier: string;
  /** Whether the client chose the region with `x-region-id` (bucket listings are then scoped to it). */
  regionFromHeader: boolean;
  tierFromHeader: boolean;
}

export interface AuthHeaders {
  authorization?: string | undefined;
  accountId?: string | undefined;
  regionId?: string | undefined;
  tier?: string | undefined;
}

/** Times as the KOS docs write them: `2000-01-23T04:56:07.000+00:00` (UTC, an explicit offset rather than `Z`). */
export const iso = (ms: number): string => `${new Date(ms).toISOString().slice(0, -1)}+00:00`;

const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/** S3 bucket naming rules (KOS is S3-compatible); undefined when valid, else why not. */
export function bucketNameProblem(name: string): string | undefined {
  if (!BUCKET_NAME.test(name)) return 'a bucket name has 3–63 characters: lower-case letters, digits, dots and hyphens, starting and ending with a letter or digit';
  if (name.includes('..') || name.includes('.-') || name.includes('-.')) return 'a bucket name may not contain "..", ".-" or "-."';
  if (/^\d+\.\d+\.\d+\.\d+$/.test(name)) return 'a bucket name may not look like an IP address';
  return undefined;
}

export class KrutrimService {
  readonly store: KrutrimStore;
  readonly ids: KrutrimIds;

  constructor(readonly ctx: VendorContext) {
    this.store = krutrimStore(ctx.db);
    this.ids = krutrimIds(ctx.ids);
  }

  now(): number {
    return this.ctx.clock.now();
  }

  // ------------------------------------------------------------------ fixtures

  seed(namespace: string, data: KrutrimFixture): Record<string, number> {
    const s = this.store;
    const now = this.now();
    const regions = data.regions.length > 0 ? data.regions : [];
    // The two KOS regions always exist; a section may add or re-tier regions.
    for (const r of [...DEFAULT_REGIONS, ...regions]) s.insertRegion.run(namespace, r.id, r.tier);
    const customers = new Map<string, string>();
    for (const a of data.accounts) {
      // An account that exists is replaced, with everything under it.
      s.deleteAccount(namespace, a.accountId);
      s.insertAccount.run(namespace, a.accountId, a.customerId, a.name);
      customers.set(a.accountId, a.customerId);
    }
    for (const k of data.apiKeys) s.insertApiKey.run(namespace, secretDigest(k.key), k.name, k.accountId, k.rateLimit);
    for (const k of data.accessKeys) {
      const tier = k.tier ?? s.region.get(namespace, k.region)!.tier;
      s.insertAccessKey.run(namespace, k.accessKey, k.secretKey, k.accountId, k.keyName, k.region, tier, k.status, k.createdAt ? Date.parse(k.createdAt) : now);
    }
    for (const b of data.buckets) {
      const tier = b.tier ?? s.region.get(namespace, b.region)!.tier;
      const created = b.createdAt ? Date.parse(b.createdAt) : now;
      s.insertBucket.run(
        namespace, b.id ?? this.ids.bucketId(), b.name, b.accountId, customers.get(b.accountId)!, b.region, tier, b.description,
        JSON.stringify(b.tags), b.versioning ? 1 : 0, b.anonymous_access ? 1 : 0, b.allocatedCapacity, created, created,
      );
    }
    return { regions: regions.length, accounts: data.accounts.length, apiKeys: data.apiKeys.length, accessKeys: data.accessKeys.length, buckets: data.buckets.length };
  }

  // ------------------------------------------------------------------ auth and tenancy

  authenticate(namespace: string, h: AuthHeaders): Caller {
    const s = this.store;
    const match = /^Bearer\s+(\S+)\s*$/i.exec(h.authorization ?? '');
    if (!match) throw catalogue.error('UNAUTHORIZED', { message: 'Unauthorized: an Authorization: Bearer <api key> header is required' });
    const given = match[1]!;
    const digest = secretDigest(given);
    const key = s.apiKeyByDigest.get(namespace, digest);
    if (!key || !sameSecret(digest, key.key_digest)) throw catalogue.error('UNAUTHORIZED', { message: 'Unauthorized: the API key is not valid' });
    if (h.accountId !== undefined && h.accountId !== key.account_id) {
      throw catalogue.error('FORBIDDEN', { message: `Forbidden: the API key does not belong to account ${JSON.stringify(h.accountId)}` });
    }
    const account = s.account.get(namespace, key.account_id);
    if (!account) throw catalogue.error('UNAUTHORIZED', { message: 'Unauthorized: the API key has no account' });
    const regionId = h.regionId ?? DEFAULT_REGIONS[0].id;
    const region = s.region.get(namespace, regionId);
    if (!region) throw this.invalidRegion(namespace, regionId);
    return {
      namespace,
      credential: key.name || `api-key:${key.account_id}`,
      rateLimit: key.rate_limit,
      accountId: account.account_id,
      customerId: account.customer_id,
      region: region.region_id,
      tier: h.tier ?? region.tier,
      regionFromHeader: h.regionId !== undefined,
      tierFromHeader: h.tier !== undefined,
    };
  }

  private invalidRegion(namespace: string, region: string) {
    const known = this.store.regions.all(namespace).map((r) => r.region_id);
    return catalogue.error('INVALID_REGION', { message: `Bad request, unknown region ${JSON.stringify(region)}: one of ${known.join(', ')}` });
  }

  checkOtp(otp: string | undefined): void {
    // The docs show an optional `otp`; how it is issued is not public. Any 4–8 digit code is accepted.
    if (otp !== undefined && !/^\d{4,8}$/.test(otp)) throw catalogue.error('INVALID_OTP', { message: 'Bad request, invalid OTP: expected 4 to 8 digits' });
  }

  // ------------------------------------------------------------------ access keys

  private accessKeyView(row: AccessKeyRow) {
    return {
      access_key_id: row.access_key,
      access_key: row.access_key,
      key_name: row.key_name,
      created_at: iso(row.created_at),
      created_date: iso(row.created_at),
      status: row.status as 'Active' | 'Inactive',
      region: row.region,
      tier: row.tier,
    };
  }

  listAccessKeys(c: Caller) {
    return this.store.accessKeys.all(c.namespace, c.accountId).map((r) => this.accessKeyView(r));
  }

  createAccessKey(c: Caller, body: { key_name?: string | undefined; region?: string | undefined } | null | undefined) {
    const regionId = body?.region ?? c.region;
    const region = this.store.region.get(c.namespace, regionId);
    if (!region) throw this.invalidRegion(c.namespace, regionId);
    const tier = c.tierFromHeader && regionId === c.region ? c.tier : region.tier;
    const accessKey = this.ids.accessKey();
    const secretKey = this.ids.secretKey();
    this.store.insertAccessKey.run(c.namespace, accessKey, secretKey, c.accountId, body?.key_name ?? this.ids.keyName(), regionId, tier, 'Active', this.now());
    return { access_key: accessKey, secret_key: secretKey, message: 'Access key created successfully' };
  }

  deleteAccessKey(c: Caller, accessKey: string, otp: string | undefined): void {
    this.checkOtp(otp);
    this.store.transaction(() => {
      if (!this.store.accessKey.get(c.namespace, c.accountId, accessKey)) throw catalogue.error('ACCESS_KEY_NOT_FOUND');
      this.store.deactivateForKey.run(this.now(), c.namespace, c.accountId, accessKey);
      this.store.deleteAccessKey.run(c.namespace, c.accountId, accessKey);
    });
  }

  deleteAllAccessKeys(c: Caller): void {
    this.store.transaction(() => {
      if (this.store.accessKeys.all(c.namespace, c.accountId).length === 0) throw catalogue.error('ACCESS_KEYS_NOT_FOUND');
      this.store.deactivateForAccount.run(this.now(), c.namespace, c.accountId);
      this.store.deleteAccessKeys.run(c.namespace, c.accountId);
    });
  }

  // ------------------------------------------------------------------ sessions

  private timeoutMs(): number {
    return this.ctx.config.krutrimSessionTimeout;
  }

  isActive(row: SessionRow, now = this.now()): boolean {
    return row.deactivated_at === null && now < row.expires_at;
  }

  activateSession(c: Caller, body: { accessKey: string; secretKey: string }) {
    return this.store.transaction(() => {
      const key = this.store.accessKey.get(c.namespace, c.accountId, body.accessKey);
      if (!key || !sameSecret(body.secretKey, key.secret_key)) throw catalogue.error('INVALID_CREDENTIALS');
      if (key.status !== 'Active') throw catalogue.error('ACCESS_KEY_INACTIVE');
      const now = this.now();
      // One active session per credentials: a new activation ends the previous one.
      this.store.deactivateForKey.run(now, c.namespace, c.accountId, key.access_key);
      const sessionToken = this.ids.sessionToken();
      const refreshToken = this.ids.refreshToken();
      const expiresAt = now + this.timeoutMs();
      this.store.insertSession.run(c.namespace, this.ids.sessionId(), secretDigest(sessionToken), secretDigest(refreshToken), key.access_key, c.accountId, c.region, c.tier, now, now, expiresAt);
      return { lastActiveAt: iso(now), sessionToken, expiresAt: iso(expiresAt), refreshToken };
    });
  }

  /** The session with this token, found by the token's digest (the token itself is never stored). */
  private sessionByToken(namespace: string, token: string): SessionRow | undefined {
    return this.store.sessionByDigest.get(namespace, secretDigest(token));
  }

  /** A session of the caller's account, whatever its state; 404 otherwise. */
  private findSession(c: Caller, token: string): SessionRow {
    const row = this.sessionByToken(c.namespace, token);
    if (!row || row.account_id !== c.accountId) throw catalogue.error('SESSION_NOT_FOUND');
    return row;
  }

  refreshSession(c: Caller, token: string, refreshToken: string) {
    return this.store.transaction(() => {
      const row = this.findSession(c, token);
      const now = this.now();
      if (!this.isActive(row, now)) throw catalogue.error('SESSION_EXPIRED');
      if (!sameSecret(secretDigest(refreshToken), row.refresh_digest)) throw catalogue.error('INVALID_REFRESH_TOKEN');
      const next = this.ids.refreshToken();
      const expiresAt = now + this.timeoutMs();
      this.store.refreshSession.run(secretDigest(next), now, expiresAt, c.namespace, row.session_id);
      return { lastActiveAt: iso(now), sessionToken: token, expiresAt: iso(expiresAt), refreshToken: next };
    });
  }

  sessionStatus(c: Caller, token: string) {
    const row = this.findSession(c, token);
    const now = this.now();
    const active = this.isActive(row, now);
    // A deactivated session reports the time it ended as its expiry.
    const expiresAt = row.deactivated_at !== null ? Math.min(row.deactivated_at, row.expires_at) : row.expires_at;
    return { isActive: active, accessKey: row.access_key, createdAt: iso(row.created_at), lastActiveAt: iso(row.last_active_at), expiresAt: iso(expiresAt) };
  }

  deactivateSession(c: Caller, token: string): void {
    const row = this.findSession(c, token);
    this.store.deactivateSession.run(this.now(), c.namespace, row.session_id);
  }

  /**
   * For object operations: the Bearer API key is enough (the Go SDK sends upload URL, download URL, move and
   * delete with nothing else); an `x-session-token`, when sent, must name an active session of the caller's account.
   */
  checkSession(c: Caller, token: string | undefined): SessionRow | undefined {
    if (token === undefined || token === '') return undefined;
    const row = this.sessionByToken(c.namespace, token);
    if (!row || row.account_id !== c.accountId) throw catalogue.error('INVALID_SESSION');
    const now = this.now();
    if (!this.isActive(row, now)) throw catalogue.error('SESSION_EXPIRED');
    this.store.touchSession.run(now, c.namespace, row.session_id);
    return row;
  }

  // ------------------------------------------------------------------ buckets

  bucketKrn(b: BucketRow): string {
    return krn(b.region, b.account_id, b.customer_id, 'bucket', b.bucket_id);
  }

  bucketView(b: BucketRow) {
    return {
      name: b.name,
      krnid: this.bucketKrn(b),
      owner: b.customer_id,
      account_id: b.account_id,
      createdAt: iso(b.created_at),
      usedCapacity: this.store.usedBytes.get(b.namespace, b.bucket_id)!.used,
      allocatedCapacity: b.allocated_capacity,
      region: b.region,
      url: `https://kos.${b.region.toLowerCase()}.olakrutrim.com/${b.name}`,
      status: 'Active',
      path: `/${b.name}`,
      protocol: 'S3',
      description: b.description,
      tags: JSON.parse(b.tags) as Record<string, string>,
      versioning: b.versioning === 1,
      anonymous_access: b.anonymous_access === 1,
      tier: b.tier,
    };
  }

  /** A bucket of the caller's account by KRN (what the SDKs send), id or name; 404 otherwise. */
  findBucket(c: Caller, ref: string): BucketRow {
    let row: BucketRow | undefined;
    if (ref.startsWith('krn:')) {
      const parsed = parseKrn(ref, 'bucket');
      if (parsed && parsed.account === c.accountId) {
        row = this.store.bucketById.get(c.namespace, c.accountId, parsed.id);
        if (row && (row.region !== parsed.region || row.customer_id !== parsed.customer)) row = undefined;
      }
    } else {
      row = this.store.bucketById.get(c.namespace, c.accountId, ref);
      if (!row) {
        const byName = this.store.bucketByName.get(c.namespace, ref);
        if (byName && byName.account_id === c.accountId) row = byName;
      }
    }
    if (!row) throw catalogue.error('BUCKET_NOT_FOUND');
    return row;
  }

  listBuckets(c: Caller, q: { page: number; page_size: number; name_filter?: string | undefined; tier?: string | undefined }) {
    const filter = q.name_filter?.toLowerCase();
    const all = this.store.buckets
      .all(c.namespace, c.accountId)
      .filter((b) => !c.regionFromHeader || b.region === c.region)
      .filter((b) => q.tier === undefined || q.tier === '' || b.tier === q.tier)
      .filter((b) => !filter || b.name.includes(filter));
    const totalPages = Math.ceil(all.length / q.page_size);
    const items = all.slice((q.page - 1) * q.page_size, q.page * q.page_size).map((b) => this.bucketView(b));
    return { totalItems: all.length, totalPages, currentPage: q.page, nextPage: q.page < totalPages ? q.page + 1 : null, items };
  }

  createBucket(
    c: Caller,
    body: { name: string; description?: string | undefined; tags?: Record<string, string> | undefined; versioning?: boolean | undefined; anonymous_access?: boolean | undefined; region?: string | undefined; tier?: string | undefined },
  ) {
    const problem = bucketNameProblem(body.name);
    if (problem) throw catalogue.error('VALIDATION_ERROR', { message: `Unprocessable entity, validation error: name: ${problem}` });
    const regionId = body.region ?? c.region;
    const region = this.store.region.get(c.namespace, regionId);
    if (!region) throw this.invalidRegion(c.namespace, regionId);
    // The Go SDK sends `"tier": ""` when no tier is chosen.
    const tier = body.tier || (c.tierFromHeader && regionId === c.region ? c.tier : region.tier);
    return this.store.transaction(() => {
      if (this.store.bucketByName.get(c.namespace, body.name)) throw catalogue.error('BUCKET_ALREADY_EXISTS');
      const now = this.now();
      const id = this.ids.bucketId();
      this.store.insertBucket.run(
        c.namespace, id, body.name, c.accountId, c.customerId, regionId, tier, body.description ?? '', JSON.stringify(body.tags ?? {}),
        body.versioning ? 1 : 0, body.anonymous_access ? 1 : 0, 0, now, now,
      );
      return { createdAt: iso(now), krn: krn(regionId, c.accountId, c.customerId, 'bucket', id), bucketName: body.name };
    });
  }

  getBucket(c: Caller, ref: string) {
    const b = this.findBucket(c, ref);
    this.beforeObjectRead(b);
    return this.bucketView(b);
  }

  updateBucket(c: Caller, ref: string, body: { versioning?: boolean | undefined; anonymous_access?: boolean | undefined; tags?: Record<string, string> | null | undefined; description?: string | undefined }) {
    const b = this.findBucket(c, ref);
    this.store.updateBucket.run(
      body.description ?? b.description,
      // `null` is what the Go SDK sends when the caller gave no tags: they stay.
      body.tags !== undefined && body.tags !== null ? JSON.stringify(body.tags) : b.tags,
      body.versioning !== undefined ? (body.versioning ? 1 : 0) : b.versioning,
      body.anonymous_access !== undefined ? (body.anonymous_access ? 1 : 0) : b.anonymous_access,
      this.now(),
      c.namespace,
      b.bucket_id,
    );
    return this.bucketView(this.store.bucketById.get(c.namespace, c.accountId, b.bucket_id)!);
  }

  deleteBucket(c: Caller, ref: string, otp: string | undefined): void {
    this.checkOtp(otp);
    this.store.transaction(() => {
      const b = this.findBucket(c, ref);
      this.beforeObjectRead(b);
      if (this.store.objectCount.get(c.namespace, b.bucket_id)!.n > 0) throw catalogue.error('BUCKET_NOT_EMPTY');
      this.removeBucketState(b);
      this.store.deleteBucket.run(c.namespace, b.bucket_id);
    });
  }

  /** Lifecycle expiration, on read: objects older than an enabled rule's `expiration_days` are gone. */
  beforeObjectRead(b: BucketRow): void {
    const rules = this.store.rules.all(b.namespace, b.bucket_id).filter((r) => r.enabled === 1 && r.expiration_days !== null);
    if (rules.length === 0) return;
    const now = this.now();
    for (const o of this.store.objects.all(b.namespace, b.bucket_id)) {
      const expired = rules.some((r) => o.object_key.startsWith(r.prefix) && o.last_modified + r.expiration_days! * DAY_MS <= now);
      if (expired) this.store.deleteObject.run(b.namespace, b.bucket_id, o.object_key);
    }
  }

  /** State that belongs to a bucket goes with it. */
  private removeBucketState(b: BucketRow): void {
    this.store.deleteRules.run(b.namespace, b.bucket_id);
    this.store.deleteBucketPolicy.run(b.namespace, b.bucket_id);
    this.store.deleteObjects.run(b.namespace, b.bucket_id);
  }

  // ------------------------------------------------------------------ objects

  private objectBucket(c: Caller, ref: string): BucketRow {
    const b = this.findBucket(c, ref);
    this.beforeObjectRead(b);
    return b;
  }

  listObjects(c: Caller, ref: string, prefix = '') {
    const b = this.objectBucket(c, ref);
    const folders = new Set<string>();
    const files: Array<z.output<typeof objectEntry>> = [];
    for (const o of this.store.objects.all(c.namespace, b.bucket_id)) {
      if (!o.object_key.startsWith(prefix) || o.object_key === prefix) continue;
      const rest = o.object_key.slice(prefix.length);
      const slash = rest.indexOf('/');
      if (slash >= 0) {
        folders.add(prefix + rest.slice(0, slash + 1));
        continue;
      }
      files.push({ key: o.object_key, name: rest, isFolder: false, size_bytes: o.size_bytes, lastModified: iso(o.last_modified), etag: o.etag, contentType: o.content_type, storage_class: o.storage_class });
    }
    const folderEntries = [...folders].sort().map((key) => ({ key, name: key.slice(prefix.length, -1), isFolder: true }));
    return [...folderEntries, ...files];
  }

  private requireObject(c: Caller, b: BucketRow, key: string): ObjectMeta {
    const o = this.store.objectMeta.get(c.namespace, b.bucket_id, key);
    if (!o) throw catalogue.error('OBJECT_NOT_FOUND');
    return o;
  }

  startUpload(c: Caller, ref: string, body: { prefix: string; contentType?: string | undefined; expires_in?: number | undefined }, base: UrlBase) {
    const b = this.objectBucket(c, ref);
    const url = this.presign(base, 'PUT', b, body.prefix, body.expires_in);
    return { objectKey: body.prefix, message: 'Upload URL generated successfully', preSignedUrl: url.url, uploadPreSignedUrl: url.url, method: 'PUT' as const, expiresAt: url.expiresAt };
  }

  downloadUrl(c: Caller, ref: string, key: string, expiresIn: number | undefined, method: 'GET' | 'PUT', base: UrlBase) {
    const b = this.objectBucket(c, ref);
    if (method === 'GET') this.requireObject(c, b, key);
    const url = this.presign(base, method, b, key, expiresIn);
    return { objectKey: key, preSignedUrl: url.url, method, expiresAt: url.expiresAt };
  }

  metadata(c: Caller, ref: string, key: string) {
    const b = this.objectBucket(c, ref);
    const o = this.requireObject(c, b, key);
    return { key: o.object_key, size_bytes: o.size_bytes, storage_class: o.storage_class, etag: o.etag, lastModified: iso(o.last_modified), contentType: o.content_type };
  }

  moveObject(c: Caller, ref: string, body: { sourceKey: string; destinationKey: string; action: 'move' | 'copy'; destinationBucket?: string | undefined }) {
    return this.store.transaction(() => {
      const source = this.objectBucket(c, ref);
      const target = body.destinationBucket !== undefined ? this.objectBucket(c, body.destinationBucket) : source;
      this.relocate(c, source, body.sourceKey, target, body.destinationKey, body.action === 'move');
      return { message: body.action === 'move' ? 'Object moved successfully' : 'Object copied successfully', sourceKey: body.sourceKey, destinationKey: body.destinationKey, action: body.action };
    });
  }

  renameObject(c: Caller, ref: string, body: { oldKey: string; newKey: string }) {
    return this.store.transaction(() => {
      const b = this.objectBucket(c, ref);
      this.relocate(c, b, body.oldKey, b, body.newKey, true);
      return { message: 'Object renamed successfully', oldKey: body.oldKey, newKey: body.newKey };
    });
  }

  private relocate(c: Caller, from: BucketRow, fromKey: string, to: BucketRow, toKey: string, removeSource: boolean): void {
    this.requireObject(c, from, fromKey);
    if (this.store.objectMeta.get(c.namespace, to.bucket_id, toKey)) throw catalogue.error('OBJECT_ALREADY_EXISTS');
    this.store.copyObject.run(to.bucket_id, toKey, this.now(), c.namespace, from.bucket_id, fromKey);
    if (removeSource) this.store.deleteObject.run(c.namespace, from.bucket_id, fromKey);
  }

  deleteObject(c: Caller, ref: string, key: string) {
    return this.store.transaction(() => {
      const b = this.objectBucket(c, ref);
      // A key ending in "/" deletes the folder: every object under it.
      const keys = key.endsWith('/') ? this.store.objects.all(c.namespace, b.bucket_id).map((o) => o.object_key).filter((k) => k.startsWith(key)) : [key];
      let deleted = 0;
      for (const k of keys) deleted += this.store.deleteObject.run(c.namespace, b.bucket_id, k).changes;
      if (deleted === 0) throw catalogue.error('OBJECT_NOT_FOUND');
      return { message: 'Object deleted successfully', objectKey: key };
    });
  }

  // ------------------------------------------------------------------ presigned URLs

  private signature(namespace: string, method: string, bucketId: string, key: string, expires: string): string {
    return createHmac('sha256', presignSecret(this.ctx.db)).update([namespace, method, bucketId, key, expires].join('\n')).digest('hex');
  }

  private presign(base: UrlBase, method: 'GET' | 'PUT', b: BucketRow, key: string, expiresIn = DEFAULT_URL_SECONDS) {
    const expiresAtMs = this.now() + expiresIn * 1000;
    const expires = String(Math.floor(expiresAtMs / 1000));
    const path = key.split('/').map(encodeURIComponent).join('/');
    const query = new URLSearchParams({ 'X-Kos-Method': method, 'X-Kos-Expires': expires, 'X-Kos-Signature': this.signature(b.namespace, method, b.bucket_id, key, expires) });
    return { url: `${base.origin}${base.prefix}/_objects/${b.bucket_id}/${path}?${query.toString()}`, expiresAt: iso(Number(expires) * 1000) };
  }

  /** Checks a presigned URL: signature first (so a changed expiry is a mismatch), then expiry, then the bucket. */
  checkPresigned(namespace: string, method: string, bucketId: string, key: string, q: { 'X-Kos-Method'?: string | undefined; 'X-Kos-Expires'?: string | undefined; 'X-Kos-Signature'?: string | undefined }): BucketRow {
    const signedMethod = q['X-Kos-Method'] ?? '';
    const expires = q['X-Kos-Expires'] ?? '';
    const given = q['X-Kos-Signature'] ?? '';
    const effective = method === 'HEAD' ? 'GET' : method;
    if (signedMethod !== effective || !/^\d{1,12}$/.test(expires) || !sameSecret(given, this.signature(namespace, signedMethod, bucketId, key, expires))) {
      throw catalogue.error('SIGNATURE_MISMATCH');
    }
    if (Number(expires) * 1000 <= this.now()) throw catalogue.error('URL_EXPIRED');
    const b = this.store.bucketAnyAccount.get(namespace, bucketId);
    if (!b) throw catalogue.error('BUCKET_NOT_FOUND');
    return b;
  }

  putObject(b: BucketRow, key: string, body: Buffer, contentType: string | undefined) {
    const max = this.ctx.config.krutrimMaxObjectBytes;
    if (body.length > max) throw catalogue.error('PAYLOAD_TOO_LARGE', { message: `Payload too large: objects are limited to ${max} bytes (KRUTRIM_MAX_OBJECT_BYTES)` });
    const etag = createHash('md5').update(body).digest('hex');
    this.store.upsertObject.run(b.namespace, b.bucket_id, key, body, body.length, contentType || 'application/octet-stream', etag, 'STANDARD', this.now());
    return { message: 'Object uploaded successfully', objectKey: key, etag, size_bytes: body.length };
  }

  getObject(b: BucketRow, key: string): ObjectRow {
    this.beforeObjectRead(b);
    const o = this.store.object.get(b.namespace, b.bucket_id, key);
    if (!o) throw catalogue.error('OBJECT_NOT_FOUND');
    return o;
  }

  // ------------------------------------------------------------------ lifecycle rules

  private ruleView(b: BucketRow, r: RuleRow) {
    return {
      id: r.rule_id, name: r.name, bucketKrn: this.bucketKrn(b), prefix: r.prefix, attribute: r.attribute,
      expiration_days: r.expiration_days, noncurrent_days: r.noncurrent_days, newer_noncurrent_versions: r.newer_noncurrent_versions,
      delete_incomplete_mpu: r.delete_incomplete_mpu, expired_obj_delete_marker: r.expired_obj_delete_marker === 1,
      enabled: r.enabled === 1, status: (r.enabled === 1 ? 'Enabled' : 'Disabled') as 'Enabled' | 'Disabled',
      createdAt: iso(r.created_at), updatedAt: iso(r.updated_at),
    };
  }

  private findRule(c: Caller, b: BucketRow, id: string): RuleRow {
    const r = this.store.rule.get(c.namespace, b.bucket_id, id);
    if (!r) throw catalogue.error('LIFECYCLE_RULE_NOT_FOUND');
    return r;
  }

  /** Merges input over a rule and validates the numbers (422 when invalid). */
  private ruleValues(input: RuleInput, base?: RuleRow) {
    const invalid = (why: string) => catalogue.error('VALIDATION_ERROR', { message: `Unprocessable entity, validation error: ${why}` });
    const num = (field: 'expiration_days' | 'noncurrent_days' | 'newer_noncurrent_versions' | 'delete_incomplete_mpu', max: number): number | null => {
      const value = input[field] !== undefined ? input[field] : (base?.[field] ?? null);
      if (value === null) return null;
      if (!Number.isInteger(value) || value < 1 || value > max) throw invalid(`${field} must be a whole number from 1 to ${max}`);
      return value;
    };
    const values = {
      name: input.name ?? base!.name,
      prefix: input.prefix ?? base?.prefix ?? '',
      attribute: input.attribute !== undefined ? input.attribute : (base?.attribute ?? null),
      expiration_days: num('expiration_days', 36500),
      noncurrent_days: num('noncurrent_days', 36500),
      newer_noncurrent_versions: num('newer_noncurrent_versions', 100),
      delete_incomplete_mpu: num('delete_incomplete_mpu', 36500),
      expired_obj_delete_marker: input.expired_obj_delete_marker ?? (base ? base.expired_obj_delete_marker === 1 : false),
      enabled: input.enabled ?? (input.status !== undefined ? input.status === 'Enabled' : base ? base.enabled === 1 : true),
    };
    if (input.enabled !== undefined && input.status !== undefined && input.enabled !== (input.status === 'Enabled')) throw invalid('enabled and status disagree');
    if (values.expiration_days === null && values.noncurrent_days === null && values.delete_incomplete_mpu === null && !values.expired_obj_delete_marker) {
      throw invalid('a rule needs at least one action: expiration_days, noncurrent_days, delete_incomplete_mpu or expired_obj_delete_marker');
    }
    return values;
  }

  listRules(c: Caller, ref: string) {
    const b = this.findBucket(c, ref);
    return this.store.rules.all(c.namespace, b.bucket_id).map((r) => this.ruleView(b, r));
  }

  createRule(c: Caller, ref: string, input: RuleInput & { name: string }) {
    return this.store.transaction(() => {
      const b = this.findBucket(c, ref);
      const v = this.ruleValues(input);
      if (this.store.ruleByName.get(c.namespace, b.bucket_id, v.name)) throw catalogue.error('LIFECYCLE_RULE_ALREADY_EXISTS');
      const id = this.ids.ruleId();
      const now = this.now();
      this.store.insertRule.run(c.namespace, id, b.bucket_id, v.name, v.prefix, v.attribute, v.expiration_days, v.noncurrent_days, v.newer_noncurrent_versions, v.delete_incomplete_mpu, v.expired_obj_delete_marker ? 1 : 0, v.enabled ? 1 : 0, now, now);
      return this.ruleView(b, this.findRule(c, b, id));
    });
  }

  getRule(c: Caller, ref: string, id: string) {
    const b = this.findBucket(c, ref);
    return this.ruleView(b, this.findRule(c, b, id));
  }

  updateRule(c: Caller, ref: string, id: string, input: RuleInput) {
    return this.store.transaction(() => {
      const b = this.findBucket(c, ref);
      const r = this.findRule(c, b, id);
      const v = this.ruleValues(input, r);
      const clash = this.store.ruleByName.get(c.namespace, b.bucket_id, v.name);
      if (clash && clash.rule_id !== id) throw catalogue.error('LIFECYCLE_RULE_ALREADY_EXISTS');
      this.store.updateRule.run(v.name, v.prefix, v.attribute, v.expiration_days, v.noncurrent_days, v.newer_noncurrent_versions, v.delete_incomplete_mpu, v.expired_obj_delete_marker ? 1 : 0, v.enabled ? 1 : 0, this.now(), c.namespace, id);
      return this.ruleView(b, this.findRule(c, b, id));
    });
  }

  deleteRule(c: Caller, ref: string, id: string): void {
    const b = this.findBucket(c, ref);
    this.findRule(c, b, id);
    this.store.deleteRule.run(c.namespace, id);
  }

  // ------------------------------------------------------------------ policies

  private policyView(p: PolicyRow) {
    return {
      _id: p.policy_id, accountId: p.account_id,
      name: p.name, description: p.description, statements: JSON.parse(p.statements) as Array<Record<string, unknown>>, conditions: JSON.parse(p.conditions) as Record<string, unknown> | unknown[],
      policyKRN: krn(p.region, p.account_id, p.customer_id, 'policy', p.policy_id), CreationDate: iso(p.created_at), UpdateDate: iso(p.updated_at),
      attachedTo: this.store.principals.all(p.namespace, p.policy_id).map((a) => a.kcid),
    };
  }

  private findPolicy(c: Caller, ref: string): PolicyRow {
    const parsed = ref.startsWith('krn:') ? parseKrn(ref, 'policy') : undefined;
    const id = ref.startsWith('krn:') ? (parsed && parsed.account === c.accountId ? parsed.id : undefined) : ref;
    const p = id === undefined ? undefined : this.store.policy.get(c.namespace, c.accountId, id);
    if (!p || (parsed && (parsed.region !== p.region || parsed.customer !== p.customer_id))) throw catalogue.error('POLICY_NOT_FOUND');
    return p;
  }

  listPolicies(c: Caller) {
    return this.store.policies.all(c.namespace, c.accountId).map((p) => this.policyView(p));
  }

  createPolicy(c: Caller, body: { name: string; description?: string | undefined; statements: Array<Record<string, unknown>>; conditions?: Record<string, unknown> | unknown[] | undefined }) {
    return this.store.transaction(() => {
      if (this.store.policyByName.get(c.namespace, c.accountId, body.name)) throw catalogue.error('POLICY_ALREADY_EXISTS');
      const id = this.ids.policyId();
      const now = this.now();
      this.store.insertPolicy.run(c.namespace, id, c.accountId, c.customerId, c.region, body.name, body.description ?? '', JSON.stringify(body.statements), JSON.stringify(body.conditions ?? {}), now, now);
      return this.policyView(this.store.policy.get(c.namespace, c.accountId, id)!);
    });
  }

  getPolicy(c: Caller, ref: string) {
    return this.policyView(this.findPolicy(c, ref));
  }

  updatePolicy(c: Caller, ref: string, body: { name?: string | undefined; description?: string | undefined; statements?: Array<Record<string, unknown>> | undefined; conditions?: Record<string, unknown> | unknown[] | undefined }) {
    return this.store.transaction(() => {
      const p = this.findPolicy(c, ref);
      const name = body.name ?? p.name;
      const clash = this.store.policyByName.get(c.namespace, c.accountId, name);
      if (clash && clash.policy_id !== p.policy_id) throw catalogue.error('POLICY_ALREADY_EXISTS');
      this.store.updatePolicy.run(name, body.description ?? p.description, body.statements ? JSON.stringify(body.statements) : p.statements, body.conditions ? JSON.stringify(body.conditions) : p.conditions, this.now(), c.namespace, p.policy_id);
      return this.policyView(this.store.policy.get(c.namespace, c.accountId, p.policy_id)!);
    });
  }

  deletePolicy(c: Caller, ref: string): void {
    this.store.transaction(() => {
      const p = this.findPolicy(c, ref);
      this.store.detachPolicy.run(c.namespace, p.policy_id);
      this.store.deletePolicy.run(c.namespace, p.policy_id);
    });
  }

  /**
   * Attaches (or detaches) the named policies to a customer (`kcid`), all or none: an unknown policy → 404,
   * detaching one that is not attached → 422, and nothing changes. Attaching twice is a no-op.
   */
  attachPolicies(c: Caller, policyKrns: string[], kcid: string, attach: boolean) {
    return this.store.transaction(() => {
      const policies = policyKrns.map((ref) => this.findPolicy(c, ref));
      const now = this.now();
      for (const p of policies) {
        if (attach) this.store.attach.run(c.namespace, p.policy_id, kcid, now);
        else if (this.store.detach.run(c.namespace, p.policy_id, kcid).changes === 0) {
          throw catalogue.error('VALIDATION_ERROR', { message: `Unprocessable entity, validation error: policy ${this.policyView(p).policyKRN} is not attached to ${JSON.stringify(kcid)}` });
        }
      }
      const views = policies.map((p) => this.policyView(p));
      return views.length === 1 ? views[0]! : views;
    });
  }

  // ------------------------------------------------------------------ bucket policies

  private bucketPolicyView(b: BucketRow, p: BucketPolicyRow) {
    return {
      bucketPolicyKrn: krn(b.region, b.account_id, b.customer_id, 'bucketpolicy', p.policy_id), bucketKrn: this.bucketKrn(b),
      s3_read_write_ips: JSON.parse(p.s3_read_write_ips) as string[], s3_read_only_ips: JSON.parse(p.s3_read_only_ips) as string[],
      created_at: iso(p.created_at), updated_at: iso(p.updated_at),
    };
  }

  private checkIps(field: string, values: string[] | undefined): void {
    for (const v of values ?? []) {
      if (!isIpOrCidr(v)) throw catalogue.error('VALIDATION_ERROR', { message: `Unprocessable entity, validation error: ${field}: ${JSON.stringify(v)} is not an IP address or CIDR block` });
    }
  }

  private findBucketPolicy(c: Caller, b: BucketRow): BucketPolicyRow {
    const p = this.store.bucketPolicy.get(c.namespace, b.bucket_id);
    if (!p) throw catalogue.error('BUCKET_POLICY_NOT_FOUND');
    return p;
  }

  getBucketPolicy(c: Caller, ref: string) {
    const b = this.findBucket(c, ref);
    return this.bucketPolicyView(b, this.findBucketPolicy(c, b));
  }

  createBucketPolicy(c: Caller, ref: string, body: { s3_read_write_ips?: string[] | undefined; s3_read_only_ips?: string[] | undefined }) {
    return this.store.transaction(() => {
      const b = this.findBucket(c, ref);
      this.checkIps('s3_read_write_ips', body.s3_read_write_ips);
      this.checkIps('s3_read_only_ips', body.s3_read_only_ips);
      if (this.store.bucketPolicy.get(c.namespace, b.bucket_id)) throw catalogue.error('BUCKET_POLICY_ALREADY_EXISTS');
      const now = this.now();
      this.store.insertBucketPolicy.run(c.namespace, b.bucket_id, this.ids.policyId(), JSON.stringify(body.s3_read_write_ips ?? []), JSON.stringify(body.s3_read_only_ips ?? []), now, now);
      return this.bucketPolicyView(b, this.findBucketPolicy(c, b));
    });
  }

  updateBucketPolicy(c: Caller, ref: string, body: { s3_read_write_ips?: string[] | undefined; s3_read_only_ips?: string[] | undefined }) {
    return this.store.transaction(() => {
      const b = this.findBucket(c, ref);
      const p = this.findBucketPolicy(c, b);
      this.checkIps('s3_read_write_ips', body.s3_read_write_ips);
      this.checkIps('s3_read_only_ips', body.s3_read_only_ips);
      this.store.updateBucketPolicy.run(
        body.s3_read_write_ips ? JSON.stringify(body.s3_read_write_ips) : p.s3_read_write_ips,
        body.s3_read_only_ips ? JSON.stringify(body.s3_read_only_ips) : p.s3_read_only_ips,
        this.now(), c.namespace, b.bucket_id,
      );
      return this.bucketPolicyView(b, this.findBucketPolicy(c, b));
    });
  }

  deleteBucketPolicy(c: Caller, ref: string): void {
    const b = this.findBucket(c, ref);
    this.findBucketPolicy(c, b);
    this.store.deleteBucketPolicy.run(c.namespace, b.bucket_id);
  }
}

const DAY_MS = 24 * 3600 * 1000;
const DEFAULT_URL_SECONDS = 3600;

/** Where presigned URLs point: `<protocol>://<host>` of the request, and `/ns/<name>` + the mount. */
export interface UrlBase {
  origin: string;
  prefix: string;
}

/** The HMAC key of presigned URLs: one per emulator (per database), never stored or shown. */
const presignSecret = perDatabase(() => randomBytes(32));

/** An IPv4/IPv6 address or a CIDR block (`10.0.0.0/8`, `2001:db8::/32`). */
export function isIpOrCidr(value: string): boolean {
  const [addr, bits, extra] = value.split('/');
  if (extra !== undefined || addr === undefined) return false;
  const version = isIP(addr);
  if (version === 0) return false;
  if (bits === undefined) return true;
  if (!/^\d{1,3}$/.test(bits)) return false;
  return Number(bits) <= (version === 4 ? 32 : 128);
}
