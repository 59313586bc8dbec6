import type { Database } from 'better-sqlite3';
import { sql } from '../../core/sql.js';
import { perDatabase } from '../../core/vendor.js';
import type { DataCenter } from './schemas.js';

/**
 * Every SQL statement of the Katapult vendor, prepared once per database. Rows are read in raw
 * (array) mode and turned into the objects below here: 0/1 columns become booleans, JSON columns
 * arrays, so the service never sees a column.
 */

export interface ApiToken {
  /** `secretDigest(token)`: the token itself is never stored. */
  digest: string;
  name: string;
  scopes: string[];
  allowedNetworks: string[];
  rateLimit: number;
  expiresAt: number | null;
}

export interface Organization { id: string; subDomain: string; name: string; suspended: boolean; activated: boolean }
export interface Cluster { region: string; dataCenter: DataCenter }

export type Provisioning = 'provisioning' | 'provisioned' | 'failed';
export interface Account {
  id: string;
  organizationId: string;
  region: string;
  createdAt: number;
  provisioning: Provisioning;
  suspended: boolean;
  size: number;
  trashId: string | null;
  bucketCount: number;
}

export interface TrashEntry {
  id: string;
  objectId: string;
  objectType: string;
  trashedAt: number;
  /** Unix seconds. */
  keepUntil: number;
  purgeTaskId: string | null;
  purgeRequestedAt: number | null;
}

export interface AccessKey {
  id: string;
  accountId: string;
  name: string;
  region: string;
  createdAt: number;
  allBucketsRead: boolean;
  allObjectsRead: boolean;
  allObjectsWrite: boolean;
  /** Provisioning finished (written the first time a read sees it done). */
  settled: boolean;
  /** Configuring since (generate_credentials or PATCH); null when it never was. */
  pendingSince: number | null;
  s3AccessKeyId: string | null;
}

/** A key as the API shows it: with the buckets whose lists name it and its account's trash state. */
export interface AccessKeyView extends AccessKey {
  /** Empty when the key reads (writes) every object: the list is then not asked for. */
  readBuckets: string[];
  writeBuckets: string[];
  /** The trash object of the key's account, when the account is in the trash. */
  accountTrashId: string | null;
}

/** A key as the S3 plane sees it: its latest secret (SigV4 needs it) and its account. */
interface S3AccessKey {
  key: AccessKey;
  s3Secret: string | null;
  s3SecretHash: string | null;
  account: { trashId: string | null; suspended: boolean } | undefined;
}

export interface Bucket {
  name: string;
  accountId: string;
  region: string;
  label: string | null;
  createdAt: number;
  pendingSince: number;
  serveStaticSite: boolean;
  staticSiteIndex: string | null;
  staticSiteError: string | null;
  publicRead: boolean;
  publicList: boolean;
  allKeysRead: boolean;
  allKeysWrite: boolean;
  readKeyIds: string[];
  writeKeyIds: string[];
  customDomains: string[];
  corsOrigins: string[];
}
/** What a bucket read gives besides the bucket: its account's trash state. */
interface BucketWithAccount { bucket: Bucket; accountTrashId: string | null }
/** The properties a create or PATCH sets. */
export type BucketProperties = Omit<Bucket, 'name' | 'accountId' | 'region' | 'createdAt' | 'pendingSince'>;

interface ObjectStats { count: number; size: number }
/** An object as the S3 plane sees it: fixture objects have no bytes (NULL body, etag, type, time). */
export interface S3ObjectRow { path: string; size: number | null; etag: string | null; contentType: string | null; lastModified: number; metadata: string | null }
interface S3ObjectWrite { path: string; size: number; body: Buffer; etag: string; contentType: string; lastModified: number; metadata: string }

export interface PresignedUrl { id: string; bucketName: string; path: string; createdAt: number; expiresAt: number; revokedAt: number | null }

const bool = (n: number): boolean => n === 1;
const int = (b: boolean): number => (b ? 1 : 0);
const strings = (text: string): string[] => JSON.parse(text) as string[];

/** The leading columns of a longer row: a mapper of them also takes a row with more columns after. */
type Leading<T extends readonly unknown[]> = { readonly [K in keyof T as K extends `${number}` ? K : never]: T[K] };

const KEY_COLUMNS = 'k.id, k.account_id, k.name, k.region, k.created_at, k.all_buckets_read, k.all_objects_read, k.all_objects_write, k.settled, k.pending_since, k.s3_access_key_id';
type KeyTuple = [string, string, string, string, number, number, number, number, number, number | null, string | null];
const accessKey = (r: Leading<KeyTuple>): AccessKey => ({
  id: r[0], accountId: r[1], name: r[2], region: r[3], createdAt: r[4], allBucketsRead: bool(r[5]), allObjectsRead: bool(r[6]),
  allObjectsWrite: bool(r[7]), settled: bool(r[8]), pendingSince: r[9], s3AccessKeyId: r[10],
});
/** The account's buckets whose `read_key_ids` (`write_key_ids`) name the key, as a JSON array, in one statement with the key. */
const keyBuckets = (list: 'read' | 'write') => `CASE WHEN k.all_objects_${list} = 1 THEN '[]' ELSE (SELECT json_group_array(b.name ORDER BY b.created_at, b.name) FROM katapult_buckets b
  WHERE b.namespace = @namespace AND b.account_id = k.account_id AND EXISTS (SELECT 1 FROM json_each(b.${list}_key_ids) WHERE value = k.id)) END`;
const KEY_VIEW_COLUMNS = `${KEY_COLUMNS}, ${keyBuckets('read')}, ${keyBuckets('write')}, a.trash_id`;
type KeyViewTuple = [...KeyTuple, string, string, string | null];
const accessKeyView = (r: KeyViewTuple): AccessKeyView => ({ ...accessKey(r), readBuckets: strings(r[11]), writeBuckets: strings(r[12]), accountTrashId: r[13] });

const ACCOUNT_COLUMNS = 'a.id, a.organization_id, a.region, a.created_at, a.provisioning, a.suspended, a.size, a.trash_id, (SELECT count(*) FROM katapult_buckets b WHERE b.namespace = @namespace AND b.account_id = a.id)';
type AccountTuple = [string, string, string, number, Provisioning, number, number, string | null, number];
const account = (r: AccountTuple): Account => ({
  id: r[0], organizationId: r[1], region: r[2], createdAt: r[3], provisioning: r[4], suspended: bool(r[5]), size: r[6], trashId: r[7], bucketCount: r[8],
});

const BUCKET_COLUMNS = `b.name, b.account_id, b.region, b.label, b.created_at, b.pending_since, b.serve_static_site, b.static_site_index, b.static_site_error,
  b.public_read, b.public_list, b.all_keys_read, b.all_keys_write, b.read_key_ids, b.write_key_ids, b.custom_domains, b.cors_origins`;
type BucketTuple = [string, string, string, string | null, number, number, number, string | null, string | null, number, number, number, number, string, string, string, string];
const bucket = (r: Leading<BucketTuple>): Bucket => ({
  name: r[0], accountId: r[1], region: r[2], label: r[3], createdAt: r[4], pendingSince: r[5], serveStaticSite: bool(r[6]), staticSiteIndex: r[7], staticSiteError: r[8],
  publicRead: bool(r[9]), publicList: bool(r[10]), allKeysRead: bool(r[11]), allKeysWrite: bool(r[12]),
  readKeyIds: strings(r[13]), writeKeyIds: strings(r[14]), customDomains: strings(r[15]), corsOrigins: strings(r[16]),
});
const bucketParams = (p: BucketProperties) => ({
  label: p.label, serve_static_site: int(p.serveStaticSite), static_site_index: p.staticSiteIndex, static_site_error: p.staticSiteError,
  public_read: int(p.publicRead), public_list: int(p.publicList), all_keys_read: int(p.allKeysRead), all_keys_write: int(p.allKeysWrite),
  read_key_ids: JSON.stringify(p.readKeyIds), write_key_ids: JSON.stringify(p.writeKeyIds), custom_domains: JSON.stringify(p.customDomains), cors_origins: JSON.stringify(p.corsOrigins),
});
type BucketParams = ReturnType<typeof bucketParams>;

const TRASH_COLUMNS = 'id, object_id, object_type, trashed_at, keep_until, purge_task_id, purge_requested_at';
type TrashTuple = [string, string, string, number, number, string | null, number | null];
const trash = (r: TrashTuple): TrashEntry => ({ id: r[0], objectId: r[1], objectType: r[2], trashedAt: r[3], keepUntil: r[4], purgeTaskId: r[5], purgeRequestedAt: r[6] });

const S3_OBJECT_COLUMNS = 'o.path, o.size, o.etag, o.content_type, coalesce(o.last_modified, b.created_at), o.metadata';
type S3ObjectTuple = [string, number | null, string | null, string | null, number, string | null];
const s3Object = (r: S3ObjectTuple): S3ObjectRow => ({ path: r[0], size: r[1], etag: r[2], contentType: r[3], lastModified: r[4], metadata: r[5] });

type Ns = { namespace: string };
type ById = Ns & { id: string };

function create(db: Database) {
  const q = sql(db);
  const s = {
    // Every request's credential: remembered until the next write (core/sql.ts).
    tokenByDigest: q.remembered<Ns & { digest: string }, [string, string, string, string | null, number, number | null], ApiToken>(
      'SELECT token_digest, name, scopes, allowed_networks, rate_limit, expires_at FROM katapult_api_tokens WHERE namespace = @namespace AND token_digest = @digest',
      (r) => ({ digest: r[0], name: r[1], scopes: strings(r[2]), allowedNetworks: r[3] ? strings(r[3]) : [], rateLimit: r[4], expiresAt: r[5] }),
    ),
    tokenInsert: q.statement<Ns & { token_digest: string; name: string; scopes: string; allowed_networks: string | null; rate_limit: number; expires_at: number | null }>(
      'INSERT OR REPLACE INTO katapult_api_tokens (namespace, token_digest, name, scopes, allowed_networks, rate_limit, expires_at) VALUES (@namespace, @token_digest, @name, @scopes, @allowed_networks, @rate_limit, @expires_at)',
    ),

    organizationById: q.mapped<ById, [string, string, string, number, number], Organization>(
      'SELECT id, sub_domain, name, suspended, activated FROM katapult_organizations WHERE namespace = @namespace AND id = @id',
      (r) => ({ id: r[0], subDomain: r[1], name: r[2], suspended: bool(r[3]), activated: bool(r[4]) }),
    ),
    organizationBySubDomain: q.mapped<Ns & { subDomain: string }, [string, string, string, number, number], Organization>(
      'SELECT id, sub_domain, name, suspended, activated FROM katapult_organizations WHERE namespace = @namespace AND sub_domain = @subDomain',
      (r) => ({ id: r[0], subDomain: r[1], name: r[2], suspended: bool(r[3]), activated: bool(r[4]) }),
    ),
    organizationIdsMatching: q.mapped<ById & { subDomain: string }, [string], string>(
      'SELECT id FROM katapult_organizations WHERE namespace = @namespace AND (id = @id OR sub_domain = @subDomain)',
      (r) => r[0],
    ),
    organizationInsert: q.statement<ById & { sub_domain: string; name: string; suspended: number; activated: number }>(
      'INSERT INTO katapult_organizations (namespace, id, sub_domain, name, suspended, activated) VALUES (@namespace, @id, @sub_domain, @name, @suspended, @activated)',
    ),

    clusterByRegion: q.mapped<Ns & { region: string }, [string, string], Cluster>(
      'SELECT region, data_center FROM katapult_clusters WHERE namespace = @namespace AND region = @region',
      (r) => ({ region: r[0], dataCenter: JSON.parse(r[1]) as DataCenter }),
    ),
    clusterInsert: q.statement<Ns & { region: string; data_center: string }>('INSERT OR REPLACE INTO katapult_clusters (namespace, region, data_center) VALUES (@namespace, @region, @data_center)'),

    /** The newest account of an organization in a region, with its bucket count. */
    accountByOrganization: q.mapped<Ns & { organization: string; region: string }, AccountTuple, Account>(
      `SELECT ${ACCOUNT_COLUMNS} FROM katapult_accounts a WHERE a.namespace = @namespace AND a.organization_id = @organization AND a.region = @region ORDER BY a.created_at DESC LIMIT 1`,
      account,
    ),
    accountInsert: q.statement<ById & { organization_id: string; region: string; created_at: number; provisioning: Provisioning; suspended: number; size: number }>(
      'INSERT INTO katapult_accounts (namespace, id, organization_id, region, created_at, provisioning, suspended, size, trash_id) VALUES (@namespace, @id, @organization_id, @region, @created_at, @provisioning, @suspended, @size, NULL)',
    ),
    accountSetProvisioning: q.statement<ById & { provisioning: Provisioning }>('UPDATE katapult_accounts SET provisioning = @provisioning WHERE namespace = @namespace AND id = @id'),
    accountSetTrash: q.statement<ById & { trash: string | null }>('UPDATE katapult_accounts SET trash_id = @trash WHERE namespace = @namespace AND id = @id'),

    trashById: q.mapped<ById, TrashTuple, TrashEntry>(`SELECT ${TRASH_COLUMNS} FROM katapult_trash_objects WHERE namespace = @namespace AND id = @id`, trash),
    trashByObject: q.mapped<Ns & { object: string }, TrashTuple, TrashEntry>(`SELECT ${TRASH_COLUMNS} FROM katapult_trash_objects WHERE namespace = @namespace AND object_id = @object`, trash),
    /** The trash that may be gone by now: purge requested (its task's transition decides) or kept past keep_until; two index searches (migration 026). */
    trashMaybeDue: q.mapped<Ns & { nowSeconds: number }, TrashTuple, TrashEntry>(
      `SELECT ${TRASH_COLUMNS} FROM katapult_trash_objects WHERE namespace = @namespace AND purge_requested_at IS NOT NULL
      UNION ALL SELECT ${TRASH_COLUMNS} FROM katapult_trash_objects WHERE namespace = @namespace AND keep_until <= @nowSeconds AND purge_requested_at IS NULL`,
      trash,
    ),
    trashInsert: q.statement<ById & { object_id: string; object_type: string; trashed_at: number; keep_until: number }>(
      'INSERT INTO katapult_trash_objects (namespace, id, object_id, object_type, trashed_at, keep_until, purge_task_id, purge_requested_at) VALUES (@namespace, @id, @object_id, @object_type, @trashed_at, @keep_until, NULL, NULL)',
    ),
    trashRequestPurge: q.statement<ById & { task: string; now: number }>('UPDATE katapult_trash_objects SET purge_task_id = @task, purge_requested_at = @now WHERE namespace = @namespace AND id = @id'),
    trashDelete: q.statement<ById>('DELETE FROM katapult_trash_objects WHERE namespace = @namespace AND id = @id'),

    /** A key with its buckets and its account's trash state: one statement for the whole view, remembered until the next write. */
    keyById: q.remembered<ById, KeyViewTuple, AccessKeyView>(
      `SELECT ${KEY_VIEW_COLUMNS} FROM katapult_access_keys k LEFT JOIN katapult_accounts a ON a.namespace = k.namespace AND a.id = k.account_id WHERE k.namespace = @namespace AND k.id = @id`,
      accessKeyView,
    ),
    /** Which account a key belongs to (a bucket's key lists may only name the account's keys). */
    keyAccountById: q.mapped<ById, [string], string>('SELECT account_id FROM katapult_access_keys WHERE namespace = @namespace AND id = @id', (r) => r[0]),
    /** A page of an organization's keys (accounts not in the trash), each with its buckets. */
    keysByOrganization: q.mapped<Ns & { organization: string; limit: number; offset: number }, KeyViewTuple, AccessKeyView>(
      `SELECT ${KEY_VIEW_COLUMNS} FROM katapult_access_keys k JOIN katapult_accounts a ON a.namespace = k.namespace AND a.id = k.account_id
      WHERE k.namespace = @namespace AND a.organization_id = @organization AND a.trash_id IS NULL ORDER BY k.created_at, k.rowid LIMIT @limit OFFSET @offset`,
      accessKeyView,
    ),
    keyCountByOrganization: q.mapped<Ns & { organization: string }, [number], number>(
      `SELECT count(*) FROM katapult_access_keys k JOIN katapult_accounts a ON a.namespace = k.namespace AND a.id = k.account_id
      WHERE k.namespace = @namespace AND a.organization_id = @organization AND a.trash_id IS NULL`,
      (r) => r[0],
    ),
    keyInsertRaw: q.statement<ById & { account_id: string; name: string; region: string; created_at: number; all_buckets_read: number; all_objects_read: number; all_objects_write: number;
      settled: number; pending_since: number | null; s3_access_key_id: string | null; s3_secret_hash: string | null; s3_secret: string | null; credentials_generated_at: number | null }>(
      `INSERT INTO katapult_access_keys (namespace, id, account_id, name, region, created_at, all_buckets_read, all_objects_read, all_objects_write, settled, pending_since, s3_access_key_id, s3_secret_hash, s3_secret, credentials_generated_at)
      VALUES (@namespace, @id, @account_id, @name, @region, @created_at, @all_buckets_read, @all_objects_read, @all_objects_write, @settled, @pending_since, @s3_access_key_id, @s3_secret_hash, @s3_secret, @credentials_generated_at)`,
    ),
    keyUpdateRaw: q.statement<ById & { name: string; all_buckets_read: number; all_objects_read: number; all_objects_write: number; pending_since: number }>(
      'UPDATE katapult_access_keys SET name = @name, all_buckets_read = @all_buckets_read, all_objects_read = @all_objects_read, all_objects_write = @all_objects_write, pending_since = @pending_since WHERE namespace = @namespace AND id = @id',
    ),
    /** New S3 credentials: the secret's hash verifies, the secret itself signs (SigV4), the key configures again. */
    keySetCredentials: q.statement<ById & { s3_access_key_id: string; s3_secret_hash: string; s3_secret: string; now: number }>(
      'UPDATE katapult_access_keys SET s3_access_key_id = @s3_access_key_id, s3_secret_hash = @s3_secret_hash, s3_secret = @s3_secret, credentials_generated_at = @now, pending_since = @now, settled = 1 WHERE namespace = @namespace AND id = @id',
    ),
    keySettle: q.statement<ById>('UPDATE katapult_access_keys SET settled = 1 WHERE namespace = @namespace AND id = @id'),
    keyDelete: q.statement<ById>('DELETE FROM katapult_access_keys WHERE namespace = @namespace AND id = @id'),
    keyByS3Id: q.remembered<Ns & { s3Id: string }, [...KeyTuple, string | null, string | null, string | null, number | null], S3AccessKey>(
      `SELECT ${KEY_COLUMNS}, k.s3_secret, k.s3_secret_hash, a.trash_id, a.suspended FROM katapult_access_keys k LEFT JOIN katapult_accounts a ON a.namespace = k.namespace AND a.id = k.account_id
      WHERE k.namespace = @namespace AND k.s3_access_key_id = @s3Id`,
      (r) => ({ key: accessKey(r), s3Secret: r[11], s3SecretHash: r[12], account: r[14] === null ? undefined : { trashId: r[13], suspended: bool(r[14]) } }),
    ),

    bucketByName: q.mapped<Ns & { name: string }, [...BucketTuple, string | null], BucketWithAccount>(
      `SELECT ${BUCKET_COLUMNS}, a.trash_id FROM katapult_buckets b LEFT JOIN katapult_accounts a ON a.namespace = b.namespace AND a.id = b.account_id WHERE b.namespace = @namespace AND b.name = @name`,
      (r) => ({ bucket: bucket(r), accountTrashId: r[17] }),
    ),
    bucketsByAccount: q.mapped<Ns & { account: string }, BucketTuple, Bucket>(`SELECT ${BUCKET_COLUMNS} FROM katapult_buckets b WHERE b.namespace = @namespace AND b.account_id = @account`, bucket),
    bucketExists: q.mapped<Ns & { name: string }, [number], boolean>('SELECT 1 FROM katapult_buckets WHERE namespace = @namespace AND name = @name', () => true),
    bucketInsertRaw: q.statement<Ns & BucketParams & { name: string; account_id: string; region: string; created_at: number; pending_since: number }>(
      `INSERT INTO katapult_buckets (namespace, name, account_id, region, label, created_at, pending_since, serve_static_site, static_site_index, static_site_error, public_read, public_list, all_keys_read, all_keys_write, read_key_ids, write_key_ids, custom_domains, cors_origins)
      VALUES (@namespace, @name, @account_id, @region, @label, @created_at, @pending_since, @serve_static_site, @static_site_index, @static_site_error, @public_read, @public_list, @all_keys_read, @all_keys_write, @read_key_ids, @write_key_ids, @custom_domains, @cors_origins)`,
    ),
    bucketUpdateRaw: q.statement<Ns & BucketParams & { name: string; pending_since: number }>(
      `UPDATE katapult_buckets SET label = @label, pending_since = @pending_since, serve_static_site = @serve_static_site, static_site_index = @static_site_index, static_site_error = @static_site_error,
      public_read = @public_read, public_list = @public_list, all_keys_read = @all_keys_read, all_keys_write = @all_keys_write, read_key_ids = @read_key_ids, write_key_ids = @write_key_ids, custom_domains = @custom_domains, cors_origins = @cors_origins
      WHERE namespace = @namespace AND name = @name`,
    ),
    /** A deleted key leaves the key lists of its account's buckets, in one statement (order kept). */
    bucketsForgetKey: q.statement<Ns & { account: string; key: string }>(
      `UPDATE katapult_buckets SET read_key_ids = (SELECT json_group_array(value ORDER BY key) FROM json_each(read_key_ids) WHERE value <> @key),
      write_key_ids = (SELECT json_group_array(value ORDER BY key) FROM json_each(write_key_ids) WHERE value <> @key) WHERE namespace = @namespace AND account_id = @account`,
    ),
    bucketDelete: q.statement<Ns & { name: string }>('DELETE FROM katapult_buckets WHERE namespace = @namespace AND name = @name'),

    objectByPath: q.mapped<Ns & { bucket: string; path: string }, [number | null], { size: number | null }>(
      'SELECT size FROM katapult_objects WHERE namespace = @namespace AND bucket_name = @bucket AND path = @path',
      (r) => ({ size: r[0] }),
    ),
    /** Is anything stored under `prefix` (LIKE pattern, `\` escapes)? A folder exists when it holds an object. */
    objectUnderPrefix: q.mapped<Ns & { bucket: string; pattern: string }, [number], boolean>(
      "SELECT 1 FROM katapult_objects WHERE namespace = @namespace AND bucket_name = @bucket AND path LIKE @pattern ESCAPE '\\' LIMIT 1",
      () => true,
    ),
    objectStatsByBucket: q.mapped<Ns & { bucket: string }, [number, number | null], ObjectStats>(
      'SELECT count(*), sum(size) FROM katapult_objects WHERE namespace = @namespace AND bucket_name = @bucket',
      (r) => ({ count: r[0], size: r[1] ?? 0 }),
    ),
    objectInsert: q.statement<Ns & { bucket_name: string; path: string; size: number | null }>('INSERT OR REPLACE INTO katapult_objects (namespace, bucket_name, path, size) VALUES (@namespace, @bucket_name, @path, @size)'),

    // The S3 data plane (src/vendors/katapult/s3.ts, migration 016). Only objects written over S3 have
    // bytes (and an etag); the byte count reads etag, not body, so it never walks a BLOB.
    s3ObjectsAfter: q.mapped<Ns & { bucket: string; after: string; prefix: string; limit: number }, S3ObjectTuple, S3ObjectRow>(
      `SELECT ${S3_OBJECT_COLUMNS} FROM katapult_objects o JOIN katapult_buckets b ON b.namespace = o.namespace AND b.name = o.bucket_name
      WHERE o.namespace = @namespace AND o.bucket_name = @bucket AND o.path > @after AND substr(o.path, 1, length(@prefix)) = @prefix ORDER BY o.path LIMIT @limit`,
      s3Object,
    ),
    s3ObjectByPath: q.mapped<Ns & { bucket: string; path: string }, S3ObjectTuple, S3ObjectRow>(
      `SELECT ${S3_OBJECT_COLUMNS} FROM katapult_objects o JOIN katapult_buckets b ON b.namespace = o.namespace AND b.name = o.bucket_name WHERE o.namespace = @namespace AND o.bucket_name = @bucket AND o.path = @path`,
      s3Object,
    ),
    s3BodyByPath: q.mapped<Ns & { bucket: string; path: string }, [Buffer | null, number | null], { body: Buffer | null; size: number | null }>(
      'SELECT body, size FROM katapult_objects WHERE namespace = @namespace AND bucket_name = @bucket AND path = @path',
      (r) => ({ body: r[0], size: r[1] }),
    ),
    s3ObjectPutRaw: q.statement<Ns & { bucket: string; path: string; size: number; body: Buffer; etag: string; content_type: string; last_modified: number; metadata: string }>(
      'INSERT OR REPLACE INTO katapult_objects (namespace, bucket_name, path, size, body, etag, content_type, last_modified, metadata) VALUES (@namespace, @bucket, @path, @size, @body, @etag, @content_type, @last_modified, @metadata)',
    ),
    s3ObjectDelete: q.statement<Ns & { bucket: string; path: string }>('DELETE FROM katapult_objects WHERE namespace = @namespace AND bucket_name = @bucket AND path = @path'),
    s3BytesUsed: q.mapped<Ns, [number], number>('SELECT coalesce(sum(size), 0) FROM katapult_objects WHERE namespace = @namespace AND etag IS NOT NULL', (r) => r[0]),

    presignedInsert: q.statement<ById & { bucket_name: string; path: string; created_at: number; expires_at: number; signature: string }>(
      'INSERT INTO katapult_presigned_urls (namespace, id, bucket_name, path, created_at, expires_at, revoked_at, signature) VALUES (@namespace, @id, @bucket_name, @path, @created_at, @expires_at, NULL, @signature)',
    ),
    presignedRevokeByBucket: q.statement<Ns & { bucket: string; now: number }>('UPDATE katapult_presigned_urls SET revoked_at = @now WHERE namespace = @namespace AND bucket_name = @bucket AND revoked_at IS NULL'),
    presignedBySignature: q.mapped<Ns & { signature: string }, [string, string, string, number, number, number | null], PresignedUrl>(
      'SELECT id, bucket_name, path, created_at, expires_at, revoked_at FROM katapult_presigned_urls WHERE namespace = @namespace AND signature = @signature',
      (r) => ({ id: r[0], bucketName: r[1], path: r[2], createdAt: r[3], expiresAt: r[4], revokedAt: r[5] }),
    ),
    presignedDeleteByBucket: q.statement<Ns & { bucket: string }>('DELETE FROM katapult_presigned_urls WHERE namespace = @namespace AND bucket_name = @bucket'),

    // The dashboard's timeline (timeline.ts): the newest rows of a namespace, at most `limit` per table.
    tokensRecent: q.mapped<Ns & { limit: number }, [string, number | null], { name: string; expiresAt: number | null }>(
      'SELECT name, expires_at FROM katapult_api_tokens WHERE namespace = @namespace ORDER BY rowid DESC LIMIT @limit',
      (r) => ({ name: r[0], expiresAt: r[1] }),
    ),
    accountsRecent: q.mapped<Ns & { limit: number }, AccountTuple, Account>(`SELECT ${ACCOUNT_COLUMNS} FROM katapult_accounts a WHERE a.namespace = @namespace ORDER BY a.created_at DESC, a.rowid DESC LIMIT @limit`, account),
    keysRecent: q.mapped<Ns & { limit: number }, KeyTuple, AccessKey>(`SELECT ${KEY_COLUMNS} FROM katapult_access_keys k WHERE k.namespace = @namespace ORDER BY k.created_at DESC, k.rowid DESC LIMIT @limit`, accessKey),
    bucketsRecent: q.mapped<Ns & { limit: number }, BucketTuple, Bucket>(`SELECT ${BUCKET_COLUMNS} FROM katapult_buckets b WHERE b.namespace = @namespace ORDER BY b.created_at DESC, b.rowid DESC LIMIT @limit`, bucket),
    trashRecent: q.mapped<Ns & { limit: number }, TrashTuple, TrashEntry>(`SELECT ${TRASH_COLUMNS} FROM katapult_trash_objects WHERE namespace = @namespace ORDER BY trashed_at DESC, rowid DESC LIMIT @limit`, trash),
  };

  /** An account and everything under it (buckets, their objects and presigned URLs, keys), children first. */
  const ACCOUNT_BUCKETS = 'SELECT name FROM katapult_buckets WHERE namespace = @namespace AND account_id = @account';
  const accountTree = [
    `DELETE FROM katapult_objects WHERE namespace = @namespace AND bucket_name IN (${ACCOUNT_BUCKETS})`,
    `DELETE FROM katapult_presigned_urls WHERE namespace = @namespace AND bucket_name IN (${ACCOUNT_BUCKETS})`,
    'DELETE FROM katapult_buckets WHERE namespace = @namespace AND account_id = @account',
    'DELETE FROM katapult_access_keys WHERE namespace = @namespace AND account_id = @account',
    'DELETE FROM katapult_accounts WHERE namespace = @namespace AND id = @account',
  ].map((text) => q.statement<Ns & { account: string }>(text));

  /** An organization and everything under it (accounts, their trash, keys, buckets, objects, presigned URLs), children first. */
  const ORG_ACCOUNTS = 'SELECT id FROM katapult_accounts WHERE namespace = @namespace AND organization_id = @org';
  const ORG_BUCKETS = `SELECT name FROM katapult_buckets WHERE namespace = @namespace AND account_id IN (${ORG_ACCOUNTS})`;
  const organizationTree = [
    `DELETE FROM katapult_objects WHERE namespace = @namespace AND bucket_name IN (${ORG_BUCKETS})`,
    `DELETE FROM katapult_presigned_urls WHERE namespace = @namespace AND bucket_name IN (${ORG_BUCKETS})`,
    `DELETE FROM katapult_trash_objects WHERE namespace = @namespace AND object_id IN (${ORG_ACCOUNTS})`,
    `DELETE FROM katapult_access_keys WHERE namespace = @namespace AND account_id IN (${ORG_ACCOUNTS})`,
    `DELETE FROM katapult_buckets WHERE namespace = @namespace AND account_id IN (${ORG_ACCOUNTS})`,
    'DELETE FROM katapult_accounts WHERE namespace = @namespace AND organization_id = @org',
    'DELETE FROM katapult_organizations WHERE namespace = @namespace AND id = @org',
  ].map((text) => q.statement<Ns & { org: string }>(text));

  const { keyInsertRaw, keyUpdateRaw, bucketInsertRaw, bucketUpdateRaw, s3ObjectPutRaw, ...statements } = s;
  return {
    ...statements,
    transaction: q.transaction,
    /** A new key; `credentials` when it comes with S3 credentials (a fixture's). */
    keyInsert(namespace: string, k: AccessKey, credentials?: { secretHash: string; secret: string; generatedAt: number }): void {
      keyInsertRaw.run({
        namespace, id: k.id, account_id: k.accountId, name: k.name, region: k.region, created_at: k.createdAt,
        all_buckets_read: int(k.allBucketsRead), all_objects_read: int(k.allObjectsRead), all_objects_write: int(k.allObjectsWrite),
        settled: int(k.settled), pending_since: k.pendingSince, s3_access_key_id: k.s3AccessKeyId,
        s3_secret_hash: credentials?.secretHash ?? null, s3_secret: credentials?.secret ?? null, credentials_generated_at: credentials?.generatedAt ?? null,
      });
    },
    /** PATCH: the name and permissions, and the key configures again from `pendingSince`. */
    keyUpdate(namespace: string, k: Pick<AccessKey, 'id' | 'name' | 'allBucketsRead' | 'allObjectsRead' | 'allObjectsWrite'> & { pendingSince: number }): void {
      keyUpdateRaw.run({ namespace, id: k.id, name: k.name, all_buckets_read: int(k.allBucketsRead), all_objects_read: int(k.allObjectsRead), all_objects_write: int(k.allObjectsWrite), pending_since: k.pendingSince });
    },
    bucketInsert(namespace: string, b: Bucket): void {
      bucketInsertRaw.run({ namespace, name: b.name, account_id: b.accountId, region: b.region, created_at: b.createdAt, pending_since: b.pendingSince, ...bucketParams(b) });
    },
    bucketUpdate(namespace: string, name: string, pendingSince: number, p: BucketProperties): void {
      bucketUpdateRaw.run({ namespace, name, pending_since: pendingSince, ...bucketParams(p) });
    },
    s3ObjectPut(namespace: string, bucketName: string, o: S3ObjectWrite): void {
      s3ObjectPutRaw.run({ namespace, bucket: bucketName, path: o.path, size: o.size, body: o.body, etag: o.etag, content_type: o.contentType, last_modified: o.lastModified, metadata: o.metadata });
    },
    /** A trash entry's purge: the account (when it is one) with all it holds, and the entry, all or nothing. */
    trashPurge(namespace: string, entry: TrashEntry): void {
      q.transaction(() => {
        for (const statement of accountTree) statement.run({ namespace, account: entry.objectId });
        s.trashDelete.run({ namespace, id: entry.id });
      });
    },
    /** Removes the organization with this id or sub-domain (a fixture re-load replaces it) with all it holds. */
    organizationDelete(namespace: string, id: string, subDomain: string): void {
      for (const org of s.organizationIdsMatching.all({ namespace, id, subDomain })) for (const statement of organizationTree) statement.run({ namespace, org });
    },
  };
}

export type KatapultStore = ReturnType<typeof create>;
export const katapultStore = perDatabase(create);
