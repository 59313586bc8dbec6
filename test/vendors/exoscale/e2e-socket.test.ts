import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../helpers/build-app.js';
import { ROOT_KEY, ROOT_SECRET, sign } from './signer.js';

/**
 * End to end on a real socket, the way a vendor client does it: base URL
 * `http://127.0.0.1:<port>/ns/<name>/exoscale/v2`, every request signed by the test suite's own
 * EXO2-HMAC-SHA256 signer over the path it sends. create → list → revoke → poll → 404.
 */
let t: TestApp;
let origin: string;
beforeAll(async () => {
  t = await buildTestApp();
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  origin = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
});
afterAll(() => t.close());

function client(basePath: string, key: string, secret: string) {
  return async (method: string, path: string, body?: unknown) => {
    const url = `${basePath}${path}`;
    const text = body === undefined ? undefined : JSON.stringify(body);
    // The client dates `expires` from its own clock; the test app's real time is t.clock.wallNow().
    const authorization = sign({ key, secret, method, url, ...(text !== undefined ? { body: text } : {}), expires: Math.floor(t.clock.wallNow() / 1000) + 600 });
    const res = await fetch(`${origin}${url}`, {
      method,
      headers: { authorization, ...(text !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(text !== undefined ? { body: text } : {}),
    });
    expect(res.headers.get('content-type')).toMatch(/json/);
    return { status: res.status, body: (await res.json()) as any };
  };
}

describe.each([
  ['the default namespace', '/exoscale/v2'],
  ['a /ns/ prefix', '/ns/e2e-socket/exoscale/v2'],
])('Exoscale on a real socket (%s)', (_name, basePath) => {
  it('create → list → revoke → poll the operation → get 404', async () => {
    const root = client(basePath, ROOT_KEY, ROOT_SECRET);

    const created = await root('POST', '/access-key', { name: 'e2e', operations: ['list-access-keys', 'get-access-key'] });
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({ name: 'e2e', type: 'restricted', version: 'v2' });
    const { key, secret } = created.body as { key: string; secret: string };
    expect(key).toMatch(/^EXO[0-9a-f]{24}$/);
    expect(secret).toHaveLength(43);

    // The new key signs its own requests.
    const own = client(basePath, key, secret);
    const list = await own('GET', '/access-key');
    expect(list.status).toBe(200);
    const listed = (list.body['access-keys'] as Array<{ key: string; secret?: string }>).find((k) => k.key === key);
    expect(listed).toEqual({ name: 'e2e', key, type: 'restricted', version: 'v2', operations: ['list-access-keys', 'get-access-key'] });
    expect(JSON.stringify(list.body)).not.toContain(secret);
    // … and is limited to its operations.
    expect((await own('DELETE', `/access-key/${ROOT_KEY}`)).status).toBe(403);

    const revoke = await root('DELETE', `/access-key/${key}`);
    expect(revoke.status).toBe(200);
    expect(revoke.body.state).toBe('pending');

    // Poll as egoscale does, moving the emulator's clock instead of sleeping.
    let operation = revoke.body as { id: string; state: string };
    for (let polls = 0; operation.state === 'pending' && polls < 10; polls++) {
      t.clock.advance(250);
      operation = (await root('GET', `/operation/${revoke.body.id}`)).body;
    }
    expect(operation).toEqual({ id: revoke.body.id, state: 'success', reference: { link: `/v2/access-key/${key}`, command: 'get-access-key' } });

    const gone = await root('GET', `/access-key/${key}`);
    expect(gone.status).toBe(404);
    expect(gone.body).toEqual({ message: expect.any(String) });
    expect((await own('GET', '/access-key')).status).toBe(403);
  });
});
