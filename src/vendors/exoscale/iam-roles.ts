import type { IdSource } from '../../core/ids.js';
import type { Principal } from './credentials.js';
import { catalogue } from './errors.js';
import { exoscaleIds } from './ids.js';
import type { Operations } from './operations.js';
import { assumeRoleAllows } from './policy.js';
import type { AssumedRoleKey, AssumeIamRoleBody, CreateIamRoleBody, IamPolicy, IamRole, Operation, UpdateIamRoleBody } from './schemas.js';
import type { ExoscaleStore, StoredRole } from './store.js';

/** The longest ttl assume-iam-role grants for a role without `max-session-ttl` [I]. */
const DEFAULT_MAX_SESSION_TTL = 3600;
/** The latest instant a JavaScript date (and so `expires-at`) can hold. */
const MAX_DATE_MS = 8.64e15;
/** The policy of a role created without one. */
export const DENY_ALL: IamPolicy = { 'default-service-strategy': 'deny', services: {} };

function view(row: StoredRole): IamRole {
  return {
    id: row.id,
    name: row.name,
    ...(row.description !== null ? { description: row.description } : {}),
    permissions: row.permissions,
    labels: row.labels,
    editable: row.editable,
    policy: row.policy,
    ...(row.assume_role_policy !== null ? { 'assume-role-policy': row.assume_role_policy } : {}),
    ...(row.max_session_ttl !== null ? { 'max-session-ttl': row.max_session_ttl } : {}),
  };
}

const reference = (id: string) => ({ id, link: `/v2/iam-role/${id}`, command: 'get-iam-role' });

/** IAM roles (the 2026 spec): every change is an operation; assume-iam-role hands out a key that signs as the role. */
export class IamRoles {
  constructor(private readonly deps: { store: ExoscaleStore; ids: IdSource; operations: Operations }) {}

  /** The role, unless it is gone (deleted once its delete operation succeeded). */
  active(namespace: string, id: string, now: number): StoredRole | undefined {
    const row = this.deps.store.roleById(namespace, id);
    return row && !this.deps.operations.roleGone(row, now) ? row : undefined;
  }

  require(namespace: string, id: string, now: number): StoredRole {
    const row = this.active(namespace, id, now);
    if (!row) throw catalogue.error('not_found', { message: `IAM Role ${id} not found` });
    return row;
  }

  create(namespace: string, body: CreateIamRoleBody, outcomeName: string | undefined, now: number): Operation {
    const { store, ids, operations } = this.deps;
    const outcome = operations.outcome(outcomeName);
    const id = exoscaleIds.role(ids);
    return store.transaction(() => {
      // A change is applied only when its operation is to succeed [I].
      if (outcome.outcome === 'success') {
        store.roleInsert({
          namespace,
          id,
          name: body.name,
          description: body.description ?? null,
          permissions: body.permissions ?? [],
          labels: body.labels ?? {},
          editable: body.editable ?? true,
          policy: body.policy ?? DENY_ALL,
          assume_role_policy: body['assume-role-policy'] ?? null,
          max_session_ttl: body['max-session-ttl'] ?? null,
          created_at: now,
        });
      }
      return operations.started(operations.start(namespace, outcome, reference(id), now), now);
    });
  }

  list(namespace: string, now: number): IamRole[] {
    const { store, operations } = this.deps;
    return store.rolesByNamespace(namespace).filter((row) => !operations.roleGone(row, now)).map(view);
  }

  get(namespace: string, id: string, now: number): IamRole {
    return view(this.require(namespace, id, now));
  }

  update(namespace: string, id: string, body: UpdateIamRoleBody, outcomeName: string | undefined, now: number): Operation {
    const { store, operations } = this.deps;
    const outcome = operations.outcome(outcomeName);
    return store.transaction(() => {
      const row = this.require(namespace, id, now);
      if (outcome.outcome === 'success') {
        store.roleUpdate({
          namespace,
          id,
          description: body.description ?? row.description,
          permissions: body.permissions ?? row.permissions,
          labels: body.labels ?? row.labels,
          max_session_ttl: body['max-session-ttl'] ?? row.max_session_ttl,
          assume_role_policy: body['assume-role-policy'] ?? row.assume_role_policy,
        });
      }
      return operations.started(operations.start(namespace, outcome, reference(id), now), now);
    });
  }

  updatePolicy(namespace: string, id: string, policy: IamPolicy, outcomeName: string | undefined, now: number): Operation {
    const { store, operations } = this.deps;
    const outcome = operations.outcome(outcomeName);
    return store.transaction(() => {
      const row = this.require(namespace, id, now);
      if (!row.editable) throw catalogue.error('conflict', { message: `IAM Role ${id} policy is not editable` });
      if (outcome.outcome === 'success') store.roleSetPolicy(namespace, id, policy);
      return operations.started(operations.start(namespace, outcome, reference(id), now), now);
    });
  }

  delete(namespace: string, id: string, outcomeName: string | undefined, now: number): Operation {
    const { store, operations } = this.deps;
    const outcome = operations.outcome(outcomeName);
    return store.transaction(() => {
      const row = this.require(namespace, id, now);
      if (operations.removal(row.deleted_at, row.delete_operation, now) === 'pending') {
        throw catalogue.error('conflict', { message: `IAM Role ${id} is already being deleted` });
      }
      // Keys from assume-iam-role do not hold the role: they end with it.
      const users = store.apiKeysByRole(namespace, id).filter((k) => k.expires_at === null && !operations.apiKeyGone(k, now));
      if (users.length > 0) throw catalogue.error('conflict', { message: `IAM Role ${id} is in use by ${users.length} API key(s)` });
      const op = operations.start(namespace, outcome, reference(id), now);
      store.roleSetDeleteOperation(namespace, id, op.id);
      return operations.started(op, now);
    });
  }

  /**
   * assume-iam-role: a new key bound to the role, signing with its policy until `expires-at`
   * (emulator clock). 404 unknown role; 403 when the role's assume-role-policy refuses the caller;
   * 400 when ttl is over the role's max-session-ttl (DEFAULT_MAX_SESSION_TTL without one).
   */
  assume(namespace: string, principal: Principal, id: string, body: AssumeIamRoleBody, now: number): AssumedRoleKey {
    const { store, ids } = this.deps;
    return store.transaction(() => {
      const role = this.require(namespace, id, now);
      const caller = { key: principal.key, type: principal.kind, roleId: principal.kind === 'api-key' ? principal.row.role_id : '' };
      if (!assumeRoleAllows(role.assume_role_policy, caller)) {
        throw catalogue.error('forbidden', { message: `API key ${principal.key} is not allowed to assume IAM Role ${id}` });
      }
      const max = role.max_session_ttl ?? DEFAULT_MAX_SESSION_TTL;
      if (body.ttl > max) {
        throw catalogue.error('bad_request', { message: `Invalid request: ttl ${body.ttl} exceeds the max-session-ttl of IAM Role ${id} (${max} seconds)` });
      }
      const expiresAt = now + body.ttl * 1000;
      if (expiresAt > MAX_DATE_MS) throw catalogue.error('bad_request', { message: `Invalid request: ttl ${body.ttl} is too large` });
      const row = {
        namespace,
        key: exoscaleIds.key(ids),
        secret: exoscaleIds.secret(ids),
        name: `assume-${role.name}`,
        role_id: role.id,
        created_at: now,
        expires_at: expiresAt,
        assumed_by: principal.key,
      };
      store.apiKeyInsert(row);
      return { key: row.key, name: row.name, 'org-id': principal.organizationId, 'role-id': row.role_id, secret: row.secret, 'expires-at': new Date(expiresAt).toISOString() };
    });
  }
}
