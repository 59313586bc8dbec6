import type { Database } from 'better-sqlite3';
import { perDatabase } from '../../core/vendor.js';
import type { AccessKeyResource, IamPolicy } from './schemas.js';

/** Every SQL statement of the Exoscale vendor, prepared once per database. */

export interface OrganizationRow {
  namespace: string;
  id: string;
  name: string;
  requests_per_minute: number;
}

export interface KnownOperationRow {
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

export interface RoleRow {
  namespace: string;
  id: string;
  name: string;
  description: string | null;
  permissions: string[];
  labels: Record<string, string>;
  editable: boolean;
  policy: IamPolicy;
  assume_role_policy: unknown | null;
  max_session_ttl: number | null;
  created_at: number;
  delete_operation_id: string | null;
  deleted_at: number | null;
}

export interface ApiKeyRow {
  namespace: string;
  key: string;
  secret: string;
  name: string;
  role_id: string;
  created_at: number;
  delete_operation_id: string | null;
  deleted_at: number | null;
  /** Set only on a key returned by assume-iam-role: it stops existing at this emulator time (ms). */
  expires_at: number | null;
  /** The key that assumed the role (assume-iam-role keys only). */
  assumed_by: string | null;
}

export interface OperationRow {
  namespace: string;
  id: string;
  created_at: number;
  completed_at: number | null;
  outcome: 'success' | 'failure' | 'timeout';
  reason: string | null;
  message: string | null;
  reference_id: string | null;
  reference_link: string;
  reference_command: string;
}

type Raw = Record<string, unknown>;
const json = (value: unknown): string | null => (value === null || value === undefined ? null : JSON.stringify(value));
const parse = <T>(value: unknown): T | null => (typeof value === 'string' ? (JSON.parse(value) as T) : null);

function accessKeyFromRow(r: Raw): AccessKeyRow {
  return {
    ...(r as unknown as AccessKeyRow),
    tags: parse<string[]>(r.tags),
    operations: parse<string[]>(r.operations),
    resources: parse<AccessKeyResource[]>(r.resources),
  };
}

function roleFromRow(r: Raw): RoleRow {
  return {
    ...(r as unknown as RoleRow),
    permissions: parse<string[]>(r.permissions) ?? [],
    labels: parse<Record<string, string>>(r.labels) ?? {},
    editable: r.editable === 1,
    policy: parse<IamPolicy>(r.policy)!,
    assume_role_policy: parse<unknown>(r.assume_role_policy),
  };
}

export const exoscaleStore = perDatabase((db: Database) => {
  const s = {
    orgUpsert: db.prepare('INSERT INTO exoscale_organizations (namespace, id, name, requests_per_minute) VALUES (?, ?, ?, ?) ON CONFLICT (namespace) DO UPDATE SET id = excluded.id, name = excluded.name, requests_per_minute = excluded.requests_per_minute'),
    orgGet: db.prepare('SELECT * FROM exoscale_organizations WHERE namespace = ?'),
    /** What an organization holds, children first (its known-operations list is kept: it describes the API, not the tenant). */
    orgDelete: ['exoscale_operations', 'exoscale_api_keys', 'exoscale_access_keys', 'exoscale_iam_roles', 'exoscale_organizations'].map((t) => db.prepare(`DELETE FROM ${t} WHERE namespace = ?`)),

    knownUpsert: db.prepare('INSERT INTO exoscale_known_operations (namespace, operation, tags, position) VALUES (?, ?, ?, ?) ON CONFLICT (namespace, operation) DO UPDATE SET tags = excluded.tags'),
    knownCount: db.prepare('SELECT count(*) AS n FROM exoscale_known_operations WHERE namespace = ?'),
    knownTags: db.prepare('SELECT tags FROM exoscale_known_operations WHERE namespace = ? AND operation = ?'),
    knownList: db.prepare('SELECT operation, tags FROM exoscale_known_operations WHERE namespace = ? ORDER BY position, operation'),

    accessKeyInsert: db.prepare('INSERT OR REPLACE INTO exoscale_access_keys (namespace, key, secret, name, version, tags, operations, resources, created_by, created_at, revoke_operation_id, revoked_at) VALUES (@namespace, @key, @secret, @name, @version, @tags, @operations, @resources, @created_by, @created_at, @revoke_operation_id, @revoked_at)'),
    accessKeyGet: db.prepare('SELECT * FROM exoscale_access_keys WHERE namespace = ? AND key = ?'),
    accessKeyList: db.prepare('SELECT * FROM exoscale_access_keys WHERE namespace = ? ORDER BY created_at, rowid'),
    accessKeySetRevoke: db.prepare('UPDATE exoscale_access_keys SET revoke_operation_id = ? WHERE namespace = ? AND key = ?'),

    roleInsert: db.prepare('INSERT OR REPLACE INTO exoscale_iam_roles (namespace, id, name, description, permissions, labels, editable, policy, assume_role_policy, max_session_ttl, created_at, delete_operation_id, deleted_at) VALUES (@namespace, @id, @name, @description, @permissions, @labels, @editable, @policy, @assume_role_policy, @max_session_ttl, @created_at, NULL, NULL)'),
    roleGet: db.prepare('SELECT * FROM exoscale_iam_roles WHERE namespace = ? AND id = ?'),
    roleList: db.prepare('SELECT * FROM exoscale_iam_roles WHERE namespace = ? ORDER BY created_at, rowid'),
    roleUpdate: db.prepare('UPDATE exoscale_iam_roles SET description = @description, permissions = @permissions, labels = @labels, max_session_ttl = @max_session_ttl, assume_role_policy = @assume_role_policy WHERE namespace = @namespace AND id = @id'),
    roleSetPolicy: db.prepare('UPDATE exoscale_iam_roles SET policy = ? WHERE namespace = ? AND id = ?'),
    roleSetDelete: db.prepare('UPDATE exoscale_iam_roles SET delete_operation_id = ? WHERE namespace = ? AND id = ?'),

    apiKeyInsert: db.prepare('INSERT OR REPLACE INTO exoscale_api_keys (namespace, key, secret, name, role_id, created_at, delete_operation_id, deleted_at, expires_at, assumed_by) VALUES (?, ?, ?, ?, ?, ?, NULL, NULL, ?, ?)'),
    apiKeyGet: db.prepare('SELECT * FROM exoscale_api_keys WHERE namespace = ? AND key = ?'),
    apiKeyList: db.prepare('SELECT * FROM exoscale_api_keys WHERE namespace = ? ORDER BY created_at, rowid'),
    apiKeyListByRole: db.prepare('SELECT * FROM exoscale_api_keys WHERE namespace = ? AND role_id = ?'),
    apiKeySetDelete: db.prepare('UPDATE exoscale_api_keys SET delete_operation_id = ? WHERE namespace = ? AND key = ?'),

    operationInsert: db.prepare('INSERT INTO exoscale_operations (namespace, id, created_at, completed_at, outcome, reason, message, reference_id, reference_link, reference_command) VALUES (@namespace, @id, @created_at, NULL, @outcome, @reason, @message, @reference_id, @reference_link, @reference_command)'),
    operationGet: db.prepare('SELECT * FROM exoscale_operations WHERE namespace = ? AND id = ?'),
    operationComplete: db.prepare('UPDATE exoscale_operations SET completed_at = ? WHERE namespace = ? AND id = ? AND completed_at IS NULL'),
    // The dashboard's timeline (timeline.ts): the newest rows, at most `limit` per table.
    accessKeyRecent: db.prepare('SELECT * FROM exoscale_access_keys WHERE namespace = ? ORDER BY created_at DESC, rowid DESC LIMIT ?'),
    apiKeyRecent: db.prepare('SELECT * FROM exoscale_api_keys WHERE namespace = ? ORDER BY created_at DESC, rowid DESC LIMIT ?'),
    operationRecent: db.prepare('SELECT * FROM exoscale_operations WHERE namespace = ? ORDER BY created_at DESC, rowid DESC LIMIT ?'),
  };

  return {
    transaction: <T>(fn: () => T): T => db.transaction(fn)(),

    upsertOrganization(row: OrganizationRow): void {
      s.orgUpsert.run(row.namespace, row.id, row.name, row.requests_per_minute);
    },
    /** Removes the namespace's organization and all it holds (a fixture that names an organization replaces it). */
    deleteOrganization(namespace: string): void {
      for (const stmt of s.orgDelete) stmt.run(namespace);
    },
    organization(namespace: string): OrganizationRow | undefined {
      return s.orgGet.get(namespace) as OrganizationRow | undefined;
    },

    upsertKnownOperation(namespace: string, operation: string, tags: string[]): void {
      const position = (s.knownCount.get(namespace) as { n: number }).n;
      s.knownUpsert.run(namespace, operation, JSON.stringify(tags), position);
    },
    /** The tags of one listed operation; undefined when the namespace does not list it. */
    knownOperationTags(namespace: string, operation: string): string[] | undefined {
      const r = s.knownTags.get(namespace, operation) as { tags: string } | undefined;
      return r && (JSON.parse(r.tags) as string[]);
    },
    knownOperations(namespace: string): KnownOperationRow[] {
      return (s.knownList.all(namespace) as Array<{ operation: string; tags: string }>).map((r) => ({ operation: r.operation, tags: JSON.parse(r.tags) as string[] }));
    },

    insertAccessKey(row: AccessKeyRow): void {
      s.accessKeyInsert.run({ ...row, tags: json(row.tags), operations: json(row.operations), resources: json(row.resources) });
    },
    accessKey(namespace: string, key: string): AccessKeyRow | undefined {
      const r = s.accessKeyGet.get(namespace, key) as Raw | undefined;
      return r && accessKeyFromRow(r);
    },
    accessKeys(namespace: string): AccessKeyRow[] {
      return (s.accessKeyList.all(namespace) as Raw[]).map(accessKeyFromRow);
    },
    setAccessKeyRevokeOperation(namespace: string, key: string, operationId: string): void {
      s.accessKeySetRevoke.run(operationId, namespace, key);
    },

    insertRole(row: Omit<RoleRow, 'delete_operation_id' | 'deleted_at'>): void {
      s.roleInsert.run({
        ...row,
        permissions: JSON.stringify(row.permissions),
        labels: JSON.stringify(row.labels),
        editable: row.editable ? 1 : 0,
        policy: JSON.stringify(row.policy),
        assume_role_policy: json(row.assume_role_policy),
      });
    },
    role(namespace: string, id: string): RoleRow | undefined {
      const r = s.roleGet.get(namespace, id) as Raw | undefined;
      return r && roleFromRow(r);
    },
    roles(namespace: string): RoleRow[] {
      return (s.roleList.all(namespace) as Raw[]).map(roleFromRow);
    },
    updateRole(row: Pick<RoleRow, 'namespace' | 'id' | 'description' | 'permissions' | 'labels' | 'max_session_ttl' | 'assume_role_policy'>): void {
      s.roleUpdate.run({ ...row, permissions: JSON.stringify(row.permissions), labels: JSON.stringify(row.labels), assume_role_policy: json(row.assume_role_policy) });
    },
    setRolePolicy(namespace: string, id: string, policy: IamPolicy): void {
      s.roleSetPolicy.run(JSON.stringify(policy), namespace, id);
    },
    setRoleDeleteOperation(namespace: string, id: string, operationId: string): void {
      s.roleSetDelete.run(operationId, namespace, id);
    },

    insertApiKey(row: Pick<ApiKeyRow, 'namespace' | 'key' | 'secret' | 'name' | 'role_id' | 'created_at'> & Partial<Pick<ApiKeyRow, 'expires_at' | 'assumed_by'>>): void {
      s.apiKeyInsert.run(row.namespace, row.key, row.secret, row.name, row.role_id, row.created_at, row.expires_at ?? null, row.assumed_by ?? null);
    },
    apiKey(namespace: string, key: string): ApiKeyRow | undefined {
      return s.apiKeyGet.get(namespace, key) as ApiKeyRow | undefined;
    },
    apiKeys(namespace: string): ApiKeyRow[] {
      return s.apiKeyList.all(namespace) as ApiKeyRow[];
    },
    apiKeysOfRole(namespace: string, roleId: string): ApiKeyRow[] {
      return s.apiKeyListByRole.all(namespace, roleId) as ApiKeyRow[];
    },
    setApiKeyDeleteOperation(namespace: string, key: string, operationId: string): void {
      s.apiKeySetDelete.run(operationId, namespace, key);
    },

    insertOperation(row: Omit<OperationRow, 'completed_at'>): void {
      s.operationInsert.run(row);
    },
    operation(namespace: string, id: string): OperationRow | undefined {
      return s.operationGet.get(namespace, id) as OperationRow | undefined;
    },
    completeOperation(namespace: string, id: string, at: number): void {
      s.operationComplete.run(at, namespace, id);
    },
    recentAccessKeys(namespace: string, limit: number): AccessKeyRow[] {
      return (s.accessKeyRecent.all(namespace, limit) as Raw[]).map(accessKeyFromRow);
    },
    recentApiKeys(namespace: string, limit: number): ApiKeyRow[] {
      return s.apiKeyRecent.all(namespace, limit) as ApiKeyRow[];
    },
    recentOperations(namespace: string, limit: number): OperationRow[] {
      return s.operationRecent.all(namespace, limit) as OperationRow[];
    },
  };
});

export type ExoscaleStore = ReturnType<typeof exoscaleStore>;
