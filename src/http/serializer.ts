import { createRequire } from 'node:module';
import { serializerCompiler as zodSerializerCompiler } from 'fastify-type-provider-zod';
import { z } from 'zod';

type Serialize = (data: unknown) => string;
type CompilerInput = { schema: unknown; method: string; url: string; httpStatus?: string };
type JsonSchema = Record<string, unknown>;

/**
 * Response serialisers compiled once per route schema (issue 18): each zod response schema is turned
 * into JSON Schema and compiled with fast-json-stringify (Fastify's own serialiser), which writes the
 * declared fields in the schema's order and leaves out undeclared ones, as zod's encode + JSON.stringify
 * does, at a fraction of the cost. A schema whose output fast-json-stringify cannot reproduce byte for
 * byte (unions other than "or null", transforms, pass-through objects, records over an enum, refs, …)
 * keeps the zod serialiser. Compiling waits for a route's first response: start-up compiles nothing.
 *
 * Nothing is validated on the compiled path; the test suite runs every response through both (see
 * `checkResponsesAgainstZod`), so a handler answering off its schema still fails a test.
 */
export function responseSerializerCompiler(input: CompilerInput): Serialize {
  let serialize: Serialize | undefined;
  return (data) => {
    if (!serialize) {
      const zodSerialize = zodSerializerCompiler(input as Parameters<typeof zodSerializerCompiler>[0]) as Serialize;
      serialize = responseChecks() ? checked(zodSerialize, compiledFor(input.schema), input) : compiledFor(input.schema) ?? zodSerialize;
    }
    return serialize(data);
  };
}

const CHECKS = Symbol.for('accesskey-emulator.responseChecks');

/**
 * From now on, in this process, every response is serialised by zod (which validates it) and by the
 * compiled serialiser, and a difference in bytes is an error: the test suite's setup turns this on.
 */
export function checkResponsesAgainstZod(on = true): void {
  (globalThis as { [CHECKS]?: boolean })[CHECKS] = on;
}

function responseChecks(): boolean {
  return (globalThis as { [CHECKS]?: boolean })[CHECKS] === true;
}

function checked(zodSerialize: Serialize, compiled: Serialize | undefined, { method, url, httpStatus }: CompilerInput): Serialize {
  if (!compiled) return zodSerialize;
  return (data) => {
    const expected = zodSerialize(data);
    const actual = compiled(data);
    if (actual !== expected) {
      throw new Error(`compiled response serialiser of ${method} ${url} ${httpStatus ?? ''} differs from zod's:\n  zod:      ${expected.slice(0, 2000)}\n  compiled: ${actual.slice(0, 2000)}`);
    }
    return expected;
  };
}

// One compiled serialiser per schema object: routes share their error schemas.
const compiledSchemas = new WeakMap<object, Serialize | null>();

/** The compiled serialiser for a zod schema, or undefined when it would not be byte-identical. */
export function compiledFor(schema: unknown): Serialize | undefined {
  if (!(schema instanceof z.ZodType)) return undefined;
  let compiled = compiledSchemas.get(schema);
  if (compiled === undefined) {
    compiled = compile(schema) ?? null;
    compiledSchemas.set(schema, compiled);
  }
  return compiled ?? undefined;
}

let build: typeof import('fast-json-stringify') | undefined;

function compile(schema: z.ZodType): Serialize | undefined {
  if (changesOnEncode(schema, new Set())) return undefined;
  let json: JsonSchema;
  try {
    json = z.toJSONSchema(schema, { io: 'output', unrepresentable: 'throw', cycles: 'throw', reused: 'inline' }) as JsonSchema;
  } catch {
    return undefined; // transforms, dates, custom types, cycles
  }
  const faithful = normalise(json);
  if (!faithful) return undefined;
  build ??= createRequire(import.meta.url)('fast-json-stringify') as typeof import('fast-json-stringify');
  return build(faithful as unknown as Parameters<typeof build>[0]) as Serialize;
}

// zod types whose encode writes something else than the value given (a codec's or pipe's other side, a
// transform, a default filled in), or that JSON Schema cannot show.
const ENCODING_TYPES = new Set(['pipe', 'transform', 'default', 'prefault', 'catch', 'custom', 'lazy', 'promise', 'function', 'date', 'bigint', 'map', 'set', 'symbol', 'undefined', 'void', 'nan']);

/** Whether any part of the schema is of a type above: its definition walked through every nested schema. */
function changesOnEncode(schema: z.ZodType, seen: Set<unknown>): boolean {
  if (seen.has(schema)) return true; // a cycle: leave it to zod
  seen.add(schema);
  const def = (schema as unknown as { _zod: { def: Record<string, unknown> } })._zod.def;
  if (ENCODING_TYPES.has(def.type as string)) return true;
  const nested = (value: unknown): boolean => {
    if (value instanceof z.ZodType) return changesOnEncode(value, seen);
    if (Array.isArray(value)) return value.some(nested);
    if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) return Object.values(value).some(nested);
    return false;
  };
  const inner = Object.entries(def).some(([key, value]) => key !== 'checks' && nested(value));
  seen.delete(schema);
  return inner;
}

// Keywords that only constrain values: fast-json-stringify ignores them, and zod has checked them.
const IGNORED = new Set(['$schema', 'description', 'title', 'examples', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf', 'minLength', 'maxLength', 'pattern', 'minItems', 'maxItems', 'uniqueItems', 'required', 'propertyNames', 'additionalProperties', 'properties', 'items', 'type', 'enum', 'anyOf', 'nullable']);
const SCALARS = new Set(['string', 'number', 'integer', 'boolean', 'null']);

/**
 * The JSON Schema as fast-json-stringify should get it, or undefined when its output could differ from
 * zod's: only objects (declared properties, or a record of one value schema), arrays of one item schema,
 * scalars, enums and consts, any value, and "X or null". A `format` would make it convert dates, a `default` is
 * zod's to fill in: both keep zod.
 */
function normalise(s: JsonSchema): JsonSchema | undefined {
  for (const key of Object.keys(s)) if (!IGNORED.has(key) && key !== 'const') return undefined;
  if (s.anyOf !== undefined) {
    const options = s.anyOf as JsonSchema[];
    const others = options.filter((o) => !(o.type === 'null' && Object.keys(o).length === 1));
    if (options.length !== 2 || others.length !== 1 || Object.keys(s).some((k) => k !== 'anyOf' && !IGNORED.has(k))) return undefined;
    const inner = normalise(others[0]!);
    return inner && { ...inner, nullable: true };
  }
  if (s.const !== undefined) return typeof s.const === 'object' && s.const !== null ? undefined : { const: s.const };
  const type = s.type;
  // Any value (z.unknown(), z.any()): JSON.stringify on both sides.
  if (type === undefined && s.enum === undefined && s.items === undefined && s.properties === undefined && s.additionalProperties === undefined) return {};
  if (Array.isArray(type)) {
    // ["string", "null"]: one scalar or null.
    const nonNull = type.filter((t) => t !== 'null');
    if (type.length !== 2 || nonNull.length !== 1 || !SCALARS.has(nonNull[0] as string)) return undefined;
    return { type: nonNull[0], nullable: true, ...(s.enum ? { enum: s.enum } : {}) };
  }
  if (typeof type !== 'string') return undefined;
  if (type === 'object') {
    const properties = (s.properties ?? {}) as Record<string, JsonSchema>;
    const extra = s.additionalProperties;
    const out: JsonSchema = { type: 'object' };
    if (extra === false || extra === undefined) {
      // zod strips undeclared keys; so does fast-json-stringify without additionalProperties.
      const props: Record<string, JsonSchema> = {};
      for (const [name, value] of Object.entries(properties)) {
        const p = normalise(value);
        if (!p) return undefined;
        props[name] = p;
      }
      // No `required`: fast-json-stringify would write required fields first, zod writes the shape's order.
      out.properties = props;
      return out;
    }
    // A record: keys in insertion order on both sides, unless zod walks an enum of keys itself.
    if (typeof extra !== 'object' || extra === null || Object.keys(properties).length > 0) return undefined;
    const names = s.propertyNames as JsonSchema | undefined;
    if (names && (names.enum !== undefined || names.const !== undefined || names.pattern !== undefined)) return undefined;
    const value = normalise(extra as JsonSchema);
    return value && { type: 'object', additionalProperties: value };
  }
  if (type === 'array') {
    if (typeof s.items !== 'object' || s.items === null || Array.isArray(s.items)) return undefined;
    const items = normalise(s.items as JsonSchema);
    return items && { type: 'array', items };
  }
  if (!SCALARS.has(type)) return undefined;
  return { type, ...(s.enum ? { enum: s.enum } : {}) };
}
