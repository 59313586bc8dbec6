import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { VendorDefinition } from './vendor.js';

/**
 * A fixture document: one optional section per vendor, each validated by that vendor's schema.
 * A bad document is refused whole, with the file and the JSON path of the first fault.
 */
export type FixtureDocument = Record<string, unknown>;

export class FixtureError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FixtureError';
  }
}

export function fixtureDocumentSchema(vendors: readonly VendorDefinition[]) {
  const shape: Record<string, z.ZodType> = {
    $schema: z.string().optional(),
    description: z.string().optional(),
  };
  for (const vendor of vendors) shape[vendor.id] = vendor.fixture.schema.optional();
  return z.object(shape).strict();
}

function jsonPath(path: ReadonlyArray<PropertyKey>): string {
  return '$' + path.map((p) => (typeof p === 'number' ? `[${p}]` : /^[A-Za-z_$][\w$]*$/.test(String(p)) ? `.${String(p)}` : `[${JSON.stringify(String(p))}]`)).join('');
}

/**
 * Validates a parsed document; `source` names it in errors (a file path, or "request body").
 * `knownSections` are the vendor ids a document may name (the registry's): a section for one that is
 * not served is accepted and ignored, so one fixture file serves any --vendors.
 */
export function parseFixtureDocument(value: unknown, source: string, vendors: readonly VendorDefinition[], knownSections: readonly string[] = []): FixtureDocument {
  const served = new Set(vendors.map((v) => v.id));
  const known = new Set(knownSections);
  const knownElsewhere = (key: string) => !served.has(key) && typeof value === 'object' && value !== null && known.has(key);
  const input = typeof value === 'object' && value !== null && !Array.isArray(value)
    ? Object.fromEntries(Object.entries(value).filter(([k]) => !knownElsewhere(k)))
    : value;
  const result = fixtureDocumentSchema(vendors).safeParse(input);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const keys = issue.code === 'unrecognized_keys' ? ` (${issue.keys.join(', ')})` : '';
    throw new FixtureError(`${source}: ${jsonPath(issue.path)}: ${issue.message}${keys}`);
  }
  return result.data as FixtureDocument;
}

export function readFixtureFile(path: string, vendors: readonly VendorDefinition[], knownSections: readonly string[] = []): FixtureDocument {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new FixtureError(`${path}: cannot read the fixture file (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new FixtureError(`${path}: not valid JSON (${(err as Error).message})`);
  }
  return parseFixtureDocument(value, path, vendors, knownSections);
}
