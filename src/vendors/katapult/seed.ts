import { secretDigest } from '../../core/secrets.js';
import type { VendorContext } from '../../core/vendor.js';
import { katapultIds } from './ids.js';
import type { KatapultFixture } from './schemas.js';
import { hashSecret } from './service.js';
import { katapultStore } from './store.js';

/** A fixture's `katapult` section into a namespace (inside the loader's transaction); returns what it inserted. */
export function katapultSeed(ctx: VendorContext, namespace: string, data: KatapultFixture): Record<string, number> {
  const store = katapultStore(ctx.db);
  const ids = katapultIds(ctx.ids);
  const now = ctx.clock.now();
  const ms = (unixSeconds: number | undefined) => (unixSeconds !== undefined ? unixSeconds * 1000 : now);
  const counts = { api_tokens: 0, organizations: 0, object_storage_accounts: 0, access_keys: 0, buckets: 0, objects: 0 };
  for (const t of data.api_tokens) {
    const digest = secretDigest(t.token);
    store.tokenInsert.run({
      // A token without a name is named after its digest: the name is shown in the state dump, the token never.
      namespace, token_digest: digest, name: t.name ?? `api-token:${digest.slice(0, 12)}`, scopes: JSON.stringify(t.scopes),
      allowed_networks: t.allowed_networks?.length ? JSON.stringify(t.allowed_networks) : null,
      rate_limit: t.rate_limit, expires_at: t.expires_at ? Date.parse(t.expires_at) : null,
    });
    counts.api_tokens++;
  }
  for (const c of data.clusters) store.clusterInsert.run({ namespace, region: c.region, data_center: JSON.stringify(c.data_center) });
  for (const org of data.organizations) {
    // Loading an organization that exists (same id or sub-domain) replaces it and everything it holds.
    store.organizationDelete(namespace, org.id, org.sub_domain);
    store.organizationInsert.run({ namespace, id: org.id, sub_domain: org.sub_domain, name: org.name ?? org.sub_domain, suspended: org.suspended ? 1 : 0, activated: org.activated ? 1 : 0 });
    counts.organizations++;
    for (const acc of org.object_storage_accounts) {
      const accountId = acc.id ?? ids.account();
      store.accountInsert.run({ namespace, id: accountId, organization_id: org.id, region: acc.region, created_at: ms(acc.created_at), provisioning: acc.provisioning_state, suspended: acc.suspended ? 1 : 0, size: acc.size });
      counts.object_storage_accounts++;
      for (const k of acc.access_keys) {
        if ((k.s3_access_key_id === undefined) !== (k.s3_secret_access_key === undefined)) throw new Error(`access key ${k.id}: give both s3_access_key_id and s3_secret_access_key, or neither`);
        const key = {
          id: k.id, accountId, name: k.name, region: acc.region, createdAt: ms(k.created_at),
          allBucketsRead: k.all_buckets_read, allObjectsRead: k.all_objects_read, allObjectsWrite: k.all_objects_write,
          settled: k.state === 'configured', pendingSince: null, s3AccessKeyId: k.s3_access_key_id ?? null,
        };
        store.keyInsert(namespace, key, k.s3_secret_access_key ? { secretHash: hashSecret(k.s3_secret_access_key), secret: k.s3_secret_access_key, generatedAt: now } : undefined);
        counts.access_keys++;
      }
      for (const b of acc.buckets) {
        const created = ms(b.created_at);
        const acl = b.access_control_list;
        store.bucketInsert(namespace, {
          // Configured already: its configuring began a day before it was created.
          name: b.name, accountId, region: acc.region, label: b.label, createdAt: created, pendingSince: created - 86_400_000,
          serveStaticSite: b.serve_static_site, staticSiteIndex: b.static_site_index, staticSiteError: b.static_site_error,
          publicRead: acl.public_read, publicList: acl.public_list, allKeysRead: acl.all_keys_read, allKeysWrite: acl.all_keys_write,
          readKeyIds: acl.read_key_ids, writeKeyIds: acl.write_key_ids, customDomains: b.custom_domains, corsOrigins: b.cors_origins,
        });
        counts.buckets++;
        for (const o of b.objects) {
          store.objectInsert.run({ namespace, bucket_name: b.name, path: o.path, size: o.size });
          counts.objects++;
        }
      }
    }
  }
  return counts;
}
