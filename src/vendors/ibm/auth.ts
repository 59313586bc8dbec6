import { sameSecret, secretDigest } from '../../core/secrets.js';
import type { VendorAuth, VendorContext } from '../../core/vendor.js';
import { ibmCatalogue } from './errors.js';
import { ibmStore, type ManagerRow } from './store.js';

/** The API's operations, each needing one of the two documented permissions. */
const OPERATIONS = {
  createCredential: { permission: 'key_management', action: 'create credential' },
  listCredentials: { permission: 'key_listing', action: 'list credentials' },
  showCredential: { permission: 'key_listing', action: 'show credential' },
  updateCredential: { permission: 'key_management', action: 'update credential' },
  deleteCredential: { permission: 'key_management', action: 'delete credential' },
} as const;
type IbmOperation = keyof typeof OPERATIONS;

const isOperation = (value: string): value is IbmOperation => Object.hasOwn(OPERATIONS, value);

const BASIC = /^Basic\s+([A-Za-z0-9+/=_-]+)\s*$/i;

/**
 * HTTP Basic with a Manager account (401 when missing, malformed or wrong) → the manager's per-minute
 * rate limit (429) → the Key Management / Key Listing permission of the operation (403). Before the
 * body is read, so an unauthenticated caller learns nothing from validation errors. Only the API's
 * operations authenticate: a path no route takes is the plugin's 404.
 */
export function ibmAuth(ctx: VendorContext): VendorAuth<ManagerRow> {
  const store = ibmStore(ctx.db);
  return {
    stage: 'request',
    appliesTo: (route) => isOperation(route.operation),
    authenticate(request) {
      const authorization = request.headers.authorization;
      if (authorization === undefined || authorization.trim() === '') throw ibmCatalogue.error('unauthorized');
      const match = BASIC.exec(authorization);
      if (!match) throw ibmCatalogue.error('unauthorized', { message: 'The provided token is not valid or cannot be verified: use HTTP Basic authentication.' });
      const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      const manager = colon > 0 ? store.managerByName(request.emulator.namespace, decoded.slice(0, colon)) : undefined;
      if (!manager || !sameSecret(secretDigest(decoded.slice(colon + 1)), manager.passwordHash)) {
        throw ibmCatalogue.error('unauthorized', { message: 'The provided token is not valid or cannot be verified.' });
      }
      return { principal: manager, credential: manager.username, rateLimit: manager.rateLimit };
    },
    rateLimitError: (decision, manager) =>
      ibmCatalogue.error('too_many_requests', {
        message: `Too many requests: ${decision.limit} requests per minute allowed for ${manager.username}; retry in ${decision.retryAfterSeconds} s.`,
        headers: { 'retry-after': String(decision.retryAfterSeconds) },
      }),
    authorize(manager, _request, route) {
      if (!isOperation(route.operation)) return; // never: appliesTo admits only the operations
      const { permission, action } = OPERATIONS[route.operation];
      const allowed = permission === 'key_management' ? manager.keyManagement : manager.keyListing;
      if (!allowed) {
        const role = permission === 'key_management' ? 'Key Management' : 'Key Listing';
        throw ibmCatalogue.error('forbidden', { message: `${action} requires the ${role} permission.` });
      }
    },
  };
}
