import type { VendorDefinition } from './core/vendor.js';

/**
 * The vendors' modules, each imported only when it is served: a vendor module builds its zod schemas
 * and routes when it loads, which start-up pays for every vendor that VENDORS leaves out otherwise.
 * src/vendors/index.ts holds the same vendors imported all at once (tools, tests), typed against this
 * list so the two cannot drift apart.
 */
const MODULES = {
  katapult: async () => (await import('./vendors/katapult/index.js')).katapult,
  ionos: async () => (await import('./vendors/ionos/index.js')).ionos,
  exoscale: async () => (await import('./vendors/exoscale/index.js')).exoscale,
  ibm: async () => (await import('./vendors/ibm/index.js')).ibm,
  krutrim: async () => (await import('./vendors/krutrim/index.js')).krutrim,
} satisfies Record<string, () => Promise<VendorDefinition<any>>>;

export type VendorId = keyof typeof MODULES;

/** Every vendor id, in the registry's order (config's `VENDORS` default, help texts, fixture sections). */
export const VENDOR_IDS = Object.keys(MODULES) as readonly VendorId[];

const loaded = new Map<VendorId, VendorDefinition>();

/** Imports these vendors' modules (once per process) and gives their definitions, in the order asked. */
export async function loadVendors(ids: readonly VendorId[] = VENDOR_IDS): Promise<VendorDefinition[]> {
  for (const id of ids) if (!loaded.has(id)) loaded.set(id, await MODULES[id]());
  return ids.map((id) => loaded.get(id)!);
}

/** The definitions of vendors already loaded (by loadVendors or an import of src/vendors/index.ts). */
export function loadedVendors(ids: readonly VendorId[]): VendorDefinition[] {
  const missing = ids.filter((id) => !loaded.has(id));
  if (missing.length > 0) throw new Error(`vendor modules not loaded: ${missing.join(', ')} (use openRuntime(config), or pass options.vendors, e.g. await loadVendors(config.vendors))`);
  return ids.map((id) => loaded.get(id)!);
}

/** Records definitions imported statically (src/vendors/index.ts), so loadedVendors knows them. */
export function registerVendors(vendors: Record<VendorId, VendorDefinition>): void {
  for (const id of VENDOR_IDS) if (!loaded.has(id)) loaded.set(id, vendors[id]);
}
