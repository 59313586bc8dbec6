import { ALPHABETS, type IdSource } from '../../core/ids.js';

/**
 * KOS id and secret formats. Access keys look like S3 ones (20 upper-case alphanumerics), secrets
 * 40 characters; session and refresh tokens are opaque; resources are UUIDs inside a KRN.
 */
export const krutrimIds = (ids: IdSource) => ({
  accessKey: () => `KOS${ids.fromAlphabet(ALPHABETS.upperAlphanumeric, 17)}`,
  secretKey: () => ids.fromAlphabet(ALPHABETS.alphanumeric + '+/', 40),
  sessionToken: () => `kst_${ids.fromAlphabet(ALPHABETS.base64url, 48)}`,
  refreshToken: () => `ksr_${ids.fromAlphabet(ALPHABETS.base64url, 48)}`,
  sessionId: () => ids.uuid(),
  bucketId: () => ids.uuid(),
  ruleId: () => ids.uuid(),
  policyId: () => ids.uuid(),
  keyName: () => `access-key-${ids.hex(8)}`,
});

export type KrutrimIds = ReturnType<typeof krutrimIds>;

/** `krn:kos:<region>:<account>:<customer>:<type>:<id>` (7 colon-separated parts). */
export function krn(region: string, account: string, customer: string, type: 'bucket' | 'policy' | 'bucketpolicy', id: string): string {
  return `krn:kos:${region}:${account}:${customer}:${type}:${id}`;
}

/** The id part of a KRN, or undefined when the text is not a 7-part KOS KRN of that type. */
export function parseKrn(text: string, type: string): { region: string; account: string; customer: string; id: string } | undefined {
  const parts = text.split(':');
  if (parts.length !== 7 || parts[0] !== 'krn' || parts[1] !== 'kos' || parts[5] !== type) return undefined;
  return { region: parts[2]!, account: parts[3]!, customer: parts[4]!, id: parts[6]! };
}
