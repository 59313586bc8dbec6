import { pendingTransition, type EntityState } from '../../core/timeline.js';
import type { VendorContext } from '../../core/vendor.js';
import { TRANSITION_DESTROYING, TRANSITION_PROVISIONING } from './service.js';
import { ionosStore } from './store.js';

const STATUS = { provisioning: 'PROVISIONING', available: 'AVAILABLE', destroying: 'DESTROYING', failed: 'FAILED' } as const;

/** Access keys with their status as the API would show it now (PROVISIONING → AVAILABLE/FAILED, DESTROYING → gone). */
export function ionosTimeline(ctx: VendorContext, namespace: string, limit: number): EntityState[] {
  return ionosStore(ctx.db).keysRecent(namespace, limit).map((k) => {
    const to = k.failMessage !== null ? 'FAILED' : k.phase === 'destroying' ? 'deleted' : 'AVAILABLE';
    const name = k.phase === 'provisioning' ? TRANSITION_PROVISIONING : k.phase === 'destroying' ? TRANSITION_DESTROYING : undefined;
    const next = name !== undefined ? pendingTransition(ctx, namespace, name, k.id, k.phaseSince, to) : undefined;
    return { table: 'ionos_accesskeys', id: k.id, label: k.description, state: name !== undefined && !next ? to : STATUS[k.phase], next };
  });
}
