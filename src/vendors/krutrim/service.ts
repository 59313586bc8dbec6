import { timingSafeEqual } from 'node:crypto';
import type { VendorContext } from '../../core/vendor.js';
import { catalogue } from './errors.js';
import { krn, krutrimIds, parseKrn, type KrutrimIds } from './ids.js';
import { DEFAULT_REGIONS, type KrutrimFixture } from './schemas.js';
import { krutrimStore, type AccessKeyRow, type BucketRow, type KrutrimStore, type SessionRow } from './store.js';

/** Who is calling: resolved from `Authorization: Bearer`, `x-account-id`, `x-region-id`, `x-tier`. */
export interface Caller {
  namespace: string;
  /** The API key's label (never the key itself): for logs and rate limits. */
  credential: string;
  apiKey: string;
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

export const iso = (ms: number): string => new Date(ms).toISOString();

export function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

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
      s.insertAccount.run(namespace, a.accountId, a.customerId, a.name);
      customers.set(a.accountId, a.customerId);
    }
    for (const k of data.apiKeys) s.insertApiKey.run(namespace, k.key, k.name, k.accountId, k.rateLimit);
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
    if (!match) throw catalogue.error('UNAUTHORIZED', undefined, 'Unauthorized: an Authorization: Bearer <api key> header is required');
    const key = s.apiKey.get(namespace, match[1]!);
    if (!key) throw catalogue.error('UNAUTHORIZED', undefined, 'Unauthorized: the API key is not valid');
    if (h.accountId !== undefined && h.accountId !== key.account_id) {
      throw catalogue.error('FORBIDDEN', undefined, `Forbidden: the API key does not belong to account ${JSON.stringify(h.accountId)}`);
    }
    const account = s.account.get(namespace, key.account_id);
    if (!account) throw catalogue.error('UNAUTHORIZED', undefined, 'Unauthorized: the API key has no account');
    const regionId = h.regionId ?? DEFAULT_REGIONS[0].id;
    const region = s.region.get(namespace, regionId);
    if (!region) throw this.invalidRegion(namespace, regionId);
    return {
      namespace,
      credential: key.name || `api-key:${key.account_id}`,
      apiKey: key.api_key,
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
    return catalogue.error('INVALID_REGION', undefined, `Bad request, unknown region ${JSON.stringify(region)}: one of ${known.join(', ')}`);
  }

  checkOtp(otp: string | undefined): void {
    // The docs show an optional `otp`; how it is issued is not public. Any 4–8 digit code is accepted.
    if (otp !== undefined && !/^\d{4,8}$/.test(otp)) throw catalogue.error('INVALID_OTP', undefined, 'Bad request, invalid OTP: expected 4 to 8 digits');
  }

  // ------------------------------------------------------------------ access keys

  private accessKeyView(row: AccessKeyRow) {
    return {
      access_key_id: row.access_key,
      access_key: row.access_key,
      key_name: row.key_name,
      created_at: iso(row.created_at),
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
      this.store.insertSession.run(c.namespace, this.ids.sessionId(), sessionToken, refreshToken, key.access_key, c.accountId, c.region, c.tier, now, now, expiresAt);
      return { lastActiveAt: iso(now), sessionToken, expiresAt: iso(expiresAt), refreshToken };
    });
  }

  /** A session of the caller's account, whatever its state; 404 otherwise. */
  private findSession(c: Caller, token: string): SessionRow {
    const row = this.store.sessionByToken.get(c.namespace, token);
    if (!row || row.account_id !== c.accountId) throw catalogue.error('SESSION_NOT_FOUND');
    return row;
  }

  refreshSession(c: Caller, token: string, refreshToken: string) {
    return this.store.transaction(() => {
      const row = this.findSession(c, token);
      const now = this.now();
      if (!this.isActive(row, now)) throw catalogue.error('SESSION_EXPIRED');
      if (!sameSecret(refreshToken, row.refresh_token)) throw catalogue.error('INVALID_REFRESH_TOKEN');
      const next = this.ids.refreshToken();
      const expiresAt = now + this.timeoutMs();
      this.store.refreshSession.run(next, now, expiresAt, c.namespace, row.session_id);
      return { lastActiveAt: iso(now), sessionToken: row.session_token, expiresAt: iso(expiresAt), refreshToken: next };
    });
  }

  sessionStatus(c: Caller, token: string) {
    const row = this.findSession(c, token);
    const now = this.now();
    const active = this.isActive(row, now);
    // A deactivated session reports the time it ended as its expiry.
    const expiresAt = row.deactivated_at !== null ? Math.min(row.deactivated_at, row.expires_at) : row.expires_at;
    return { isActive: active, accessKey: row.access_key, lastActiveAt: iso(row.last_active_at), expiresAt: iso(expiresAt) };
  }

  deactivateSession(c: Caller, token: string) {
    const row = this.findSession(c, token);
    this.store.deactivateSession.run(this.now(), c.namespace, row.session_id);
    return { message: 'Session deactivated successfully' };
  }

  /** For object operations: the `x-session-token` must name an active session of the caller's account. */
  requireSession(c: Caller, token: string | undefined): SessionRow {
    if (token === undefined || token === '') throw catalogue.error('SESSION_REQUIRED');
    const row = this.store.sessionByToken.get(c.namespace, token);
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
    if (problem) throw catalogue.error('VALIDATION_ERROR', undefined, `Unprocessable entity, validation error: name: ${problem}`);
    const regionId = body.region ?? c.region;
    const region = this.store.region.get(c.namespace, regionId);
    if (!region) throw this.invalidRegion(c.namespace, regionId);
    const tier = body.tier ?? (c.tierFromHeader && regionId === c.region ? c.tier : region.tier);
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

  updateBucket(c: Caller, ref: string, body: { versioning?: boolean | undefined; anonymous_access?: boolean | undefined; tags?: Record<string, string> | undefined; description?: string | undefined }) {
    const b = this.findBucket(c, ref);
    this.store.updateBucket.run(
      body.description ?? b.description,
      body.tags !== undefined ? JSON.stringify(body.tags) : b.tags,
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

  /** Hook for what must happen before a bucket's objects are read (lifecycle expiration). */
  protected beforeObjectRead(_b: BucketRow): void {}

  /** Hook for state that belongs to a bucket and goes with it. */
  protected removeBucketState(_b: BucketRow): void {}
}
