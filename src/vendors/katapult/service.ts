import { createHash } from 'node:crypto';
import type { Config } from '../../config.js';
import { sameSecret } from '../../core/secrets.js';
import type { Transitions } from '../../core/transitions.js';
import type { VendorContext } from '../../core/vendor.js';
import { keyPath, s3BaseUrl } from '../../s3/urls.js';
import { argumentSet, booleanArg, integerArg, lookup, stringArg, stringArrayArg, type Args } from './args.js';
import { katapultError } from './errors.js';
import { bucketPublicUrl, katapultIds, serverUrl, type KatapultIds } from './ids.js';
import type { ObjectStorageAccessKey, ObjectStorageAccount, ObjectStorageBucket, TrashObject } from './schemas.js';
import { katapultStore, type AccessKey, type AccessKeyView, type Account, type Bucket, type BucketProperties, type Cluster, type KatapultStore, type Organization, type PresignedUrl, type TrashEntry } from './store.js';

/** Transition names and defaults (DESIGN.md §2). */
export const TRANSITIONS = {
  keyProvisioning: 'katapult.access_key.provisioning',
  keyConfiguring: 'katapult.access_key.configuring',
  accountProvisioning: 'katapult.account.provisioning',
  bucketConfiguring: 'katapult.bucket.configuring',
  trashPurge: 'katapult.trash.purge',
} as const;

/** How long a trashed object is kept (the recording shows keep_until ≈ deletion + 48 h). */
const TRASH_KEEP_SECONDS = 48 * 3600;
const PRESIGNED_DEFAULT_EXPIRY = 3600;
const PRESIGNED_MAX_EXPIRY = 7 * 24 * 3600;
const DEFAULT_PER_PAGE = 30;
const MAX_PER_PAGE = 1000;

/** The S3 secret's hash, what verifies it (the secret itself is kept only because SigV4 needs it). */
export const hashSecret = (secret: string) => createHash('sha256').update(secret).digest('hex');
const seconds = (ms: number) => Math.floor(ms / 1000);

type KeyState = 'pending' | 'configured';
type PresignedState = 'valid' | 'expired' | 'revoked' | 'unknown';

interface KatapultServiceDeps {
  store: KatapultStore;
  ids: KatapultIds;
  transitions: Transitions;
  /** Read on use: `server_url` and presigned URLs point at the emulator's S3 plane when it is set. */
  config: Pick<Config, 'publicUrl'>;
}

/**
 * The Katapult behaviour, free of HTTP: every method takes the namespace, the Apia arguments and the
 * request's one time `now`. A method that writes runs in one transaction.
 */
export class KatapultService {
  private readonly store: KatapultStore;
  private readonly ids: KatapultIds;
  private readonly transitions: Transitions;
  private readonly config: Pick<Config, 'publicUrl'>;

  constructor(deps: KatapultServiceDeps) {
    this.store = deps.store;
    this.ids = deps.ids;
    this.transitions = deps.transitions;
    this.config = deps.config;
  }

  // ---------------------------------------------------------------- lookups

  private organization(namespace: string, args: Args): Organization {
    const { key, value } = lookup(args, 'organization', ['id', 'sub_domain'] as const);
    const org = key === 'id' ? this.store.organizationById.get({ namespace, id: value }) : this.store.organizationBySubDomain.get({ namespace, subDomain: value });
    if (!org) throw katapultError('organization_not_found');
    if (org.suspended) throw katapultError('organization_suspended');
    if (!org.activated) throw katapultError('organization_not_activated');
    return org;
  }

  private cluster(namespace: string, args: Args): Cluster {
    const { value } = lookup(args, 'object_storage_cluster', ['region'] as const);
    const cluster = this.store.clusterByRegion.get({ namespace, region: value });
    if (!cluster) throw katapultError('object_storage_cluster_not_found');
    return cluster;
  }

  private trashView(entry: TrashEntry): TrashObject {
    return { id: entry.id, keep_until: entry.keepUntil, object_id: entry.objectId, object_type: entry.objectType };
  }

  private inTrash(namespace: string, trashId: string): never {
    const entry = this.store.trashById.get({ namespace, id: trashId });
    throw katapultError('object_in_trash', { trash_object: entry ? this.trashView(entry) : null });
  }

  /**
   * A read that writes: trash whose purge task finished or whose keep_until passed is purged now, so
   * whatever a request reads next (an account, a key, a bucket) is already gone. Katapult purges in
   * the background; the emulator computes it when asked.
   */
  private purgeDueTrash(namespace: string, now: number): void {
    for (const entry of this.store.trashMaybeDue.all({ namespace, nowSeconds: seconds(now) })) {
      const purged = entry.purgeRequestedAt !== null && this.transitions.reached(namespace, TRANSITIONS.trashPurge, entry.id, entry.purgeRequestedAt, now);
      if (purged || now >= entry.keepUntil * 1000) this.store.trashPurge(namespace, entry);
    }
  }

  /** The account's provisioning state at `now`. A read that writes: once done it is stored, so later reads need not ask the transition. */
  private settleAccountProvisioning(namespace: string, account: Account, now: number): Account['provisioning'] {
    if (account.provisioning !== 'provisioning') return account.provisioning;
    if (this.transitions.reached(namespace, TRANSITIONS.accountProvisioning, account.id, account.createdAt, now)) {
      this.store.accountSetProvisioning.run({ namespace, id: account.id, provisioning: 'provisioned' });
      return 'provisioned';
    }
    return 'provisioning';
  }

  /** The account of an organization in a region, for reads (B2/B3): 404 when absent, 406 when trashed. */
  private existingAccount(namespace: string, org: Organization, region: string, now: number): Account {
    this.purgeDueTrash(namespace, now);
    const account = this.store.accountByOrganization.get({ namespace, organization: org.id, region });
    if (!account) throw katapultError('object_storage_account_not_found');
    if (account.trashId) this.inTrash(namespace, account.trashId);
    if (account.suspended) throw katapultError('object_storage_account_suspended');
    return account;
  }

  /** An account that can hold keys and buckets (A2/C1): also 403 when not provisioned. */
  private usableAccount(namespace: string, args: Args, now: number): { account: Account; cluster: Cluster } {
    const org = this.organization(namespace, args);
    const cluster = this.cluster(namespace, args);
    const account = this.existingAccount(namespace, org, cluster.region, now);
    if (this.settleAccountProvisioning(namespace, account, now) !== 'provisioned') throw katapultError('object_storage_account_not_provisioned');
    return { account, cluster };
  }

  /** The account as the API shows it; `cluster` is the one it was found in (same region). */
  private accountView(namespace: string, account: Account, cluster: Cluster, now: number): ObjectStorageAccount {
    return {
      region: account.region,
      created_at: seconds(account.createdAt),
      provisioning_state: this.settleAccountProvisioning(namespace, account, now),
      size: account.size,
      bucket_count: account.bucketCount,
      data_center: cluster.dataCenter,
    };
  }

  /** One transaction per write request: all of it is stored or none. */
  private write<T>(fn: () => T): T {
    return this.store.transaction(fn);
  }

  // ---------------------------------------------------------------- accounts (B1–B3)

  getAccount(namespace: string, args: Args, now: number): { object_storage_account: ObjectStorageAccount } {
    const org = this.organization(namespace, args);
    const cluster = this.cluster(namespace, args);
    return { object_storage_account: this.accountView(namespace, this.existingAccount(namespace, org, cluster.region, now), cluster, now) };
  }

  createAccount(namespace: string, args: Args, now: number): { object_storage_account: ObjectStorageAccount } {
    return this.write(() => {
      const org = this.organization(namespace, args);
      const cluster = this.cluster(namespace, args);
      this.purgeDueTrash(namespace, now);
      const existing = this.store.accountByOrganization.get({ namespace, organization: org.id, region: cluster.region });
      if (existing?.trashId) this.inTrash(namespace, existing.trashId);
      if (existing) throw katapultError('validation_error', { errors: ['Organization already has an object storage account in this region'] });
      const account: Account = { id: this.ids.account(), organizationId: org.id, region: cluster.region, createdAt: now, provisioning: 'provisioning', suspended: false, size: 0, trashId: null, bucketCount: 0 };
      this.store.accountInsert.run({ namespace, id: account.id, organization_id: org.id, region: account.region, created_at: now, provisioning: account.provisioning, suspended: 0, size: 0 });
      this.transitions.restart(namespace, TRANSITIONS.accountProvisioning, account.id);
      return { object_storage_account: this.accountView(namespace, account, cluster, now) };
    });
  }

  deleteAccount(namespace: string, args: Args, now: number) {
    return this.write(() => {
      const org = this.organization(namespace, args);
      const cluster = this.cluster(namespace, args);
      const account = this.existingAccount(namespace, org, cluster.region, now);
      if (account.bucketCount > 0) throw katapultError('validation_error', { errors: ['All buckets must be deleted before the object storage account can be deleted'] });
      const view = this.accountView(namespace, account, cluster, now);
      const id = this.ids.trashObject();
      const keepUntil = seconds(now) + TRASH_KEEP_SECONDS;
      this.store.trashInsert.run({ namespace, id, object_id: account.id, object_type: 'ObjectStorageAccount', trashed_at: now, keep_until: keepUntil });
      this.store.accountSetTrash.run({ namespace, id: account.id, trash: id });
      return { trash_object: { id, keep_until: keepUntil, object_type: 'ObjectStorageAccount' }, object_storage_account: view };
    });
  }

  // ---------------------------------------------------------------- trash (T1, T2, restore)

  private trashEntry(namespace: string, args: Args, now: number): TrashEntry {
    this.purgeDueTrash(namespace, now);
    const { key, value } = lookup(args, 'trash_object', ['id', 'object_id'] as const);
    const entry = key === 'id' ? this.store.trashById.get({ namespace, id: value }) : this.store.trashByObject.get({ namespace, object: value });
    if (!entry) throw katapultError('trash_object_not_found');
    return entry;
  }

  getTrashObject(namespace: string, args: Args, now: number): { trash_object: TrashObject } {
    return { trash_object: this.trashView(this.trashEntry(namespace, args, now)) };
  }

  purgeTrashObject(namespace: string, args: Args, now: number) {
    return this.write(() => {
      const entry = this.trashEntry(namespace, args, now);
      let taskId = entry.purgeTaskId;
      let requestedAt = entry.purgeRequestedAt;
      if (taskId === null || requestedAt === null) {
        taskId = this.ids.task();
        requestedAt = now;
        this.store.trashRequestPurge.run({ namespace, id: entry.id, task: taskId, now });
        this.transitions.restart(namespace, TRANSITIONS.trashPurge, entry.id);
      }
      return { task: { id: taskId, name: 'Purge items from trash', status: 'pending' as const, created_at: seconds(requestedAt), started_at: null, finished_at: null, progress: 0 } };
    });
  }

  restoreTrashObject(namespace: string, args: Args, now: number): { trash_object: TrashObject } {
    return this.write(() => {
      const entry = this.trashEntry(namespace, args, now);
      if (entry.purgeRequestedAt !== null) throw katapultError('task_queueing_error', { details: 'The object is already being purged from the trash' });
      this.store.trashDelete.run({ namespace, id: entry.id });
      this.store.accountSetTrash.run({ namespace, id: entry.objectId, trash: null });
      return { trash_object: this.trashView(entry) };
    });
  }

  // ---------------------------------------------------------------- access keys (A1–A6)

  private keyState(namespace: string, key: AccessKey, now: number): KeyState {
    if (!this.settleKeyProvisioning(namespace, key, now)) return 'pending';
    if (key.pendingSince === null) return 'configured';
    return this.transitions.reached(namespace, TRANSITIONS.keyConfiguring, key.id, key.pendingSince, now) ? 'configured' : 'pending';
  }

  /** Whether the key is provisioned at `now`. A read that writes: once it is, the key is stored (and `key` marked) settled. */
  private settleKeyProvisioning(namespace: string, key: AccessKey, now: number): boolean {
    if (key.settled) return true;
    if (!this.transitions.reached(namespace, TRANSITIONS.keyProvisioning, key.id, key.createdAt, now)) return false;
    this.store.keySettle.run({ namespace, id: key.id });
    key.settled = true;
    return true;
  }

  private keyView(namespace: string, key: AccessKeyView, now: number, secret: string | null = null): ObjectStorageAccessKey {
    return {
      id: key.id,
      name: key.name,
      created_at: seconds(key.createdAt),
      region: key.region,
      state: this.keyState(namespace, key, now),
      all_buckets_read: key.allBucketsRead,
      all_objects_read: key.allObjectsRead,
      all_objects_write: key.allObjectsWrite,
      read_buckets: key.readBuckets,
      write_buckets: key.writeBuckets,
      server_url: key.s3AccessKeyId ? (s3BaseUrl(this.config.publicUrl, namespace, 'katapult') ?? serverUrl(key.region)) : null,
      s3_access_key_id: key.s3AccessKeyId,
      s3_secret_access_key: secret,
    };
  }

  private accessKey(namespace: string, args: Args, now: number): AccessKeyView {
    this.purgeDueTrash(namespace, now);
    const { value } = lookup(args, 'access_key', ['id'] as const);
    const key = this.store.keyById.get({ namespace, id: value });
    if (!key) throw katapultError('object_storage_access_key_not_found');
    if (key.accountTrashId) this.inTrash(namespace, key.accountTrashId);
    return key;
  }

  private keyProperties(args: Args, current?: AccessKey) {
    argumentSet(args, ['properties'], true);
    const name = stringArg(args, ['properties', 'name'], true);
    const flags = {
      allBucketsRead: booleanArg(args, ['properties', 'all_buckets_read']) ?? current?.allBucketsRead ?? false,
      allObjectsRead: booleanArg(args, ['properties', 'all_objects_read']) ?? current?.allObjectsRead ?? false,
      allObjectsWrite: booleanArg(args, ['properties', 'all_objects_write']) ?? current?.allObjectsWrite ?? false,
    };
    const errors: string[] = [];
    if (name.trim() === '') errors.push("Name can't be blank");
    if (name.length > 255) errors.push('Name is too long (maximum is 255 characters)');
    if (errors.length) throw katapultError('validation_error', { errors });
    return { name, ...flags };
  }

  listAccessKeys(namespace: string, args: Args, now: number) {
    const org = this.organization(namespace, args);
    const page = integerArg(args, ['page'], 1) ?? 1;
    const perPage = Math.min(integerArg(args, ['per_page'], 1) ?? DEFAULT_PER_PAGE, MAX_PER_PAGE);
    this.purgeDueTrash(namespace, now);
    const total = this.store.keyCountByOrganization.get({ namespace, organization: org.id })!;
    const keys = this.store.keysByOrganization.all({ namespace, organization: org.id, limit: perPage, offset: (page - 1) * perPage });
    return {
      pagination: { current_page: page, total_pages: Math.ceil(total / perPage), total, per_page: perPage, large_set: false },
      object_storage_access_keys: keys.map((key) => this.keyView(namespace, key, now)),
    };
  }

  createAccessKey(namespace: string, args: Args, now: number): { object_storage_access_key: ObjectStorageAccessKey } {
    return this.write(() => {
      const { account, cluster } = this.usableAccount(namespace, args, now);
      const properties = this.keyProperties(args);
      const key: AccessKeyView = {
        id: this.ids.accessKey(), accountId: account.id, region: cluster.region, createdAt: now, ...properties,
        settled: false, pendingSince: null, s3AccessKeyId: null,
        // A new key is in no bucket's key lists yet (they only name existing keys).
        readBuckets: [], writeBuckets: [], accountTrashId: null,
      };
      this.store.keyInsert(namespace, key);
      this.transitions.restart(namespace, TRANSITIONS.keyProvisioning, key.id);
      return { object_storage_access_key: this.keyView(namespace, key, now) };
    });
  }

  getAccessKey(namespace: string, args: Args, now: number): { object_storage_access_key: ObjectStorageAccessKey } {
    return { object_storage_access_key: this.keyView(namespace, this.accessKey(namespace, args, now), now) };
  }

  updateAccessKey(namespace: string, args: Args, now: number): { object_storage_access_key: ObjectStorageAccessKey } {
    return this.write(() => {
      const key = this.accessKey(namespace, args, now);
      const properties = this.keyProperties(args, key);
      if (!this.settleKeyProvisioning(namespace, key, now)) throw katapultError('object_storage_provisioning_error');
      const updated = { ...key, ...properties, pendingSince: now };
      this.store.keyUpdate(namespace, updated);
      this.transitions.restart(namespace, TRANSITIONS.keyConfiguring, key.id);
      return { object_storage_access_key: this.keyView(namespace, updated, now) };
    });
  }

  deleteAccessKey(namespace: string, args: Args, now: number): { success: true } {
    return this.write(() => {
      const key = this.accessKey(namespace, args, now);
      this.store.bucketsForgetKey.run({ namespace, account: key.accountId, key: key.id });
      this.store.keyDelete.run({ namespace, id: key.id });
      return { success: true as const };
    });
  }

  generateCredentials(namespace: string, args: Args, now: number): { object_storage_access_key: ObjectStorageAccessKey } {
    return this.write(() => {
      const key = this.accessKey(namespace, args, now);
      if (!this.settleKeyProvisioning(namespace, key, now)) throw katapultError('object_storage_provisioning_error');
      const s3Id = key.s3AccessKeyId ?? this.ids.s3AccessKeyId();
      const secret = this.ids.s3Secret();
      this.store.keySetCredentials.run({ namespace, id: key.id, s3_access_key_id: s3Id, s3_secret_hash: hashSecret(secret), s3_secret: secret, now });
      this.transitions.restart(namespace, TRANSITIONS.keyConfiguring, key.id);
      return { object_storage_access_key: this.keyView(namespace, { ...key, s3AccessKeyId: s3Id, pendingSince: now, settled: true }, now, secret) };
    });
  }

  /** Does this S3 key id / secret pair verify? (Only the latest generated secret does.) */
  verifyCredentials(namespace: string, s3AccessKeyId: string, secret: string): boolean {
    const found = this.store.keyByS3Id.get({ namespace, s3Id: s3AccessKeyId });
    return found?.s3SecretHash != null && sameSecret(hashSecret(secret), found.s3SecretHash);
  }

  /** The S3 plane's view of a key (src/vendors/katapult/s3.ts): the key by its S3 access key id, its latest secret, its state at `now`, its account. */
  s3Key(namespace: string, s3AccessKeyId: string, now: number): { key: AccessKey; secret: string | null; state: KeyState; account: { trashId: string | null; suspended: boolean } | undefined } | undefined {
    const found = this.store.keyByS3Id.get({ namespace, s3Id: s3AccessKeyId });
    if (!found) return undefined;
    return { key: found.key, secret: found.s3Secret, state: this.keyState(namespace, found.key, now), account: found.account };
  }

  // ---------------------------------------------------------------- buckets (C1–C7)

  private bucketState(namespace: string, bucket: Bucket, now: number): KeyState {
    return this.transitions.reached(namespace, TRANSITIONS.bucketConfiguring, bucket.name, bucket.pendingSince, now) ? 'configured' : 'pending';
  }

  private bucketView(namespace: string, bucket: Bucket, now: number): ObjectStorageBucket {
    const stats = this.store.objectStatsByBucket.get({ namespace, bucket: bucket.name })!;
    return {
      name: bucket.name,
      label: bucket.label,
      created_at: seconds(bucket.createdAt),
      state: this.bucketState(namespace, bucket, now),
      custom_domains: bucket.customDomains,
      object_count: stats.count,
      size: stats.size,
      serve_static_site: bucket.serveStaticSite,
      static_site_index: bucket.staticSiteIndex,
      static_site_error: bucket.staticSiteError,
      cors_origins: bucket.corsOrigins,
      public_url: bucketPublicUrl(bucket.name, bucket.region),
      access_control_list: {
        public_read: bucket.publicRead,
        public_list: bucket.publicList,
        all_keys_read: bucket.allKeysRead,
        all_keys_write: bucket.allKeysWrite,
        read_key_ids: bucket.readKeyIds,
        write_key_ids: bucket.writeKeyIds,
      },
    };
  }

  private bucket(namespace: string, args: Args, now: number): Bucket {
    const { region } = this.cluster(namespace, args);
    this.purgeDueTrash(namespace, now);
    const { value } = lookup(args, 'bucket', ['name'] as const);
    const found = this.store.bucketByName.get({ namespace, name: value });
    if (!found || found.bucket.region !== region) throw katapultError('object_storage_bucket_not_found');
    if (found.accountTrashId) this.inTrash(namespace, found.accountTrashId);
    return found.bucket;
  }

  /** Properties of a bucket: the given ones over `current` (PATCH) or the defaults (create). */
  private bucketProperties(namespace: string, args: Args, accountId: string, current?: Bucket): BucketProperties {
    argumentSet(args, ['properties'], true);
    const p = (name: string) => ['properties', name];
    const a = (name: string) => ['properties', 'access_control_list', name];
    argumentSet(args, ['properties', 'access_control_list'], false);
    const blankToNull = (v: string | undefined, fallback: string | null) => (v === undefined ? fallback : v === '' ? null : v);
    const values: BucketProperties = {
      label: blankToNull(stringArg(args, p('label'), false), current?.label ?? null),
      serveStaticSite: booleanArg(args, p('serve_static_site')) ?? current?.serveStaticSite ?? false,
      staticSiteIndex: blankToNull(stringArg(args, p('static_site_index'), false), current?.staticSiteIndex ?? null),
      staticSiteError: blankToNull(stringArg(args, p('static_site_error'), false), current?.staticSiteError ?? null),
      customDomains: stringArrayArg(args, p('custom_domains')) ?? current?.customDomains ?? [],
      corsOrigins: stringArrayArg(args, p('cors_origins')) ?? current?.corsOrigins ?? [],
      publicRead: booleanArg(args, a('public_read')) ?? current?.publicRead ?? false,
      publicList: booleanArg(args, a('public_list')) ?? current?.publicList ?? false,
      allKeysRead: booleanArg(args, a('all_keys_read')) ?? current?.allKeysRead ?? false,
      allKeysWrite: booleanArg(args, a('all_keys_write')) ?? current?.allKeysWrite ?? false,
      readKeyIds: [...new Set(stringArrayArg(args, a('read_key_ids')) ?? current?.readKeyIds ?? [])],
      writeKeyIds: [...new Set(stringArrayArg(args, a('write_key_ids')) ?? current?.writeKeyIds ?? [])],
    };
    const errors: string[] = [];
    if (values.publicList && !values.publicRead) errors.push('Public list requires public read');
    if ((values.staticSiteIndex || values.staticSiteError) && !values.publicRead && values.serveStaticSite) errors.push('Static site requires public read');
    for (const [ids, label] of [[values.readKeyIds, 'Read'], [values.writeKeyIds, 'Write']] as const) {
      for (const id of ids) {
        if (this.store.keyAccountById.get({ namespace, id }) !== accountId) errors.push(`${label} key ids contains an unknown access key (${id})`);
      }
    }
    if (errors.length) throw katapultError('validation_error', { errors });
    return values;
  }

  createBucket(namespace: string, args: Args, now: number): { object_storage_bucket: ObjectStorageBucket } {
    return this.write(() => {
      const { account, cluster } = this.usableAccount(namespace, args, now);
      argumentSet(args, ['properties'], true);
      const name = stringArg(args, ['properties', 'name'], true);
      const values = this.bucketProperties(namespace, args, account.id);
      const errors: string[] = [];
      if (!/^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/.test(name)) errors.push('Name can only include lowercase alphanumeric characters and hyphens, and must be 3 to 63 characters long');
      else if (this.store.bucketExists.get({ namespace, name })) errors.push('Name has already been taken');
      if (errors.length) throw katapultError('validation_error', { errors });
      const bucket: Bucket = { name, accountId: account.id, region: cluster.region, createdAt: now, pendingSince: now, ...values };
      this.store.bucketInsert(namespace, bucket);
      this.transitions.restart(namespace, TRANSITIONS.bucketConfiguring, name);
      return { object_storage_bucket: this.bucketView(namespace, bucket, now) };
    });
  }

  getBucket(namespace: string, args: Args, now: number): { object_storage_bucket: ObjectStorageBucket } {
    return { object_storage_bucket: this.bucketView(namespace, this.bucket(namespace, args, now), now) };
  }

  updateBucket(namespace: string, args: Args, now: number): { object_storage_bucket: ObjectStorageBucket } {
    return this.write(() => {
      const current = this.bucket(namespace, args, now);
      const values = this.bucketProperties(namespace, args, current.accountId, current);
      this.store.bucketUpdate(namespace, current.name, now, values);
      this.transitions.restart(namespace, TRANSITIONS.bucketConfiguring, current.name);
      return { object_storage_bucket: this.bucketView(namespace, { ...current, ...values, pendingSince: now }, now) };
    });
  }

  deleteBucket(namespace: string, args: Args, now: number): { success: true } {
    return this.write(() => {
      const bucket = this.bucket(namespace, args, now);
      if (this.store.objectStatsByBucket.get({ namespace, bucket: bucket.name })!.count > 0) throw katapultError('object_storage_bucket_deletion_error', { details: 'The bucket is not empty. Delete all objects before deleting the bucket.' });
      this.store.presignedDeleteByBucket.run({ namespace, bucket: bucket.name });
      this.store.bucketDelete.run({ namespace, name: bucket.name });
      return { success: true as const };
    });
  }

  presignedUrl(namespace: string, args: Args, now: number): { url: string } {
    return this.write(() => {
      const bucket = this.bucket(namespace, args, now);
      const path = stringArg(args, ['path'], true);
      argumentSet(args, ['properties'], false);
      const expiry = integerArg(args, ['properties', 'expiry_seconds'], 1) ?? PRESIGNED_DEFAULT_EXPIRY;
      if (path.trim() === '') throw katapultError('validation_error', { errors: ["Path can't be blank"] });
      if (expiry > PRESIGNED_MAX_EXPIRY) throw katapultError('validation_error', { errors: [`Expiry seconds must be less than or equal to ${PRESIGNED_MAX_EXPIRY}`] });
      const signature = this.ids.signature();
      this.store.presignedInsert.run({ namespace, id: this.ids.presignedUrl(), bucket_name: bucket.name, path, created_at: now, expires_at: now + expiry * 1000, signature });
      const amzDate = new Date(now).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
      const query = new URLSearchParams({
        'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
        'X-Amz-Credential': `katapult-presign/${amzDate.slice(0, 8)}/${bucket.region}/s3/aws4_request`,
        'X-Amz-Date': amzDate,
        'X-Amz-Expires': String(expiry),
        'X-Amz-SignedHeaders': 'host',
        'X-Amz-Signature': signature,
      });
      const key = keyPath(path.replace(/^\/+/, ''));
      const s3 = s3BaseUrl(this.config.publicUrl, namespace, 'katapult');
      return { url: `${s3 !== undefined ? `${s3}/${bucket.name}/` : bucketPublicUrl(bucket.name, bucket.region)}${key}?${query.toString()}` };
    });
  }

  /** The presigned URL with this signature, and whether it is honoured at `now` (the S3 plane serves them). */
  presignedStatus(namespace: string, signature: string, now: number): { url: PresignedUrl | undefined; state: PresignedState } {
    const url = this.store.presignedBySignature.get({ namespace, signature });
    if (!url) return { url, state: 'unknown' };
    if (url.revokedAt !== null) return { url, state: 'revoked' };
    return { url, state: now >= url.expiresAt ? 'expired' : 'valid' };
  }

  revokePresignedUrls(namespace: string, args: Args, now: number): { success: true } {
    return this.write(() => {
      const bucket = this.bucket(namespace, args, now);
      this.store.presignedRevokeByBucket.run({ namespace, bucket: bucket.name, now });
      return { success: true as const };
    });
  }

  getObject(namespace: string, args: Args, now: number) {
    const bucket = this.bucket(namespace, args, now);
    const path = stringArg(args, ['path'], true).replace(/^\/+/, '');
    const object = this.store.objectByPath.get({ namespace, bucket: bucket.name, path });
    const folderPath = path.endsWith('/') ? path : `${path}/`;
    const folder = !object && path !== '' && this.store.objectUnderPrefix.get({ namespace, bucket: bucket.name, pattern: `${folderPath.replace(/[\\%_]/g, (c) => `\\${c}`)}%` }) === true;
    if (!object && !folder) throw katapultError('object_not_found');
    const full = folder ? folderPath : path;
    const filename = full.replace(/\/$/, '').split('/').pop() ?? full;
    return {
      object_details: {
        filename,
        bucket_name: bucket.name,
        full_path: full,
        public_url: `${bucketPublicUrl(bucket.name, bucket.region)}${full}`,
        size: folder ? null : object!.size,
        folder,
      },
    };
  }
}

/** The service over a vendor context's parts (routes, the S3 plane and tests build it so). */
export function katapultService(ctx: VendorContext): KatapultService {
  return new KatapultService({ store: katapultStore(ctx.db), ids: katapultIds(ctx.ids), transitions: ctx.transitions, config: ctx.config });
}
