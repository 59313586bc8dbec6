import type { VendorDefinition } from '../../core/vendor.js';
import { s3Tables } from '../../s3/store.js';
import { katapultAuth } from './auth.js';
import { katapultErrors } from './errors.js';
import { katapultRoutes } from './routes.js';
import { fixtureSchema, type KatapultFixture } from './schemas.js';
import { katapultS3 } from './s3.js';
import { katapultSeed } from './seed.js';
import { TRANSITIONS } from './service.js';
import { katapultTimeline } from './timeline.js';

/** Katapult Core API v1, object storage (vendor notes §1). */
export const katapult: VendorDefinition<KatapultFixture> = {
  id: 'katapult',
  mount: '/katapult/core/v1',
  title: 'Katapult Core API v1 (object storage)',
  upstream: 'https://api.katapult.io/core/v1',
  tables: [
    { name: 'katapult_api_tokens', hiddenColumns: ['token_digest'] },
    { name: 'katapult_organizations' },
    { name: 'katapult_clusters' },
    { name: 'katapult_accounts' },
    { name: 'katapult_trash_objects' },
    { name: 'katapult_access_keys', hiddenColumns: ['s3_secret_hash', 's3_secret'] },
    { name: 'katapult_buckets' },
    { name: 'katapult_objects', hiddenColumns: ['body'] },
    { name: 'katapult_presigned_urls', hiddenColumns: ['signature'] },
    ...s3Tables('katapult', false),
  ],
  transitions: [
    { name: TRANSITIONS.keyProvisioning, description: 'after create, generate_credentials (and PATCH) answer 422 object_storage_provisioning_error until this completes', default: { kind: 'delay', ms: 5_000 } },
    { name: TRANSITIONS.keyConfiguring, description: 'access key pending → configured after generate_credentials or PATCH', default: { kind: 'delay', ms: 1_000 } },
    { name: TRANSITIONS.accountProvisioning, description: 'object storage account provisioning → provisioned after create', default: { kind: 'delay', ms: 5_000 } },
    { name: TRANSITIONS.bucketConfiguring, description: 'bucket pending → configured after create or PATCH', default: { kind: 'delay', ms: 1_000 } },
    { name: TRANSITIONS.trashPurge, description: 'a trash object (and what it holds) is gone after DELETE /trash_objects/trash_object', default: { kind: 'delay', ms: 10_000 } },
  ],
  fixture: {
    schema: fixtureSchema,
    // Every document reaching a seed was parsed once already (parseFixtureDocument: fixture files,
    // RuntimeOptions.fixtures and POST /_emulator/fixtures), so the section is not parsed again.
    seed: katapultSeed,
  },
  auth: katapultAuth,
  errors: katapultErrors,
  timeline: katapultTimeline,
  openapi: {
    components: { securitySchemes: { Authenticator: { type: 'http', scheme: 'bearer', description: 'Katapult API token: Authorization: Bearer <token>' } } },
    security: [{ Authenticator: [] }],
  },
  routes: katapultRoutes,
  s3: katapultS3,
};
