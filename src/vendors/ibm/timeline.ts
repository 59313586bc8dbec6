import type { EntityState } from '../../core/timeline.js';
import type { VendorContext } from '../../core/vendor.js';
import { ibmStore } from './store.js';

/** HMAC credentials and their status (Active / Inactive); IBM declares no timed transitions. */
export function ibmTimeline(ctx: VendorContext, namespace: string, limit: number): EntityState[] {
  return ibmStore(ctx.db).credentialsRecent(namespace, limit).map((c) => ({ table: 'ibm_credentials', id: c.access, label: c.userId, state: c.status }));
}
