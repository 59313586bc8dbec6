import { z } from 'zod';

/** Field names verbatim from the KOS docs and the official Python/Go SDKs (vendor notes §3). */

export const DEFAULT_REGIONS = [
  { id: 'In-Bangalore-1', tier: 'tier-1' },
  { id: 'In-Hyderabad-1', tier: 'tier-2' },
] as const;

const isoTime = z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'an ISO-8601 time');
const accountId = z.string().regex(/^\d{10}$/, 'a 10-digit account number');

// ---------------------------------------------------------------- fixture section

export const fixtureSchema = z
  .object({
    regions: z.array(z.object({ id: z.string().min(1), tier: z.string().min(1) }).strict()).default([]),
    accounts: z.array(z.object({ accountId, customerId: z.uuid(), name: z.string().default('') }).strict()).default([]),
    apiKeys: z
      .array(z.object({ key: z.string().min(8), name: z.string().default(''), accountId, rateLimit: z.number().int().positive().default(600) }).strict())
      .default([]),
    accessKeys: z
      .array(
        z
          .object({
            accessKey: z.string().min(1),
            secretKey: z.string().min(1),
            accountId,
            keyName: z.string().min(1),
            region: z.string().min(1),
            tier: z.string().min(1).optional(),
            status: z.enum(['Active', 'Inactive']).default('Active'),
            createdAt: isoTime.optional(),
          })
          .strict(),
      )
      .default([]),
    buckets: z
      .array(
        z
          .object({
            id: z.uuid().optional(),
            name: z.string().min(3),
            accountId,
            region: z.string().min(1),
            tier: z.string().min(1).optional(),
            description: z.string().default(''),
            tags: z.record(z.string(), z.string()).default({}),
            versioning: z.boolean().default(false),
            anonymous_access: z.boolean().default(false),
            allocatedCapacity: z.number().int().nonnegative().default(0),
            createdAt: isoTime.optional(),
          })
          .strict(),
      )
      .default([]),
  })
  .strict()
  .superRefine((section, ctx) => {
    const accounts = new Set(section.accounts.map((a) => a.accountId));
    const regions = new Set([...DEFAULT_REGIONS.map((r) => r.id), ...section.regions.map((r) => r.id)]);
    const check = (list: 'apiKeys' | 'accessKeys' | 'buckets') =>
      section[list].forEach((item, i) => {
        if (!accounts.has(item.accountId)) ctx.addIssue({ code: 'custom', path: [list, i, 'accountId'], message: `account ${item.accountId} is not in this section's accounts` });
        if ('region' in item && !regions.has(item.region)) ctx.addIssue({ code: 'custom', path: [list, i, 'region'], message: `region ${item.region} is not in this section's regions` });
      });
    check('apiKeys');
    check('accessKeys');
    check('buckets');
  });

export type KrutrimFixture = z.output<typeof fixtureSchema>;

// ---------------------------------------------------------------- errors

export const errorBody = z
  .object({ message: z.string(), code: z.string(), statusCode: z.number().int() })
  .describe('KOS error (emulator shape: no error body is published by the vendor)');

// ---------------------------------------------------------------- access keys

const accessKeyItem = z.object({
  access_key_id: z.string(),
  access_key: z.string(),
  key_name: z.string(),
  created_at: z.string().describe('read by the Python SDK'),
  created_date: z.string().describe('the docs page'),
  status: z.enum(['Active', 'Inactive']),
  region: z.string(),
  tier: z.string(),
});
export const accessKeyList = z.array(accessKeyItem);
export const createAccessKeyBody = z
  .object({ key_name: z.string().min(1).max(128).optional(), region: z.string().min(1).optional() })
  .strict()
  .nullish();
export const createAccessKeyResponse = z.object({ access_key: z.string(), secret_key: z.string(), message: z.string() });
export const otpBody = z.object({ otp: z.string().optional() }).strict().nullish();
export const accessKeyParams = z.object({ accessKey: z.string().min(1) });

// ---------------------------------------------------------------- sessions

export const activateBody = z.object({ accessKey: z.string().min(1), secretKey: z.string().min(1) }).strict();
export const sessionResponse = z.object({ lastActiveAt: z.string(), sessionToken: z.string(), expiresAt: z.string(), refreshToken: z.string() });
export const sessionTokenParams = z.object({ sessionToken: z.string().min(1) });
export const refreshBody = z.object({ refreshToken: z.string().min(1) }).strict();
export const sessionStatus = z.object({ isActive: z.boolean(), accessKey: z.string(), createdAt: z.string(), lastActiveAt: z.string(), expiresAt: z.string() });

// ---------------------------------------------------------------- buckets

export const bucket = z.object({
  name: z.string(),
  krnid: z.string(),
  owner: z.string(),
  account_id: z.string(),
  createdAt: z.string(),
  usedCapacity: z.number(),
  allocatedCapacity: z.number().int(),
  region: z.string(),
  url: z.string(),
  status: z.string(),
  path: z.string(),
  protocol: z.string(),
  description: z.string(),
  tags: z.record(z.string(), z.string()),
  versioning: z.boolean(),
  anonymous_access: z.boolean(),
  tier: z.string(),
});
export const bucketList = z.object({
  totalItems: z.number().int(),
  totalPages: z.number().int(),
  currentPage: z.number().int(),
  nextPage: z.number().int().nullable(),
  items: z.array(bucket),
});
const boolText = z.enum(['true', 'false']).transform((v) => v === 'true');
export const bucketListQuery = z
  .object({
    page: z.coerce.number().int().min(1).default(1),
    page_size: z.coerce.number().int().min(1).max(1000).default(10),
    name_filter: z.string().optional(),
    refresh: boolText.optional(),
    tier: z.string().optional(),
  });
const tags = z.record(z.string().min(1).max(128), z.string().max(256));
export const createBucketBody = z
  .object({
    name: z.string(),
    description: z.string().max(1024).optional(),
    tags: tags.optional(),
    versioning: z.boolean().optional(),
    anonymous_access: z.boolean().optional(),
    region: z.string().min(1).optional(),
    tier: z.string().max(64).optional().describe('"" (what the Go SDK sends without a tier) means the default'),
  })
  .strict();
export const createBucketResponse = z.object({ createdAt: z.string(), krn: z.string(), bucketName: z.string() });
export const updateBucketBody = z
  .object({ versioning: z.boolean().optional(), anonymous_access: z.boolean().optional(), tags: tags.nullish().describe('null (what the Go SDK sends without tags) keeps them'), description: z.string().max(1024).optional() })
  .strict();
export const bucketParams = z.object({ bucketId: z.string().min(1) });

// ---------------------------------------------------------------- objects (session required)

const objectKey = z.string().min(1).max(1024);
const expiresIn = z.number().int().min(1).max(7 * 24 * 3600).describe('URL lifetime in seconds (default 3600)');
export const objectParams = z.object({ bucketKrn: z.string().min(1) });
export const objectListQuery = z.object({ prefix: z.string().max(1024).optional() });
export const objectEntry = z.object({
  key: z.string(),
  name: z.string(),
  isFolder: z.boolean(),
  size_bytes: z.number().int().optional(),
  lastModified: z.string().optional(),
  etag: z.string().optional(),
  contentType: z.string().optional(),
  storage_class: z.string().optional(),
});
export const objectList = z.array(objectEntry);
export const uploadBody = z.object({ prefix: objectKey.describe('the object key to upload to'), contentType: z.string().min(1).max(255).optional(), expires_in: expiresIn.optional() }).strict();
export const uploadResponse = z.object({ objectKey: z.string(), message: z.string(), preSignedUrl: z.string(), uploadPreSignedUrl: z.string().describe('the same URL, the name the Go SDK example reads'), method: z.literal('PUT'), expiresAt: z.string() });
const keyFields = { objectkey: objectKey.optional(), objectKey: objectKey.optional() };
const oneKey = (b: { objectkey?: string | undefined; objectKey?: string | undefined }) => (b.objectkey ?? b.objectKey) !== undefined;
const keyMessage = { message: 'objectkey is required', path: ['objectkey'] };
export const objectKeyBody = z.object(keyFields).strict().refine(oneKey, keyMessage);
export const downloadBody = z.object({ ...keyFields, expires_in: expiresIn.optional() }).strict().refine(oneKey, keyMessage);
export const urlBody = z.object({ ...keyFields, expires_in: expiresIn.optional(), method: z.enum(['GET', 'PUT']).optional() }).strict().refine(oneKey, keyMessage);
export const presignedResponse = z.object({ objectKey: z.string(), preSignedUrl: z.string(), method: z.enum(['GET', 'PUT']), expiresAt: z.string() });
export const metadataResponse = z.object({ key: z.string(), size_bytes: z.number().int(), storage_class: z.string(), etag: z.string(), lastModified: z.string(), contentType: z.string() });
export const moveBody = z.object({ sourceKey: objectKey, destinationKey: objectKey, action: z.enum(['move', 'copy']).default('move'), destinationBucket: z.string().min(1).optional() }).strict();
export const moveResponse = z.object({ message: z.string(), sourceKey: z.string(), destinationKey: z.string(), action: z.enum(['move', 'copy']) });
export const renameBody = z.object({ oldKey: objectKey, newKey: objectKey }).strict();
export const renameResponse = z.object({ message: z.string(), oldKey: z.string(), newKey: z.string() });
export const deleteObjectResponse = z.object({ message: z.string(), objectKey: z.string() });
export const presignedQuery = z.object({ 'X-Kos-Method': z.string().optional(), 'X-Kos-Expires': z.string().optional(), 'X-Kos-Signature': z.string().optional() });
export const presignedParams = z.object({ bucketId: z.string(), '*': z.string() });
export const presignedUploadResponse = z.object({ message: z.string(), objectKey: z.string(), etag: z.string(), size_bytes: z.number().int() });

// ---------------------------------------------------------------- lifecycle rules

const ruleNumber = z.number().nullable().optional();
const ruleFields = {
  name: z.string().min(1).max(255),
  prefix: z.string().max(1024).optional(),
  attribute: z.string().max(255).nullable().optional().describe('used to calculate object age'),
  expiration_days: ruleNumber,
  noncurrent_days: ruleNumber,
  newer_noncurrent_versions: ruleNumber,
  delete_incomplete_mpu: ruleNumber,
  expired_obj_delete_marker: z.boolean().optional(),
  enabled: z.boolean().optional(),
  status: z.enum(['Enabled', 'Disabled']).optional(),
};
export const createRuleBody = z.object(ruleFields).strict();
export const updateRuleBody = z.object({ ...ruleFields, name: ruleFields.name.optional() }).strict();
export type RuleInput = z.output<typeof updateRuleBody>;
export const lifecycleRule = z.object({
  id: z.string(),
  name: z.string(),
  bucketKrn: z.string(),
  prefix: z.string(),
  attribute: z.string().nullable(),
  expiration_days: z.number().int().nullable(),
  noncurrent_days: z.number().int().nullable(),
  newer_noncurrent_versions: z.number().int().nullable(),
  delete_incomplete_mpu: z.number().int().nullable(),
  expired_obj_delete_marker: z.boolean(),
  enabled: z.boolean(),
  status: z.enum(['Enabled', 'Disabled']),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export const ruleParams = z.object({ bucketId: z.string().min(1), ruleId: z.string().min(1) });

// ---------------------------------------------------------------- policies

const statement = z.record(z.string(), z.unknown());
const conditions = z.union([z.record(z.string(), z.unknown()), z.array(z.unknown())]);
/** Fields of a policy the server owns: accepted in a body (a client may send a policy back as it got it) and ignored. */
const serverOwned = { _id: z.unknown().optional(), accountId: z.unknown().optional(), policyKRN: z.unknown().optional(), CreationDate: z.unknown().optional(), UpdateDate: z.unknown().optional(), attachedTo: z.unknown().optional() };
export const createPolicyBody = z.object({ name: z.string().min(1).max(128), description: z.string().max(1024).optional(), statements: z.array(statement).min(1), conditions: conditions.optional(), ...serverOwned }).strict();
export const updatePolicyBody = z.object({ name: z.string().min(1).max(128).optional(), description: z.string().max(1024).optional(), statements: z.array(statement).min(1).optional(), conditions: conditions.optional(), ...serverOwned }).strict();
export const policy = z.object({
  _id: z.string(),
  accountId: z.string(),
  name: z.string(),
  description: z.string(),
  statements: z.array(statement),
  conditions,
  policyKRN: z.string(),
  CreationDate: z.string(),
  UpdateDate: z.string(),
  attachedTo: z.array(z.string()).describe('the customer ids (kcid) the policy is attached to'),
});
export const policyParams = z.object({ policykrn: z.string().min(1) });
const policyKrns = z.array(z.string().min(1)).min(1).max(100);
const kcid = z.string().min(1).max(128);
export const attachBody = z.object({ policyKRNs: policyKrns, kcid: kcid.optional().describe("default: K-Customer-ID, else the account's customer id") }).strict();
export const detachBody = z.object({ kcid, policyKRNs: policyKrns }).strict();
/** One policy named: that policy; several: the list, in the order named. */
export const attachResponse = z.union([policy, z.array(policy)]);

// ---------------------------------------------------------------- bucket policies

const ipList = z.array(z.string()).max(100);
export const bucketPolicyBody = z.object({ s3_read_write_ips: ipList.optional(), s3_read_only_ips: ipList.optional() }).strict();
export const bucketPolicy = z.object({
  bucketPolicyKrn: z.string(),
  bucketKrn: z.string(),
  s3_read_write_ips: z.array(z.string()),
  s3_read_only_ips: z.array(z.string()),
  created_at: z.string(),
  updated_at: z.string(),
});
export const bucketPolicyParams = z.object({ bucketKrn: z.string().min(1) });
