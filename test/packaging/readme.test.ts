import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../../src/core/package-info.js';
import { withConfigTable } from '../../src/tools/config-table.js';
import { VENDORS } from '../../src/vendors/index.js';

const readme = readFileSync(join(PACKAGE_ROOT, 'README.md'), 'utf8');

describe('README.md', () => {
  it('has the configuration table generated from src/config.ts (run `npm run docs:config` after changing a setting)', () => {
    expect(readme, 'README configuration table is stale: run npm run docs:config').toBe(withConfigTable(readme));
  });

  it('starts its Quick start with the two documented commands', () => {
    const quickStart = readme.slice(readme.indexOf('## Quick start'));
    const commands = /```sh\n([\s\S]*?)```/.exec(quickStart)![1]!.split('\n').filter(Boolean).map((l) => l.replace(/\s+#.*$/, ''));
    expect(commands.slice(0, 2)).toEqual(['npm ci && npm start', 'npm ci && npm test']);
  });

  it('has a section per vendor, with its marker, its mount and its stand-in', () => {
    const vendors = readme.slice(readme.indexOf('## Vendors'), readme.indexOf('\n## ', readme.indexOf('## Vendors') + 1));
    for (const vendor of Object.values(VENDORS)) {
      expect(vendors).toContain(`<!-- vendor:${vendor.id} -->`);
      expect(vendors).toContain(`| \`${vendor.id}\` | \`http://127.0.0.1:4580${vendor.mount}\` |`);
    }
    expect(vendors.match(/^### /gm)?.length).toBe(Object.keys(VENDORS).length + 1); // + Default credentials
  });

  it('documents every control-plane route', () => {
    const source = readFileSync(join(PACKAGE_ROOT, 'src', 'control', 'routes.ts'), 'utf8');
    const routes = [...source.matchAll(/app\.(get|post|delete)(?:<[^>]*>)?\('([^']+)'/g)].map(([, method, path]) => ({ method: method!.toUpperCase(), path: path!.replace(':file', '<vendor>.json').replace(/:(\w+)/g, '<$1>') }));
    expect(routes.length).toBeGreaterThan(10);
    const table = readme.slice(readme.indexOf('## Control plane'));
    for (const { method, path } of routes) {
      const rows = table.split('\n').filter((line) => line.startsWith('| `') && line.includes(`/_emulator${path}\``));
      expect(rows.some((row) => row.includes(method) || (method !== 'GET' && row.includes(`/${method}`)) || row.includes(`${method}/`)), `${method} /_emulator${path} in the control plane table`).toBe(true);
    }
  });
});
