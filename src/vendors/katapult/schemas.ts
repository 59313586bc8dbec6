import { z } from 'zod';

/**
 * Katapult's objects with the vendor's field names verbatim (vendor spec 2.68.0 + the live bucket
 * fields `custom_domains` / `cors_origins`). Key order is the order the live API sends.
 */

/** Requests per minute of a token whose fixture sets none (the live API's X-RateLimit-Permitted). */
export const DEFAULT_TOKEN_RATE_LIMIT = 1000;

const accessKeyState = z.enum(['pending', 'configured']);

export const objectStorageAccessKey = z.object({
  id: z.string(),
  name: z.string(),
  created_at: z.number().int(),
  region: z.string(),
  state: accessKeyState,
  all_buckets_read: z.boolean(),
  all_objects_read: z.boolean(),
  all_objects_write: z.boolean(),
  read_buckets: z.array(z.string()),
  write_buckets: z.array(z.string()),
  server_url: z.string().nullable(),
  s3_access_key_id: z.string().nullable(),
  s3_secret_access_key: z.string().nullable(),
});
export type ObjectStorageAccessKey = z.output<typeof objectStorageAccessKey>;

/** generate_credentials answers with the same object, keys in alphabetical order (as recorded). */
export const objectStorageAccessKeyAlphabetical = z.object({
  all_buckets_read: z.boolean(),
  all_objects_read: z.boolean(),
  all_objects_write: z.boolean(),
  created_at: z.number().int(),
  id: z.string(),
  name: z.string(),
  read_buckets: z.array(z.string()),
  region: z.string(),
  s3_access_key_id: z.string().nullable(),
  s3_secret_access_key: z.string().nullable(),
  server_url: z.string().nullable(),
  state: accessKeyState,
  write_buckets: z.array(z.string()),
});

export const paginationObject = z.object({
  current_page: z.number().int(),
  total_pages: z.number().int().nullable(),
  total: z.number().int().nullable(),
  per_page: z.number().int(),
  large_set: z.boolean(),
});

export const country = z.object({
  id: z.string(),
  name: z.string(),
  iso_code2: z.string(),
  iso_code3: z.string(),
  time_zone: z.string().nullable(),
  eu: z.boolean(),
});

export const dataCenter = z.object({ id: z.string(), name: z.string(), permalink: z.string(), country });
export type DataCenter = z.output<typeof dataCenter>;

export const objectStorageAccount = z.object({
  region: z.string(),
  created_at: z.number().int(),
  provisioning_state: z.enum(['provisioning', 'provisioned', 'failed']),
  size: z.number().int(),
  bucket_count: z.number().int(),
  data_center: dataCenter,
});
export type ObjectStorageAccount = z.output<typeof objectStorageAccount>;

const accessControlList = z.object({
  public_read: z.boolean(),
  public_list: z.boolean(),
  all_keys_read: z.boolean(),
  all_keys_write: z.boolean(),
  read_key_ids: z.array(z.string()),
  write_key_ids: z.array(z.string()),
});

export const objectStorageBucket = z.object({
  name: z.string(),
  label: z.string().nullable(),
  created_at: z.number().int(),
  state: z.enum(['pending', 'configured']),
  custom_domains: z.array(z.string()),
  object_count: z.number().int().nullable(),
  size: z.number().int().nullable(),
  serve_static_site: z.boolean(),
  static_site_index: z.string().nullable(),
  static_site_error: z.string().nullable(),
  cors_origins: z.array(z.string()),
  public_url: z.string(),
  access_control_list: accessControlList,
});
export type ObjectStorageBucket = z.output<typeof objectStorageBucket>;

export const trashObject = z.object({ id: z.string(), keep_until: z.number().int(), object_id: z.string(), object_type: z.string() });
export type TrashObject = z.output<typeof trashObject>;
export const trashObjectShort = z.object({ id: z.string(), keep_until: z.number().int(), object_type: z.string() });

export const task = z.object({
  id: z.string(),
  name: z.string(),
  status: z.enum(['pending', 'running', 'completed', 'failed']),
  created_at: z.number().int(),
  started_at: z.number().int().nullable(),
  finished_at: z.number().int().nullable(),
  progress: z.number().int(),
});

export const objectStorageObject = z.object({
  filename: z.string(),
  bucket_name: z.string(),
  full_path: z.string(),
  public_url: z.string(),
  size: z.number().int().nullable(),
  folder: z.boolean(),
});

/** The live error envelope. */
export const errorEnvelope = z.object({
  error: z.object({ code: z.string(), description: z.string(), detail: z.record(z.string(), z.unknown()) }),
}).describe('Every Katapult error: {"error":{code,description,detail}} with X-Api-Schema: json-error');

// ---- Arguments (documentation of what the routes accept; parsing is Apia-style in args.ts) ----

const organizationLookup = z.object({ id: z.string().optional(), sub_domain: z.string().optional() }).describe("All 'organization[]' params are mutually exclusive, only one can be provided.");
const clusterLookup = z.object({ region: z.string().optional() });
const accessKeyLookup = z.object({ id: z.string().optional() });
const bucketLookup = z.object({ name: z.string().optional() });
const trashObjectLookup = z.object({ id: z.string().optional(), object_id: z.string().optional() });

const accessKeyArguments = z.object({
  name: z.string().optional(),
  all_buckets_read: z.boolean().optional(),
  all_objects_read: z.boolean().optional(),
  all_objects_write: z.boolean().optional(),
});

const bucketAclArguments = z.object({
  public_read: z.boolean().optional(),
  public_list: z.boolean().optional(),
  all_keys_read: z.boolean().optional(),
  all_keys_write: z.boolean().optional(),
  read_key_ids: z.array(z.string()).optional(),
  write_key_ids: z.array(z.string()).optional(),
});

const bucketArguments = z.object({
  name: z.string().optional(),
  label: z.string().optional(),
  serve_static_site: z.boolean().optional(),
  static_site_index: z.string().optional(),
  static_site_error: z.string().optional(),
  custom_domains: z.array(z.string()).optional(),
  cors_origins: z.array(z.string()).optional(),
  access_control_list: bucketAclArguments.optional(),
});

export const argumentSchemas = {
  listAccessKeys: z.object({ 'organization[id]': z.string().optional(), 'organization[sub_domain]': z.string().optional(), page: z.string().optional(), per_page: z.string().optional() }),
  createAccessKey: z.object({ organization: organizationLookup.optional(), object_storage_cluster: clusterLookup.optional(), properties: accessKeyArguments.optional() }),
  accessKeyQuery: z.object({ 'access_key[id]': z.string().optional() }),
  accessKeyBody: z.object({ access_key: accessKeyLookup.optional() }),
  updateAccessKey: z.object({ access_key: accessKeyLookup.optional(), properties: accessKeyArguments.optional() }),
  accountQuery: z.object({ 'organization[id]': z.string().optional(), 'organization[sub_domain]': z.string().optional(), 'object_storage_cluster[region]': z.string().optional() }),
  accountBody: z.object({ organization: organizationLookup.optional(), object_storage_cluster: clusterLookup.optional() }),
  createBucket: z.object({ organization: organizationLookup.optional(), object_storage_cluster: clusterLookup.optional(), properties: bucketArguments.optional() }),
  bucketQuery: z.object({ 'object_storage_cluster[region]': z.string().optional(), 'bucket[name]': z.string().optional() }),
  bucketBody: z.object({ object_storage_cluster: clusterLookup.optional(), bucket: bucketLookup.optional() }),
  updateBucket: z.object({ object_storage_cluster: clusterLookup.optional(), bucket: bucketLookup.optional(), properties: bucketArguments.optional() }),
  presignedUrl: z.object({ object_storage_cluster: clusterLookup.optional(), bucket: bucketLookup.optional(), path: z.string().optional(), properties: z.object({ expiry_seconds: z.number().int().optional() }).optional() }),
  objectQuery: z.object({ 'object_storage_cluster[region]': z.string().optional(), 'bucket[name]': z.string().optional(), path: z.string().optional() }),
  trashQuery: z.object({ 'trash_object[id]': z.string().optional(), 'trash_object[object_id]': z.string().optional() }),
  trashBody: z.object({ trash_object: trashObjectLookup.optional() }),
};

// ---- Fixture section ----

const boolDefault = (v: boolean) => z.boolean().default(v);

const fixtureAccessKey = z.object({
  id: z.string().regex(/^objkey_[A-Za-z0-9]+$/),
  name: z.string().min(1),
  /** Unix seconds; default: the clock at seeding. */
  created_at: z.number().int().nonnegative().optional(),
  all_buckets_read: boolDefault(false),
  all_objects_read: boolDefault(false),
  all_objects_write: boolDefault(false),
  /** `pending` = just created (provisioning transition runs from seeding); `configured` = settled. */
  state: accessKeyState.default('configured'),
  /** Credentials already issued (32 lowercase hex) and the secret they verify against. */
  s3_access_key_id: z.string().regex(/^[0-9a-f]{32}$/).optional(),
  s3_secret_access_key: z.string().min(1).optional(),
}).strict();

const fixtureBucket = z.object({
  name: z.string().regex(/^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/),
  label: z.string().nullable().default(null),
  created_at: z.number().int().nonnegative().optional(),
  serve_static_site: boolDefault(false),
  static_site_index: z.string().nullable().default(null),
  static_site_error: z.string().nullable().default(null),
  custom_domains: z.array(z.string()).default([]),
  cors_origins: z.array(z.string()).default([]),
  access_control_list: z.object({
    public_read: boolDefault(false),
    public_list: boolDefault(false),
    all_keys_read: boolDefault(false),
    all_keys_write: boolDefault(false),
    read_key_ids: z.array(z.string()).default([]),
    write_key_ids: z.array(z.string()).default([]),
  }).strict().default({ public_read: false, public_list: false, all_keys_read: false, all_keys_write: false, read_key_ids: [], write_key_ids: [] }),
  objects: z.array(z.object({ path: z.string().min(1), size: z.number().int().nonnegative().nullable().default(0) }).strict()).default([]),
}).strict();

const fixtureAccount = z.object({
  id: z.string().regex(/^objacc_[A-Za-z0-9]+$/).optional(),
  region: z.string().min(1),
  created_at: z.number().int().nonnegative().optional(),
  /** `provisioning` runs the katapult.account.provisioning transition from seeding. */
  provisioning_state: z.enum(['provisioning', 'provisioned', 'failed']).default('provisioned'),
  suspended: boolDefault(false),
  size: z.number().int().nonnegative().default(0),
  access_keys: z.array(fixtureAccessKey).default([]),
  buckets: z.array(fixtureBucket).default([]),
}).strict();

export const fixtureSchema = z.object({
  api_tokens: z.array(z.object({
    token: z.string().min(1),
    name: z.string().min(1).optional(),
    /** Scopes granted, e.g. object_storage, object_storage:read, trash_objects:read. */
    scopes: z.array(z.string().min(1)),
    /** IPs or CIDR ranges the token may be used from; absent or empty = anywhere. */
    allowed_networks: z.array(z.string().regex(/^[0-9a-fA-F:.]+(\/\d{1,3})?$/)).optional(),
    /** Requests per minute (X-RateLimit-Permitted). */
    rate_limit: z.number().int().positive().default(DEFAULT_TOKEN_RATE_LIMIT),
    /** ISO date-time after which the token is invalid (403 invalid_api_token). */
    expires_at: z.iso.datetime({ offset: true }).nullable().optional(),
  }).strict()).default([]),
  clusters: z.array(z.object({ region: z.string().min(1), data_center: dataCenter.strict() }).strict()).default([]),
  organizations: z.array(z.object({
    id: z.string().min(1),
    sub_domain: z.string().min(1),
    name: z.string().min(1).optional(),
    suspended: boolDefault(false),
    activated: boolDefault(true),
    object_storage_accounts: z.array(fixtureAccount).default([]),
  }).strict()).default([]),
}).strict();

export type KatapultFixture = z.output<typeof fixtureSchema>;
