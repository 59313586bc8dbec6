import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../src/core/package-info.js';
import { SCHEMA_FILE, schemaSnapshot } from '../src/db/schema.js';

/** `npm run db:schema`: writes src/db/schema.sql, the schema the migrations add up to. */
writeFileSync(join(PACKAGE_ROOT, SCHEMA_FILE), schemaSnapshot());
console.log(SCHEMA_FILE);
