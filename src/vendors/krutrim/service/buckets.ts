import { catalogue } from '../errors.js';
import { krn, parseKrn, type KrutrimIds } from '../ids.js';
import type { BucketRow, BucketWithUsage, KrutrimStore } from '../store.js';
import { checkOtp, iso, placement, type Caller } from './tenancy.js';

const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/** S3 bucket naming rules (KOS is S3-compatible); undefined when valid, else why not. */
function bucketNameProblem(name: string): string | undefined {
  if (!BUCKET_NAME.test(name)) return 'a bucket name has 3–63 characters: lower-case letters, digits, dots and hyphens, starting and ending with a letter or digit';
  if (name.includes('..') || name.includes('.-') || name.includes('-.')) return 'a bucket name may not contain "..", ".-" or "-."';
  if (/^\d+\.\d+\.\d+\.\d+$/.test(name)) return 'a bucket name may not look like an IP address';
  return undefined;
}

export const bucketKrn = (b: BucketRow): string => krn(b.region, b.account_id, b.customer_id, 'bucket', b.bucket_id);

/** How a bucket reference (KRN, id or name) is looked up: with the bytes it holds (for views) or without. */
type Lookup<T extends BucketRow> = { byId(c: Caller, id: string): T | undefined; byRef(c: Caller, ref: string): T | undefined };

/** An account's buckets, and the lifecycle expiry that runs before their objects are read. */
export class BucketService {
  private readonly plain: Lookup<BucketRow>;
  private readonly withUsage: Lookup<BucketWithUsage>;

  constructor(private readonly deps: { store: KrutrimStore; ids: KrutrimIds }) {
    const { store } = deps;
    this.plain = {
      byId: (c, id) => store.bucketById.get({ namespace: c.namespace, account: c.accountId, id }),
      byRef: (c, ref) => store.bucketByRef.get({ namespace: c.namespace, account: c.accountId, ref }),
    };
    this.withUsage = {
      byId: (c, id) => store.bucketWithUsageById.get({ namespace: c.namespace, account: c.accountId, id }),
      byRef: (c, ref) => store.bucketWithUsageByRef.get({ namespace: c.namespace, account: c.accountId, ref }),
    };
  }

  view(b: BucketWithUsage) {
    return {
      name: b.name,
      krnid: bucketKrn(b),
      owner: b.customer_id,
      account_id: b.account_id,
      createdAt: iso(b.created_at),
      usedCapacity: b.used_bytes,
      allocatedCapacity: b.allocated_capacity,
      region: b.region,
      url: `https://kos.${b.region.toLowerCase()}.olakrutrim.com/${b.name}`,
      status: 'Active',
      path: `/${b.name}`,
      protocol: 'S3',
      description: b.description,
      tags: b.tags,
      versioning: b.versioning,
      anonymous_access: b.anonymous_access,
      tier: b.tier,
    };
  }

  private lookup<T extends BucketRow>(how: Lookup<T>, c: Caller, ref: string): T {
    let row: T | undefined;
    if (ref.startsWith('krn:')) {
      const parsed = parseKrn(ref, 'bucket');
      if (parsed && parsed.account === c.accountId) {
        row = how.byId(c, parsed.id);
        if (row && (row.region !== parsed.region || row.customer_id !== parsed.customer)) row = undefined;
      }
    } else {
      // An id of the account's buckets, else a name (another account's bucket of that name is not found).
      row = how.byRef(c, ref);
      if (row && row.account_id !== c.accountId) row = undefined;
    }
    if (!row) throw catalogue.error('BUCKET_NOT_FOUND');
    return row;
  }

  /** A bucket of the caller's account by KRN (what the SDKs send), id or name; 404 otherwise. */
  find(c: Caller, ref: string): BucketRow {
    return this.lookup(this.plain, c, ref);
  }

  /**
   * A bucket whose objects are about to be read, after its lifecycle expiry ran: a read that writes
   * (expired objects are deleted now): the emulator runs no background sweep, so expiry happens where it would be seen.
   */
  findAndExpireObjects(c: Caller, ref: string, now: number): BucketRow {
    const b = this.find(c, ref);
    this.expireObjects(c.namespace, b, now);
    return b;
  }

  /**
   * Lifecycle expiration, on read (so it writes): objects older than an enabled rule's `expiration_days`
   * under its prefix are deleted, in one statement; a bucket without such a rule costs nothing here.
   * Returns whether any went.
   */
  expireObjects(namespace: string, b: BucketRow, now: number): boolean {
    if (!b.expiring) return false;
    return this.deps.store.objectsExpire.run({ namespace, bucket: b.bucket_id, now }).changes > 0;
  }

  list(c: Caller, q: { page: number; page_size: number; name_filter?: string | undefined; tier?: string | undefined }) {
    const { store } = this.deps;
    const filter = {
      namespace: c.namespace,
      account: c.accountId,
      region: c.regionFromHeader ? c.region : null,
      tier: q.tier === undefined || q.tier === '' ? null : q.tier,
      nameContains: q.name_filter ? q.name_filter.toLowerCase() : null,
    };
    const offset = (q.page - 1) * q.page_size;
    const page = offset > Number.MAX_SAFE_INTEGER ? [] : store.bucketsPage.all({ ...filter, limit: q.page_size, offset });
    // Every row carries the total; a page past the end has none, so then it is counted.
    const totalItems = page[0]?.total ?? (offset === 0 ? 0 : store.bucketsCount.get(filter)!.n);
    const totalPages = Math.ceil(totalItems / q.page_size);
    return { totalItems, totalPages, currentPage: q.page, nextPage: q.page < totalPages ? q.page + 1 : null, items: page.map((r) => this.view(r.bucket)) };
  }

  create(
    c: Caller,
    body: { name: string; description?: string | undefined; tags?: Record<string, string> | undefined; versioning?: boolean | undefined; anonymous_access?: boolean | undefined; region?: string | undefined; tier?: string | undefined },
    now: number,
  ) {
    const { store, ids } = this.deps;
    const problem = bucketNameProblem(body.name);
    if (problem) throw catalogue.error('VALIDATION_ERROR', { message: `Unprocessable entity, validation error: name: ${problem}` });
    const where = placement(store, c, body.region);
    // The Go SDK sends `"tier": ""` when no tier is chosen.
    const tier = body.tier || where.tier;
    const id = ids.bucketId();
    const inserted = store.bucketInsert.run({
      namespace: c.namespace, account: c.accountId, id, name: body.name, customer: c.customerId, region: where.region, tier, description: body.description ?? '',
      tags: JSON.stringify(body.tags ?? {}), versioning: body.versioning ? 1 : 0, anonymousAccess: body.anonymous_access ? 1 : 0, allocatedCapacity: 0, createdAt: now, updatedAt: now,
    });
    // Bucket names are unique in a namespace: the one insert is the check (it inserts nothing for a taken name).
    if (inserted.changes === 0) throw catalogue.error('BUCKET_ALREADY_EXISTS');
    return { createdAt: iso(now), krn: krn(where.region, c.accountId, c.customerId, 'bucket', id), bucketName: body.name };
  }

  get(c: Caller, ref: string, now: number) {
    const b = this.lookup(this.withUsage, c, ref);
    // The used bytes were read with the bucket; expiry that removed objects changes them.
    if (this.expireObjects(c.namespace, b, now)) b.used_bytes = this.deps.store.bucketUsedBytes.get({ namespace: c.namespace, bucket: b.bucket_id })!.n;
    return this.view(b);
  }

  update(c: Caller, ref: string, body: { versioning?: boolean | undefined; anonymous_access?: boolean | undefined; tags?: Record<string, string> | null | undefined; description?: string | undefined }, now: number) {
    const { store } = this.deps;
    return store.transaction(() => {
      const b = this.find(c, ref);
      store.bucketUpdate.run({
        namespace: c.namespace,
        id: b.bucket_id,
        description: body.description ?? b.description,
        // `null` is what the Go SDK sends when the caller gave no tags: they stay.
        tags: JSON.stringify(body.tags !== undefined && body.tags !== null ? body.tags : b.tags),
        versioning: (body.versioning ?? b.versioning) ? 1 : 0,
        anonymousAccess: (body.anonymous_access ?? b.anonymous_access) ? 1 : 0,
        now,
      });
      return this.view(store.bucketWithUsageById.get({ namespace: c.namespace, account: c.accountId, id: b.bucket_id })!);
    });
  }

  /** Deletes an empty bucket (after expiry ran) with its rules and IP policy. */
  delete(c: Caller, ref: string, otp: string | undefined, now: number): void {
    checkOtp(otp);
    const { store } = this.deps;
    store.transaction(() => {
      const b = this.findAndExpireObjects(c, ref, now);
      if (store.bucketHasObjects.get({ namespace: c.namespace, bucket: b.bucket_id })!.n > 0) throw catalogue.error('BUCKET_NOT_EMPTY');
      store.bucketRemove({ namespace: c.namespace, bucket: b.bucket_id });
    });
  }
}
