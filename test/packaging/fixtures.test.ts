import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { VENDOR_IDS } from '../../src/config.js';
import { parseFixtureDocument, readFixtureFile } from '../../src/core/fixtures.js';
import { PACKAGE_ROOT } from '../../src/core/package-info.js';
import { fixtureJsonSchemaText } from '../../src/tools/fixture-schema.js';
import { VENDORS } from '../../src/vendors/index.js';
import { generateFixture, SECTION_GENERATORS } from '../../scripts/fixture-generators.js';
import { buildTestApp } from '../helpers/build-app.js';
import { toyDatabase, toyVendor } from '../helpers/toy-vendor.js';

const FIXTURES = join(PACKAGE_ROOT, 'fixtures');
const allVendors = Object.values(VENDORS);
const fixtureFiles = readdirSync(FIXTURES).filter((f) => f.endsWith('.json') && f !== 'fixture.schema.json');

describe('fixtures/fixture.schema.json', () => {
  it('matches what the zod fixture schemas generate (run `npm run fixtures:schema` after changing one)', () => {
    const committed = readFileSync(join(FIXTURES, 'fixture.schema.json'), 'utf8');
    expect(committed, 'fixtures/fixture.schema.json is stale: run npm run fixtures:schema').toBe(fixtureJsonSchemaText());
  });

  it.each(fixtureFiles)('accepts fixtures/%s, as the emulator does', (file) => {
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    const validate = ajv.compile(JSON.parse(readFileSync(join(FIXTURES, 'fixture.schema.json'), 'utf8')) as object);
    const doc = JSON.parse(readFileSync(join(FIXTURES, file), 'utf8')) as unknown;
    expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
    expect(() => readFixtureFile(join(FIXTURES, file), allVendors)).not.toThrow();
  });

  it('refuses what the emulator refuses: an unknown top-level section', () => {
    const ajv = new Ajv2020({ strict: false });
    const validate = ajv.compile(JSON.parse(readFileSync(join(FIXTURES, 'fixture.schema.json'), 'utf8')) as object);
    expect(validate({ aws: {} })).toBe(false);
    expect(() => parseFixtureDocument({ aws: {} }, 'doc', allVendors)).toThrow(/doc: \$: .*\(aws\)/);
  });
});

/** DESIGN.md §4 / README "Default credentials": what fixtures/default.json must hold, exactly. */
const WELL_KNOWN: Record<string, string[]> = {
  katapult: ['katapult-test-token', 'katapult-readonly-token', 'org_EMULATOR00000001', 'emulator', 'uk-lon-1'],
  ionos: ['ionos-test-token', 'test@example.com', 'test', '11111111', '87f9a82e-b28d-49ed-9d04-fba2c0459cd3'],
  exoscale: ['EXO000000000000000000000001', 'emulator-test-secret-do-not-use-in-prod-000'],
  ibm: ['admin', 'password', '731fc6f265cd486d900f16e84c5cb594', 'bb5476fd12884539b41d5a88f838d773'],
  krutrim: ['krutrim-test-key', '1000000001', 'In-Bangalore-1'],
};

describe('fixtures/default.json', () => {
  const doc = JSON.parse(readFileSync(join(FIXTURES, 'default.json'), 'utf8')) as Record<string, unknown>;
  it('has a section for every vendor', () => {
    expect(Object.keys(doc).filter((k) => k in VENDORS).sort()).toEqual([...VENDOR_IDS].sort());
  });
  it.each(VENDOR_IDS)('holds the well-known %s credentials and tenants of the README', (vendor) => {
    const section = JSON.stringify(doc[vendor] ?? {});
    if (section === '{}') {
      console.warn(`fixtures/default.json: the ${vendor} section is still empty`);
      return;
    }
    for (const value of WELL_KNOWN[vendor]!) expect(section, `${vendor}: ${value}`).toContain(JSON.stringify(value));
  });
});

describe('fixtures/empty.json', () => {
  it('is an empty world', () => {
    const doc = readFixtureFile(join(FIXTURES, 'empty.json'), allVendors);
    expect(Object.keys(doc).filter((k) => (VENDOR_IDS as readonly string[]).includes(k))).toEqual([]);
  });
});

describe('fixtures:generate', () => {
  it('has one generator slot per vendor, and its output (whatever is filled today) loads through the fixture validation', () => {
    expect(Object.keys(SECTION_GENERATORS).sort()).toEqual([...VENDOR_IDS].sort());
    const { document, keys, missing } = generateFixture({ keys: 1000, seed: 'test' });
    expect(() => parseFixtureDocument(document, 'generated', allVendors)).not.toThrow();
    expect(Object.keys(keys).sort()).toEqual(VENDOR_IDS.filter((v) => SECTION_GENERATORS[v] !== undefined).sort());
    expect(missing.sort()).toEqual(VENDOR_IDS.filter((v) => SECTION_GENERATORS[v] === undefined).sort());
    if (missing.length > 0) console.warn(`fixtures:generate has no generator yet for: ${missing.join(', ')} (scripts/fixture-generators.ts)`);
    // Deterministic: the same seed gives the same document.
    expect(JSON.stringify(generateFixture({ keys: 1000, seed: 'test' }).document)).toBe(JSON.stringify(document));
  });

  it('spreads the keys over the vendors and the result seeds a namespace (with a toy vendor)', async () => {
    const generators = {
      toy: ({ keys, ids }: { keys: number; ids: { alphanumeric(n: number): string } }) => ({
        tokens: [{ token: 'toy-token', limit: 1000 }],
        items: Array.from({ length: keys }, (_, i) => ({ id: `item_${i}`, name: `generated ${i}`, secret: ids.alphanumeric(20) })),
      }),
      other: () => ({}),
      later: undefined,
    };
    const { document, keys, missing } = generateFixture({ keys: 2001, generators, vendors: ['toy', 'other', 'later'] });
    expect(keys).toEqual({ toy: 1001, other: 1000 });
    expect(missing).toEqual(['later']);
    const { other: _other, ...toyDocument } = document;
    const parsed = parseFixtureDocument(toyDocument, 'generated', [toyVendor]);
    const t = await buildTestApp({ vendors: [toyVendor], db: toyDatabase(), fixtures: [parsed] });
    try {
      const state = (await t.app.inject({ method: 'GET', url: '/_emulator/state?vendor=toy&namespace=default' })).json() as { namespaces: { default: { toy: { toy_items: unknown[] } } } };
      expect(state.namespaces.default.toy.toy_items).toHaveLength(1001);
    } finally {
      await t.close();
    }
    expect(() => generateFixture({ keys: 1, generators, vendors: ['aws'] })).toThrow(/unknown vendor aws/);
  });

  it('npm run fixtures:generate writes a validated document', () => {
    const dir = mkdtempSync(join(tmpdir(), 'accesskey-generate-'));
    try {
      const out = join(dir, 'big.json');
      const result = spawnSync(process.execPath, ['--import', 'tsx', join(PACKAGE_ROOT, 'scripts', 'generate-fixture.ts'), '--keys', '500', '--out', out], { cwd: PACKAGE_ROOT, encoding: 'utf8', timeout: 60_000 });
      expect(result.status, result.stderr).toBe(0);
      expect(result.stdout).toContain(`wrote ${out}`);
      const doc = readFixtureFile(out, allVendors);
      expect(doc.$schema).toMatch(/fixtures\/fixture\.schema\.json$/);
      const bad = spawnSync(process.execPath, ['--import', 'tsx', join(PACKAGE_ROOT, 'scripts', 'generate-fixture.ts'), '--keys', 'lots'], { cwd: PACKAGE_ROOT, encoding: 'utf8', timeout: 60_000 });
      expect(bad.status).toBe(2);
      expect(bad.stderr).toMatch(/usage: npm run fixtures:generate/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
