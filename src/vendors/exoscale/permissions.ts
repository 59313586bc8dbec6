import type { Principal } from './credentials.js';
import { catalogue } from './errors.js';
import { policyAllows } from './policy.js';
import type { AccessKeyResource } from './schemas.js';
import type { AccessKeyRow, ExoscaleStore, KnownOperation } from './store.js';

/** The operations this emulator serves (their spec operationIds); always known, tagged `iam`. */
const IAM_OPERATIONS: ReadonlySet<string> = new Set([
  'create-access-key',
  'list-access-keys',
  'get-access-key',
  'revoke-access-key',
  'list-access-key-known-operations',
  'list-access-key-operations',
  'create-api-key',
  'list-api-keys',
  'get-api-key',
  'delete-api-key',
  'create-iam-role',
  'list-iam-roles',
  'get-iam-role',
  'update-iam-role',
  'update-iam-role-policy',
  'delete-iam-role',
  'assume-iam-role',
  'get-operation',
]);

/**
 * Operations every signing key may call [I]: polling the operations of the calls it was allowed to
 * make, and asking what it is allowed to do.
 */
const ALWAYS_ALLOWED = new Set(['get-operation', 'list-access-key-operations']);

/** A legacy key limited to some operations, tags or resources. */
export function isRestricted(row: Pick<AccessKeyRow, 'tags' | 'operations' | 'resources'>): boolean {
  return (row.tags?.length ?? 0) + (row.operations?.length ?? 0) + (row.resources?.length ?? 0) > 0;
}

export const resourceId = (r: AccessKeyResource) => `${r.domain}/${r['resource-type']}:${r['resource-name']}`;

/**
 * What a signing key may call: a legacy access key by its operations and tags (unrestricted when it
 * has none), an API key by its role's policy for the operation's service (its first tag). The tags
 * come from the namespace's known operations (a fixture lists them), IAM's own being always known.
 */
export class Permissions {
  constructor(private readonly deps: { store: ExoscaleStore }) {}

  /** 403 unless the signing key may call `operation`. */
  authorize(namespace: string, principal: Principal, operation: string): void {
    if (!this.allows(namespace, principal, operation)) {
      throw catalogue.error('forbidden', { message: `Operation ${operation} is not allowed for API key ${principal.key}` });
    }
  }

  /**
   * `known`: the namespace's known operations when the caller has them already; otherwise only
   * this operation's tags are looked up, and only when needed (an unrestricted key needs none).
   */
  allows(namespace: string, principal: Principal, operation: string, known?: readonly KnownOperation[]): boolean {
    if (ALWAYS_ALLOWED.has(operation)) return true;
    const tagsOf = (): string[] => (known ? known.find((k) => k.operation === operation)?.tags : this.operationTags(namespace, operation)) ?? [];
    if (principal.kind === 'access-key') {
      const row = principal.row;
      if (!isRestricted(row)) return true;
      if ((row.operations ?? []).includes(operation)) return true;
      const tags = tagsOf();
      return (row.tags ?? []).some((tag) => tags.includes(tag));
    }
    if (!principal.role) return false;
    return policyAllows(principal.role.policy, tagsOf()[0] ?? 'iam', operation);
  }

  /**
   * May this key call the SOS `operation` (e.g. `put-sos-object`) on `bucket`? A legacy access key:
   * unrestricted, or the operation is among its `operations` or carries one of its `tags` (an SOS
   * operation the namespace does not know is tagged `sos`), and when it lists `sos` bucket
   * `resources`, the bucket is one of them. An API key: its role's policy for service `sos`.
   */
  sosAllows(namespace: string, principal: Principal, operation: string, bucket: string | undefined): boolean {
    if (principal.kind === 'api-key') return principal.role !== undefined && policyAllows(principal.role.policy, 'sos', operation);
    const row = principal.row;
    const operations = row.operations ?? [];
    const tags = row.tags ?? [];
    const tagsOf = this.operationTags(namespace, operation) ?? ['sos'];
    const opAllowed = (operations.length === 0 && tags.length === 0) || operations.includes(operation) || tags.some((t) => tagsOf.includes(t));
    const buckets = (row.resources ?? []).filter((r) => r.domain === 'sos' && r['resource-type'] === 'bucket').map((r) => r['resource-name']);
    return opAllowed && (buckets.length === 0 || bucket === undefined || buckets.includes(bucket));
  }

  /** The namespace's known operations, then IAM's own that it does not list. */
  knownOperations(namespace: string): KnownOperation[] {
    const listed = this.deps.store.knownOperationsByNamespace(namespace);
    const names = new Set(listed.map((k) => k.operation));
    return [...listed, ...[...IAM_OPERATIONS].filter((op) => !names.has(op)).map((operation) => ({ operation, tags: ['iam'] }))];
  }

  /** The known operations the signing key may call. */
  myOperations(namespace: string, principal: Principal): KnownOperation[] {
    const known = this.knownOperations(namespace);
    return known.filter((k) => this.allows(namespace, principal, k.operation, known));
  }

  /** One operation's tags as knownOperations() gives them: listed in the namespace, else IAM's. */
  private operationTags(namespace: string, operation: string): string[] | undefined {
    return this.deps.store.knownOperationByName(namespace, operation) ?? (IAM_OPERATIONS.has(operation) ? ['iam'] : undefined);
  }
}
