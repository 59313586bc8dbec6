import { existsSync, readFileSync } from 'node:fs';
import { join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PACKAGE_ROOT } from '../core/package-info.js';

/** The dashboard's two files: one script (Preact + htm + the page) and one style sheet. */
export interface DashboardAssets {
  js: string;
  css: string;
}

/**
 * Where `npm run build` puts the bundle: dist/src/dashboard/assets. Running from the sources (tsx) this
 * module is not under dist/ and the folder is src/dashboard/assets, which does not exist (so the
 * dashboard is bundled in memory from the current sources). Found from the package root, not from this
 * module's URL: in the command's bundle (src/tools/bundle-cli.ts) this code sits in dist/src/cli/.
 */
const RUNNING_FROM_DIST = fileURLToPath(import.meta.url).startsWith(join(PACKAGE_ROOT, 'dist') + sep);
export const BUILT_ASSETS_DIR = join(PACKAGE_ROOT, RUNNING_FROM_DIST ? 'dist' : '', 'src', 'dashboard', 'assets');
const ENTRY = join(PACKAGE_ROOT, 'src', 'dashboard', 'client', 'main.ts');

/**
 * Bundles the browser code with esbuild (a build-time dependency): `npm run build` writes the result to
 * BUILT_ASSETS_DIR; running from the sources (tsx, the tests) bundles in memory on first use instead.
 */
export async function bundleDashboard(): Promise<DashboardAssets> {
  const esbuild = await import('esbuild');
  const result = await esbuild.build({
    entryPoints: [ENTRY],
    bundle: true,
    minify: true,
    format: 'esm',
    target: ['es2022'],
    outdir: 'out',
    write: false,
    legalComments: 'none',
    logLevel: 'silent',
  });
  const text = (ext: string) => result.outputFiles.find((f) => f.path.endsWith(ext))?.text ?? '';
  return { js: text('.js'), css: text('.css') };
}

let loaded: Promise<DashboardAssets> | undefined;

/** The built assets when present, else an in-memory bundle; read once per process. */
export function dashboardAssets(): Promise<DashboardAssets> {
  loaded ??= existsSync(join(BUILT_ASSETS_DIR, 'dashboard.js'))
    ? Promise.resolve({ js: readFileSync(join(BUILT_ASSETS_DIR, 'dashboard.js'), 'utf8'), css: readFileSync(join(BUILT_ASSETS_DIR, 'dashboard.css'), 'utf8') })
    : bundleDashboard();
  // A failed bundle (esbuild missing in a production install without the build) is retried on the next request.
  loaded.catch(() => (loaded = undefined));
  return loaded;
}
