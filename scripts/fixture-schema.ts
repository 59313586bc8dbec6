import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../src/core/package-info.js';
import { fixtureJsonSchemaText } from '../src/tools/fixture-schema.js';

/** `npm run fixtures:schema`: writes fixtures/fixture.schema.json from the zod fixture schemas. */
writeFileSync(join(PACKAGE_ROOT, 'fixtures', 'fixture.schema.json'), fixtureJsonSchemaText());
console.log('fixtures/fixture.schema.json');
