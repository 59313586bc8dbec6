import { genericWorld } from '../../s3/store.js';
import type { S3Access, VendorS3 } from '../../s3/part.js';
import { ExoscaleService } from './service.js';
import { exoscaleStore } from './store.js';

/** The zone of new buckets: Geneva [I]. */
const REGION = 'ch-gva-2';

/** The SOS operation (Exoscale's name, as in the known operations) each S3 access needs. */
const SOS_OPERATION: Record<S3Access, string> = {
  'list-buckets': 'list-sos-buckets',
  'create-bucket': 'create-sos-bucket',
  'delete-bucket': 'delete-sos-bucket',
  'read-bucket': 'list-sos-bucket',
  list: 'list-sos-bucket',
  read: 'get-sos-object',
  write: 'put-sos-object',
  delete: 'delete-sos-object',
};

/**
 * Exoscale keys at work (DESIGN.md §6): a legacy access key or an API key (also one from
 * assume-iam-role) and its secret sign; a revoked, deleted or expired key is unknown
 * (InvalidAccessKeyId); what it may do is its SOS operations, tags and bucket resources, or its
 * role's policy for service `sos`. Buckets belong to the organization and live in the plane's own
 * tables.
 */
export const exoscaleS3: VendorS3 = {
  key(ctx, namespace, accessKeyId, _client, now) {
    const { credentials, permissions } = new ExoscaleService({ store: exoscaleStore(ctx.db), clock: ctx.clock, ids: ctx.ids, transitions: ctx.transitions });
    const principal = credentials.principal(namespace, accessKeyId, now);
    if (!principal) return undefined;
    const { organizationId } = principal;
    return {
      secret: principal.row.secret,
      owner: { id: organizationId, displayName: organizationId },
      region: REGION,
      may(access, bucket) {
        if (bucket !== undefined && bucket.ownerId !== organizationId) return false;
        return permissions.sosAllows(namespace, principal, SOS_OPERATION[access], bucket?.name);
      },
    };
  },
  world: (ctx) => genericWorld(ctx.db, 'exoscale'),
};
