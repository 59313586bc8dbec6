import type { Database } from 'better-sqlite3';
import { perDatabase } from '../../core/vendor.js';
import type { CredentialStatus } from './schemas.js';

/** Every SQL statement of the ibm vendor, prepared once per database. Every query filters on namespace. */

export interface ManagerRow {
  username: string;
  /** `secretDigest(password)`: the password itself is never stored. */
  passwordHash: string;
  keyManagement: boolean;
  keyListing: boolean;
  /** '*' or the storage account ids. */
  storageAccounts: '*' | string[];
  rateLimit: number;
}

export interface StorageAccountRow {
  id: string;
  name: string;
  ownerUserId: string | null;
}

export interface CredentialRow {
  access: string;
  secret: string;
  status: CredentialStatus;
  projectId: string;
  userId: string;
  subjectIbmId: string | null;
  createdAt: number;
  updatedAt: number;
}

interface RawManager {
  username: string;
  password_hash: string;
  key_management: number;
  key_listing: number;
  storage_accounts: string;
  rate_limit: number;
}

interface RawCredential {
  access: string;
  secret: string;
  status: CredentialStatus;
  project_id: string;
  user_id: string;
  subject_ibm_id: string | null;
  created_at: number;
  updated_at: number;
}

const toManager = (r: RawManager): ManagerRow => ({
  username: r.username,
  passwordHash: r.password_hash,
  keyManagement: r.key_management === 1,
  keyListing: r.key_listing === 1,
  storageAccounts: r.storage_accounts === '*' ? '*' : (JSON.parse(r.storage_accounts) as string[]),
  rateLimit: r.rate_limit,
});

const toCredential = (r: RawCredential): CredentialRow => ({
  access: r.access,
  secret: r.secret,
  status: r.status,
  projectId: r.project_id,
  userId: r.user_id,
  subjectIbmId: r.subject_ibm_id,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

const CREDENTIAL_COLUMNS = 'access, secret, status, project_id, user_id, subject_ibm_id, created_at, updated_at';

export const ibmStore = perDatabase((db: Database) => {
  const s = {
    insertManager: db.prepare<[string, string, string, number, number, string, number]>(
      `INSERT INTO ibm_managers (namespace, username, password_hash, key_management, key_listing, storage_accounts, rate_limit) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (namespace, username) DO UPDATE SET password_hash = excluded.password_hash, key_management = excluded.key_management,
       key_listing = excluded.key_listing, storage_accounts = excluded.storage_accounts, rate_limit = excluded.rate_limit`,
    ),
    manager: db.prepare<[string, string], RawManager>('SELECT * FROM ibm_managers WHERE namespace = ? AND username = ?'),
    insertAccount: db.prepare<[string, string, string, string | null]>('INSERT INTO ibm_storage_accounts (namespace, id, name, owner_user_id) VALUES (?, ?, ?, ?)'),
    account: db.prepare<[string, string], { id: string; name: string; owner_user_id: string | null }>('SELECT id, name, owner_user_id FROM ibm_storage_accounts WHERE namespace = ? AND id = ?'),
    insertUser: db.prepare<[string, string, string]>('INSERT INTO ibm_users (namespace, id, name) VALUES (?, ?, ?) ON CONFLICT (namespace, id) DO UPDATE SET name = excluded.name'),
    userExists: db.prepare<[string, string], { id: string }>('SELECT id FROM ibm_users WHERE namespace = ? AND id = ?'),
    insertMembership: db.prepare<[string, string, string]>('INSERT OR IGNORE INTO ibm_memberships (namespace, project_id, user_id) VALUES (?, ?, ?)'),
    /** A storage account and what it holds: its credentials and memberships (users stay: they may belong to other accounts). */
    deleteAccount: ['ibm_credentials', 'ibm_memberships'].map((t) => db.prepare<[string, string]>(`DELETE FROM ${t} WHERE namespace = ? AND project_id = ?`))
      .concat(db.prepare<[string, string]>('DELETE FROM ibm_storage_accounts WHERE namespace = ? AND id = ?')),
    membership: db.prepare<[string, string, string], { user_id: string }>('SELECT user_id FROM ibm_memberships WHERE namespace = ? AND project_id = ? AND user_id = ?'),
    insertCredential: db.prepare<[string, string, string, string, string, string, string | null, number, number]>(
      `INSERT INTO ibm_credentials (namespace, ${CREDENTIAL_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    credential: db.prepare<[string, string], RawCredential>(`SELECT ${CREDENTIAL_COLUMNS} FROM ibm_credentials WHERE namespace = ? AND access = ?`),
    credentials: db.prepare<[string], RawCredential>(`SELECT ${CREDENTIAL_COLUMNS} FROM ibm_credentials WHERE namespace = ? ORDER BY rowid`),
    recentCredentials: db.prepare<[string, number], Pick<RawCredential, 'access' | 'status' | 'user_id'>>('SELECT access, status, user_id FROM ibm_credentials WHERE namespace = ? ORDER BY rowid DESC LIMIT ?'),
    countForUser: db.prepare<[string, string], { n: number }>('SELECT count(*) AS n FROM ibm_credentials WHERE namespace = ? AND user_id = ?'),
    updateCredential: db.prepare<[string, string, number, string, string]>('UPDATE ibm_credentials SET secret = ?, status = ?, updated_at = ? WHERE namespace = ? AND access = ?'),
    deleteCredential: db.prepare<[string, string]>('DELETE FROM ibm_credentials WHERE namespace = ? AND access = ?'),
  };

  return {
    insertManager(ns: string, m: Omit<ManagerRow, never>): void {
      s.insertManager.run(ns, m.username, m.passwordHash, m.keyManagement ? 1 : 0, m.keyListing ? 1 : 0, m.storageAccounts === '*' ? '*' : JSON.stringify(m.storageAccounts), m.rateLimit);
    },
    manager(ns: string, username: string): ManagerRow | undefined {
      const row = s.manager.get(ns, username);
      return row && toManager(row);
    },
    /** Removes a storage account with its credentials and memberships (a fixture re-load replaces it). */
    deleteStorageAccount(ns: string, id: string): void {
      for (const stmt of s.deleteAccount) stmt.run(ns, id);
    },
    insertStorageAccount(ns: string, a: StorageAccountRow): void {
      s.insertAccount.run(ns, a.id, a.name, a.ownerUserId);
    },
    storageAccount(ns: string, id: string): StorageAccountRow | undefined {
      const row = s.account.get(ns, id);
      return row && { id: row.id, name: row.name, ownerUserId: row.owner_user_id };
    },
    insertUser(ns: string, id: string, name: string): void {
      s.insertUser.run(ns, id, name);
    },
    userExists(ns: string, id: string): boolean {
      return s.userExists.get(ns, id) !== undefined;
    },
    insertMembership(ns: string, projectId: string, userId: string): void {
      s.insertMembership.run(ns, projectId, userId);
    },
    isMember(ns: string, projectId: string, userId: string): boolean {
      return s.membership.get(ns, projectId, userId) !== undefined;
    },
    insertCredential(ns: string, c: CredentialRow): void {
      s.insertCredential.run(ns, c.access, c.secret, c.status, c.projectId, c.userId, c.subjectIbmId, c.createdAt, c.updatedAt);
    },
    credential(ns: string, access: string): CredentialRow | undefined {
      const row = s.credential.get(ns, access);
      return row && toCredential(row);
    },
    /** In creation order. */
    credentials(ns: string): CredentialRow[] {
      return s.credentials.all(ns).map(toCredential);
    },
    /** The newest `limit` credentials, without their secrets (the dashboard's timeline). */
    recentCredentials(ns: string, limit: number): Array<{ access: string; status: CredentialStatus; userId: string }> {
      return s.recentCredentials.all(ns, limit).map((r) => ({ access: r.access, status: r.status, userId: r.user_id }));
    },
    countForUser(ns: string, userId: string): number {
      return s.countForUser.get(ns, userId)!.n;
    },
    updateCredential(ns: string, access: string, secret: string, status: CredentialStatus, now: number): void {
      s.updateCredential.run(secret, status, now, ns, access);
    },
    deleteCredential(ns: string, access: string): boolean {
      return s.deleteCredential.run(ns, access).changes > 0;
    },
    transaction<T>(fn: () => T): T {
      return db.transaction(fn).immediate();
    },
  };
});

export type IbmStore = ReturnType<typeof ibmStore>;
