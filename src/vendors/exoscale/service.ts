import type { Clock } from '../../core/clock.js';
import type { IdSource } from '../../core/ids.js';
import type { Transitions } from '../../core/transitions.js';
import { AccessKeys } from './access-keys.js';
import { ApiKeys } from './api-keys.js';
import { Credentials } from './credentials.js';
import { IamRoles } from './iam-roles.js';
import { Operations } from './operations.js';
import { Permissions } from './permissions.js';
import type { ExoscaleStore } from './store.js';

export interface ExoscaleServiceDeps {
  store: ExoscaleStore;
  clock: Clock;
  ids: IdSource;
  transitions: Transitions;
}

/**
 * The Exoscale vendor's one entry point, by resource: who signs (credentials), what a key may call
 * (permissions), legacy access keys, API keys, IAM roles, and the operations their writes start.
 * Every method on the request path takes the request's `now`; the clock is read only for the
 * wall-clock expiry of a client's signature.
 */
export class ExoscaleService {
  readonly operations: Operations;
  readonly permissions: Permissions;
  readonly roles: IamRoles;
  readonly credentials: Credentials;
  readonly accessKeys: AccessKeys;
  readonly apiKeys: ApiKeys;

  constructor({ store, clock, ids, transitions }: ExoscaleServiceDeps) {
    this.operations = new Operations({ store, ids, transitions });
    this.permissions = new Permissions({ store });
    this.roles = new IamRoles({ store, ids, operations: this.operations });
    this.credentials = new Credentials({ store, clock, operations: this.operations, roles: this.roles });
    this.accessKeys = new AccessKeys({ store, ids, operations: this.operations, permissions: this.permissions });
    this.apiKeys = new ApiKeys({ store, ids, operations: this.operations, roles: this.roles });
  }
}
