import type { VendorDefinition } from '../core/vendor.js';
import { exoscale } from './exoscale/index.js';
import { ibm } from './ibm/index.js';
import { ionos } from './ionos/index.js';
import { katapult } from './katapult/index.js';
import { krutrim } from './krutrim/index.js';

const registry = { katapult, ionos, exoscale, ibm, krutrim };

export type VendorId = keyof typeof registry;

/** The registry: the only list of vendors. Each key is that vendor's `id`. */
export const VENDORS: Record<VendorId, VendorDefinition<any>> = registry;

/** Every vendor id, in the registry's order (config's `VENDORS` default, help texts, fixture sections). */
export const VENDOR_IDS = Object.keys(registry) as readonly VendorId[];

export function selectVendors(ids: readonly VendorId[]): VendorDefinition[] {
  return ids.map((id) => VENDORS[id]);
}
