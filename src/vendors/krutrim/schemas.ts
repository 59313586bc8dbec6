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

export const accessKeyItem = z.object({
  access_key_id: z.string(),
  access_key: z.string(),
  key_name: z.string(),
  created_at: z.string(),
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
export const sessionStatus = z.object({ isActive: z.boolean(), accessKey: z.string(), lastActiveAt: z.string(), expiresAt: z.string() });
export const messageResponse = z.object({ message: z.string() });

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
    tier: z.string().min(1).optional(),
  })
  .strict();
export const createBucketResponse = z.object({ createdAt: z.string(), krn: z.string(), bucketName: z.string() });
export const updateBucketBody = z
  .object({ versioning: z.boolean().optional(), anonymous_access: z.boolean().optional(), tags: tags.optional(), description: z.string().max(1024).optional() })
  .strict();
export const bucketParams = z.object({ bucketId: z.string().min(1) });
