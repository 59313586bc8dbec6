import { describe, expect, it } from 'vitest';
import { buildTestApp, TEST_EPOCH } from '../../helpers/build-app.js';
import { useTestApp } from '../../helpers/use-test-app.js';
import { exoscaleClient } from './client.js';
import { MOUNT, REVOKED_KEY, REVOKED_SECRET, ROOT_KEY, ROOT_SECRET, sign } from './signer.js';

const t = useTestApp({ fresh: 'world' });
const call = exoscaleClient(t);

const url = `${MOUNT}/access-key`;
const root = { key: ROOT_KEY, secret: ROOT_SECRET };

async function raw(method: string, target: string, headers: Record<string, string>, payload?: string) {
  const res = await t.app.inject({ method: method as 'GET', url: target, headers, ...(payload !== undefined ? { payload } : {}) });
  return { status: res.statusCode, body: JSON.parse(res.body) as { message: string }, headers: res.headers };
}

describe('EXO2-HMAC-SHA256 verification on the wire', () => {
  it('a request signed over the full path as sent (/exoscale/v2/...) is accepted', async () => {
    const res = await raw('GET', url, { authorization: sign({ ...root, method: 'GET', url }) });
    expect(res.status).toBe(200);
  });

  it.each([
    ['no Authorization header', {}, 'Missing request signature'],
    ['another scheme', { authorization: 'Bearer token' }, 'Malformed request signature'],
    ['no signature field', { authorization: `EXO2-HMAC-SHA256 credential=${ROOT_KEY},expires=9999999999` }, 'Malformed request signature'],
    ['an unknown key', { authorization: sign({ key: 'EXO0123456789abcdef01234567', secret: ROOT_SECRET, method: 'GET', url }) }, 'Invalid API key'],
    ['the wrong secret', { authorization: sign({ key: ROOT_KEY, secret: 'not-the-secret', method: 'GET', url }) }, 'Invalid request signature'],
    ['the path without the mount prefix', { authorization: sign({ ...root, method: 'GET', url: '/v2/access-key' }) }, 'Invalid request signature'],
    ['another method', { authorization: sign({ ...root, method: 'POST', url }) }, 'Invalid request signature'],
    ['an expired signature', { authorization: sign({ ...root, method: 'GET', url, expires: Math.floor(TEST_EPOCH / 1000) - 1 }) }, 'Request signature has expired'],
    ['a revoked key', { authorization: sign({ key: REVOKED_KEY, secret: REVOKED_SECRET, method: 'GET', url }) }, 'Invalid API key'],
  ])('403 {"message"} for %s', async (_name, headers, message) => {
    const res = await raw('GET', url, headers as Record<string, string>);
    expect(res.status).toBe(403);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.body).toEqual({ message });
  });

  it('a tampered body is refused, and nothing is created', async () => {
    const signedBody = JSON.stringify({ name: 'honest' });
    const authorization = sign({ ...root, method: 'POST', url, body: signedBody });
    const res = await raw('POST', url, { authorization, 'content-type': 'application/json' }, JSON.stringify({ name: 'evil' }));
    expect(res.status).toBe(403);
    expect(res.body).toEqual({ message: 'Invalid request signature' });
    // The same body with different whitespace is different bytes: refused too.
    const spaced = await raw('POST', url, { authorization, 'content-type': 'application/json' }, JSON.stringify({ name: 'honest' }, null, 1));
    expect(spaced.status).toBe(403);
    const list = await call('GET', '/access-key');
    expect(list.body['access-keys'].map((k: { name: string }) => k.name)).not.toContain('evil');
    // The exact signed bytes pass.
    expect((await raw('POST', url, { authorization, 'content-type': 'application/json' }, signedBody)).status).toBe(200);
  });

  it('signed query arguments: accepted as signed, refused when a value is changed or a parameter added', async () => {
    const signedUrl = `${url}?limit=10&label=a%20b`;
    const authorization = sign({ ...root, method: 'GET', url: signedUrl });
    expect(authorization).toContain('signed-query-args=label;limit');
    expect((await raw('GET', signedUrl, { authorization })).status).toBe(200);
    const changed = await raw('GET', `${url}?limit=11&label=a%20b`, { authorization });
    expect(changed.status).toBe(403);
    expect(changed.body.message).toBe('Invalid request signature');
    const added = await raw('GET', `${signedUrl}&extra=1`, { authorization });
    expect(added.status).toBe(403);
    const dropped = await raw('GET', `${url}?limit=10`, { authorization });
    expect(dropped.status).toBe(403);
  });

  it('the emulator clock does not expire signatures: clients date expires from real time', async () => {
    t.clock.advance(30 * 24 * 3600 * 1000);
    expect((await call('GET', '/access-key')).status).toBe(200);
  });
});

describe('namespaces', () => {
  it('the /ns/<name>/ prefix is part of the signed path, and the world there is separate', async () => {
    const created = await call('POST', '/access-key', { body: { name: 'in-ns-a' }, prefix: '/ns/a' });
    expect(created.status).toBe(200);
    const asNew = { key: created.body.key, secret: created.body.secret };
    expect((await call('GET', '/access-key', { prefix: '/ns/a', as: asNew })).status).toBe(200);
    // The key does not exist in another namespace.
    const elsewhere = await call('GET', '/access-key', { prefix: '/ns/b', as: asNew });
    expect(elsewhere.status).toBe(403);
    expect(elsewhere.body).toEqual({ message: 'Invalid API key' });
    expect((await call('GET', '/access-key', { as: asNew })).status).toBe(403);
    expect((await call('GET', `/access-key/${created.body.key}`, { prefix: '/ns/b' })).status).toBe(404);
    // A signature over the path without the /ns prefix does not verify.
    const res = await raw('GET', `/ns/a${url}`, { authorization: sign({ ...root, method: 'GET', url }) });
    expect(res.status).toBe(403);
  });

  it('the x-emulator-namespace header selects a namespace too', async () => {
    const created = await call('POST', '/access-key', { body: { name: 'by-header' }, headers: { 'x-emulator-namespace': 'hdr' } });
    expect(created.status).toBe(200);
    expect((await call('GET', `/access-key/${created.body.key}`, { headers: { 'x-emulator-namespace': 'hdr' } })).status).toBe(200);
    expect((await call('GET', `/access-key/${created.body.key}`)).status).toBe(404);
  });
});

describe('rate limits', () => {
  it('429 {"message"} with Retry-After past the per-credential limit; the window resets with the clock', async () => {
    const limited = await buildTestApp({ env: { RATE_LIMITS: 'exoscale:2' } });
    try {
      const c = exoscaleClient(limited);
      expect((await c('GET', '/access-key')).status).toBe(200);
      expect((await c('GET', '/access-key')).status).toBe(200);
      const third = await c('GET', '/access-key');
      expect(third.status).toBe(429);
      expect(third.headers['retry-after']).toBe('60');
      expect(third.headers['content-type']).toMatch(/^application\/json/);
      expect(third.body).toEqual({ message: expect.any(String) });
      limited.clock.advance(60_000);
      expect((await c('GET', '/access-key')).status).toBe(200);
    } finally {
      await limited.close();
    }
  });

  it('the fixture sets the per-credential limit (requests-per-minute)', async () => {
    const small = await buildTestApp({ fixtures: [{ exoscale: { 'requests-per-minute': 1, 'access-keys': [{ key: ROOT_KEY, secret: ROOT_SECRET, name: 'root' }] } }] });
    try {
      const c = exoscaleClient(small);
      expect((await c('GET', '/access-key')).status).toBe(200);
      expect((await c('GET', '/access-key')).status).toBe(429);
    } finally {
      await small.close();
    }
  });
});

describe('errors on demand and unknown routes', () => {
  it.each([
    ['bad_request', 400],
    ['400', 400],
    ['invalid_signature', 403],
    ['expired_signature', 403],
    ['forbidden', 403],
    ['403', 403],
    ['not_found', 404],
    ['404', 404],
    ['conflict', 409],
    ['409', 409],
    ['rate_limited', 429],
    ['429', 429],
    ['internal_error', 500],
    ['500', 500],
    ['unavailable', 503],
    ['503', 503],
  ])('x-emulator-fault: %s → %d {"message"}', async (fault, status) => {
    const res = await call('GET', '/access-key', { headers: { 'x-emulator-fault': fault } });
    expect(res.status).toBe(status);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.body).toEqual({ message: expect.any(String) });
    if (status === 429) expect(res.headers['retry-after']).toBe('60');
  });

  it('an unknown fault value is a 400 in the vendor envelope', async () => {
    const res = await call('GET', '/access-key', { headers: { 'x-emulator-fault': 'teapot' } });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ message: expect.stringContaining('teapot') });
  });

  it('a fault rule "fail twice, then succeed" on create-access-key', async () => {
    await t.app.inject({ method: 'POST', url: '/_emulator/faults', payload: { vendor: 'exoscale', operation: 'create-access-key', error: 503, times: 2 } });
    expect((await call('POST', '/access-key', { body: { name: 'a' } })).status).toBe(503);
    expect((await call('POST', '/access-key', { body: { name: 'a' } })).status).toBe(503);
    expect((await call('POST', '/access-key', { body: { name: 'a' } })).status).toBe(200);
  });

  it('an unknown route under the mount is a 404 {"message"}', async () => {
    const res = await call('GET', '/instance');
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ message: 'Endpoint not found: GET /instance' });
  });
});
