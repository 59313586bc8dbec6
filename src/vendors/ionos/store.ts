import type { Database } from 'better-sqlite3';
import { perDatabase } from '../../core/vendor.js';

/** Every SQL statement of the IONOS vendor, prepared once per database. */

export interface UserRow {
  user_id: string;
  email: string;
  contract_number: string;
  canonical_user_id: string;
  administrative: number;
}

export interface CredentialRow {
  id: string;
  kind: 'bearer' | 'basic';
  username: string | null;
  /** `secretDigest` of the bearer token or Basic password: the value itself is never stored. */
  secret_hash: string;
  /** `secretDigest(token)` for a bearer token (what it is found by); null for basic credentials. */
  token_digest: string | null;
  user_id: string;
  rate_limit: number;
  object_storage_access: number;
}

export interface RegionRow {
  id: string;
  position: number;
  version: number;
  endpoint: string;
  website: string;
  capability: string;
  storage_classes: string | null;
  location: string;
  metadata: string;
}

export type Phase = 'provisioning' | 'available' | 'destroying' | 'failed';

export interface AccessKeyRow {
  id: string;
  user_id: string;
  description: string;
  access_key: string;
  secret_key: string;
  phase: Phase;
  phase_since: number;
  fail_message: string | null;
  created_at: number;
  created_by_user_id: string;
  modified_at: number;
  modified_by_user_id: string;
  seq: number;
}

/** A stored key as reads return it: no namespace, and no secret (only create and renew show one, from memory). */
export type StoredKeyRow = Omit<AccessKeyRow, 'secret_key'>;
const STORED_KEY_COLUMNS = 'id, user_id, description, access_key, phase, phase_since, fail_message, created_at, created_by_user_id, modified_at, modified_by_user_id, seq';
type StoredKeyTuple = [string, string, string, string, Phase, number, string | null, number, string, number, string, number];
/**
 * Key reads run in raw (array) mode and build the objects here: a list materialises 100+ rows, and
 * a literal with a fixed shape is about twice as fast as better-sqlite3 building each object.
 */
const storedKey = (r: StoredKeyTuple): StoredKeyRow => ({
  id: r[0], user_id: r[1], description: r[2], access_key: r[3], phase: r[4], phase_since: r[5], fail_message: r[6],
  created_at: r[7], created_by_user_id: r[8], modified_at: r[9], modified_by_user_id: r[10], seq: r[11],
});

export const ionosStore = perDatabase((db: Database) => {
  const s = {
    insertUser: db.prepare<[string, string, string, string, string, number]>(
      'INSERT OR REPLACE INTO ionos_users (namespace, user_id, email, contract_number, canonical_user_id, administrative) VALUES (?, ?, ?, ?, ?, ?)',
    ),
    user: db.prepare<[string, string], UserRow>('SELECT user_id, email, contract_number, canonical_user_id, administrative FROM ionos_users WHERE namespace = ? AND user_id = ?'),
    insertCredential: db.prepare<[string, string, string, string | null, string, string | null, string, number, number]>(
      'INSERT OR REPLACE INTO ionos_credentials (namespace, id, kind, username, secret_hash, token_digest, user_id, rate_limit, object_storage_access) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
    ),
    // By the token's digest, never by the token itself: the caller then compares the value with sameSecret.
    bearer: db.prepare<[string, string], CredentialRow>(
      "SELECT id, kind, username, secret_hash, token_digest, user_id, rate_limit, object_storage_access FROM ionos_credentials WHERE namespace = ? AND token_digest = ? AND kind = 'bearer'",
    ),
    basic: db.prepare<[string, string], CredentialRow>(
      "SELECT id, kind, username, secret_hash, token_digest, user_id, rate_limit, object_storage_access FROM ionos_credentials WHERE namespace = ? AND kind = 'basic' AND username = ?",
    ),
    insertRegion: db.prepare<[string, string, number, number, string, string, string, string | null, string, string]>(
      'INSERT OR REPLACE INTO ionos_regions (namespace, id, position, version, endpoint, website, capability, storage_classes, location, metadata) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    ),
    regionCount: db.prepare<[string], { n: number }>('SELECT count(*) AS n FROM ionos_regions WHERE namespace = ?'),
    regions: db.prepare<[string], RegionRow>('SELECT id, position, version, endpoint, website, capability, storage_classes, location, metadata FROM ionos_regions WHERE namespace = ? ORDER BY position, id'),
    region: db.prepare<[string, string], RegionRow>('SELECT id, position, version, endpoint, website, capability, storage_classes, location, metadata FROM ionos_regions WHERE namespace = ? AND id = ?'),
    regionIds: db.prepare<[string], { id: string }>('SELECT id FROM ionos_regions WHERE namespace = ? ORDER BY position, id'),
    keyRowCount: db.prepare<[string, string], { n: number }>('SELECT n FROM ionos_key_counts WHERE namespace = ? AND user_id = ?'),
    nextSeq: db.prepare<[string], { n: number }>('SELECT coalesce(max(seq), 0) + 1 AS n FROM ionos_accesskeys WHERE namespace = ?'),
    insertKey: db.prepare(
      `INSERT OR REPLACE INTO ionos_accesskeys (namespace, id, user_id, description, access_key, secret_key, phase, phase_since, fail_message, created_at, created_by_user_id, modified_at, modified_by_user_id, seq)
       VALUES (@namespace, @id, @user_id, @description, @access_key, @secret_key, @phase, @phase_since, @fail_message, @created_at, @created_by_user_id, @modified_at, @modified_by_user_id, @seq)`,
    ),
    key: db.prepare<[string, string], StoredKeyTuple>(`SELECT ${STORED_KEY_COLUMNS} FROM ionos_accesskeys WHERE namespace = ? AND id = ?`).raw(),
    keysOfUser: db.prepare<[string, string], StoredKeyTuple>(`SELECT ${STORED_KEY_COLUMNS} FROM ionos_accesskeys WHERE namespace = ? AND user_id = ? ORDER BY seq`).raw(),
    recentKeys: db.prepare<[string, number], StoredKeyTuple>(`SELECT ${STORED_KEY_COLUMNS} FROM ionos_accesskeys WHERE namespace = ? ORDER BY seq DESC LIMIT ?`).raw(),
    setPhase: db.prepare<[Phase, number, string | null, string, string]>('UPDATE ionos_accesskeys SET phase = ?, phase_since = ?, fail_message = ? WHERE namespace = ? AND id = ?'),
    replaceKey: db.prepare<[string, Phase, number, string | null, number, string, string, string]>(
      'UPDATE ionos_accesskeys SET description = ?, phase = ?, phase_since = ?, fail_message = ?, modified_at = ?, modified_by_user_id = ? WHERE namespace = ? AND id = ?',
    ),
    renewKey: db.prepare<[string, number, string | null, number, string, string, string]>(
      "UPDATE ionos_accesskeys SET secret_key = ?, phase = 'provisioning', phase_since = ?, fail_message = ?, modified_at = ?, modified_by_user_id = ? WHERE namespace = ? AND id = ?",
    ),
    deleteKey: db.prepare<[string, string]>('DELETE FROM ionos_accesskeys WHERE namespace = ? AND id = ?'),
  };
  /** A contract (or one user) and everything under it: the users' keys and credentials, then the users. */
  const USERS_OF = 'SELECT user_id FROM ionos_users WHERE namespace = @namespace AND (contract_number = @contract OR user_id = @user)';
  const deleteTenant = [
    `DELETE FROM ionos_accesskeys WHERE namespace = @namespace AND user_id IN (${USERS_OF})`,
    `DELETE FROM ionos_credentials WHERE namespace = @namespace AND user_id IN (${USERS_OF})`,
    'DELETE FROM ionos_users WHERE namespace = @namespace AND (contract_number = @contract OR user_id = @user)',
  ].map((sql) => db.prepare<[{ namespace: string; contract: string | null; user: string | null }]>(sql));

  return {
    insertUser: (ns: string, u: UserRow) => s.insertUser.run(ns, u.user_id, u.email, u.contract_number, u.canonical_user_id, u.administrative),
    user: (ns: string, userId: string) => s.user.get(ns, userId),
    insertCredential: (ns: string, c: CredentialRow) =>
      s.insertCredential.run(ns, c.id, c.kind, c.username, c.secret_hash, c.token_digest, c.user_id, c.rate_limit, c.object_storage_access),
    /** The bearer credential whose token has this digest (`secretDigest(token)`). */
    bearer: (ns: string, tokenDigest: string) => s.bearer.get(ns, tokenDigest),
    basic: (ns: string, username: string) => s.basic.get(ns, username),
    insertRegion: (ns: string, r: RegionRow) =>
      s.insertRegion.run(ns, r.id, r.position, r.version, r.endpoint, r.website, r.capability, r.storage_classes, r.location, r.metadata),
    regionCount: (ns: string) => s.regionCount.get(ns)!.n,
    regions: (ns: string) => s.regions.all(ns),
    region: (ns: string, id: string) => s.region.get(ns, id),
    regionIds: (ns: string) => s.regionIds.all(ns).map((r) => r.id),
    /** Key rows of the user, live or not (an upper bound of the live ones), from the trigger-kept counter. */
    keyRowCount: (ns: string, userId: string) => s.keyRowCount.get(ns, userId)?.n ?? 0,
    nextSeq: (ns: string) => s.nextSeq.get(ns)!.n,
    insertKey: (ns: string, k: AccessKeyRow) => s.insertKey.run({ namespace: ns, ...k }),
    key: (ns: string, id: string): StoredKeyRow | undefined => {
      const r = s.key.get(ns, id);
      return r && storedKey(r);
    },
    keysOfUser: (ns: string, userId: string): StoredKeyRow[] => s.keysOfUser.all(ns, userId).map(storedKey),
    /** The newest `limit` keys of the namespace (the dashboard's timeline). */
    recentKeys: (ns: string, limit: number): StoredKeyRow[] => s.recentKeys.all(ns, limit).map(storedKey),
    setPhase: (ns: string, id: string, phase: Phase, since: number, failMessage: string | null) => s.setPhase.run(phase, since, failMessage, ns, id),
    replaceKey: (ns: string, id: string, v: { description: string; since: number; failMessage: string | null; modifiedBy: string }) =>
      s.replaceKey.run(v.description, 'provisioning', v.since, v.failMessage, v.since, v.modifiedBy, ns, id),
    renewKey: (ns: string, id: string, v: { secret: string; since: number; failMessage: string | null; modifiedBy: string }) =>
      s.renewKey.run(v.secret, v.since, v.failMessage, v.since, v.modifiedBy, ns, id),
    deleteKey: (ns: string, id: string) => s.deleteKey.run(ns, id),
    /** Removes a contract's users, or one user, with their credentials and keys (a fixture re-load replaces them). */
    deleteTenant: (ns: string, tenant: { contract: string } | { user: string }) => {
      const params = { namespace: ns, contract: 'contract' in tenant ? tenant.contract : null, user: 'user' in tenant ? tenant.user : null };
      for (const stmt of deleteTenant) stmt.run(params);
    },
  };
});
export type IonosStore = ReturnType<typeof ionosStore>;
