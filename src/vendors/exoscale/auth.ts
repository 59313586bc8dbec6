import type { IncomingMessage } from 'node:http';
import type { VendorAuth, VendorContext } from '../../core/vendor.js';
import type { Principal } from './credentials.js';
import { catalogue } from './errors.js';
import { ExoscaleService } from './service.js';
import { exoscaleStore } from './store.js';

/** The raw request body, kept by the vendor's JSON parser (routes.ts): the signature covers the exact bytes. */
const rawBodies = new WeakMap<IncomingMessage, Buffer>();
const EMPTY = Buffer.alloc(0);

export function keepRawBody(request: IncomingMessage, body: Buffer): void {
  rawBodies.set(request, body);
}

function splitOnce(text: string, separator: string): [string, string] {
  const at = text.indexOf(separator);
  return at === -1 ? [text, ''] : [text.slice(0, at), text.slice(at + 1)];
}

/**
 * EXO2-HMAC-SHA256 over the path as sent, the raw body and the signed query values; then the
 * organization's per-key rate limit; then the key's permission for the operation. It runs after the
 * body is parsed (the signature covers it) but before it is validated, so an unsigned request learns
 * nothing about the shapes it would have to send.
 */
export function exoscaleAuth(ctx: VendorContext): VendorAuth<Principal> {
  const { credentials, permissions } = new ExoscaleService({ store: exoscaleStore(ctx.db), clock: ctx.clock, ids: ctx.ids, transitions: ctx.transitions });
  return {
    stage: 'body',
    authenticate(request, _route, now) {
      const [path = '/', rawQuery = ''] = splitOnce(request.originalUrl, '?');
      const authorization = request.headers.authorization;
      const principal = credentials.authenticate(
        {
          namespace: request.emulator.namespace,
          method: request.method,
          path,
          rawQuery,
          body: rawBodies.get(request.raw) ?? EMPTY,
          authorization: Array.isArray(authorization) ? authorization[0] : authorization,
        },
        now,
      );
      return { principal, credential: principal.key, rateLimit: principal.requestsPerMinute };
    },
    rateLimitError: (decision) => catalogue.error('rate_limited', { headers: { 'retry-after': String(decision.retryAfterSeconds) } }),
    authorize(principal, request, route) {
      permissions.authorize(request.emulator.namespace, principal, route.operation);
    },
  };
}
