import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import createClient from 'openapi-fetch';
import openapiTS, { astToString } from 'openapi-typescript';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { PACKAGE_ROOT } from '../../../src/core/package-info.js';
import { buildTestApp, vendorSpecsDir, type TestApp } from '../../helpers/build-app.js';
import { runClientFlow } from './client-flow.js';
import { loadVendorSpec, SPEC_FILE, TOKEN, type VendorSpec } from './helpers.js';
import type { paths } from './ionos-paths.js';

/**
 * The "Done when": a client generated from the vendor spec (openapi-typescript +
 * openapi-fetch) runs the Terraform-style flow against the emulator on a real socket, and every
 * response validates against the vendor spec's schemas (ajv + ajv-formats).
 */
const specsDir = vendorSpecsDir();
const HERE = fileURLToPath(new URL('.', import.meta.url));

describe.skipIf(!specsDir)('IONOS through a client generated from the vendor spec', () => {
  let spec: VendorSpec;
  beforeAll(() => {
    spec = loadVendorSpec(specsDir!);
  });

  it('the client flow typechecks against types generated from the vendor spec (openapi-typescript)', async () => {
    const doc = parse(readFileSync(join(specsDir!, SPEC_FILE), 'utf8'));
    const generated = astToString(await openapiTS(doc));
    expect(generated).toContain('operations["accesskeysGet"]');
    mkdirSync(join(PACKAGE_ROOT, '.tmp'), { recursive: true });
    const work = mkdtempSync(join(PACKAGE_ROOT, '.tmp', 'ionos-client-'));
    try {
      // The generated types stand in for the hand-written subset; nothing derived from the spec is committed.
      writeFileSync(join(work, 'ionos-paths.ts'), generated);
      copyFileSync(join(HERE, 'client-flow.ts'), join(work, 'client-flow.ts'));
      writeFileSync(
        join(work, 'probe.ts'),
        [
          "import type { Client } from 'openapi-fetch';",
          "import type { paths } from './ionos-paths.js';",
          'export async function probe(c: Client<paths>) {',
          '  // @ts-expect-error not an operation of the vendor spec',
          "  await c.GET('/buckets');",
          '  // @ts-expect-error the create body needs properties',
          "  await c.POST('/accesskeys', { body: {} });",
          '}',
        ].join('\n'),
      );
      const program = ts.createProgram([join(work, 'client-flow.ts'), join(work, 'probe.ts')], {
        strict: true,
        noEmit: true,
        skipLibCheck: true,
        target: ts.ScriptTarget.ES2022,
        module: ts.ModuleKind.NodeNext,
        moduleResolution: ts.ModuleResolutionKind.NodeNext,
        lib: ['lib.es2023.d.ts', 'lib.dom.d.ts'],
        types: [],
      });
      const diagnostics = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
      expect(diagnostics).toEqual([]);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }, 60_000);

  describe('on a real socket', () => {
    let t: TestApp;
    let origin: string;
    beforeAll(async () => {
      t = await buildTestApp();
      await t.app.listen({ port: 0, host: '127.0.0.1' });
      origin = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
    });
    afterAll(() => t.close());

    it('create → poll until AVAILABLE → list with filter → renew → delete → poll until 404; every response matches the vendor spec', async () => {
      const client = createClient<paths>({ baseUrl: `${origin}/ns/client-flow/ionos`, headers: { Authorization: `Bearer ${TOKEN}` } });
      const seen: Array<{ method: string; path: string; status: number; body: unknown }> = [];
      const result = await runClientFlow(client, {
        advance: (ms) => t.clock.advance(ms),
        check(pathTemplate, method, response, body) {
          seen.push({ method, path: pathTemplate, status: response.status, body });
          if (body !== undefined) expect(response.headers.get('content-type')).toMatch(/^application\/json/);
          const problems = spec.validate(pathTemplate, method, response.status, body);
          expect(problems, `${method.toUpperCase()} ${pathTemplate} ${response.status} ${JSON.stringify(body)}`).toEqual([]);
        },
      });

      expect(result.listedIds).toEqual([result.id]);
      expect(result.secrets).toHaveLength(2);
      expect(result.secrets[0]).not.toBe(result.secrets[1]);
      expect(result.statuses[0]).toBe('PROVISIONING');
      expect(result.statuses).toContain('AVAILABLE');
      expect(result.statuses).toContain('DESTROYING');
      expect(result.statuses.at(-1)).toBe('404');
      expect(seen.map((s) => `${s.method} ${s.status}`)).toEqual(expect.arrayContaining(['post 201', 'get 200', 'put 200', 'delete 202', 'get 404']));
      // secret once: neither secret in any response after the one that carried it
      const afterCreate = JSON.stringify(seen.slice(1).filter((s) => !(s.method === 'put' && s.path.endsWith('/renew'))));
      for (const secret of result.secrets) expect(afterCreate).not.toContain(secret);
    });

    it('errors and regions validate against the vendor spec too', async () => {
      const get = async (path: string, headers: Record<string, string> = { authorization: `Bearer ${TOKEN}` }) => {
        const res = await fetch(`${origin}/ionos${path}`, { headers });
        return { status: res.status, body: await res.json(), retryAfter: res.headers.get('retry-after') };
      };
      const cases: Array<[string, string, Record<string, string>?]> = [
        ['/regions', '/regions'],
        ['/regions/de', '/regions/{region}'],
        ['/regions/nowhere', '/regions/{region}'],
        ['/accesskeys?limit=0', '/accesskeys'],
        ['/accesskeys', '/accesskeys', {}],
        ['/accesskeys', '/accesskeys', { authorization: 'Bearer ionos-no-object-storage-token' }],
        ['/accesskeys', '/accesskeys', { authorization: `Bearer ${TOKEN}`, 'x-emulator-fault': '429' }],
        ['/accesskeys', '/accesskeys', { authorization: `Bearer ${TOKEN}`, 'x-emulator-fault': '500' }],
        ['/accesskeys', '/accesskeys', { authorization: `Bearer ${TOKEN}`, 'x-emulator-fault': '503' }],
        ['/accesskeys?offset=1&limit=1', '/accesskeys'],
      ];
      for (const [path, template, headers] of cases) {
        const res = await get(path, headers);
        expect(spec.validate(template, 'get', res.status, res.body), `${path} ${res.status}`).toEqual([]);
        if (res.status === 429) expect(res.retryAfter).toMatch(/^\d+$/);
      }
      const post = await fetch(`${origin}/ionos/accesskeys`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'text/plain' }, body: 'x' });
      expect(post.status).toBe(415);
      expect(spec.validate('/accesskeys', 'post', 415, await post.json())).toEqual([]);
    });
  });
});
