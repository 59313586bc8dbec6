import type { z } from 'zod';
import type { IdSource } from '../../core/ids.js';
import { ibmCatalogue } from './errors.js';
import { ibmIds } from './ids.js';
import { createBlobSchema, updateBlobSchema, type CreateBody, type Credential, type ListQuery, type UpdateBody } from './schemas.js';
import type { CredentialRow, CredentialScope, IbmStore, ManagerRow } from './store.js';

export interface IbmServiceDeps {
  store: IbmStore;
  ids: IdSource;
  /** Most keys one user may hold (IBM_KEY_LIMIT). */
  keyLimit: number;
}

/** A stored credential as IBM shows it (field order of IBM's examples). */
function credentialView(row: CredentialRow): Credential {
  return {
    user_id: row.userId,
    blob: { access: row.access, secret: row.secret, status: row.status },
    project_id: row.projectId,
    type: 'ec2',
    ...(row.subjectIbmId !== null ? { subject_ibm_id: row.subjectIbmId } : {}),
    id: row.access,
  };
}

/** `blob` may come as an object or as the same object serialized into a string. */
function parseBlob<S extends z.ZodType>(schema: S, blob: unknown): z.output<S> {
  let value = blob;
  if (typeof blob === 'string') {
    try {
      value = JSON.parse(blob);
    } catch {
      throw ibmCatalogue.error('bad_request', { message: "Invalid input for field 'credential.blob': a string blob must be a serialized JSON object." });
    }
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = ['credential', 'blob', ...issue.path.map(String)].join('.');
    throw ibmCatalogue.error('bad_request', { message: `Invalid input for field '${field}': ${issue.message}` });
  }
  return parsed.data;
}

/**
 * The behaviour of the IBM COS Credentials Management API, without HTTP. The caller (a Manager) has
 * been authenticated and authorized by `ibmAuth`; every method on the request path takes the request's `now`.
 */
export class IbmService {
  constructor(private readonly deps: IbmServiceDeps) {}

  /** In one transaction: the checks, the key limit and the insert. */
  create(namespace: string, manager: ManagerRow, body: CreateBody, now: number): Credential {
    const { store, ids, keyLimit } = this.deps;
    const input = body.credential;
    return store.transaction(() => {
      const account = this.accessibleAccount(namespace, manager, input.project_id);
      let userId: string;
      if (input.user_id !== undefined) {
        userId = input.user_id;
        this.requireMember(namespace, account.id, userId);
      } else if (account.ownerUserId !== null) {
        userId = account.ownerUserId;
      } else {
        throw ibmCatalogue.error('bad_request', { message: `Invalid input for field 'credential.user_id': required, since storage account ${account.id} has no owner.` });
      }
      const blob = input.blob === undefined ? undefined : parseBlob(createBlobSchema, input.blob);
      if (store.credentialCountByUser(namespace, userId) >= keyLimit) {
        throw ibmCatalogue.error('key_limit_reached', { message: `The user has reached maximum number of keys that can be generated for the user (${keyLimit}).` });
      }
      const given = blob?.access;
      if (given !== undefined && store.credentialById(namespace, given)) {
        throw ibmCatalogue.error('duplicate_access_key', { message: `Conflict occurred attempting to store credential - Duplicate entry: access key ${given} already exists.` });
      }
      // Drawn in this order (access key, then secret) so a seeded id source gives the same keys as ever.
      const draw = (): CredentialRow => ({
        access: given ?? ibmIds.accessKey(ids),
        secret: blob?.secret ?? ibmIds.secretKey(ids),
        status: blob?.status ?? 'Active',
        projectId: account.id,
        userId,
        subjectIbmId: input.subject_ibm_id ?? null,
        createdAt: now,
        updatedAt: now,
      });
      let row = draw();
      // A given key was checked above; a generated one that collides (never, in practice) is drawn again.
      while (!store.credentialInsertUnlessTaken(namespace, row)) row = draw();
      return credentialView(row);
    });
  }

  /**
   * Every key the manager may see, then filtered by `project_id`, then by `user_id`, narrowed in SQL.
   * A key proves its storage account and user exist (foreign keys), so they are looked up only when
   * the list comes back empty (404 for an unknown one, as before).
   */
  list(namespace: string, manager: ManagerRow, query: ListQuery): Credential[] {
    const { store } = this.deps;
    const { project_id: projectId, user_id: userId } = query;
    // Without rights on the account: its 404 or 405 before anything else.
    if (projectId !== undefined && !this.canAccess(manager, projectId)) this.accessibleAccount(namespace, manager, projectId);
    const scope: CredentialScope =
      userId !== undefined ? { userId, projectId }
      : projectId !== undefined ? { projectId }
      : manager.storageAccounts === '*' ? 'all'
      : { projectIds: manager.storageAccounts };
    const rows = store.credentialsIn(namespace, scope);
    if (rows.length === 0) {
      if (projectId !== undefined) this.accessibleAccount(namespace, manager, projectId);
      if (userId !== undefined && !store.userExists(namespace, userId)) throw this.userNotFound(userId);
      return [];
    }
    return (userId !== undefined && manager.storageAccounts !== '*' ? rows.filter((c) => this.canAccess(manager, c.projectId)) : rows).map(credentialView);
  }

  show(namespace: string, manager: ManagerRow, id: string): Credential {
    return credentialView(this.accessibleCredential(namespace, manager, id));
  }

  update(namespace: string, manager: ManagerRow, id: string, body: UpdateBody, now: number): Credential {
    const { store } = this.deps;
    const input = body.credential;
    const blob = parseBlob(updateBlobSchema, input.blob);
    return store.transaction(() => {
      const current = this.accessibleCredential(namespace, manager, id);
      // The credential's own account exists (a foreign key) and its rights were checked with the credential.
      if (input.project_id !== current.projectId) {
        this.accessibleAccount(namespace, manager, input.project_id);
        throw ibmCatalogue.error('bad_request', { message: `Invalid input for field 'credential.project_id': credential ${id} belongs to storage account ${current.projectId}.` });
      }
      if (input.user_id !== undefined && input.user_id !== current.userId) {
        if (!store.userExists(namespace, input.user_id)) throw this.userNotFound(input.user_id);
        throw ibmCatalogue.error('bad_request', { message: `Invalid input for field 'credential.user_id': credential ${id} belongs to user ${current.userId}.` });
      }
      if (blob.access !== undefined && blob.access !== id) {
        throw ibmCatalogue.error('bad_request', { message: `Invalid input for field 'credential.blob.access': must be the credential's access key (${id}); an access key cannot be changed.` });
      }
      const secret = blob.secret ?? current.secret;
      const status = blob.status ?? current.status;
      store.credentialUpdate(namespace, id, secret, status, now);
      return credentialView({ ...current, secret, status, updatedAt: now });
    });
  }

  remove(namespace: string, manager: ManagerRow, id: string): void {
    const { store } = this.deps;
    store.transaction(() => {
      this.accessibleCredential(namespace, manager, id);
      store.credentialDelete(namespace, id);
    });
  }

  private canAccess(manager: ManagerRow, projectId: string): boolean {
    return manager.storageAccounts === '*' || manager.storageAccounts.includes(projectId);
  }

  /** 404 for an unknown storage account; 405 when the manager has no rights on it. */
  private accessibleAccount(namespace: string, manager: ManagerRow, projectId: string) {
    const account = this.deps.store.storageAccountById(namespace, projectId);
    if (!account) throw ibmCatalogue.error('storage_account_not_found', { message: `No such user or storage account exists: could not find storage account ${projectId}.` });
    if (!this.canAccess(manager, projectId)) throw this.noAccess(manager.username, projectId);
    return account;
  }

  /** 404 for an unknown user; 405 for a user without rights on the storage account. */
  private requireMember(namespace: string, projectId: string, userId: string): void {
    const { exists, member } = this.deps.store.userMembership(namespace, userId, projectId);
    if (!exists) throw this.userNotFound(userId);
    if (!member) throw this.noAccess(userId, projectId);
  }

  private accessibleCredential(namespace: string, manager: ManagerRow, id: string): CredentialRow {
    const row = this.deps.store.credentialById(namespace, id);
    if (!row) throw ibmCatalogue.error('credential_not_found', { message: `Could not find credential: ${id}.` });
    if (!this.canAccess(manager, row.projectId)) throw this.noAccess(manager.username, row.projectId);
    return row;
  }

  private userNotFound(userId: string) {
    return ibmCatalogue.error('user_not_found', { message: `No such user or storage account exists: could not find user ${userId}.` });
  }

  private noAccess(who: string, projectId: string) {
    return ibmCatalogue.error('no_storage_account_access', { message: `Although the user may be valid, the user does not have privileges to access storage account: ${who} has no rights on ${projectId}.` });
  }
}
