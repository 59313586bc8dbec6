import type { IdSource } from '../../core/ids.js';

/** Katapult's id and secret formats (vendor notes §1.1), drawn from the seedable id source. */
export function katapultIds(ids: IdSource) {
  return {
    accessKey: () => `objkey_${ids.alphanumeric(16)}`,
    account: () => `objacc_${ids.alphanumeric(16)}`,
    trashObject: () => `trsh_${ids.alphanumeric(16)}`,
    task: () => `task_${ids.alphanumeric(16)}`,
    /** `s3_access_key_id`: 32 lowercase hex characters. */
    s3AccessKeyId: () => ids.hex(32),
    /** The S3 secret: 40 characters, like other S3-compatible stores. */
    s3Secret: () => ids.alphanumeric(40),
    presignedUrl: () => ids.hex(16),
    signature: () => ids.hex(64),
  };
}

export type KatapultIds = ReturnType<typeof katapultIds>;

const SERVER_HOST_SUFFIX = 'katapultobjects.com';
export const serverUrl = (region: string) => `${region}.${SERVER_HOST_SUFFIX}:443`;
export const bucketPublicUrl = (name: string, region: string) => `https://${name}.${region}.${SERVER_HOST_SUFFIX}/`;
