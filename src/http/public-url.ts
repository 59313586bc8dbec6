import type { FastifyRequest } from 'fastify';
import { DEFAULT_NAMESPACE } from '../core/namespaces.js';

/**
 * Where a client reached this emulator, for absolute URLs in responses (IONOS `_links`, KOS presigned
 * URLs): `<protocol>://<host>` of the request, and the path prefix of its world — `/ns/<name>` when the
 * request used a non-default namespace (by path or by `x-emulator-namespace`, so a link followed without
 * the header lands in the same world) — then the vendor's mount (empty on a VENDOR_PORTS port).
 */
export interface PublicBase {
  origin: string;
  prefix: string;
}

export function publicBase(request: FastifyRequest, mount: string): PublicBase {
  const ns = request.emulator.namespace;
  const nsPrefix = request.raw.emulatorNamespace !== undefined || ns !== DEFAULT_NAMESPACE ? `/ns/${encodeURIComponent(ns)}` : '';
  return { origin: `${request.protocol}://${request.host}`, prefix: `${nsPrefix}${mount}` };
}
