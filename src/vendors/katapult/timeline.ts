import { expired, pendingExpiry, pendingTransition, type EntityState, type TimelineContext } from '../../core/timeline.js';
import type { VendorContext } from '../../core/vendor.js';
import { TRANSITIONS } from './service.js';
import { katapultStore, type AccessKeyRow } from './store.js';

/** API tokens, accounts, access keys, buckets and trash as the API would show them now, with what comes next. */
export function katapultTimeline(ctx: VendorContext, ns: string, limit: number): EntityState[] {
  const store = katapultStore(ctx.db);
  const out: EntityState[] = [];
  for (const t of store.recentTokens.all(ns, limit)) {
    out.push({ table: 'katapult_api_tokens', id: t.name, state: expired(ctx, t.expires_at) ? 'expired' : 'active', next: pendingExpiry(ctx, t.expires_at) });
  }
  for (const a of store.recentAccounts.all(ns, limit)) {
    const next = a.provisioning === 'provisioning' ? pendingTransition(ctx, ns, TRANSITIONS.accountProvisioning, a.id, a.created_at, 'provisioned') : undefined;
    const state = a.trash_id !== null ? 'in trash' : a.provisioning === 'provisioning' && !next ? 'provisioned' : a.provisioning;
    out.push({ table: 'katapult_accounts', id: a.id, label: a.region, state, next });
  }
  for (const k of store.recentKeys.all(ns, limit)) out.push({ table: 'katapult_access_keys', id: k.id, label: k.name, ...keyState(ctx, ns, k) });
  for (const b of store.recentBuckets.all(ns, limit)) {
    const next = pendingTransition(ctx, ns, TRANSITIONS.bucketConfiguring, b.name, b.pending_since, 'configured');
    out.push({ table: 'katapult_buckets', id: b.name, state: next ? 'pending' : 'configured', next });
  }
  for (const t of store.recentTrash.all(ns, limit)) {
    const purge = t.purge_requested_at !== null ? pendingTransition(ctx, ns, TRANSITIONS.trashPurge, t.id, t.purge_requested_at, 'purged') : undefined;
    const keep = pendingExpiry(ctx, t.keep_until * 1000, t.trashed_at, 'purged');
    const next = [purge, keep].filter((n) => n !== undefined).sort((a, b) => (a.dueAtMs ?? Infinity) - (b.dueAtMs ?? Infinity))[0];
    out.push({ table: 'katapult_trash_objects', id: t.id, label: t.object_id, state: t.purge_requested_at !== null ? 'purging' : 'kept', next });
  }
  return out;
}

/** `pending` while provisioning (since create) and then configuring (since generate_credentials or PATCH). */
function keyState(ctx: TimelineContext, ns: string, k: AccessKeyRow): Pick<EntityState, 'state' | 'next'> {
  if (k.settled !== 1) {
    const provisioning = pendingTransition(ctx, ns, TRANSITIONS.keyProvisioning, k.id, k.created_at, k.pending_since === null ? 'configured' : 'provisioned');
    if (provisioning) return { state: 'pending', next: provisioning };
  }
  if (k.pending_since === null) return { state: 'configured' };
  const configuring = pendingTransition(ctx, ns, TRANSITIONS.keyConfiguring, k.id, k.pending_since, 'configured');
  return configuring ? { state: 'pending', next: configuring } : { state: 'configured' };
}
