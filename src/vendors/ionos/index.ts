import { secretDigest } from '../../core/secrets.js';
import type { VendorDefinition } from '../../core/vendor.js';
import { ionosAuth } from './auth.js';
import { errorModel } from './errors.js';
import { canonicalUserIdFor, ionosIds } from './ids.js';
import { ionosRoutes } from './routes.js';
import { ionosS3 } from './s3.js';
import { s3Tables } from '../../s3/store.js';
import { fixtureSection, type FixtureSection } from './schemas.js';
import { TRANSITION_DESTROYING, TRANSITION_PROVISIONING } from './service.js';
import { ionosStore, type Phase } from './store.js';
import { ionosTimeline } from './timeline.js';

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

export const ionos: VendorDefinition<FixtureSection> = {
  id: 'ionos',
  mount: '/ionos',
  title: 'IONOS Object Storage Management API',
  upstream: 'https://s3.ionos.com',
  tables: [
    { name: 'ionos_users' },
    { name: 'ionos_credentials', hiddenColumns: ['secret_hash', 'token_digest'] },
    { name: 'ionos_regions' },
    { name: 'ionos_accesskeys', hiddenColumns: ['secret_key'] },
    ...s3Tables('ionos', true),
  ],
  transitions: [
    { name: TRANSITION_PROVISIONING, description: 'an access key goes PROVISIONING → AVAILABLE (or FAILED) after create, ensure and renew', default: { kind: 'delay', ms: 2000 } },
    { name: TRANSITION_DESTROYING, description: 'a deleted access key goes DESTROYING → gone (404)', default: { kind: 'delay', ms: 2000 } },
  ],
  auth: ionosAuth,
  fixture: {
    schema: fixtureSection,
    seed(ctx, ns, data) {
      const store = ionosStore(ctx.db);
      const ids = ionosIds(ctx.ids);
      const now = ctx.clock.now();
      // A contract the section names replaces the one already there (its users, credentials, keys); so does a user named again.
      for (const contract of new Set(data.users.map((u) => u.contractNumber))) store.deleteTenant(ns, { contract });
      for (const u of data.users) store.deleteTenant(ns, { user: u.userId.toLowerCase() });
      for (const u of data.users) {
        store.insertUser(ns, {
          user_id: u.userId.toLowerCase(),
          email: u.email,
          contract_number: u.contractNumber,
          canonical_user_id: u.canonicalUserId ?? canonicalUserIdFor(u.userId.toLowerCase()),
          administrative: u.administrative ? 1 : 0,
        });
      }
      for (const c of data.credentials) {
        store.insertCredential(ns, {
          id: credentialId(c),
          kind: 'token' in c ? 'bearer' : 'basic',
          username: 'token' in c ? null : c.username,
          secret_hash: secretDigest('token' in c ? c.token : c.password),
          token_digest: 'token' in c ? secretDigest(c.token) : null,
          user_id: c.userId.toLowerCase(),
          rate_limit: c.rateLimit,
          object_storage_access: c.objectStorageAccess ? 1 : 0,
        });
      }
      const firstPosition = store.regionCount(ns);
      data.regions.forEach((r, i) => {
        store.insertRegion(ns, {
          id: r.id,
          position: firstPosition + i,
          version: r.version,
          endpoint: r.endpoint,
          website: r.website,
          capability: JSON.stringify(r.capability),
          storage_classes: r.storageClasses === undefined ? null : JSON.stringify(r.storageClasses),
          location: r.location,
          metadata: JSON.stringify(r.metadata),
        });
      });
      // max(seq) + 1 once, then counted here: asking the table per key made seeding quadratic.
      let seq = data.accesskeys.length > 0 ? store.nextSeq(ns) : 0;
      for (const k of data.accesskeys) {
        const userId = k.userId.toLowerCase();
        store.insertKey(ns, {
          id: k.id.toLowerCase(),
          user_id: userId,
          description: k.description,
          access_key: k.accessKey ?? ids.accessKey(),
          secret_key: ids.secretKey(),
          phase: PHASE_OF_STATUS[k.status],
          phase_since: now,
          fail_message: k.status === 'FAILED' ? (k.statusMessage ?? 'The access key could not be provisioned') : null,
          created_at: now,
          created_by_user_id: userId,
          modified_at: now,
          modified_by_user_id: userId,
          seq: seq++,
        });
      }
      return { users: data.users.length, credentials: data.credentials.length, regions: data.regions.length, accesskeys: data.accesskeys.length };
    },
  },
  errors: errorModel,
  timeline: ionosTimeline,
  openapi: {
    components: {
      securitySchemes: {
        tokenAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'IONOS token (fixtures: ionos-test-token)' },
        basicAuth: { type: 'http', scheme: 'basic', description: 'The SDK fallback without a token (fixtures: test@example.com / test)' },
      },
    },
    security: [{ tokenAuth: [] }, { basicAuth: [] }],
  },
  routes: ionosRoutes,
  s3: ionosS3,
};
