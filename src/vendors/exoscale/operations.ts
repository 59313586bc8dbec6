import type { IdSource } from '../../core/ids.js';
import type { Transitions } from '../../core/transitions.js';
import { catalogue } from './errors.js';
import { exoscaleIds } from './ids.js';
import { OPERATION_REASONS, type Operation, type OperationReason } from './schemas.js';
import type { ExoscaleStore, OperationOutcome, OperationProgress, OperationRow, StoredAccessKey, StoredApiKey, StoredRole } from './store.js';

/** The one transition: an operation (revoke, delete, role change) goes `pending` → its outcome. */
export const OPERATION_TRANSITION = 'exoscale.operation.completion';

/** An operation outcome a fault rule can ask for (`outcome` on the request that creates the operation). */
export interface Outcome {
  outcome: OperationOutcome;
  reason: OperationReason | null;
  message: string | null;
}

/** The reason a timed-out operation gives unless the rule names one (python-exoscale's `Client.wait` reads `reason` for failure and timeout alike). */
const DEFAULT_TIMEOUT_REASON: OperationReason = 'unknown';

const isReason = (value: string): value is OperationReason => (OPERATION_REASONS as readonly string[]).includes(value);

/**
 * `success` (default); `failure` (reason `fault`); `timeout` (reason `unknown`) or `timeout:<reason>`; or one
 * of the operation reasons (`busy`, `conflict`, `forbidden`, …) for a failure with that reason. Every
 * operation that does not succeed carries a `reason`.
 */
function parseOutcome(value: string | undefined): Outcome | undefined {
  if (value === undefined || value === 'success') return { outcome: 'success', reason: null, message: null };
  if (value === 'failure') return { outcome: 'failure', reason: 'fault', message: 'Operation failed' };
  if (value === 'timeout') return { outcome: 'timeout', reason: DEFAULT_TIMEOUT_REASON, message: 'Operation timed out' };
  const timeoutReason = value.startsWith('timeout:') ? value.slice('timeout:'.length) : undefined;
  if (timeoutReason !== undefined && isReason(timeoutReason)) return { outcome: 'timeout', reason: timeoutReason, message: 'Operation timed out' };
  if (isReason(value)) return { outcome: 'failure', reason: value, message: `Operation failed: ${value}` };
  return undefined;
}

const OUTCOME_NAMES = ['success', 'failure', 'timeout', 'timeout:<reason>', ...OPERATION_REASONS];

/** Where a removal (revoke, delete) stands: none (never started, or its operation failed), pending, or done. */
export type RemovalState = 'none' | 'pending' | 'done';

/** Operations: started by the writes, polled by `GET /operation/{id}`; a removal lands when its operation succeeds. */
export class Operations {
  constructor(private readonly deps: { store: ExoscaleStore; ids: IdSource; transitions: Transitions }) {}

  /** The outcome a fault rule asked for, or a 400 for a name it does not know. */
  outcome(value: string | undefined): Outcome {
    const outcome = parseOutcome(value);
    if (!outcome) throw catalogue.error('bad_request', { message: `Unknown emulator outcome "${value}": use one of ${OUTCOME_NAMES.join(', ')}` });
    return outcome;
  }

  start(namespace: string, outcome: Outcome, reference: { id?: string; link: string; command: string }, now: number): OperationRow {
    const row: Omit<OperationRow, 'completed_at'> = {
      namespace,
      id: exoscaleIds.operation(this.deps.ids),
      created_at: now,
      outcome: outcome.outcome,
      reason: outcome.reason,
      message: outcome.message,
      reference_id: reference.id ?? null,
      reference_link: reference.link,
      reference_command: reference.command,
    };
    this.deps.store.operationInsert(row);
    return { ...row, completed_at: null };
  }

  /** The answer to the write that started `op`. */
  started(op: OperationRow, now: number): Operation {
    return view(op, this.done(op, now));
  }

  /**
   * `GET /operation/{id}`, a read that writes: only a poll counts as a read for a `reads:<n>` policy,
   * and the poll that sees the operation done records its completion, so every later read agrees.
   */
  poll(namespace: string, id: string, now: number): Operation {
    const op = this.deps.store.operationById(namespace, id);
    if (!op) throw catalogue.error('not_found', { message: `Operation ${id} not found` });
    let done = op.completed_at !== null;
    if (!done) {
      done = this.deps.transitions.reached(namespace, OPERATION_TRANSITION, op.id, op.created_at, now);
      if (done) this.deps.store.operationComplete(namespace, op.id, now);
    }
    return view(op, done);
  }

  /** A removal takes effect when its operation succeeds: `removedAt` is set only for a fixture's revoked keys. */
  removal(removedAt: number | null, op: OperationProgress | null, now: number): RemovalState {
    if (removedAt !== null) return 'done';
    if (op === null) return 'none';
    if (!this.done(op, now)) return 'pending';
    return op.outcome === 'success' ? 'done' : 'none';
  }

  accessKeyGone(key: StoredAccessKey, now: number): boolean {
    return this.removal(key.revoked_at, key.revoke_operation, now) === 'done';
  }

  /** Deleted, or (a key from assume-iam-role) past its `expires-at` on the emulator clock. */
  apiKeyGone(key: StoredApiKey, now: number): boolean {
    if (key.expires_at !== null && now >= key.expires_at) return true;
    return this.removal(key.deleted_at, key.delete_operation, now) === 'done';
  }

  roleGone(role: StoredRole, now: number): boolean {
    return this.removal(role.deleted_at, role.delete_operation, now) === 'done';
  }

  /** Done once a poll recorded it or its delay has elapsed; anything but a poll leaves a `reads:<n>` count alone. */
  private done(op: OperationProgress, now: number): boolean {
    if (op.completed_at !== null) return true;
    const due = this.deps.transitions.dueAt(OPERATION_TRANSITION, op.created_at);
    return due !== undefined && now >= due;
  }
}

function view(op: OperationRow, done: boolean): Operation {
  return {
    id: op.id,
    state: done ? op.outcome : 'pending',
    ...(done && op.reason ? { reason: op.reason } : {}),
    reference: { ...(op.reference_id ? { id: op.reference_id } : {}), link: op.reference_link, command: op.reference_command },
    ...(done && op.message ? { message: op.message } : {}),
  };
}
