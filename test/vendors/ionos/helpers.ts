import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { parse } from 'yaml';
import type { AppUnderTest } from '../../helpers/build-app.js';

export const TOKEN = 'ionos-test-token';
export const BEARER = { authorization: `Bearer ${TOKEN}` };
export const BASIC = { authorization: `Basic ${Buffer.from('test@example.com:test').toString('base64')}` };
export const NO_S3 = { authorization: 'Bearer ionos-no-object-storage-token' };
export const USER_ID = '87f9a82e-b28d-49ed-9d04-fba2c0459cd3';
export const CONTRACT = '11111111';
export const SEEDED_AVAILABLE = '0b6a5a7e-8f3c-4d2a-9e1b-1c2d3e4f5a6b';
export const SEEDED_FAILED = '6f1e2d3c-4b5a-4978-8a6b-5c4d3e2f1a0b';
export const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';
export const PROVISIONING_MS = 2000;
export const DESTROYING_MS = 2000;

/** The body the Go SDK sends: read-only accessKey/secretKey as "". */
export const sdkBody = (description: string) => ({ properties: { description, accessKey: '', secretKey: '' } });

type Call = (opts: InjectOptions) => Promise<LightMyRequestResponse>;
export interface IonosClient {
  call: Call;
  list(query?: string): Promise<LightMyRequestResponse>;
  create(description?: string, extra?: Record<string, string>): Promise<LightMyRequestResponse>;
  get(id: string): Promise<LightMyRequestResponse>;
  put(id: string, body: unknown, extra?: Record<string, string>): Promise<LightMyRequestResponse>;
  del(id: string, extra?: Record<string, string>): Promise<LightMyRequestResponse>;
  renew(id: string, extra?: Record<string, string>): Promise<LightMyRequestResponse>;
  regions(query?: string): Promise<LightMyRequestResponse>;
  region(id: string): Promise<LightMyRequestResponse>;
}

export function client(t: AppUnderTest, headers: Record<string, string> = BEARER): IonosClient {
  const call: Call = (opts) => t.inject({ ...opts, headers: { ...headers, ...(opts.headers as Record<string, string> | undefined) } });
  return {
    call,
    list: (query = '') => call({ method: 'GET', url: `/ionos/accesskeys${query}` }),
    create: (description = 'key', extra: Record<string, string> = {}) => call({ method: 'POST', url: '/ionos/accesskeys', payload: sdkBody(description), headers: extra }),
    get: (id: string) => call({ method: 'GET', url: `/ionos/accesskeys/${id}` }),
    put: (id: string, body: unknown, extra: Record<string, string> = {}) => call({ method: 'PUT', url: `/ionos/accesskeys/${id}`, payload: body as object, headers: extra }),
    del: (id: string, extra: Record<string, string> = {}) => call({ method: 'DELETE', url: `/ionos/accesskeys/${id}`, headers: extra }),
    renew: (id: string, extra: Record<string, string> = {}) => call({ method: 'PUT', url: `/ionos/accesskeys/${id}/renew`, headers: extra }),
    regions: (query = '') => call({ method: 'GET', url: `/ionos/regions${query}` }),
    region: (id: string) => call({ method: 'GET', url: `/ionos/regions/${id}` }),
  };
}

export async function state(t: AppUnderTest, namespace = t.namespace): Promise<unknown> {
  return (await t.inject({ method: 'GET', url: `/_emulator/state?vendor=ionos&namespace=${namespace}` })).json();
}

export function expectIonosError(res: { statusCode: number; json(): any; headers: Record<string, unknown> }, status: number, code?: string): void {
  if (res.statusCode !== status) throw new Error(`expected ${status}, got ${res.statusCode}: ${JSON.stringify(res.json())}`);
  const body = res.json();
  if (body.httpStatus !== status || !Array.isArray(body.messages) || body.messages.length === 0) throw new Error(`not the IONOS envelope: ${JSON.stringify(body)}`);
  for (const m of body.messages) {
    if (typeof m.errorCode !== 'string' || typeof m.message !== 'string') throw new Error(`bad message entry ${JSON.stringify(m)}`);
    if (code !== undefined && m.errorCode !== code) throw new Error(`expected errorCode ${code}, got ${m.errorCode}`);
  }
  if (Object.keys(body).sort().join() !== 'httpStatus,messages') throw new Error(`extra fields in ${JSON.stringify(body)}`);
  if (!String(res.headers['content-type']).startsWith('application/json')) throw new Error(`content-type ${String(res.headers['content-type'])}`);
}

// ---- the vendor spec ----

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;
export const SPEC_FILE = 'ionos-objectstorage-management-openapi.yaml';

export interface VendorSpec {
  doc: any;
  /** Validates a response body against the schema the spec gives for (path template, method, status). */
  validate(pathTemplate: string, method: string, status: number, body: unknown): string[];
}

export function loadVendorSpec(dir: string): VendorSpec {
  const doc = parse(readFileSync(join(dir, SPEC_FILE), 'utf8'));
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema({ $id: 'ionos-spec', components: doc.components });
  const cache = new Map<string, ValidateFunction | null>();
  const compile = (pathTemplate: string, method: string, status: number): ValidateFunction | null => {
    const key = `${method} ${pathTemplate} ${status}`;
    if (cache.has(key)) return cache.get(key)!;
    const operation = doc.paths?.[pathTemplate]?.[method.toLowerCase()];
    if (!operation) throw new Error(`the vendor spec has no ${key}`);
    let response = operation.responses?.[String(status)];
    if (!response) throw new Error(`the vendor spec lists no status ${status} for ${method} ${pathTemplate}`);
    if (response.$ref) response = doc.components.responses[String(response.$ref).split('/').pop()!];
    const schema = response.content?.['application/json']?.schema;
    const fn = schema ? ajv.compile(rewriteRefs(schema) as object) : null;
    cache.set(key, fn);
    return fn;
  };
  return {
    doc,
    validate(pathTemplate, method, status, body) {
      const fn = compile(pathTemplate, method, status);
      if (!fn) return body === undefined || body === '' || body === null ? [] : [`no body expected, got ${JSON.stringify(body)}`];
      return fn(body) ? [] : (fn.errors ?? []).map((e) => `${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`);
    },
  };
}

function rewriteRefs(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(rewriteRefs);
  if (schema && typeof schema === 'object') {
    return Object.fromEntries(Object.entries(schema).map(([k, v]) => [k, k === '$ref' && typeof v === 'string' && v.startsWith('#/') ? `ionos-spec${v}` : rewriteRefs(v)]));
  }
  return schema;
}
