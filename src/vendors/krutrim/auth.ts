import { sameSecret, secretDigest } from '../../core/secrets.js';
import type { VendorAuth, VendorContext } from '../../core/vendor.js';
import { catalogue } from './errors.js';
import { krutrimIds } from './ids.js';
import { DEFAULT_REGIONS } from './schemas.js';
import { SessionService } from './service/sessions.js';
import { invalidRegion, type Caller } from './service/tenancy.js';
import { krutrimStore } from './store.js';

/** Presigned URLs: the signature is the credential, no API key. */
const PRESIGNED = new Set(['presignedPut', 'presignedGet']);
/** The object operations: an `x-session-token`, when sent, must name an active session (SessionService.checkObjectSession). */
const SESSION_CHECKED = new Set(['listObjects', 'uploadObject', 'downloadObject', 'presignObjectUrl', 'getObjectMetadata', 'moveObject', 'renameObject', 'deleteObject']);

const header = (request: { headers: Record<string, string | string[] | undefined> }, name: string): string | undefined => {
  const v = request.headers[name];
  return Array.isArray(v) ? v[0] : v;
};

/**
 * `Authorization: Bearer <API key>` with `x-account-id` (must be the key's account), `x-region-id`
 * (default the first KOS region; echoed on every answer) and `x-tier`; then the key's rate limit; then,
 * for object operations, the optional session token.
 */
export function krutrimAuth(ctx: VendorContext): VendorAuth<Caller> {
  const store = krutrimStore(ctx.db);
  const sessions = new SessionService({ store, ids: krutrimIds(ctx.ids), timeoutMs: ctx.config.krutrimSessionTimeout });
  return {
    stage: 'request',
    appliesTo: (route) => !PRESIGNED.has(route.operation),
    authenticate(request) {
      const namespace = request.emulator.namespace;
      const match = /^Bearer\s+(\S+)\s*$/i.exec(header(request, 'authorization') ?? '');
      if (!match) throw catalogue.error('UNAUTHORIZED', { message: 'Unauthorized: an Authorization: Bearer <api key> header is required' });
      const digest = secretDigest(match[1]!);
      const regionHeader = header(request, 'x-region-id');
      const regionId = regionHeader ?? DEFAULT_REGIONS[0].id;
      // The key, its account and the region in one read.
      const key = store.callerByApiKey.get({ namespace, digest, region: regionId });
      if (!key || !sameSecret(digest, key.key_digest)) throw catalogue.error('UNAUTHORIZED', { message: 'Unauthorized: the API key is not valid' });
      const accountHeader = header(request, 'x-account-id');
      if (accountHeader !== undefined && accountHeader !== key.account_id) {
        throw catalogue.error('FORBIDDEN', { message: `Forbidden: the API key does not belong to account ${JSON.stringify(accountHeader)}` });
      }
      if (key.customer_id === null) throw catalogue.error('UNAUTHORIZED', { message: 'Unauthorized: the API key has no account' });
      if (key.region_id === null || key.region_tier === null) throw invalidRegion(store, namespace, regionId);
      const tier = header(request, 'x-tier');
      const principal: Caller = {
        namespace,
        accountId: key.account_id,
        customerId: key.customer_id,
        region: key.region_id,
        tier: tier ?? key.region_tier,
        regionFromHeader: regionHeader !== undefined,
        tierFromHeader: tier !== undefined,
      };
      return { principal, credential: key.name || `api-key:${key.account_id}`, rateLimit: key.rate_limit, headers: { 'x-region-id': key.region_id } };
    },
    rateLimitError: (decision) => catalogue.error('TOO_MANY_REQUESTS', { headers: { 'retry-after': String(decision.retryAfterSeconds) } }),
    authorize(caller, request, route, now) {
      if (SESSION_CHECKED.has(route.operation)) sessions.checkObjectSession(caller, header(request, 'x-session-token'), now);
    },
  };
}
