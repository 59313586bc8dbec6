import { sameSecret, secretDigest } from '../../core/secrets.js';
import type { VendorAuth, VendorContext } from '../../core/vendor.js';
import { catalogue } from './errors.js';
import { ionosStore, type Caller } from './store.js';

/** Operations that the vendor SDK does not list 429 for: not rate limited. */
const NOT_RATE_LIMITED = new Set(['accesskeysRenew']);

type Authorization = { kind: 'bearer'; token: string } | { kind: 'basic'; username: string; password: string };

function parseAuthorization(header: string | undefined): Authorization | undefined {
  if (!header) return undefined;
  const space = header.indexOf(' ');
  if (space === -1) return undefined;
  const scheme = header.slice(0, space).toLowerCase();
  const value = header.slice(space + 1).trim();
  if (scheme === 'bearer' && value) return { kind: 'bearer', token: value };
  if (scheme === 'basic' && value) {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon <= 0) return undefined;
    return { kind: 'basic', username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
  }
  return undefined;
}

/** A Bearer token, or the SDK's HTTP Basic fallback; then the rate limit; then the Object Storage privilege. */
export function ionosAuth(ctx: VendorContext): VendorAuth<Caller> {
  const store = ionosStore(ctx.db);
  return {
    stage: 'request',
    unrouted: true,
    rateLimited: (route) => !NOT_RATE_LIMITED.has(route.operation),
    authenticate(request) {
      const { namespace } = request.emulator;
      const auth = parseAuthorization(request.headers.authorization);
      if (!auth) throw catalogue.error('paas-auth-1');
      // A bearer token is found by its digest, a basic credential by its username (either with its user, in one
      // statement); then the secret's digest is compared in constant time.
      const digest = secretDigest(auth.kind === 'bearer' ? auth.token : auth.password);
      const caller = auth.kind === 'bearer' ? store.callerByTokenDigest(namespace, digest) : store.callerByUsername(namespace, auth.username);
      if (!caller || !sameSecret(digest, caller.credential.secretHash)) throw catalogue.error('paas-auth-1');
      return { principal: caller, credential: caller.credential.id, rateLimit: caller.credential.rateLimit };
    },
    rateLimitError: (decision) => catalogue.error('paas-ratelimit-1', { headers: { 'retry-after': String(decision.retryAfterSeconds) } }),
    authorize(caller) {
      if (!caller.credential.objectStorageAccess) throw catalogue.error('paas-auth-2');
    },
  };
}
