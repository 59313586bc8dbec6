import { invalidArgument, missingArgument } from './errors.js';

/**
 * Apia-style arguments: the query string (Rack nested params, `a[b][c]=v`, `a[]=v`) deep-merged
 * with the JSON body (the body wins on conflicts), for every method, DELETE included.
 */
export type Args = Record<string, unknown>;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Keys that would reach Object.prototype when assigned: never arguments, so dropped. */
const UNSAFE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

function decode(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
}

/** Parses a raw query string the way Rack does (`organization[sub_domain]=x`, `ids[]=a&ids[]=b`). */
export function parseRackQuery(raw: string): Args {
  const out: Args = {};
  for (const pair of raw.split('&')) {
    if (!pair) continue;
    const eq = pair.indexOf('=');
    const key = decode(eq === -1 ? pair : pair.slice(0, eq));
    const value = eq === -1 ? '' : decode(pair.slice(eq + 1));
    const match = /^([^[\]]+)((?:\[[^[\]]*\])*)$/.exec(key);
    if (!match) {
      if (!UNSAFE_KEYS.has(key)) out[key] = value;
      continue;
    }
    const segments = [match[1]!, ...[...match[2]!.matchAll(/\[([^[\]]*)\]/g)].map((m) => m[1]!)];
    if (segments.some((seg) => UNSAFE_KEYS.has(seg))) continue;
    let node: Record<string, unknown> = out;
    for (let i = 0; i < segments.length; i++) {
      const seg = segments[i]!;
      const last = i === segments.length - 1;
      const nextIsArray = segments[i + 1] === '';
      if (seg === '') break; // handled by the parent as an array push
      if (last) {
        node[seg] = value;
      } else if (nextIsArray && i + 1 === segments.length - 1) {
        const arr = Array.isArray(node[seg]) ? (node[seg] as unknown[]) : [];
        arr.push(value);
        node[seg] = arr;
        break;
      } else {
        if (!isObject(node[seg])) node[seg] = {};
        node = node[seg] as Record<string, unknown>;
      }
    }
  }
  return out;
}

/** `over` merged into a copy of `base`, hashes key by key; iterative, so no input depth reaches the stack. */
function deepMerge(base: Args, over: Args): Args {
  const out: Args = { ...base };
  const work: Array<[Args, Args]> = [[out, over]];
  while (work.length > 0) {
    const [target, source] = work.pop()!;
    for (const [k, v] of Object.entries(source)) {
      if (UNSAFE_KEYS.has(k)) continue;
      const current = target[k];
      if (isObject(v) && isObject(current)) {
        const copy: Args = { ...current };
        target[k] = copy;
        work.push([copy, v]);
      } else {
        target[k] = v;
      }
    }
  }
  return out;
}

export function mergeArguments(rawQuery: string, body: unknown): Args {
  const query = parseRackQuery(rawQuery);
  return isObject(body) ? deepMerge(query, body) : query;
}

// ---- typed readers, raising Apia's errors ----

function at(args: Args, path: string[]): unknown {
  let node: unknown = args;
  for (const seg of path) {
    if (!isObject(node)) return undefined;
    node = node[seg];
  }
  return node;
}

/** An argument set (hash); absent → undefined or missing_required_argument. */
export function argumentSet(args: Args, path: string[], required: boolean): Args | undefined {
  const value = at(args, path);
  if (value === undefined || value === null) {
    if (required) throw missingArgument(path);
    return undefined;
  }
  if (!isObject(value)) throw invalidArgument(path, 'invalid_scalar', 'Value was expected to be a hash', ['Value was expected to be a hash']);
  return value;
}

export function stringArg(args: Args, path: string[], required: true): string;
export function stringArg(args: Args, path: string[], required: false): string | undefined;
export function stringArg(args: Args, path: string[], required: boolean): string | undefined {
  const value = at(args, path);
  if (value === undefined || value === null) {
    if (required) throw missingArgument(path);
    return undefined;
  }
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value !== 'string') throw invalidArgument(path, 'invalid_scalar', 'Value was expected to be a string', ['Value was expected to be a string']);
  return value;
}

export function booleanArg(args: Args, path: string[]): boolean | undefined {
  const value = at(args, path);
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'boolean') return value;
  if (value === 'true' || value === '1' || value === 1) return true;
  if (value === 'false' || value === '0' || value === 0) return false;
  throw invalidArgument(path, 'invalid_scalar', 'Value was expected to be a boolean', ['Value was expected to be a boolean']);
}

export function integerArg(args: Args, path: string[], min: number): number | undefined {
  const value = at(args, path);
  if (value === undefined || value === null || value === '') return undefined;
  const n = typeof value === 'number' ? value : typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n)) throw invalidArgument(path, 'invalid_scalar', 'Value was expected to be an integer', ['Value was expected to be an integer']);
  if (n < min) throw invalidArgument(path, 'validation_error', `Must be greater than or equal to ${min}`, [`Must be greater than or equal to ${min}`]);
  return n;
}

export function stringArrayArg(args: Args, path: string[]): string[] | undefined {
  let value = at(args, path);
  if (value === undefined || value === null) return undefined;
  // Rack turns `ids[]=` into [''] and clients may send a hash of index → value.
  if (isObject(value)) value = Object.values(value);
  if (!Array.isArray(value)) throw invalidArgument(path, 'invalid_scalar', 'Value was expected to be an array', ['Value was expected to be an array']);
  const out: string[] = [];
  value.forEach((item, index) => {
    if (typeof item !== 'string') throw invalidArgument(path, 'invalid_scalar', `Item ${index} was expected to be a string`, [`Item ${index} was expected to be a string`]);
    if (item !== '') out.push(item);
  });
  return out;
}

/**
 * A lookup argument set: exactly one of `keys` must be given. Neither → missing_lookup_value,
 * more than one → ambiguous_lookup_values (Apia LookupArgumentSet#validate). The whole set
 * missing → missing_required_argument.
 */
export function lookup<K extends string>(args: Args, name: string, keys: readonly K[]): { key: K; value: string } {
  const set = argumentSet(args, [name], true)!;
  const given = keys.filter((k) => set[k] !== undefined && set[k] !== null && set[k] !== '');
  if (given.length === 0) throw invalidArgument([name], 'missing_lookup_value', `A value for one of ${keys.map((k) => `'${k}'`).join(', ')} must be provided`, [`missing_lookup_value`]);
  if (given.length > 1) throw invalidArgument([name], 'ambiguous_lookup_values', `All '${name}[]' params are mutually exclusive, only one can be provided.`, ['ambiguous_lookup_values']);
  const key = given[0]!;
  return { key, value: stringArg(args, [name, key], true) };
}
