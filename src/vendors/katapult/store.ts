import type { Database } from 'better-sqlite3';
import { perDatabase } from '../../core/vendor.js';

/** Every SQL statement of the Katapult vendor, prepared once per database. Times are epoch ms. */

export interface TokenRow { token_digest: string; name: string; scopes: string; allowed_networks: string | null; rate_limit: number; expires_at: number | null }
export interface OrganizationRow { id: string; sub_domain: string; name: string; suspended: number; activated: number }
export interface ClusterRow { region: string; data_center: string }
export interface AccountRow { id: string; organization_id: string; region: string; created_at: number; provisioning: string; suspended: number; size: number; trash_id: string | null }
export interface TrashRow { id: string; object_id: string; object_type: string; trashed_at: number; keep_until: number; purge_task_id: string | null; purge_requested_at: number | null }
export interface AccessKeyRow {
  id: string; account_id: string; name: string; region: string; created_at: number;
  all_buckets_read: number; all_objects_read: number; all_objects_write: number;
  settled: number; pending_since: number | null; s3_access_key_id: string | null; s3_secret_hash: string | null; credentials_generated_at: number | null;
}
export interface BucketRow {
  name: string; account_id: string; region: string; label: string | null; created_at: number; pending_since: number;
  serve_static_site: number; static_site_index: string | null; static_site_error: string | null;
  public_read: number; public_list: number; all_keys_read: number; all_keys_write: number;
  read_key_ids: string; write_key_ids: string; custom_domains: string; cors_origins: string;
}
export interface ObjectRow { bucket_name: string; path: string; size: number | null }
export interface PresignedRow { id: string; bucket_name: string; path: string; created_at: number; expires_at: number; revoked_at: number | null; signature: string }

/** A prepared statement, typed locally so the declaration output can name it. */
export interface Stmt<P extends unknown[] = unknown[], R = unknown> {
  run(...params: P): { changes: number; lastInsertRowid: number | bigint };
  get(...params: P): R | undefined;
  all(...params: P): R[];
}

function prep<P extends unknown[] = unknown[], R = unknown>(db: Database, sql: string): Stmt<P, R> {
  return db.prepare<P, R>(sql) as unknown as Stmt<P, R>;
}

function create(db: Database) {
  const s = {
    /** By `secretDigest(token)`: the token itself is never stored. */
    tokenByDigest: prep<[string, string], TokenRow>(db, 'SELECT * FROM katapult_api_tokens WHERE namespace = ? AND token_digest = ?'),
    insertToken: prep(db, 'INSERT OR REPLACE INTO katapult_api_tokens (namespace, token_digest, name, scopes, allowed_networks, rate_limit, expires_at) VALUES (@namespace, @token_digest, @name, @scopes, @allowed_networks, @rate_limit, @expires_at)'),

    orgById: prep<[string, string], OrganizationRow>(db, 'SELECT * FROM katapult_organizations WHERE namespace = ? AND id = ?'),
    orgBySubDomain: prep<[string, string], OrganizationRow>(db, 'SELECT * FROM katapult_organizations WHERE namespace = ? AND sub_domain = ?'),
    orgIdsMatching: prep<[string, string, string], { id: string }>(db, 'SELECT id FROM katapult_organizations WHERE namespace = ? AND (id = ? OR sub_domain = ?)'),
    insertOrg: prep(db, 'INSERT INTO katapult_organizations (namespace, id, sub_domain, name, suspended, activated) VALUES (@namespace, @id, @sub_domain, @name, @suspended, @activated)'),

    cluster: prep<[string, string], ClusterRow>(db, 'SELECT * FROM katapult_clusters WHERE namespace = ? AND region = ?'),
    insertCluster: prep(db, 'INSERT OR REPLACE INTO katapult_clusters (namespace, region, data_center) VALUES (@namespace, @region, @data_center)'),

    accountFor: prep<[string, string, string], AccountRow>(db, 'SELECT * FROM katapult_accounts WHERE namespace = ? AND organization_id = ? AND region = ? ORDER BY created_at DESC LIMIT 1'),
    accountById: prep<[string, string], AccountRow>(db, 'SELECT * FROM katapult_accounts WHERE namespace = ? AND id = ?'),
    insertAccount: prep(db, 'INSERT INTO katapult_accounts (namespace, id, organization_id, region, created_at, provisioning, suspended, size, trash_id) VALUES (@namespace, @id, @organization_id, @region, @created_at, @provisioning, @suspended, @size, NULL)'),
    setAccountProvisioning: prep<[string, string, string]>(db, 'UPDATE katapult_accounts SET provisioning = ? WHERE namespace = ? AND id = ?'),
    setAccountTrash: prep<[string | null, string, string]>(db, 'UPDATE katapult_accounts SET trash_id = ? WHERE namespace = ? AND id = ?'),
    deleteAccount: prep<[string, string]>(db, 'DELETE FROM katapult_accounts WHERE namespace = ? AND id = ?'),
    bucketCount: prep<[string, string], { n: number }>(db, 'SELECT count(*) AS n FROM katapult_buckets WHERE namespace = ? AND account_id = ?'),

    trashById: prep<[string, string], TrashRow>(db, 'SELECT * FROM katapult_trash_objects WHERE namespace = ? AND id = ?'),
    trashByObject: prep<[string, string], TrashRow>(db, 'SELECT * FROM katapult_trash_objects WHERE namespace = ? AND object_id = ?'),
    trashPending: prep<[string], TrashRow>(db, 'SELECT * FROM katapult_trash_objects WHERE namespace = ?'),
    insertTrash: prep(db, 'INSERT INTO katapult_trash_objects (namespace, id, object_id, object_type, trashed_at, keep_until, purge_task_id, purge_requested_at) VALUES (@namespace, @id, @object_id, @object_type, @trashed_at, @keep_until, NULL, NULL)'),
    requestPurge: prep<[string, number, string, string]>(db, 'UPDATE katapult_trash_objects SET purge_task_id = ?, purge_requested_at = ? WHERE namespace = ? AND id = ?'),
    deleteTrash: prep<[string, string]>(db, 'DELETE FROM katapult_trash_objects WHERE namespace = ? AND id = ?'),

    keyById: prep<[string, string], AccessKeyRow>(db, 'SELECT * FROM katapult_access_keys WHERE namespace = ? AND id = ?'),
    keysForOrg: prep<[string, string, number, number], AccessKeyRow>(db, `SELECT k.* FROM katapult_access_keys k JOIN katapult_accounts a ON a.namespace = k.namespace AND a.id = k.account_id
      WHERE k.namespace = ? AND a.organization_id = ? AND a.trash_id IS NULL ORDER BY k.created_at, k.rowid LIMIT ? OFFSET ?`),
    keyCountForOrg: prep<[string, string], { n: number }>(db, `SELECT count(*) AS n FROM katapult_access_keys k JOIN katapult_accounts a ON a.namespace = k.namespace AND a.id = k.account_id
      WHERE k.namespace = ? AND a.organization_id = ? AND a.trash_id IS NULL`),
    insertKey: prep(db, `INSERT INTO katapult_access_keys (namespace, id, account_id, name, region, created_at, all_buckets_read, all_objects_read, all_objects_write, settled, pending_since, s3_access_key_id, s3_secret_hash, credentials_generated_at)
      VALUES (@namespace, @id, @account_id, @name, @region, @created_at, @all_buckets_read, @all_objects_read, @all_objects_write, @settled, @pending_since, @s3_access_key_id, @s3_secret_hash, @credentials_generated_at)`),
    updateKey: prep(db, 'UPDATE katapult_access_keys SET name = @name, all_buckets_read = @all_buckets_read, all_objects_read = @all_objects_read, all_objects_write = @all_objects_write, pending_since = @pending_since WHERE namespace = @namespace AND id = @id'),
    setKeyCredentials: prep(db, 'UPDATE katapult_access_keys SET s3_access_key_id = @s3_access_key_id, s3_secret_hash = @s3_secret_hash, credentials_generated_at = @now, pending_since = @now, settled = 1 WHERE namespace = @namespace AND id = @id'),
    settleKey: prep<[string, string]>(db, 'UPDATE katapult_access_keys SET settled = 1 WHERE namespace = ? AND id = ?'),
    deleteKey: prep<[string, string]>(db, 'DELETE FROM katapult_access_keys WHERE namespace = ? AND id = ?'),
    deleteKeysOfAccount: prep<[string, string]>(db, 'DELETE FROM katapult_access_keys WHERE namespace = ? AND account_id = ?'),
    keyByS3Id: prep<[string, string], AccessKeyRow>(db, 'SELECT * FROM katapult_access_keys WHERE namespace = ? AND s3_access_key_id = ?'),
    readBuckets: prep<[string, string, string], { name: string }>(db, `SELECT name FROM katapult_buckets WHERE namespace = ? AND account_id = ? AND EXISTS (SELECT 1 FROM json_each(read_key_ids) WHERE value = ?) ORDER BY created_at, name`),
    writeBuckets: prep<[string, string, string], { name: string }>(db, `SELECT name FROM katapult_buckets WHERE namespace = ? AND account_id = ? AND EXISTS (SELECT 1 FROM json_each(write_key_ids) WHERE value = ?) ORDER BY created_at, name`),

    bucket: prep<[string, string], BucketRow>(db, 'SELECT * FROM katapult_buckets WHERE namespace = ? AND name = ?'),
    insertBucket: prep(db, `INSERT INTO katapult_buckets (namespace, name, account_id, region, label, created_at, pending_since, serve_static_site, static_site_index, static_site_error, public_read, public_list, all_keys_read, all_keys_write, read_key_ids, write_key_ids, custom_domains, cors_origins)
      VALUES (@namespace, @name, @account_id, @region, @label, @created_at, @pending_since, @serve_static_site, @static_site_index, @static_site_error, @public_read, @public_list, @all_keys_read, @all_keys_write, @read_key_ids, @write_key_ids, @custom_domains, @cors_origins)`),
    updateBucket: prep(db, `UPDATE katapult_buckets SET label = @label, pending_since = @pending_since, serve_static_site = @serve_static_site, static_site_index = @static_site_index, static_site_error = @static_site_error,
      public_read = @public_read, public_list = @public_list, all_keys_read = @all_keys_read, all_keys_write = @all_keys_write, read_key_ids = @read_key_ids, write_key_ids = @write_key_ids, custom_domains = @custom_domains, cors_origins = @cors_origins
      WHERE namespace = @namespace AND name = @name`),
    deleteBucket: prep<[string, string]>(db, 'DELETE FROM katapult_buckets WHERE namespace = ? AND name = ?'),
    bucketsOfAccount: prep<[string, string], BucketRow>(db, 'SELECT * FROM katapult_buckets WHERE namespace = ? AND account_id = ?'),
    deleteBucketsOfAccount: prep<[string, string]>(db, 'DELETE FROM katapult_buckets WHERE namespace = ? AND account_id = ?'),
    setBucketAcl: prep<[string, string, string, string]>(db, 'UPDATE katapult_buckets SET read_key_ids = ?, write_key_ids = ? WHERE namespace = ? AND name = ?'),

    objectAt: prep<[string, string, string], ObjectRow>(db, 'SELECT * FROM katapult_objects WHERE namespace = ? AND bucket_name = ? AND path = ?'),
    objectsUnder: prep<[string, string, string], { n: number }>(db, "SELECT count(*) AS n FROM katapult_objects WHERE namespace = ? AND bucket_name = ? AND path LIKE ? ESCAPE '\\'"),
    objectStats: prep<[string, string], { n: number; size: number | null }>(db, 'SELECT count(*) AS n, sum(size) AS size FROM katapult_objects WHERE namespace = ? AND bucket_name = ?'),
    insertObject: prep(db, 'INSERT OR REPLACE INTO katapult_objects (namespace, bucket_name, path, size) VALUES (@namespace, @bucket_name, @path, @size)'),
    deleteObjectsOfBucket: prep<[string, string]>(db, 'DELETE FROM katapult_objects WHERE namespace = ? AND bucket_name = ?'),

    insertPresigned: prep(db, 'INSERT INTO katapult_presigned_urls (namespace, id, bucket_name, path, created_at, expires_at, revoked_at, signature) VALUES (@namespace, @id, @bucket_name, @path, @created_at, @expires_at, NULL, @signature)'),
    revokePresigned: prep<[number, string, string]>(db, 'UPDATE katapult_presigned_urls SET revoked_at = ? WHERE namespace = ? AND bucket_name = ? AND revoked_at IS NULL'),
    presignedBySignature: prep<[string, string], PresignedRow>(db, 'SELECT * FROM katapult_presigned_urls WHERE namespace = ? AND signature = ?'),
    deletePresignedOfBucket: prep<[string, string]>(db, 'DELETE FROM katapult_presigned_urls WHERE namespace = ? AND bucket_name = ?'),

    // The dashboard's timeline (timeline.ts): the newest rows of a namespace, at most `limit` per table.
    recentTokens: prep<[string, number], Pick<TokenRow, 'name' | 'expires_at'>>(db, 'SELECT name, expires_at FROM katapult_api_tokens WHERE namespace = ? ORDER BY rowid DESC LIMIT ?'),
    recentAccounts: prep<[string, number], AccountRow>(db, 'SELECT * FROM katapult_accounts WHERE namespace = ? ORDER BY created_at DESC, rowid DESC LIMIT ?'),
    recentKeys: prep<[string, number], AccessKeyRow>(db, 'SELECT * FROM katapult_access_keys WHERE namespace = ? ORDER BY created_at DESC, rowid DESC LIMIT ?'),
    recentBuckets: prep<[string, number], BucketRow>(db, 'SELECT * FROM katapult_buckets WHERE namespace = ? ORDER BY created_at DESC, rowid DESC LIMIT ?'),
    recentTrash: prep<[string, number], TrashRow>(db, 'SELECT * FROM katapult_trash_objects WHERE namespace = ? ORDER BY trashed_at DESC, rowid DESC LIMIT ?'),
  };
  /** An organization and everything under it (accounts, their trash, keys, buckets, objects, presigned URLs), children first. */
  const ORG_ACCOUNTS = 'SELECT id FROM katapult_accounts WHERE namespace = @namespace AND organization_id = @org';
  const ORG_BUCKETS = `SELECT name FROM katapult_buckets WHERE namespace = @namespace AND account_id IN (${ORG_ACCOUNTS})`;
  const deleteOrgTree = [
    `DELETE FROM katapult_objects WHERE namespace = @namespace AND bucket_name IN (${ORG_BUCKETS})`,
    `DELETE FROM katapult_presigned_urls WHERE namespace = @namespace AND bucket_name IN (${ORG_BUCKETS})`,
    `DELETE FROM katapult_trash_objects WHERE namespace = @namespace AND object_id IN (${ORG_ACCOUNTS})`,
    `DELETE FROM katapult_access_keys WHERE namespace = @namespace AND account_id IN (${ORG_ACCOUNTS})`,
    `DELETE FROM katapult_buckets WHERE namespace = @namespace AND account_id IN (${ORG_ACCOUNTS})`,
    'DELETE FROM katapult_accounts WHERE namespace = @namespace AND organization_id = @org',
    'DELETE FROM katapult_organizations WHERE namespace = @namespace AND id = @org',
  ].map((sql) => prep<[{ namespace: string; org: string }]>(db, sql));
  return {
    ...s,
    /** Removes the organization with this id or sub-domain (a fixture re-load replaces it) with all it holds. */
    deleteOrganization(namespace: string, id: string, subDomain: string): void {
      for (const { id: org } of s.orgIdsMatching.all(namespace, id, subDomain)) for (const stmt of deleteOrgTree) stmt.run({ namespace, org });
    },
  };
}

export type KatapultStore = ReturnType<typeof create>;
export const katapultStore = perDatabase(create);
