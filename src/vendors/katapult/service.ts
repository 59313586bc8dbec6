import { createHash } from 'node:crypto';
import { sameSecret, secretDigest } from '../../core/secrets.js';
import type { VendorContext } from '../../core/vendor.js';
import { argumentSet, booleanArg, integerArg, lookup, stringArg, stringArrayArg, type Args } from './args.js';
import { katapultError } from './errors.js';
import { bucketPublicUrl, katapultIds, serverUrl, type KatapultIds } from './ids.js';
import type { DataCenter, KatapultFixture, ObjectStorageAccessKey, ObjectStorageAccount, ObjectStorageBucket, TrashObject } from './schemas.js';
import { katapultStore, type AccessKeyRow, type AccountRow, type BucketRow, type KatapultStore, type OrganizationRow, type TokenRow, type TrashRow } from './store.js';

/** Transition names and defaults (DESIGN.md §2). */
export const TRANSITIONS = {
  keyProvisioning: 'katapult.access_key.provisioning',
  keyConfiguring: 'katapult.access_key.configuring',
  accountProvisioning: 'katapult.account.provisioning',
  bucketConfiguring: 'katapult.bucket.configuring',
  trashPurge: 'katapult.trash.purge',
} as const;

/** How long a trashed object is kept (the recording shows keep_until ≈ deletion + 48 h). */
export const TRASH_KEEP_SECONDS = 48 * 3600;
export const PRESIGNED_DEFAULT_EXPIRY = 3600;
export const PRESIGNED_MAX_EXPIRY = 7 * 24 * 3600;
export const DEFAULT_PER_PAGE = 30;
export const MAX_PER_PAGE = 1000;

const hashSecret = (secret: string) => createHash('sha256').update(secret).digest('hex');
const seconds = (ms: number) => Math.floor(ms / 1000);
const bool = (n: number) => n === 1;
const int = (b: boolean) => (b ? 1 : 0);
const json = (text: string): string[] => JSON.parse(text) as string[];

export interface ApiToken { token: string; name: string; scopes: string[]; rateLimit: number }

function ipv4ToInt(ip: string): number | undefined {
  const parts = ip.split('.');
  if (parts.length !== 4 || parts.some((p) => !/^\d{1,3}$/.test(p) || Number(p) > 255)) return undefined;
  return parts.reduce((acc, p) => acc * 256 + Number(p), 0);
}

/** Is `ip` inside one of `networks` (IPv4 CIDR, or an exact address)? */
export function ipAllowed(ip: string, networks: readonly string[]): boolean {
  const address = ip.replace(/^::ffff:/, '');
  return networks.some((network) => {
    const [base, bitsText] = network.split('/');
    if (bitsText === undefined) return base === address;
    const a = ipv4ToInt(address);
    const b = ipv4ToInt(base ?? '');
    const bits = Number(bitsText);
    if (a === undefined || b === undefined || bits > 32) return false;
    if (bits === 0) return true;
    const mask = (0xffffffff << (32 - bits)) >>> 0;
    return ((a & mask) >>> 0) === ((b & mask) >>> 0);
  });
}

/** The Katapult behaviour, free of HTTP: every method takes a namespace and Apia arguments. */
export class KatapultService {
  private readonly store: KatapultStore;
  private readonly ids: KatapultIds;

  constructor(private readonly ctx: VendorContext) {
    this.store = katapultStore(ctx.db);
    this.ids = katapultIds(ctx.ids);
  }

  private now(): number {
    return this.ctx.clock.now();
  }

  // ---------------------------------------------------------------- auth

  /** Bearer token → the token, or missing_api_token / invalid_api_token / unauthorized_network_for_api_token. */
  authenticate(ns: string, authorization: string | undefined, ip: string): ApiToken {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
    if (!match) throw katapultError('missing_api_token');
    const given = match[1]!;
    const digest = secretDigest(given);
    const row: TokenRow | undefined = this.store.tokenByDigest.get(ns, digest);
    if (!row || !sameSecret(digest, row.token_digest)) throw katapultError('invalid_api_token', { details: null });
    if (row.expires_at !== null && row.expires_at <= this.now()) throw katapultError('invalid_api_token', { details: 'The API token has expired' });
    const networks = row.allowed_networks ? (JSON.parse(row.allowed_networks) as string[]) : [];
    if (networks.length > 0 && !ipAllowed(ip, networks)) throw katapultError('unauthorized_network_for_api_token', { ip_address: ip });
    return { token: given, name: row.name, scopes: JSON.parse(row.scopes) as string[], rateLimit: row.rate_limit };
  }

  /** `object_storage` (manage) implies `object_storage:read`; the same for every `<x>` / `<x>:read` pair. */
  checkScope(token: ApiToken, required: readonly string[]): void {
    const granted = new Set(token.scopes);
    for (const scope of token.scopes) if (!scope.includes(':')) granted.add(`${scope}:read`);
    if (!required.some((s) => granted.has(s))) throw katapultError('scope_not_granted', { scopes: [...required] });
  }

  // ---------------------------------------------------------------- lookups

  private organization(ns: string, args: Args): OrganizationRow {
    const { key, value } = lookup(args, 'organization', ['id', 'sub_domain'] as const);
    const org = key === 'id' ? this.store.orgById.get(ns, value) : this.store.orgBySubDomain.get(ns, value);
    if (!org) throw katapultError('organization_not_found');
    if (bool(org.suspended)) throw katapultError('organization_suspended');
    if (!bool(org.activated)) throw katapultError('organization_not_activated');
    return org;
  }

  private cluster(ns: string, args: Args): { region: string; dataCenter: DataCenter } {
    const { value } = lookup(args, 'object_storage_cluster', ['region'] as const);
    const row = this.store.cluster.get(ns, value);
    if (!row) throw katapultError('object_storage_cluster_not_found');
    return { region: row.region, dataCenter: JSON.parse(row.data_center) as DataCenter };
  }

  private trashView(row: TrashRow): TrashObject {
    return { id: row.id, keep_until: row.keep_until, object_id: row.object_id, object_type: row.object_type };
  }

  private inTrash(ns: string, account: AccountRow): never {
    const trash = account.trash_id ? this.store.trashById.get(ns, account.trash_id) : undefined;
    throw katapultError('object_in_trash', { trash_object: trash ? this.trashView(trash) : null });
  }

  /** Purges trash whose purge task finished or whose keep_until passed (computed on read). */
  private sweepTrash(ns: string): void {
    const now = this.now();
    for (const row of this.store.trashPending.all(ns)) {
      const purged = row.purge_requested_at !== null && this.ctx.transitions.reached(ns, TRANSITIONS.trashPurge, row.id, row.purge_requested_at, now);
      if (purged || now >= row.keep_until * 1000) this.purge(ns, row);
    }
  }

  private purge(ns: string, row: TrashRow): void {
    const account = this.store.accountById.get(ns, row.object_id);
    if (account) {
      for (const bucket of this.store.bucketsOfAccount.all(ns, account.id)) {
        this.store.deleteObjectsOfBucket.run(ns, bucket.name);
        this.store.deletePresignedOfBucket.run(ns, bucket.name);
      }
      this.store.deleteBucketsOfAccount.run(ns, account.id);
      this.store.deleteKeysOfAccount.run(ns, account.id);
      this.store.deleteAccount.run(ns, account.id);
    }
    this.store.deleteTrash.run(ns, row.id);
  }

  private provisioningState(ns: string, account: AccountRow): 'provisioning' | 'provisioned' | 'failed' {
    if (account.provisioning !== 'provisioning') return account.provisioning as 'provisioned' | 'failed';
    if (this.ctx.transitions.reached(ns, TRANSITIONS.accountProvisioning, account.id, account.created_at, this.now())) {
      this.store.setAccountProvisioning.run('provisioned', ns, account.id);
      return 'provisioned';
    }
    return 'provisioning';
  }

  /** The account of an organization in a region, for reads (B2/B3): 404 when absent, 406 when trashed. */
  private existingAccount(ns: string, org: OrganizationRow, region: string): AccountRow {
    this.sweepTrash(ns);
    const account = this.store.accountFor.get(ns, org.id, region);
    if (!account) throw katapultError('object_storage_account_not_found');
    if (account.trash_id) this.inTrash(ns, account);
    if (bool(account.suspended)) throw katapultError('object_storage_account_suspended');
    return account;
  }

  /** An account that can hold keys and buckets (A2/C1): also 403 when not provisioned. */
  private usableAccount(ns: string, args: Args): { account: AccountRow; region: string } {
    const org = this.organization(ns, args);
    const { region } = this.cluster(ns, args);
    const account = this.existingAccount(ns, org, region);
    if (this.provisioningState(ns, account) !== 'provisioned') throw katapultError('object_storage_account_not_provisioned');
    return { account, region };
  }

  private accountView(ns: string, account: AccountRow): ObjectStorageAccount {
    const cluster = this.store.cluster.get(ns, account.region);
    return {
      region: account.region,
      created_at: seconds(account.created_at),
      provisioning_state: this.provisioningState(ns, account),
      size: account.size,
      bucket_count: this.store.bucketCount.get(ns, account.id)!.n,
      data_center: JSON.parse(cluster?.data_center ?? 'null') as DataCenter,
    };
  }

  // ---------------------------------------------------------------- accounts (B1–B3)

  getAccount(ns: string, args: Args): { object_storage_account: ObjectStorageAccount } {
    const org = this.organization(ns, args);
    const { region } = this.cluster(ns, args);
    return { object_storage_account: this.accountView(ns, this.existingAccount(ns, org, region)) };
  }

  createAccount(ns: string, args: Args): { object_storage_account: ObjectStorageAccount } {
    const org = this.organization(ns, args);
    const { region } = this.cluster(ns, args);
    this.sweepTrash(ns);
    const existing = this.store.accountFor.get(ns, org.id, region);
    if (existing?.trash_id) this.inTrash(ns, existing);
    if (existing) throw katapultError('validation_error', { errors: ['Organization already has an object storage account in this region'] });
    const id = this.ids.account();
    this.store.insertAccount.run({ namespace: ns, id, organization_id: org.id, region, created_at: this.now(), provisioning: 'provisioning', suspended: 0, size: 0 });
    this.ctx.transitions.restart(ns, TRANSITIONS.accountProvisioning, id);
    return { object_storage_account: this.accountView(ns, this.store.accountById.get(ns, id)!) };
  }

  deleteAccount(ns: string, args: Args) {
    const org = this.organization(ns, args);
    const { region } = this.cluster(ns, args);
    const account = this.existingAccount(ns, org, region);
    if (this.store.bucketCount.get(ns, account.id)!.n > 0) throw katapultError('validation_error', { errors: ['All buckets must be deleted before the object storage account can be deleted'] });
    const view = this.accountView(ns, account);
    const id = this.ids.trashObject();
    const keepUntil = seconds(this.now()) + TRASH_KEEP_SECONDS;
    this.store.insertTrash.run({ namespace: ns, id, object_id: account.id, object_type: 'ObjectStorageAccount', trashed_at: this.now(), keep_until: keepUntil });
    this.store.setAccountTrash.run(id, ns, account.id);
    return { trash_object: { id, keep_until: keepUntil, object_type: 'ObjectStorageAccount' }, object_storage_account: view };
  }

  // ---------------------------------------------------------------- trash (T1, T2, restore)

  private trashObject(ns: string, args: Args): TrashRow {
    this.sweepTrash(ns);
    const { key, value } = lookup(args, 'trash_object', ['id', 'object_id'] as const);
    const row = key === 'id' ? this.store.trashById.get(ns, value) : this.store.trashByObject.get(ns, value);
    if (!row) throw katapultError('trash_object_not_found');
    return row;
  }

  getTrashObject(ns: string, args: Args): { trash_object: TrashObject } {
    return { trash_object: this.trashView(this.trashObject(ns, args)) };
  }

  purgeTrashObject(ns: string, args: Args) {
    const row = this.trashObject(ns, args);
    const now = this.now();
    let taskId = row.purge_task_id;
    let requestedAt = row.purge_requested_at;
    if (taskId === null || requestedAt === null) {
      taskId = this.ids.task();
      requestedAt = now;
      this.store.requestPurge.run(taskId, now, ns, row.id);
      this.ctx.transitions.restart(ns, TRANSITIONS.trashPurge, row.id);
    }
    return { task: { id: taskId, name: 'Purge items from trash', status: 'pending' as const, created_at: seconds(requestedAt), started_at: null, finished_at: null, progress: 0 } };
  }

  restoreTrashObject(ns: string, args: Args): { trash_object: TrashObject } {
    const row = this.trashObject(ns, args);
    if (row.purge_requested_at !== null) throw katapultError('task_queueing_error', { details: 'The object is already being purged from the trash' });
    this.store.deleteTrash.run(ns, row.id);
    this.store.setAccountTrash.run(null, ns, row.object_id);
    return { trash_object: this.trashView(row) };
  }

  // ---------------------------------------------------------------- access keys (A1–A6)

  private keyState(ns: string, row: AccessKeyRow): 'pending' | 'configured' {
    if (!this.keyProvisioned(ns, row)) return 'pending';
    if (row.pending_since === null) return 'configured';
    return this.ctx.transitions.reached(ns, TRANSITIONS.keyConfiguring, row.id, row.pending_since, this.now()) ? 'configured' : 'pending';
  }

  private keyProvisioned(ns: string, row: AccessKeyRow): boolean {
    if (bool(row.settled)) return true;
    if (!this.ctx.transitions.reached(ns, TRANSITIONS.keyProvisioning, row.id, row.created_at, this.now())) return false;
    this.store.settleKey.run(ns, row.id);
    row.settled = 1;
    return true;
  }

  private keyView(ns: string, row: AccessKeyRow, secret: string | null = null): ObjectStorageAccessKey {
    const read = bool(row.all_objects_read) ? [] : this.store.readBuckets.all(ns, row.account_id, row.id).map((b) => b.name);
    const write = bool(row.all_objects_write) ? [] : this.store.writeBuckets.all(ns, row.account_id, row.id).map((b) => b.name);
    return {
      id: row.id,
      name: row.name,
      created_at: seconds(row.created_at),
      region: row.region,
      state: this.keyState(ns, row),
      all_buckets_read: bool(row.all_buckets_read),
      all_objects_read: bool(row.all_objects_read),
      all_objects_write: bool(row.all_objects_write),
      read_buckets: read,
      write_buckets: write,
      server_url: row.s3_access_key_id ? serverUrl(row.region) : null,
      s3_access_key_id: row.s3_access_key_id,
      s3_secret_access_key: secret,
    };
  }

  private accessKey(ns: string, args: Args): AccessKeyRow {
    this.sweepTrash(ns);
    const { value } = lookup(args, 'access_key', ['id'] as const);
    const row = this.store.keyById.get(ns, value);
    if (!row) throw katapultError('object_storage_access_key_not_found');
    const account = this.store.accountById.get(ns, row.account_id);
    if (account?.trash_id) this.inTrash(ns, account);
    return row;
  }

  private keyProperties(args: Args, current?: AccessKeyRow) {
    argumentSet(args, ['properties'], true);
    const name = stringArg(args, ['properties', 'name'], true);
    const flags = {
      all_buckets_read: booleanArg(args, ['properties', 'all_buckets_read']) ?? (current ? bool(current.all_buckets_read) : false),
      all_objects_read: booleanArg(args, ['properties', 'all_objects_read']) ?? (current ? bool(current.all_objects_read) : false),
      all_objects_write: booleanArg(args, ['properties', 'all_objects_write']) ?? (current ? bool(current.all_objects_write) : false),
    };
    const errors: string[] = [];
    if (name.trim() === '') errors.push("Name can't be blank");
    if (name.length > 255) errors.push('Name is too long (maximum is 255 characters)');
    if (errors.length) throw katapultError('validation_error', { errors });
    return { name, flags };
  }

  listAccessKeys(ns: string, args: Args) {
    const org = this.organization(ns, args);
    const page = integerArg(args, ['page'], 1) ?? 1;
    const perPage = Math.min(integerArg(args, ['per_page'], 1) ?? DEFAULT_PER_PAGE, MAX_PER_PAGE);
    this.sweepTrash(ns);
    const total = this.store.keyCountForOrg.get(ns, org.id)!.n;
    const rows = this.store.keysForOrg.all(ns, org.id, perPage, (page - 1) * perPage);
    return {
      pagination: { current_page: page, total_pages: Math.ceil(total / perPage), total, per_page: perPage, large_set: false },
      object_storage_access_keys: rows.map((r) => this.keyView(ns, r)),
    };
  }

  createAccessKey(ns: string, args: Args): { object_storage_access_key: ObjectStorageAccessKey } {
    const { account, region } = this.usableAccount(ns, args);
    const { name, flags } = this.keyProperties(args);
    const id = this.ids.accessKey();
    this.store.insertKey.run({
      namespace: ns, id, account_id: account.id, name, region, created_at: this.now(),
      all_buckets_read: int(flags.all_buckets_read), all_objects_read: int(flags.all_objects_read), all_objects_write: int(flags.all_objects_write),
      settled: 0, pending_since: null, s3_access_key_id: null, s3_secret_hash: null, credentials_generated_at: null,
    });
    this.ctx.transitions.restart(ns, TRANSITIONS.keyProvisioning, id);
    return { object_storage_access_key: this.keyView(ns, this.store.keyById.get(ns, id)!) };
  }

  getAccessKey(ns: string, args: Args): { object_storage_access_key: ObjectStorageAccessKey } {
    return { object_storage_access_key: this.keyView(ns, this.accessKey(ns, args)) };
  }

  updateAccessKey(ns: string, args: Args): { object_storage_access_key: ObjectStorageAccessKey } {
    const row = this.accessKey(ns, args);
    const { name, flags } = this.keyProperties(args, row);
    if (!this.keyProvisioned(ns, row)) throw katapultError('object_storage_provisioning_error');
    this.store.updateKey.run({ namespace: ns, id: row.id, name, ...Object.fromEntries(Object.entries(flags).map(([k, v]) => [k, int(v)])), pending_since: this.now() });
    this.ctx.transitions.restart(ns, TRANSITIONS.keyConfiguring, row.id);
    return { object_storage_access_key: this.keyView(ns, this.store.keyById.get(ns, row.id)!) };
  }

  deleteAccessKey(ns: string, args: Args): { success: true } {
    const row = this.accessKey(ns, args);
    for (const bucket of this.store.bucketsOfAccount.all(ns, row.account_id)) {
      const read = json(bucket.read_key_ids).filter((k) => k !== row.id);
      const write = json(bucket.write_key_ids).filter((k) => k !== row.id);
      this.store.setBucketAcl.run(JSON.stringify(read), JSON.stringify(write), ns, bucket.name);
    }
    this.store.deleteKey.run(ns, row.id);
    return { success: true };
  }

  generateCredentials(ns: string, args: Args): { object_storage_access_key: ObjectStorageAccessKey } {
    const row = this.accessKey(ns, args);
    if (!this.keyProvisioned(ns, row)) throw katapultError('object_storage_provisioning_error');
    const s3Id = row.s3_access_key_id ?? this.ids.s3AccessKeyId();
    const secret = this.ids.s3Secret();
    this.store.setKeyCredentials.run({ namespace: ns, id: row.id, s3_access_key_id: s3Id, s3_secret_hash: hashSecret(secret), now: this.now() });
    this.ctx.transitions.restart(ns, TRANSITIONS.keyConfiguring, row.id);
    return { object_storage_access_key: this.keyView(ns, this.store.keyById.get(ns, row.id)!, secret) };
  }

  /** Does this S3 key id / secret pair verify right now? (Only the latest generated secret does.) */
  verifyCredentials(ns: string, s3AccessKeyId: string, secret: string): boolean {
    const row = this.store.keyByS3Id.get(ns, s3AccessKeyId);
    return row?.s3_secret_hash != null && sameSecret(hashSecret(secret), row.s3_secret_hash);
  }

  // ---------------------------------------------------------------- buckets (C1–C7)

  private bucketState(ns: string, row: BucketRow): 'pending' | 'configured' {
    return this.ctx.transitions.reached(ns, TRANSITIONS.bucketConfiguring, row.name, row.pending_since, this.now()) ? 'configured' : 'pending';
  }

  private bucketView(ns: string, row: BucketRow): ObjectStorageBucket {
    const stats = this.store.objectStats.get(ns, row.name)!;
    return {
      name: row.name,
      label: row.label,
      created_at: seconds(row.created_at),
      state: this.bucketState(ns, row),
      custom_domains: json(row.custom_domains),
      object_count: stats.n,
      size: stats.size ?? 0,
      serve_static_site: bool(row.serve_static_site),
      static_site_index: row.static_site_index,
      static_site_error: row.static_site_error,
      cors_origins: json(row.cors_origins),
      public_url: bucketPublicUrl(row.name, row.region),
      access_control_list: {
        public_read: bool(row.public_read),
        public_list: bool(row.public_list),
        all_keys_read: bool(row.all_keys_read),
        all_keys_write: bool(row.all_keys_write),
        read_key_ids: json(row.read_key_ids),
        write_key_ids: json(row.write_key_ids),
      },
    };
  }

  private bucket(ns: string, args: Args): BucketRow {
    const { region } = this.cluster(ns, args);
    this.sweepTrash(ns);
    const { value } = lookup(args, 'bucket', ['name'] as const);
    const row = this.store.bucket.get(ns, value);
    if (!row || row.region !== region) throw katapultError('object_storage_bucket_not_found');
    const account = this.store.accountById.get(ns, row.account_id);
    if (account?.trash_id) this.inTrash(ns, account);
    return row;
  }

  /** Properties of a bucket: the given ones over `current` (PATCH) or the defaults (create). */
  private bucketProperties(ns: string, args: Args, accountId: string, current?: BucketRow) {
    argumentSet(args, ['properties'], true);
    const p = (name: string) => ['properties', name];
    const a = (name: string) => ['properties', 'access_control_list', name];
    argumentSet(args, ['properties', 'access_control_list'], false);
    const blankToNull = (v: string | undefined, fallback: string | null) => (v === undefined ? fallback : v === '' ? null : v);
    const keyIds = (name: 'read_key_ids' | 'write_key_ids') => stringArrayArg(args, a(name)) ?? (current ? json(current[name]) : []);
    const values = {
      label: blankToNull(stringArg(args, p('label'), false), current?.label ?? null),
      serve_static_site: booleanArg(args, p('serve_static_site')) ?? (current ? bool(current.serve_static_site) : false),
      static_site_index: blankToNull(stringArg(args, p('static_site_index'), false), current?.static_site_index ?? null),
      static_site_error: blankToNull(stringArg(args, p('static_site_error'), false), current?.static_site_error ?? null),
      custom_domains: stringArrayArg(args, p('custom_domains')) ?? (current ? json(current.custom_domains) : []),
      cors_origins: stringArrayArg(args, p('cors_origins')) ?? (current ? json(current.cors_origins) : []),
      public_read: booleanArg(args, a('public_read')) ?? (current ? bool(current.public_read) : false),
      public_list: booleanArg(args, a('public_list')) ?? (current ? bool(current.public_list) : false),
      all_keys_read: booleanArg(args, a('all_keys_read')) ?? (current ? bool(current.all_keys_read) : false),
      all_keys_write: booleanArg(args, a('all_keys_write')) ?? (current ? bool(current.all_keys_write) : false),
      read_key_ids: [...new Set(keyIds('read_key_ids'))],
      write_key_ids: [...new Set(keyIds('write_key_ids'))],
    };
    const errors: string[] = [];
    if (values.public_list && !values.public_read) errors.push('Public list requires public read');
    if ((values.static_site_index || values.static_site_error) && !values.public_read && values.serve_static_site) errors.push('Static site requires public read');
    for (const field of ['read_key_ids', 'write_key_ids'] as const) {
      for (const id of values[field]) {
        const key = this.store.keyById.get(ns, id);
        if (!key || key.account_id !== accountId) errors.push(`${field === 'read_key_ids' ? 'Read' : 'Write'} key ids contains an unknown access key (${id})`);
      }
    }
    if (errors.length) throw katapultError('validation_error', { errors });
    return values;
  }

  private bucketRecord(values: ReturnType<KatapultService['bucketProperties']>) {
    return {
      label: values.label,
      serve_static_site: int(values.serve_static_site),
      static_site_index: values.static_site_index,
      static_site_error: values.static_site_error,
      public_read: int(values.public_read),
      public_list: int(values.public_list),
      all_keys_read: int(values.all_keys_read),
      all_keys_write: int(values.all_keys_write),
      read_key_ids: JSON.stringify(values.read_key_ids),
      write_key_ids: JSON.stringify(values.write_key_ids),
      custom_domains: JSON.stringify(values.custom_domains),
      cors_origins: JSON.stringify(values.cors_origins),
    };
  }

  createBucket(ns: string, args: Args): { object_storage_bucket: ObjectStorageBucket } {
    const { account, region } = this.usableAccount(ns, args);
    argumentSet(args, ['properties'], true);
    const name = stringArg(args, ['properties', 'name'], true);
    const values = this.bucketProperties(ns, args, account.id);
    const errors: string[] = [];
    if (!/^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/.test(name)) errors.push('Name can only include lowercase alphanumeric characters and hyphens, and must be 3 to 63 characters long');
    else if (this.store.bucket.get(ns, name)) errors.push('Name has already been taken');
    if (errors.length) throw katapultError('validation_error', { errors });
    const now = this.now();
    this.store.insertBucket.run({ namespace: ns, name, account_id: account.id, region, created_at: now, pending_since: now, ...this.bucketRecord(values) });
    this.ctx.transitions.restart(ns, TRANSITIONS.bucketConfiguring, name);
    return { object_storage_bucket: this.bucketView(ns, this.store.bucket.get(ns, name)!) };
  }

  getBucket(ns: string, args: Args): { object_storage_bucket: ObjectStorageBucket } {
    return { object_storage_bucket: this.bucketView(ns, this.bucket(ns, args)) };
  }

  updateBucket(ns: string, args: Args): { object_storage_bucket: ObjectStorageBucket } {
    const row = this.bucket(ns, args);
    const values = this.bucketProperties(ns, args, row.account_id, row);
    this.store.updateBucket.run({ namespace: ns, name: row.name, pending_since: this.now(), ...this.bucketRecord(values) });
    this.ctx.transitions.restart(ns, TRANSITIONS.bucketConfiguring, row.name);
    return { object_storage_bucket: this.bucketView(ns, this.store.bucket.get(ns, row.name)!) };
  }

  deleteBucket(ns: string, args: Args): { success: true } {
    const row = this.bucket(ns, args);
    if (this.store.objectStats.get(ns, row.name)!.n > 0) throw katapultError('object_storage_bucket_deletion_error', { details: 'The bucket is not empty. Delete all objects before deleting the bucket.' });
    this.store.deletePresignedOfBucket.run(ns, row.name);
    this.store.deleteBucket.run(ns, row.name);
    return { success: true };
  }

  presignedUrl(ns: string, args: Args): { url: string } {
    const row = this.bucket(ns, args);
    const path = stringArg(args, ['path'], true);
    argumentSet(args, ['properties'], false);
    const expiry = integerArg(args, ['properties', 'expiry_seconds'], 1) ?? PRESIGNED_DEFAULT_EXPIRY;
    if (path.trim() === '') throw katapultError('validation_error', { errors: ["Path can't be blank"] });
    if (expiry > PRESIGNED_MAX_EXPIRY) throw katapultError('validation_error', { errors: [`Expiry seconds must be less than or equal to ${PRESIGNED_MAX_EXPIRY}`] });
    const now = this.now();
    const signature = this.ids.signature();
    this.store.insertPresigned.run({ namespace: ns, id: this.ids.presignedUrl(), bucket_name: row.name, path, created_at: now, expires_at: now + expiry * 1000, signature });
    const amzDate = new Date(now).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
    const query = new URLSearchParams({
      'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
      'X-Amz-Credential': `katapult-presign/${amzDate.slice(0, 8)}/${row.region}/s3/aws4_request`,
      'X-Amz-Date': amzDate,
      'X-Amz-Expires': String(expiry),
      'X-Amz-SignedHeaders': 'host',
      'X-Amz-Signature': signature,
    });
    const key = path.replace(/^\/+/, '').split('/').map(encodeURIComponent).join('/');
    return { url: `${bucketPublicUrl(row.name, row.region)}${key}?${query.toString()}` };
  }

  /** Whether a presigned URL the emulator issued would be honoured now: valid, expired, revoked or unknown. */
  presignedUrlStatus(ns: string, url: string): 'valid' | 'expired' | 'revoked' | 'unknown' {
    const signature = new URL(url).searchParams.get('X-Amz-Signature') ?? '';
    const row = this.store.presignedBySignature.get(ns, signature);
    if (!row) return 'unknown';
    if (row.revoked_at !== null) return 'revoked';
    return this.now() >= row.expires_at ? 'expired' : 'valid';
  }

  revokePresignedUrls(ns: string, args: Args): { success: true } {
    const row = this.bucket(ns, args);
    this.store.revokePresigned.run(this.now(), ns, row.name);
    return { success: true };
  }

  getObject(ns: string, args: Args) {
    const row = this.bucket(ns, args);
    const path = stringArg(args, ['path'], true).replace(/^\/+/, '');
    const object = this.store.objectAt.get(ns, row.name, path);
    const folderPath = path.endsWith('/') ? path : `${path}/`;
    const folder = !object && path !== '' && this.store.objectsUnder.get(ns, row.name, `${folderPath.replace(/[\\%_]/g, (c) => `\\${c}`)}%`)!.n > 0;
    if (!object && !folder) throw katapultError('object_not_found');
    const full = folder ? folderPath : path;
    const filename = full.replace(/\/$/, '').split('/').pop() ?? full;
    return {
      object_details: {
        filename,
        bucket_name: row.name,
        full_path: full,
        public_url: `${bucketPublicUrl(row.name, row.region)}${full}`,
        size: folder ? null : object!.size,
        folder,
      },
    };
  }

  // ---------------------------------------------------------------- fixtures

  seed(ns: string, data: KatapultFixture): Record<string, number> {
    const now = this.now();
    const counts = { api_tokens: 0, organizations: 0, object_storage_accounts: 0, access_keys: 0, buckets: 0, objects: 0 };
    for (const t of data.api_tokens) {
      const digest = secretDigest(t.token);
      this.store.insertToken.run({
        // A token without a name is named after its digest: the name is shown in the state dump, the token never.
        namespace: ns, token_digest: digest, name: t.name ?? `api-token:${digest.slice(0, 12)}`, scopes: JSON.stringify(t.scopes),
        allowed_networks: t.allowed_networks?.length ? JSON.stringify(t.allowed_networks) : null,
        rate_limit: t.rate_limit, expires_at: t.expires_at ? Date.parse(t.expires_at) : null,
      });
      counts.api_tokens++;
    }
    for (const c of data.clusters) this.store.insertCluster.run({ namespace: ns, region: c.region, data_center: JSON.stringify(c.data_center) });
    for (const org of data.organizations) {
      // Loading an organization that exists (same id or sub-domain) replaces it and everything it holds.
      this.store.deleteOrganization(ns, org.id, org.sub_domain);
      this.store.insertOrg.run({ namespace: ns, id: org.id, sub_domain: org.sub_domain, name: org.name ?? org.sub_domain, suspended: int(org.suspended), activated: int(org.activated) });
      counts.organizations++;
      for (const acc of org.object_storage_accounts) {
        const accountId = acc.id ?? this.ids.account();
        this.store.insertAccount.run({ namespace: ns, id: accountId, organization_id: org.id, region: acc.region, created_at: acc.created_at !== undefined ? acc.created_at * 1000 : now, provisioning: acc.provisioning_state, suspended: int(acc.suspended), size: acc.size });
        counts.object_storage_accounts++;
        for (const k of acc.access_keys) {
          if ((k.s3_access_key_id === undefined) !== (k.s3_secret_access_key === undefined)) throw new Error(`access key ${k.id}: give both s3_access_key_id and s3_secret_access_key, or neither`);
          const configured = k.state === 'configured';
          this.store.insertKey.run({
            namespace: ns, id: k.id, account_id: accountId, name: k.name, region: acc.region, created_at: k.created_at !== undefined ? k.created_at * 1000 : now,
            all_buckets_read: int(k.all_buckets_read), all_objects_read: int(k.all_objects_read), all_objects_write: int(k.all_objects_write),
            settled: int(configured), pending_since: null, s3_access_key_id: k.s3_access_key_id ?? null,
            s3_secret_hash: k.s3_secret_access_key ? hashSecret(k.s3_secret_access_key) : null, credentials_generated_at: k.s3_access_key_id ? now : null,
          });
          counts.access_keys++;
        }
        for (const b of acc.buckets) {
          const created = b.created_at !== undefined ? b.created_at * 1000 : now;
          this.store.insertBucket.run({
            namespace: ns, name: b.name, account_id: accountId, region: acc.region, label: b.label, created_at: created, pending_since: created - 86_400_000,
            serve_static_site: int(b.serve_static_site), static_site_index: b.static_site_index, static_site_error: b.static_site_error,
            public_read: int(b.access_control_list.public_read), public_list: int(b.access_control_list.public_list),
            all_keys_read: int(b.access_control_list.all_keys_read), all_keys_write: int(b.access_control_list.all_keys_write),
            read_key_ids: JSON.stringify(b.access_control_list.read_key_ids), write_key_ids: JSON.stringify(b.access_control_list.write_key_ids),
            custom_domains: JSON.stringify(b.custom_domains), cors_origins: JSON.stringify(b.cors_origins),
          });
          counts.buckets++;
          for (const o of b.objects) {
            this.store.insertObject.run({ namespace: ns, bucket_name: b.name, path: o.path, size: o.size });
            counts.objects++;
          }
        }
      }
    }
    return counts;
  }
}

const services = new WeakMap<VendorContext, KatapultService>();
/** One service per vendor context (its statements are prepared once per database). */
export function katapultService(ctx: VendorContext): KatapultService {
  let service = services.get(ctx);
  if (!service) {
    service = new KatapultService(ctx);
    services.set(ctx, service);
  }
  return service;
}
