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

/** The document's schema; with `envelopeOnly`, its sections are checked for presence only (parseSteps checks each). */
export function fixtureDocumentSchema(vendors: readonly VendorDefinition[], envelopeOnly = false) {
  const shape: Record<string, z.ZodType> = {
    $schema: z.string().optional(),
    description: z.string().optional(),
  };
  for (const vendor of vendors) shape[vendor.id] = envelopeOnly ? z.unknown().optional() : vendor.fixture.schema.optional();
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
  const steps = parseSteps(value, source, vendors, knownSections);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/** The same, giving the event loop back (`pause`) between vendor sections: a big document takes a while. */
export async function parseFixtureDocumentInSlices(value: unknown, source: string, vendors: readonly VendorDefinition[], knownSections: readonly string[], pause: () => Promise<void>): Promise<FixtureDocument> {
  const steps = parseSteps(value, source, vendors, knownSections);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
    await pause();
  }
}

/** The document's envelope first, then one vendor section per step. */
function* parseSteps(value: unknown, source: string, vendors: readonly VendorDefinition[], knownSections: readonly string[]): Generator<void, FixtureDocument, undefined> {
  const served = new Set(vendors.map((v) => v.id));
  const known = new Set(knownSections);
  const knownElsewhere = (key: string) => !served.has(key) && typeof value === 'object' && value !== null && known.has(key);
  const input = typeof value === 'object' && value !== null && !Array.isArray(value)
    ? Object.fromEntries(Object.entries(value).filter(([k]) => !knownElsewhere(k)))
    : value;
  const envelope = fixtureDocumentSchema(vendors, true).safeParse(input);
  if (!envelope.success) throw fixtureError(source, envelope.error.issues[0]!, []);
  const out: FixtureDocument = { ...(envelope.data as FixtureDocument) };
  for (const vendor of vendors) {
    const section = out[vendor.id];
    if (section === undefined) continue;
    yield;
    const result = vendor.fixture.schema.safeParse(section);
    if (!result.success) throw fixtureError(source, result.error.issues[0]!, [vendor.id]);
    out[vendor.id] = result.data;
  }
  return out;
}

function fixtureError(source: string, issue: z.core.$ZodIssue, prefix: PropertyKey[]): FixtureError {
  const keys = issue.code === 'unrecognized_keys' ? ` (${issue.keys.join(', ')})` : '';
  return new FixtureError(`${source}: ${jsonPath([...prefix, ...issue.path])}: ${issue.message}${keys}`);
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
