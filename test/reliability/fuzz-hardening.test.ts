import fc from 'fast-check';
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLOCK_MAX_MS, CLOCK_MIN_MS } from '../../src/core/clock.js';
import { buildTestApp, TEST_EPOCH, type TestApp } from '../helpers/build-app.js';
import { PROFILES, envelopeProblems } from './vendor-profiles.js';

/**
 * The fuzz cases of issue 15 (hardening), over every route of every vendor from its OpenAPI document:
 * nesting up to 100,000 levels (bodies) and 5,000 (Rack query keys; a head holds no more), lone UTF-16
 * surrogates in every string field of every body schema and in every path and query parameter,
 * extreme clock values, hostile fault-rule globs, and unrouted paths with credential-like segments.
 * Invariants: never a 500 (but a forced one), the vendor's envelope, nothing written by a refusal.
 */
const SEED = 2026_15;

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp({ env: { RATE_LIMITS: 'off' } });
  for (const vendor of t.runtime.vendors) await PROFILES[vendor.id]!.prepare?.((opts) => t.app.inject(opts));
});
afterAll(() => t.close());

const totalChanges = () => (t.runtime.db.prepare('SELECT total_changes() AS n').get() as { n: number }).n;
// The state dump, taken again only after a write: a refused KOS object request may still touch its session's
// last use (a write the dump does not show), so "nothing written" means the dump is unchanged.
let dumped = { writes: -1, dump: '' };
const dumpBefore = () => {
  if (dumped.writes !== totalChanges()) dumped = { writes: totalChanges(), dump: JSON.stringify(t.runtime.namespaces.dump()) };
  return dumped.dump;
};

type Schema = { type?: string | string[]; properties?: Record<string, Schema>; items?: Schema; anyOf?: Schema[]; oneOf?: Schema[]; allOf?: Schema[]; enum?: unknown[]; const?: unknown; minLength?: number };
interface Operation { parameters?: Array<{ in: string; name: string }>; requestBody?: { content?: Record<string, { schema?: Schema }> } }
interface Route { vendor: string; mount: string; method: string; template: string; op: Operation }

/** Every route of every vendor, from its OpenAPI document (served over HTTP, built on first request). */
async function routes(): Promise<Route[]> {
  const out: Route[] = [];
  for (const v of t.runtime.vendors) {
    const doc = (await t.app.inject({ method: 'GET', url: `/_emulator/openapi/${v.id}.json` })).json() as { paths?: Record<string, unknown> };
    for (const [template, item] of Object.entries(doc.paths ?? {})) {
      for (const [m, op] of Object.entries(item as Record<string, Operation>)) out.push({ vendor: v.id, mount: v.mount, method: m.toUpperCase(), template, op });
    }
  }
  return out;
}

const first = (s: Schema): Schema => s.anyOf?.[0] ?? s.oneOf?.[0] ?? s.allOf?.[0] ?? s;
const typeOf = (s: Schema) => (Array.isArray(s.type) ? s.type[0] : s.type);

/** A plausible value for a schema: enough shape that a lone surrogate sits where a real client's string would. */
function sample(schema: Schema, depth = 0): unknown {
  const s = first(schema);
  if (s.const !== undefined) return s.const;
  if (s.enum) return s.enum[0];
  switch (typeOf(s)) {
    case 'object': return depth > 4 ? {} : Object.fromEntries(Object.entries(s.properties ?? {}).map(([k, v]) => [k, sample(v, depth + 1)]));
    case 'array': return s.items && depth <= 4 ? [sample(s.items, depth + 1)] : [];
    case 'string': return 'fuzz-value';
    case 'integer': case 'number': return 1;
    case 'boolean': return true;
    default: return 'fuzz-value';
  }
}

/** The key paths of every string in a schema (array items as index 0). */
function stringPaths(schema: Schema, at: Array<string | number> = [], depth = 0): Array<Array<string | number>> {
  const s = first(schema);
  const type = typeOf(s);
  if (type === 'string' || (type === undefined && !s.properties && !s.items)) return [at];
  if (depth > 4) return [];
  if (type === 'object' || s.properties) return Object.entries(s.properties ?? {}).flatMap(([k, v]) => stringPaths(v, [...at, k], depth + 1));
  if (type === 'array' && s.items) return stringPaths(s.items, [...at, 0], depth + 1);
  return [];
}

function setAt(value: unknown, path: Array<string | number>, leaf: unknown): unknown {
  if (path.length === 0) return leaf;
  const [head, ...rest] = path;
  const container: any = typeof head === 'number' ? (Array.isArray(value) ? [...value] : []) : { ...(value && typeof value === 'object' ? value : {}) };
  container[head!] = setAt(container[head!], rest, leaf);
  return container;
}

/** JSON text nesting `depth` levels, objects or arrays or both (as text: JSON.stringify recurses). */
function nestedText(depth: number, kind: 'object' | 'array' | 'mixed'): string {
  const opens: string[] = [];
  const closes: string[] = [];
  for (let i = 0; i < depth; i++) {
    const array = kind === 'array' || (kind === 'mixed' && i % 2 === 1);
    opens.push(array ? '[' : '{"a":');
    closes.push(array ? ']' : '}');
  }
  return `${opens.join('')}"x"${closes.reverse().join('')}`;
}

const fill = (template: string, value = 'x') => template.replace(/\{[^}]+\}/g, value);

interface Outcome { cases: number; failures: string[] }

/** Sends one request; a refusal must be vendor-shaped and write nothing, and nothing may be a 500. */
/** Refused for its input (400), or earlier by the vendor's auth or scope check (which some vendors run first). */
const REFUSED = [400, 401, 403];

async function check(route: Route, url: string, body: string | undefined, out: Outcome, label: string, expectStatus?: number[]): Promise<void> {
  const profile = PROFILES[route.vendor]!;
  const headers = { ...profile.auth({ method: route.method, url, ...(body !== undefined ? { body } : {}), wallNowMs: t.clock.wallNow() }), 'content-type': 'application/json' };
  const writes = totalChanges();
  const before = dumpBefore();
  const res = await t.app.inject({ method: route.method as InjectOptions['method'], url, headers, ...(body !== undefined ? { payload: body } : {}) });
  out.cases++;
  const fail = (why: string) => out.failures.push(`${route.vendor} ${route.method} ${route.template} ${label}: ${why} (status ${res.statusCode}, ${res.body.slice(0, 160)})`);
  if (res.statusCode >= 500) fail('server error');
  if (expectStatus !== undefined && !expectStatus.includes(res.statusCode)) fail(`expected ${expectStatus.join(' or ')}`);
  if (res.statusCode >= 400) {
    envelopeProblems(res, profile).forEach(fail);
    if (totalChanges() !== writes && JSON.stringify(t.runtime.namespaces.dump()) !== before) fail('a refused request changed the state');
  }
}

describe('hardening fuzz (issue 15)', () => {
  it('bodies nested up to 100,000 levels and Rack query keys up to 5,000: a vendor-shaped 400 on every route, nothing written', async () => {
    const out: Outcome = { cases: 0, failures: [] };
    // The deepest cases go to each vendor's first routes only: sending them is most of the cost.
    const deepBodies = new Map<string, number>();
    const deepQueries = new Set<string>();
    for (const route of await routes()) {
      const url = `${route.mount}${fill(route.template)}`;
      if (route.method !== 'GET' && route.method !== 'HEAD') {
        const seen = deepBodies.get(route.vendor) ?? 0;
        deepBodies.set(route.vendor, seen + 1);
        const depths = seen < 2 ? ([[101, 'object'], [1_000, 'array'], [100_000, 'mixed'], [100_000, 'array']] as const) : ([[101, 'object'], [1_000, 'array']] as const);
        for (const [depth, kind] of depths) {
          await check(route, url, `{"name":${nestedText(depth, kind)}}`, out, `body depth ${depth} ${kind}`, REFUSED);
        }
      }
      const deepQuery = !deepQueries.has(route.vendor);
      deepQueries.add(route.vendor);
      for (const depth of deepQuery ? [101, 5_000] : [101]) {
        const key = encodeURIComponent(`properties${'[a]'.repeat(depth)}`);
        await check(route, `${url}?${key}=1`, route.method === 'GET' ? undefined : '{}', out, `query depth ${depth}`, REFUSED);
      }
    }
    console.log(`fuzz-hardening nesting: ${out.cases} cases, ${out.failures.length} failures`);
    expect(out.failures.slice(0, 20)).toEqual([]);
  }, 120_000);

  it('a lone surrogate in every string field of every body, and WTF-8 in every path and query parameter: vendor-shaped, nothing written', async () => {
    const out: Outcome = { cases: 0, failures: [] };
    const lone = ['\ud800', 'a\udfff', '\udbff\udbff', 'ok\ud83d'];
    const all = await routes();
    for (const route of all) {
      const schema = route.op.requestBody?.content?.['application/json']?.schema;
      if (!schema || route.method === 'GET') continue;
      const url = `${route.mount}${fill(route.template)}`;
      const base = sample(schema);
      let n = 0;
      for (const path of stringPaths(schema)) {
        await check(route, url, JSON.stringify(setAt(base, path, lone[n++ % lone.length])), out, `body ${path.join('.') || '(root)'}`, REFUSED);
      }
      // As an object key too.
      await check(route, url, JSON.stringify({ ...(base as object), ['k\udc00']: 'x' }), out, 'body key', REFUSED);
    }
    // A URL cannot carry a lone surrogate; its nearest bytes are WTF-8 (%ED%A0%80), which no decoder takes.
    // These may be accepted (as the raw text) and write, so they come after the body cases.
    for (const route of all) {
      const url = `${route.mount}${fill(route.template)}`;
      const body = route.method === 'GET' ? undefined : '{}';
      for (const wtf8 of ['%ED%A0%80', 'a%ED%BF%BF', '%F0%9F%98']) {
        if (route.template.includes('{')) await check(route, `${route.mount}${fill(route.template, wtf8)}`, body, out, `path ${wtf8}`);
        for (const p of route.op.parameters?.filter((q) => q.in === 'query') ?? [{ name: 'name' }]) {
          await check(route, `${url}?${encodeURIComponent(p.name)}=${wtf8}`, body, out, `query ${p.name}=${wtf8}`);
        }
      }
    }
    console.log(`fuzz-hardening surrogates: ${out.cases} cases, ${out.failures.length} failures`);
    expect(out.failures.slice(0, 20)).toEqual([]);
  }, 120_000);

  it('extreme clock values: each is applied in range or refused with the clock unchanged, and every vendor still answers', async () => {
    const clock = (body: unknown) => t.app.inject({ method: 'POST', url: '/_emulator/clock', headers: { 'content-type': 'application/json' }, payload: JSON.stringify(body) });
    const fixed: unknown[] = [
      { advance: 1e308 }, { advance: Number.MAX_SAFE_INTEGER }, { advance: 8.64e15 }, { advance: -1 }, { advance: '1e400' }, { advance: '99999999999999d' }, { advance: 'Infinity' }, { advance: 'NaN' }, { advance: '0.0000001ms' },
      { set: '+275760-09-13T00:00:00.000Z' }, { set: '-000001-01-01T00:00:00Z' }, { set: '0000-01-01' }, { set: '0070-01-01' }, { set: '9998-12-31T23:59:59.999Z' }, { set: '9999-01-01T00:00:00Z' },
      { set: '2024-02-29T00:00:00Z' }, { set: '2025-02-29T00:00:00Z' }, { set: '2026-04-31' }, { set: '2026-01-01T23:59:60Z' }, { set: '2026-01-01T00:00:00+24:00' }, { set: '2026-01-01T00:00:00+23:59' },
      { set: '1970-01-01T00:00:00Z' }, { set: '1970-01-01T00:00:00+00:01' }, { set: '' }, { set: ' ' }, { set: 'Thu, 01 Jan 2026 00:00:00 GMT' },
      { set: '9998-12-31T23:00:00Z', advance: '1h' }, { set: '9998-12-31T22:00:00Z', advance: '1h', freeze: true },
    ];
    const random = fc.sample(fc.oneof(
      fc.integer({ min: -8.64e15, max: 8.64e15 }).map((ms) => ({ set: new Date(ms).toISOString() })),
      fc.double({ noNaN: true }).map((advance) => ({ advance })),
      fc.tuple(fc.integer({ min: 0, max: 12000 }), fc.integer({ min: 0, max: 14 }), fc.integer({ min: 0, max: 32 })).map(([y, m, d]) => ({ set: `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}T00:00:00Z` })),
    ), { seed: SEED, numRuns: 300 });
    const failures: string[] = [];
    for (const body of [...fixed, ...random]) {
      const before = t.runtime.clock.state();
      const res = await clock(body);
      const after = t.runtime.clock.state();
      if (res.statusCode === 200) {
        if (after.nowMs < CLOCK_MIN_MS || after.nowMs > CLOCK_MAX_MS) failures.push(`${JSON.stringify(body)}: accepted out of range (${after.now})`);
      } else if (res.statusCode === 400) {
        if (JSON.stringify(after) !== JSON.stringify(before)) failures.push(`${JSON.stringify(body)}: refused but the clock moved`);
      } else {
        failures.push(`${JSON.stringify(body)}: status ${res.statusCode}`);
      }
      if (res.statusCode === 200 && (await t.app.inject({ method: 'GET', url: '/_emulator/clock' })).statusCode !== 200) failures.push(`${JSON.stringify(body)}: GET /clock failed after`);
    }
    // Wherever it stopped, every vendor still serves a create and a list (no 500 from formatting a time).
    for (const at of [CLOCK_MIN_MS, CLOCK_MAX_MS]) {
      await clock({ set: new Date(at).toISOString() });
      for (const route of (await routes()).filter((r) => r.method === 'GET' && !r.template.includes('{'))) {
        const out: Outcome = { cases: 0, failures };
        await check(route, `${route.mount}${route.template}`, undefined, out, `at ${new Date(at).toISOString()}`);
      }
    }
    await clock({ set: new Date(TEST_EPOCH).toISOString(), freeze: true });
    console.log(`fuzz-hardening clock: ${fixed.length + random.length} moves, ${failures.length} failures`);
    expect(failures.slice(0, 20)).toEqual([]);
  }, 60_000);

  it('hostile fault-rule globs: created or refused, and requests (health too) still answer on long paths', async () => {
    const hostile = ['*'.repeat(20) + 'Z', '*'.repeat(256), '**'.repeat(128), '*a'.repeat(100) + 'Z', '/**/'.repeat(60) + 'Z', '*/'.repeat(128), '[a-z]*(x)+?{1}$^\\', '*'.repeat(257)];
    const random = fc.sample(fc.string({ unit: fc.constantFrom('*', '*', '**', '/', 'a', 'Z', '.', '?'), maxLength: 120 }), { seed: SEED, numRuns: 60 });
    const failures: string[] = [];
    const paths = ['/' + 'a'.repeat(4000), '/a'.repeat(2000), '/accesskeys/' + 'a'.repeat(3000) + 'Y'];
    for (const glob of [...hostile, ...random]) {
      const created = await t.app.inject({ method: 'POST', url: '/_emulator/faults', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ vendor: 'ionos', path: glob, error: 503 }) });
      if (created.statusCode !== 201 && !(created.statusCode === 400 && glob.length > 256)) failures.push(`${glob.slice(0, 40)}: create answered ${created.statusCode}`);
      for (const path of paths) {
        const res = await t.app.inject({ method: 'GET', url: `/ionos${path}`, headers: { authorization: 'Bearer ionos-test-token' } });
        if (res.statusCode >= 500 && res.statusCode !== 503) failures.push(`${glob.slice(0, 40)} on ${path.slice(0, 20)}…: ${res.statusCode}`);
      }
      if ((await t.app.inject({ method: 'GET', url: '/_emulator/health' })).statusCode !== 200) failures.push(`${glob.slice(0, 40)}: health`);
      await t.app.inject({ method: 'DELETE', url: '/_emulator/faults' });
    }
    console.log(`fuzz-hardening globs: ${hostile.length + random.length} globs × ${paths.length} paths, ${failures.length} failures`);
    expect(failures).toEqual([]);
  }, 60_000);

  it('unrouted paths with credential-like segments: the journal never holds the credential, for every vendor', async () => {
    const token = fc.stringMatching(/^[A-Za-z0-9_-]{24,64}$/);
    const near = fc.constantFrom('sessions', 'Sessions', 'status', 'STATUS', 'refresh', 'access_keys', 'accesskeys', 'credentials', 'v1', 'kos', 'x', '', '..', '%2F', 'a%2Fb');
    const cases = fc.sample(fc.tuple(fc.array(near, { maxLength: 4 }), token, fc.array(near, { maxLength: 2 }), fc.constantFrom('/', '//', '%2F', '/%2F/'), fc.constantFrom('GET', 'POST', 'DELETE', 'PUT')), { seed: SEED, numRuns: 80 });
    let sent = 0;
    const leaks: string[] = [];
    for (const vendor of t.runtime.vendors) {
      for (const [before, secret, after, join, method] of cases) {
        const path = `${before.join('/')}${join}${secret}${after.length ? '/' + after.join('/') : ''}`;
        const url = `${vendor.mount}/${path}`;
        const from = t.runtime.journal.list().length;
        const res = await t.app.inject({ method: method as InjectOptions['method'], url });
        sent++;
        if (res.statusCode >= 500) leaks.push(`${url}: ${res.statusCode}`);
        const entries = t.runtime.journal.list().slice(from);
        if (JSON.stringify(entries).includes(secret)) leaks.push(`${vendor.id} ${method} ${url} journaled as ${entries.map((e) => e.path).join(', ')}`);
      }
    }
    console.log(`fuzz-hardening unrouted paths: ${sent} requests, ${leaks.length} leaks`);
    expect(leaks.slice(0, 20)).toEqual([]);
  }, 60_000);
});
