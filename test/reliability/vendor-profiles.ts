/**
 * What the reliability tests need to know of each vendor: headers that pass its auth (so hostile
 * input reaches argument parsing and the store, not just the auth check) and a predicate for its
 * error envelope. Credentials are the README's well-known defaults.
 */
export interface VendorProfile {
  /** Headers of a valid credential in the default fixtures. */
  auth(): Record<string, string>;
  /** Is this body the vendor's own error envelope for this status? */
  isErrorEnvelope(body: any, status: number): boolean;
}

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
    auth: () => ({}),
    isErrorEnvelope: (b) => typeof b?.message === 'string',
  },
  ibm: {
    auth: () => ({ authorization: basic('admin', 'password') }),
    isErrorEnvelope: (b) => typeof b?.error?.title === 'string' && typeof b.error.message === 'string' && b.error.code !== undefined,
  },
  krutrim: {
    auth: () => ({ authorization: 'Bearer krutrim-test-key', 'x-account-id': '1000000001', 'x-region-id': 'In-Bangalore-1' }),
    isErrorEnvelope: (b, status) => typeof b?.message === 'string' && typeof b.code === 'string' && b.statusCode === status,
  },
  toy: {
    auth: () => ({ authorization: 'Bearer toy-token' }),
    isErrorEnvelope: (b, status) => b?.fault?.status === status,
  },
};
