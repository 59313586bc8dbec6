import { secretDigest } from '../../core/secrets.js';
import type { VendorContext } from '../../core/vendor.js';
import { krutrimIds } from './ids.js';
import { DEFAULT_REGIONS, type KrutrimFixture } from './schemas.js';
import { krutrimStore } from './store.js';

/** A KOS fixture section into a namespace (outside any request: its times are the clock's now). */
export function krutrimSeed(ctx: VendorContext, namespace: string, data: KrutrimFixture): Record<string, number> {
  const store = krutrimStore(ctx.db);
  const ids = krutrimIds(ctx.ids);
  const now = ctx.clock.now();
  // The two KOS regions always exist; a section may add or re-tier regions.
  const tiers = new Map<string, string>();
  for (const r of [...DEFAULT_REGIONS, ...data.regions]) {
    store.regionUpsert.run({ namespace, id: r.id, tier: r.tier });
    tiers.set(r.id, r.tier);
  }
  const tierOf = (region: string) => tiers.get(region) ?? store.regionById.get({ namespace, id: region })!.tier;
  const customers = new Map<string, string>();
  for (const a of data.accounts) {
    // An account that exists is replaced, with everything under it.
    store.accountDelete({ namespace, account: a.accountId });
    store.accountInsert.run({ namespace, account: a.accountId, customer: a.customerId, name: a.name });
    customers.set(a.accountId, a.customerId);
  }
  for (const k of data.apiKeys) store.apiKeyInsert.run({ namespace, digest: secretDigest(k.key), name: k.name, account: k.accountId, rateLimit: k.rateLimit });
  for (const k of data.accessKeys) {
    store.accessKeyInsert.run({
      namespace, account: k.accountId, accessKey: k.accessKey, secretKey: k.secretKey, name: k.keyName, region: k.region, tier: k.tier ?? tierOf(k.region),
      status: k.status, now: k.createdAt ? Date.parse(k.createdAt) : now,
    });
  }
  for (const b of data.buckets) {
    const created = b.createdAt ? Date.parse(b.createdAt) : now;
    const inserted = store.bucketInsert.run({
      namespace, account: b.accountId, id: b.id ?? ids.bucketId(), name: b.name, customer: customers.get(b.accountId)!, region: b.region, tier: b.tier ?? tierOf(b.region),
      description: b.description, tags: JSON.stringify(b.tags), versioning: b.versioning ? 1 : 0, anonymousAccess: b.anonymous_access ? 1 : 0,
      allocatedCapacity: b.allocatedCapacity, createdAt: created, updatedAt: created,
    });
    if (inserted.changes === 0) throw new Error(`krutrim: bucket name ${JSON.stringify(b.name)} is already taken in namespace ${JSON.stringify(namespace)}`);
  }
  return { regions: data.regions.length, accounts: data.accounts.length, apiKeys: data.apiKeys.length, accessKeys: data.accessKeys.length, buckets: data.buckets.length };
}
