import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { PACKAGE_ROOT } from '../../../src/core/package-info.js';
import { IBM_OPERATIONS, KRUTRIM_OPERATIONS, type DocumentedOperation } from './documented-tables.js';

/**
 * The vendors' own descriptions of their APIs, normalised to one shape so the conformance suite and
 * the coverage matrix treat every vendor alike. Katapult, Exoscale and IONOS come from the documents in
 * VENDOR_SPECS_DIR (never copied into this repository); IBM and Krutrim from documented-tables.ts.
 */
export const VENDORS = ['katapult', 'ionos', 'exoscale', 'ibm', 'krutrim'] as const;
export type Vendor = (typeof VENDORS)[number];

export type JsonObject = Record<string, any>;

/** Where a response schema lives: a registered vendor document and a JSON pointer into it. */
export interface SchemaRef {
  doc: string;
  pointer: string;
}

export interface SpecOperation {
  vendor: Vendor;
  /** `METHOD /path/{}`: method plus the path with parameter names removed. */
  key: string;
  method: string;
  /** As documented (after the vendor's base URL). */
  path: string;
  /** The vendor's operationId, or our name for table vendors. */
  operationId: string;
  /** Documented statuses, sorted; may contain ranges such as `2XX`. */
  statuses: string[];
  requiredQuery: string[];
  /** Dotted paths of required request-body properties; undefined when the vendor does not say. */
  requiredBody: string[] | undefined;
  /** Status → the schemas a response with that status must validate against (one per document). */
  responses: Record<string, SchemaRef[]>;
  /** Status → the error codes the vendor documents for it (Katapult only). */
  errorCodes: Record<string, string[]>;
  sources: string[];
}

export interface VendorSpecs {
  /** Registered documents by id (the file name), for ajv. */
  documents: Record<string, JsonObject>;
  operations: Record<Vendor, SpecOperation[]>;
}

/** The documents each vendor is checked against, in VENDOR_SPECS_DIR. */
export const SPEC_FILES: Record<Vendor, string[]> = {
  katapult: ['katapult-openapi-subset.json'],
  ionos: ['ionos-objectstorage-management-openapi.yaml'],
  exoscale: ['exoscale-openapi-subset.json', 'exoscale-openapi-subset-2026.json'],
  ibm: [],
  krutrim: [],
};

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'];

export function normalisePath(path: string): string {
  const p = path.replace(/\{[^}]*\}/g, '{}');
  return p.length > 1 && p.endsWith('/') ? p.slice(0, -1) : p;
}

export function operationKey(method: string, path: string): string {
  return `${method.toUpperCase()} ${normalisePath(path)}`;
}

const escapePointer = (s: string) => s.replace(/~/g, '~0').replace(/\//g, '~1');

export function resolvePointer(doc: JsonObject, pointer: string): any {
  let node: any = doc;
  for (const raw of pointer.replace(/^#?\//, '').split('/')) {
    if (raw === '') continue;
    node = node?.[raw.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return node;
}

/** Follows local `$ref`s; returns the node and the pointer where it lives. */
export function deref(doc: JsonObject, node: any, pointer: string): { node: any; pointer: string } {
  let guard = 0;
  while (node && typeof node === 'object' && typeof node.$ref === 'string' && node.$ref.startsWith('#') && guard++ < 20) {
    pointer = node.$ref.slice(1);
    node = resolvePointer(doc, pointer);
  }
  return { node, pointer };
}

/**
 * Required request-body properties as dotted paths, through nested objects (not through oneOf/anyOf/allOf).
 * A `readOnly` property is required in responses only (OpenAPI 3.0), so it is left out.
 */
export function requiredPaths(doc: JsonObject | undefined, schema: any, prefix = '', depth = 0): string[] {
  if (!schema || depth > 4) return [];
  const resolved = doc ? deref(doc, schema, '').node : schema;
  if (!resolved || typeof resolved !== 'object') return [];
  const out: string[] = [];
  const required: string[] = Array.isArray(resolved.required) ? resolved.required : [];
  for (const name of required) {
    const path = prefix ? `${prefix}.${name}` : name;
    const child = resolved.properties?.[name];
    const childResolved = child && doc ? deref(doc, child, '').node : child;
    if (childResolved?.readOnly === true) continue;
    out.push(path);
    if (child) out.push(...requiredPaths(doc, child, path, depth + 1));
  }
  return out.sort();
}

/** The error codes a Katapult response schema allows: `code` enums reached through oneOf/anyOf and $refs. */
function errorCodesOf(doc: JsonObject, schema: any, depth = 0): string[] {
  if (!schema || depth > 8) return [];
  const node = deref(doc, schema, '').node;
  if (!node || typeof node !== 'object') return [];
  const codes: string[] = [];
  for (const branch of [...(node.oneOf ?? []), ...(node.anyOf ?? []), ...(node.allOf ?? [])]) codes.push(...errorCodesOf(doc, branch, depth + 1));
  const code = node.properties?.code && deref(doc, node.properties.code, '').node;
  if (code && Array.isArray(code.enum)) codes.push(...code.enum.map(String));
  return [...new Set(codes)].sort();
}

function statusOrder(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true });
}

/** Parses one OpenAPI document into operations (responses pointing back into it). */
function operationsOf(vendor: Vendor, docId: string, doc: JsonObject): SpecOperation[] {
  const ops: SpecOperation[] = [];
  for (const [path, item] of Object.entries<JsonObject>(doc.paths ?? {})) {
    const shared: any[] = item.parameters ?? [];
    for (const method of METHODS) {
      const op = item[method];
      if (!op) continue;
      const params = [...shared, ...(op.parameters ?? [])].map((p) => deref(doc, p, '').node).filter(Boolean);
      const requiredQuery = params.filter((p) => p.in === 'query' && p.required).map((p) => String(p.name)).sort();
      const opPointer = `/paths/${escapePointer(path)}/${method}`;
      let requiredBody: string[] = [];
      if (op.requestBody) {
        const body = deref(doc, op.requestBody, `${opPointer}/requestBody`).node;
        const schema = body?.content?.['application/json']?.schema;
        requiredBody = requiredPaths(doc, schema);
      }
      const responses: Record<string, SchemaRef[]> = {};
      const errorCodes: Record<string, string[]> = {};
      for (const [status, raw] of Object.entries<any>(op.responses ?? {})) {
        const { node, pointer } = deref(doc, raw, `${opPointer}/responses/${escapePointer(status)}`);
        const schema = node?.content?.['application/json']?.schema;
        responses[status] = schema ? [{ doc: docId, pointer: `${pointer}/content/application~1json/schema` }] : [];
        if (vendor === 'katapult' && Number(status) >= 400 && schema) errorCodes[status] = errorCodesOf(doc, schema);
      }
      ops.push({
        vendor,
        key: operationKey(method, path),
        method: method.toUpperCase(),
        path,
        operationId: String(op.operationId ?? operationKey(method, path)),
        statuses: Object.keys(op.responses ?? {}).sort(statusOrder),
        requiredQuery,
        requiredBody,
        responses,
        errorCodes,
        sources: [docId],
      });
    }
  }
  return ops;
}

/** Two documents of one vendor (Exoscale 2024 + 2026): one operation per key, statuses and schemas unioned. */
function merge(into: SpecOperation[], more: SpecOperation[]): SpecOperation[] {
  const byKey = new Map(into.map((o) => [o.key, o]));
  for (const op of more) {
    const have = byKey.get(op.key);
    if (!have) {
      byKey.set(op.key, op);
      continue;
    }
    have.statuses = [...new Set([...have.statuses, ...op.statuses])].sort(statusOrder);
    for (const [status, refs] of Object.entries(op.responses)) have.responses[status] = [...(have.responses[status] ?? []), ...refs];
    have.requiredQuery = [...new Set([...have.requiredQuery, ...op.requiredQuery])].sort();
    have.requiredBody = [...new Set([...(have.requiredBody ?? []), ...(op.requiredBody ?? [])])].sort();
    have.sources.push(...op.sources);
  }
  return [...byKey.values()];
}

/** A table vendor's operations; its documented response schemas go into a small document of their own. */
function fromTable(vendor: Vendor, rows: DocumentedOperation[], documents: Record<string, JsonObject>): SpecOperation[] {
  const docId = `${vendor}-documented-tables`;
  documents[docId] = { operations: Object.fromEntries(rows.map((r) => [r.name, r.responses ?? {}])) };
  return rows.map((r) => ({
    vendor,
    key: operationKey(r.method, r.path),
    method: r.method,
    path: r.path,
    operationId: r.name,
    statuses: [...r.statuses].sort(statusOrder),
    requiredQuery: [...(r.requiredQuery ?? [])].sort(),
    requiredBody: r.requiredBody ? [...r.requiredBody].sort() : undefined,
    responses: Object.fromEntries(Object.keys(r.responses ?? {}).map((status) => [status, [{ doc: docId, pointer: `/operations/${r.name}/${status}` }]])),
    errorCodes: {},
    sources: [`test/conformance/lib/documented-tables.ts (${r.source})`],
  }));
}

export function loadVendorSpecs(dir: string): VendorSpecs {
  const documents: Record<string, JsonObject> = {};
  const operations = {} as Record<Vendor, SpecOperation[]>;
  for (const vendor of VENDORS) {
    let ops: SpecOperation[] = [];
    for (const file of SPEC_FILES[vendor]) {
      const path = join(dir, file);
      if (!existsSync(path)) throw new Error(`VENDOR_SPECS_DIR has no ${file}`);
      const text = readFileSync(path, 'utf8');
      const doc = file.endsWith('.yaml') ? parseYaml(text) : JSON.parse(text);
      documents[file] = doc;
      ops = merge(ops, operationsOf(vendor, file, doc));
    }
    if (vendor === 'ibm') ops = fromTable(vendor, IBM_OPERATIONS, documents);
    if (vendor === 'krutrim') ops = fromTable(vendor, KRUTRIM_OPERATIONS, documents);
    operations[vendor] = ops.sort((a, b) => a.key.localeCompare(b.key));
  }
  return { documents, operations };
}

/** An operation of the emulator's own generated document `openapi/<vendor>.json`. */
export interface EmulatorOperation {
  key: string;
  method: string;
  path: string;
  operationId: string | undefined;
  statuses: string[];
  requiredQuery: string[];
  requiredPath: string[];
  /** undefined when the route has no body schema. */
  requiredBody: string[] | undefined;
}

export function emulatorDocument(vendor: Vendor): JsonObject {
  return JSON.parse(readFileSync(join(PACKAGE_ROOT, 'openapi', `${vendor}.json`), 'utf8'));
}

export function emulatorOperations(doc: JsonObject): EmulatorOperation[] {
  const ops: EmulatorOperation[] = [];
  for (const [path, item] of Object.entries<JsonObject>(doc.paths ?? {})) {
    for (const method of METHODS) {
      const op = item[method];
      if (!op) continue;
      const params = [...(item.parameters ?? []), ...(op.parameters ?? [])].map((p: any) => deref(doc, p, '').node).filter(Boolean);
      const schema = op.requestBody ? deref(doc, op.requestBody, '').node?.content?.['application/json']?.schema : undefined;
      ops.push({
        key: operationKey(method, path),
        method: method.toUpperCase(),
        path,
        operationId: op.operationId,
        statuses: Object.keys(op.responses ?? {}).sort(statusOrder),
        requiredQuery: params.filter((p: any) => p.in === 'query' && p.required).map((p: any) => String(p.name)).sort(),
        requiredPath: params.filter((p: any) => p.in === 'path').map((p: any) => String(p.name)),
        requiredBody: schema ? requiredPaths(doc, schema) : undefined,
      });
    }
  }
  return ops;
}

/** A vendor is still the foundation's placeholder while its generated document has no paths. */
export function isPlaceholder(vendor: Vendor): boolean {
  return Object.keys(emulatorDocument(vendor).paths ?? {}).length === 0;
}

/** Does an observed status match a documented one (`404`, or a range such as `2XX`)? */
export function statusMatches(documented: string, observed: number): boolean {
  if (/^[1-5]XX$/i.test(documented)) return String(observed)[0] === documented[0];
  return documented === String(observed);
}

export function documentedStatus(op: SpecOperation, observed: number): string | undefined {
  return op.statuses.find((s) => s === String(observed)) ?? op.statuses.find((s) => statusMatches(s, observed)) ?? (op.statuses.includes('default') ? 'default' : undefined);
}
