import { createHmac } from 'node:crypto';

/**
 * EXO2-HMAC-SHA256, written here from the published algorithm (vendor notes §2.4), independent of the
 * emulator's verifier: `<METHOD> <path>`, the raw body, the signed query values (alphabetical by name,
 * single-valued only), an empty header line and `expires`, joined with newlines; HMAC-SHA256 with the
 * secret, base64.
 */
export function exoscaleAuthorization(key: string, secret: string, method: string, url: string, body: string, expires: number): string {
  const [path = '/', query = ''] = url.split('?');
  const params = new URLSearchParams(query);
  const names = [...new Set([...params.keys()])].filter((n) => params.getAll(n).length === 1).sort();
  const message = [`${method.toUpperCase()} ${path}`, body, names.map((n) => params.get(n)).join(''), '', String(expires)].join('\n');
  const signature = createHmac('sha256', secret).update(message).digest('base64');
  return `EXO2-HMAC-SHA256 credential=${key}${names.length ? `,signed-query-args=${names.join(';')}` : ''},expires=${expires},signature=${signature}`;
}
