import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../src/core/package-info.js';
import { generateOpenApiDocuments } from '../src/tools/openapi-documents.js';

describe('openapi/<vendor>.json', () => {
  it('matches what the route schemas generate (run `npm run openapi` after changing a route)', async () => {
    const docs = await generateOpenApiDocuments();
    for (const [id, text] of Object.entries(docs)) {
      const committed = readFileSync(join(PACKAGE_ROOT, 'openapi', `${id}.json`), 'utf8');
      expect(committed, `openapi/${id}.json is stale: run npm run openapi`).toBe(text);
    }
  });
});
