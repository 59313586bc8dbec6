import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { VendorId } from '../src/config.js';
import { createIdSource, type IdSource } from '../src/core/ids.js';
import { PACKAGE_ROOT } from '../src/core/package-info.js';
import { exoscaleIds } from '../src/vendors/exoscale/ids.js';
import { ibmIds } from '../src/vendors/ibm/ids.js';
import { ionosIds } from '../src/vendors/ionos/ids.js';
import { katapultIds } from '../src/vendors/katapult/ids.js';
import { krutrimIds } from '../src/vendors/krutrim/ids.js';

/**
 * Large fixture worlds (`npm run fixtures:generate -- --keys 100000 --out big.json`).
 *
 * One entry per vendor: given how many access keys that vendor's section should hold, return the
 * section (the same shape as that vendor's part of fixtures/default.json, validated by its fixture
 * schema). An entry left `undefined` means "no generator yet": the section is left out and the
 * command says so. test/packaging/fixtures.test.ts loads the output through the emulator's own
 * fixture validation and into an emulator.
 *
 * Each section is the vendor's section of fixtures/default.json (its well-known credentials,
 * tenants, regions, roles: README "Default credentials") with that file's few sample keys replaced
 * by `keys` generated ones, all under the default tenant, all usable: where the vendor's fixture
 * carries a key's credentials (Katapult's S3 id and secret, Exoscale's key and secret, IBM's
 * access/secret, Krutrim's access/secret key) they are generated too and written to the file.
 * So `SEED=big.json` alone is a complete world, and the README's credentials work in it.
 */
export interface GeneratorContext {
  /** How many access keys this vendor's section should hold. */
  keys: number;
  /** Deterministic ids and secrets: the same --seed gives the same document. */
  ids: IdSource;
  /** A fixed creation time for generated records (ISO 8601), so the output is reproducible. */
  createdAt: string;
}

export type SectionGenerator = (ctx: GeneratorContext) => unknown;

type Json = Record<string, unknown>;

let defaultWorld: Json | undefined;
/** A fresh copy of fixtures/default.json's section of `vendor` (read once). */
function defaultSection(vendor: VendorId): Json {
  defaultWorld ??= JSON.parse(readFileSync(join(PACKAGE_ROOT, 'fixtures', 'default.json'), 'utf8')) as Json;
  return structuredClone((defaultWorld[vendor] ?? {}) as Json);
}

/** `count` values of `make()`, all different (random ids are drawn again on the rare collision). */
function distinct(count: number, make: () => string, taken: Iterable<string> = []): string[] {
  const seen = new Set<string>(taken);
  const out: string[] = [];
  while (out.length < count) {
    const value = make();
    if (seen.has(value)) continue;
    seen.add(value);
    out.push(value);
  }
  return out;
}

/** The tenants of fixtures/default.json the generated keys belong to (README "Default credentials"). */
export const WELL_KNOWN = {
  katapult: { organization: 'org_EMULATOR00000001' },
  ionos: { userId: '87f9a82e-b28d-49ed-9d04-fba2c0459cd3' },
  ibm: { storageAccount: '731fc6f265cd486d900f16e84c5cb594', user: 'bb5476fd12884539b41d5a88f838d773' },
  krutrim: { accountId: '1000000001', region: 'In-Bangalore-1' },
} as const;

const seq = (i: number) => String(i + 1).padStart(6, '0');

/** Katapult: the keys go into the `emulator` organization's provisioned account, configured, with S3 credentials. */
const katapult: SectionGenerator = ({ keys, ids, createdAt }) => {
  const section = defaultSection('katapult');
  const gen = katapultIds(ids);
  const orgs = section.organizations as Array<{ id: string; object_storage_accounts?: Json[] }>;
  const account = orgs.find((o) => o.id === WELL_KNOWN.katapult.organization)?.object_storage_accounts?.find((a) => (a.provisioning_state ?? 'provisioned') === 'provisioned');
  if (!account) throw new Error(`fixtures/default.json: katapult has no provisioned account in ${WELL_KNOWN.katapult.organization}`);
  for (const org of orgs) for (const acc of org.object_storage_accounts ?? []) {
    acc.access_keys = [];
    // The sample buckets name the sample keys in their ACLs: they go with them.
    for (const bucket of (acc.buckets ?? []) as Array<{ access_control_list?: Json }>) {
      if (bucket.access_control_list) bucket.access_control_list = { ...bucket.access_control_list, read_key_ids: [], write_key_ids: [] };
    }
  }
  const created = Math.floor(Date.parse(createdAt) / 1000);
  const idList = distinct(keys, gen.accessKey);
  const s3Ids = distinct(keys, gen.s3AccessKeyId);
  account.access_keys = idList.map((id, i) => ({
    id,
    name: `generated-key-${seq(i)}`,
    created_at: created,
    state: 'configured',
    s3_access_key_id: s3Ids[i],
    s3_secret_access_key: gen.s3Secret(),
  }));
  return section;
};

/** IONOS: AVAILABLE keys of the well-known user (the emulator draws their secrets when it seeds them). */
const ionos: SectionGenerator = ({ keys, ids }) => {
  const section = defaultSection('ionos');
  const gen = ionosIds(ids);
  const keyIds = distinct(keys, gen.accessKeyId);
  const accessKeys = distinct(keys, gen.accessKey);
  section.accesskeys = keyIds.map((id, i) => ({
    id,
    userId: WELL_KNOWN.ionos.userId,
    description: `generated key ${seq(i)}`,
    accessKey: accessKeys[i],
    status: 'AVAILABLE',
  }));
  return section;
};

/**
 * Exoscale: unrestricted legacy access keys, each a credential that signs requests. The sample keys
 * of default.json (EXO…001–009) are left out; its API keys (EXO…a1 iam-admin, EXO…a2 read-only),
 * roles and known operations stay.
 */
const exoscale: SectionGenerator = ({ keys, ids }) => {
  const section = defaultSection('exoscale');
  const taken = ((section['api-keys'] ?? []) as Array<{ key: string }>).map((k) => k.key);
  section['access-keys'] = distinct(keys, () => exoscaleIds.key(ids), taken).map((key, i) => ({
    key,
    secret: exoscaleIds.secret(ids),
    name: `generated-key-${seq(i)}`,
  }));
  return section;
};

/** IBM: Active credentials of the well-known user on the well-known storage account. */
const ibm: SectionGenerator = ({ keys, ids }) => {
  const section = defaultSection('ibm');
  section.credentials = distinct(keys, () => ibmIds.accessKey(ids)).map((access) => ({
    access,
    secret: ibmIds.secretKey(ids),
    status: 'Active',
    project_id: WELL_KNOWN.ibm.storageAccount,
    user_id: WELL_KNOWN.ibm.user,
  }));
  return section;
};

/** Krutrim: Active access keys of the well-known account in the default region. */
const krutrim: SectionGenerator = ({ keys, ids, createdAt }) => {
  const section = defaultSection('krutrim');
  const gen = krutrimIds(ids);
  section.accessKeys = distinct(keys, gen.accessKey).map((accessKey, i) => ({
    accessKey,
    secretKey: gen.secretKey(),
    accountId: WELL_KNOWN.krutrim.accountId,
    keyName: `generated-key-${seq(i)}`,
    region: WELL_KNOWN.krutrim.region,
    status: 'Active',
    createdAt,
  }));
  return section;
};

export const SECTION_GENERATORS: Record<VendorId, SectionGenerator | undefined> = { katapult, ionos, exoscale, ibm, krutrim };

export interface GenerateOptions {
  /** Total access keys, spread evenly over the vendors generated. */
  keys: number;
  vendors?: readonly string[];
  seed?: string;
  createdAt?: string;
  generators?: Record<string, SectionGenerator | undefined>;
  /** The document's `$schema` (for editor completion), relative to where it is written. */
  schemaRef?: string;
}

export interface Generated {
  document: Record<string, unknown>;
  /** Keys per vendor section written. */
  keys: Record<string, number>;
  /** Vendors asked for that have no generator yet. */
  missing: string[];
}

export function generateFixture(options: GenerateOptions): Generated {
  const generators: Record<string, SectionGenerator | undefined> = options.generators ?? SECTION_GENERATORS;
  const wanted = options.vendors ?? Object.keys(generators);
  const unknown = wanted.filter((v) => !(v in generators));
  if (unknown.length > 0) throw new Error(`unknown vendor ${unknown.join(', ')}: one of ${Object.keys(generators).join(', ')}`);
  const ready = wanted.filter((v) => generators[v] !== undefined);
  const missing = wanted.filter((v) => generators[v] === undefined);
  const ids = createIdSource(options.seed ?? 'fixtures:generate');
  const createdAt = options.createdAt ?? '2026-01-01T00:00:00.000Z';
  const document: Record<string, unknown> = {
    ...(options.schemaRef !== undefined ? { $schema: options.schemaRef } : {}),
    description: `Generated by npm run fixtures:generate: ${options.keys} access keys over ${ready.join(', ') || 'no vendor'} (seed ${JSON.stringify(options.seed ?? 'fixtures:generate')}).`,
  };
  const keys: Record<string, number> = {};
  ready.forEach((vendor, i) => {
    const share = Math.floor(options.keys / ready.length) + (i < options.keys % ready.length ? 1 : 0);
    document[vendor] = generators[vendor]!({ keys: share, ids, createdAt });
    keys[vendor] = share;
  });
  return { document, keys, missing };
}
