import { writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { VENDOR_IDS } from '../src/config.js';
import { PACKAGE_ROOT } from '../src/core/package-info.js';
import { parseFixtureDocument } from '../src/core/fixtures.js';
import { VENDORS } from '../src/vendors/index.js';
import { generateFixture } from './fixture-generators.js';

/**
 * `npm run fixtures:generate -- --keys 100000 --out big.json [--vendors katapult,ionos] [--seed s]`
 * Writes a large fixture world, validated by the emulator's own fixture schemas before it is written.
 * Start the emulator on it with SEED=big.json (or load it with POST /_emulator/fixtures).
 */
const usage = [
  'usage: npm run fixtures:generate -- --keys <n> --out <file> [--vendors katapult,ionos,…] [--seed <string>]',
  '  --keys <n>        access keys in all: spread evenly over the vendors (the first ones get one more when n does not divide)',
  '  --out <file>      where to write the document (JSON, with a $schema for editors)',
  `  --vendors <list>  the vendor sections to write (default: all of ${VENDOR_IDS.join(', ')})`,
  '  --seed <string>   the same seed gives the same document (default: "fixtures:generate")',
  "Each section is fixtures/default.json's tenants and credentials with generated keys in place of its sample keys;",
  'start the emulator on it with SEED=<file>, or load it with POST /_emulator/fixtures.',
].join('\n');
let values;
try {
  ({ values } = parseArgs({ options: { keys: { type: 'string' }, out: { type: 'string' }, vendors: { type: 'string' }, seed: { type: 'string' }, help: { type: 'boolean', short: 'h' } } }));
} catch (err) {
  console.error(`${(err as Error).message}\n${usage}`);
  process.exit(2);
}
if (values.help) {
  console.log(usage);
  process.exit(0);
}
const keys = Number(values.keys);
if (!values.out || !/^\d+$/.test(values.keys ?? '') || keys < 0) {
  console.error(usage);
  process.exit(2);
}
const vendors = values.vendors?.split(',').map((v) => v.trim()).filter(Boolean) ?? [...VENDOR_IDS];

let generated;
try {
  const schemaRef = relative(dirname(resolve(values.out)), join(PACKAGE_ROOT, 'fixtures', 'fixture.schema.json')).split('\\').join('/');
  generated = generateFixture({ keys, vendors, schemaRef: schemaRef.startsWith('.') ? schemaRef : `./${schemaRef}`, ...(values.seed !== undefined ? { seed: values.seed } : {}) });
} catch (err) {
  console.error(`fixtures:generate: ${(err as Error).message}`);
  process.exit(2);
}
parseFixtureDocument(generated.document, values.out, Object.values(VENDORS));
writeFileSync(values.out, JSON.stringify(generated.document) + '\n');
for (const [vendor, n] of Object.entries(generated.keys)) console.log(`${vendor}: ${n} ${n === 1 ? 'key' : 'keys'}`);
if (generated.missing.length > 0) console.warn(`no generator yet for ${generated.missing.join(', ')} (scripts/fixture-generators.ts): left out`);
console.log(`wrote ${values.out}`);
