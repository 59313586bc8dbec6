import { ROOT_KEY, ROOT_SECRET, sign } from '../vendors/exoscale/signer.js';

/**
 * What the reliability tests need to know of each vendor: headers that pass its auth (so hostile
 * input reaches argument parsing and the store, not just the auth check) and a predicate for its
 * error envelope. Credentials are the README's well-known defaults.
 */
export interface SignableRequest {
  method: string;
  /** Path and query as sent. */
  url: string;
  body?: string | Buffer;
  /** Real time, for client-dated signatures. */
  wallNowMs: number;
}

type Inject = (opts: { method: 'POST'; url: string; headers: Record<string, string>; payload: Record<string, unknown> }) => Promise<{ json(): any }>;

export interface VendorProfile {
  /** Once, before fuzzing: get what auth needs beyond fixtures (e.g. a session). */
  prepare?(inject: Inject): Promise<void>;
  /** Headers of a valid credential in the default fixtures, for this request. */
  auth(request: SignableRequest): Record<string, string>;
  /** Is this body the vendor's own error envelope for this status? */
  isErrorEnvelope(body: any, status: number): boolean;
}

let krutrimSession = '';

/** Headers every vendor route reads or must ignore: the emulator's own and HTTP's. */
export const SHARED_HEADERS = ['x-emulator-namespace', 'x-emulator-fault', 'x-emulator-delay', 'content-type', 'accept', 'x-emulator-token'];

/** Headers only some vendors read (their auth or region selection), fuzzed on those vendors' routes. */
export const VENDOR_HEADERS: Record<string, string[]> = {
  krutrim: ['x-region-id', 'x-tier', 'x-account-id', 'x-session-token', 'k-customer-id'],
};

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

export const PROFILES: Record<string, VendorProfile> = {
  katapult: {
    auth: () => ({ authorization: 'Bearer katapult-test-token' }),
    isErrorEnvelope: (b) => typeof b?.error?.code === 'string' && typeof b.error.description === 'string' && 'detail' in b.error,
  },
  ionos: {
    auth: () => ({ authorization: 'Bearer ionos-test-token' }),
    isErrorEnvelope: (b, status) => b?.httpStatus === status && Array.isArray(b.messages) && b.messages.every((m: any) => typeof m.errorCode === 'string' && typeof m.message === 'string'),
  },
  exoscale: {
    auth: (r) => ({
      authorization: sign({ key: ROOT_KEY, secret: ROOT_SECRET, method: r.method, url: r.url, ...(r.body !== undefined ? { body: r.body.toString() } : {}), expires: Math.floor(r.wallNowMs / 1000) + 600 }),
    }),
    isErrorEnvelope: (b) => typeof b?.message === 'string',
  },
  ibm: {
    auth: () => ({ authorization: basic('admin', 'password') }),
    isErrorEnvelope: (b) => typeof b?.error?.title === 'string' && typeof b.error.message === 'string' && b.error.code !== undefined,
  },
  krutrim: {
    prepare: async (inject) => {
      const res = await inject({
        method: 'POST',
        url: '/krutrim/kos/v1/sessions/activate',
        headers: { authorization: 'Bearer krutrim-test-key', 'content-type': 'application/json' },
        payload: { accessKey: 'KOSEMULATOR000000001', secretKey: 'krutrim-emulator-secret-000000000000000001' },
      });
      krutrimSession = res.json().sessionToken;
      if (!krutrimSession) throw new Error('KOS session activation failed: ' + JSON.stringify(res.json()));
    },
    auth: () => ({ authorization: 'Bearer krutrim-test-key', 'x-account-id': '1000000001', 'x-region-id': 'In-Bangalore-1', 'x-session-token': krutrimSession }),
    isErrorEnvelope: (b, status) => typeof b?.message === 'string' && typeof b.code === 'string' && b.statusCode === status,
  },
  toy: {
    auth: () => ({ authorization: 'Bearer toy-token' }),
    isErrorEnvelope: (b, status) => b?.fault?.status === status,
  },
};

/** What is wrong with an error answer's shape: a JSON content type, a JSON body, the vendor's envelope. */
export function envelopeProblems(res: { statusCode: number; headers: Record<string, unknown>; body: string; json(): unknown }, profile: VendorProfile): string[] {
  const problems: string[] = [];
  if (!/^application\/json/.test(String(res.headers['content-type']))) problems.push('error without a JSON content type');
  let body: unknown;
  try {
    body = res.json();
  } catch {
    problems.push('error body is not JSON');
  }
  if (body !== undefined && !profile.isErrorEnvelope(body, res.statusCode)) problems.push('error not in the vendor envelope');
  return problems;
}
