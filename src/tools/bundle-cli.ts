import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../core/package-info.js';

/**
 * `npm run build`, after tsc: bundles the command (`src/main.ts`) into one `dist/src/main.js` with its
 * lazily imported parts (server, each vendor) as chunks in `dist/src/cli/` (or the folder given).
 *
 * Why: Node loads each module file on its own, and the emulator with its packages is about 460 of
 * them (299 ES modules, 161 CommonJS); the bundle and the packages it leaves out are about 50, and
 * start in about three quarters of the time (BENCHMARKS.md, start-up).
 * The library entry (`dist/src/index.js`, startEmulator) stays tsc's module tree.
 *
 * Left outside the bundle, loaded from node_modules as before: the native better-sqlite3; pino and
 * pino-pretty (pino-pretty runs in a worker thread that pino starts from its own files);
 * @fastify/swagger and @fastify/swagger-ui (they serve files from their package folders);
 * fast-json-stringify (required at run time, src/http/serializer.ts); esbuild (the dashboard's
 * build-time bundler).
 */
const EXTERNAL = ['better-sqlite3', 'pino', 'pino-pretty', '@fastify/swagger', '@fastify/swagger-ui', 'fast-json-stringify', 'esbuild'];

const outdir = process.argv[2] ?? join(PACKAGE_ROOT, 'dist', 'src');
const entry = join(outdir, 'main.js');
const BANNER = "import { createRequire as __bundleRequire } from 'node:module'; const require = __bundleRequire(import.meta.url);";

/** The newest modification time among the files the bundle is made of (the sources and the locked packages). */
function newestInput(): number {
  const files = readdirSync(join(PACKAGE_ROOT, 'src'), { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
  return Math.max(...[...files, join(PACKAGE_ROOT, 'package-lock.json')].filter((f) => existsSync(f)).map((f) => statSync(f).mtimeMs));
}

// `npm start` builds first: on an unchanged tree the bundle is already there (tsc, when it re-emits
// main.js, writes its own module over it, which has no banner).
if (existsSync(entry) && readFileSync(entry, 'utf8').includes(BANNER) && statSync(entry).mtimeMs >= newestInput()) process.exit(0);

const esbuild = await import('esbuild');
rmSync(join(outdir, 'cli'), { recursive: true, force: true });
await esbuild.build({
  entryPoints: { main: join(PACKAGE_ROOT, 'src', 'main.ts') },
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: ['node20'],
  outdir,
  chunkNames: 'cli/[name]-[hash]',
  external: EXTERNAL,
  // Bundled CommonJS packages (Fastify's) call require() for Node's modules: an ES module has none.
  banner: { js: BANNER },
  legalComments: 'none',
  logLevel: 'warning',
});
console.log(`cli: ${join(outdir, 'main.js')} and its chunks in ${join(outdir, 'cli')}`);
