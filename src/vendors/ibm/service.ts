import { sameSecret, secretDigest } from '../../core/secrets.js';
import type { z } from 'zod';
import type { Clock } from '../../core/clock.js';
import type { IdSource } from '../../core/ids.js';
import { ibmCatalogue } from './errors.js';
import { ibmIds } from './ids.js';
import { createBlobSchema, updateBlobSchema, type CreateBody, type Credential, type UpdateBody } from './schemas.js';
import type { CredentialRow, IbmStore, ManagerRow } from './store.js';

/** The API's operations, each needing one of the two documented permissions. */
export const OPERATIONS = {
  createCredential: { permission: 'key_management', action: 'create credential' },
  listCredentials: { permission: 'key_listing', action: 'list credentials' },
  showCredential: { permission: 'key_listing', action: 'show credential' },
  updateCredential: { permission: 'key_management', action: 'update credential' },
  deleteCredential: { permission: 'key_management', action: 'delete credential' },
} as const;
export type IbmOperation = keyof typeof OPERATIONS;

export interface IbmServiceDeps {
  store: IbmStore;
  clock: Clock;
  ids: IdSource;
  /** Most keys one user may hold (IBM_KEY_LIMIT). */
  keyLimit: number;
}

export function toCredential(row: CredentialRow): Credential {
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

/** The behaviour of the IBM COS Credentials Management API, without HTTP. */
export class IbmService {
  constructor(private readonly deps: IbmServiceDeps) {}

  /** HTTP Basic against the namespace's Manager accounts; 401 when missing, malformed or wrong. */
  authenticate(ns: string, authorization: string | undefined): ManagerRow {
    if (authorization === undefined || authorization.trim() === '') throw ibmCatalogue.error('unauthorized');
    const match = /^Basic\s+([A-Za-z0-9+/=_-]+)\s*$/i.exec(authorization);
    if (!match) throw ibmCatalogue.error('unauthorized', { message: 'The provided token is not valid or cannot be verified: use HTTP Basic authentication.' });
    const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    const manager = colon > 0 ? this.deps.store.manager(ns, decoded.slice(0, colon)) : undefined;
    if (!manager || !sameSecret(secretDigest(decoded.slice(colon + 1)), manager.passwordHash)) {
      throw ibmCatalogue.error('unauthorized', { message: 'The provided token is not valid or cannot be verified.' });
    }
    return manager;
  }

  /** 403 when the manager lacks the Key Management / Key Listing permission the operation needs. */
  authorize(manager: ManagerRow, operation: IbmOperation): void {
    const { permission, action } = OPERATIONS[operation];
    const allowed = permission === 'key_management' ? manager.keyManagement : manager.keyListing;
    if (!allowed) {
      const role = permission === 'key_management' ? 'Key Management' : 'Key Listing';
      throw ibmCatalogue.error('forbidden', { message: `${action} requires the ${role} permission.` });
    }
  }

  create(ns: string, manager: ManagerRow, body: CreateBody): Credential {
    const { store, clock, ids, keyLimit } = this.deps;
    const input = body.credential;
    const account = this.accessibleAccount(ns, manager, input.project_id);
    let userId: string;
    if (input.user_id !== undefined) {
      userId = input.user_id;
      this.requireMember(ns, account.id, userId);
    } else if (account.ownerUserId !== null) {
      userId = account.ownerUserId;
    } else {
      throw ibmCatalogue.error('bad_request', { message: `Invalid input for field 'credential.user_id': required, since storage account ${account.id} has no owner.` });
    }
    const blob = input.blob === undefined ? undefined : parseBlob(createBlobSchema, input.blob);
    return store.transaction(() => {
      if (store.countForUser(ns, userId) >= keyLimit) {
        throw ibmCatalogue.error('key_limit_reached', { message: `The user has reached maximum number of keys that can be generated for the user (${keyLimit}).` });
      }
      let access = blob?.access;
      if (access !== undefined) {
        if (store.credential(ns, access)) throw ibmCatalogue.error('duplicate_access_key', { message: `Conflict occurred attempting to store credential - Duplicate entry: access key ${access} already exists.` });
      } else {
        do access = ibmIds.accessKey(ids);
        while (store.credential(ns, access));
      }
      const now = clock.now();
      const row: CredentialRow = {
        access,
        secret: blob?.secret ?? ibmIds.secretKey(ids),
        status: blob?.status ?? 'Active',
        projectId: account.id,
        userId,
        subjectIbmId: input.subject_ibm_id ?? null,
        createdAt: now,
        updatedAt: now,
      };
      store.insertCredential(ns, row);
      return toCredential(row);
    });
  }

  /** Every key the manager may see, then filtered by `project_id`, then by `user_id`. */
  list(ns: string, manager: ManagerRow, query: { project_id?: string | undefined; user_id?: string | undefined }): Credential[] {
    const { store } = this.deps;
    if (query.project_id !== undefined) this.accessibleAccount(ns, manager, query.project_id);
    if (query.user_id !== undefined && !store.userExists(ns, query.user_id)) throw this.userNotFound(query.user_id);
    return store
      .credentials(ns)
      .filter((c) => this.canAccess(manager, c.projectId))
      .filter((c) => query.project_id === undefined || c.projectId === query.project_id)
      .filter((c) => query.user_id === undefined || c.userId === query.user_id)
      .map(toCredential);
  }

  show(ns: string, manager: ManagerRow, id: string): Credential {
    return toCredential(this.accessibleCredential(ns, manager, id));
  }

  update(ns: string, manager: ManagerRow, id: string, body: UpdateBody): Credential {
    const { store, clock } = this.deps;
    const input = body.credential;
    const blob = parseBlob(updateBlobSchema, input.blob);
    const current = this.accessibleCredential(ns, manager, id);
    this.accessibleAccount(ns, manager, input.project_id);
    if (input.project_id !== current.projectId) {
      throw ibmCatalogue.error('bad_request', { message: `Invalid input for field 'credential.project_id': credential ${id} belongs to storage account ${current.projectId}.` });
    }
    if (input.user_id !== undefined) {
      if (!store.userExists(ns, input.user_id)) throw this.userNotFound(input.user_id);
      if (input.user_id !== current.userId) {
        throw ibmCatalogue.error('bad_request', { message: `Invalid input for field 'credential.user_id': credential ${id} belongs to user ${current.userId}.` });
      }
    }
    if (blob.access !== undefined && blob.access !== id) {
      throw ibmCatalogue.error('bad_request', { message: `Invalid input for field 'credential.blob.access': must be the credential's access key (${id}); an access key cannot be changed.` });
    }
    const secret = blob.secret ?? current.secret;
    const status = blob.status ?? current.status;
    store.updateCredential(ns, id, secret, status, clock.now());
    return toCredential({ ...current, secret, status });
  }

  remove(ns: string, manager: ManagerRow, id: string): void {
    this.accessibleCredential(ns, manager, id);
    this.deps.store.deleteCredential(ns, id);
  }

  private canAccess(manager: ManagerRow, projectId: string): boolean {
    return manager.storageAccounts === '*' || manager.storageAccounts.includes(projectId);
  }

  /** 404 for an unknown storage account; 405 when the manager has no rights on it. */
  private accessibleAccount(ns: string, manager: ManagerRow, projectId: string) {
    const account = this.deps.store.storageAccount(ns, projectId);
    if (!account) throw ibmCatalogue.error('storage_account_not_found', { message: `No such user or storage account exists: could not find storage account ${projectId}.` });
    if (!this.canAccess(manager, projectId)) throw this.noAccess(manager.username, projectId);
    return account;
  }

  /** 404 for an unknown user; 405 for a user without rights on the storage account. */
  private requireMember(ns: string, projectId: string, userId: string): void {
    const { store } = this.deps;
    if (!store.userExists(ns, userId)) throw this.userNotFound(userId);
    if (!store.isMember(ns, projectId, userId)) throw this.noAccess(userId, projectId);
  }

  private accessibleCredential(ns: string, manager: ManagerRow, id: string): CredentialRow {
    const row = this.deps.store.credential(ns, id);
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
