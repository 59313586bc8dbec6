import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../../src/core/package-info.js';
import { CHILD_TEST_TIMEOUT_MS, execChild } from '../helpers/child.js';
import { startChildEmulator } from '../helpers/child-emulator.js';

/**
 * The command's bundle (src/tools/bundle-cli.ts, run by `npm run build`): `dist/src/main.js` is one
 * file with its lazy parts as chunks in `dist/src/cli/`, so starting it loads no module of tsc's tree
 * and still only the vendors VENDORS serves. Built here into a scratch package (its package.json, and
 * the repository's node_modules and fixtures linked), then started the way `npm start` does.
 */
const HOOK = `export async function resolve(s, c, next) { const r = await next(s, c); if (r.url.startsWith('file:')) process.stdout.write('MODULE ' + r.url + '\\n'); return r; }`;
const REGISTER = `data:text/javascript,${encodeURIComponent(`import { register } from 'node:module'; register('data:text/javascript,' + encodeURIComponent(${JSON.stringify(HOOK)}));`)}`;

describe('the command bundle (dist/src/main.js)', () => {
  let root: string;
  let dist: string;

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'accesskey-bundle-'));
    copyFileSync(join(PACKAGE_ROOT, 'package.json'), join(root, 'package.json'));
    for (const linked of ['node_modules', 'fixtures']) symlinkSync(join(PACKAGE_ROOT, linked), join(root, linked));
    dist = join(root, 'dist', 'src');
    await execChild(process.execPath, ['--import', 'tsx', join(PACKAGE_ROOT, 'src', 'tools', 'bundle-cli.ts'), dist], { cwd: PACKAGE_ROOT });
    // The dashboard's built assets, as `npm run build` writes them (the scratch package has no src/ to bundle them from).
    await execChild(process.execPath, ['--import', 'tsx', join(PACKAGE_ROOT, 'src', 'dashboard', 'build-assets.ts'), join(dist, 'dashboard', 'assets')], { cwd: PACKAGE_ROOT });
  }, CHILD_TEST_TIMEOUT_MS);

  afterAll(() => {
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('is main.js and its chunks, one per vendor among them', () => {
    expect(readdirSync(dist).sort()).toEqual(['cli', 'dashboard', 'main.js']);
    const chunks = readdirSync(join(dist, 'cli'));
    for (const vendor of ['katapult', 'ionos', 'exoscale', 'ibm', 'krutrim']) expect(chunks.some((c) => c.startsWith(`${vendor}-`) && c.endsWith('.js')), vendor).toBe(true);
  });

  it('starts, answers and stops, loading only the bundle, and only the vendors served', async () => {
    const emulator = await startChildEmulator({ VENDORS: 'katapult' }, 60_000, { args: ['--import', REGISTER, join(dist, 'main.js')], cwd: root });
    try {
      expect((await fetch(`${emulator.url}/_emulator/health`)).status).toBe(200);
      const key = await fetch(`${emulator.url}/katapult/core/v1/object_storage/access_keys/access_key?access_key[id]=objkey_EMULATOR00000001`, { headers: { authorization: 'Bearer katapult-test-token' } });
      expect(key.status).toBe(200);
      expect(((await key.json()) as { object_storage_access_key: { id: string } }).object_storage_access_key.id).toBe('objkey_EMULATOR00000001');
      // The dashboard's built code is found from the package root, not from the chunk's folder (dist/src/cli/).
      const script = await fetch(`${emulator.url}/_emulator/ui/dashboard.js`);
      expect(script.status).toBe(200);
      expect(await script.text()).toBe(readFileSync(join(dist, 'dashboard', 'assets', 'dashboard.js'), 'utf8'));
    } finally {
      emulator.process.kill('SIGTERM');
    }
    expect(await emulator.exited).toBe(0);
    const modules = [...emulator.output().stdout.matchAll(/^MODULE (\S+)$/gm)].map((m) => m[1]!);
    const ours = modules.filter((url) => url.startsWith(pathToFileURL(root).href));
    const relativeToDist = ours.map((url) => url.slice(pathToFileURL(dist).href.length + 1));
    expect(relativeToDist.length).toBeGreaterThan(1);
    expect(relativeToDist.filter((file) => file !== 'main.js' && !/^cli\/[\w-]+\.js$/.test(file)), 'modules outside the bundle').toEqual([]);
    const vendorChunks = relativeToDist.filter((file) => /^cli\/(katapult|ionos|exoscale|ibm|krutrim)-/.test(file)).map((file) => file.split(/[/-]/)[1]);
    expect([...new Set(vendorChunks)]).toEqual(['katapult']);
  }, CHILD_TEST_TIMEOUT_MS);
});

