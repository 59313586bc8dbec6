import { secretDigest } from '../../core/secrets.js';
import type { VendorContext } from '../../core/vendor.js';
import type { IbmFixture } from './schemas.js';
import { ibmStore } from './store.js';

/**
 * One `ibm` fixture section into a namespace (inside the fixture's transaction). A storage account
 * that exists is replaced with what it holds; managers and users are updated in place.
 */
export function ibmSeed(ctx: VendorContext, namespace: string, data: IbmFixture): Record<string, number> {
  const store = ibmStore(ctx.db);
  const now = ctx.clock.now();
  for (const m of data.managers) {
    store.managerUpsert(namespace, {
      username: m.username,
      passwordHash: secretDigest(m.password),
      keyManagement: m.permissions.includes('key_management'),
      keyListing: m.permissions.includes('key_listing'),
      storageAccounts: m.storage_accounts,
      rateLimit: m.rate_limit,
    });
  }
  for (const a of data.storage_accounts) store.storageAccountDelete(namespace, a.id);
  for (const a of data.storage_accounts) store.storageAccountInsert(namespace, { id: a.id, name: a.name, ownerUserId: a.owner ?? null });
  for (const u of data.users) {
    store.userUpsert(namespace, u.id, u.name);
    for (const projectId of u.storage_accounts) store.membershipInsert(namespace, projectId, u.id);
  }
  for (const c of data.credentials) {
    store.credentialInsert(namespace, {
      access: c.access,
      secret: c.secret,
      status: c.status,
      projectId: c.project_id,
      userId: c.user_id,
      subjectIbmId: c.subject_ibm_id ?? null,
      createdAt: now,
      updatedAt: now,
    });
  }
  return { managers: data.managers.length, storage_accounts: data.storage_accounts.length, users: data.users.length, credentials: data.credentials.length };
}
