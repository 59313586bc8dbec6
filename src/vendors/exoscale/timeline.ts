import { expired, pendingExpiry, pendingTransition, type EntityState, type NextTransition } from '../../core/timeline.js';
import type { VendorContext } from '../../core/vendor.js';
import { OPERATION_TRANSITION } from './operations.js';
import { exoscaleStore, type OperationProgress } from './store.js';

/** Access keys, API keys and operations as the API would show them now; a revoke or delete lands with its operation. */
export function exoscaleTimeline(ctx: VendorContext, namespace: string, limit: number): EntityState[] {
  const store = exoscaleStore(ctx.db);
  const pending = (op: OperationProgress, to: string): NextTransition | undefined =>
    op.completed_at === null ? pendingTransition(ctx, namespace, OPERATION_TRANSITION, op.id, op.created_at, to) : undefined;
  /** A removal's state: [state, next] from its operation (none, in progress, done or failed). */
  const removal = (removedAt: number | null, op: OperationProgress | null, gone: string, removing: string): Pick<EntityState, 'state' | 'next'> | undefined => {
    if (removedAt !== null) return { state: gone };
    if (!op) return undefined;
    const next = pending(op, op.outcome === 'success' ? gone : 'active');
    if (next) return { state: removing, next };
    return op.outcome === 'success' ? { state: gone } : undefined;
  };
  const out: EntityState[] = [];
  for (const k of store.accessKeysRecent(namespace, limit)) {
    out.push({ table: 'exoscale_access_keys', id: k.key, label: k.name, ...(removal(k.revoked_at, k.revoke_operation, 'revoked', 'revoking') ?? { state: 'active' }) });
  }
  for (const k of store.apiKeysRecent(namespace, limit)) {
    const removed = removal(k.deleted_at, k.delete_operation, 'deleted', 'deleting');
    const state = removed ?? (expired(ctx, k.expires_at) ? { state: 'expired' } : { state: 'active', next: pendingExpiry(ctx, k.expires_at, k.created_at) });
    out.push({ table: 'exoscale_api_keys', id: k.key, label: k.name, ...state });
  }
  for (const op of store.operationsRecent(namespace, limit)) {
    const next = pending(op, op.outcome);
    out.push({ table: 'exoscale_operations', id: op.id, label: op.reference_command, state: next ? 'pending' : op.outcome, next });
  }
  return out;
}
