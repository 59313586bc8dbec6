import type { IdSource } from '../../core/ids.js';
import { catalogue } from './errors.js';
import type { IamRoles } from './iam-roles.js';
import { exoscaleIds } from './ids.js';
import type { Operations } from './operations.js';
import type { ApiKey, CreateApiKeyBody, Operation } from './schemas.js';
import type { ExoscaleStore, StoredApiKey } from './store.js';

const view = (row: Pick<StoredApiKey, 'name' | 'key' | 'role_id'>): ApiKey => ({ name: row.name, key: row.key, 'role-id': row.role_id });

/** API keys (the 2026 spec): bound to an IAM role, deleted by an operation. */
export class ApiKeys {
  constructor(private readonly deps: { store: ExoscaleStore; ids: IdSource; operations: Operations; roles: IamRoles }) {}

  create(namespace: string, body: CreateApiKeyBody, now: number): ApiKey & { secret: string } {
    const { store, ids, roles } = this.deps;
    return store.transaction(() => {
      roles.require(namespace, body['role-id'], now);
      const row = { namespace, key: exoscaleIds.key(ids), secret: exoscaleIds.secret(ids), name: body.name, role_id: body['role-id'], created_at: now, expires_at: null, assumed_by: null };
      store.apiKeyInsert(row);
      return { ...view(row), secret: row.secret };
    });
  }

  /** API keys made by create-api-key; keys from assume-iam-role are session credentials, not listed [I]. */
  list(namespace: string, now: number): ApiKey[] {
    const { store, operations } = this.deps;
    return store.apiKeysByNamespace(namespace).filter((row) => row.expires_at === null && !operations.apiKeyGone(row, now)).map(view);
  }

  get(namespace: string, key: string, now: number): ApiKey {
    return view(this.active(namespace, key, now));
  }

  delete(namespace: string, key: string, outcomeName: string | undefined, now: number): Operation {
    const { store, operations } = this.deps;
    const outcome = operations.outcome(outcomeName);
    return store.transaction(() => {
      const row = this.active(namespace, key, now);
      if (operations.removal(row.deleted_at, row.delete_operation, now) === 'pending') {
        throw catalogue.error('conflict', { message: `API key ${key} is already being deleted` });
      }
      const op = operations.start(namespace, outcome, { link: `/v2/api-key/${key}`, command: 'get-api-key' }, now);
      store.apiKeySetDeleteOperation(namespace, key, op.id);
      return operations.started(op, now);
    });
  }

  private active(namespace: string, key: string, now: number): StoredApiKey {
    const row = this.deps.store.apiKeyByKey(namespace, key);
    if (!row || row.expires_at !== null || this.deps.operations.apiKeyGone(row, now)) throw catalogue.error('not_found', { message: `API key ${key} not found` });
    return row;
  }
}
