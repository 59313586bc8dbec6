import { loadConfig } from '../config.js';
import { buildDocs } from '../http/docs.js';
import { openRuntime } from '../runtime.js';

/** Every vendor's OpenAPI document as the code generates it, serialised as committed in openapi/. */
export async function generateOpenApiDocuments(): Promise<Record<string, string>> {
  const runtime = await openRuntime(loadConfig({ SEED: 'none', LOG_LEVEL: 'silent' }));
  const docs = await buildDocs(runtime);
  try {
    return Object.fromEntries(Object.entries(docs.documents).map(([id, doc]) => [id, JSON.stringify(doc, null, 2) + '\n']));
  } finally {
    await docs.ui.close();
    runtime.close();
  }
}
