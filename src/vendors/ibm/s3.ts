import { genericWorld } from '../../s3/store.js';
import type { VendorS3 } from '../../s3/part.js';
import { ibmStore } from './store.js';

/** The LocationConstraint of new buckets (an IBM COS on-prem provisioning code) [I]. */
const REGION = 'us-standard';

/**
 * IBM COS keys at work (DESIGN.md §6): the credential's HMAC `blob.access` / `blob.secret` sign;
 * `blob.status: Inactive` is refused with AccessDenied (after the signature). Buckets belong to
 * the credential's storage account (`project_id`) and live in the plane's own tables.
 */
export const ibmS3: VendorS3 = {
  key(ctx, namespace, accessKeyId) {
    const c = ibmStore(ctx.db).credentialById(namespace, accessKeyId);
    if (!c) return undefined;
    const base = { secret: c.secret, owner: { id: c.projectId, displayName: c.projectId }, region: REGION };
    if (c.status === 'Inactive') return { ...base, refusal: { code: 'AccessDenied', message: 'The access key is Inactive.' }, may: () => false };
    return { ...base, may: (access, bucket) => access === 'list-buckets' || access === 'create-bucket' || bucket?.ownerId === c.projectId };
  },
  world: (ctx) => genericWorld(ctx.db, 'ibm'),
};
