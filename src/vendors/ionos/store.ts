import type { Database } from 'better-sqlite3';
import { sql } from '../../core/sql.js';
import { perDatabase } from '../../core/vendor.js';
import { KeyCounts } from './key-counts.js';

/** Every SQL statement of the IONOS vendor, prepared once per database, with the row → object mappers. */

export interface User {
  userId: string;
  email: string;
  contractNumber: string;
  canonicalUserId: string;
  administrative: boolean;
}

export interface Credential {
  id: string;
  kind: 'bearer' | 'basic';
  username: string | null;
  /** `secretDigest` of the bearer token or Basic password: the value itself is never stored. */
  secretHash: string;
  /** `secretDigest(token)` for a bearer token (what it is found by); null for basic credentials. */
  tokenDigest: string | null;
  userId: string;
  rateLimit: number;
  objectStorageAccess: boolean;
}

/** Who calls: the credential and its user, read in one statement. */
export interface Caller {
  credential: Credential;
  user: User;
}

export interface Region {
  id: string;
  position: number;
  version: number;
  endpoint: string;
  website: string;
  capability: { iam?: boolean; s3select?: boolean };
  storageClasses: string[] | null;
  location: string;
  metadata: Record<string, unknown>;
}

export type Phase = 'provisioning' | 'available' | 'destroying' | 'failed';

/** A stored key as reads return it: no secret (only create and renew show one, from memory). */
export interface AccessKey {
  id: string;
  userId: string;
  description: string;
  accessKey: string;
  phase: Phase;
  phaseSince: number;
  failMessage: string | null;
  createdAt: number;
  createdByUserId: string;
  modifiedAt: number;
  modifiedByUserId: string;
}

/** A key to insert: its secret too; its `seq` (the order of the lists) is the namespace's next, taken in the INSERT. */
export interface NewAccessKey extends AccessKey {
  secretKey: string;
}

type Namespaced = { namespace: string };

const CALLER_COLUMNS = `c.id, c.kind, c.username, c.secret_hash, c.token_digest, c.user_id, c.rate_limit, c.object_storage_access,
  u.email, u.contract_number, u.canonical_user_id, u.administrative`;
type CallerTuple = [string, 'bearer' | 'basic', string | null, string, string | null, string, number, number, string, string, string, number];
const caller = (r: CallerTuple): Caller => ({
  credential: { id: r[0], kind: r[1], username: r[2], secretHash: r[3], tokenDigest: r[4], userId: r[5], rateLimit: r[6], objectStorageAccess: r[7] === 1 },
  user: { userId: r[5], email: r[8], contractNumber: r[9], canonicalUserId: r[10], administrative: r[11] === 1 },
});

const USER_COLUMNS = 'user_id, email, contract_number, canonical_user_id, administrative';
type UserTuple = [string, string, string, string, number];
const user = (r: UserTuple): User => ({ userId: r[0], email: r[1], contractNumber: r[2], canonicalUserId: r[3], administrative: r[4] === 1 });

const REGION_COLUMNS = 'id, position, version, endpoint, website, capability, storage_classes, location, metadata';
type RegionTuple = [string, number, number, string, string, string, string | null, string, string];
// The JSON columns are written by regionInsert below from the fixture's (validated) values.
const region = (r: RegionTuple): Region => ({
  id: r[0], position: r[1], version: r[2], endpoint: r[3], website: r[4],
  capability: JSON.parse(r[5]) as Region['capability'],
  storageClasses: r[6] === null ? null : (JSON.parse(r[6]) as string[]),
  location: r[7],
  metadata: JSON.parse(r[8]) as Record<string, unknown>,
});

const KEY_COLUMNS = 'id, user_id, description, access_key, phase, phase_since, fail_message, created_at, created_by_user_id, modified_at, modified_by_user_id';
type KeyTuple = [string, string, string, string, Phase, number, string | null, number, string, number, string];
type KeyWithSecretTuple = [...KeyTuple, string];
const accessKey = (r: KeyTuple | KeyWithSecretTuple): AccessKey => ({
  id: r[0], userId: r[1], description: r[2], accessKey: r[3], phase: r[4], phaseSince: r[5], failMessage: r[6],
  createdAt: r[7], createdByUserId: r[8], modifiedAt: r[9], modifiedByUserId: r[10],
});

type KeyRow = {
  namespace: string; id: string; user_id: string; description: string; access_key: string; secret_key: string; phase: Phase; phase_since: number;
  fail_message: string | null; created_at: number; created_by_user_id: string; modified_at: number; modified_by_user_id: string;
};
const keyRow = (namespace: string, k: NewAccessKey): KeyRow => ({
  namespace, id: k.id, user_id: k.userId, description: k.description, access_key: k.accessKey, secret_key: k.secretKey, phase: k.phase, phase_since: k.phaseSince,
  fail_message: k.failMessage, created_at: k.createdAt, created_by_user_id: k.createdByUserId, modified_at: k.modifiedAt, modified_by_user_id: k.modifiedByUserId,
});
const KEY_INSERT_COLUMNS = 'id, user_id, description, access_key, secret_key, phase, phase_since, fail_message, created_at, created_by_user_id, modified_at, modified_by_user_id, seq';
// The next seq is max + 1 within the namespace, read in the INSERT itself on the (namespace, seq) index.
const KEY_INSERT_VALUES = `@namespace, @id, @user_id, @description, @access_key, @secret_key, @phase, @phase_since, @fail_message, @created_at, @created_by_user_id, @modified_at, @modified_by_user_id,
  (SELECT coalesce(max(seq), 0) + 1 FROM ionos_accesskeys WHERE namespace = @namespace)`;

/** Ids as one JSON array parameter: a batch of keys is one statement (`id IN (SELECT value FROM json_each(@ids))`). */
type KeyBatch = Namespaced & { ids: string };

export const ionosStore = perDatabase((db: Database) => {
  const q = sql(db);
  const counts = new KeyCounts();
  const s = {
    userInsert: q.statement<Namespaced & { user_id: string; email: string; contract_number: string; canonical_user_id: string; administrative: number }>(
      'INSERT OR REPLACE INTO ionos_users (namespace, user_id, email, contract_number, canonical_user_id, administrative) VALUES (@namespace, @user_id, @email, @contract_number, @canonical_user_id, @administrative)',
    ),
    userById: q.mapped<Namespaced & { userId: string }, UserTuple, User>(`SELECT ${USER_COLUMNS} FROM ionos_users WHERE namespace = @namespace AND user_id = @userId`, user),
    credentialInsert: q.statement<Namespaced & {
      id: string; kind: string; username: string | null; secret_hash: string; token_digest: string | null; user_id: string; rate_limit: number; object_storage_access: number;
    }>(
      `INSERT OR REPLACE INTO ionos_credentials (namespace, id, kind, username, secret_hash, token_digest, user_id, rate_limit, object_storage_access)
       VALUES (@namespace, @id, @kind, @username, @secret_hash, @token_digest, @user_id, @rate_limit, @object_storage_access)`,
    ),
    // By the token's digest, never by the token itself: the caller then compares the value with sameSecret.
    callerByTokenDigest: q.remembered<Namespaced & { tokenDigest: string }, CallerTuple, Caller>(
      `SELECT ${CALLER_COLUMNS} FROM ionos_credentials c JOIN ionos_users u ON u.namespace = c.namespace AND u.user_id = c.user_id
       WHERE c.namespace = @namespace AND c.token_digest = @tokenDigest AND c.kind = 'bearer'`,
      caller,
    ),
    callerByUsername: q.remembered<Namespaced & { username: string }, CallerTuple, Caller>(
      `SELECT ${CALLER_COLUMNS} FROM ionos_credentials c JOIN ionos_users u ON u.namespace = c.namespace AND u.user_id = c.user_id
       WHERE c.namespace = @namespace AND c.kind = 'basic' AND c.username = @username`,
      caller,
    ),
    regionInsert: q.statement<Namespaced & {
      id: string; position: number; version: number; endpoint: string; website: string; capability: string; storage_classes: string | null; location: string; metadata: string;
    }>(
      `INSERT OR REPLACE INTO ionos_regions (namespace, id, position, version, endpoint, website, capability, storage_classes, location, metadata)
       VALUES (@namespace, @id, @position, @version, @endpoint, @website, @capability, @storage_classes, @location, @metadata)`,
    ),
    regionCount: q.mapped<Namespaced, [number], number>('SELECT count(*) FROM ionos_regions WHERE namespace = @namespace', ([n]) => n),
    regionsInOrder: q.mapped<Namespaced, RegionTuple, Region>(`SELECT ${REGION_COLUMNS} FROM ionos_regions WHERE namespace = @namespace ORDER BY position, id`, region),
    regionById: q.mapped<Namespaced & { id: string }, RegionTuple, Region>(`SELECT ${REGION_COLUMNS} FROM ionos_regions WHERE namespace = @namespace AND id = @id`, region),
    regionIds: q.mapped<Namespaced, [string], string>('SELECT id FROM ionos_regions WHERE namespace = @namespace ORDER BY position, id', ([id]) => id),
    keyCountByUser: q.mapped<Namespaced & { userId: string }, [number], number>('SELECT count(*) FROM ionos_accesskeys WHERE namespace = @namespace AND user_id = @userId', ([n]) => n),
    // A taken id inserts nothing (ids repeat under ID_SEED across restarts of a file database): the service draws another.
    keyInsert: q.statement<KeyRow>(`INSERT INTO ionos_accesskeys (namespace, ${KEY_INSERT_COLUMNS}) VALUES (${KEY_INSERT_VALUES}) ON CONFLICT (namespace, id) DO NOTHING`),
    // Seeding only: a fixture names its keys' ids, and naming one again replaces it.
    keyUpsert: q.statement<KeyRow>(`INSERT OR REPLACE INTO ionos_accesskeys (namespace, ${KEY_INSERT_COLUMNS}) VALUES (${KEY_INSERT_VALUES})`),
    keyById: q.mapped<Namespaced & { id: string }, KeyTuple, AccessKey>(`SELECT ${KEY_COLUMNS} FROM ionos_accesskeys WHERE namespace = @namespace AND id = @id`, accessKey),
    keysByUser: q.mapped<Namespaced & { userId: string }, KeyTuple, AccessKey>(
      `SELECT ${KEY_COLUMNS} FROM ionos_accesskeys WHERE namespace = @namespace AND user_id = @userId ORDER BY seq`,
      accessKey,
    ),
    keysRecent: q.mapped<Namespaced & { limit: number }, KeyTuple, AccessKey>(
      `SELECT ${KEY_COLUMNS} FROM ionos_accesskeys WHERE namespace = @namespace ORDER BY seq DESC LIMIT @limit`,
      accessKey,
    ),
    // A key from the S3 data plane's signature: found by its access key, with the secret SigV4 needs.
    keyWithSecretByAccessKey: q.mapped<Namespaced & { accessKey: string }, KeyWithSecretTuple, AccessKey & { secretKey: string }>(
      `SELECT ${KEY_COLUMNS}, secret_key FROM ionos_accesskeys WHERE namespace = @namespace AND access_key = @accessKey LIMIT 1`,
      (r) => ({ ...accessKey(r), secretKey: r[11] }),
    ),
    keyPhaseSet: q.statement<Namespaced & { id: string; phase: Phase; since: number; failMessage: string | null }>(
      'UPDATE ionos_accesskeys SET phase = @phase, phase_since = @since, fail_message = @failMessage WHERE namespace = @namespace AND id = @id',
    ),
    // A finished transition: AVAILABLE, or FAILED when the key carries a failure (after provisioning or a failed deletion).
    keysSettle: q.statement<KeyBatch & { since: number }>(
      `UPDATE ionos_accesskeys SET phase = CASE WHEN fail_message IS NULL THEN 'available' ELSE 'failed' END, phase_since = @since
       WHERE namespace = @namespace AND id IN (SELECT value FROM json_each(@ids))`,
    ),
    keysDelete: q.statement<KeyBatch>('DELETE FROM ionos_accesskeys WHERE namespace = @namespace AND id IN (SELECT value FROM json_each(@ids))'),
    keyReplace: q.statement<Namespaced & { id: string; description: string; since: number; failMessage: string | null; modifiedBy: string }>(
      `UPDATE ionos_accesskeys SET description = @description, phase = 'provisioning', phase_since = @since, fail_message = @failMessage, modified_at = @since, modified_by_user_id = @modifiedBy
       WHERE namespace = @namespace AND id = @id`,
    ),
    keyRenew: q.statement<Namespaced & { id: string; secret: string; since: number; failMessage: string | null; modifiedBy: string }>(
      `UPDATE ionos_accesskeys SET secret_key = @secret, phase = 'provisioning', phase_since = @since, fail_message = @failMessage, modified_at = @since, modified_by_user_id = @modifiedBy
       WHERE namespace = @namespace AND id = @id`,
    ),
  };
  /** A contract (or one user) and everything under it: the users' keys and credentials, then the users. */
  const USERS_OF = 'SELECT user_id FROM ionos_users WHERE namespace = @namespace AND (contract_number = @contract OR user_id = @user)';
  type Tenant = Namespaced & { contract: string | null; user: string | null };
  const tenantDelete = [
    q.statement<Tenant>(`DELETE FROM ionos_accesskeys WHERE namespace = @namespace AND user_id IN (${USERS_OF})`),
    q.statement<Tenant>(`DELETE FROM ionos_credentials WHERE namespace = @namespace AND user_id IN (${USERS_OF})`),
    q.statement<Tenant>('DELETE FROM ionos_users WHERE namespace = @namespace AND (contract_number = @contract OR user_id = @user)'),
  ];

  return {
    /**
     * Runs a request's writes in one transaction. The namespace's key counts are kept in memory beside
     * it: when the transaction fails they may have counted what was rolled back, so they are dropped.
     */
    transaction<T>(namespace: string, fn: () => T): T {
      try {
        return q.transaction(fn);
      } catch (err) {
        counts.forget(namespace);
        throw err;
      }
    },
    /** After a reset of one namespace (or all): what it keeps in memory about their keys is stale. */
    forget: (namespace?: string) => counts.forget(namespace),

    userInsert: (namespace: string, u: User) =>
      s.userInsert.run({ namespace, user_id: u.userId, email: u.email, contract_number: u.contractNumber, canonical_user_id: u.canonicalUserId, administrative: u.administrative ? 1 : 0 }),
    userById: (namespace: string, userId: string) => s.userById.get({ namespace, userId }),
    credentialInsert: (namespace: string, c: Credential) =>
      s.credentialInsert.run({
        namespace, id: c.id, kind: c.kind, username: c.username, secret_hash: c.secretHash, token_digest: c.tokenDigest, user_id: c.userId, rate_limit: c.rateLimit,
        object_storage_access: c.objectStorageAccess ? 1 : 0,
      }),
    /** The bearer credential whose token has this digest (`secretDigest(token)`), with its user. */
    callerByTokenDigest: (namespace: string, tokenDigest: string) => s.callerByTokenDigest.get({ namespace, tokenDigest }),
    callerByUsername: (namespace: string, username: string) => s.callerByUsername.get({ namespace, username }),
    regionInsert: (namespace: string, r: Region) =>
      s.regionInsert.run({
        namespace, id: r.id, position: r.position, version: r.version, endpoint: r.endpoint, website: r.website, capability: JSON.stringify(r.capability),
        storage_classes: r.storageClasses === null ? null : JSON.stringify(r.storageClasses), location: r.location, metadata: JSON.stringify(r.metadata),
      }),
    regionCount: (namespace: string) => s.regionCount.get({ namespace })!,
    regionsInOrder: (namespace: string) => s.regionsInOrder.all({ namespace }),
    regionById: (namespace: string, id: string) => s.regionById.get({ namespace, id }),
    regionIds: (namespace: string) => s.regionIds.all({ namespace }),

    /** Key rows of the user, live or not (an upper bound of the live ones): counted once, then kept in memory. */
    keyRowCount: (namespace: string, userId: string) => counts.get(namespace, userId) ?? counts.set(namespace, userId, s.keyCountByUser.get({ namespace, userId })!),
    /** False when the id is taken (nothing written). */
    keyInsert: (namespace: string, k: NewAccessKey): boolean => {
      if (s.keyInsert.run(keyRow(namespace, k)).changes === 0) return false;
      counts.add(namespace, k.userId, 1);
      return true;
    },
    /** Seeding: inserts or replaces by id. The namespace's counts are dropped (a replaced key may have had another user). */
    keyUpsert: (namespace: string, k: NewAccessKey) => {
      s.keyUpsert.run(keyRow(namespace, k));
      counts.forget(namespace);
    },
    keyById: (namespace: string, id: string) => s.keyById.get({ namespace, id }),
    keysByUser: (namespace: string, userId: string) => s.keysByUser.all({ namespace, userId }),
    /** The newest `limit` keys of the namespace (the dashboard's timeline). */
    keysRecent: (namespace: string, limit: number) => s.keysRecent.all({ namespace, limit }),
    /** For the S3 plane only (SigV4 needs the secret itself); never in a response. */
    keyWithSecretByAccessKey: (namespace: string, accessKey: string) => s.keyWithSecretByAccessKey.get({ namespace, accessKey }),
    keyPhaseSet: (namespace: string, id: string, phase: Phase, since: number, failMessage: string | null) => s.keyPhaseSet.run({ namespace, id, phase, since, failMessage }),
    /** Keys whose transition finished: AVAILABLE, or FAILED when they carry a failure message. */
    keysSettle: (namespace: string, ids: readonly string[], since: number) => s.keysSettle.run({ namespace, ids: JSON.stringify(ids), since }),
    /** Keys whose deletion finished (as just read). */
    keysDelete: (namespace: string, keys: readonly AccessKey[]) => {
      const { changes } = s.keysDelete.run({ namespace, ids: JSON.stringify(keys.map((k) => k.id)) });
      if (changes !== keys.length) return counts.forget(namespace);
      for (const k of keys) counts.add(namespace, k.userId, -1);
    },
    keyReplace: (namespace: string, id: string, v: { description: string; since: number; failMessage: string | null; modifiedBy: string }) =>
      s.keyReplace.run({ namespace, id, ...v }),
    keyRenew: (namespace: string, id: string, v: { secret: string; since: number; failMessage: string | null; modifiedBy: string }) =>
      s.keyRenew.run({ namespace, id, ...v }),
    /** Removes a contract's users, or one user, with their credentials and keys (a fixture re-load replaces them). */
    tenantDelete: (namespace: string, tenant: { contract: string } | { user: string }) => {
      const params = { namespace, contract: 'contract' in tenant ? tenant.contract : null, user: 'user' in tenant ? tenant.user : null };
      for (const statement of tenantDelete) statement.run(params);
      counts.forget(namespace);
    },
  };
});
export type IonosStore = ReturnType<typeof ionosStore>;
