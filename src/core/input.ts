/**
 * Limits every request's parsed input is held to before any vendor code sees it: how deep a JSON body
 * or a Rack-style query key (`a[b][c]`) may nest, and that every string is well-formed Unicode (no lone
 * UTF-16 surrogate, which JSON's `\ud800` escape can carry and which no vendor can store, echo or
 * URL-encode). The walks are iterative, so no input can overflow the stack here.
 */

/** Rack's own default `param_depth_limit`; far more than any vendor document nests. */
export const MAX_NESTING_DEPTH = 100;

export interface InputProblem {
  /** Where: the key path of the offending value (empty for the root or a depth problem). */
  path: Array<string | number>;
  message: string;
}

const LONE_SURROGATE = /\p{Cs}/u;

export const isWellFormed = (text: string): boolean => !LONE_SURROGATE.test(text);

/** The `code` of an error raised for input past a limit while the body streams in (a validation problem). */
export const INPUT_LIMIT_CODE = 'EMULATOR_INPUT_LIMIT';

export const DEPTH_MESSAGE = `nests deeper than ${MAX_NESTING_DEPTH} levels`;
export const UNICODE_MESSAGE = 'is not well-formed Unicode (a lone UTF-16 surrogate)';

interface Frame {
  value: unknown;
  depth: number;
  key: string | number | undefined;
  parent: Frame | undefined;
}

const pathOf = (frame: Frame): Array<string | number> => {
  const path: Array<string | number> = [];
  for (let f: Frame | undefined = frame; f?.key !== undefined; f = f.parent) path.unshift(f.key);
  return path;
};

/**
 * The first problem in a parsed value (a body, the query object, the path parameters): nesting deeper
 * than `maxDepth` objects/arrays, or a string or key that is not well-formed Unicode.
 */
export function inspectInput(value: unknown, maxDepth = MAX_NESTING_DEPTH): InputProblem | undefined {
  if (typeof value === 'string') return isWellFormed(value) ? undefined : { path: [], message: UNICODE_MESSAGE };
  if (typeof value !== 'object' || value === null || ArrayBuffer.isView(value)) return undefined;
  // Only parsed data (plain objects, arrays) is client input to walk; a body left as a stream (KOS presigned PUT) is not.
  const proto = Object.getPrototypeOf(value);
  if (!Array.isArray(value) && proto !== Object.prototype && proto !== null) return undefined;
  const stack: Frame[] = [{ value, depth: 1, key: undefined, parent: undefined }];
  while (stack.length > 0) {
    const frame = stack.pop()!;
    if (frame.depth > maxDepth) return { path: [], message: DEPTH_MESSAGE };
    const visit = (key: string | number, child: unknown): InputProblem | undefined => {
      if (typeof child === 'string') {
        if (!isWellFormed(child)) return { path: [...pathOf(frame), key], message: UNICODE_MESSAGE };
      } else if (typeof child === 'object' && child !== null && !ArrayBuffer.isView(child)) {
        stack.push({ value: child, depth: frame.depth + 1, key, parent: frame });
      }
      return undefined;
    };
    const node = frame.value;
    if (Array.isArray(node)) {
      for (let i = 0; i < node.length; i++) {
        const found = visit(i, node[i]);
        if (found) return found;
      }
    } else {
      for (const key of Object.keys(node as object)) {
        if (!isWellFormed(key)) return { path: pathOf(frame), message: `has a key that ${UNICODE_MESSAGE}` };
        const found = visit(key, (node as Record<string, unknown>)[key]);
        if (found) return found;
      }
    }
  }
  return undefined;
}

const BRACKET = /\[|%5b/gi;

/** A raw query string whose Rack-style keys (`properties[a][a]…`) nest deeper than `maxDepth`. */
export function inspectRawQuery(rawQuery: string, maxDepth = MAX_NESTING_DEPTH): InputProblem | undefined {
  if (rawQuery.length <= maxDepth) return undefined; // too short to hold that many brackets
  for (const pair of rawQuery.split('&')) {
    const eq = pair.indexOf('=');
    const key = eq === -1 ? pair : pair.slice(0, eq);
    if (key.length <= maxDepth) continue;
    let brackets = 0;
    BRACKET.lastIndex = 0;
    while (BRACKET.exec(key) !== null) if (++brackets > maxDepth) return { path: ['querystring'], message: `has a key that ${DEPTH_MESSAGE}` };
  }
  return undefined;
}

/**
 * Counts JSON nesting over raw bytes as they arrive, so a body nested deeper than the limit is refused
 * at its 101st bracket: before it is received in full, and before JSON.parse (which takes ~0.1 s for
 * 100,000 levels, and whose result every recursive consumer would overflow on).
 */
export class JsonDepthScanner {
  private depth = 0;
  private inString = false;
  private escaped = false;

  constructor(private readonly maxDepth = MAX_NESTING_DEPTH) {}

  /** Feeds the next bytes; false once the nesting has gone past the limit. */
  feed(bytes: Uint8Array): boolean {
    for (let i = 0; i < bytes.length; i++) {
      const b = bytes[i]!;
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (b === 0x5c) this.escaped = true; // backslash
        else if (b === 0x22) this.inString = false; // quote
      } else if (b === 0x22) {
        this.inString = true;
      } else if (b === 0x7b || b === 0x5b) {
        if (++this.depth > this.maxDepth) return false;
      } else if (b === 0x7d || b === 0x5d) {
        this.depth--;
      }
    }
    return true;
  }
}
