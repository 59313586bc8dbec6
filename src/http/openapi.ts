import type { FastifyInstance } from 'fastify';
import { PACKAGE_VERSION } from '../core/package-info.js';
import type { VendorDefinition } from '../core/vendor.js';

type OpenApiDocument = { paths?: Record<string, unknown>; components?: Record<string, unknown>; [k: string]: unknown };

/**
 * One vendor's OpenAPI document, cut from the app's generated one: its paths with the mount
 * removed, the mount as the server URL. Generated from the route schemas, never hand-edited.
 */
export function vendorOpenApi(app: FastifyInstance, vendor: VendorDefinition): OpenApiDocument {
  const whole = app.swagger() as OpenApiDocument;
  const paths: Record<string, unknown> = {};
  for (const [path, item] of Object.entries(whole.paths ?? {})) {
    if (path === vendor.mount || path.startsWith(`${vendor.mount}/`)) paths[path.slice(vendor.mount.length) || '/'] = item;
  }
  const sorted = Object.fromEntries(Object.entries(paths).sort(([a], [b]) => a.localeCompare(b)));
  return {
    openapi: '3.1.0',
    info: {
      title: vendor.title,
      version: PACKAGE_VERSION,
      description: `Emulated by accesskey-emulator. Stands in for ${vendor.upstream}. Mounted at ${vendor.mount}.`,
    },
    servers: [{ url: vendor.mount, description: `accesskey-emulator (stands in for ${vendor.upstream})` }],
    paths: sorted,
    ...(vendor.openapi?.components ? { components: vendor.openapi.components } : {}),
    ...(vendor.openapi?.security ? { security: vendor.openapi.security } : {}),
  };
}
