import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VENDOR_IDS } from '../../src/config.js';
import { parseFixtureDocument, readFixtureFile } from '../../src/core/fixtures.js';
import { PACKAGE_ROOT } from '../../src/core/package-info.js';
import { fixtureJsonSchemaText } from '../../src/tools/fixture-schema.js';
import { VENDORS } from '../../src/vendors/index.js';
import { generateFixture, SECTION_GENERATORS } from '../../scripts/fixture-generators.js';
import { CHILD_TEST_TIMEOUT_MS, spawnChild } from '../helpers/child.js';
import { katapultService } from '../../src/vendors/katapult/service.js';
import { buildTestApp, TEST_EPOCH, type TestApp } from '../helpers/build-app.js';
import { sign as exoscaleSign } from '../vendors/exoscale/signer.js';
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
  it('has a generator for every vendor, and its output loads through the fixture validation', () => {
    expect(Object.keys(SECTION_GENERATORS).sort()).toEqual([...VENDOR_IDS].sort());
    const { document, keys, missing } = generateFixture({ keys: 1000, seed: 'test' });
    expect(() => parseFixtureDocument(document, 'generated', allVendors)).not.toThrow();
    expect(missing).toEqual([]);
    // --keys is the total, spread evenly over the vendors.
    expect(keys).toEqual(Object.fromEntries(VENDOR_IDS.map((v) => [v, 200])));
    // Deterministic: the same seed gives the same document; another seed, other keys.
    expect(JSON.stringify(generateFixture({ keys: 1000, seed: 'test' }).document)).toBe(JSON.stringify(document));
    expect(JSON.stringify(generateFixture({ keys: 1000, seed: 'other' }).document)).not.toBe(JSON.stringify(document));
    // One vendor asked for: it gets them all.
    expect(generateFixture({ keys: 7, vendors: ['ibm'] }).keys).toEqual({ ibm: 7 });
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
      const result = spawnChild(process.execPath, ['--import', 'tsx', join(PACKAGE_ROOT, 'scripts', 'generate-fixture.ts'), '--keys', '500', '--out', out], { cwd: PACKAGE_ROOT });
      expect(result.status, result.stderr).toBe(0);
      expect(result.stdout).toContain(`wrote ${out}`);
      const doc = readFixtureFile(out, allVendors);
      expect(doc.$schema).toMatch(/fixtures\/fixture\.schema\.json$/);
      const bad = spawnChild(process.execPath, ['--import', 'tsx', join(PACKAGE_ROOT, 'scripts', 'generate-fixture.ts'), '--keys', 'lots'], { cwd: PACKAGE_ROOT });
      expect(bad.status).toBe(2);
      expect(bad.stderr).toMatch(/usage: npm run fixtures:generate/);
      // --help says what --keys means, as docs/fixtures.md does.
      const help = spawnChild(process.execPath, ['--import', 'tsx', join(PACKAGE_ROOT, 'scripts', 'generate-fixture.ts'), '--help'], { cwd: PACKAGE_ROOT });
      expect(help.status).toBe(0);
      expect(help.stdout).toMatch(/--keys <n> +access keys in all: spread evenly over the vendors/);
      expect(readFileSync(join(PACKAGE_ROOT, 'docs', 'fixtures.md'), 'utf8')).toMatch(/`--keys` is the \*\*total\*\*: the keys are spread evenly over the vendors/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, CHILD_TEST_TIMEOUT_MS);
});

/** Where each vendor keeps its access keys, and how one generated key of a section is used. */
const GENERATED_KEYS: Record<string, { table: string; keysOf(section: any): any[]; use(t: TestApp, key: any, ns: string): Promise<void> }> = {
  katapult: {
    table: 'katapult_access_keys',
    keysOf: (section) => section.organizations.flatMap((o: any) => (o.object_storage_accounts ?? []).flatMap((a: any) => a.access_keys ?? [])),
    async use(t, key, ns) {
      const res = await t.app.inject({ method: 'GET', url: `/ns/${ns}/katapult/core/v1/object_storage/access_keys/access_key?access_key[id]=${key.id}`, headers: { authorization: 'Bearer katapult-test-token' } });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json().object_storage_access_key).toMatchObject({ id: key.id, name: key.name, state: 'configured', s3_access_key_id: key.s3_access_key_id });
      // Its S3 credentials verify (what an S3 client signing with them relies on).
      expect(katapultService(t.runtime.ctx).verifyCredentials(ns, key.s3_access_key_id, key.s3_secret_access_key)).toBe(true);
      expect(katapultService(t.runtime.ctx).verifyCredentials(ns, key.s3_access_key_id, `${key.s3_secret_access_key}x`)).toBe(false);
    },
  },
  ionos: {
    table: 'ionos_accesskeys',
    keysOf: (section) => section.accesskeys,
    async use(t, key, ns) {
      for (const authorization of ['Bearer ionos-test-token', `Basic ${Buffer.from('test@example.com:test').toString('base64')}`]) {
        const res = await t.app.inject({ method: 'GET', url: `/ns/${ns}/ionos/accesskeys/${key.id}`, headers: { authorization } });
        expect(res.statusCode, res.body).toBe(200);
        expect(res.json()).toMatchObject({ id: key.id, metadata: { status: 'AVAILABLE' }, properties: { accessKey: key.accessKey, description: key.description } });
      }
    },
  },
  exoscale: {
    table: 'exoscale_access_keys',
    keysOf: (section) => section['access-keys'],
    async use(t, key, ns) {
      // The generated key signs a request itself.
      const url = `/ns/${ns}/exoscale/v2/access-key/${key.key}`;
      const authorization = exoscaleSign({ key: key.key, secret: key.secret, method: 'GET', url, expires: TEST_EPOCH / 1000 + 600 });
      const res = await t.app.inject({ method: 'GET', url, headers: { authorization } });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toMatchObject({ key: key.key, name: key.name, type: 'unrestricted' });
      const wrong = exoscaleSign({ key: key.key, secret: `${key.secret}x`, method: 'GET', url, expires: TEST_EPOCH / 1000 + 600 });
      expect((await t.app.inject({ method: 'GET', url, headers: { authorization: wrong } })).statusCode).toBe(403);
    },
  },
  ibm: {
    table: 'ibm_credentials',
    keysOf: (section) => section.credentials,
    async use(t, key, ns) {
      const res = await t.app.inject({ method: 'GET', url: `/ns/${ns}/ibm/credentials/${key.access}`, headers: { authorization: `Basic ${Buffer.from('admin:password').toString('base64')}` } });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json().credential).toMatchObject({ id: key.access, blob: { access: key.access, secret: key.secret, status: 'Active' }, project_id: key.project_id, user_id: key.user_id });
    },
  },
  krutrim: {
    table: 'krutrim_access_keys',
    keysOf: (section) => section.accessKeys,
    async use(t, key, ns) {
      // The generated access key and secret open a session.
      const res = await t.app.inject({ method: 'POST', url: `/ns/${ns}/krutrim/kos/v1/sessions/activate`, headers: { authorization: 'Bearer krutrim-test-key' }, payload: { accessKey: key.accessKey, secretKey: key.secretKey } });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toMatchObject({ sessionToken: expect.any(String), refreshToken: expect.any(String) });
      const wrong = await t.app.inject({ method: 'POST', url: `/ns/${ns}/krutrim/kos/v1/sessions/activate`, headers: { authorization: 'Bearer krutrim-test-key' }, payload: { accessKey: key.accessKey, secretKey: `${key.secretKey}x` } });
      expect(wrong.statusCode).toBe(401);
    },
  },
};

describe('fixtures:generate, per vendor: the generated world loads and its keys work', () => {
  const PER_VENDOR = 40;
  const { document, keys } = generateFixture({ keys: PER_VENDOR * VENDOR_IDS.length, seed: 'per-vendor' });
  let seeded: TestApp; // SEED=<generated file>: every namespace starts with it
  let posted: TestApp; // SEED=none, then POST /_emulator/fixtures
  beforeAll(async () => {
    seeded = await buildTestApp({ fixtures: [parseFixtureDocument(JSON.parse(JSON.stringify(document)), 'generated', allVendors)] });
    posted = await buildTestApp({ fixtures: [] });
  });
  afterAll(async () => {
    await seeded?.close();
    await posted?.close();
  });

  it('POST /_emulator/fixtures loads the whole document, with the counts asked for', async () => {
    const res = await posted.app.inject({ method: 'POST', url: '/_emulator/fixtures?namespace=gen', payload: document });
    expect(res.statusCode, res.body).toBe(200);
    const loaded = res.json().loaded as Record<string, Record<string, number>>;
    expect(Object.keys(loaded).sort()).toEqual([...VENDOR_IDS].sort());
    expect(loaded.katapult!.access_keys).toBe(PER_VENDOR);
    expect(loaded.ionos!.accesskeys).toBe(PER_VENDOR);
    expect(loaded.exoscale!['access-keys']).toBe(PER_VENDOR);
    expect(loaded.ibm!.credentials).toBe(PER_VENDOR);
    expect(loaded.krutrim!.accessKeys).toBe(PER_VENDOR);
  });

  it.each(VENDOR_IDS)('%s: the section holds the keys asked for, the state dump shows them, the README credentials and a generated key work', async (vendor) => {
    const spec = GENERATED_KEYS[vendor]!;
    const section = document[vendor] as Record<string, unknown>;
    expect(keys[vendor]).toBe(PER_VENDOR);
    const generated = spec.keysOf(section);
    expect(generated).toHaveLength(PER_VENDOR);
    // Its own fixture schema accepts it (alone, too).
    expect(() => parseFixtureDocument({ [vendor]: section }, vendor, allVendors)).not.toThrow();
    // The default tenants and credentials of fixtures/default.json are kept (README "Default credentials").
    // (Exoscale's well-known EXO…001 is a sample access key, replaced; its API keys and roles stay.)
    const kept = vendor === 'exoscale' ? ['EXO0000000000000000000000a1', 'emulator-apikey-secret-do-not-use-in-pr00a1', '7b0c1a52-5f3e-4e1c-9a21-000000000001'] : WELL_KNOWN[vendor]!;
    for (const value of kept) expect(JSON.stringify(section), `${vendor}: ${value}`).toContain(JSON.stringify(value));
    for (const [t, ns] of [[seeded, 'default'], [seeded, 'another'], [posted, 'gen']] as const) {
      await spec.use(t, generated[0], ns);
      await spec.use(t, generated.at(-1), ns);
      const state = (await t.app.inject({ method: 'GET', url: `/_emulator/state?vendor=${vendor}&namespace=${ns}` })).json() as { namespaces: Record<string, Record<string, Record<string, unknown[]>>> };
      expect(state.namespaces[ns]![vendor]![spec.table], `${vendor} ${ns}: ${spec.table}`).toHaveLength(PER_VENDOR);
    }
  });
});
