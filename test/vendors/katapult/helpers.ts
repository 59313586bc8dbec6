import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import type { AppUnderTest } from '../../helpers/build-app.js';
import { vendorSpecsDir } from '../../helpers/build-app.js';

export const MOUNT = '/katapult/core/v1';
export const TOKEN = 'katapult-test-token';
export const auth = (token = TOKEN) => ({ authorization: `Bearer ${token}` });

export const DATA_CENTER = {
  id: 'loc_UUhPmoCbpic6UX0Y', name: 'London', permalink: 'uk-lon-01',
  country: { id: 'ctry_6AO9tYYugvTGnd5b', name: 'United Kingdom', iso_code2: 'GB', iso_code3: 'GBR', time_zone: 'Europe/London', eu: false },
};

/** GET with Rack-style query args, or a JSON body for the other methods. */
export function call(t: AppUnderTest, method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, args?: Record<string, unknown>, headers: Record<string, string> = auth(), extra: Partial<InjectOptions> = {}) {
  const opts: InjectOptions = { method, url: `${MOUNT}${path}`, headers: { ...headers }, ...extra };
  if (args !== undefined) {
    if (method === 'GET') opts.url += `?${toRackQuery(args)}`;
    else opts.payload = args;
  }
  return t.inject(opts);
}

export function toRackQuery(args: Record<string, unknown>, prefix = ''): string {
  const parts: string[] = [];
  for (const [k, v] of Object.entries(args)) {
    const key = prefix ? `${prefix}[${k}]` : k;
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) parts.push(toRackQuery(v as Record<string, unknown>, key));
    else if (Array.isArray(v)) for (const item of v) parts.push(`${encodeURIComponent(`${key}[]`)}=${encodeURIComponent(String(item))}`);
    else parts.push(`${encodeURIComponent(key)}=${encodeURIComponent(String(v))}`);
  }
  return parts.filter(Boolean).join('&');
}

export function expectError(res: LightMyRequestResponse, status: number, code: string) {
  expect({ status: res.statusCode, body: res.json() }).toMatchObject({ status, body: { error: { code } } });
  expect(res.headers['x-api-schema']).toBe('json-error');
  expect(res.headers['cache-control']).toBe('no-cache');
  expect(res.headers['content-type']).toBe('application/json');
  const error = res.json().error;
  expect(Object.keys(error)).toEqual(['code', 'description', 'detail']);
  expect(typeof error.description).toBe('string');
  expect(typeof error.detail).toBe('object');
  return error as { code: string; description: string; detail: Record<string, any> };
}

/** Same keys and JSON types, recursively (arrays: every actual item against the first expected item). */
export function shapeOf(value: unknown): unknown {
  if (value === null) return 'null';
  if (Array.isArray(value)) return value.length ? [shapeOf(value[0])] : [];
  if (typeof value === 'object') return Object.fromEntries(Object.entries(value as object).map(([k, v]) => [k, shapeOf(v)]));
  return typeof value;
}

export function expectSameShape(actual: unknown, expected: unknown, where: string) {
  const a = shapeOf(actual);
  const e = shapeOf(expected);
  // An empty array on either side matches any array.
  const relax = (x: unknown, y: unknown): unknown => {
    if (Array.isArray(x) && Array.isArray(y)) return x.length === 0 || y.length === 0 ? [] : [relax(x[0], y[0])];
    if (x && y && typeof x === 'object' && typeof y === 'object') return Object.fromEntries(Object.entries(x).map(([k, v]) => [k, relax(v, (y as any)[k])]));
    return x;
  };
  expect(relax(a, e), where).toEqual(relax(e, a));
}

// ---- the vendor spec (VENDOR_SPECS_DIR) ----

export interface Spec { doc: any; ajv: Ajv }

/** OpenAPI 3.0 allows `nullable` beside `allOf` without `type`; Ajv does not: rewrite as anyOf [schema, null]. */
function nullableWithoutType(node: any): any {
  if (Array.isArray(node)) return node.map(nullableWithoutType);
  if (!node || typeof node !== 'object') return node;
  const out = Object.fromEntries(Object.entries(node).map(([k, v]) => [k, nullableWithoutType(v)]));
  if (out.nullable === true && out.type === undefined) {
    const { nullable: _n, ...rest } = out;
    return { anyOf: [rest, { type: 'null' }] };
  }
  return out;
}

export function loadSpec(): Spec | undefined {
  const dir = vendorSpecsDir();
  if (!dir) return undefined;
  const doc = JSON.parse(readFileSync(join(dir, 'katapult-openapi-subset.json'), 'utf8'));
  const ajv = new Ajv({ strict: false, allErrors: true });
  (addFormatsModule as unknown as (a: Ajv) => void)(ajv);
  ajv.addSchema(nullableWithoutType(doc), 'katapult-spec.json');
  return { doc, ajv };
}

export function loadRecordings(): Record<string, any[]> | undefined {
  const dir = vendorSpecsDir();
  if (!dir) return undefined;
  return JSON.parse(readFileSync(join(dir, 'katapult-recorded-interactions.json'), 'utf8')).scenarios;
}

const pointer = (...parts: string[]) => parts.map((p) => p.replace(/~/g, '~0').replace(/\//g, '~1')).join('/');

/** Errors Apia raises itself, which the vendor spec does not draw. */
const APIA_GENERIC = new Set(['invalid_argument', 'missing_required_argument', 'invalid_json_body', 'route_not_found', 'unhandled_exception']);
const AUTH_RESPONSES: Record<number, string> = { 400: 'APIAuthenticator400Response', 403: 'APIAuthenticator403Response', 429: 'APIAuthenticator429Response', 503: 'APIAuthenticator503Response' };

/**
 * Validates a Katapult response body against the vendor schema of that operation and status.
 * Errors: the spec draws them unwrapped, so `body.error` is validated; the authenticator's own
 * responses (400/403/429/503) count for every operation. Returns a description of the failure.
 */
export function validateAgainstSpec(spec: Spec, method: string, path: string, status: number, body: any): string | undefined {
  const op = spec.doc.paths[path]?.[method.toLowerCase()];
  if (!op) return `no operation ${method} ${path} in the spec`;
  const isError = status >= 400;
  const subject = isError ? body?.error : body;
  if (isError && APIA_GENERIC.has(subject?.code)) return undefined;
  const candidates: string[] = [];
  const response = op.responses[String(status)];
  if (response) {
    const ref: string | undefined = response.$ref;
    candidates.push(ref ? `katapult-spec.json${ref}/content/application~1json/schema` : `katapult-spec.json#/${pointer('paths', path, method.toLowerCase(), 'responses', String(status), 'content', 'application/json', 'schema')}`);
  }
  if (isError && AUTH_RESPONSES[status]) candidates.push(`katapult-spec.json#/components/responses/${AUTH_RESPONSES[status]}/content/application~1json/schema`);
  if (candidates.length === 0) return `status ${status} is not documented for ${method} ${path}`;
  const failures: string[] = [];
  for (const ref of candidates) {
    const validate = spec.ajv.getSchema(ref) ?? spec.ajv.compile({ $ref: ref });
    if (validate(subject)) return undefined;
    failures.push(`${ref}: ${spec.ajv.errorsText(validate.errors)}`);
  }
  return failures.join(' | ');
}
