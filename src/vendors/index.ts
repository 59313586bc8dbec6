import type { VendorId } from '../config.js';
import { KNOWN_SECTIONS } from '../core/fixtures.js';
import type { VendorDefinition } from '../core/vendor.js';
import { exoscale } from './exoscale/index.js';
import { ibm } from './ibm/index.js';
import { ionos } from './ionos/index.js';
import { katapult } from './katapult/index.js';
import { krutrim } from './krutrim/index.js';

/** The registry: the only list of vendors. */
export const VENDORS: Record<VendorId, VendorDefinition<any>> = { katapult, ionos, exoscale, ibm, krutrim };

for (const id of Object.keys(VENDORS)) KNOWN_SECTIONS.add(id);

export function selectVendors(ids: readonly VendorId[]): VendorDefinition[] {
  return ids.map((id) => VENDORS[id]);
}
