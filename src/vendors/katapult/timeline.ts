import { expired, pendingExpiry, pendingTransition, type EntityState, type TimelineContext } from '../../core/timeline.js';
import type { VendorContext } from '../../core/vendor.js';
import { TRANSITIONS } from './service.js';
import { katapultStore, type AccessKey } from './store.js';

/** API tokens, accounts, access keys, buckets and trash as the API would show them now, with what comes next. */
export function katapultTimeline(ctx: VendorContext, namespace: string, limit: number): EntityState[] {
  const store = katapultStore(ctx.db);
  const out: EntityState[] = [];
  for (const t of store.tokensRecent.all({ namespace, limit })) {
    out.push({ table: 'katapult_api_tokens', id: t.name, state: expired(ctx, t.expiresAt) ? 'expired' : 'active', next: pendingExpiry(ctx, t.expiresAt) });
  }
  for (const a of store.accountsRecent.all({ namespace, limit })) {
    const next = a.provisioning === 'provisioning' ? pendingTransition(ctx, namespace, TRANSITIONS.accountProvisioning, a.id, a.createdAt, 'provisioned') : undefined;
    const state = a.trashId !== null ? 'in trash' : a.provisioning === 'provisioning' && !next ? 'provisioned' : a.provisioning;
    out.push({ table: 'katapult_accounts', id: a.id, label: a.region, state, next });
  }
  for (const k of store.keysRecent.all({ namespace, limit })) out.push({ table: 'katapult_access_keys', id: k.id, label: k.name, ...keyState(ctx, namespace, k) });
  for (const b of store.bucketsRecent.all({ namespace, limit })) {
    const next = pendingTransition(ctx, namespace, TRANSITIONS.bucketConfiguring, b.name, b.pendingSince, 'configured');
    out.push({ table: 'katapult_buckets', id: b.name, state: next ? 'pending' : 'configured', next });
  }
  for (const t of store.trashRecent.all({ namespace, limit })) {
    const purge = t.purgeRequestedAt !== null ? pendingTransition(ctx, namespace, TRANSITIONS.trashPurge, t.id, t.purgeRequestedAt, 'purged') : undefined;
    const keep = pendingExpiry(ctx, t.keepUntil * 1000, t.trashedAt, 'purged');
    const next = [purge, keep].filter((n) => n !== undefined).sort((a, b) => (a.dueAtMs ?? Infinity) - (b.dueAtMs ?? Infinity))[0];
    out.push({ table: 'katapult_trash_objects', id: t.id, label: t.objectId, state: t.purgeRequestedAt !== null ? 'purging' : 'kept', next });
  }
  return out;
}

/** `pending` while provisioning (since create) and then configuring (since generate_credentials or PATCH). */
function keyState(ctx: TimelineContext, namespace: string, k: AccessKey): Pick<EntityState, 'state' | 'next'> {
  if (!k.settled) {
    const provisioning = pendingTransition(ctx, namespace, TRANSITIONS.keyProvisioning, k.id, k.createdAt, k.pendingSince === null ? 'configured' : 'provisioned');
    if (provisioning) return { state: 'pending', next: provisioning };
  }
  if (k.pendingSince === null) return { state: 'configured' };
  const configuring = pendingTransition(ctx, namespace, TRANSITIONS.keyConfiguring, k.id, k.pendingSince, 'configured');
  return configuring ? { state: 'pending', next: configuring } : { state: 'configured' };
}
