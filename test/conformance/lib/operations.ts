import { NOT_IMPLEMENTED, notImplemented } from './decisions.js';
import { emulatorDocument, emulatorOperations, type SpecOperation, type Vendor, type VendorSpecs } from './specs.js';

/** Differences between a documented operation and the emulator's, as readable strings. */
export function operationMismatches(vendor: Vendor, specs: VendorSpecs): string[] {
  const emulator = new Map(emulatorOperations(emulatorDocument(vendor)).map((o) => [o.key, o]));
  const problems: string[] = [];
  for (const op of specs.operations[vendor]) {
    const skip = notImplemented(vendor, op.key);
    const mine = emulator.get(op.key);
    if (skip) {
      if (mine) problems.push(`${op.key}: listed as not implemented (${skip.reason}) but openapi/${vendor}.json has it; remove the entry`);
      continue;
    }
    if (!mine) {
      problems.push(`${op.key} (${op.operationId}): missing from openapi/${vendor}.json`);
      continue;
    }
    if (mine.requiredQuery.join(',') !== op.requiredQuery.join(',')) {
      problems.push(`${op.key}: required query parameters [${mine.requiredQuery}] differ from the vendor's [${op.requiredQuery}]`);
    }
    if (mine.requiredBody !== undefined && op.requiredBody !== undefined && mine.requiredBody.join(',') !== op.requiredBody.join(',')) {
      problems.push(`${op.key}: required body properties [${mine.requiredBody}] differ from the vendor's [${op.requiredBody}]`);
    }
  }
  for (const entry of NOT_IMPLEMENTED.filter((n) => n.vendor === vendor)) {
    if (!specs.operations[vendor].some((o) => o.key === entry.op)) problems.push(`NOT_IMPLEMENTED lists ${entry.op}, which the vendor's documents do not have`);
  }
  return problems;
}

/** The documented operations the emulator implements (in its generated document). */
export function implementedOperations(vendor: Vendor, specs: VendorSpecs): SpecOperation[] {
  const keys = new Set(emulatorOperations(emulatorDocument(vendor)).map((o) => o.key));
  return specs.operations[vendor].filter((o) => keys.has(o.key));
}

