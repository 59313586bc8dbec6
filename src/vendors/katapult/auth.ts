import { sameSecret, secretDigest } from '../../core/secrets.js';
import type { VendorAuth, VendorContext } from '../../core/vendor.js';
import { catalogue, katapultError } from './errors.js';
import { katapultStore, type ApiToken } from './store.js';

function ipv4ToInt(ip: string): number | undefined {
  const parts = ip.split('.');
  if (parts.length !== 4 || parts.some((p) => !/^\d{1,3}$/.test(p) || Number(p) > 255)) return undefined;
  return parts.reduce((acc, p) => acc * 256 + Number(p), 0);
}

/** Is `ip` inside one of `networks` (IPv4 CIDR, or an exact address)? */
function ipAllowed(ip: string, networks: readonly string[]): boolean {
  const address = ip.replace(/^::ffff:/, '');
  return networks.some((network) => {
    const [base, bitsText] = network.split('/');
    if (bitsText === undefined) return base === address;
    const a = ipv4ToInt(address);
    const b = ipv4ToInt(base ?? '');
    const bits = Number(bitsText);
    if (a === undefined || b === undefined || bits > 32) return false;
    if (bits === 0) return true;
    const mask = (0xffffffff << (32 - bits)) >>> 0;
    return ((a & mask) >>> 0) === ((b & mask) >>> 0);
  });
}

/** `object_storage` (manage) implies `object_storage:read`; the same for every `<x>` / `<x>:read` pair. */
function granted(token: ApiToken, required: readonly string[]): boolean {
  const scopes = new Set(token.scopes);
  for (const scope of token.scopes) if (!scope.includes(':')) scopes.add(`${scope}:read`);
  return required.some((s) => scopes.has(s));
}

/**
 * A Bearer API token (found by its digest, compared in constant time, expiry and allowed networks
 * checked) → the token's rate limit (`x-ratelimit-*` on every counted answer) → the route's scopes.
 * Apia checks a request's arguments only after all of this (routes.ts: the validator passes through).
 */
export function katapultAuth(ctx: VendorContext): VendorAuth<ApiToken> {
  const store = katapultStore(ctx.db);
  return {
    stage: 'request',
    appliesTo: (route) => route.config.katapultScopes !== undefined,
    authenticate(request, _route, now) {
      const match = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '');
      if (!match) throw katapultError('missing_api_token');
      const digest = secretDigest(match[1]!);
      const token = store.tokenByDigest.get({ namespace: request.emulator.namespace, digest });
      if (!token || !sameSecret(digest, token.digest)) throw katapultError('invalid_api_token', { details: null });
      if (token.expiresAt !== null && token.expiresAt <= now) throw katapultError('invalid_api_token', { details: 'The API token has expired' });
      if (token.allowedNetworks.length > 0 && !ipAllowed(request.ip, token.allowedNetworks)) throw katapultError('unauthorized_network_for_api_token', { ip_address: request.ip });
      // One window per token (its digest: the token itself is kept nowhere).
      return { principal: token, credential: token.name, rateLimit: token.rateLimit, rateKey: token.digest };
    },
    rateLimitError: (decision) => catalogue.error('rate_limit_reached', { detail: { total_permitted: decision.limit }, headers: { 'retry-after': String(decision.retryAfterSeconds) } }),
    rateLimitHeaders: (decision) => ({ 'x-ratelimit-permitted': String(decision.limit), 'x-ratelimit-remaining': String(decision.remaining) }),
    authorize(token, _request, route) {
      const required = route.config.katapultScopes ?? [];
      if (!granted(token, required)) throw katapultError('scope_not_granted', { scopes: [...required] });
    },
  };
}
