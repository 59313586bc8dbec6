import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createConfig, lintFromString } from '@redocly/openapi-core';
import { describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../src/core/package-info.js';
import { generateOpenApiDocuments } from '../src/tools/openapi-documents.js';
import { buildTestApp } from './helpers/build-app.js';

const IDS = ['katapult', 'ionos', 'exoscale', 'ibm', 'krutrim'];
const committed = (id: string) => readFileSync(join(PACKAGE_ROOT, 'openapi', `${id}.json`), 'utf8');

describe('openapi/<vendor>.json', () => {
  it('matches what the route schemas generate (run `npm run openapi` after changing a route)', async () => {
    const docs = await generateOpenApiDocuments();
    expect(Object.keys(docs).sort()).toEqual([...IDS].sort());
    for (const [id, text] of Object.entries(docs)) {
      expect(committed(id), `openapi/${id}.json is stale: run npm run openapi`).toBe(text);
    }
  });

  it.each(IDS)('%s: passes `redocly lint` (recommended rules) without an error', async (id) => {
    const config = await createConfig({ extends: ['recommended'] });
    const problems = await lintFromString({ source: committed(id), absoluteRef: `openapi/${id}.json`, config });
    const errors = problems.filter((p) => p.severity === 'error').map((p) => `${p.ruleId}: ${p.message} at ${p.location[0]?.pointer}`);
    expect(errors).toEqual([]);
  });

  it.each(IDS)('%s: no ±MAX_SAFE_INTEGER bounds (shown as examples), no bare <name> in descriptions, error bodies shared by $ref', (id) => {
    const text = committed(id);
    expect(text).not.toContain('9007199254740991');
    const descriptions = [...text.matchAll(/"description": "((?:[^"\\]|\\.)*)"/g)].map((m) => JSON.parse(`"${m[1]}"`) as string);
    for (const d of descriptions) expect(d.replace(/`[^`]*`/g, ''), d).not.toMatch(/<[A-Za-z][\w.:-]*>/);
    const doc = JSON.parse(text) as { info: unknown; components?: { responses?: Record<string, unknown> }; paths: Record<string, Record<string, { responses: Record<string, { $ref?: string }> }>> };
    const refs = Object.values(doc.paths).flatMap((item) => Object.values(item).flatMap((op) => Object.values(op.responses ?? {}))).filter((r) => r.$ref?.startsWith('#/components/responses/'));
    expect(refs.length, 'error responses refer to components').toBeGreaterThan(0);
    expect(doc.info).toMatchObject({ license: { name: 'MIT' } });
  });

  it('Krutrim: the presigned object routes name their wildcard path parameter', () => {
    const doc = JSON.parse(committed('krutrim')) as { paths: Record<string, { get: { parameters: Array<{ in: string; name: string }> } }> };
    expect(Object.keys(doc.paths)).toContain('/_objects/{bucketId}/{path}');
    expect(doc.paths['/_objects/{bucketId}/{path}']!.get.parameters.filter((p) => p.in === 'path').map((p) => p.name)).toEqual(['bucketId', 'path']);
  });

  it('IONOS: offset and limit are integers with their bounds', () => {
    const doc = JSON.parse(committed('ionos')) as { paths: Record<string, { get: { parameters: Array<{ name: string; schema: Record<string, unknown> }> } }> };
    const params = Object.fromEntries(doc.paths['/accesskeys']!.get.parameters.map((p) => [p.name, p.schema]));
    expect(params.offset).toEqual({ type: 'integer', minimum: 0, maximum: 2_147_483_647 });
    expect(params.limit).toEqual({ type: 'integer', minimum: 1, maximum: 1000 });
  });

  it("Exoscale: the docs page's pre-signed Authorization value works for GET /access-key", async () => {
    const doc = JSON.parse(committed('exoscale')) as { info: { description: string } };
    const authorization = /^ {4}(EXO2-HMAC-SHA256 \S+)$/m.exec(doc.info.description)?.[1];
    expect(authorization).toBeDefined();
    const t = await buildTestApp();
    try {
      const res = await t.app.inject({ method: 'GET', url: '/exoscale/v2/access-key', headers: { authorization: authorization! } });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()['access-keys'].length).toBeGreaterThan(0);
    } finally {
      await t.close();
    }
  });
});
