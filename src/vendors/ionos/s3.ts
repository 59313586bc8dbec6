import type { VendorContext } from '../../core/vendor.js';
import { genericWorld } from '../../s3/store.js';
import type { VendorS3 } from '../../s3/part.js';
import { ionosIds } from './ids.js';
import { IonosService } from './service.js';
import { ionosStore } from './store.js';

/** IONOS S3 region of new buckets: Frankfurt (`de`, s3.eu-central-1.ionoscloud.com). */
const REGION = 'de';

/** A service over the context's parts (cheap: it holds references only). */
const service = (ctx: VendorContext) => new IonosService({ store: ionosStore(ctx.db), ids: ionosIds(ctx.ids), transitions: ctx.transitions, keyLimit: ctx.config.ionosKeyLimit });

/**
 * IONOS keys at work (DESIGN.md §6): `accessKey` / `secretKey` sign; a key is usable only while
 * `AVAILABLE` (PROVISIONING after create or renew, DESTROYING, FAILED are refused); renew replaces
 * the secret. IONOS has no bucket API here: the buckets of a user live in the plane's own tables,
 * owned by the user's canonical user id.
 */
export const ionosS3: VendorS3 = {
  key(ctx, namespace, accessKeyId, _client, now) {
    const found = service(ctx).s3Key(namespace, accessKeyId, now);
    if (!found) return undefined;
    const ownerId = found.user?.canonicalUserId ?? accessKeyId;
    const base = { secret: found.secret, owner: { id: ownerId, displayName: found.user?.contractNumber ?? ownerId }, region: REGION };
    if (found.status !== 'AVAILABLE') return { ...base, refusal: { code: 'InvalidAccessKeyId', message: `The access key is ${found.status}, not AVAILABLE.` }, may: () => false };
    return { ...base, may: (access, bucket) => access === 'list-buckets' || access === 'create-bucket' || bucket?.ownerId === ownerId };
  },
  world: (ctx) => genericWorld(ctx.db, 'ionos'),
};
