import type { Database } from 'better-sqlite3';
import { sql } from '../../core/sql.js';
import { perDatabase } from '../../core/vendor.js';

/**
 * Every SQL statement of the KOS emulator, prepared once per database through core/sql.ts: named
 * parameters, rows read as arrays and turned into the objects below here (JSON columns parsed,
 * 0/1 columns as booleans), so services never see a raw row.
 */

export interface RegionRow { region_id: string; tier: string }
export interface AccountRow { account_id: string; customer_id: string; name: string }
/**
 * An API key (found by `secretDigest(key)`: the key itself is never stored) with its account and the
 * region asked for, in one read: null where the account or region does not exist.
 */
interface ApiKeyCallerRow {
  key_digest: string; name: string; rate_limit: number; account_id: string;
  customer_id: string | null; region_id: string | null; region_tier: string | null;
}
export type AccessKeyStatus = 'Active' | 'Inactive';
export interface AccessKeyRow {
  access_key: string; account_id: string; key_name: string; region: string; tier: string; status: AccessKeyStatus; created_at: number;
}
/** For the calls that check or sign with the secret (session activation, the S3 plane); never shown after create. */
type AccessKeyWithSecret = AccessKeyRow & { secret_key: string };
/** Session and refresh tokens are stored as their `secretDigest` only. */
export interface SessionRow {
  session_id: string; refresh_digest: string; access_key: string; account_id: string;
  created_at: number; last_active_at: number; expires_at: number; deactivated_at: number | null;
}
export interface BucketRow {
  bucket_id: string; name: string; account_id: string; customer_id: string; region: string; tier: string;
  description: string; tags: Record<string, string>; versioning: boolean; anonymous_access: boolean;
  allocated_capacity: number; created_at: number; updated_at: number;
  /** Whether an enabled lifecycle rule of the bucket expires objects (reads then expire them first). */
  expiring: boolean;
}
export type BucketWithUsage = BucketRow & { used_bytes: number };
export interface ObjectMeta {
  object_key: string; size_bytes: number; content_type: string; etag: string; storage_class: string; last_modified: number;
}
export type ObjectRow = ObjectMeta & { body: Buffer };
/** An object as the S3 plane reads it: with its `x-amz-meta-*` metadata. */
export type S3ObjectRow = ObjectMeta & { metadata: Record<string, string> };
export interface RuleRow {
  rule_id: string; bucket_id: string; name: string; prefix: string; attribute: string | null;
  expiration_days: number | null; noncurrent_days: number | null; newer_noncurrent_versions: number | null;
  delete_incomplete_mpu: number | null; expired_obj_delete_marker: boolean; enabled: boolean;
  created_at: number; updated_at: number;
}
/** What a rule is written with. */
export type RuleValues = Omit<RuleRow, 'rule_id' | 'bucket_id' | 'created_at' | 'updated_at'>;
export type PolicyStatements = Array<Record<string, unknown>>;
export type PolicyConditions = Record<string, unknown> | unknown[];
export interface PolicyRow {
  policy_id: string; account_id: string; customer_id: string; region: string; name: string; description: string;
  statements: PolicyStatements; conditions: PolicyConditions; created_at: number; updated_at: number;
  /** The customer ids (kcid) it is attached to, in the order attached. */
  attached_to: string[];
}
export interface BucketPolicyRow {
  policy_id: string; s3_read_write_ips: string[]; s3_read_only_ips: string[]; created_at: number; updated_at: number;
}

type Ns = { namespace: string };
type InAccount = Ns & { account: string };
type InBucket = Ns & { bucket: string };

const parse = <T>(text: string): T => JSON.parse(text) as T;

const REGION = 'region_id, tier';
const toRegion = (r: [string, string]): RegionRow => ({ region_id: r[0], tier: r[1] });

const ACCESS_KEY = 'access_key, account_id, key_name, region, tier, status, created_at';
type AccessKeyTuple = [string, string, string, string, string, AccessKeyStatus, number];
const toAccessKey = (r: AccessKeyTuple): AccessKeyRow => ({ access_key: r[0], account_id: r[1], key_name: r[2], region: r[3], tier: r[4], status: r[5], created_at: r[6] });
const toAccessKeyWithSecret = (r: [...AccessKeyTuple, string]): AccessKeyWithSecret => ({ ...toAccessKey(r.slice(0, 7) as AccessKeyTuple), secret_key: r[7] });

const SESSION = 'session_id, refresh_digest, access_key, account_id, created_at, last_active_at, expires_at, deactivated_at';
type SessionTuple = [string, string, string, string, number, number, number, number | null];
const toSession = (r: SessionTuple): SessionRow => ({
  session_id: r[0], refresh_digest: r[1], access_key: r[2], account_id: r[3], created_at: r[4], last_active_at: r[5], expires_at: r[6], deactivated_at: r[7],
});

/** A bucket's columns, whether an enabled rule expires its objects, and (for views) the bytes it holds. */
const BUCKET = `b.bucket_id, b.name, b.account_id, b.customer_id, b.region, b.tier, b.description, b.tags, b.versioning, b.anonymous_access, b.allocated_capacity, b.created_at, b.updated_at,
  EXISTS (SELECT 1 FROM krutrim_lifecycle_rules r WHERE r.namespace = @namespace AND r.bucket_id = b.bucket_id AND r.enabled = 1 AND r.expiration_days IS NOT NULL)`;
const USED_BYTES = '(SELECT coalesce(sum(o.size_bytes), 0) FROM krutrim_objects o WHERE o.namespace = @namespace AND o.bucket_id = b.bucket_id)';
type BucketTuple = [string, string, string, string, string, string, string, string, number, number, number, number, number, number];
const toBucket = (r: BucketTuple | [...BucketTuple, number]): BucketRow => ({
  bucket_id: r[0], name: r[1], account_id: r[2], customer_id: r[3], region: r[4], tier: r[5], description: r[6], tags: parse(r[7]),
  versioning: r[8] === 1, anonymous_access: r[9] === 1, allocated_capacity: r[10], created_at: r[11], updated_at: r[12], expiring: r[13] === 1,
});
const toBucketWithUsage = (r: [...BucketTuple, number]): BucketWithUsage => ({ ...toBucket(r), used_bytes: r[14] });

const OBJECT_META = 'object_key, size_bytes, content_type, etag, storage_class, last_modified';
type ObjectMetaTuple = [string, number, string, string, string, number];
const toObjectMeta = (r: ObjectMetaTuple): ObjectMeta => ({ object_key: r[0], size_bytes: r[1], content_type: r[2], etag: r[3], storage_class: r[4], last_modified: r[5] });
const toS3Object = (r: [...ObjectMetaTuple, string]): S3ObjectRow => ({ ...toObjectMeta(r.slice(0, 6) as ObjectMetaTuple), metadata: parse(r[6] || '{}') });
const toObject = (r: [...ObjectMetaTuple, Buffer]): ObjectRow => ({ ...toObjectMeta(r.slice(0, 6) as ObjectMetaTuple), body: r[6] });

const RULE = 'rule_id, bucket_id, name, prefix, attribute, expiration_days, noncurrent_days, newer_noncurrent_versions, delete_incomplete_mpu, expired_obj_delete_marker, enabled, created_at, updated_at';
type RuleTuple = [string, string, string, string, string | null, number | null, number | null, number | null, number | null, number, number, number, number];
const toRule = (r: RuleTuple): RuleRow => ({
  rule_id: r[0], bucket_id: r[1], name: r[2], prefix: r[3], attribute: r[4], expiration_days: r[5], noncurrent_days: r[6], newer_noncurrent_versions: r[7],
  delete_incomplete_mpu: r[8], expired_obj_delete_marker: r[9] === 1, enabled: r[10] === 1, created_at: r[11], updated_at: r[12],
});
type RuleParams = InBucket & { id: string; name: string; prefix: string; attribute: string | null; expiration_days: number | null; noncurrent_days: number | null;
  newer_noncurrent_versions: number | null; delete_incomplete_mpu: number | null; expired_obj_delete_marker: number; enabled: number; now: number };

/** A policy's columns and, in one read, the customers it is attached to. */
const POLICY = `p.policy_id, p.account_id, p.customer_id, p.region, p.name, p.description, p.statements, p.conditions, p.created_at, p.updated_at,
  (SELECT json_group_array(a.kcid ORDER BY a.attached_at, a.rowid) FROM krutrim_policy_principals a WHERE a.namespace = @namespace AND a.policy_id = p.policy_id)`;
type PolicyTuple = [string, string, string, string, string, string, string, string, number, number, string];
const toPolicy = (r: PolicyTuple): PolicyRow => ({
  policy_id: r[0], account_id: r[1], customer_id: r[2], region: r[3], name: r[4], description: r[5], statements: parse(r[6]), conditions: parse(r[7]),
  created_at: r[8], updated_at: r[9], attached_to: parse(r[10]),
});

const BUCKET_POLICY = 'policy_id, s3_read_write_ips, s3_read_only_ips, created_at, updated_at';
const toBucketPolicy = (r: [string, string, string, number, number]): BucketPolicyRow => ({
  policy_id: r[0], s3_read_write_ips: parse(r[1]), s3_read_only_ips: parse(r[2]), created_at: r[3], updated_at: r[4],
});

/** The objects of a bucket that an enabled rule expires at `now`: older than its `expiration_days`, under its prefix. */
const EXPIRED = `EXISTS (SELECT 1 FROM krutrim_lifecycle_rules r WHERE r.namespace = @namespace AND r.bucket_id = o.bucket_id AND r.enabled = 1
  AND r.expiration_days IS NOT NULL AND substr(o.object_key, 1, length(r.prefix)) = r.prefix AND o.last_modified + r.expiration_days * 86400000 <= @now)`;

/** An account's buckets, narrowed by region, tier and a part of the name (each null: any). */
type BucketFilter = InAccount & { region: string | null; tier: string | null; nameContains: string | null };
const BUCKET_FILTER = 'AND (@region IS NULL OR region = @region) AND (@tier IS NULL OR tier = @tier) AND (@nameContains IS NULL OR instr(name, @nameContains) > 0)';

/** An id of the account's buckets, else a bucket name: the id match first. */
const BY_REF = `((b.account_id = @account AND b.bucket_id = @ref) OR b.name = @ref)
  ORDER BY (b.account_id = @account AND b.bucket_id = @ref) DESC LIMIT 1`;

function build(db: Database) {
  const q = sql(db);
  const s = {
    // ---------------------------------------------------------------- regions, accounts, API keys
    regionUpsert: q.statement<Ns & { id: string; tier: string }>('INSERT OR REPLACE INTO krutrim_regions (namespace, region_id, tier) VALUES (@namespace, @id, @tier)'),
    regionById: q.mapped<Ns & { id: string }, [string, string], RegionRow>(`SELECT ${REGION} FROM krutrim_regions WHERE namespace = @namespace AND region_id = @id`, toRegion),
    regionsAll: q.mapped<Ns, [string, string], RegionRow>(`SELECT ${REGION} FROM krutrim_regions WHERE namespace = @namespace ORDER BY rowid`, toRegion),
    accountInsert: q.statement<Ns & { account: string; customer: string; name: string }>(
      'INSERT INTO krutrim_accounts (namespace, account_id, customer_id, name) VALUES (@namespace, @account, @customer, @name)',
    ),
    accountById: q.mapped<InAccount, [string, string, string], AccountRow>(
      'SELECT account_id, customer_id, name FROM krutrim_accounts WHERE namespace = @namespace AND account_id = @account',
      (r) => ({ account_id: r[0], customer_id: r[1], name: r[2] }),
    ),
    apiKeyInsert: q.statement<Ns & { digest: string; name: string; account: string; rateLimit: number }>(
      'INSERT INTO krutrim_api_keys (namespace, key_digest, name, account_id, rate_limit) VALUES (@namespace, @digest, @name, @account, @rateLimit)',
    ),
    /** Authentication in one read: the key by its digest, its account, and the region asked for. */
    callerByApiKey: q.remembered<Ns & { digest: string; region: string }, [string, string, number, string, string | null, string | null, string | null], ApiKeyCallerRow>(
      `SELECT k.key_digest, k.name, k.rate_limit, k.account_id, a.customer_id, r.region_id, r.tier FROM krutrim_api_keys k
       LEFT JOIN krutrim_accounts a ON a.namespace = k.namespace AND a.account_id = k.account_id
       LEFT JOIN krutrim_regions r ON r.namespace = k.namespace AND r.region_id = @region
       WHERE k.namespace = @namespace AND k.key_digest = @digest`,
      (r) => ({ key_digest: r[0], name: r[1], rate_limit: r[2], account_id: r[3], customer_id: r[4], region_id: r[5], region_tier: r[6] }),
    ),

    // ---------------------------------------------------------------- access keys
    accessKeyInsert: q.statement<InAccount & { accessKey: string; secretKey: string; name: string; region: string; tier: string; status: AccessKeyStatus; now: number }>(
      `INSERT INTO krutrim_access_keys (namespace, access_key, secret_key, account_id, key_name, region, tier, status, created_at)
       VALUES (@namespace, @accessKey, @secretKey, @account, @name, @region, @tier, @status, @now)`,
    ),
    accessKeyById: q.mapped<InAccount & { accessKey: string }, [...AccessKeyTuple, string], AccessKeyWithSecret>(
      `SELECT ${ACCESS_KEY}, secret_key FROM krutrim_access_keys WHERE namespace = @namespace AND account_id = @account AND access_key = @accessKey`,
      toAccessKeyWithSecret,
    ),
    /** The S3 plane: a key by its id alone, whatever its account. */
    accessKeyByIdAnyAccount: q.remembered<Ns & { accessKey: string }, [...AccessKeyTuple, string], AccessKeyWithSecret>(
      `SELECT ${ACCESS_KEY}, secret_key FROM krutrim_access_keys WHERE namespace = @namespace AND access_key = @accessKey`,
      toAccessKeyWithSecret,
    ),
    accessKeysByAccount: q.mapped<InAccount, AccessKeyTuple, AccessKeyRow>(
      `SELECT ${ACCESS_KEY} FROM krutrim_access_keys WHERE namespace = @namespace AND account_id = @account ORDER BY created_at, rowid`,
      toAccessKey,
    ),
    // The dashboard's timeline (timeline.ts): the newest rows, at most `limit` per table, no secrets.
    accessKeysRecent: q.mapped<Ns & { limit: number }, [string, string, string], Pick<AccessKeyRow, 'access_key' | 'key_name' | 'status'>>(
      'SELECT access_key, key_name, status FROM krutrim_access_keys WHERE namespace = @namespace ORDER BY created_at DESC, rowid DESC LIMIT @limit',
      (r) => ({ access_key: r[0], key_name: r[1], status: r[2] as AccessKeyStatus }),
    ),
    accessKeyDelete: q.statement<InAccount & { accessKey: string }>('DELETE FROM krutrim_access_keys WHERE namespace = @namespace AND account_id = @account AND access_key = @accessKey'),
    accessKeysDeleteByAccount: q.statement<InAccount>('DELETE FROM krutrim_access_keys WHERE namespace = @namespace AND account_id = @account'),

    // ---------------------------------------------------------------- sessions
    sessionInsert: q.statement<InAccount & { id: string; tokenDigest: string; refreshDigest: string; accessKey: string; region: string; tier: string; now: number; expiresAt: number }>(
      `INSERT INTO krutrim_sessions (namespace, session_id, token_digest, refresh_digest, access_key, account_id, region, tier, created_at, last_active_at, expires_at)
       VALUES (@namespace, @id, @tokenDigest, @refreshDigest, @accessKey, @account, @region, @tier, @now, @now, @expiresAt)`,
    ),
    /** By `secretDigest(session token)`: the token itself is never stored. */
    sessionByToken: q.mapped<Ns & { tokenDigest: string }, SessionTuple, SessionRow>(
      `SELECT ${SESSION} FROM krutrim_sessions WHERE namespace = @namespace AND token_digest = @tokenDigest`,
      toSession,
    ),
    /**
     * An object request's `x-session-token`, checked and its last activity moved in one write: the id
     * when it names an active session of the account, else nothing (then `sessionByToken` tells why).
     */
    sessionTouch: q.statement<InAccount & { tokenDigest: string; now: number }, { session_id: string }>(
      `UPDATE krutrim_sessions SET last_active_at = @now WHERE namespace = @namespace AND token_digest = @tokenDigest AND account_id = @account
       AND deactivated_at IS NULL AND expires_at > @now RETURNING session_id`,
    ),
    sessionsDeactivateByKey: q.statement<InAccount & { accessKey: string; now: number }>(
      'UPDATE krutrim_sessions SET deactivated_at = @now WHERE namespace = @namespace AND account_id = @account AND access_key = @accessKey AND deactivated_at IS NULL',
    ),
    sessionsDeactivateByAccount: q.statement<InAccount & { now: number }>(
      'UPDATE krutrim_sessions SET deactivated_at = @now WHERE namespace = @namespace AND account_id = @account AND deactivated_at IS NULL',
    ),
    sessionDeactivate: q.statement<Ns & { id: string; now: number }>('UPDATE krutrim_sessions SET deactivated_at = @now WHERE namespace = @namespace AND session_id = @id AND deactivated_at IS NULL'),
    sessionRefresh: q.statement<Ns & { id: string; refreshDigest: string; now: number; expiresAt: number }>(
      'UPDATE krutrim_sessions SET refresh_digest = @refreshDigest, last_active_at = @now, expires_at = @expiresAt WHERE namespace = @namespace AND session_id = @id',
    ),
    sessionsRecent: q.mapped<Ns & { limit: number }, [string, string, number, number, number | null], Pick<SessionRow, 'session_id' | 'access_key' | 'created_at' | 'expires_at' | 'deactivated_at'>>(
      'SELECT session_id, access_key, created_at, expires_at, deactivated_at FROM krutrim_sessions WHERE namespace = @namespace ORDER BY created_at DESC, rowid DESC LIMIT @limit',
      (r) => ({ session_id: r[0], access_key: r[1], created_at: r[2], expires_at: r[3], deactivated_at: r[4] }),
    ),

    // ---------------------------------------------------------------- buckets
    /** Inserts nothing (0 changes) when the name is taken in the namespace. */
    bucketInsert: q.statement<InAccount & { id: string; name: string; customer: string; region: string; tier: string; description: string; tags: string;
      versioning: number; anonymousAccess: number; allocatedCapacity: number; createdAt: number; updatedAt: number }>(
      `INSERT INTO krutrim_buckets (namespace, bucket_id, name, account_id, customer_id, region, tier, description, tags, versioning, anonymous_access, allocated_capacity, created_at, updated_at)
       VALUES (@namespace, @id, @name, @account, @customer, @region, @tier, @description, @tags, @versioning, @anonymousAccess, @allocatedCapacity, @createdAt, @updatedAt)
       ON CONFLICT (namespace, name) DO NOTHING`,
    ),
    bucketById: q.mapped<InAccount & { id: string }, BucketTuple, BucketRow>(
      `SELECT ${BUCKET} FROM krutrim_buckets b WHERE b.namespace = @namespace AND b.account_id = @account AND b.bucket_id = @id`, toBucket,
    ),
    bucketByName: q.mapped<Ns & { name: string }, BucketTuple, BucketRow>(`SELECT ${BUCKET} FROM krutrim_buckets b WHERE b.namespace = @namespace AND b.name = @name`, toBucket),
    /** A reference that is an id of the account's buckets or else a name (of any account: the caller checks), in one read. */
    bucketByRef: q.mapped<InAccount & { ref: string }, BucketTuple, BucketRow>(`SELECT ${BUCKET} FROM krutrim_buckets b WHERE b.namespace = @namespace AND ${BY_REF}`, toBucket),
    bucketByIdAnyAccount: q.mapped<Ns & { id: string }, BucketTuple, BucketRow>(`SELECT ${BUCKET} FROM krutrim_buckets b WHERE b.namespace = @namespace AND b.bucket_id = @id`, toBucket),
    /** As bucketById / bucketByRef, with the bytes the bucket holds (what a bucket view shows). */
    bucketWithUsageById: q.mapped<InAccount & { id: string }, [...BucketTuple, number], BucketWithUsage>(
      `SELECT ${BUCKET}, ${USED_BYTES} FROM krutrim_buckets b WHERE b.namespace = @namespace AND b.account_id = @account AND b.bucket_id = @id`, toBucketWithUsage,
    ),
    bucketWithUsageByRef: q.mapped<InAccount & { ref: string }, [...BucketTuple, number], BucketWithUsage>(
      `SELECT ${BUCKET}, ${USED_BYTES} FROM krutrim_buckets b WHERE b.namespace = @namespace AND ${BY_REF}`, toBucketWithUsage,
    ),
    /**
     * One page of an account's buckets (null filters match all), each with its used bytes, and the
     * number of buckets that match (every row carries it; none when the page is past the end).
     */
    bucketsPage: q.mapped<BucketFilter & { limit: number; offset: number }, [...BucketTuple, number, number], { bucket: BucketWithUsage; total: number }>(
      `WITH page AS (
         SELECT *, count(*) OVER () AS total FROM krutrim_buckets WHERE namespace = @namespace AND account_id = @account ${BUCKET_FILTER}
         ORDER BY created_at, name LIMIT @limit OFFSET @offset)
       SELECT ${BUCKET}, ${USED_BYTES}, b.total FROM page b ORDER BY b.created_at, b.name`,
      (r) => ({ bucket: toBucketWithUsage(r.slice(0, 15) as [...BucketTuple, number]), total: r[15] }),
    ),
    bucketsCount: q.statement<BucketFilter, { n: number }>(`SELECT count(*) AS n FROM krutrim_buckets WHERE namespace = @namespace AND account_id = @account ${BUCKET_FILTER}`),
    /** The S3 plane's ListBuckets: an account's buckets by name. */
    bucketsByAccount: q.mapped<InAccount, BucketTuple, BucketRow>(`SELECT ${BUCKET} FROM krutrim_buckets b WHERE b.namespace = @namespace AND b.account_id = @account ORDER BY b.name`, toBucket),
    bucketUpdate: q.statement<Ns & { id: string; description: string; tags: string; versioning: number; anonymousAccess: number; now: number }>(
      'UPDATE krutrim_buckets SET description = @description, tags = @tags, versioning = @versioning, anonymous_access = @anonymousAccess, updated_at = @now WHERE namespace = @namespace AND bucket_id = @id',
    ),
    bucketUsedBytes: q.statement<InBucket, { n: number }>('SELECT coalesce(sum(size_bytes), 0) AS n FROM krutrim_objects WHERE namespace = @namespace AND bucket_id = @bucket'),
    bucketHasObjects: q.statement<InBucket, { n: number }>('SELECT count(*) AS n FROM (SELECT 1 FROM krutrim_objects WHERE namespace = @namespace AND bucket_id = @bucket LIMIT 1)'),
    bucketObjectCount: q.statement<InBucket, { n: number }>('SELECT count(*) AS n FROM krutrim_objects WHERE namespace = @namespace AND bucket_id = @bucket'),

    // ---------------------------------------------------------------- objects
    objectUpsert: q.statement<InBucket & { key: string; body: Buffer; size: number; contentType: string; etag: string; now: number }>(
      `INSERT INTO krutrim_objects (namespace, bucket_id, object_key, body, size_bytes, content_type, etag, storage_class, last_modified)
       VALUES (@namespace, @bucket, @key, @body, @size, @contentType, @etag, 'STANDARD', @now)
       ON CONFLICT (namespace, bucket_id, object_key) DO UPDATE SET body = excluded.body, size_bytes = excluded.size_bytes, content_type = excluded.content_type,
       etag = excluded.etag, storage_class = excluded.storage_class, last_modified = excluded.last_modified`,
    ),
    objectMetaByKey: q.mapped<InBucket & { key: string }, ObjectMetaTuple, ObjectMeta>(
      `SELECT ${OBJECT_META} FROM krutrim_objects WHERE namespace = @namespace AND bucket_id = @bucket AND object_key = @key`, toObjectMeta,
    ),
    objectByKey: q.mapped<InBucket & { key: string }, [...ObjectMetaTuple, Buffer], ObjectRow>(
      `SELECT ${OBJECT_META}, body FROM krutrim_objects WHERE namespace = @namespace AND bucket_id = @bucket AND object_key = @key`, toObject,
    ),
    /** The objects strictly under `prefix` (not the key equal to it), in key order. */
    objectsUnderPrefix: q.mapped<InBucket & { prefix: string }, ObjectMetaTuple, ObjectMeta>(
      `SELECT ${OBJECT_META} FROM krutrim_objects WHERE namespace = @namespace AND bucket_id = @bucket AND object_key > @prefix
       AND substr(object_key, 1, length(@prefix)) = @prefix ORDER BY object_key`,
      toObjectMeta,
    ),
    objectCopy: q.statement<InBucket & { key: string; toBucket: string; toKey: string; now: number }>(
      `INSERT OR REPLACE INTO krutrim_objects (namespace, bucket_id, object_key, body, size_bytes, content_type, etag, storage_class, last_modified)
       SELECT namespace, @toBucket, @toKey, body, size_bytes, content_type, etag, storage_class, @now FROM krutrim_objects WHERE namespace = @namespace AND bucket_id = @bucket AND object_key = @key`,
    ),
    objectDelete: q.statement<InBucket & { key: string }>('DELETE FROM krutrim_objects WHERE namespace = @namespace AND bucket_id = @bucket AND object_key = @key'),
    /** A folder: every object whose key starts with `prefix` (the prefix itself included). */
    objectsDeleteByPrefix: q.statement<InBucket & { prefix: string }>(
      'DELETE FROM krutrim_objects WHERE namespace = @namespace AND bucket_id = @bucket AND object_key >= @prefix AND substr(object_key, 1, length(@prefix)) = @prefix',
    ),
    objectsExpire: q.statement<InBucket & { now: number }>(`DELETE FROM krutrim_objects AS o WHERE o.namespace = @namespace AND o.bucket_id = @bucket AND ${EXPIRED}`),

    // the S3 data plane (src/vendors/krutrim/s3.ts, migration 017): objects with their metadata
    objectsS3Page: q.mapped<InBucket & { prefix: string; after: string; limit: number }, [...ObjectMetaTuple, string], S3ObjectRow>(
      `SELECT ${OBJECT_META}, metadata FROM krutrim_objects WHERE namespace = @namespace AND bucket_id = @bucket AND object_key > @after
       AND substr(object_key, 1, length(@prefix)) = @prefix ORDER BY object_key LIMIT @limit`,
      toS3Object,
    ),
    objectS3Meta: q.mapped<InBucket & { key: string }, [...ObjectMetaTuple, string], S3ObjectRow>(
      `SELECT ${OBJECT_META}, metadata FROM krutrim_objects WHERE namespace = @namespace AND bucket_id = @bucket AND object_key = @key`, toS3Object,
    ),
    objectBody: q.statement<InBucket & { key: string }, { body: Buffer }>('SELECT body FROM krutrim_objects WHERE namespace = @namespace AND bucket_id = @bucket AND object_key = @key'),
    objectS3Put: q.statement<InBucket & { key: string; body: Buffer; size: number; contentType: string; etag: string; lastModified: number; metadata: string }>(
      `INSERT OR REPLACE INTO krutrim_objects (namespace, bucket_id, object_key, body, size_bytes, content_type, etag, storage_class, last_modified, metadata)
       VALUES (@namespace, @bucket, @key, @body, @size, @contentType, @etag, 'STANDARD', @lastModified, @metadata)`,
    ),
    objectsUsedBytes: q.statement<Ns, { n: number }>('SELECT coalesce(sum(size_bytes), 0) AS n FROM krutrim_objects WHERE namespace = @namespace'),

    // ---------------------------------------------------------------- lifecycle rules
    ruleInsert: q.statement<RuleParams>(
      `INSERT INTO krutrim_lifecycle_rules (namespace, rule_id, bucket_id, name, prefix, attribute, expiration_days, noncurrent_days, newer_noncurrent_versions,
       delete_incomplete_mpu, expired_obj_delete_marker, enabled, created_at, updated_at)
       VALUES (@namespace, @id, @bucket, @name, @prefix, @attribute, @expiration_days, @noncurrent_days, @newer_noncurrent_versions,
       @delete_incomplete_mpu, @expired_obj_delete_marker, @enabled, @now, @now)`,
    ),
    ruleUpdate: q.statement<RuleParams>(
      `UPDATE krutrim_lifecycle_rules SET name = @name, prefix = @prefix, attribute = @attribute, expiration_days = @expiration_days, noncurrent_days = @noncurrent_days,
       newer_noncurrent_versions = @newer_noncurrent_versions, delete_incomplete_mpu = @delete_incomplete_mpu, expired_obj_delete_marker = @expired_obj_delete_marker,
       enabled = @enabled, updated_at = @now WHERE namespace = @namespace AND bucket_id = @bucket AND rule_id = @id`,
    ),
    ruleById: q.mapped<InBucket & { id: string }, RuleTuple, RuleRow>(`SELECT ${RULE} FROM krutrim_lifecycle_rules WHERE namespace = @namespace AND bucket_id = @bucket AND rule_id = @id`, toRule),
    ruleByName: q.mapped<InBucket & { name: string }, RuleTuple, RuleRow>(`SELECT ${RULE} FROM krutrim_lifecycle_rules WHERE namespace = @namespace AND bucket_id = @bucket AND name = @name`, toRule),
    rulesByBucket: q.mapped<InBucket, RuleTuple, RuleRow>(`SELECT ${RULE} FROM krutrim_lifecycle_rules WHERE namespace = @namespace AND bucket_id = @bucket ORDER BY created_at, rowid`, toRule),
    ruleDelete: q.statement<InBucket & { id: string }>('DELETE FROM krutrim_lifecycle_rules WHERE namespace = @namespace AND bucket_id = @bucket AND rule_id = @id'),

    // ---------------------------------------------------------------- policies
    policyInsert: q.statement<InAccount & { id: string; customer: string; region: string; name: string; description: string; statements: string; conditions: string; now: number }>(
      `INSERT INTO krutrim_policies (namespace, policy_id, account_id, customer_id, region, name, description, statements, conditions, created_at, updated_at)
       VALUES (@namespace, @id, @account, @customer, @region, @name, @description, @statements, @conditions, @now, @now)`,
    ),
    policyUpdate: q.statement<Ns & { id: string; name: string; description: string; statements: string; conditions: string; now: number }>(
      'UPDATE krutrim_policies SET name = @name, description = @description, statements = @statements, conditions = @conditions, updated_at = @now WHERE namespace = @namespace AND policy_id = @id',
    ),
    policyById: q.mapped<InAccount & { id: string }, PolicyTuple, PolicyRow>(
      `SELECT ${POLICY} FROM krutrim_policies p WHERE p.namespace = @namespace AND p.account_id = @account AND p.policy_id = @id`, toPolicy,
    ),
    policyIdByName: q.statement<InAccount & { name: string }, { policy_id: string }>(
      'SELECT policy_id FROM krutrim_policies WHERE namespace = @namespace AND account_id = @account AND name = @name',
    ),
    policiesByAccount: q.mapped<InAccount, PolicyTuple, PolicyRow>(
      `SELECT ${POLICY} FROM krutrim_policies p WHERE p.namespace = @namespace AND p.account_id = @account ORDER BY p.created_at, p.rowid`, toPolicy,
    ),
    principalAttach: q.statement<Ns & { policy: string; kcid: string; now: number }>(
      'INSERT OR IGNORE INTO krutrim_policy_principals (namespace, policy_id, kcid, attached_at) VALUES (@namespace, @policy, @kcid, @now)',
    ),
    principalDetach: q.statement<Ns & { policy: string; kcid: string }>('DELETE FROM krutrim_policy_principals WHERE namespace = @namespace AND policy_id = @policy AND kcid = @kcid'),

    // ---------------------------------------------------------------- bucket policies
    bucketPolicyInsert: q.statement<InBucket & { id: string; readWrite: string; readOnly: string; now: number }>(
      `INSERT INTO krutrim_bucket_policies (namespace, bucket_id, policy_id, s3_read_write_ips, s3_read_only_ips, created_at, updated_at)
       VALUES (@namespace, @bucket, @id, @readWrite, @readOnly, @now, @now)`,
    ),
    bucketPolicyUpdate: q.statement<InBucket & { readWrite: string; readOnly: string; now: number }>(
      'UPDATE krutrim_bucket_policies SET s3_read_write_ips = @readWrite, s3_read_only_ips = @readOnly, updated_at = @now WHERE namespace = @namespace AND bucket_id = @bucket',
    ),
    bucketPolicyByBucket: q.mapped<InBucket, [string, string, string, number, number], BucketPolicyRow>(
      `SELECT ${BUCKET_POLICY} FROM krutrim_bucket_policies WHERE namespace = @namespace AND bucket_id = @bucket`, toBucketPolicy,
    ),
    bucketPolicyDelete: q.statement<InBucket>('DELETE FROM krutrim_bucket_policies WHERE namespace = @namespace AND bucket_id = @bucket'),
  };

  // Parts of the removals below: not run alone.
  const parts = {
    policyDelete: q.statement<Ns & { id: string }>('DELETE FROM krutrim_policies WHERE namespace = @namespace AND policy_id = @id'),
    principalsDeleteByPolicy: q.statement<Ns & { policy: string }>('DELETE FROM krutrim_policy_principals WHERE namespace = @namespace AND policy_id = @policy'),
    rulesDeleteByBucket: q.statement<InBucket>('DELETE FROM krutrim_lifecycle_rules WHERE namespace = @namespace AND bucket_id = @bucket'),
    objectsDeleteByBucket: q.statement<InBucket>('DELETE FROM krutrim_objects WHERE namespace = @namespace AND bucket_id = @bucket'),
    bucketDelete: q.statement<InBucket>('DELETE FROM krutrim_buckets WHERE namespace = @namespace AND bucket_id = @bucket'),
  };

  /** An account and everything under it, children first: its buckets' objects, rules and policies, then keys and sessions. */
  const BUCKETS = 'SELECT bucket_id FROM krutrim_buckets WHERE namespace = @namespace AND account_id = @account';
  const POLICIES = 'SELECT policy_id FROM krutrim_policies WHERE namespace = @namespace AND account_id = @account';
  const accountTreeDelete = [
    `DELETE FROM krutrim_policy_attachments WHERE namespace = @namespace AND policy_id IN (${POLICIES})`,
    `DELETE FROM krutrim_policy_principals WHERE namespace = @namespace AND policy_id IN (${POLICIES})`,
    ...['krutrim_objects', 'krutrim_lifecycle_rules', 'krutrim_policy_attachments', 'krutrim_bucket_policies'].map((t) => `DELETE FROM ${t} WHERE namespace = @namespace AND bucket_id IN (${BUCKETS})`),
    ...['krutrim_buckets', 'krutrim_policies', 'krutrim_sessions', 'krutrim_access_keys', 'krutrim_api_keys', 'krutrim_accounts'].map((t) => `DELETE FROM ${t} WHERE namespace = @namespace AND account_id = @account`),
  ].map((text) => q.statement<InAccount>(text));

  return {
    ...s,
    transaction: q.transaction,
    /** Removes an account with all it holds (a fixture re-load replaces it); atomic. */
    accountDelete: (key: InAccount): void => q.transaction(() => {
      for (const statement of accountTreeDelete) statement.run(key);
    }),
    /** Removes a bucket and what belongs to it (rules, IP policy, objects); atomic. */
    bucketRemove: (key: InBucket): void => q.transaction(() => {
      parts.rulesDeleteByBucket.run(key);
      s.bucketPolicyDelete.run(key);
      parts.objectsDeleteByBucket.run(key);
      parts.bucketDelete.run(key);
    }),
    /** Detaches a policy everywhere and removes it; atomic. */
    policyRemove: (key: Ns & { policy: string }): void => q.transaction(() => {
      parts.principalsDeleteByPolicy.run(key);
      parts.policyDelete.run({ namespace: key.namespace, id: key.policy });
    }),
  };
}

export type KrutrimStore = ReturnType<typeof build>;
export const krutrimStore: (db: Database) => KrutrimStore = perDatabase(build);
