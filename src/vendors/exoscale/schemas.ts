import { z } from 'zod';

/**
 * Exoscale API v2 shapes, field names verbatim from the vendor's specs (kebab-case):
 * exoscale-openapi-subset.json (2024, legacy access keys) and exoscale-openapi-subset-2026.json
 * (api-key, iam-role). Request bodies are strict: an unknown field is a 400.
 */

const ACCESS_KEY_PATTERN = /^EXO[0-9a-f]{24}$/;

// ---- shared pieces -------------------------------------------------------------------------

export const errorBody = z.object({ message: z.string() }).describe('Exoscale error: {"message": "…"}');

const labels = z.record(z.string(), z.string());

const accessKeyResource = z
  .object({
    domain: z.enum(['partner', 'sos']),
    'resource-type': z.enum(['bucket', 'product']),
    'resource-name': z.string().min(1).max(255),
  })
  .strict();
export type AccessKeyResource = z.output<typeof accessKeyResource>;

const serviceRule = z
  .object({
    action: z.enum(['allow', 'deny']),
    expression: z.string().max(4096),
    resources: z.array(z.string()).optional(),
  })
  .strict();

const servicePolicy = z
  .object({
    type: z.enum(['allow', 'deny', 'rules']),
    rules: z.array(serviceRule).optional(),
  })
  .strict();

export const iamPolicy = z
  .object({
    'default-service-strategy': z.enum(['allow', 'deny']),
    services: z.record(z.string(), servicePolicy),
  })
  .strict();
export type IamPolicy = z.output<typeof iamPolicy>;

const assumeRolePolicy = z.object({ rules: z.array(serviceRule).optional() }).strict();
export type AssumeRolePolicy = z.output<typeof assumeRolePolicy>;

const ROLE_PERMISSIONS = ['bypass-governance-retention', 'reset-iam-organization-policy'] as const;
const permissions = z
  .array(z.enum(ROLE_PERMISSIONS))
  .refine((items) => new Set(items).size === items.length, { message: 'permissions must be unique' });

// ---- responses -----------------------------------------------------------------------------

export const operation = z.object({
  id: z.string(),
  state: z.enum(['pending', 'success', 'failure', 'timeout']),
  reason: z
    .enum(['busy', 'conflict', 'fault', 'forbidden', 'incorrect', 'interrupted', 'not-found', 'partial', 'unavailable', 'unknown', 'unsupported'])
    .optional(),
  reference: z.object({ id: z.string().optional(), link: z.string(), command: z.string() }).optional(),
  message: z.string().optional(),
});
export type Operation = z.output<typeof operation>;
export const OPERATION_REASONS = operation.shape.reason.unwrap().options;
export type OperationReason = (typeof OPERATION_REASONS)[number];

export const accessKey = z.object({
  name: z.string(),
  key: z.string(),
  secret: z.string().optional().describe('Only in the response of create-access-key'),
  type: z.enum(['restricted', 'unrestricted']),
  version: z.enum(['v1', 'v2']),
  tags: z.array(z.string()).optional(),
  operations: z.array(z.string()).optional(),
  resources: z.array(accessKeyResource).optional(),
});
export type AccessKey = z.output<typeof accessKey>;

export const accessKeyList = z.object({ 'access-keys': z.array(accessKey) });

const accessKeyOperation = z.object({ operation: z.string(), tags: z.array(z.string()) });
export const accessKeyOperationList = z.object({ 'access-key-operations': z.array(accessKeyOperation) });

export const apiKey = z.object({ name: z.string(), key: z.string(), 'role-id': z.string() });
export type ApiKey = z.output<typeof apiKey>;
export const apiKeyCreated = apiKey.extend({ secret: z.string() });
export const apiKeyList = z.object({ 'api-keys': z.array(apiKey) });

/** assume-iam-role's 200: a key/secret bound to the role until `expires-at` (secret only here). */
export const assumedRoleKey = z.object({
  key: z.string(),
  name: z.string(),
  'org-id': z.string(),
  'role-id': z.string(),
  secret: z.string(),
  'expires-at': z.string().describe('ISO 8601, the emulator clock at the call + ttl'),
});
export type AssumedRoleKey = z.output<typeof assumedRoleKey>;

export const iamRole = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string().optional(),
  permissions: z.array(z.string()),
  labels,
  editable: z.boolean(),
  policy: iamPolicy,
  'assume-role-policy': assumeRolePolicy.optional(),
  'max-session-ttl': z.number().int().optional(),
});
export type IamRole = z.output<typeof iamRole>;
export const iamRoleList = z.object({ 'iam-roles': z.array(iamRole) });

// ---- requests ------------------------------------------------------------------------------

export const createAccessKeyBody = z
  .object({
    name: z.string().min(1).max(255),
    tags: z.array(z.string().min(1)).optional(),
    operations: z.array(z.string().min(1)).optional(),
    resources: z.array(accessKeyResource).optional(),
  })
  .strict();
export type CreateAccessKeyBody = z.output<typeof createAccessKeyBody>;

export const createApiKeyBody = z
  .object({
    name: z.string().min(1).max(255),
    'role-id': z.guid(),
  })
  .strict();
export type CreateApiKeyBody = z.output<typeof createApiKeyBody>;

const maxSessionTtl = z.number().int().positive();

export const createIamRoleBody = z
  .object({
    name: z.string().min(1).max(191),
    description: z.string().min(1).max(255).optional(),
    permissions: permissions.optional(),
    editable: z.boolean().optional(),
    labels: labels.optional(),
    policy: iamPolicy.optional(),
    'assume-role-policy': assumeRolePolicy.optional(),
    'max-session-ttl': maxSessionTtl.optional(),
  })
  .strict();
export type CreateIamRoleBody = z.output<typeof createIamRoleBody>;

export const updateIamRoleBody = z
  .object({
    description: z.string().min(1).max(255).optional(),
    permissions: permissions.optional(),
    labels: labels.optional(),
    'max-session-ttl': maxSessionTtl.optional(),
    'assume-role-policy': assumeRolePolicy.optional(),
  })
  .strict();
export type UpdateIamRoleBody = z.output<typeof updateIamRoleBody>;

export const assumeIamRoleBody = z
  .object({
    ttl: z.number().int().positive().describe("Seconds the key lives; at most the role's max-session-ttl"),
  })
  .strict();
export type AssumeIamRoleBody = z.output<typeof assumeIamRoleBody>;

export const keyParams = z.object({ key: z.string().min(1).max(64) }).strict();
export const apiKeyParams = z.object({ id: z.string().min(1).max(64) }).strict();
export const uuidParams = z.object({ id: z.guid() }).strict();

// ---- fixture section -----------------------------------------------------------------------

const fixtureAccessKey = z
  .object({
    key: z.string().regex(ACCESS_KEY_PATTERN, 'an access key is EXO followed by 24 lowercase hex characters'),
    secret: z.string().min(16),
    name: z.string().min(1),
    version: z.enum(['v1', 'v2']).default('v2'),
    tags: z.array(z.string()).optional(),
    operations: z.array(z.string()).optional(),
    resources: z.array(accessKeyResource).optional(),
    revoked: z.boolean().default(false),
  })
  .strict();

const fixtureRole = z
  .object({
    id: z.guid(),
    name: z.string().min(1).max(191),
    description: z.string().min(1).max(255).optional(),
    permissions: z.array(z.enum(ROLE_PERMISSIONS)).default([]),
    labels: labels.default({}),
    editable: z.boolean().default(true),
    policy: iamPolicy.optional(),
    'assume-role-policy': assumeRolePolicy.optional(),
    'max-session-ttl': maxSessionTtl.optional(),
  })
  .strict();

const fixtureApiKey = z
  .object({
    key: z.string().regex(ACCESS_KEY_PATTERN, 'an API key is EXO followed by 24 lowercase hex characters'),
    secret: z.string().min(16),
    name: z.string().min(1),
    'role-id': z.guid(),
  })
  .strict();

export const exoscaleFixture = z
  .object({
    organization: z.object({ id: z.guid(), name: z.string().min(1) }).strict().optional(),
    /** Requests per minute per credential (the emulator's own assumption; the vendor documents none). */
    'requests-per-minute': z.number().int().positive().default(1200),
    'known-operations': z.array(z.object({ operation: z.string().min(1), tags: z.array(z.string()).default([]) }).strict()).default([]),
    'access-keys': z.array(fixtureAccessKey).default([]),
    'iam-roles': z.array(fixtureRole).default([]),
    'api-keys': z.array(fixtureApiKey).default([]),
  })
  .strict();
export type ExoscaleFixture = z.output<typeof exoscaleFixture>;
