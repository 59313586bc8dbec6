import { join } from 'node:path';
import { expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../../src/core/package-info.js';
import { CHILD_TEST_TIMEOUT_MS, execChild } from '../helpers/child.js';

/**
 * Start-up imports only the vendors VENDORS serves (issue 18): a child process starts the server with
 * VENDORS=katapult,ibm under a module hook that reports every src/vendors/ module it resolves.
 */
const HOOK = `export async function resolve(s, c, next) { const r = await next(s, c); const m = /\\/src\\/vendors\\/([a-z]+)\\//.exec(r.url); if (m) process.stdout.write('VENDOR ' + m[1] + '\\n'); return r; }`;
const SCRIPT = `
import { register } from 'node:module';
register('data:text/javascript,' + encodeURIComponent(${JSON.stringify(HOOK)}));
const { loadConfig } = await import(${JSON.stringify(join(PACKAGE_ROOT, 'src/config.ts'))});
const { startServer } = await import(${JSON.stringify(join(PACKAGE_ROOT, 'src/server.ts'))});
const running = await startServer(loadConfig({ VENDORS: 'katapult,ibm', PORT: '0', LOG_LEVEL: 'silent' }));
const res = await fetch(running.url + '/katapult/core/v1/object_storage/access_keys/access_key?access_key[id]=objkey_EMULATOR00000001', { headers: { authorization: 'Bearer katapult-test-token' } });
process.stdout.write('STATUS ' + res.status + '\\n');
await running.close();
`;

it('loads only the modules of the vendors served', async () => {
  const { stdout } = await execChild(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', SCRIPT], { cwd: PACKAGE_ROOT });
  expect(stdout).toContain('STATUS 200');
  const loaded = new Set([...stdout.matchAll(/^VENDOR (\w+)$/gm)].map((m) => m[1]));
  expect([...loaded].sort()).toEqual(['ibm', 'katapult']);
}, CHILD_TEST_TIMEOUT_MS);
