import { createHmac } from 'node:crypto';

/**
 * A client-side EXO2-HMAC-SHA256 signer written from the published algorithm (the spec's x-topic
 * "API Request Signature", egoscale v2 `api/security.go`), independent of the server code.
 *
 * message = "<METHOD> <path>\n<body>\n<values of the signed query args>\n\n<expires>"
 * Authorization: EXO2-HMAC-SHA256 credential=<key>[,signed-query-args=a;b],expires=<unix>,signature=<b64>
 */
export interface SignInput {
  key: string;
  secret: string;
  method: string;
  /** The URL path as sent, optionally with a query string (`/exoscale/v2/access-key?x=1`). */
  url: string;
  body?: string;
  /** Unix seconds; default: real now + 600 s, as every vendor client does. */
  expires?: number;
}

export function sign(input: SignInput): string {
  const [path, query = ''] = input.url.split('?') as [string, string?];
  const params = new URLSearchParams(query);
  // Go signs the parameters carrying exactly one value, in alphabetical order of name.
  const counts = new Map<string, string[]>();
  for (const [name, value] of params) counts.set(name, [...(counts.get(name) ?? []), value]);
  const names = [...counts.keys()].filter((n) => counts.get(n)!.length === 1).sort();
  const expires = input.expires ?? Math.floor(Date.now() / 1000) + 600;
  const message = [`${input.method.toUpperCase()} ${path}`, input.body ?? '', names.map((n) => counts.get(n)![0]).join(''), '', String(expires)].join('\n');
  const signature = createHmac('sha256', input.secret).update(message, 'utf8').digest('base64');
  const parts = [`credential=${input.key}`];
  if (names.length > 0) parts.push(`signed-query-args=${names.join(';')}`);
  parts.push(`expires=${expires}`, `signature=${signature}`);
  return `EXO2-HMAC-SHA256 ${parts.join(',')}`;
}

export const ROOT_KEY = 'EXO000000000000000000000001';
export const ROOT_SECRET = 'emulator-test-secret-do-not-use-in-prod-000';
export const READONLY_KEY = 'EXO000000000000000000000002';
export const READONLY_SECRET = 'emulator-readonly-secret-do-not-use-in-pr02';
export const BUCKET_KEY = 'EXO000000000000000000000003';
export const BUCKET_SECRET = 'emulator-bucket-secret-do-not-use-in-prod03';
export const REVOKED_KEY = 'EXO000000000000000000000009';
export const REVOKED_SECRET = 'emulator-revoked-secret-do-not-use-in-pr009';
export const ADMIN_API_KEY = 'EXO0000000000000000000000a1';
export const ADMIN_API_SECRET = 'emulator-apikey-secret-do-not-use-in-pr00a1';
export const READONLY_API_KEY = 'EXO0000000000000000000000a2';
export const READONLY_API_SECRET = 'emulator-apikey-secret-do-not-use-in-pr00a2';
export const ADMIN_ROLE = '7b0c1a52-5f3e-4e1c-9a21-0000000000a1';
export const READONLY_ROLE = '7b0c1a52-5f3e-4e1c-9a21-0000000000a2';
export const LOCKED_ROLE = '7b0c1a52-5f3e-4e1c-9a21-0000000000a3';
export const MOUNT = '/exoscale/v2';
