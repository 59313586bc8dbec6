import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { SETTINGS } from '../../src/config.js';
import { PACKAGE_ROOT, PACKAGE_VERSION } from '../../src/core/package-info.js';
import { CHILD_TEST_TIMEOUT_MS, spawnChild } from '../helpers/child.js';

/** The CLI (`npx accesskey-emulator`, src/main.ts) as a real process, run from the sources with tsx. */
const MAIN = join(PACKAGE_ROOT, 'src', 'main.ts');
const nodeArgs = (args: string[]) => ['--import', 'tsx', MAIN, ...args];
const cleanEnv = (extra: Record<string, string> = {}) => ({ PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp', ...extra });

function run(args: string[], env: Record<string, string> = {}) {
  return spawnChild(process.execPath, nodeArgs(args), { cwd: PACKAGE_ROOT, env: cleanEnv(env) });
}

describe('accesskey-emulator CLI', () => {
  it('--help documents every flag with its environment variable, and exits 0', () => {
    const result = run(['--help']);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^Usage: accesskey-emulator \[options\]$/m);
    for (const s of Object.values(SETTINGS)) {
      const row = result.stdout.split('\n').find((line) => line.trimStart().startsWith(`${s.flag} `));
      expect(row, `a --help row for ${s.flag}`).toBeDefined();
      expect(row).toContain(s.env);
      expect(row).toContain(s.help);
    }
    expect(result.stdout).toContain('--help');
  }, CHILD_TEST_TIMEOUT_MS);

  it.each([
    [['--nope', '1'], {}, /^accesskey-emulator: Unknown option --nope\. Run with --help to see the options\.$/m],
    [['--port', 'abc'], {}, /^accesskey-emulator: Invalid --port \(PORT\)="abc" \(not an integer\)\. Allowed: an integer 0–65535\.$/m],
    [['--vendors', 'katapult,aws'], {}, /Invalid --vendors \(VENDORS\)="katapult,aws".*Allowed: katapult, ionos, exoscale, ibm, krutrim/],
    [[], { LOG_LEVEL: 'loud' }, /^accesskey-emulator: Invalid LOG_LEVEL="loud"/m],
    // Settings that parse but cannot be used: refused before anything listens, never a stack trace.
    [['--port', '0'], { DB_PATH: '/nonexistent-dir/emulator.sqlite' }, /^accesskey-emulator: Invalid DB_PATH="\/nonexistent-dir\/emulator\.sqlite" \(the directory \/nonexistent-dir does not exist\)\.$/m],
    [['--port', '0'], { DB_PATH: '/proc/version' }, /^accesskey-emulator: Invalid DB_PATH="\/proc\/version" \(/m],
    [['--port', '0'], { VENDORS: 'katapult,ionos', VENDOR_PORTS: 'ibm:0' }, /^accesskey-emulator: Invalid VENDOR_PORTS="ibm:0" \(names ibm, which VENDORS="katapult,ionos" does not serve\)/m],
    [['--port', '0'], { SEED: '' }, /^accesskey-emulator: Invalid SEED="" \(empty: name fixture files, or none for an empty world\)/m],
    [['--port', '0', '--transitions', 'nosuch.thing=immediate'], {}, /^accesskey-emulator: Invalid TRANSITIONS="nosuch\.thing" \(nosuch\.thing names no transition of the served vendors; the names are: katapult\.access_key\.provisioning, .*ionos\.accesskey\.provisioning/m],
    [['--port', '0'], { MAX_OBJECTS_PER_NAMESPACE: '50' }, /^accesskey-emulator: Invalid MAX_OBJECTS_PER_NAMESPACE="50" \(the startup fixtures \(SEED\) hold more rows than that in one namespace/m],
  ])('%j %j: exits 2 with a message naming the setting', (args, env, message) => {
    const result = run(args, env);
    expect(result.status, result.stdout + result.stderr).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).not.toMatch(/^\s+at /m); // no stack trace
    expect(result.stdout).toBe('');
  }, CHILD_TEST_TIMEOUT_MS);

  it('--version prints the package version and exits 0', () => {
    const result = run(['--version']);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toBe(`${PACKAGE_VERSION}\n`);
  }, CHILD_TEST_TIMEOUT_MS);

  it('exits 2 naming the file when a seed fixture cannot be read', () => {
    const result = run(['--seed', '/nonexistent/fixture.json', '--port', '0']);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/\/nonexistent\/fixture\.json: cannot read the fixture file \(ENOENT\)/);
  }, CHILD_TEST_TIMEOUT_MS);

  it('--vendors katapult,ionos serves only those vendors, and SIGTERM stops it with exit 0', async () => {
    const child = spawn(process.execPath, nodeArgs(['--vendors', 'katapult,ionos', '--port', '0', '--log-format', 'json']), { cwd: PACKAGE_ROOT, env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        createInterface({ input: child.stdout }).on('line', (line) => {
          const entry = JSON.parse(line) as { msg?: string; url?: string; db?: string; fixtures?: unknown; docs?: string };
          if (entry.msg !== 'accesskey-emulator ready') return;
          // The ready line says which database and fixtures this run uses.
          expect(entry).toMatchObject({ db: ':memory:', fixtures: [join(PACKAGE_ROOT, 'fixtures', 'default.json')], docs: `${entry.url}/docs` });
          resolve(entry.url!);
        });
        child.once('exit', (code) => reject(new Error(`exited ${code} before ready: ${stderr}`)));
      });
      const health = (await (await fetch(`${url}/_emulator/health`)).json()) as { vendors: string[] };
      expect(health.vendors).toEqual(['katapult', 'ionos']);

      // Served: the well-known credentials of fixtures/default.json work, and a mount answers in its vendor's envelope.
      const ionosKeys = await fetch(`${url}/ionos/accesskeys`, { headers: { authorization: 'Bearer ionos-test-token' } });
      expect(ionosKeys.status).toBe(200);
      expect(((await ionosKeys.json()) as { type: string }).type).toBe('collection');
      // (IONOS answers a path it has no operation for with its own 400 paas-validation-1, not the root 404.)
      const ionosUnknown = await fetch(`${url}/ionos/unknown-path`, { headers: { authorization: 'Bearer ionos-test-token' } });
      expect(ionosUnknown.status).toBe(400);
      expect((await ionosUnknown.json()) as unknown).toMatchObject({ httpStatus: 400, messages: [{ errorCode: 'paas-validation-1' }] });
      const ionosAnonymous = await fetch(`${url}/ionos/accesskeys`);
      expect(ionosAnonymous.status).toBe(401);
      expect((await ionosAnonymous.json()) as unknown).toMatchObject({ httpStatus: 401 });
      const katapultKey = await fetch(`${url}/katapult/core/v1/object_storage/access_keys/access_key?access_key%5Bid%5D=objkey_EMULATOR00000001`, { headers: { authorization: 'Bearer katapult-test-token' } });
      expect(katapultKey.status).toBe(200);
      expect(((await katapultKey.json()) as { object_storage_access_key: { id: string } }).object_storage_access_key.id).toBe('objkey_EMULATOR00000001');

      // Not served: the root's 404 (the emulator's own envelope), naming the mounts that are served.

      const unserved = await fetch(`${url}/exoscale/v2/access-key`);
      expect(unserved.status).toBe(404);
      const body = (await unserved.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe('not_found');
      expect(body.error.message).toMatch(/Vendors are mounted at \/katapult\/core\/v1, \/ionos;/);
    } finally {
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      child.kill('SIGTERM');
      expect(await exited, stderr).toBe(0);
    }
  }, CHILD_TEST_TIMEOUT_MS);
});
