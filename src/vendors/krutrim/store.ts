import type { Database } from 'better-sqlite3';
import { perDatabase } from '../../core/vendor.js';

/** Every SQL statement of the KOS emulator, prepared once per database. */

export interface RegionRow { namespace: string; region_id: string; tier: string }
export interface AccountRow { namespace: string; account_id: string; customer_id: string; name: string }
/** Keys, session and refresh tokens are stored as their `secretDigest` only. */
export interface ApiKeyRow { namespace: string; key_digest: string; name: string; account_id: string; rate_limit: number }
export interface AccessKeyRow {
  namespace: string; access_key: string; secret_key: string; account_id: string; key_name: string;
  region: string; tier: string; status: string; created_at: number;
}
export interface SessionRow {
  namespace: string; session_id: string; token_digest: string; refresh_digest: string; access_key: string;
  account_id: string; region: string; tier: string; created_at: number; last_active_at: number;
  expires_at: number; deactivated_at: number | null;
}
export interface BucketRow {
  namespace: string; bucket_id: string; name: string; account_id: string; customer_id: string; region: string;
  tier: string; description: string; tags: string; versioning: number; anonymous_access: number;
  allocated_capacity: number; created_at: number; updated_at: number;
}
export interface ObjectRow {
  namespace: string; bucket_id: string; object_key: string; body: Buffer; size_bytes: number;
  content_type: string; etag: string; storage_class: string; last_modified: number;
}
export type ObjectMeta = Omit<ObjectRow, 'body'>;
export interface RuleRow {
  namespace: string; rule_id: string; bucket_id: string; name: string; prefix: string; attribute: string | null;
  expiration_days: number | null; noncurrent_days: number | null; newer_noncurrent_versions: number | null;
  delete_incomplete_mpu: number | null; expired_obj_delete_marker: number; enabled: number;
  created_at: number; updated_at: number;
}
export interface PolicyRow {
  namespace: string; policy_id: string; account_id: string; customer_id: string; region: string; name: string;
  description: string; statements: string; conditions: string; created_at: number; updated_at: number;
}
export interface BucketPolicyRow {
  namespace: string; bucket_id: string; policy_id: string; s3_read_write_ips: string; s3_read_only_ips: string;
  created_at: number; updated_at: number;
}

const OBJECT_META = 'namespace, bucket_id, object_key, size_bytes, content_type, etag, storage_class, last_modified';

/** A prepared statement, as the store exposes it. */
export interface Stmt<P extends unknown[], R = unknown> {
  run(...params: P): { changes: number };
  get(...params: P): R | undefined;
  all(...params: P): R[];
}

function build(db: Database) {
  const prepare = <P extends unknown[], R = unknown>(sql: string): Stmt<P, R> => db.prepare<P, R>(sql);
  const s = {
    // regions, accounts, api keys
    insertRegion: prepare<[string, string, string]>('INSERT OR REPLACE INTO krutrim_regions (namespace, region_id, tier) VALUES (?, ?, ?)'),
    region: prepare<[string, string], RegionRow>('SELECT * FROM krutrim_regions WHERE namespace = ? AND region_id = ?'),
    regions: prepare<[string], RegionRow>('SELECT * FROM krutrim_regions WHERE namespace = ? ORDER BY rowid'),
    insertAccount: prepare<[string, string, string, string]>('INSERT INTO krutrim_accounts (namespace, account_id, customer_id, name) VALUES (?, ?, ?, ?)'),
    account: prepare<[string, string], AccountRow>('SELECT * FROM krutrim_accounts WHERE namespace = ? AND account_id = ?'),
    insertApiKey: prepare<[string, string, string, string, number]>('INSERT INTO krutrim_api_keys (namespace, key_digest, name, account_id, rate_limit) VALUES (?, ?, ?, ?, ?)'),
    /** By `secretDigest(api key)`: the key itself is never stored. */
    apiKeyByDigest: prepare<[string, string], ApiKeyRow>('SELECT * FROM krutrim_api_keys WHERE namespace = ? AND key_digest = ?'),

    // access keys
    insertAccessKey: prepare<[string, string, string, string, string, string, string, string, number]>(
      'INSERT INTO krutrim_access_keys (namespace, access_key, secret_key, account_id, key_name, region, tier, status, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
    ),
    accessKey: prepare<[string, string, string], AccessKeyRow>('SELECT * FROM krutrim_access_keys WHERE namespace = ? AND account_id = ? AND access_key = ?'),
    accessKeys: prepare<[string, string], AccessKeyRow>('SELECT * FROM krutrim_access_keys WHERE namespace = ? AND account_id = ? ORDER BY created_at, rowid'),
    // The dashboard's timeline (timeline.ts): the newest rows, at most `limit` per table, no secrets.
    recentAccessKeys: prepare<[string, number], Pick<AccessKeyRow, 'access_key' | 'key_name' | 'status'>>('SELECT access_key, key_name, status FROM krutrim_access_keys WHERE namespace = ? ORDER BY created_at DESC, rowid DESC LIMIT ?'),
    recentSessions: prepare<[string, number], Pick<SessionRow, 'session_id' | 'access_key' | 'created_at' | 'expires_at' | 'deactivated_at'>>('SELECT session_id, access_key, created_at, expires_at, deactivated_at FROM krutrim_sessions WHERE namespace = ? ORDER BY created_at DESC, rowid DESC LIMIT ?'),
    deleteAccessKey: prepare<[string, string, string]>('DELETE FROM krutrim_access_keys WHERE namespace = ? AND account_id = ? AND access_key = ?'),
    deleteAccessKeys: prepare<[string, string]>('DELETE FROM krutrim_access_keys WHERE namespace = ? AND account_id = ?'),

    // sessions
    insertSession: prepare<[string, string, string, string, string, string, string, string, number, number, number]>(
      'INSERT INTO krutrim_sessions (namespace, session_id, token_digest, refresh_digest, access_key, account_id, region, tier, created_at, last_active_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    ),
    /** By `secretDigest(session token)`: the token itself is never stored. */
    sessionByDigest: prepare<[string, string], SessionRow>('SELECT * FROM krutrim_sessions WHERE namespace = ? AND token_digest = ?'),
    deactivateForKey: prepare<[number, string, string, string]>(
      'UPDATE krutrim_sessions SET deactivated_at = ? WHERE namespace = ? AND account_id = ? AND access_key = ? AND deactivated_at IS NULL',
    ),
    deactivateForAccount: prepare<[number, string, string]>('UPDATE krutrim_sessions SET deactivated_at = ? WHERE namespace = ? AND account_id = ? AND deactivated_at IS NULL'),
    deactivateSession: prepare<[number, string, string]>('UPDATE krutrim_sessions SET deactivated_at = ? WHERE namespace = ? AND session_id = ? AND deactivated_at IS NULL'),
    refreshSession: prepare<[string, number, number, string, string]>(
      'UPDATE krutrim_sessions SET refresh_digest = ?, last_active_at = ?, expires_at = ? WHERE namespace = ? AND session_id = ?',
    ),
    touchSession: prepare<[number, string, string]>('UPDATE krutrim_sessions SET last_active_at = ? WHERE namespace = ? AND session_id = ?'),

    // buckets
    insertBucket: prepare<[string, string, string, string, string, string, string, string, string, number, number, number, number, number]>(
      'INSERT INTO krutrim_buckets (namespace, bucket_id, name, account_id, customer_id, region, tier, description, tags, versioning, anonymous_access, allocated_capacity, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    ),
    bucketById: prepare<[string, string, string], BucketRow>('SELECT * FROM krutrim_buckets WHERE namespace = ? AND account_id = ? AND bucket_id = ?'),
    bucketAnyAccount: prepare<[string, string], BucketRow>('SELECT * FROM krutrim_buckets WHERE namespace = ? AND bucket_id = ?'),
    bucketByName: prepare<[string, string], BucketRow>('SELECT * FROM krutrim_buckets WHERE namespace = ? AND name = ?'),
    buckets: prepare<[string, string], BucketRow>('SELECT * FROM krutrim_buckets WHERE namespace = ? AND account_id = ? ORDER BY created_at, name'),
    updateBucket: prepare<[string, string, number, number, number, string, string]>(
      'UPDATE krutrim_buckets SET description = ?, tags = ?, versioning = ?, anonymous_access = ?, updated_at = ? WHERE namespace = ? AND bucket_id = ?',
    ),
    deleteBucket: prepare<[string, string]>('DELETE FROM krutrim_buckets WHERE namespace = ? AND bucket_id = ?'),
    usedBytes: prepare<[string, string], { used: number }>('SELECT COALESCE(SUM(size_bytes), 0) AS used FROM krutrim_objects WHERE namespace = ? AND bucket_id = ?'),
    objectCount: prepare<[string, string], { n: number }>('SELECT count(*) AS n FROM krutrim_objects WHERE namespace = ? AND bucket_id = ?'),

    // objects
    upsertObject: prepare<[string, string, string, Buffer, number, string, string, string, number]>(
      `INSERT INTO krutrim_objects (namespace, bucket_id, object_key, body, size_bytes, content_type, etag, storage_class, last_modified) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (namespace, bucket_id, object_key) DO UPDATE SET body = excluded.body, size_bytes = excluded.size_bytes, content_type = excluded.content_type,
       etag = excluded.etag, storage_class = excluded.storage_class, last_modified = excluded.last_modified`,
    ),
    objectMeta: prepare<[string, string, string], ObjectMeta>(`SELECT ${OBJECT_META} FROM krutrim_objects WHERE namespace = ? AND bucket_id = ? AND object_key = ?`),
    object: prepare<[string, string, string], ObjectRow>('SELECT * FROM krutrim_objects WHERE namespace = ? AND bucket_id = ? AND object_key = ?'),
    objects: prepare<[string, string], ObjectMeta>(`SELECT ${OBJECT_META} FROM krutrim_objects WHERE namespace = ? AND bucket_id = ? ORDER BY object_key`),
    copyObject: prepare<[string, string, number, string, string, string]>(
      `INSERT OR REPLACE INTO krutrim_objects (namespace, bucket_id, object_key, body, size_bytes, content_type, etag, storage_class, last_modified)
       SELECT namespace, ?, ?, body, size_bytes, content_type, etag, storage_class, ? FROM krutrim_objects WHERE namespace = ? AND bucket_id = ? AND object_key = ?`,
    ),
    deleteObject: prepare<[string, string, string]>('DELETE FROM krutrim_objects WHERE namespace = ? AND bucket_id = ? AND object_key = ?'),
    deleteObjects: prepare<[string, string]>('DELETE FROM krutrim_objects WHERE namespace = ? AND bucket_id = ?'),

    // lifecycle rules
    insertRule: prepare<[string, string, string, string, string, string | null, number | null, number | null, number | null, number | null, number, number, number, number]>(
      `INSERT INTO krutrim_lifecycle_rules (namespace, rule_id, bucket_id, name, prefix, attribute, expiration_days, noncurrent_days, newer_noncurrent_versions,
       delete_incomplete_mpu, expired_obj_delete_marker, enabled, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    updateRule: prepare<[string, string, string | null, number | null, number | null, number | null, number | null, number, number, number, string, string]>(
      `UPDATE krutrim_lifecycle_rules SET name = ?, prefix = ?, attribute = ?, expiration_days = ?, noncurrent_days = ?, newer_noncurrent_versions = ?,
       delete_incomplete_mpu = ?, expired_obj_delete_marker = ?, enabled = ?, updated_at = ? WHERE namespace = ? AND rule_id = ?`,
    ),
    rule: prepare<[string, string, string], RuleRow>('SELECT * FROM krutrim_lifecycle_rules WHERE namespace = ? AND bucket_id = ? AND rule_id = ?'),
    ruleByName: prepare<[string, string, string], RuleRow>('SELECT * FROM krutrim_lifecycle_rules WHERE namespace = ? AND bucket_id = ? AND name = ?'),
    rules: prepare<[string, string], RuleRow>('SELECT * FROM krutrim_lifecycle_rules WHERE namespace = ? AND bucket_id = ? ORDER BY created_at, rowid'),
    deleteRule: prepare<[string, string]>('DELETE FROM krutrim_lifecycle_rules WHERE namespace = ? AND rule_id = ?'),
    deleteRules: prepare<[string, string]>('DELETE FROM krutrim_lifecycle_rules WHERE namespace = ? AND bucket_id = ?'),

    // policies
    insertPolicy: prepare<[string, string, string, string, string, string, string, string, string, number, number]>(
      'INSERT INTO krutrim_policies (namespace, policy_id, account_id, customer_id, region, name, description, statements, conditions, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    ),
    updatePolicy: prepare<[string, string, string, string, number, string, string]>(
      'UPDATE krutrim_policies SET name = ?, description = ?, statements = ?, conditions = ?, updated_at = ? WHERE namespace = ? AND policy_id = ?',
    ),
    policy: prepare<[string, string, string], PolicyRow>('SELECT * FROM krutrim_policies WHERE namespace = ? AND account_id = ? AND policy_id = ?'),
    policyByName: prepare<[string, string, string], PolicyRow>('SELECT * FROM krutrim_policies WHERE namespace = ? AND account_id = ? AND name = ?'),
    policies: prepare<[string, string], PolicyRow>('SELECT * FROM krutrim_policies WHERE namespace = ? AND account_id = ? ORDER BY created_at, rowid'),
    deletePolicy: prepare<[string, string]>('DELETE FROM krutrim_policies WHERE namespace = ? AND policy_id = ?'),
    attach: prepare<[string, string, string, number]>('INSERT OR IGNORE INTO krutrim_policy_principals (namespace, policy_id, kcid, attached_at) VALUES (?, ?, ?, ?)'),
    detach: prepare<[string, string, string]>('DELETE FROM krutrim_policy_principals WHERE namespace = ? AND policy_id = ? AND kcid = ?'),
    principals: prepare<[string, string], { kcid: string }>('SELECT kcid FROM krutrim_policy_principals WHERE namespace = ? AND policy_id = ? ORDER BY attached_at, rowid'),
    detachPolicy: prepare<[string, string]>('DELETE FROM krutrim_policy_principals WHERE namespace = ? AND policy_id = ?'),

    // bucket policies
    insertBucketPolicy: prepare<[string, string, string, string, string, number, number]>(
      'INSERT INTO krutrim_bucket_policies (namespace, bucket_id, policy_id, s3_read_write_ips, s3_read_only_ips, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
    ),
    updateBucketPolicy: prepare<[string, string, number, string, string]>(
      'UPDATE krutrim_bucket_policies SET s3_read_write_ips = ?, s3_read_only_ips = ?, updated_at = ? WHERE namespace = ? AND bucket_id = ?',
    ),
    bucketPolicy: prepare<[string, string], BucketPolicyRow>('SELECT * FROM krutrim_bucket_policies WHERE namespace = ? AND bucket_id = ?'),
    deleteBucketPolicy: prepare<[string, string]>('DELETE FROM krutrim_bucket_policies WHERE namespace = ? AND bucket_id = ?'),
  };
  /** An account and everything under it, children first: its buckets' objects, rules and policies, then keys and sessions. */
  const BUCKETS = 'SELECT bucket_id FROM krutrim_buckets WHERE namespace = @namespace AND account_id = @account';
  const deleteAccountTree = [
    'DELETE FROM krutrim_policy_attachments WHERE namespace = @namespace AND policy_id IN (SELECT policy_id FROM krutrim_policies WHERE namespace = @namespace AND account_id = @account)',
    'DELETE FROM krutrim_policy_principals WHERE namespace = @namespace AND policy_id IN (SELECT policy_id FROM krutrim_policies WHERE namespace = @namespace AND account_id = @account)',
    ...['krutrim_objects', 'krutrim_lifecycle_rules', 'krutrim_policy_attachments', 'krutrim_bucket_policies'].map((t) => `DELETE FROM ${t} WHERE namespace = @namespace AND bucket_id IN (${BUCKETS})`),
    ...['krutrim_buckets', 'krutrim_policies', 'krutrim_sessions', 'krutrim_access_keys', 'krutrim_api_keys', 'krutrim_accounts'].map((t) => `DELETE FROM ${t} WHERE namespace = @namespace AND account_id = @account`),
  ].map((sql) => prepare<[{ namespace: string; account: string }]>(sql));
  return {
    ...s,
    transaction: <T>(fn: () => T): T => db.transaction(fn)(),
    /** Removes an account with all it holds (a fixture re-load replaces it). */
    deleteAccount: (namespace: string, account: string): void => {
      for (const stmt of deleteAccountTree) stmt.run({ namespace, account });
    },
  };
}

export type KrutrimStore = ReturnType<typeof build>;
export const krutrimStore: (db: Database) => KrutrimStore = perDatabase(build);
