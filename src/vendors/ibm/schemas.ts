import { z } from 'zod';

/**
 * IBM COS (on-prem) Credentials Management API: field names verbatim from IBM Docs (COSS 3.20.1,
 * "Container Mode Credentials Management API Guide"). The response field order follows IBM's
 * examples: user_id, blob, project_id, type, [subject_ibm_id], id.
 */

const STATUSES = ['Active', 'Inactive'] as const;
export type CredentialStatus = (typeof STATUSES)[number];

/** Access keys are path segments (`/credentials/{id}`): printable, no `/`, `?`, `#`, `%` or spaces. */
const ACCESS_KEY_PATTERN = /^[A-Za-z0-9+=,.@_~-]{1,128}$/;
/** Secrets: 1–256 printable ASCII characters. */
const SECRET_PATTERN = /^[\x21-\x7e]{1,256}$/;

const accessKey = z.string().regex(ACCESS_KEY_PATTERN, 'must be 1–128 characters of A-Z a-z 0-9 + = , . @ _ ~ -');
const secretKey = z.string().regex(SECRET_PATTERN, 'must be 1–256 printable ASCII characters without spaces');
const id = z.string().min(1).max(255);

const blobSchema = z
  .object({
    access: accessKey,
    secret: secretKey,
    status: z.enum(STATUSES),
  })
  .meta({ description: 'The credential itself: access key, secret key and status (Active or Inactive).' });

/** The credential object every response carries (IBM returns the secret on show and list too). */
const credentialSchema = z.object({
  user_id: z.string(),
  blob: blobSchema,
  project_id: z.string().meta({ description: 'The storage account ID' }),
  type: z.literal('ec2'),
  subject_ibm_id: z.string().optional().meta({ description: 'Identity of the user/service within IAM; only present when it was given on create' }),
  id: z.string().meta({ description: 'The access key' }),
});
export type Credential = z.output<typeof credentialSchema>;

export const credentialEnvelope = z.object({ credential: credentialSchema });
export const credentialsEnvelope = z.object({ credentials: z.array(credentialSchema) });

/** Create: `blob` optional; when given it needs `access`, `secret` and `status` are optional. */
export const createBlobSchema = z.object({ access: accessKey, secret: secretKey.optional(), status: z.enum(STATUSES).optional() }).strict();
/** Update: access (must be the credential's own), secret, status. */
export const updateBlobSchema = z.object({ access: accessKey.optional(), secret: secretKey.optional(), status: z.enum(STATUSES).optional() }).strict();

/**
 * IBM documents `blob` as "the credential itself, as a serialized blob" (type String) but every
 * example sends a JSON object; both are accepted (a string must hold that JSON object).
 */
const blobInput = <T extends z.ZodType>(object: T) => z.union([object, z.string().meta({ description: 'The same object, serialized as JSON' })]);

export const createBody = z
  .object({
    credential: z
      .object({
        project_id: id.meta({ description: 'The storage account ID' }),
        type: z.literal('ec2'),
        user_id: id.optional().meta({ description: "The user the key is for; default: the storage account's owner" }),
        subject_ibm_id: z.string().min(1, 'subject_ibm_id must not be empty').max(255).optional(),
        blob: blobInput(createBlobSchema).optional(),
      })
      .strict(),
  })
  .strict();
export type CreateBody = z.output<typeof createBody>;

export const updateBody = z
  .object({
    credential: z
      .object({
        blob: blobInput(updateBlobSchema),
        project_id: id,
        type: z.literal('ec2'),
        user_id: id.optional(),
      })
      .strict(),
  })
  .strict();
export type UpdateBody = z.output<typeof updateBody>;

export const listQuery = z.object({
  project_id: id.optional().meta({ description: 'Only the keys of this storage account' }),
  user_id: id.optional().meta({ description: 'Then only the keys of this user' }),
});
export type ListQuery = z.output<typeof listQuery>;

export const idParams = z.object({ id: z.string().meta({ description: 'The access key' }) });

/** Errors: Keystone's envelope (IBM publishes none; see the README, Vendors › IBM). */
export const errorEnvelope = z.object({
  error: z.object({
    code: z.number().int(),
    title: z.string(),
    message: z.string(),
  }),
});

// ---------------------------------------------------------------------------------------------
// Fixture section

const fixtureCredential = z
  .object({
    access: accessKey,
    secret: secretKey,
    status: z.enum(STATUSES).default('Active'),
    project_id: id,
    user_id: id,
    subject_ibm_id: z.string().min(1).max(255).optional(),
  })
  .strict();

const PERMISSIONS = ['key_management', 'key_listing'] as const;

export const ibmFixture = z
  .object({
    /** HTTP Basic accounts of the Manager (the API's callers). */
    managers: z
      .array(
        z
          .object({
            username: z.string().min(1).refine((u) => !u.includes(':'), 'a Basic username cannot contain ":"'),
            password: z.string().min(1),
            /** key_management: create/update/delete; key_listing: list/show. */
            permissions: z.array(z.enum(PERMISSIONS)).default([...PERMISSIONS]),
            /** The storage accounts the manager may act on, or "*" for all. */
            storage_accounts: z.union([z.literal('*'), z.array(id)]).default('*'),
            /** Requests per minute. */
            rate_limit: z.number().int().positive().default(600),
          })
          .strict(),
      )
      .default([]),
    storage_accounts: z
      .array(
        z
          .object({
            id,
            name: z.string().min(1),
            /** The user a key is created for when the request names no user_id. */
            owner: id.optional(),
          })
          .strict(),
      )
      .default([]),
    users: z
      .array(
        z
          .object({
            id,
            name: z.string().min(1),
            /** The storage accounts the user has rights on. */
            storage_accounts: z.array(id).default([]),
          })
          .strict(),
      )
      .default([]),
    credentials: z.array(fixtureCredential).default([]),
  })
  .strict();
export type IbmFixture = z.output<typeof ibmFixture>;
