import type { FastifyRequest } from 'fastify';
import { isJsonType } from './json-body.js';

/**
 * Browsers let any web page send a "simple" cross-site request (a form post, `text/plain` fetch) to
 * the emulator on loopback; for the control plane that would let a page wipe state. A state-changing
 * control call is therefore refused when it carries a foreign `Origin` or `Sec-Fetch-Site`, and one
 * with a body must say it is JSON (a type a page cannot send cross-site without a preflight). Calls
 * without `Origin` (curl, SDKs, tests) and same-origin pages (the dashboard) are unaffected.
 */
export interface CrossSiteRefusal {
  status: 403 | 415;
  code: string;
  message: string;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

const header = (request: FastifyRequest, name: string): string | undefined => {
  const v = request.headers[name];
  return Array.isArray(v) ? v[0] : v;
};

export function crossSiteRefusal(request: FastifyRequest): CrossSiteRefusal | undefined {
  if (SAFE_METHODS.has(request.method)) return undefined;
  const site = header(request, 'sec-fetch-site')?.trim().toLowerCase();
  if (site !== undefined && site !== 'same-origin' && site !== 'none') {
    return { status: 403, code: 'cross_site_request', message: `Cross-site requests may not change the emulator (Sec-Fetch-Site: ${site.slice(0, 32)}); call the control plane from the emulator's own origin or without a browser` };
  }
  const origin = header(request, 'origin');
  // The host and port decide (not the scheme), so a TLS-terminating proxy in front keeps same-origin pages working.
  if (origin !== undefined && /^[a-z][a-z0-9+.-]*:\/\/(.*)$/i.exec(origin.trim())?.[1]?.toLowerCase() !== request.host.toLowerCase()) {
    return { status: 403, code: 'cross_site_request', message: `Requests from another origin (${origin.slice(0, 100)}) may not change the emulator; call the control plane from its own origin or without a browser` };
  }
  const hasBody = (header(request, 'content-length') ?? '0').trim() !== '0' || header(request, 'transfer-encoding') !== undefined;
  if (hasBody && !isJsonType(header(request, 'content-type'))) {
    return { status: 415, code: 'unsupported_media_type', message: 'A control-plane request with a body must send it as JSON (Content-Type: application/json)' };
  }
  return undefined;
}
