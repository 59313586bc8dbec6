import type { VendorDefinition } from '../core/vendor.js';
import { registerVendors, VENDOR_IDS, type VendorId } from '../registry.js';
import { exoscale } from './exoscale/index.js';
import { ibm } from './ibm/index.js';
import { ionos } from './ionos/index.js';
import { katapult } from './katapult/index.js';
import { krutrim } from './krutrim/index.js';

export { VENDOR_IDS, type VendorId };

/**
 * Every vendor, imported at once (tools and tests). The running emulator imports only the vendors it
 * serves, through src/registry.ts, the list these keys must match.
 */
export const VENDORS: Record<VendorId, VendorDefinition<any>> = { katapult, ionos, exoscale, ibm, krutrim };
registerVendors(VENDORS);

export function selectVendors(ids: readonly VendorId[]): VendorDefinition[] {
  return ids.map((id) => VENDORS[id]);
}
