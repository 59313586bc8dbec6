import { z } from 'zod';

/**
 * IONOS Object Storage Management API shapes, field names verbatim from the vendor's generated SDK
 * (vendor-specs/ionos-objectstorage-management-openapi.yaml), plus the fixture section.
 */

const UUID_PATTERN = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
export const STATUSES = ['PROVISIONING', 'DESTROYING', 'AVAILABLE', 'FAILED'] as const;
export type AccessKeyStatus = (typeof STATUSES)[number];

// ---- responses ----

export const errorBody = z
  .object({
    httpStatus: z.number().int(),
    messages: z.array(z.object({ errorCode: z.string(), message: z.string() })),
  })
  .meta({ description: 'IONOS Error: every non-2xx response' });

const accessKeyProperties = z.object({
  description: z.string(),
  accessKey: z.string().meta({ description: '92 characters' }),
  secretKey: z.string().nullable().meta({ description: 'Only in the create (POST) and renew responses; null everywhere else' }),
  canonicalUserId: z.string(),
  contractUserId: z.string(),
});

const accessKeyMetadata = z.object({
  createdDate: z.string(),
  createdBy: z.string(),
  createdByUserId: z.string(),
  lastModifiedDate: z.string(),
  lastModifiedBy: z.string(),
  lastModifiedByUserId: z.string(),
  resourceURN: z.string(),
  status: z.enum(STATUSES),
  statusMessage: z.string().nullable(),
  administrative: z.boolean(),
  supportedRegions: z.array(z.string()),
});

export const accessKeyRead = z.object({
  id: z.string(),
  type: z.literal('accesskey'),
  href: z.string(),
  metadata: accessKeyMetadata,
  properties: accessKeyProperties,
});
export type AccessKeyRead = z.output<typeof accessKeyRead>;

export const links = z.object({ prev: z.string().optional(), self: z.string().optional(), next: z.string().optional() });
export type Links = z.output<typeof links>;

export const accessKeyReadList = z.object({
  id: z.string(),
  type: z.literal('collection'),
  href: z.string(),
  items: z.array(accessKeyRead),
  offset: z.number().int(),
  limit: z.number().int(),
  _links: links,
});
export type AccessKeyReadList = z.output<typeof accessKeyReadList>;

const regionCapability = z.object({ iam: z.boolean().optional(), s3select: z.boolean().optional() });

const regionProperties = z.object({
  version: z.number().int(),
  endpoint: z.string(),
  website: z.string(),
  capability: regionCapability,
  storageClasses: z.array(z.string()).optional(),
  location: z.string(),
});

export const regionRead = z.object({
  id: z.string(),
  type: z.string(),
  href: z.string(),
  metadata: z.record(z.string(), z.unknown()),
  properties: regionProperties,
});
export type RegionRead = z.output<typeof regionRead>;

export const regionReadList = z.object({
  id: z.string(),
  type: z.literal('collection'),
  href: z.string(),
  items: z.array(regionRead),
  offset: z.number().int(),
  limit: z.number().int(),
  _links: links,
});
export type RegionReadList = z.output<typeof regionReadList>;

// ---- requests ----

const INT32_MAX = 2_147_483_647;
const intParam = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, { message: 'must be a whole number' })
    .transform(Number)
    .pipe(z.number().int().min(min, { message: `must be at least ${min}` }).max(max, { message: `must be at most ${max}` }))
    // What a client sends is a number: the OpenAPI document says integer, not the string zod parses.
    .meta({ type: 'integer', minimum: min, maximum: max });

const paginationQuery = {
  offset: intParam(0, INT32_MAX).optional().meta({ description: 'default 0' }),
  limit: intParam(1, 1000).optional().meta({ description: 'default 100, 1–1000' }),
};

export const accessKeysQuery = z.object({
  ...paginationQuery,
  'filter.accesskeyId': z.string().optional().meta({ description: 'matches properties.accessKey (as the Terraform provider sends it) or the id' }),
});
export const regionsQuery = z.object(paginationQuery);

export const accessKeyIdParams = z.object({ accesskeyId: z.string().regex(UUID_PATTERN, { message: 'must be a UUID' }) });
export const regionParams = z.object({ region: z.string().min(1) });

/** `properties` of a create/ensure body: the SDK always sends accessKey and secretKey (as ""): read-only, ignored. */
const writableProperties = z.strictObject({
  description: z.string(),
  accessKey: z.string().nullable().optional(),
  secretKey: z.string().nullable().optional(),
  canonicalUserId: z.string().nullable().optional(),
  contractUserId: z.string().nullable().optional(),
});

export const accessKeyCreate = z.strictObject({
  metadata: z.record(z.string(), z.unknown()).nullable().optional(),
  properties: writableProperties,
});
export type AccessKeyCreate = z.output<typeof accessKeyCreate>;

export const accessKeyEnsure = z.strictObject({
  id: z.string().regex(UUID_PATTERN, { message: 'must be a UUID' }).optional(),
  metadata: z.record(z.string(), z.unknown()).nullable().optional(),
  properties: writableProperties,
});
export type AccessKeyEnsure = z.output<typeof accessKeyEnsure>;

// ---- fixture section ----

const credentialCommon = {
  userId: z.string().regex(UUID_PATTERN),
  /** Requests per minute for this credential (RATE_LIMITS overrides). */
  rateLimit: z.number().int().positive().default(600),
  /** false: the user lacks the Object Storage privilege; every call is refused with 403. */
  objectStorageAccess: z.boolean().default(true),
};

export const fixtureSection = z
  .strictObject({
    users: z
      .array(
        z.strictObject({
          userId: z.string().regex(UUID_PATTERN),
          email: z.string().min(1),
          contractNumber: z.string().regex(/^\d+$/),
          canonicalUserId: z.string().regex(/^[0-9a-f]{32}$/).optional(),
          administrative: z.boolean().default(false),
        }),
      )
      .default([]),
    credentials: z
      .array(
        z.union([
          z.strictObject({ token: z.string().min(1), ...credentialCommon }),
          z.strictObject({ username: z.string().min(1), password: z.string().min(1), ...credentialCommon }),
        ]),
      )
      .default([]),
    regions: z
      .array(
        z.strictObject({
          id: z.string().min(1),
          version: z.number().int().default(1),
          endpoint: z.string().min(1),
          website: z.string().min(1),
          capability: z.strictObject({ iam: z.boolean().optional(), s3select: z.boolean().optional() }),
          storageClasses: z.array(z.string()).optional(),
          location: z.string().min(1),
          metadata: z.record(z.string(), z.unknown()).default({}),
        }),
      )
      .default([]),
    accesskeys: z
      .array(
        z.strictObject({
          id: z.string().regex(UUID_PATTERN),
          userId: z.string().regex(UUID_PATTERN),
          description: z.string().default(''),
          accessKey: z.string().length(92).optional(),
          status: z.enum(STATUSES).default('AVAILABLE'),
          statusMessage: z.string().optional(),
        }),
      )
      .default([]),
  })
  .superRefine((section, ctx) => {
    const users = new Set(section.users.map((u) => u.userId));
    section.credentials.forEach((c, i) => {
      if (!users.has(c.userId)) ctx.addIssue({ code: 'custom', path: ['credentials', i, 'userId'], message: `unknown user ${c.userId} (list it under users)` });
    });
    section.accesskeys.forEach((k, i) => {
      if (!users.has(k.userId)) ctx.addIssue({ code: 'custom', path: ['accesskeys', i, 'userId'], message: `unknown user ${k.userId} (list it under users)` });
    });
  });
export type FixtureSection = z.output<typeof fixtureSection>;
