import type { VendorContext } from '../../core/vendor.js';
import { catalogue } from './errors.js';
import { exoscaleIds } from './ids.js';
import { assumeRoleAllows, policyAllows } from './policy.js';
import {
  exoscaleFixture,
  OPERATION_REASONS,
  type AccessKey,
  type AccessKeyResource,
  type ApiKey,
  type AssumedRoleKey,
  type AssumeIamRoleBody,
  type CreateAccessKeyBody,
  type CreateApiKeyBody,
  type CreateIamRoleBody,
  type ExoscaleFixture,
  type IamPolicy,
  type IamRole,
  type Operation,
  type OperationReason,
  type UpdateIamRoleBody,
} from './schemas.js';
import {
  computeSignature,
  parseAuthorization,
  queryValues,
  signatureMessage,
  signaturesMatch,
  unsignedQueryParameters,
} from './signature.js';
import { exoscaleStore, type AccessKeyRow, type ApiKeyRow, type ExoscaleStore, type OperationRow, type RoleRow } from './store.js';

/** The one transition: an operation (revoke, delete, role change) goes `pending` → its outcome. */
export const OPERATION_TRANSITION = 'exoscale.operation.completion';

/** The operations this emulator serves (their spec operationIds); always known, tagged `iam`. */
export const IAM_OPERATIONS = [
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
] as const;

/**
 * Operations every signing key may call [I]: polling the operations of the calls it was allowed to
 * make, and asking what it is allowed to do.
 */
const ALWAYS_ALLOWED = new Set(['get-operation', 'list-access-key-operations']);

const DEFAULT_REQUESTS_PER_MINUTE = 1200;
/** The longest ttl assume-iam-role grants for a role without `max-session-ttl` [I]. */
export const DEFAULT_MAX_SESSION_TTL = 3600;
/** The latest instant a JavaScript date (and so `expires-at`) can hold. */
const MAX_DATE_MS = 8.64e15;
const DEFAULT_ORGANIZATION_ID = '00000000-0000-4000-8000-000000000000';
const DENY_ALL: IamPolicy = { 'default-service-strategy': 'deny', services: {} };

export type Principal =
  | { kind: 'access-key'; key: string; row: AccessKeyRow }
  | { kind: 'api-key'; key: string; row: ApiKeyRow };

export interface SignedRequest {
  namespace: string;
  method: string;
  /** The URL path exactly as received (percent-encoded, before any rewriting), without the query. */
  path: string;
  rawQuery: string;
  body: Buffer;
  authorization: string | undefined;
}

/** An operation outcome a fault rule can ask for (`outcome` on the request that creates the operation). */
interface Outcome {
  outcome: OperationRow['outcome'];
  reason: OperationReason | null;
  message: string | null;
}

/** The reason a timed-out operation gives unless the rule names one (python-exoscale's `Client.wait` reads `reason` for failure and timeout alike). */
export const DEFAULT_TIMEOUT_REASON: OperationReason = 'unknown';

const isReason = (value: string): value is OperationReason => (OPERATION_REASONS as readonly string[]).includes(value);

/**
 * `success` (default); `failure` (reason `fault`); `timeout` (reason `unknown`) or `timeout:<reason>`; or one
 * of the operation reasons (`busy`, `conflict`, `forbidden`, …) for a failure with that reason. Every
 * operation that does not succeed carries a `reason`.
 */
export function parseOutcome(value: string | undefined): Outcome | undefined {
  if (value === undefined || value === 'success') return { outcome: 'success', reason: null, message: null };
  if (value === 'failure') return { outcome: 'failure', reason: 'fault', message: 'Operation failed' };
  if (value === 'timeout') return { outcome: 'timeout', reason: DEFAULT_TIMEOUT_REASON, message: 'Operation timed out' };
  const timeoutReason = value.startsWith('timeout:') ? value.slice('timeout:'.length) : undefined;
  if (timeoutReason !== undefined && isReason(timeoutReason)) return { outcome: 'timeout', reason: timeoutReason, message: 'Operation timed out' };
  if (isReason(value)) return { outcome: 'failure', reason: value, message: `Operation failed: ${value}` };
  return undefined;
}

export const OUTCOME_NAMES = ['success', 'failure', 'timeout', 'timeout:<reason>', ...OPERATION_REASONS];

function isRestricted(row: Pick<AccessKeyRow, 'tags' | 'operations' | 'resources'>): boolean {
  return (row.tags?.length ?? 0) + (row.operations?.length ?? 0) + (row.resources?.length ?? 0) > 0;
}

const resourceId = (r: AccessKeyResource) => `${r.domain}/${r['resource-type']}:${r['resource-name']}`;

export class ExoscaleService {
  private readonly store: ExoscaleStore;

  constructor(private readonly ctx: VendorContext) {
    this.store = exoscaleStore(ctx.db);
  }

  // ---- authentication, rate limit, authorization ------------------------------------------

  /** Verifies the EXO2-HMAC-SHA256 signature; returns the signing key. */
  authenticate(req: SignedRequest): Principal {
    const auth = parseAuthorization(req.authorization);
    if (auth === 'missing') throw catalogue.error('missing_authorization');
    if (auth === 'malformed') throw catalogue.error('malformed_authorization');
    const principal = this.credential(req.namespace, auth.credential);
    if (!principal) throw catalogue.error('unknown_credential');
    const query = queryValues(req.rawQuery);
    const message = signatureMessage({ method: req.method, path: req.path, body: req.body, signedQueryArgs: auth.signedQueryArgs, query, expires: auth.expires });
    const secret = principal.row.secret;
    if (!signaturesMatch(computeSignature(secret, message), auth.signature)) throw catalogue.error('invalid_signature');
    if (unsignedQueryParameters(query, auth.signedQueryArgs).length > 0) throw catalogue.error('invalid_signature');
    // The client dates `expires` from its own wall clock: checked against real time, never the emulator's clock.
    if (auth.expires * 1000 < this.ctx.clock.wallNow()) throw catalogue.error('expired_signature');
    return principal;
  }

  /** An active (not revoked, not deleted) legacy access key or API key of this namespace. */
  private credential(namespace: string, key: string): Principal | undefined {
    const accessKey = this.store.accessKey(namespace, key);
    if (accessKey && !this.accessKeyGone(accessKey)) return { kind: 'access-key', key, row: accessKey };
    const apiKey = this.store.apiKey(namespace, key);
    if (apiKey && !this.apiKeyGone(apiKey)) {
      // A key from assume-iam-role ends with its role.
      if (apiKey.expires_at !== null && !this.activeRole(namespace, apiKey.role_id)) return undefined;
      return { kind: 'api-key', key, row: apiKey };
    }
    return undefined;
  }

  rateLimit(namespace: string, principal: Principal): { retryAfterSeconds: number } | undefined {
    const limit = this.store.organization(namespace)?.requests_per_minute ?? DEFAULT_REQUESTS_PER_MINUTE;
    const decision = this.ctx.rateLimiter.consume({ namespace, vendor: 'exoscale', credential: principal.key, limit, now: this.ctx.clock.now() });
    if (!decision.allowed) throw catalogue.error('rate_limited', { headers: { 'retry-after': String(decision.retryAfterSeconds) } });
    return undefined;
  }

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
  private allows(namespace: string, principal: Principal, operation: string, known?: Array<{ operation: string; tags: string[] }>): boolean {
    if (ALWAYS_ALLOWED.has(operation)) return true;
    const tagsOf = (): string[] => (known ? known.find((k) => k.operation === operation)?.tags : this.operationTags(namespace, operation)) ?? [];
    if (principal.kind === 'access-key') {
      const row = principal.row;
      if (!isRestricted(row)) return true;
      if ((row.operations ?? []).includes(operation)) return true;
      const tags = tagsOf();
      return (row.tags ?? []).some((tag) => tags.includes(tag));
    }
    const tags = tagsOf();
    const role = this.activeRole(namespace, principal.row.role_id);
    if (!role) return false;
    return policyAllows(role.policy, tags[0] ?? 'iam', operation);
  }

  // ---- operations ---------------------------------------------------------------------------

  /**
   * Has the operation finished? Only a poll (`GET /operation/{id}`) counts as a read for a
   * `reads:<n>` policy and records the completion; other callers see it done once a poll has, or
   * once its delay has elapsed.
   */
  private operationDone(namespace: string, op: OperationRow, poll: boolean): boolean {
    if (op.completed_at !== null) return true;
    const now = this.ctx.clock.now();
    if (poll) {
      const done = this.ctx.transitions.reached(namespace, OPERATION_TRANSITION, op.id, op.created_at, now);
      if (done) this.store.completeOperation(namespace, op.id, now);
      return done;
    }
    const due = this.ctx.transitions.dueAt(OPERATION_TRANSITION, op.created_at);
    return due !== undefined && now >= due;
  }

  private operationView(op: OperationRow, done: boolean): Operation {
    const state = !done ? 'pending' : op.outcome;
    return {
      id: op.id,
      state,
      ...(done && op.reason ? { reason: op.reason as OperationReason } : {}),
      reference: { ...(op.reference_id ? { id: op.reference_id } : {}), link: op.reference_link, command: op.reference_command },
      ...(done && op.message ? { message: op.message } : {}),
    };
  }

  private startOperation(namespace: string, outcome: Outcome, reference: { id?: string; link: string; command: string }): OperationRow {
    const row: Omit<OperationRow, 'completed_at'> = {
      namespace,
      id: exoscaleIds.operation(this.ctx.ids),
      created_at: this.ctx.clock.now(),
      outcome: outcome.outcome,
      reason: outcome.reason,
      message: outcome.message,
      reference_id: reference.id ?? null,
      reference_link: reference.link,
      reference_command: reference.command,
    };
    this.store.insertOperation(row);
    return { ...row, completed_at: null };
  }

  private started(namespace: string, op: OperationRow): Operation {
    return this.operationView(op, this.operationDone(namespace, op, false));
  }

  getOperation(namespace: string, id: string): Operation {
    const op = this.store.operation(namespace, id);
    if (!op) throw catalogue.error('not_found', { message: `Operation ${id} not found` });
    return this.operationView(op, this.operationDone(namespace, op, true));
  }

  /** A removal (revoke, delete) takes effect when its operation succeeds. */
  private removalState(namespace: string, removedAt: number | null, operationId: string | null): 'none' | 'pending' | 'done' {
    if (removedAt !== null) return 'done';
    if (operationId === null) return 'none';
    const op = this.store.operation(namespace, operationId);
    if (!op) return 'none';
    if (!this.operationDone(namespace, op, false)) return 'pending';
    return op.outcome === 'success' ? 'done' : 'none';
  }

  private accessKeyGone(row: AccessKeyRow): boolean {
    return this.removalState(row.namespace, row.revoked_at, row.revoke_operation_id) === 'done';
  }

  /** Deleted, or (a key from assume-iam-role) past its `expires-at` on the emulator clock. */
  private apiKeyGone(row: ApiKeyRow): boolean {
    if (row.expires_at !== null && this.ctx.clock.now() >= row.expires_at) return true;
    return this.removalState(row.namespace, row.deleted_at, row.delete_operation_id) === 'done';
  }

  private roleGone(row: RoleRow): boolean {
    return this.removalState(row.namespace, row.deleted_at, row.delete_operation_id) === 'done';
  }

  private outcome(value: string | undefined): Outcome {
    const outcome = parseOutcome(value);
    if (!outcome) throw catalogue.error('bad_request', { message: `Unknown emulator outcome "${value}": use one of ${OUTCOME_NAMES.join(', ')}` });
    return outcome;
  }

  // ---- known operations ---------------------------------------------------------------------

  /** One operation's tags as knownOperations() gives them: listed in the namespace, else IAM's. */
  private operationTags(namespace: string, operation: string): string[] | undefined {
    return this.store.knownOperationTags(namespace, operation) ?? (IAM_OPERATIONS.includes(operation as (typeof IAM_OPERATIONS)[number]) ? ['iam'] : undefined);
  }

  knownOperations(namespace: string): Array<{ operation: string; tags: string[] }> {
    const listed = this.store.knownOperations(namespace);
    const names = new Set(listed.map((k) => k.operation));
    return [...listed, ...IAM_OPERATIONS.filter((op) => !names.has(op)).map((operation) => ({ operation, tags: ['iam'] }))];
  }

  /** The known operations the signing key may call. */
  myOperations(namespace: string, principal: Principal): Array<{ operation: string; tags: string[] }> {
    const known = this.knownOperations(namespace);
    return known.filter((k) => this.allows(namespace, principal, k.operation, known));
  }

  // ---- legacy access keys -------------------------------------------------------------------

  private accessKeyView(row: AccessKeyRow, withSecret: boolean): AccessKey {
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

  createAccessKey(namespace: string, principal: Principal, body: CreateAccessKeyBody): AccessKey {
    const known = this.knownOperations(namespace);
    const knownNames = new Set(known.map((k) => k.operation));
    const knownTags = new Set(known.flatMap((k) => k.tags));
    for (const op of body.operations ?? []) if (!knownNames.has(op)) throw catalogue.error('bad_request', { message: `Invalid request: unknown operation "${op}"` });
    for (const tag of body.tags ?? []) if (!knownTags.has(tag)) throw catalogue.error('bad_request', { message: `Invalid request: unknown tag "${tag}"` });
    const requested = { tags: body.tags ?? null, operations: body.operations ?? null, resources: body.resources ?? null };

    // A new key inherits the permissions of the key that creates it: it can never get more.
    const granted = isRestricted(requested)
      ? known.filter((k) => (requested.operations ?? []).includes(k.operation) || (requested.tags ?? []).some((t) => k.tags.includes(t))).map((k) => k.operation)
      : known.map((k) => k.operation);
    const beyond = granted.filter((op) => !this.allows(namespace, principal, op, known));
    // A key limited to resources can only create keys limited to some of those resources.
    const signerResources = principal.kind === 'access-key' ? principal.row.resources ?? [] : [];
    const wanted = requested.resources ?? [];
    const resourcesBeyond = signerResources.length > 0 && (wanted.length === 0 || wanted.some((r) => !signerResources.some((s) => resourceId(s) === resourceId(r))));
    if (beyond.length > 0 || resourcesBeyond || (principal.kind === 'access-key' && isRestricted(principal.row) && !isRestricted(requested))) {
      throw catalogue.error('forbidden', { message: `API key ${principal.key} cannot create a key with more permissions than its own` });
    }

    const row: AccessKeyRow = {
      namespace,
      key: exoscaleIds.key(this.ctx.ids),
      secret: exoscaleIds.secret(this.ctx.ids),
      name: body.name,
      version: 'v2',
      ...requested,
      created_by: principal.key,
      created_at: this.ctx.clock.now(),
      revoke_operation_id: null,
      revoked_at: null,
    };
    this.store.insertAccessKey(row);
    return this.accessKeyView(row, true);
  }

  listAccessKeys(namespace: string): AccessKey[] {
    return this.store.accessKeys(namespace).filter((row) => !this.accessKeyGone(row)).map((row) => this.accessKeyView(row, false));
  }

  private activeAccessKey(namespace: string, key: string): AccessKeyRow {
    const row = this.store.accessKey(namespace, key);
    if (!row || this.accessKeyGone(row)) throw catalogue.error('not_found', { message: `IAM Access Key ${key} not found` });
    return row;
  }

  getAccessKey(namespace: string, key: string): AccessKey {
    return this.accessKeyView(this.activeAccessKey(namespace, key), false);
  }

  revokeAccessKey(namespace: string, key: string, outcomeName: string | undefined): Operation {
    const outcome = this.outcome(outcomeName);
    return this.store.transaction(() => {
      const row = this.activeAccessKey(namespace, key);
      if (this.removalState(namespace, row.revoked_at, row.revoke_operation_id) === 'pending') {
        throw catalogue.error('conflict', { message: `IAM Access Key ${key} is already being revoked` });
      }
      const op = this.startOperation(namespace, outcome, { link: `/v2/access-key/${key}`, command: 'get-access-key' });
      this.store.setAccessKeyRevokeOperation(namespace, key, op.id);
      return this.started(namespace, op);
    });
  }

  // ---- IAM roles ----------------------------------------------------------------------------

  private roleView(row: RoleRow): IamRole {
    return {
      id: row.id,
      name: row.name,
      ...(row.description !== null ? { description: row.description } : {}),
      permissions: row.permissions,
      labels: row.labels,
      editable: row.editable,
      policy: row.policy,
      ...(row.assume_role_policy !== null ? { 'assume-role-policy': row.assume_role_policy as IamRole['assume-role-policy'] } : {}),
      ...(row.max_session_ttl !== null ? { 'max-session-ttl': row.max_session_ttl } : {}),
    };
  }

  private activeRole(namespace: string, id: string): RoleRow | undefined {
    const row = this.store.role(namespace, id);
    return row && !this.roleGone(row) ? row : undefined;
  }

  private requireRole(namespace: string, id: string): RoleRow {
    const row = this.activeRole(namespace, id);
    if (!row) throw catalogue.error('not_found', { message: `IAM Role ${id} not found` });
    return row;
  }

  private roleReference(id: string) {
    return { id, link: `/v2/iam-role/${id}`, command: 'get-iam-role' };
  }

  createRole(namespace: string, body: CreateIamRoleBody, outcomeName: string | undefined): Operation {
    const outcome = this.outcome(outcomeName);
    const id = exoscaleIds.role(this.ctx.ids);
    return this.store.transaction(() => {
      // A change is applied only when its operation is to succeed [I].
      if (outcome.outcome === 'success') {
        this.store.insertRole({
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
          created_at: this.ctx.clock.now(),
        });
      }
      return this.started(namespace, this.startOperation(namespace, outcome, this.roleReference(id)));
    });
  }

  listRoles(namespace: string): IamRole[] {
    return this.store.roles(namespace).filter((row) => !this.roleGone(row)).map((row) => this.roleView(row));
  }

  getRole(namespace: string, id: string): IamRole {
    return this.roleView(this.requireRole(namespace, id));
  }

  updateRole(namespace: string, id: string, body: UpdateIamRoleBody, outcomeName: string | undefined): Operation {
    const outcome = this.outcome(outcomeName);
    return this.store.transaction(() => {
      const row = this.requireRole(namespace, id);
      if (outcome.outcome === 'success') {
        this.store.updateRole({
          namespace,
          id,
          description: body.description ?? row.description,
          permissions: body.permissions ?? row.permissions,
          labels: body.labels ?? row.labels,
          max_session_ttl: body['max-session-ttl'] ?? row.max_session_ttl,
          assume_role_policy: body['assume-role-policy'] ?? row.assume_role_policy,
        });
      }
      return this.started(namespace, this.startOperation(namespace, outcome, this.roleReference(id)));
    });
  }

  updateRolePolicy(namespace: string, id: string, policy: IamPolicy, outcomeName: string | undefined): Operation {
    const outcome = this.outcome(outcomeName);
    return this.store.transaction(() => {
      const row = this.requireRole(namespace, id);
      if (!row.editable) throw catalogue.error('conflict', { message: `IAM Role ${id} policy is not editable` });
      if (outcome.outcome === 'success') this.store.setRolePolicy(namespace, id, policy);
      return this.started(namespace, this.startOperation(namespace, outcome, this.roleReference(id)));
    });
  }

  deleteRole(namespace: string, id: string, outcomeName: string | undefined): Operation {
    const outcome = this.outcome(outcomeName);
    return this.store.transaction(() => {
      const row = this.requireRole(namespace, id);
      if (this.removalState(namespace, row.deleted_at, row.delete_operation_id) === 'pending') {
        throw catalogue.error('conflict', { message: `IAM Role ${id} is already being deleted` });
      }
      // Keys from assume-iam-role do not hold the role: they end with it.
      const users = this.store.apiKeysOfRole(namespace, id).filter((k) => k.expires_at === null && !this.apiKeyGone(k));
      if (users.length > 0) throw catalogue.error('conflict', { message: `IAM Role ${id} is in use by ${users.length} API key(s)` });
      const op = this.startOperation(namespace, outcome, this.roleReference(id));
      this.store.setRoleDeleteOperation(namespace, id, op.id);
      return this.started(namespace, op);
    });
  }

  // ---- API keys -----------------------------------------------------------------------------

  private apiKeyView(row: ApiKeyRow): ApiKey {
    return { name: row.name, key: row.key, 'role-id': row.role_id };
  }

  createApiKey(namespace: string, body: CreateApiKeyBody): ApiKey & { secret: string } {
    this.requireRole(namespace, body['role-id']);
    const row = {
      namespace,
      key: exoscaleIds.key(this.ctx.ids),
      secret: exoscaleIds.secret(this.ctx.ids),
      name: body.name,
      role_id: body['role-id'],
      created_at: this.ctx.clock.now(),
    };
    this.store.insertApiKey(row);
    return { name: row.name, key: row.key, secret: row.secret, 'role-id': row.role_id };
  }

  /** API keys made by create-api-key; keys from assume-iam-role are session credentials, not listed [I]. */
  listApiKeys(namespace: string): ApiKey[] {
    return this.store.apiKeys(namespace).filter((row) => row.expires_at === null && !this.apiKeyGone(row)).map((row) => this.apiKeyView(row));
  }

  private activeApiKey(namespace: string, key: string): ApiKeyRow {
    const row = this.store.apiKey(namespace, key);
    if (!row || row.expires_at !== null || this.apiKeyGone(row)) throw catalogue.error('not_found', { message: `API key ${key} not found` });
    return row;
  }

  getApiKey(namespace: string, key: string): ApiKey {
    return this.apiKeyView(this.activeApiKey(namespace, key));
  }

  /**
   * assume-iam-role: a new key bound to the role, signing with its policy until `expires-at`
   * (emulator clock). 404 unknown role; 403 when the role's assume-role-policy refuses the caller;
   * 400 when ttl is over the role's max-session-ttl (DEFAULT_MAX_SESSION_TTL without one).
   */
  assumeRole(namespace: string, principal: Principal, id: string, body: AssumeIamRoleBody): AssumedRoleKey {
    const role = this.requireRole(namespace, id);
    const caller = {
      key: principal.key,
      type: principal.kind,
      roleId: principal.kind === 'api-key' ? principal.row.role_id : '',
    };
    if (!assumeRoleAllows(role.assume_role_policy as Parameters<typeof assumeRoleAllows>[0], caller)) {
      throw catalogue.error('forbidden', { message: `API key ${principal.key} is not allowed to assume IAM Role ${id}` });
    }
    const max = role.max_session_ttl ?? DEFAULT_MAX_SESSION_TTL;
    if (body.ttl > max) {
      throw catalogue.error('bad_request', { message: `Invalid request: ttl ${body.ttl} exceeds the max-session-ttl of IAM Role ${id} (${max} seconds)` });
    }
    const now = this.ctx.clock.now();
    const expiresAt = now + body.ttl * 1000;
    if (expiresAt > MAX_DATE_MS) throw catalogue.error('bad_request', { message: `Invalid request: ttl ${body.ttl} is too large` });
    const row = {
      namespace,
      key: exoscaleIds.key(this.ctx.ids),
      secret: exoscaleIds.secret(this.ctx.ids),
      name: `assume-${role.name}`,
      role_id: role.id,
      created_at: now,
      expires_at: expiresAt,
      assumed_by: principal.key,
    };
    this.store.insertApiKey(row);
    const orgId = this.store.organization(namespace)?.id ?? DEFAULT_ORGANIZATION_ID;
    return { key: row.key, name: row.name, 'org-id': orgId, 'role-id': row.role_id, secret: row.secret, 'expires-at': new Date(expiresAt).toISOString() };
  }

  deleteApiKey(namespace: string, key: string, outcomeName: string | undefined): Operation {
    const outcome = this.outcome(outcomeName);
    return this.store.transaction(() => {
      const row = this.activeApiKey(namespace, key);
      if (this.removalState(namespace, row.deleted_at, row.delete_operation_id) === 'pending') {
        throw catalogue.error('conflict', { message: `API key ${key} is already being deleted` });
      }
      const op = this.startOperation(namespace, outcome, { link: `/v2/api-key/${key}`, command: 'get-api-key' });
      this.store.setApiKeyDeleteOperation(namespace, key, op.id);
      return this.started(namespace, op);
    });
  }
}

/** Loads one fixture section into a namespace. */
export function seedExoscale(ctx: VendorContext, namespace: string, section: ExoscaleFixture): Record<string, number> {
  // Parsed again: documents handed to the runtime directly (tests) have not been through the schema.
  const data = exoscaleFixture.parse(section);
  const store = exoscaleStore(ctx.db);
  const now = ctx.clock.now();
  // A namespace holds one organization: a section that names one replaces it and everything under it.
  if (data.organization) store.deleteOrganization(namespace);
  const org = data.organization ?? store.organization(namespace) ?? { id: DEFAULT_ORGANIZATION_ID, name: 'emulator' };
  store.upsertOrganization({ namespace, id: org.id, name: org.name, requests_per_minute: data['requests-per-minute'] });
  for (const known of data['known-operations']) store.upsertKnownOperation(namespace, known.operation, known.tags);
  for (const role of data['iam-roles']) {
    store.insertRole({
      namespace,
      id: role.id,
      name: role.name,
      description: role.description ?? null,
      permissions: role.permissions,
      labels: role.labels,
      editable: role.editable,
      policy: role.policy ?? DENY_ALL,
      assume_role_policy: role['assume-role-policy'] ?? null,
      max_session_ttl: role['max-session-ttl'] ?? null,
      created_at: now,
    });
  }
  for (const key of data['access-keys']) {
    store.insertAccessKey({
      namespace,
      key: key.key,
      secret: key.secret,
      name: key.name,
      version: key.version,
      tags: key.tags ?? null,
      operations: key.operations ?? null,
      resources: key.resources ?? null,
      created_by: null,
      created_at: now,
      revoke_operation_id: null,
      revoked_at: key.revoked ? now : null,
    });
  }
  for (const key of data['api-keys']) {
    store.insertApiKey({ namespace, key: key.key, secret: key.secret, name: key.name, role_id: key['role-id'], created_at: now });
  }
  return {
    'access-keys': data['access-keys'].length,
    'api-keys': data['api-keys'].length,
    'iam-roles': data['iam-roles'].length,
    'known-operations': data['known-operations'].length,
  };
}
