import type { IdSource } from '../../core/ids.js';
import type { Principal } from './credentials.js';
import { catalogue } from './errors.js';
import { exoscaleIds } from './ids.js';
import type { Operations } from './operations.js';
import { isRestricted, resourceId, type Permissions } from './permissions.js';
import type { AccessKey, CreateAccessKeyBody, Operation } from './schemas.js';
import type { AccessKeyRow, ExoscaleStore, KnownOperation, StoredAccessKey } from './store.js';

function view(row: Pick<AccessKeyRow, 'name' | 'key' | 'secret' | 'version' | 'tags' | 'operations' | 'resources'>, withSecret: boolean): AccessKey {
  return {
    name: row.name,
    key: row.key,
    ...(withSecret ? { secret: row.secret } : {}),
    type: isRestricted(row) ? 'restricted' : 'unrestricted',
    version: row.version,
    ...(row.tags && row.tags.length > 0 ? { tags: row.tags } : {}),
    ...(row.operations && row.operations.length > 0 ? { operations: row.operations } : {}),
    ...(row.resources && row.resources.length > 0 ? { resources: row.resources } : {}),
  };
}

/** Legacy IAM access keys (the 2024 spec): created with a subset of the signer's permissions, revoked by an operation. */
export class AccessKeys {
  constructor(private readonly deps: { store: ExoscaleStore; ids: IdSource; operations: Operations; permissions: Permissions }) {}

  create(namespace: string, principal: Principal, body: CreateAccessKeyBody, now: number): AccessKey {
    const { store, ids, permissions } = this.deps;
    return store.transaction(() => {
      const requested = { tags: body.tags ?? null, operations: body.operations ?? null, resources: body.resources ?? null };
      // An unrestricted legacy key may create any key: the known operations are read only to check the
      // names asked for, or the limits of a restricted signer.
      const unrestrictedSigner = principal.kind === 'access-key' && !isRestricted(principal.row);
      if (!unrestrictedSigner || (requested.tags?.length ?? 0) + (requested.operations?.length ?? 0) > 0) {
        this.checkWithin(namespace, principal, requested, permissions.knownOperations(namespace));
      }
      const row: AccessKeyRow = {
        namespace,
        key: exoscaleIds.key(ids),
        secret: exoscaleIds.secret(ids),
        name: body.name,
        version: 'v2',
        ...requested,
        created_by: principal.key,
        created_at: now,
        revoke_operation_id: null,
        revoked_at: null,
      };
      store.accessKeyInsert(row);
      return view(row, true);
    });
  }

  /** 400 for an unknown operation or tag; 403 when the new key would get more than the signer has. */
  private checkWithin(namespace: string, principal: Principal, requested: Pick<AccessKeyRow, 'tags' | 'operations' | 'resources'>, known: readonly KnownOperation[]): void {
    const knownNames = new Set(known.map((k) => k.operation));
    const knownTags = new Set(known.flatMap((k) => k.tags));
    for (const op of requested.operations ?? []) if (!knownNames.has(op)) throw catalogue.error('bad_request', { message: `Invalid request: unknown operation "${op}"` });
    for (const tag of requested.tags ?? []) if (!knownTags.has(tag)) throw catalogue.error('bad_request', { message: `Invalid request: unknown tag "${tag}"` });

    // A new key inherits the permissions of the key that creates it: it can never get more.
    const granted = isRestricted(requested)
      ? known.filter((k) => (requested.operations ?? []).includes(k.operation) || (requested.tags ?? []).some((t) => k.tags.includes(t))).map((k) => k.operation)
      : known.map((k) => k.operation);
    const beyond = granted.filter((op) => !this.deps.permissions.allows(namespace, principal, op, known));
    // A key limited to resources can only create keys limited to some of those resources.
    const signerResources = principal.kind === 'access-key' ? principal.row.resources ?? [] : [];
    const wanted = requested.resources ?? [];
    const resourcesBeyond = signerResources.length > 0 && (wanted.length === 0 || wanted.some((r) => !signerResources.some((s) => resourceId(s) === resourceId(r))));
    if (beyond.length > 0 || resourcesBeyond || (principal.kind === 'access-key' && isRestricted(principal.row) && !isRestricted(requested))) {
      throw catalogue.error('forbidden', { message: `API key ${principal.key} cannot create a key with more permissions than its own` });
    }
  }

  list(namespace: string, now: number): AccessKey[] {
    const { store, operations } = this.deps;
    return store.accessKeysByNamespace(namespace).filter((row) => !operations.accessKeyGone(row, now)).map((row) => view(row, false));
  }

  get(namespace: string, key: string, now: number): AccessKey {
    return view(this.active(namespace, key, now), false);
  }

  revoke(namespace: string, key: string, outcomeName: string | undefined, now: number): Operation {
    const { store, operations } = this.deps;
    const outcome = operations.outcome(outcomeName);
    return store.transaction(() => {
      const row = this.active(namespace, key, now);
      if (operations.removal(row.revoked_at, row.revoke_operation, now) === 'pending') {
        throw catalogue.error('conflict', { message: `IAM Access Key ${key} is already being revoked` });
      }
      const op = operations.start(namespace, outcome, { link: `/v2/access-key/${key}`, command: 'get-access-key' }, now);
      store.accessKeySetRevokeOperation(namespace, key, op.id);
      return operations.started(op, now);
    });
  }

  private active(namespace: string, key: string, now: number): StoredAccessKey {
    const row = this.deps.store.accessKeyByKey(namespace, key);
    if (!row || this.deps.operations.accessKeyGone(row, now)) throw catalogue.error('not_found', { message: `IAM Access Key ${key} not found` });
    return row;
  }
}
