import type { VendorDefinition } from '../../core/vendor.js';
import { s3Tables } from '../../s3/store.js';
import { ionosAuth } from './auth.js';
import { ionosErrors } from './errors.js';
import { ionosRoutes } from './routes.js';
import { ionosS3 } from './s3.js';
import { fixtureSection, type FixtureSection } from './schemas.js';
import { ionosSeed } from './seed.js';
import { TRANSITION_DESTROYING, TRANSITION_PROVISIONING } from './service.js';
import { ionosStore } from './store.js';
import { ionosTimeline } from './timeline.js';

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
  fixture: { schema: fixtureSection, seed: ionosSeed },
  // The store keeps each user's key count in memory: a reset changes the keys behind its back.
  forget: (ctx, namespace) => ionosStore(ctx.db).forget(namespace),
  errors: ionosErrors,
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
