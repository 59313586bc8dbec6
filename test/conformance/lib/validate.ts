import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { SpecOperation, VendorSpecs } from './specs.js';
import { documentedStatus } from './specs.js';

// ajv-formats is CommonJS with a default export.
const addFormats = ((addFormatsModule as any).default ?? addFormatsModule) as (ajv: Ajv) => Ajv;

/**
 * OpenAPI 3.0 schemas use draft-04's boolean `exclusiveMinimum`/`exclusiveMaximum` (modifiers of
 * `minimum`/`maximum`); ajv speaks draft-07, where they are numbers. And `nullable` without a `type`
 * becomes `anyOf: [schema, {type: null}]`. Rewritten in place (on a copy of the document), same meaning.
 */
function toDraft07(node: any): any {
  if (Array.isArray(node)) node.forEach(toDraft07);
  else if (node && typeof node === 'object') {
    for (const [flag, bound] of [['exclusiveMinimum', 'minimum'], ['exclusiveMaximum', 'maximum']] as const) {
      if (typeof node[flag] === 'boolean') {
        if (node[flag] && typeof node[bound] === 'number') {
          node[flag] = node[bound];
          delete node[bound];
        } else delete node[flag];
      }
    }
    // `nullable` without `type` (e.g. beside a $ref or allOf): ajv refuses it; say "this, or null".
    if ('nullable' in node && node.type === undefined) {
      const nullable = node.nullable === true;
      delete node.nullable;
      if (nullable) {
        const copy = { ...node };
        for (const k of Object.keys(node)) delete node[k];
        node.anyOf = [copy, { type: 'null' }];
      }
    }
    Object.values(node).forEach(toDraft07);
  }
  return node;
}

export interface ValidationResult {
  /** The documented status the response was matched to, or undefined when the status is undocumented. */
  status: string | undefined;
  /** false: no vendor schema for this operation and status (nothing to validate against). */
  checked: boolean;
  errors: string[];
}

/**
 * Validates emulator responses against the vendor's own response schemas (ajv, formats on, strict off,
 * `$ref`s resolved inside the vendor document, OpenAPI 3.0 `nullable` honoured by ajv).
 *
 * Katapult: its specification draws error bodies unwrapped (`{code, description, detail}`), while the live
 * API (and so the emulator) wraps them in `{"error": {…}}` (vendor notes §1.6, recorded traffic): for a
 * Katapult error status the suite validates `body.error`.
 */
export class ResponseValidator {
  private readonly ajv: Ajv;
  private readonly compiled = new Map<string, ValidateFunction>();

  constructor(specs: VendorSpecs) {
    this.ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true, discriminator: false });
    addFormats(this.ajv);
    for (const [id, doc] of Object.entries(specs.documents)) this.ajv.addSchema(toDraft07(structuredClone(doc)) as object, id);
  }

  private compile(doc: string, pointer: string): ValidateFunction {
    const key = `${doc}#${pointer}`;
    let fn = this.compiled.get(key);
    if (!fn) {
      fn = this.ajv.compile({ $ref: key });
      this.compiled.set(key, fn);
    }
    return fn;
  }

  validate(op: SpecOperation, statusCode: number, body: unknown): ValidationResult {
    const status = documentedStatus(op, statusCode);
    // An undocumented status has no schema to validate against; the matrix lists it separately.
    if (status === undefined) return { status, checked: false, errors: [] };
    const refs = op.responses[status] ?? [];
    if (refs.length === 0) return { status, checked: false, errors: [] };
    const subject = op.vendor === 'katapult' && statusCode >= 400 ? (body as any)?.error : body;
    if (op.vendor === 'katapult' && statusCode >= 400 && (subject === undefined || subject === null)) {
      return { status, checked: true, errors: ['Katapult error body is not wrapped in {"error": {…}}'] };
    }
    const errors: string[] = [];
    for (const ref of refs) {
      const fn = this.compile(ref.doc, ref.pointer);
      if (!fn(subject)) {
        for (const e of fn.errors ?? []) errors.push(`${ref.doc}: ${e.instancePath || '(root)'} ${e.message}${e.params && Object.keys(e.params).length ? ' ' + JSON.stringify(e.params) : ''}`);
      }
    }
    return { status, checked: true, errors: [...new Set(errors)].slice(0, 12) };
  }
}
