import type { FastifyInstance } from 'fastify';
import { PACKAGE_VERSION } from '../core/package-info.js';
import type { VendorDefinition } from '../core/vendor.js';

type OpenApiDocument = { paths?: Record<string, unknown>; components?: Record<string, unknown>; [k: string]: unknown };
type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/**
 * One vendor's OpenAPI document, cut from the app's generated one: its paths with the mount
 * removed, the mount as the server URL. Generated from the route schemas, never hand-edited;
 * `tidyOpenApi` then makes it valid and readable (see there).
 */
export function vendorOpenApi(app: FastifyInstance, vendor: VendorDefinition): OpenApiDocument {
  const whole = app.swagger() as OpenApiDocument;
  const paths: Record<string, unknown> = {};
  for (const [path, item] of Object.entries(whole.paths ?? {})) {
    if (path === vendor.mount || path.startsWith(`${vendor.mount}/`)) paths[path.slice(vendor.mount.length) || '/'] = item;
  }
  const sorted = Object.fromEntries(Object.entries(paths).sort(([a], [b]) => a.localeCompare(b)));
  return tidyOpenApi({
    openapi: '3.1.0',
    info: {
      title: vendor.title,
      version: PACKAGE_VERSION,
      description: [`Emulated by accesskey-emulator. Stands in for ${vendor.upstream}. Mounted at ${vendor.mount}.`, vendor.openapi?.description].filter(Boolean).join('\n\n'),
      license: { name: 'MIT', identifier: 'MIT' },
    },
    servers: [{ url: vendor.mount, description: `accesskey-emulator (stands in for ${vendor.upstream})` }],
    paths: sorted,
    ...(vendor.openapi?.components ? { components: structuredClone(vendor.openapi.components) } : {}),
    ...(vendor.openapi?.security ? { security: vendor.openapi.security } : {}),
  });
}

/** Path parameters Fastify names `*` (a wildcard): OpenAPI names must appear in the path template. */
const WILDCARD_NAME = 'path';
const MAX_SAFE = Number.MAX_SAFE_INTEGER;

/**
 * What the generated schemas need to be a valid, readable OpenAPI document:
 * - Fastify's wildcard `{*}` becomes `{path}` (with its parameter), which `redocly lint` accepts;
 * - zod's `±Number.MAX_SAFE_INTEGER` bounds of a plain integer are dropped (Swagger UI shows them as the example);
 * - `<name>` in descriptions is escaped, or Markdown renderers swallow it as an HTML tag;
 * - a response schema used more than once (every vendor's error body) moves to `components.schemas`,
 *   and an error response repeated on many operations to `components.responses`, both referred to with `$ref`.
 */
export function tidyOpenApi(doc: OpenApiDocument): OpenApiDocument {
  const paths: Record<string, Json> = {};
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    paths[path.replaceAll('{*}', `{${WILDCARD_NAME}}`)] = tidy(item as Json, path.includes('{*}'));
  }
  const info = tidy(doc.info as Json, false);
  const servers = tidy((doc.servers ?? []) as Json, false);
  const components = doc.components ? (tidy(doc.components as Json, false) as Record<string, Json>) : {};
  shareResponseSchemas(paths, components);
  return { ...doc, info, servers, paths, ...(Object.keys(components).length > 0 ? { components } : {}) };
}

function tidy(value: Json, wildcardPath: boolean): Json {
  if (Array.isArray(value)) return value.map((v) => tidy(v, wildcardPath));
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, Json> = {};
  for (const [key, v] of Object.entries(value)) {
    if ((key === 'minimum' && v === -MAX_SAFE) || (key === 'maximum' && v === MAX_SAFE)) continue;
    if (key === 'pattern' && value.type === 'integer') continue;
    out[key] = key === 'description' && typeof v === 'string' ? escapeTags(v) : tidy(v, wildcardPath);
  }
  if (wildcardPath && out.in === 'path' && out.name === '*') {
    out.name = WILDCARD_NAME;
    out.description ??= 'The rest of the path (may contain /)';
  }
  return out;
}

/** `<zone>` → `&lt;zone&gt;`, outside code spans (a Markdown renderer shows those as they are). */
function escapeTags(text: string): string {
  return text.split(/(`[^`]*`)/).map((part, i) => (i % 2 === 1 ? part : part.replace(/<([A-Za-z][\w.:-]*)>/g, '&lt;$1&gt;'))).join('');
}

function shareResponseSchemas(paths: Record<string, Json>, components: Record<string, Json>): void {
  const uses = new Map<string, Array<{ content: Record<string, Json> }>>();
  for (const item of Object.values(paths)) {
    for (const operation of Object.values(item as Record<string, Json>)) {
      const responses = (operation as { responses?: Record<string, { content?: Record<string, Record<string, Json>> }> })?.responses;
      for (const response of Object.values(responses ?? {})) {
        for (const content of Object.values(response?.content ?? {})) {
          if (content.schema === undefined || typeof content.schema !== 'object' || content.schema === null) continue;
          const key = JSON.stringify(content.schema);
          uses.set(key, [...(uses.get(key) ?? []), { content }]);
        }
      }
    }
  }
  const schemas = { ...((components.schemas as Record<string, Json> | undefined) ?? {}) };
  let n = 0;
  for (const [key, sites] of [...uses].sort(([, a], [, b]) => b.length - a.length)) {
    if (sites.length < 2 || key.length < 200) continue; // small schemas read better inline
    const schema = JSON.parse(key) as Record<string, Json>;
    const name = /error/i.test(String(schema.description ?? '')) && !('Error' in schemas) ? 'Error' : `Shared${++n}`;
    schemas[name] = schema;
    for (const { content } of sites) content.schema = { $ref: `#/components/schemas/${name}` };
  }
  if (Object.keys(schemas).length > 0) components.schemas = schemas;
  shareResponses(paths, components);
}

/** Then a whole response repeated on many operations (an error status with that body) becomes a `components.responses` entry. */
function shareResponses(paths: Record<string, Json>, components: Record<string, Json>): void {
  const uses = new Map<string, Array<{ responses: Record<string, Json>; status: string }>>();
  for (const item of Object.values(paths)) {
    for (const operation of Object.values(item as Record<string, Json>)) {
      const responses = (operation as { responses?: Record<string, Json> })?.responses;
      for (const [status, response] of Object.entries(responses ?? {})) {
        if (!/^[45]/.test(status)) continue;
        const key = JSON.stringify(response);
        uses.set(key, [...(uses.get(key) ?? []), { responses: responses!, status }]);
      }
    }
  }
  const shared = { ...((components.responses as Record<string, Json> | undefined) ?? {}) };
  let n = 0;
  for (const [key, sites] of [...uses].sort(([, a], [, b]) => b.length - a.length)) {
    if (sites.length < 3) continue;
    const name = `Error${++n === 1 ? '' : n}`;
    shared[name] = JSON.parse(key) as Json;
    for (const { responses, status } of sites) responses[status] = { $ref: `#/components/responses/${name}` };
  }
  if (Object.keys(shared).length > 0) components.responses = shared;
}
