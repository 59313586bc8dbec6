import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../src/core/package-info.js';
import { generateOpenApiDocuments } from '../src/tools/openapi-documents.js';

/** `npm run openapi`: writes openapi/<vendor>.json from the route schemas. */
const docs = await generateOpenApiDocuments();
mkdirSync(join(PACKAGE_ROOT, 'openapi'), { recursive: true });
for (const [id, text] of Object.entries(docs)) {
  writeFileSync(join(PACKAGE_ROOT, 'openapi', `${id}.json`), text);
  console.log(`openapi/${id}.json`);
}
