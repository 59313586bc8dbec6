import type { Database } from 'better-sqlite3';
import { sql } from '../../core/sql.js';
import { perDatabase } from '../../core/vendor.js';
import type { CredentialStatus } from './schemas.js';

/** Every SQL statement of the ibm vendor, prepared once per database. Every statement filters on the namespace. */

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

/** The newest credentials, without their secrets (the dashboard's timeline). */
export interface RecentCredential {
  access: string;
  status: CredentialStatus;
  userId: string;
}

/** What a list is narrowed to in SQL: one user's keys, one account's, the accounts a manager may see, or all. */
export type CredentialScope =
  | { userId: string; projectId?: string | undefined }
  | { projectId: string }
  | { projectIds: readonly string[] }
  | 'all';

type Namespace = { namespace: string };

const MANAGER_COLUMNS = 'username, password_hash, key_management, key_listing, storage_accounts, rate_limit';
type ManagerTuple = [username: string, passwordHash: string, keyManagement: number, keyListing: number, storageAccounts: string, rateLimit: number];
/** 0/1 → booleans, the JSON list (or `*`) of storage accounts → its ids. */
const toManager = ([username, passwordHash, keyManagement, keyListing, storageAccounts, rateLimit]: ManagerTuple): ManagerRow => ({
  username,
  passwordHash,
  keyManagement: keyManagement === 1,
  keyListing: keyListing === 1,
  storageAccounts: storageAccounts === '*' ? '*' : (JSON.parse(storageAccounts) as string[]),
  rateLimit,
});

const CREDENTIAL_COLUMNS = 'access, secret, status, project_id, user_id, subject_ibm_id, created_at, updated_at';
type CredentialTuple = [access: string, secret: string, status: CredentialStatus, projectId: string, userId: string, subjectIbmId: string | null, createdAt: number, updatedAt: number];
const toCredential = ([access, secret, status, projectId, userId, subjectIbmId, createdAt, updatedAt]: CredentialTuple): CredentialRow => ({
  access,
  secret,
  status,
  projectId,
  userId,
  subjectIbmId,
  createdAt,
  updatedAt,
});
const credentialParams = (namespace: string, c: CredentialRow) => ({
  namespace,
  access: c.access,
  secret: c.secret,
  status: c.status,
  projectId: c.projectId,
  userId: c.userId,
  subjectIbmId: c.subjectIbmId,
  createdAt: c.createdAt,
  updatedAt: c.updatedAt,
});
type CredentialParams = ReturnType<typeof credentialParams>;
const CREDENTIAL_VALUES = '@namespace, @access, @secret, @status, @projectId, @userId, @subjectIbmId, @createdAt, @updatedAt';

export const ibmStore = perDatabase((db: Database) => {
  const q = sql(db);
  const s = {
    managerUpsert: q.statement<Namespace & { username: string; passwordHash: string; keyManagement: number; keyListing: number; storageAccounts: string; rateLimit: number }>(
      `INSERT INTO ibm_managers (namespace, ${MANAGER_COLUMNS}) VALUES (@namespace, @username, @passwordHash, @keyManagement, @keyListing, @storageAccounts, @rateLimit)
       ON CONFLICT (namespace, username) DO UPDATE SET password_hash = excluded.password_hash, key_management = excluded.key_management,
       key_listing = excluded.key_listing, storage_accounts = excluded.storage_accounts, rate_limit = excluded.rate_limit`,
    ),
    managerByName: q.remembered<Namespace & { username: string }, ManagerTuple, ManagerRow>(
      `SELECT ${MANAGER_COLUMNS} FROM ibm_managers WHERE namespace = @namespace AND username = @username`,
      toManager,
    ),
    storageAccountInsert: q.statement<Namespace & { id: string; name: string; ownerUserId: string | null }>(
      'INSERT INTO ibm_storage_accounts (namespace, id, name, owner_user_id) VALUES (@namespace, @id, @name, @ownerUserId)',
    ),
    storageAccountById: q.mapped<Namespace & { id: string }, [id: string, name: string, ownerUserId: string | null], StorageAccountRow>(
      'SELECT id, name, owner_user_id FROM ibm_storage_accounts WHERE namespace = @namespace AND id = @id',
      ([id, name, ownerUserId]) => ({ id, name, ownerUserId }),
    ),
    /** A storage account and what it holds: its credentials and memberships (users stay: they may belong to other accounts). */
    storageAccountDelete: [
      q.statement<Namespace & { id: string }>('DELETE FROM ibm_credentials WHERE namespace = @namespace AND project_id = @id'),
      q.statement<Namespace & { id: string }>('DELETE FROM ibm_memberships WHERE namespace = @namespace AND project_id = @id'),
      q.statement<Namespace & { id: string }>('DELETE FROM ibm_storage_accounts WHERE namespace = @namespace AND id = @id'),
    ],
    userUpsert: q.statement<Namespace & { id: string; name: string }>(
      'INSERT INTO ibm_users (namespace, id, name) VALUES (@namespace, @id, @name) ON CONFLICT (namespace, id) DO UPDATE SET name = excluded.name',
    ),
    userExists: q.mapped<Namespace & { id: string }, [one: number], true>('SELECT 1 FROM ibm_users WHERE namespace = @namespace AND id = @id', () => true),
    /** Whether the user exists and whether it is a member of the storage account, in one read. */
    userMembership: q.mapped<Namespace & { userId: string; projectId: string }, [exists: number, member: number], { exists: boolean; member: boolean }>(
      `SELECT EXISTS (SELECT 1 FROM ibm_users WHERE namespace = @namespace AND id = @userId),
              EXISTS (SELECT 1 FROM ibm_memberships WHERE namespace = @namespace AND project_id = @projectId AND user_id = @userId)`,
      ([exists, member]) => ({ exists: exists === 1, member: member === 1 }),
    ),
    membershipInsert: q.statement<Namespace & { projectId: string; userId: string }>(
      'INSERT OR IGNORE INTO ibm_memberships (namespace, project_id, user_id) VALUES (@namespace, @projectId, @userId)',
    ),
    credentialInsert: q.statement<CredentialParams>(`INSERT INTO ibm_credentials (namespace, ${CREDENTIAL_COLUMNS}) VALUES (${CREDENTIAL_VALUES})`),
    /** A new key unless its access key is taken (0 changes then): a generated key that collides is drawn again. */
    credentialInsertUnlessTaken: q.statement<CredentialParams>(
      `INSERT INTO ibm_credentials (namespace, ${CREDENTIAL_COLUMNS}) VALUES (${CREDENTIAL_VALUES}) ON CONFLICT (namespace, access) DO NOTHING`,
    ),
    credentialCountByUser: q.mapped<Namespace & { userId: string }, [n: number], number>(
      'SELECT count(*) FROM ibm_credentials WHERE namespace = @namespace AND user_id = @userId',
      ([n]) => n,
    ),
    credentialById: q.remembered<Namespace & { access: string }, CredentialTuple, CredentialRow>(
      `SELECT ${CREDENTIAL_COLUMNS} FROM ibm_credentials WHERE namespace = @namespace AND access = @access`,
      toCredential,
    ),
    // Lists, in creation order (rowid), each through an index on what it is narrowed to.
    credentialsByNamespace: q.mapped<Namespace, CredentialTuple, CredentialRow>(
      `SELECT ${CREDENTIAL_COLUMNS} FROM ibm_credentials WHERE namespace = @namespace ORDER BY rowid`,
      toCredential,
    ),
    credentialsByProject: q.mapped<Namespace & { projectId: string }, CredentialTuple, CredentialRow>(
      `SELECT ${CREDENTIAL_COLUMNS} FROM ibm_credentials WHERE namespace = @namespace AND project_id = @projectId ORDER BY rowid`,
      toCredential,
    ),
    credentialsByProjects: q.mapped<Namespace & { projectIds: string }, CredentialTuple, CredentialRow>(
      `SELECT ${CREDENTIAL_COLUMNS} FROM ibm_credentials WHERE namespace = @namespace AND project_id IN (SELECT value FROM json_each(@projectIds)) ORDER BY rowid`,
      toCredential,
    ),
    credentialsByUser: q.mapped<Namespace & { userId: string; projectId: string | null }, CredentialTuple, CredentialRow>(
      `SELECT ${CREDENTIAL_COLUMNS} FROM ibm_credentials WHERE namespace = @namespace AND user_id = @userId AND (@projectId IS NULL OR project_id = @projectId) ORDER BY rowid`,
      toCredential,
    ),
    credentialsRecent: q.mapped<Namespace & { limit: number }, [access: string, status: CredentialStatus, userId: string], RecentCredential>(
      'SELECT access, status, user_id FROM ibm_credentials WHERE namespace = @namespace ORDER BY rowid DESC LIMIT @limit',
      ([access, status, userId]) => ({ access, status, userId }),
    ),
    credentialUpdate: q.statement<Namespace & { access: string; secret: string; status: CredentialStatus; updatedAt: number }>(
      'UPDATE ibm_credentials SET secret = @secret, status = @status, updated_at = @updatedAt WHERE namespace = @namespace AND access = @access',
    ),
    credentialDelete: q.statement<Namespace & { access: string }>('DELETE FROM ibm_credentials WHERE namespace = @namespace AND access = @access'),
  };

  return {
    managerUpsert(namespace: string, m: ManagerRow): void {
      s.managerUpsert.run({
        namespace,
        username: m.username,
        passwordHash: m.passwordHash,
        keyManagement: m.keyManagement ? 1 : 0,
        keyListing: m.keyListing ? 1 : 0,
        storageAccounts: m.storageAccounts === '*' ? '*' : JSON.stringify(m.storageAccounts),
        rateLimit: m.rateLimit,
      });
    },
    managerByName(namespace: string, username: string): ManagerRow | undefined {
      return s.managerByName.get({ namespace, username });
    },
    /** Removes a storage account with its credentials and memberships, all or nothing (a fixture re-load replaces it). */
    storageAccountDelete(namespace: string, id: string): void {
      q.transaction(() => {
        for (const statement of s.storageAccountDelete) statement.run({ namespace, id });
      });
    },
    storageAccountInsert(namespace: string, a: StorageAccountRow): void {
      s.storageAccountInsert.run({ namespace, ...a });
    },
    storageAccountById(namespace: string, id: string): StorageAccountRow | undefined {
      return s.storageAccountById.get({ namespace, id });
    },
    userUpsert(namespace: string, id: string, name: string): void {
      s.userUpsert.run({ namespace, id, name });
    },
    userExists(namespace: string, id: string): boolean {
      return s.userExists.get({ namespace, id }) === true;
    },
    userMembership(namespace: string, userId: string, projectId: string): { exists: boolean; member: boolean } {
      return s.userMembership.get({ namespace, userId, projectId })!;
    },
    membershipInsert(namespace: string, projectId: string, userId: string): void {
      s.membershipInsert.run({ namespace, projectId, userId });
    },
    credentialInsert(namespace: string, c: CredentialRow): void {
      s.credentialInsert.run(credentialParams(namespace, c));
    },
    /** Inserts `c` unless its access key is taken: whether it did. */
    credentialInsertUnlessTaken(namespace: string, c: CredentialRow): boolean {
      return s.credentialInsertUnlessTaken.run(credentialParams(namespace, c)).changes > 0;
    },
    credentialCountByUser(namespace: string, userId: string): number {
      return s.credentialCountByUser.get({ namespace, userId })!;
    },
    credentialById(namespace: string, access: string): CredentialRow | undefined {
      return s.credentialById.get({ namespace, access });
    },
    /** In creation order, narrowed in SQL to `scope`. */
    credentialsIn(namespace: string, scope: CredentialScope): CredentialRow[] {
      if (scope === 'all') return s.credentialsByNamespace.all({ namespace });
      if ('userId' in scope) return s.credentialsByUser.all({ namespace, userId: scope.userId, projectId: scope.projectId ?? null });
      if ('projectId' in scope) return s.credentialsByProject.all({ namespace, projectId: scope.projectId });
      return s.credentialsByProjects.all({ namespace, projectIds: JSON.stringify(scope.projectIds) });
    },
    /** The newest `limit` credentials, without their secrets (the dashboard's timeline). */
    credentialsRecent(namespace: string, limit: number): RecentCredential[] {
      return s.credentialsRecent.all({ namespace, limit });
    },
    credentialUpdate(namespace: string, access: string, secret: string, status: CredentialStatus, updatedAt: number): void {
      s.credentialUpdate.run({ namespace, access, secret, status, updatedAt });
    },
    credentialDelete(namespace: string, access: string): void {
      s.credentialDelete.run({ namespace, access });
    },
    /** One transaction (a nested call is a savepoint): all of `fn`'s writes or none. */
    transaction<T>(fn: () => T): T {
      return q.transaction(fn);
    },
  };
});

export type IbmStore = ReturnType<typeof ibmStore>;
