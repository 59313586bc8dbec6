import { secretDigest } from '../../core/secrets.js';
import type { VendorContext } from '../../core/vendor.js';
import { canonicalUserIdFor, ionosIds } from './ids.js';
import type { FixtureSection } from './schemas.js';
import { ionosStore, type Phase } from './store.js';

const PHASE_OF_STATUS: Record<FixtureSection['accesskeys'][number]['status'], Phase> = {
  AVAILABLE: 'available',
  FAILED: 'failed',
  PROVISIONING: 'provisioning',
  DESTROYING: 'destroying',
};

/** A credential's id: shown in the state dump and logs instead of the token or password. */
function credentialId(c: FixtureSection['credentials'][number]): string {
  return 'token' in c ? `bearer:${secretDigest(c.token).slice(0, 12)}` : `basic:${c.username}`;
}

/**
 * Loads a fixture section into a namespace. Runs outside any request (start-up, a fixture load), so
 * it reads the clock itself. A contract the section names replaces the one already there (its users,
 * credentials, keys); so does a user named again.
 */
export function ionosSeed(ctx: VendorContext, namespace: string, data: FixtureSection): Record<string, number> {
  const store = ionosStore(ctx.db);
  const ids = ionosIds(ctx.ids);
  const now = ctx.clock.now();
  for (const contract of new Set(data.users.map((u) => u.contractNumber))) store.tenantDelete(namespace, { contract });
  for (const u of data.users) store.tenantDelete(namespace, { user: u.userId.toLowerCase() });
  for (const u of data.users) {
    const userId = u.userId.toLowerCase();
    store.userInsert(namespace, {
      userId,
      email: u.email,
      contractNumber: u.contractNumber,
      canonicalUserId: u.canonicalUserId ?? canonicalUserIdFor(userId),
      administrative: u.administrative,
    });
  }
  for (const c of data.credentials) {
    store.credentialInsert(namespace, {
      id: credentialId(c),
      kind: 'token' in c ? 'bearer' : 'basic',
      username: 'token' in c ? null : c.username,
      secretHash: secretDigest('token' in c ? c.token : c.password),
      tokenDigest: 'token' in c ? secretDigest(c.token) : null,
      userId: c.userId.toLowerCase(),
      rateLimit: c.rateLimit,
      objectStorageAccess: c.objectStorageAccess,
    });
  }
  const firstPosition = store.regionCount(namespace);
  data.regions.forEach((r, i) => {
    store.regionInsert(namespace, {
      id: r.id,
      position: firstPosition + i,
      version: r.version,
      endpoint: r.endpoint,
      website: r.website,
      capability: r.capability,
      storageClasses: r.storageClasses ?? null,
      location: r.location,
      metadata: r.metadata,
    });
  });
  for (const k of data.accesskeys) {
    const userId = k.userId.toLowerCase();
    store.keyUpsert(namespace, {
      id: k.id.toLowerCase(),
      userId,
      description: k.description,
      accessKey: k.accessKey ?? ids.accessKey(),
      secretKey: ids.secretKey(),
      phase: PHASE_OF_STATUS[k.status],
      phaseSince: now,
      failMessage: k.status === 'FAILED' ? (k.statusMessage ?? 'The access key could not be provisioned') : null,
      createdAt: now,
      createdByUserId: userId,
      modifiedAt: now,
      modifiedByUserId: userId,
    });
  }
  return { users: data.users.length, credentials: data.credentials.length, regions: data.regions.length, accesskeys: data.accesskeys.length };
}
