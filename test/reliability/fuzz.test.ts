import fc from 'fast-check';
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/build-app.js';
import { HOSTILE_BODIES, jsonBody, pathValue, queryString } from './hostile.js';
import { PROFILES, type VendorProfile, envelopeProblems } from './vendor-profiles.js';

/**
 * Every route of every vendor, from its generated OpenAPI document, gets hostile path parameters,
 * query strings, bodies and Authorization headers (every other header: fuzz-headers.test.ts). Invariants: never a 500, always the vendor's envelope with a
 * JSON content type on errors, and a rejected request changes nothing.
 */
const RANDOM_CASES_PER_ROUTE = 24;
const SEED = 20261123;

const PROTOTYPE_KEYS = Object.getOwnPropertyNames(Object.prototype).sort();

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp({ env: { RATE_LIMITS: 'off' } });
});
afterAll(() => t.close());

const stateOf = () => JSON.stringify(t.runtime.namespaces.dump());
const totalChanges = () => (t.runtime.db.prepare('SELECT total_changes() AS n').get() as { n: number }).n;

interface Case {
  label: string;
  request: InjectOptions;
}

function casesFor(mount: string, method: string, template: string, profile: VendorProfile): Case[] {
  const fill = (values: string[]) => {
    let i = 0;
    return template.replace(/\{[^}]+\}/g, () => values[i++ % values.length] ?? 'x');
  };
  const random = fc.sample(
    fc.record({ params: fc.array(pathValue, { minLength: 1, maxLength: 3 }), query: queryString, body: jsonBody, withAuth: fc.boolean(), badAuth: fc.constantFrom('Bearer nope', 'Basic !!!', 'Bearer ', 'garbage', 'Bearer ' + 'x'.repeat(5000)) }),
    { seed: SEED + template.length, numRuns: RANDOM_CASES_PER_ROUTE },
  );
  const hasBody = method !== 'GET' && method !== 'HEAD';
  const auth = (url: string, body?: string | Buffer) => profile.auth({ method, url, ...(body !== undefined ? { body } : {}), wallNowMs: t.clock.wallNow() });
  const out: Case[] = random.map((r, n) => {
    const url = `${mount}${fill(r.params)}${r.query ? `?${r.query}` : ''}`;
    const payload = hasBody ? JSON.stringify(r.body) : undefined;
    return {
      label: `${method} ${template} random #${n}`,
      request: {
        method: method as InjectOptions['method'],
        url,
        headers: { ...(r.withAuth ? auth(url, payload) : { authorization: r.badAuth }), 'content-type': 'application/json' },
        ...(payload !== undefined ? { payload } : {}),
      },
    };
  });
  if (hasBody) {
    const url = `${mount}${fill(['x'])}`;
    HOSTILE_BODIES.forEach((body, n) =>
      out.push({ label: `${method} ${template} hostile body #${n}`, request: { method: method as InjectOptions['method'], url, headers: { ...auth(url, body.payload), 'content-type': body.contentType }, payload: body.payload } }),
    );
  }
  return out;
}

describe('fuzzing every vendor route', () => {
  it('never answers 500, always in the vendor envelope, and rejected requests change nothing', async () => {
    let cases = 0;
    const failures: string[] = [];
    let dump = '';
    let dumpAt = -1;
    for (const vendor of t.runtime.vendors) {
      const profile = PROFILES[vendor.id]!;
      await profile.prepare?.((opts) => t.app.inject(opts));
      const doc = (await t.app.inject({ method: 'GET', url: `/_emulator/openapi/${vendor.id}.json` })).json() as { paths?: Record<string, unknown> };
      const routes = Object.entries(doc.paths ?? {}).flatMap(([path, item]) => Object.keys(item as object).map((m) => [m.toUpperCase(), path] as const));
      routes.push(['GET', '/no/such/route'], ['DELETE', '/no/such/..%2F..%2Fetc%2Fpasswd']);
      for (const [method, template] of routes) {
        for (const c of casesFor(vendor.mount, method, template, profile)) {
          // The dump is taken again only after a request wrote something (SQLite's total_changes, triggers
          // included): dumping the world around each of ~3,000 cases would be most of this test's time.
          const writesBefore = totalChanges();
          if (dumpAt !== writesBefore) {
            dump = stateOf();
            dumpAt = writesBefore;
          }
          const before = dump;
          const res = await t.app.inject(c.request);
          cases++;
          const problem = (why: string) => failures.push(`${vendor.id} ${c.label}: ${why} (status ${res.statusCode}, body ${res.body.slice(0, 200)})`);
          if (res.statusCode >= 500) problem('server error');
          if (res.statusCode >= 400) {
            envelopeProblems(res, profile).forEach(problem);
            if (totalChanges() !== writesBefore && stateOf() !== before) problem('a rejected request changed the state');
          }
        }
      }
    }
    const perVendor = t.runtime.vendors.map((v) => `${v.id} ${failures.filter((f) => f.startsWith(`${v.id} `)).length}`).join(', ');
    console.log(`fuzz: ${cases} cases across ${t.runtime.vendors.length} vendors, ${failures.length} failures (${perVendor})`);
    // No input may reach Object.prototype (e.g. `__proto__[x]=1` in a nested query parser).
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(PROTOTYPE_KEYS);
    expect(failures.filter((f) => f.startsWith(process.env.FUZZ_ONLY ?? "")).slice(0, 20)).toEqual([]);
  }, 120_000);
});
