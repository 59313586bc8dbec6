import { execFileSync, spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PACKAGE_ROOT, PACKAGE_VERSION } from '../../src/core/package-info.js';

/**
 * What a new user does (issue 17), end to end, outside this repository:
 *   1. a fresh copy of the repository (its tracked and unignored files: no dist/, no node_modules);
 *   2. `npm pack` there: `prepare` builds dist/ (the copy borrows this repository's node_modules for
 *      TypeScript), and the tarball holds the code, fixtures, sources for the maps and the LICENSE;
 *   3. `npm start` on that built tree reaches "ready" without building anything again;
 *   4. a scratch project installs the tarball from the npm registry (install scripts off, and
 *      better-sqlite3 pinned to this repository's version so its compiled binary is reused instead of
 *      compiled again), then runs the README's in-process recipe and the CLI.
 * Not in `npm test` (it needs the registry and a minute or two): `npm run smoke:package`, run by `.ci/run`.
 */

const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const STEP_TIMEOUT_MS = 15 * 60_000; // a loaded 2-core machine; a timeout says which step and that it timed out

function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): string {
  try {
    return execFileSync(command, args, { cwd, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: STEP_TIMEOUT_MS, maxBuffer: 64 * 1024 * 1024 });
  } catch (err) {
    const e = err as { signal?: string; stdout?: string; stderr?: string; message: string };
    const why = e.signal === 'SIGTERM' ? `timed out after ${STEP_TIMEOUT_MS / 1000} s` : e.message;
    throw new Error(`${command} ${args.join(' ')} (in ${cwd}): ${why}\n${e.stdout ?? ''}\n${e.stderr ?? ''}`);
  }
}

const npmEnv = (extra: Record<string, string> = {}): NodeJS.ProcessEnv => ({
  ...process.env, npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false', ...extra,
});

/** The README's in-process recipe: the first ```ts block of its "In-process API" section. */
function readmeRecipe(): string {
  const readme = readFileSync(join(PACKAGE_ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## In-process API'));
  return /```ts\n([\s\S]*?)```/.exec(section)![1]!;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? filesUnder(join(dir, d.name)) : [join(dir, d.name)]));
}

describe('the package, from a fresh copy of the repository to a user project', () => {
  let tmp: string;
  let clone: string;
  let tarball: string;
  let packed: string[];
  let user: string;

  beforeAll(() => {
    tmp = mkdtempSync(join(tmpdir(), 'accesskey-package-'));
    clone = join(tmp, 'clone');
    const tracked = run('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], PACKAGE_ROOT).split('\0').filter(Boolean);
    for (const file of tracked) {
      const from = join(PACKAGE_ROOT, file);
      if (!existsSync(from) || statSync(from).isDirectory()) continue; // deleted in the work tree, or a submodule
      mkdirSync(dirname(join(clone, file)), { recursive: true });
      copyFileSync(from, join(clone, file));
    }
    expect(existsSync(join(clone, 'dist')), 'a fresh copy has no build output').toBe(false);
    symlinkSync(join(PACKAGE_ROOT, 'node_modules'), join(clone, 'node_modules'), 'dir');
    // The build (prepare) may print lines of its own before npm's JSON.
    const printed = run(NPM, ['pack', '--json', '--pack-destination', tmp], clone, npmEnv());
    const out = JSON.parse(printed.slice(printed.search(/^\[/m))) as Array<{ filename: string; files: Array<{ path: string }> }>;
    tarball = join(tmp, out[0]!.filename);
    packed = out[0]!.files.map((f) => f.path);
  }, STEP_TIMEOUT_MS);

  afterAll(() => {
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('npm pack builds dist/ (prepare) and packs the code, types, fixtures, OpenAPI documents, sources and LICENSE', () => {
    for (const file of ['package.json', 'README.md', 'LICENSE', 'dist/src/index.js', 'dist/src/index.d.ts', 'dist/src/main.js', 'dist/src/healthcheck.js', 'fixtures/default.json', 'fixtures/fixture.schema.json', 'openapi/katapult.json', 'src/index.ts']) {
      expect(packed, file).toContain(file);
    }
    expect(packed.filter((f) => /^(test|bench|scripts|node_modules)\/|tsbuildinfo|\.sqlite/.test(f))).toEqual([]);
  });

  it("every source map in the tarball points at a file the tarball ships", () => {
    const maps = packed.filter((f) => f.endsWith('.js.map'));
    expect(maps.length).toBeGreaterThan(10);
    for (const map of maps) {
      const { sources } = JSON.parse(readFileSync(join(clone, map), 'utf8')) as { sources: string[] };
      for (const source of sources) expect(packed, `${map} → ${source}`).toContain(relative(clone, resolve(clone, dirname(map), source)));
    }
  });

  it('npm start on the built tree starts from dist/ without building anything again', async () => {
    const before = new Map(filesUnder(join(clone, 'dist')).map((f) => [f, statSync(f).mtimeMs]));
    const child = spawn(NPM, ['start', '--silent', '--', '--port', '0', '--log-format', 'json'], { cwd: clone, env: npmEnv(), stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let stderr = '';
    const other: string[] = [];
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    try {
      const ready = await new Promise<Record<string, unknown>>((resolveReady, reject) => {
        createInterface({ input: child.stdout }).on('line', (line) => {
          let entry: Record<string, unknown>;
          try {
            entry = JSON.parse(line) as Record<string, unknown>;
          } catch {
            other.push(line); // anything but the emulator's JSON logs (a compiler's output) is noted
            return;
          }
          if (entry.msg === 'accesskey-emulator ready') resolveReady(entry);
        });
        child.once('exit', (code) => reject(new Error(`npm start exited ${code} before ready: ${stderr}`)));
      });
      expect(ready).toMatchObject({ db: ':memory:', fixtures: [join(clone, 'fixtures', 'default.json')] });
      expect((await fetch(`${String(ready.url)}/_emulator/health`)).status).toBe(200);
    } finally {
      process.kill(-child.pid!, 'SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
    expect(other).toEqual([]);
    const after = new Map(filesUnder(join(clone, 'dist')).map((f) => [f, statSync(f).mtimeMs]));
    expect(after, 'npm start rebuilt dist/ on an unchanged tree').toEqual(before);
  }, 120_000);

  describe('installed from the tarball into a scratch project', () => {
    beforeAll(() => {
      user = join(tmp, 'user');
      mkdirSync(user);
      const sqlite = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'node_modules', 'better-sqlite3', 'package.json'), 'utf8')) as { version: string };
      // Pinned to the version compiled here, so its binary can be reused (no prebuilt download, no compile).
      writeFileSync(join(user, 'package.json'), JSON.stringify({ name: 'user-project', private: true, type: 'module', overrides: { 'better-sqlite3': sqlite.version } }, null, 2));
      run(NPM, ['install', '--ignore-scripts', '--prefer-offline', '--no-package-lock', tarball], user, npmEnv());
      const binary = join('node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node');
      mkdirSync(dirname(join(user, binary)), { recursive: true });
      copyFileSync(join(PACKAGE_ROOT, binary), join(user, binary));
    }, STEP_TIMEOUT_MS);

    it("runs the README's in-process recipe", () => {
      writeFileSync(join(user, 'recipe.mjs'), readmeRecipe());
      run(process.execPath, ['recipe.mjs'], user);
    }, 120_000);

    it('finds the default world in the package (not the cwd) and exports the fixtures', () => {
      writeFileSync(join(user, 'check.mjs'), [
        "import assert from 'node:assert/strict';",
        "import { existsSync } from 'node:fs';",
        "import { fileURLToPath } from 'node:url';",
        "import { DEFAULT_WORLD, startEmulator } from 'accesskey-emulator';",
        "const fixture = fileURLToPath(import.meta.resolve('accesskey-emulator/fixtures/default.json'));",
        'assert.ok(existsSync(fixture));',
        'assert.equal(fixture, DEFAULT_WORLD);',
        "assert.ok(existsSync(fileURLToPath(import.meta.resolve('accesskey-emulator/openapi/ionos.json'))));",
        'const e = await startEmulator({ seed: [DEFAULT_WORLD] });',
        "const res = await fetch(`${e.baseUrls.ionos}/accesskeys`, { headers: { authorization: 'Bearer ionos-test-token' } });",
        'assert.equal(res.status, 200);',
        'await e.close();',
        "const d = await startEmulator();",
        "assert.equal((await fetch(`${d.baseUrls.ionos}/accesskeys`, { headers: { authorization: 'Bearer ionos-test-token' } })).status, 200);",
        'await d.close();',
      ].join('\n'));
      run(process.execPath, ['check.mjs'], user);
    }, 120_000);

    it('installs the CLI: accesskey-emulator --version and --help', () => {
      const bin = join(user, 'node_modules', '.bin', 'accesskey-emulator');
      expect(run(bin, ['--version'], user)).toBe(`${PACKAGE_VERSION}\n`);
      expect(run(bin, ['--help'], user)).toMatch(/^Usage: accesskey-emulator \[options\]$/m);
    }, 60_000);
  });
});
