import { createHmac } from 'node:crypto';
import { sameSecret } from '../../core/secrets.js';

/**
 * EXO2-HMAC-SHA256 request signatures (vendor notes §2.4; the spec's x-topic "API Request
 * Signature"; egoscale v2 `api/security.go`). The message is five segments joined by `\n`:
 *
 *   1. `<METHOD> <path>`: the path as sent on the wire (percent-encoded, without the query);
 *   2. the raw body bytes (empty when there is none);
 *   3. the decoded values of the signed query parameters, concatenated, in the header's order;
 *   4. signed header values: always empty;
 *   5. `expires` (Unix seconds).
 *
 * signature = base64(HMAC-SHA256(secret, message)). No Fastify here: routes.ts feeds it the raw
 * request parts.
 */

export interface ParsedAuthorization {
  credential: string;
  signedQueryArgs: string[];
  expires: number;
  signature: string;
}

export type AuthorizationProblem = 'missing' | 'malformed';

/** Parses `EXO2-HMAC-SHA256 credential=…[,signed-query-args=a;b],expires=…,signature=…`. */
export function parseAuthorization(header: string | undefined): ParsedAuthorization | AuthorizationProblem {
  if (header === undefined || header.trim() === '') return 'missing';
  const match = /^EXO2-HMAC-SHA256\s+(.+)$/.exec(header.trim());
  if (!match) return 'malformed';
  const fields = new Map<string, string>();
  for (const part of match[1]!.split(',')) {
    const eq = part.indexOf('=');
    if (eq <= 0) return 'malformed';
    const name = part.slice(0, eq).trim();
    if (fields.has(name)) return 'malformed';
    fields.set(name, part.slice(eq + 1).trim());
  }
  const credential = fields.get('credential');
  const expires = fields.get('expires');
  const signature = fields.get('signature');
  for (const name of fields.keys()) if (!['credential', 'signed-query-args', 'expires', 'signature'].includes(name)) return 'malformed';
  if (!credential || !expires || !signature || !/^\d{1,12}$/.test(expires)) return 'malformed';
  const signedQueryArgs = (fields.get('signed-query-args') ?? '').split(';').filter((name) => name !== '');
  return { credential, signedQueryArgs, expires: Number(expires), signature };
}

/** The decoded query parameters of a raw query string (`+` is a space, as Go's and the TS SDK's decoders read it). */
export function queryValues(rawQuery: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const [name, value] of new URLSearchParams(rawQuery)) {
    const values = out.get(name) ?? [];
    values.push(value);
    out.set(name, values);
  }
  return out;
}

/** The message a client signs. Names whose parameter has several values contribute nothing (python-exoscale). */
export function signatureMessage(input: { method: string; path: string; body: Buffer | string; signedQueryArgs: readonly string[]; query: Map<string, string[]>; expires: number }): Buffer {
  const queryPart = input.signedQueryArgs
    .map((name) => {
      const values = input.query.get(name) ?? [];
      return values.length === 1 ? values[0]! : '';
    })
    .join('');
  const body = typeof input.body === 'string' ? Buffer.from(input.body, 'utf8') : input.body;
  return Buffer.concat([
    Buffer.from(`${input.method.toUpperCase()} ${input.path}\n`, 'utf8'),
    body,
    Buffer.from(`\n${queryPart}\n\n${input.expires}`, 'utf8'),
  ]);
}

export function computeSignature(secret: string, message: Buffer): string {
  return createHmac('sha256', Buffer.from(secret, 'utf8')).update(message).digest('base64');
}

export function signaturesMatch(expected: string, given: string): boolean {
  return sameSecret(given, expected);
}

/**
 * Query parameters the request carries but did not sign: a single-valued parameter must be named in
 * `signed-query-args` (every vendor client signs all of them), so an added one is refused.
 */
export function unsignedQueryParameters(query: Map<string, string[]>, signedQueryArgs: readonly string[]): string[] {
  const signed = new Set(signedQueryArgs);
  return [...query.entries()].filter(([name, values]) => values.length === 1 && !signed.has(name)).map(([name]) => name);
}
