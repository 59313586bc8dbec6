import { secretDigest } from '../../core/secrets.js';
import type { VendorDefinition } from '../../core/vendor.js';
import { ibmErrors } from './errors.js';
import { ibmRoutes } from './routes.js';
import { ibmFixture, type IbmFixture } from './schemas.js';
import { ibmStore } from './store.js';
import { ibmTimeline } from './timeline.js';

/**
 * IBM Cloud Object Storage System (on-prem, container mode) Credentials Management API:
 * `/credentials` on an Accesser (`http://<accesser>:8337`), HTTP Basic with a Manager account.
 */
export const ibm: VendorDefinition<IbmFixture> = {
  id: 'ibm',
  mount: '/ibm',
  title: 'IBM Cloud Object Storage Credential API',
  upstream: 'http://<accesser>:8337',
  // Children first: reset deletes in this order.
  tables: [
    { name: 'ibm_credentials', hiddenColumns: ['secret'] },
    { name: 'ibm_memberships' },
    { name: 'ibm_storage_accounts' },
    { name: 'ibm_users' },
    { name: 'ibm_managers', hiddenColumns: ['password_hash'] },
  ],
  transitions: [],
  fixture: {
    schema: ibmFixture,
    seed(ctx, namespace, data) {
      const store = ibmStore(ctx.db);
      const now = ctx.clock.now();
      for (const m of data.managers) {
        store.insertManager(namespace, {
          username: m.username,
          passwordHash: secretDigest(m.password),
          keyManagement: m.permissions.includes('key_management'),
          keyListing: m.permissions.includes('key_listing'),
          storageAccounts: m.storage_accounts,
          rateLimit: m.rate_limit,
        });
      }
      // A storage account that exists is replaced with what it holds; managers and users are updated in place.
      for (const a of data.storage_accounts) store.deleteStorageAccount(namespace, a.id);
      for (const a of data.storage_accounts) store.insertStorageAccount(namespace, { id: a.id, name: a.name, ownerUserId: a.owner ?? null });
      for (const u of data.users) {
        store.insertUser(namespace, u.id, u.name);
        for (const projectId of u.storage_accounts) store.insertMembership(namespace, projectId, u.id);
      }
      for (const c of data.credentials) {
        store.insertCredential(namespace, {
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
    },
  },
  errors: ibmErrors,
  timeline: ibmTimeline,
  openapi: {
    components: { securitySchemes: { basicAuth: { type: 'http', scheme: 'basic', description: 'A Manager account with the Service User role' } } },
    security: [{ basicAuth: [] }],
  },
  routes: ibmRoutes,
};
