import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { VendorError } from '../core/errors.js';
import type { VendorContext, VendorDefinition } from '../core/vendor.js';
import { authenticate } from './auth.js';
import { renderS3Error, s3Error } from './errors.js';
import type { VendorS3 } from './part.js';
import { operationOf, S3Plane } from './plane.js';
import { multipartStore } from './store.js';

/**
 * The S3 endpoint of one vendor (`/s3/<vendor>`, `/ns/<name>/s3/<vendor>`, or the root of an
 * S3_PORTS port), registered inside the shared vendor plugin so namespaces, faults and the journal
 * work as on every mount. One wildcard route: S3 routes by method, path and sub-resource, which
 * `operationOf` decides. Bodies are not parsed by Fastify: the plane streams them after the
 * signature and the sizes are checked.
 */

/** `<bucket>.localhost[:port]`: virtual-host style addressing. */
const VIRTUAL_HOST = /^([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])\.localhost(?::\d+)?$/;

/** `::ffff:10.0.0.1` (an IPv4 client of a dual-stack socket) as `10.0.0.1`. */
const clientIp = (ip: string) => (ip.startsWith('::ffff:') && ip.includes('.') ? ip.slice(7) : ip);

let requestCounter = 0;
const nextRequestId = () => (++requestCounter).toString(16).toUpperCase().padStart(16, '0');

function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw s3Error('InvalidURI');
  }
}

type RoutedRequest = { method: string; url: string; originalUrl: string; headers: Record<string, string | string[] | undefined> };

export interface Target { bucket?: string; key?: string; rawPath: string; rawQuery: string }

/** Bucket and key of a request (path-style, or virtual-host style from Host), and the raw path and query it signed. */
export function targetOf(request: RoutedRequest, mount: string): Target {
  const original = request.originalUrl ?? request.url;
  const q = original.indexOf('?');
  const rawPath = q < 0 ? original : original.slice(0, q);
  const rawQuery = q < 0 ? '' : original.slice(q + 1);
  const url = request.url.split('?')[0]!;
  const rest = url.slice(mount.length).replace(/^\//, '');
  const host = String(request.headers.host ?? '').toLowerCase();
  const virtual = VIRTUAL_HOST.exec(host);
  if (virtual) return { bucket: virtual[1]!, ...(rest === '' ? {} : { key: decode(rest) }), rawPath, rawQuery };
  if (rest === '') return { rawPath, rawQuery };
  const slash = rest.indexOf('/');
  if (slash < 0) return { bucket: decode(rest), rawPath, rawQuery };
  const key = rest.slice(slash + 1);
  return { bucket: decode(rest.slice(0, slash)), ...(key === '' ? {} : { key: decode(key) }), rawPath, rawQuery };
}

export interface ParsedRequest { target: Target; query: URLSearchParams; operation: string }

/**
 * Target, query and operation of a request, worked out once: the vendor plugin's onRequest hook
 * names the operation (faults, journal) and the handler serves it from the same parse.
 */
const parsed = new WeakMap<object, ParsedRequest>();

export function parseRequest(request: RoutedRequest, mount: string): ParsedRequest {
  let p = parsed.get(request);
  if (p === undefined) {
    const target = targetOf(request, mount);
    const query = new URLSearchParams(target.rawQuery);
    p = { target, query, operation: operationOf(request.method, target.bucket, target.key, query, request.headers) };
    parsed.set(request, p);
  }
  return p;
}

export interface S3RouteDeps {
  vendor: VendorDefinition;
  part: VendorS3;
  /** Every served vendor's S3 part: S3_MAX_NAMESPACE_BYTES counts the bytes of all of them. */
  all: ReadonlyArray<{ id: string; part: VendorS3 }>;
  mount: string;
}

export function s3Routes(deps: S3RouteDeps) {
  return (app: FastifyInstance, ctx: VendorContext): void => {
    // The plane reads the raw stream itself, after the signature and the sizes are checked.
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('*', (_request, _payload, done) => done(null));

    const namespaceBytes = (namespace: string) => deps.all.reduce((sum, v) => sum + v.part.world(ctx).usedBytes(namespace) + multipartStore(ctx.db, v.id).usedBytes(namespace), 0);

    const handler = async (request: FastifyRequest, reply: FastifyReply) => {
      const requestId = nextRequestId();
      reply.header('x-amz-request-id', requestId).header('x-amz-id-2', requestId).header('server', 'AmazonS3');
      const namespace = request.emulator.namespace;
      let resource = '/';
      try {
        const { target: t, query, operation } = parseRequest(request, deps.mount);
        resource = t.bucket === undefined ? '/' : `/${t.bucket}${t.key === undefined ? '' : `/${t.key}`}`;
        const auth = authenticate(deps.part, ctx, namespace, { method: request.method, rawPath: t.rawPath, rawQuery: t.rawQuery, headers: request.headers }, query, t, { ip: clientIp(request.ip) }, request.emulator.now);
        request.emulator.credential = auth.accessKeyId;
        const plane = new S3Plane({ ctx, vendor: deps.vendor.id, namespace, now: request.emulator.now, world: deps.part.world(ctx), key: auth.key, namespaceBytes: () => namespaceBytes(namespace) });
        const res = await plane.handle(operation, { method: request.method, bucket: t.bucket, key: t.key, query, headers: request.headers, stream: request.raw, encoding: auth.encoding });
        reply.code(res.status).headers(res.headers);
        if (request.method === 'HEAD' || res.body === undefined) return reply.send();
        return reply.send(res.body);
      } catch (err) {
        if (!(err instanceof VendorError)) throw err;
        // A refused upload is not read: close the connection rather than drain a body nobody wants.
        const hasBody = request.headers['transfer-encoding'] !== undefined || Number(request.headers['content-length'] ?? 0) > 0;
        if (hasBody && !request.raw.readableEnded) reply.header('connection', 'close');
        reply.code(err.status).headers(err.headers);
        if (request.method === 'HEAD') return reply.send();
        return reply.type('application/xml').send(renderS3Error(err, resource, requestId));
      }
    };

    app.route({ method: ['GET', 'HEAD', 'PUT', 'POST', 'DELETE'], url: '/', handler, config: { rawBody: true } });
    app.route({ method: ['GET', 'HEAD', 'PUT', 'POST', 'DELETE'], url: '/*', handler, config: { rawBody: true } });
  };
}
