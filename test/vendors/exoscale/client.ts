import type { AppUnderTest } from '../../helpers/build-app.js';
import { MOUNT, ROOT_KEY, ROOT_SECRET, sign } from './signer.js';

export interface Credentials {
  key: string;
  secret: string;
}

export interface CallOptions {
  /** Raw body text (sent and signed verbatim); objects are JSON.stringify'd. */
  body?: unknown;
  headers?: Record<string, string>;
  /** A path prefix before the mount, e.g. `/ns/foo`. */
  prefix?: string;
  /** Unix seconds; default: the emulator's real time (`clock.wallNow()`) + 600 s, as the vendor's clients do. */
  expires?: number;
  as?: Credentials;
}

/** Signed requests through app.inject() (in the test's namespace), with the test suite's own signer. */
export function exoscaleClient(t: AppUnderTest, defaults: Credentials = { key: ROOT_KEY, secret: ROOT_SECRET }) {
  return async (method: string, path: string, options: CallOptions = {}) => {
    const url = `${options.prefix ?? ''}${MOUNT}${path}`;
    const body = options.body === undefined ? undefined : typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
    const creds = options.as ?? defaults;
    const authorization = sign({ key: creds.key, secret: creds.secret, method, url, ...(body !== undefined ? { body } : {}), expires: options.expires ?? Math.floor(t.clock.wallNow() / 1000) + 600 });
    const response = await t.inject({
      method: method as 'GET',
      url,
      ...(body !== undefined ? { payload: body } : {}),
      headers: { authorization, ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...options.headers },
    });
    return { status: response.statusCode, body: response.body ? (JSON.parse(response.body) as any) : undefined, headers: response.headers, raw: response.body };
  };
}

export type ExoscaleCall = ReturnType<typeof exoscaleClient>;

/** The control plane's view of this vendor's state (secrets removed), in the test's namespace unless told. */
export async function stateDump(t: AppUnderTest, namespace = t.namespace): Promise<string> {
  const res = await t.inject({ method: 'GET', url: `/_emulator/state?vendor=exoscale&namespace=${namespace}` });
  return res.body;
}
