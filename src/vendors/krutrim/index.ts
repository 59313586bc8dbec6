import type { VendorDefinition } from '../../core/vendor.js';
import { krutrimAuth } from './auth.js';
import { krutrimErrors } from './errors.js';
import { krutrimRoutes } from './routes.js';
import { krutrimS3 } from './s3.js';
import { s3Tables } from '../../s3/store.js';
import { fixtureSchema, type KrutrimFixture } from './schemas.js';
import { krutrimSeed } from './seed.js';
import { krutrimTimeline } from './timeline.js';

export const krutrim: VendorDefinition<KrutrimFixture> = {
  id: 'krutrim',
  mount: '/krutrim',
  title: 'Krutrim Object Storage (KOS)',
  upstream: 'https://cloud.olakrutrim.com',
  tables: [
    { name: 'krutrim_regions' },
    { name: 'krutrim_accounts' },
    { name: 'krutrim_api_keys', hiddenColumns: ['key_digest'] },
    { name: 'krutrim_access_keys', hiddenColumns: ['secret_key'] },
    { name: 'krutrim_sessions', hiddenColumns: ['token_digest', 'refresh_digest'] },
    { name: 'krutrim_buckets' },
    { name: 'krutrim_objects', hiddenColumns: ['body'] },
    { name: 'krutrim_lifecycle_rules' },
    { name: 'krutrim_policies' },
    { name: 'krutrim_policy_attachments' },
    { name: 'krutrim_policy_principals' },
    { name: 'krutrim_bucket_policies' },
    ...s3Tables('krutrim', false),
  ],
  // Session expiry is KRUTRIM_SESSION_TIMEOUT, presigned URL expiry is the URL's own; no other asynchronous state.
  transitions: [],
  fixture: {
    schema: fixtureSchema,
    seed: krutrimSeed,
  },
  auth: krutrimAuth,
  errors: krutrimErrors,
  timeline: krutrimTimeline,
  openapi: {
    components: {
      securitySchemes: {
        bearerAuth: { type: 'http', scheme: 'bearer', description: 'Krutrim API key (fixtures: krutrim-test-key)' },
        accountId: { type: 'apiKey', in: 'header', name: 'x-account-id', description: 'Account number; defaults to the API key\'s own account' },
      },
    },
    security: [{ bearerAuth: [] }],
  },
  routes: krutrimRoutes,
  s3: krutrimS3,
};
