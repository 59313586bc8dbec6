import { buildApp } from '../app.js';
import { loadConfig } from '../config.js';
import { vendorOpenApi } from '../http/openapi.js';
import { createRuntime } from '../runtime.js';

/** Every vendor's OpenAPI document as the code generates it, serialised as committed in openapi/. */
export async function generateOpenApiDocuments(): Promise<Record<string, string>> {
  const runtime = createRuntime(loadConfig({ SEED: 'none', LOG_LEVEL: 'silent' }));
  const app = await buildApp(runtime);
  try {
    await app.ready();
    return Object.fromEntries(runtime.vendors.map((v) => [v.id, JSON.stringify(vendorOpenApi(app, v), null, 2) + '\n']));
  } finally {
    await app.close();
    runtime.close();
  }
}
