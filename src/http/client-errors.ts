import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { VendorError } from '../core/errors.js';
import type { VendorDefinition } from '../core/vendor.js';
import { rewriteNamespaceUrl } from './request-context.js';

/**
 * Errors Node's HTTP parser raises before Fastify sees a request (a head over 16 KiB, bad chunking,
 * Transfer-Encoding with Content-Length, a request not received within REQUEST_TIMEOUT…): answered in
 * JSON naming the problem, in the vendor's envelope when the request line shows a vendor mount, and
 * the connection closed (Node's `clientError`; the request was never parsed, so nothing else can answer).
 */
export type MountOf = (path: string) => { vendor: VendorDefinition; mount: string } | undefined;

const KNOWN: Record<string, [status: number, code: string, message: string]> = {
  ERR_HTTP_REQUEST_TIMEOUT: [408, 'request_timeout', 'The request was not received in time (REQUEST_TIMEOUT, HEADERS_TIMEOUT)'],
  HPE_HEADER_OVERFLOW: [431, 'header_too_large', 'The request head is larger than the 16 KiB Node accepts'],
};

/** Anything else the parser refuses (bad chunking, TE with CL, a bad header character…), in llhttp's own words. */
const malformed = (err: { code?: string; reason?: unknown; message: string }): [number, string, string] =>
  [400, 'bad_request', `Malformed HTTP request: ${typeof err.reason === 'string' ? err.reason : err.message} (${err.code ?? 'parse error'})`];

/** The request target from the bytes received so far (`GET /ionos/x HTTP/1.1`), or from the request Node parsed. */
function requestPath(err: { rawPacket?: unknown }, socket: Socket): string | undefined {
  const parsed = (socket as Socket & { _httpMessage?: { req?: { url?: string } } })._httpMessage?.req?.url;
  const line = parsed ?? /^[A-Z]+ (\S+)/.exec(Buffer.isBuffer(err.rawPacket) ? err.rawPacket.subarray(0, 8192).toString('latin1') : '')?.[1];
  if (line === undefined) return undefined;
  return rewriteNamespaceUrl({ url: line } as import('node:http').IncomingMessage).split('?')[0];
}

const headerSafe = (v: string) => v.replace(/[\r\n]/g, ' ');

export function clientErrorHandler(mountOf: MountOf) {
  return function onClientError(err: Error & { code?: string; reason?: unknown; rawPacket?: unknown }, socket: Socket): void {
    if (err.code === 'ECONNRESET' || socket.destroyed) return;
    const inFlight = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
    if (!socket.writable || inFlight?.headersSent) {
      socket.destroy(err);
      return;
    }
    const [status, code, message] = KNOWN[err.code ?? ''] ?? malformed(err);
    const path = requestPath(err, socket);
    const owner = path === undefined ? undefined : mountOf(path);
    let headers: Record<string, string> = { 'content-type': 'application/json' };
    let body: unknown = { error: { code, message } };
    if (owner) {
      // The vendor's 400 for this problem, carrying the real status: its envelope names both.
      const base = owner.vendor.errors.fromProblem({ kind: 'validation', status: 400, message, method: 'GET', path: path!.slice(owner.mount.length) || '/' });
      const rendered = owner.vendor.errors.render(new VendorError(status, base.code, base.message, base.detail, base.headers));
      headers = { ...base.headers, 'content-type': 'application/json', ...rendered.headers };
      body = rendered.body;
    }
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    const lines = Object.entries({ ...headers, 'content-length': String(Buffer.byteLength(text)), connection: 'close' }).map(([k, v]) => `${k}: ${headerSafe(v)}`);
    socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n${lines.join('\r\n')}\r\n\r\n${text}`);
    socket.destroySoon?.();
  };
}
