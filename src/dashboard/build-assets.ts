import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BUILT_ASSETS_DIR, bundleDashboard } from './assets.js';

/** `npm run build`, after tsc: bundles the dashboard into dist/src/dashboard/assets (or the folder given). */
const dir = process.argv[2] ?? BUILT_ASSETS_DIR;
const { js, css } = await bundleDashboard();
mkdirSync(dir, { recursive: true });
writeFileSync(join(dir, 'dashboard.js'), js);
writeFileSync(join(dir, 'dashboard.css'), css);
console.log(`dashboard: ${join(dir, 'dashboard.js')} (${js.length} bytes), dashboard.css (${css.length} bytes)`);
