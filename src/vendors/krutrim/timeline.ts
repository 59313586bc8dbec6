import { expired, pendingExpiry, type EntityState } from '../../core/timeline.js';
import type { VendorContext } from '../../core/vendor.js';
import { krutrimStore } from './store.js';

/** Access keys with their status, and sessions until they expire or are deactivated. */
export function krutrimTimeline(ctx: VendorContext, namespace: string, limit: number): EntityState[] {
  const store = krutrimStore(ctx.db);
  const keys: EntityState[] = store.accessKeysRecent.all({ namespace, limit }).map((k) => ({ table: 'krutrim_access_keys', id: k.access_key, label: k.key_name, state: k.status }));
  const sessions: EntityState[] = store.sessionsRecent.all({ namespace, limit }).map((s) => {
    const state = s.deactivated_at !== null ? 'deactivated' : expired(ctx, s.expires_at) ? 'expired' : 'active';
    return { table: 'krutrim_sessions', id: s.session_id, label: s.access_key, state, next: state === 'active' ? pendingExpiry(ctx, s.expires_at, s.created_at) : undefined };
  });
  return [...keys, ...sessions];
}
