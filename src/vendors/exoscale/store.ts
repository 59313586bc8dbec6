import type { Database } from 'better-sqlite3';
import { sql } from '../../core/sql.js';
import { perDatabase } from '../../core/vendor.js';
import type { AccessKeyResource, AssumeRolePolicy, IamPolicy, OperationReason } from './schemas.js';

/**
 * Every SQL statement of the Exoscale vendor, prepared once per database. Writes take the rows as the
 * service builds them (JSON columns encoded here); reads return store objects (JSON parsed, booleans
 * from 0/1 here), with the operation a removal (revoke, delete) waits for joined in, so no read asks
 * for it row by row.
 */

export type OperationOutcome = 'success' | 'failure' | 'timeout';

/** Where an operation stands: all a revoke or delete needs to know whether it has landed. */
export interface OperationProgress {
  id: string;
  created_at: number;
  completed_at: number | null;
  outcome: OperationOutcome;
}

export interface OperationRow extends OperationProgress {
  namespace: string;
  reason: OperationReason | null;
  message: string | null;
  reference_id: string | null;
  reference_link: string;
  reference_command: string;
}

export type OrganizationRow = {
  namespace: string;
  id: string;
  name: string;
  requests_per_minute: number;
};

export interface KnownOperation {
  operation: string;
  tags: string[];
}

export interface AccessKeyRow {
  namespace: string;
  key: string;
  secret: string;
  name: string;
  version: 'v1' | 'v2';
  tags: string[] | null;
  operations: string[] | null;
  resources: AccessKeyResource[] | null;
  created_by: string | null;
  created_at: number;
  revoke_operation_id: string | null;
  revoked_at: number | null;
}

/** An access key as read: with its revoke operation, once one was started. */
export interface StoredAccessKey extends Omit<AccessKeyRow, 'namespace'> {
  revoke_operation: OperationProgress | null;
}

export interface RoleRow {
  namespace: string;
  id: string;
  name: string;
  description: string | null;
  permissions: string[];
  labels: Record<string, string>;
  editable: boolean;
  policy: IamPolicy;
  assume_role_policy: AssumeRolePolicy | null;
  max_session_ttl: number | null;
  created_at: number;
}

/** A role as read: with its delete operation, once one was started. */
export interface StoredRole extends Omit<RoleRow, 'namespace'> {
  delete_operation: OperationProgress | null;
  deleted_at: number | null;
}

export type ApiKeyRow = {
  namespace: string;
  key: string;
  secret: string;
  name: string;
  role_id: string;
  created_at: number;
  /** Set only on a key returned by assume-iam-role: it stops existing at this emulator time (ms). */
  expires_at: number | null;
  /** The key that assumed the role (assume-iam-role keys only). */
  assumed_by: string | null;
};

/** An API key as read: with its delete operation, once one was started. */
export interface StoredApiKey extends Omit<ApiKeyRow, 'namespace'> {
  delete_operation: OperationProgress | null;
  deleted_at: number | null;
}

/** The organization a namespace holds, as a credential sees it; undefined in a namespace no Exoscale fixture section was loaded into. */
export interface CredentialOrganization {
  id: string;
  requests_per_minute: number;
}

/** What authentication reads of a signing key in one statement: the key and its organization. */
export interface Credential<Key> {
  key: Key;
  organization: CredentialOrganization | undefined;
}

// ---- rows as read (raw mode: arrays of the selected columns, in order) ---------------------

type ProgressTuple = [id: string | null, created_at: number | null, completed_at: number | null, outcome: OperationOutcome | null];
type AccessKeyTuple = [string, string, string, 'v1' | 'v2', string | null, string | null, string | null, string | null, number, string | null, number | null, ...ProgressTuple];
type ApiKeyTuple = [string, string, string, string, number, string | null, number | null, number | null, string | null, ...ProgressTuple];
type RoleTuple = [string, string, string | null, string, string, number, string, string | null, number | null, number, number | null, ...ProgressTuple];
type OrganizationTuple = [id: string | null, requests_per_minute: number | null];

/** A removal's operation columns (`op.*` of a LEFT JOIN): null when none was started. */
const PROGRESS = 'op.id, op.created_at, op.completed_at, op.outcome';
const ACCESS_KEY = `k.key, k.secret, k.name, k.version, k.tags, k.operations, k.resources, k.created_by, k.created_at, k.revoke_operation_id, k.revoked_at, ${PROGRESS}`;
const API_KEY = `k.key, k.secret, k.name, k.role_id, k.created_at, k.delete_operation_id, k.deleted_at, k.expires_at, k.assumed_by, ${PROGRESS}`;
const ROLE = `r.id, r.name, r.description, r.permissions, r.labels, r.editable, r.policy, r.assume_role_policy, r.max_session_ttl, r.created_at, r.deleted_at, ${PROGRESS}`;
const OPERATION = 'id, created_at, completed_at, outcome, reason, message, reference_id, reference_link, reference_command';

const json = (value: unknown): string | null => (value === null || value === undefined ? null : JSON.stringify(value));
const parsed = <T>(text: string | null): T | null => (text === null ? null : (JSON.parse(text) as T));

function progress(id: string | null, created_at: number | null, completed_at: number | null, outcome: OperationOutcome | null): OperationProgress | null {
  return id === null || created_at === null || outcome === null ? null : { id, created_at, completed_at, outcome };
}

// The mappers read the leading columns of a row, so a read that selects more (the organization) shares them.
const accessKeyOf = (r: readonly [...AccessKeyTuple, ...unknown[]]): StoredAccessKey => ({
  key: r[0], secret: r[1], name: r[2], version: r[3], tags: parsed(r[4]), operations: parsed(r[5]), resources: parsed(r[6]),
  created_by: r[7], created_at: r[8], revoke_operation_id: r[9], revoked_at: r[10], revoke_operation: progress(r[11], r[12], r[13], r[14]),
});
const apiKeyOf = (r: readonly [...ApiKeyTuple, ...unknown[]]): StoredApiKey => ({
  key: r[0], secret: r[1], name: r[2], role_id: r[3], created_at: r[4], deleted_at: r[6], expires_at: r[7], assumed_by: r[8],
  delete_operation: progress(r[9], r[10], r[11], r[12]),
});
const roleOf = (r: RoleTuple): StoredRole => ({
  id: r[0], name: r[1], description: r[2], permissions: JSON.parse(r[3]) as string[], labels: JSON.parse(r[4]) as Record<string, string>,
  editable: r[5] === 1, policy: JSON.parse(r[6]) as IamPolicy, assume_role_policy: parsed(r[7]), max_session_ttl: r[8], created_at: r[9], deleted_at: r[10],
  delete_operation: progress(r[11], r[12], r[13], r[14]),
});
const organizationOf = (id: string | null, requests_per_minute: number | null): CredentialOrganization | undefined =>
  id === null || requests_per_minute === null ? undefined : { id, requests_per_minute };

type Namespaced = { namespace: string };
type ByKey = { namespace: string; key: string };
type ById = { namespace: string; id: string };
type Recent = { namespace: string; limit: number };
type SetOperation = { namespace: string; key: string; operation_id: string };

export const exoscaleStore = perDatabase((db: Database) => {
  const q = sql(db);
  const s = {
    organizationUpsert: q.statement<OrganizationRow>(
      'INSERT INTO exoscale_organizations (namespace, id, name, requests_per_minute) VALUES (@namespace, @id, @name, @requests_per_minute) ON CONFLICT (namespace) DO UPDATE SET id = excluded.id, name = excluded.name, requests_per_minute = excluded.requests_per_minute',
    ),
    organizationByNamespace: q.mapped<Namespaced, [string, string], { id: string; name: string }>('SELECT id, name FROM exoscale_organizations WHERE namespace = @namespace', ([id, name]) => ({ id, name })),
    /** What an organization holds, children first (its known-operations list is kept: it describes the API, not the tenant). */
    organizationDelete: ['exoscale_operations', 'exoscale_api_keys', 'exoscale_access_keys', 'exoscale_iam_roles', 'exoscale_organizations'].map((table) =>
      q.statement<Namespaced>(`DELETE FROM ${table} WHERE namespace = @namespace`),
    ),

    // A new operation goes after the ones listed; one listed again keeps its place and takes the new tags.
    knownOperationUpsert: q.statement<{ namespace: string; operation: string; tags: string }>(
      'INSERT INTO exoscale_known_operations (namespace, operation, tags, position) VALUES (@namespace, @operation, @tags, (SELECT count(*) FROM exoscale_known_operations WHERE namespace = @namespace)) ON CONFLICT (namespace, operation) DO UPDATE SET tags = excluded.tags',
    ),
    knownOperationByName: q.mapped<{ namespace: string; operation: string }, [string], string[]>(
      'SELECT tags FROM exoscale_known_operations WHERE namespace = @namespace AND operation = @operation',
      ([tags]) => JSON.parse(tags) as string[],
    ),
    knownOperationsByNamespace: q.mapped<Namespaced, [string, string], KnownOperation>(
      'SELECT operation, tags FROM exoscale_known_operations WHERE namespace = @namespace ORDER BY position, operation',
      ([operation, tags]) => ({ operation, tags: JSON.parse(tags) as string[] }),
    ),

    // What authentication reads of a key: the key, its removal's operation and the organization, in one statement.
    accessKeyCredential: q.remembered<ByKey, [...AccessKeyTuple, ...OrganizationTuple], Credential<StoredAccessKey>>(
      `SELECT ${ACCESS_KEY}, o.id, o.requests_per_minute FROM exoscale_access_keys k
       LEFT JOIN exoscale_operations op ON op.namespace = @namespace AND op.id = k.revoke_operation_id
       LEFT JOIN exoscale_organizations o ON o.namespace = @namespace
       WHERE k.namespace = @namespace AND k.key = @key`,
      (r) => ({ key: accessKeyOf(r), organization: organizationOf(r[15], r[16]) }),
    ),
    apiKeyCredential: q.remembered<ByKey, [...ApiKeyTuple, ...OrganizationTuple], Credential<StoredApiKey>>(
      `SELECT ${API_KEY}, o.id, o.requests_per_minute FROM exoscale_api_keys k
       LEFT JOIN exoscale_operations op ON op.namespace = @namespace AND op.id = k.delete_operation_id
       LEFT JOIN exoscale_organizations o ON o.namespace = @namespace
       WHERE k.namespace = @namespace AND k.key = @key`,
      (r) => ({ key: apiKeyOf(r), organization: organizationOf(r[13], r[14]) }),
    ),

    accessKeyInsert: q.statement<Omit<AccessKeyRow, 'tags' | 'operations' | 'resources'> & { tags: string | null; operations: string | null; resources: string | null }>(
      'INSERT OR REPLACE INTO exoscale_access_keys (namespace, key, secret, name, version, tags, operations, resources, created_by, created_at, revoke_operation_id, revoked_at) VALUES (@namespace, @key, @secret, @name, @version, @tags, @operations, @resources, @created_by, @created_at, @revoke_operation_id, @revoked_at)',
    ),
    accessKeyByKey: q.mapped<ByKey, AccessKeyTuple, StoredAccessKey>(
      `SELECT ${ACCESS_KEY} FROM exoscale_access_keys k LEFT JOIN exoscale_operations op ON op.namespace = @namespace AND op.id = k.revoke_operation_id WHERE k.namespace = @namespace AND k.key = @key`,
      accessKeyOf,
    ),
    accessKeysByNamespace: q.mapped<Namespaced, AccessKeyTuple, StoredAccessKey>(
      `SELECT ${ACCESS_KEY} FROM exoscale_access_keys k LEFT JOIN exoscale_operations op ON op.namespace = @namespace AND op.id = k.revoke_operation_id WHERE k.namespace = @namespace ORDER BY k.created_at, k.rowid`,
      accessKeyOf,
    ),
    // The dashboard's timeline (timeline.ts): the newest rows, at most `limit` per table.
    accessKeysRecent: q.mapped<Recent, AccessKeyTuple, StoredAccessKey>(
      `SELECT ${ACCESS_KEY} FROM exoscale_access_keys k LEFT JOIN exoscale_operations op ON op.namespace = @namespace AND op.id = k.revoke_operation_id WHERE k.namespace = @namespace ORDER BY k.created_at DESC, k.rowid DESC LIMIT @limit`,
      accessKeyOf,
    ),
    accessKeySetRevokeOperation: q.statement<SetOperation>('UPDATE exoscale_access_keys SET revoke_operation_id = @operation_id WHERE namespace = @namespace AND key = @key'),

    roleInsert: q.statement<Omit<RoleRow, 'permissions' | 'labels' | 'editable' | 'policy' | 'assume_role_policy'> & { permissions: string; labels: string; editable: number; policy: string; assume_role_policy: string | null }>(
      'INSERT OR REPLACE INTO exoscale_iam_roles (namespace, id, name, description, permissions, labels, editable, policy, assume_role_policy, max_session_ttl, created_at, delete_operation_id, deleted_at) VALUES (@namespace, @id, @name, @description, @permissions, @labels, @editable, @policy, @assume_role_policy, @max_session_ttl, @created_at, NULL, NULL)',
    ),
    roleById: q.mapped<ById, RoleTuple, StoredRole>(
      `SELECT ${ROLE} FROM exoscale_iam_roles r LEFT JOIN exoscale_operations op ON op.namespace = @namespace AND op.id = r.delete_operation_id WHERE r.namespace = @namespace AND r.id = @id`,
      roleOf,
    ),
    rolesByNamespace: q.mapped<Namespaced, RoleTuple, StoredRole>(
      `SELECT ${ROLE} FROM exoscale_iam_roles r LEFT JOIN exoscale_operations op ON op.namespace = @namespace AND op.id = r.delete_operation_id WHERE r.namespace = @namespace ORDER BY r.created_at, r.rowid`,
      roleOf,
    ),
    roleUpdate: q.statement<{ namespace: string; id: string; description: string | null; permissions: string; labels: string; max_session_ttl: number | null; assume_role_policy: string | null }>(
      'UPDATE exoscale_iam_roles SET description = @description, permissions = @permissions, labels = @labels, max_session_ttl = @max_session_ttl, assume_role_policy = @assume_role_policy WHERE namespace = @namespace AND id = @id',
    ),
    roleSetPolicy: q.statement<{ namespace: string; id: string; policy: string }>('UPDATE exoscale_iam_roles SET policy = @policy WHERE namespace = @namespace AND id = @id'),
    roleSetDeleteOperation: q.statement<{ namespace: string; id: string; operation_id: string }>('UPDATE exoscale_iam_roles SET delete_operation_id = @operation_id WHERE namespace = @namespace AND id = @id'),

    apiKeyInsert: q.statement<ApiKeyRow>(
      'INSERT OR REPLACE INTO exoscale_api_keys (namespace, key, secret, name, role_id, created_at, delete_operation_id, deleted_at, expires_at, assumed_by) VALUES (@namespace, @key, @secret, @name, @role_id, @created_at, NULL, NULL, @expires_at, @assumed_by)',
    ),
    apiKeyByKey: q.mapped<ByKey, ApiKeyTuple, StoredApiKey>(
      `SELECT ${API_KEY} FROM exoscale_api_keys k LEFT JOIN exoscale_operations op ON op.namespace = @namespace AND op.id = k.delete_operation_id WHERE k.namespace = @namespace AND k.key = @key`,
      apiKeyOf,
    ),
    apiKeysByNamespace: q.mapped<Namespaced, ApiKeyTuple, StoredApiKey>(
      `SELECT ${API_KEY} FROM exoscale_api_keys k LEFT JOIN exoscale_operations op ON op.namespace = @namespace AND op.id = k.delete_operation_id WHERE k.namespace = @namespace ORDER BY k.created_at, k.rowid`,
      apiKeyOf,
    ),
    apiKeysByRole: q.mapped<{ namespace: string; role_id: string }, ApiKeyTuple, StoredApiKey>(
      `SELECT ${API_KEY} FROM exoscale_api_keys k LEFT JOIN exoscale_operations op ON op.namespace = @namespace AND op.id = k.delete_operation_id WHERE k.namespace = @namespace AND k.role_id = @role_id`,
      apiKeyOf,
    ),
    apiKeysRecent: q.mapped<Recent, ApiKeyTuple, StoredApiKey>(
      `SELECT ${API_KEY} FROM exoscale_api_keys k LEFT JOIN exoscale_operations op ON op.namespace = @namespace AND op.id = k.delete_operation_id WHERE k.namespace = @namespace ORDER BY k.created_at DESC, k.rowid DESC LIMIT @limit`,
      apiKeyOf,
    ),
    apiKeySetDeleteOperation: q.statement<SetOperation>('UPDATE exoscale_api_keys SET delete_operation_id = @operation_id WHERE namespace = @namespace AND key = @key'),

    operationInsert: q.statement<Omit<OperationRow, 'completed_at'>>(
      'INSERT INTO exoscale_operations (namespace, id, created_at, completed_at, outcome, reason, message, reference_id, reference_link, reference_command) VALUES (@namespace, @id, @created_at, NULL, @outcome, @reason, @message, @reference_id, @reference_link, @reference_command)',
    ),
    operationById: q.statement<ById, Omit<OperationRow, 'namespace'>>(`SELECT ${OPERATION} FROM exoscale_operations WHERE namespace = @namespace AND id = @id`),
    operationsRecent: q.statement<Recent, Omit<OperationRow, 'namespace'>>(`SELECT ${OPERATION} FROM exoscale_operations WHERE namespace = @namespace ORDER BY created_at DESC, rowid DESC LIMIT @limit`),
    operationComplete: q.statement<{ namespace: string; id: string; completed_at: number }>(
      'UPDATE exoscale_operations SET completed_at = @completed_at WHERE namespace = @namespace AND id = @id AND completed_at IS NULL',
    ),
  };

  return {
    transaction: q.transaction,

    organizationUpsert(row: OrganizationRow): void {
      s.organizationUpsert.run(row);
    },
    organizationByNamespace(namespace: string): { id: string; name: string } | undefined {
      return s.organizationByNamespace.get({ namespace });
    },
    /** Removes the namespace's organization and all it holds (a fixture that names an organization replaces it). */
    organizationDelete(namespace: string): void {
      q.transaction(() => {
        for (const statement of s.organizationDelete) statement.run({ namespace });
      });
    },

    knownOperationUpsert(namespace: string, known: KnownOperation): void {
      s.knownOperationUpsert.run({ namespace, operation: known.operation, tags: JSON.stringify(known.tags) });
    },
    /** The tags of one listed operation; undefined when the namespace does not list it. */
    knownOperationByName(namespace: string, operation: string): string[] | undefined {
      return s.knownOperationByName.get({ namespace, operation });
    },
    knownOperationsByNamespace(namespace: string): KnownOperation[] {
      return s.knownOperationsByNamespace.all({ namespace });
    },

    accessKeyCredential(namespace: string, key: string): Credential<StoredAccessKey> | undefined {
      return s.accessKeyCredential.get({ namespace, key });
    },
    apiKeyCredential(namespace: string, key: string): Credential<StoredApiKey> | undefined {
      return s.apiKeyCredential.get({ namespace, key });
    },

    accessKeyInsert(row: AccessKeyRow): void {
      s.accessKeyInsert.run({ ...row, tags: json(row.tags), operations: json(row.operations), resources: json(row.resources) });
    },
    accessKeyByKey(namespace: string, key: string): StoredAccessKey | undefined {
      return s.accessKeyByKey.get({ namespace, key });
    },
    accessKeysByNamespace(namespace: string): StoredAccessKey[] {
      return s.accessKeysByNamespace.all({ namespace });
    },
    accessKeysRecent(namespace: string, limit: number): StoredAccessKey[] {
      return s.accessKeysRecent.all({ namespace, limit });
    },
    accessKeySetRevokeOperation(namespace: string, key: string, operationId: string): void {
      s.accessKeySetRevokeOperation.run({ namespace, key, operation_id: operationId });
    },

    roleInsert(row: RoleRow): void {
      s.roleInsert.run({
        ...row,
        permissions: JSON.stringify(row.permissions),
        labels: JSON.stringify(row.labels),
        editable: row.editable ? 1 : 0,
        policy: JSON.stringify(row.policy),
        assume_role_policy: json(row.assume_role_policy),
      });
    },
    roleById(namespace: string, id: string): StoredRole | undefined {
      return s.roleById.get({ namespace, id });
    },
    rolesByNamespace(namespace: string): StoredRole[] {
      return s.rolesByNamespace.all({ namespace });
    },
    roleUpdate(row: Pick<RoleRow, 'namespace' | 'id' | 'description' | 'permissions' | 'labels' | 'max_session_ttl' | 'assume_role_policy'>): void {
      s.roleUpdate.run({ ...row, permissions: JSON.stringify(row.permissions), labels: JSON.stringify(row.labels), assume_role_policy: json(row.assume_role_policy) });
    },
    roleSetPolicy(namespace: string, id: string, policy: IamPolicy): void {
      s.roleSetPolicy.run({ namespace, id, policy: JSON.stringify(policy) });
    },
    roleSetDeleteOperation(namespace: string, id: string, operationId: string): void {
      s.roleSetDeleteOperation.run({ namespace, id, operation_id: operationId });
    },

    apiKeyInsert(row: ApiKeyRow): void {
      s.apiKeyInsert.run(row);
    },
    apiKeyByKey(namespace: string, key: string): StoredApiKey | undefined {
      return s.apiKeyByKey.get({ namespace, key });
    },
    apiKeysByNamespace(namespace: string): StoredApiKey[] {
      return s.apiKeysByNamespace.all({ namespace });
    },
    apiKeysByRole(namespace: string, roleId: string): StoredApiKey[] {
      return s.apiKeysByRole.all({ namespace, role_id: roleId });
    },
    apiKeysRecent(namespace: string, limit: number): StoredApiKey[] {
      return s.apiKeysRecent.all({ namespace, limit });
    },
    apiKeySetDeleteOperation(namespace: string, key: string, operationId: string): void {
      s.apiKeySetDeleteOperation.run({ namespace, key, operation_id: operationId });
    },

    operationInsert(row: Omit<OperationRow, 'completed_at'>): void {
      s.operationInsert.run(row);
    },
    operationById(namespace: string, id: string): OperationRow | undefined {
      const row = s.operationById.get({ namespace, id });
      return row && { namespace, ...row };
    },
    operationsRecent(namespace: string, limit: number): OperationRow[] {
      return s.operationsRecent.all({ namespace, limit }).map((row) => ({ namespace, ...row }));
    },
    operationComplete(namespace: string, id: string, completedAt: number): void {
      s.operationComplete.run({ namespace, id, completed_at: completedAt });
    },
  };
});

export type ExoscaleStore = ReturnType<typeof exoscaleStore>;
