import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../src/core/package-info.js';
import { withConfigTable } from '../src/tools/config-table.js';

/** `npm run docs:config`: regenerates the README's configuration table from src/config.ts. */
const path = join(PACKAGE_ROOT, 'README.md');
writeFileSync(path, withConfigTable(readFileSync(path, 'utf8')));
console.log('README.md: configuration table');
