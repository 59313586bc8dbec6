import { describe, expect, it } from 'vitest';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { buildTestApp, TEST_EPOCH } from './helpers/build-app.js';
import { TOY_FIXTURE, toyDatabase, toyVendor } from './helpers/toy-vendor.js';
import { useTestApp } from './helpers/use-test-app.js';

// One app for the file; each test starts from a freshly seeded emulator (the state dump, reset and the
// journal are looked at whole). Tests that need other settings build their own app (withApp).
const t = useTestApp({ vendors: [toyVendor], db: toyDatabase(), fixtures: [TOY_FIXTURE], fresh: 'world' });
const auth = { authorization: 'Bearer toy-token' };
const build = (env: Record<string, string> = {}) => buildTestApp({ vendors: [toyVendor], db: toyDatabase(), fixtures: [TOY_FIXTURE], env });

/** Runs `use` against an app of its own, built with these settings, and closes it. */
async function withApp(env: Record<string, string>, use: (inject: (opts: InjectOptions) => Promise<LightMyRequestResponse>) => Promise<void>): Promise<void> {
  const own = await build(env);
  try {
    await use((opts) => own.app.inject(opts));
  } finally {
    await own.close();
  }
}

const inject = (opts: InjectOptions) => t.inject(opts);

describe('health and openapi', () => {
  it('reports ok with the vendors and version', async () => {
    const res = await inject({ method: 'GET', url: '/_emulator/health' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'ok', vendors: ['toy'], version: expect.any(String), uptimeMs: expect.any(Number) });
  });

  it("serves each vendor's OpenAPI document with its mount stripped, and 404s an unknown one", async () => {
    const doc = (await inject({ method: 'GET', url: '/_emulator/openapi/toy.json' })).json();
    expect(doc.servers[0].url).toBe('/toy/v1');
    expect(Object.keys(doc.paths).sort()).toEqual(['/explode', '/items', '/items/{id}']);
    expect(doc.paths['/items'].post.operationId).toBe('createItem');
    expect((await inject({ method: 'GET', url: '/_emulator/openapi/nope.json' })).statusCode).toBe(404);
  });
});

describe('GET / and /docs', () => {
  it('GET / points at the docs, the health endpoint and each vendor', async () => {
    const res = await inject({ method: 'GET', url: '/' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      name: 'accesskey-emulator', version: expect.any(String), docs: '/docs', health: '/_emulator/health',
      vendors: { toy: { baseUrl: '/toy/v1', openapi: '/_emulator/openapi/toy.json' } },
    });
  });

  it('/docs/json is not a merged document: it names the per-vendor ones', async () => {
    const res = await inject({ method: 'GET', url: '/docs/json' });
    expect(res.statusCode).toBe(404);
    expect(res.json().error.message).toContain('/_emulator/openapi/toy.json');
  });
});

describe('namespaces', () => {
  it('isolates worlds chosen by path prefix or header, each seeded on first use', async () => {
    const created = await inject({ method: 'POST', url: '/ns/one/toy/v1/items', headers: auth, payload: { name: 'only-in-one' } });
    expect(created.statusCode).toBe(201);
    const id = created.json().id;
    expect((await inject({ method: 'GET', url: `/ns/one/toy/v1/items/${id}`, headers: auth })).statusCode).toBe(200);
    expect((await inject({ method: 'GET', url: `/toy/v1/items/${id}`, headers: { ...auth, 'x-emulator-namespace': 'one' } })).statusCode).toBe(200);
    expect((await inject({ method: 'GET', url: `/ns/two/toy/v1/items/${id}`, headers: auth })).statusCode).toBe(404);
    // Both given: the path prefix wins (README "Namespaces").
    expect((await inject({ method: 'GET', url: `/ns/one/toy/v1/items/${id}`, headers: { ...auth, 'x-emulator-namespace': 'two' } })).statusCode).toBe(200);
    expect((await inject({ method: 'GET', url: `/ns/two/toy/v1/items/${id}`, headers: { ...auth, 'x-emulator-namespace': 'one' } })).statusCode).toBe(404);
    expect((await inject({ method: 'GET', url: `/toy/v1/items/${id}`, headers: auth })).statusCode).toBe(404);
    expect((await inject({ method: 'GET', url: '/ns/two/toy/v1/items/item_seeded', headers: auth })).statusCode).toBe(200);
  });

  it('refuses an invalid namespace name in the vendor envelope', async () => {
    const res = await inject({ method: 'GET', url: '/toy/v1/items/x', headers: { ...auth, 'x-emulator-namespace': '../etc' } });
    expect(res.statusCode).toBe(400);
    expect(res.json().fault.message).toMatch(/Invalid emulator namespace/);
  });

  it('stops creating namespaces at MAX_NAMESPACES with a clear error', async () => {
    await withApp({ MAX_NAMESPACES: '2' }, async (inject) => {
      expect((await inject({ method: 'GET', url: '/ns/a/toy/v1/items/item_seeded', headers: auth })).statusCode).toBe(200);
      const refused = await inject({ method: 'GET', url: '/ns/b/toy/v1/items/item_seeded', headers: auth });
      expect(refused.statusCode).toBe(503);
      expect(refused.json().fault.message).toMatch(/MAX_NAMESPACES/);
    });
  });
});

describe('reset, fixtures and state', () => {
  it('reset of one namespace wipes and re-seeds it, leaving others alone', async () => {
    const a = (await inject({ method: 'POST', url: '/ns/a/toy/v1/items', headers: auth, payload: { name: 'x' } })).json().id;
    const b = (await inject({ method: 'POST', url: '/ns/b/toy/v1/items', headers: auth, payload: { name: 'y' } })).json().id;
    expect((await inject({ method: 'POST', url: '/_emulator/reset?namespace=a' })).statusCode).toBe(204);
    expect((await inject({ method: 'GET', url: `/ns/a/toy/v1/items/${a}`, headers: auth })).statusCode).toBe(404);
    expect((await inject({ method: 'GET', url: '/ns/a/toy/v1/items/item_seeded', headers: auth })).statusCode).toBe(200);
    expect((await inject({ method: 'GET', url: `/ns/b/toy/v1/items/${b}`, headers: auth })).statusCode).toBe(200);
    await inject({ method: 'POST', url: '/_emulator/reset' });
    expect((await inject({ method: 'GET', url: `/ns/b/toy/v1/items/${b}`, headers: auth })).statusCode).toBe(404);
    expect(Object.keys((await inject({ method: 'GET', url: '/_emulator/state' })).json().namespaces)).toEqual(['b', 'default']);
  });

  it('reset by vendor re-seeds that vendor in every namespace', async () => {
    const a = (await inject({ method: 'POST', url: '/toy/v1/items', headers: auth, payload: { name: 'x' } })).json().id;
    expect((await inject({ method: 'POST', url: '/_emulator/reset?vendor=toy' })).statusCode).toBe(204);
    expect((await inject({ method: 'GET', url: `/toy/v1/items/${a}`, headers: auth })).statusCode).toBe(404);
    expect((await inject({ method: 'GET', url: '/toy/v1/items/item_seeded', headers: auth })).statusCode).toBe(200);
    expect((await inject({ method: 'POST', url: '/_emulator/reset?vendor=aws' })).statusCode).toBe(400);
  });

  it('loads a fixture into a namespace with counts; a bad one is refused whole with its JSON path', async () => {
    const ok = await inject({ method: 'POST', url: '/_emulator/fixtures?namespace=f', payload: { toy: { items: [{ id: 'item_f', name: 'f', secret: 's' }] } } });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toEqual({ namespace: 'f', loaded: { toy: { items: 1 } } });
    const bad = await inject({ method: 'POST', url: '/_emulator/fixtures?namespace=g', payload: { toy: { items: [{ id: 'item_g', name: 'g', secret: 's' }, { id: 'item_h', name: 5 }] } } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.message).toMatch(/request body: \$\.toy\.items\[1\]\.name/);
    const dup = await inject({ method: 'POST', url: '/_emulator/fixtures?namespace=f', payload: { toy: { items: [{ id: 'item_new', name: 'n', secret: 's' }, { id: 'item_f', name: 'f', secret: 's' }] } } });
    expect(dup.statusCode).toBe(409);
    const state = (await inject({ method: 'GET', url: '/_emulator/state?namespace=f' })).json();
    expect(state.namespaces.f.toy.toy_items.map((r: { id: string }) => r.id).sort()).toEqual(['item_f', 'item_seeded']);
    expect((await inject({ method: 'GET', url: '/_emulator/state?namespace=g' })).json().namespaces).toEqual({});
  });

  it('dumps state without secrets', async () => {
    const created = (await inject({ method: 'POST', url: '/toy/v1/items', headers: auth, payload: { name: 'x' } })).json();
    const dump = (await inject({ method: 'GET', url: '/_emulator/state' })).body;
    expect(dump).toContain(created.id);
    expect(dump).not.toContain(created.secret);
    expect(dump).not.toContain('seeded-secret-value');
  });
});

describe('clock and transitions', () => {
  it('advances, sets and freezes the clock; state moves with it', async () => {
    expect((await inject({ method: 'GET', url: '/_emulator/clock' })).json()).toMatchObject({ nowMs: TEST_EPOCH, frozen: true });
    expect((await inject({ method: 'GET', url: '/toy/v1/items/item_seeded', headers: auth })).json().state).toBe('pending');
    const moved = await inject({ method: 'POST', url: '/_emulator/clock', payload: { advance: '5s' } });
    expect(moved.json().nowMs).toBe(TEST_EPOCH + 5000);
    expect((await inject({ method: 'GET', url: '/toy/v1/items/item_seeded', headers: auth })).json().state).toBe('ready');
    expect((await inject({ method: 'POST', url: '/_emulator/clock', payload: { set: '2030-01-01T00:00:00Z' } })).json().now).toBe('2030-01-01T00:00:00.000Z');
    expect((await inject({ method: 'POST', url: '/_emulator/clock', payload: { advance: 'soon' } })).statusCode).toBe(400);
    expect((await inject({ method: 'POST', url: '/_emulator/clock', payload: { set: 'yesterday' } })).statusCode).toBe(400);
  });

  it('lists and sets transition policies', async () => {
    const list = (await inject({ method: 'GET', url: '/_emulator/transitions' })).json();
    expect(list.transitions).toEqual([{ name: 'toy.item.ready', description: 'item becomes ready', policy: 'delay:5s', default: 'delay:5s' }]);
    expect((await inject({ method: 'POST', url: '/_emulator/transitions', payload: { 'toy.*': 'reads:2' } })).json().transitions[0].policy).toBe('reads:2');
    const states = [];
    for (let i = 0; i < 2; i++) states.push((await inject({ method: 'GET', url: '/toy/v1/items/item_seeded', headers: auth })).json().state);
    expect(states).toEqual(['pending', 'ready']);
    expect((await inject({ method: 'POST', url: '/_emulator/transitions', payload: { 'toy.item.ready': 'later' } })).statusCode).toBe(400);
    expect((await inject({ method: 'POST', url: '/_emulator/transitions', payload: { nope: 'immediate' } })).statusCode).toBe(400);
  });

  it('takes TRANSITIONS from the configuration', async () => {
    await withApp({ TRANSITIONS: 'immediate' }, async (inject) => {
      expect((await inject({ method: 'GET', url: '/toy/v1/items/item_seeded', headers: auth })).json().state).toBe('ready');
    });
  });
});

describe('faults', () => {
  it('forces a vendor error by code or status with the header, before auth, changing nothing', async () => {
    const byCode = await inject({ method: 'POST', url: '/toy/v1/items', payload: { name: 'n' }, headers: { 'x-emulator-fault': 'slow_down' } });
    expect(byCode.statusCode).toBe(429);
    expect(byCode.headers['x-toy-error']).toBe('slow_down');
    const byStatus = await inject({ method: 'GET', url: '/toy/v1/items/item_seeded', headers: { ...auth, 'x-emulator-fault': '503' } });
    expect(byStatus.statusCode).toBe(503);
    expect(byStatus.json().fault.code).toBe('unavailable');
    const unknown = await inject({ method: 'GET', url: '/toy/v1/items/item_seeded', headers: { ...auth, 'x-emulator-fault': 'no_such_code' } });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().fault.message).toMatch(/Unknown x-emulator-fault/);
    expect((await inject({ method: 'GET', url: '/_emulator/state' })).json().namespaces.default.toy.toy_items).toHaveLength(1);
  });

  it('rules: fail twice after one success, then succeed; outcome passed to the vendor; cleared by DELETE', async () => {
    const rule = await inject({ method: 'POST', url: '/_emulator/faults', payload: { vendor: 'toy', operation: 'getItem', error: 503, after: 1, times: 2 } });
    expect(rule.statusCode).toBe(201);
    expect(rule.json()).toMatchObject({ id: expect.any(String), matched: 0, fired: 0 });
    const codes = [];
    for (let i = 0; i < 4; i++) codes.push((await inject({ method: 'GET', url: '/toy/v1/items/item_seeded', headers: auth })).statusCode);
    expect(codes).toEqual([200, 503, 503, 200]);
    await inject({ method: 'POST', url: '/_emulator/faults', payload: { path: '/items/*', outcome: 'FAILED' } });
    expect((await inject({ method: 'GET', url: '/toy/v1/items/item_seeded', headers: auth })).json().outcome).toBe('FAILED');
    expect((await inject({ method: 'GET', url: '/_emulator/faults' })).json().faults).toHaveLength(2);
    expect((await inject({ method: 'DELETE', url: '/_emulator/faults' })).statusCode).toBe(204);
    expect((await inject({ method: 'GET', url: '/_emulator/faults' })).json().faults).toEqual([]);
    expect((await inject({ method: 'POST', url: '/_emulator/faults', payload: { vendor: 'toy' } })).statusCode).toBe(400);
  });
});

describe('delays', () => {
  const timed = async (opts: InjectOptions) => {
    const t0 = performance.now();
    const res = await inject(opts);
    return { res, ms: performance.now() - t0 };
  };

  it('x-emulator-delay holds one request for that many milliseconds (real time: what a client timeout sees)', async () => {
    const { res, ms } = await timed({ method: 'GET', url: '/toy/v1/items/item_seeded', headers: { ...auth, 'x-emulator-delay': '80' } });
    expect(res.statusCode).toBe(200);
    expect(ms).toBeGreaterThanOrEqual(75);
    const [entry] = (await inject({ method: 'GET', url: '/_emulator/requests' })).json().requests.slice(-1);
    expect(entry.durationMs).toBeGreaterThanOrEqual(75);
  });

  it('a fault rule with delayMs delays the requests it matches, and only those', async () => {
    await inject({ method: 'POST', url: '/_emulator/faults', payload: { vendor: 'toy', operation: 'getItem', delayMs: 80, times: 1 } });
    const delayed = await timed({ method: 'GET', url: '/toy/v1/items/item_seeded', headers: auth });
    expect(delayed.res.statusCode).toBe(200);
    expect(delayed.ms).toBeGreaterThanOrEqual(75);
    expect((await inject({ method: 'GET', url: '/_emulator/faults' })).json().faults[0]).toMatchObject({ fired: 1 });
  });

  it('refuses a malformed x-emulator-delay in the vendor envelope, changing nothing', async () => {
    // 60001: over the 60 s cap, refused like the rest (not silently capped).
    for (const value of ['soon', '-5', '1e3', '12.5', '99999999999', '60001', '999999999']) {
      const res = await inject({ method: 'POST', url: '/toy/v1/items', payload: { name: 'n' }, headers: { ...auth, 'x-emulator-delay': value } });
      expect(res.statusCode, value).toBe(400);
      expect(res.json().fault.message).toContain('Invalid x-emulator-delay');
    }
    expect((await inject({ method: 'GET', url: '/_emulator/state' })).json().namespaces.default.toy.toy_items).toHaveLength(1);
  });
});

describe('fault rules with names no vendor knows', () => {
  // The real vendors (their codes and operation ids); each test in a namespace of its own, rules put back.
  const real = useTestApp();
  const post = async (payload: object) => real.app.inject({ method: 'POST', url: '/_emulator/faults', payload });

  it.each([
    [{ vendor: 'ionos', operation: 'accesskeysPots', error: 503 }, /operation: unknown "accesskeysPots" for ionos\. Operation ids: ionos: .*accesskeysPost/],
    [{ operation: 'nosuchOperation', error: 503 }, /operation: unknown "nosuchOperation"\. Operation ids: katapult: .*; krutrim: .*listAccessKeys/],
    [{ vendor: 'katapult', error: 'no_such_error' }, /error: "no_such_error" is not a katapult error code .*katapult codes: .*scope_not_granted/],
    [{ vendor: 'ionos', error: 418 }, /error: "418" is not a ionos error code or an HTTP status it answers\. ionos codes: paas-/],
    [{ error: 'paas-auth-1' }, /the rule names no vendor, so it must suit every one; add vendor/],
    [{ vendor: 'aws', error: 503 }, /vendor: unknown "aws": one of katapult, ionos, exoscale, ibm, krutrim/],
  ])('%j is refused with 400 and the valid names, adding no rule', async (payload, message) => {
    const res = await post(payload);
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json().error).toMatchObject({ code: 'invalid_request', message: expect.stringMatching(message) });
    expect((await real.app.inject({ method: 'GET', url: '/_emulator/faults' })).json().faults).toEqual([]);
  });

  it('accepts known names: a code or status of the vendor, an operation of any vendor', async () => {
    expect((await post({ vendor: 'ionos', operation: 'accesskeysPost', error: 'paas-quota-1' })).statusCode).toBe(201);
    expect((await post({ operation: 'accesskeysPost', error: 503 })).statusCode).toBe(201);
    expect((await post({ vendor: 'krutrim', error: 'BUCKET_NOT_FOUND', times: 1 })).statusCode).toBe(201);
    expect((await post({ error: 503 })).statusCode).toBe(201);
  });
});

describe('rate limits', () => {
  it('limits per credential per minute on the injected clock, with Retry-After in the vendor shape', async () => {
    const statuses = [];
    for (let i = 0; i < 6; i++) statuses.push((await inject({ method: 'GET', url: '/toy/v1/items/item_seeded', headers: auth })).statusCode);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
    const limited = await inject({ method: 'GET', url: '/toy/v1/items/item_seeded', headers: auth });
    expect(limited.headers['retry-after']).toBe('60');
    expect(limited.json().fault.code).toBe('slow_down');
    expect((await inject({ method: 'GET', url: '/ns/other/toy/v1/items/item_seeded', headers: auth })).statusCode).toBe(200);
    t.clock.advance(60_000);
    expect((await inject({ method: 'GET', url: '/toy/v1/items/item_seeded', headers: auth })).statusCode).toBe(200);
  });

  it('RATE_LIMITS overrides a credential limit, and off turns limiting off', async () => {
    await withApp({ RATE_LIMITS: 'off' }, async (inject) => {
      for (let i = 0; i < 8; i++) expect((await inject({ method: 'GET', url: '/toy/v1/items/item_seeded', headers: auth })).statusCode).toBe(200);
    });
  });
});

describe('bad input and errors in the vendor envelope', () => {
  it('malformed JSON, schema violations, unknown routes, huge bodies and crashes never leak a Fastify body', async () => {
    const cases = [
      [{ method: 'POST', url: '/toy/v1/items', headers: { ...auth, 'content-type': 'application/json' }, payload: '{"name":' }, 400],
      [{ method: 'POST', url: '/toy/v1/items', headers: { ...auth, 'content-type': 'application/json' }, payload: '{"__proto__":{"x":1},"name":"a"}' }, 400],
      [{ method: 'POST', url: '/toy/v1/items', headers: auth, payload: { name: 5 } }, 400],
      [{ method: 'POST', url: '/toy/v1/items', headers: auth, payload: { name: 'a', extra: true } }, 400],
      [{ method: 'GET', url: '/toy/v1/nowhere', headers: auth }, 404],
      [{ method: 'POST', url: '/toy/v1/items', headers: auth, payload: { name: 'x'.repeat(2 * 1024 * 1024) } }, 413],
      [{ method: 'GET', url: '/toy/v1/explode', headers: auth }, 500],
    ] as const;
    for (const [request, status] of cases) {
      const res = await inject(request as never);
      expect(res.statusCode, JSON.stringify(request).slice(0, 80)).toBe(status);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.json().fault.status).toBe(status);
    }
    const validation = await inject({ method: 'POST', url: '/toy/v1/items', headers: auth, payload: { name: 5 } });
    expect(validation.json().fault.detail.issues[0].path).toEqual(['body', 'name']);
    expect((await inject({ method: 'GET', url: '/_emulator/state' })).json().namespaces.default.toy.toy_items).toHaveLength(1);
  });
});

describe('journal', () => {
  it('records method, path, vendor, operation, status and namespace, and never a secret', async () => {
    const created = (await inject({ method: 'POST', url: '/ns/j/toy/v1/items', headers: auth, payload: { name: 'n' } })).json();
    await inject({ method: 'GET', url: '/toy/v1/nowhere', headers: auth });
    const all = (await inject({ method: 'GET', url: '/_emulator/requests?vendor=toy' })).json();
    expect(all.requests.map((r: { operation: string | null; status: number; namespace: string; path: string }) => [r.operation, r.status, r.namespace, r.path])).toEqual([
      ['createItem', 201, 'j', '/items'],
      [null, 404, 'default', '/nowhere'],
    ]);
    expect(JSON.stringify(all)).not.toContain(created.secret);
    expect((await inject({ method: 'GET', url: '/_emulator/requests?namespace=j' })).json().count).toBe(1);
    expect((await inject({ method: 'DELETE', url: '/_emulator/requests?namespace=j' })).statusCode).toBe(204);
    expect((await inject({ method: 'GET', url: '/_emulator/requests' })).json().requests.map((r: { path: string }) => r.path)).toEqual(['/nowhere']);
  });
});

describe('CONTROL_TOKEN', () => {
  it('protects every control route when set', async () => {
    await withApp({ CONTROL_TOKEN: 'sesame' }, async (inject) => {
      for (const [method, url] of [['GET', '/_emulator/health'], ['POST', '/_emulator/reset'], ['GET', '/_emulator/state'], ['GET', '/_emulator/requests'], ['POST', '/_emulator/clock'], ['GET', '/_emulator/faults'], ['GET', '/_emulator/transitions'], ['POST', '/_emulator/fixtures']] as const) {
        const res = await inject({ method, url, headers: { 'x-emulator-token': 'wrong' } });
        expect(res.statusCode, url).toBe(401);
        expect(res.json().error.code).toBe('unauthorized');
      }
      expect((await inject({ method: 'GET', url: '/_emulator/health', headers: { 'x-emulator-token': 'sesame' } })).statusCode).toBe(200);
    });
  });

  it('leaves the OpenAPI documents, Swagger UI and GET / open: they hold no state, and Swagger UI cannot send the token', async () => {
    await withApp({ CONTROL_TOKEN: 'sesame' }, async (inject) => {
      const doc = await inject({ method: 'GET', url: '/_emulator/openapi/toy.json' });
      expect(doc.statusCode).toBe(200);
      expect(doc.json().servers[0].url).toBe('/toy/v1');
      const ui = await inject({ method: 'GET', url: '/docs/' });
      expect(ui.statusCode).toBe(200);
      expect(ui.headers['content-type']).toMatch(/text\/html/);
      const initializer = await inject({ method: 'GET', url: '/docs/static/swagger-initializer.js' });
      expect(initializer.statusCode).toBe(200);
      expect(initializer.body).toContain('/_emulator/openapi/toy.json');
      expect((await inject({ method: 'GET', url: '/' })).statusCode).toBe(200);
    });
  });
});

describe('MAX_OBJECTS_PER_NAMESPACE', () => {
  it('refuses the create that would pass the bound, in the vendor envelope, writing nothing; other namespaces are unaffected', async () => {
    // The seeded item and token are two of the four objects.
    await withApp({ MAX_OBJECTS_PER_NAMESPACE: '4' }, async (inject) => {
      const statuses = [];
      for (let i = 0; i < 3; i++) statuses.push((await inject({ method: 'POST', url: '/toy/v1/items', headers: auth, payload: { name: `n${i}` } })).statusCode);
      expect(statuses).toEqual([201, 201, 503]);
      const full = await inject({ method: 'POST', url: '/toy/v1/items', headers: auth, payload: { name: 'more' } });
      expect(full.json().fault.message).toMatch(/MAX_OBJECTS_PER_NAMESPACE/);
      expect((await inject({ method: 'GET', url: '/_emulator/state?namespace=default' })).json().namespaces.default.toy.toy_items).toHaveLength(3);
      expect((await inject({ method: 'POST', url: '/ns/other/toy/v1/items', headers: auth, payload: { name: 'x' } })).statusCode).toBe(201);
      const fixture = await inject({ method: 'POST', url: '/_emulator/fixtures', payload: { toy: { items: [{ id: 'item_z', name: 'z', secret: 's' }] } } });
      expect(fixture.statusCode).toBe(507);
      expect(fixture.json().error.code).toBe('namespace_full');
      // A reset frees the room again.
      await inject({ method: 'POST', url: '/_emulator/reset?namespace=default' });
      expect((await inject({ method: 'POST', url: '/toy/v1/items', headers: auth, payload: { name: 'again' } })).statusCode).toBe(201);
    });
  });
});

describe('URLs that fail before routing', () => {
  it('answer a malformed escape or an over-long parameter in the vendor envelope', async () => {
    for (const url of ['/toy/v1/items/%zz', `/toy/v1/items/${'x'.repeat(9000)}`]) {
      const res = await inject({ method: 'GET', url, headers: auth });
      expect(res.statusCode).toBe(400);
      expect(res.json().fault.code).toBe('bad_request');
    }
    const outside = await inject({ method: 'GET', url: '/nowhere/%zz' });
    expect(outside.statusCode).toBe(400);
    expect(outside.json().error.code).toBe('bad_request');
  });
});
