import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TEST_EPOCH, type AppUnderTest } from '../../helpers/build-app.js';
import { useTestApp, type UseTestAppOptions } from '../../helpers/use-test-app.js';
import { activate, expectError, kos, SEEDED_BUCKET_KRN, kosTime, stateDump } from './helpers.js';

const shared = useTestApp({ fresh: 'world' });
/** The app the helpers below talk to: the file's, or the one of a block with other settings (useOwnApp). */
let t: AppUnderTest = shared;

/** Points `t` at an app with these settings for the tests of the enclosing describe. */
function useOwnApp(options: UseTestAppOptions): void {
  const own = useTestApp(options);
  beforeEach(() => {
    t = own;
  });
  afterEach(() => {
    t = shared;
  });
}

const DAY = 24 * 3600 * 1000;
const B = encodeURIComponent(SEEDED_BUCKET_KRN);

/** Opens a session and returns a caller that sends x-session-token on object calls. */
async function session(ns?: string) {
  const s = await activate(t, undefined, ns);
  return (method: 'GET' | 'PUT' | 'POST', path: string, body?: unknown, bucket = B) =>
    kos(t, { method, path: `/kos/v1/buckets/${bucket}/objects${path}`, body, headers: { 'x-session-token': s.sessionToken }, ...(ns ? { ns } : {}) });
}

/** Sends bytes to (or reads from) a presigned URL through app.inject. */
function presigned(url: string, method: 'GET' | 'PUT', body?: Buffer, contentType?: string) {
  const u = new URL(url);
  return t.app.inject({ method, url: u.pathname + u.search, ...(body ? { payload: body } : {}), headers: contentType ? { 'content-type': contentType } : {} });
}

async function upload(call: Awaited<ReturnType<typeof session>>, key: string, bytes: Buffer, contentType = 'application/octet-stream') {
  const res = await call('PUT', '', { prefix: key });
  expect(res.statusCode, res.body).toBe(201);
  const put = await presigned(res.json().preSignedUrl, 'PUT', bytes, contentType);
  expect(put.statusCode, put.body).toBe(200);
  return put.json();
}

describe('the full flow on a real socket', () => {
  it('upload → metadata → download (byte-identical) → rename → copy/move → delete, through presigned URLs', async () => {
    const address = await t.app.listen({ port: 0, host: '127.0.0.1' });
    const base = `${address}/ns/flow/krutrim`;
    const headers = { authorization: 'Bearer krutrim-test-key', 'x-region-id': 'In-Bangalore-1' };
    const call = async (method: string, path: string, body?: unknown, extra: Record<string, string> = {}) => {
      const res = await fetch(`${base}${path}`, { method, headers: { ...headers, ...extra, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) }, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
      const text = await res.text();
      return { status: res.status, json: text ? JSON.parse(text) : undefined };
    };

    const s = await call('POST', '/kos/v1/sessions/activate', { accessKey: 'KOSEMULATOR000000001', secretKey: 'krutrim-emulator-secret-000000000000000001' });
    expect(s.status).toBe(200);
    const st = { 'x-session-token': s.json.sessionToken };
    const src = await call('POST', '/kos/v1/buckets', { name: 'flow-src' });
    const dst = await call('POST', '/kos/v1/buckets', { name: 'flow-dst' });
    const srcKrn = encodeURIComponent(src.json.krn);
    const dstKrn = encodeURIComponent(dst.json.krn);
    const key = 'reports/2026/q1 résumé+final.bin';
    const bytes = Buffer.concat([Buffer.from(Array.from({ length: 256 }, (_, i) => i)), Buffer.from('tail\r\n\0end')]);

    // upload: a presigned PUT URL, absolute, on this host, in this namespace
    const up = await call('PUT', `/kos/v1/buckets/${srcKrn}/objects`, { prefix: key }, st);
    expect(up.status).toBe(201);
    expect(up.json).toMatchObject({ objectKey: key, message: expect.any(String), method: 'PUT', expiresAt: kosTime(TEST_EPOCH + 3600_000) });
    expect(up.json.uploadPreSignedUrl).toBe(up.json.preSignedUrl);
    expect(up.json.preSignedUrl.startsWith(`${address}/ns/flow/krutrim/_objects/`)).toBe(true);
    const put = await fetch(up.json.preSignedUrl, { method: 'PUT', body: bytes, headers: { 'content-type': 'application/x-emulator-test' } });
    expect(put.status).toBe(200);
    const md5 = createHash('md5').update(bytes).digest('hex');
    expect(put.headers.get('etag')).toBe(`"${md5}"`);

    // metadata
    const meta = await call('POST', `/kos/v1/buckets/${srcKrn}/objects/metadata`, { objectkey: key }, st);
    expect(meta.json).toEqual({ key, size_bytes: bytes.length, storage_class: 'STANDARD', etag: md5, lastModified: kosTime(TEST_EPOCH), contentType: 'application/x-emulator-test' });

    // download: byte-identical, content type kept
    const down = await call('POST', `/kos/v1/buckets/${srcKrn}/objects/download`, { objectkey: key }, st);
    expect(down.json).toMatchObject({ objectKey: key, preSignedUrl: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/ns\/flow\/krutrim\/_objects\//) });
    const got = await fetch(down.json.preSignedUrl);
    expect(got.status).toBe(200);
    expect(got.headers.get('content-type')).toBe('application/x-emulator-test');
    expect(Buffer.from(await got.arrayBuffer()).equals(bytes)).toBe(true);

    // rename
    const renamed = await call('POST', `/kos/v1/buckets/${srcKrn}/objects/rename`, { oldKey: key, newKey: 'renamed.bin' }, st);
    expect(renamed.json).toEqual({ message: expect.any(String), oldKey: key, newKey: 'renamed.bin' });
    expect((await call('POST', `/kos/v1/buckets/${srcKrn}/objects/metadata`, { objectkey: key }, st)).status).toBe(404);

    // copy within the bucket, move to the other bucket
    expect((await call('POST', `/kos/v1/buckets/${srcKrn}/objects/move`, { sourceKey: 'renamed.bin', destinationKey: 'copy.bin', action: 'copy' }, st)).json).toMatchObject({ action: 'copy' });
    const moved = await call('POST', `/kos/v1/buckets/${srcKrn}/objects/move`, { sourceKey: 'renamed.bin', destinationKey: 'moved/renamed.bin', action: 'move', destinationBucket: dst.json.krn }, st);
    expect(moved.json).toMatchObject({ action: 'move', sourceKey: 'renamed.bin', destinationKey: 'moved/renamed.bin' });
    expect((await call('GET', `/kos/v1/buckets/${srcKrn}/objects`, undefined, st)).json.map((o: { key: string }) => o.key)).toEqual(['copy.bin']);
    expect((await call('GET', `/kos/v1/buckets/${dstKrn}/objects`, undefined, st)).json).toEqual([{ key: 'moved/', name: 'moved', isFolder: true }]);
    const movedUrl = await call('POST', `/kos/v1/buckets/${dstKrn}/objects/url`, { objectkey: 'moved/renamed.bin' }, st);
    expect(Buffer.from(await (await fetch(movedUrl.json.preSignedUrl)).arrayBuffer()).equals(bytes)).toBe(true);

    // delete, then the buckets can go
    expect((await call('POST', `/kos/v1/buckets/${srcKrn}/objects/delete`, { objectkey: 'copy.bin' }, st)).json).toEqual({ message: expect.any(String), objectKey: 'copy.bin' });
    expect((await call('POST', `/kos/v1/buckets/${dstKrn}/objects/delete`, { objectkey: 'moved/' }, st)).status).toBe(200);
    expect((await fetch(movedUrl.json.preSignedUrl)).status).toBe(404);
    expect((await call('DELETE', `/kos/v1/buckets/${srcKrn}`)).status).toBe(204);
    expect((await call('DELETE', `/kos/v1/buckets/${dstKrn}`)).status).toBe(204);
    // Nothing of it in the default namespace.
    expect(JSON.stringify(await stateDump(t))).not.toContain('flow-src');
  });
});

describe('presigned URLs', () => {
  it('expire on the injected clock (403 URL_EXPIRED), with expires_in chosen by the client', async () => {
    const call = await session();
    const up = (await call('PUT', '', { prefix: 'a.txt', expires_in: 60 })).json();
    expect(up.expiresAt).toBe(kosTime(TEST_EPOCH + 60_000));
    t.clock.advance(60_000);
    expectError(await presigned(up.preSignedUrl, 'PUT', Buffer.from('late')), 403, 'URL_EXPIRED');
    t.clock.advance(-1);
    expect((await presigned(up.preSignedUrl, 'PUT', Buffer.from('in time'), 'text/plain')).statusCode).toBe(200);
    const down = (await call('POST', '/download', { objectkey: 'a.txt' })).json();
    t.clock.advance(3600_000);
    expectError(await presigned(down.preSignedUrl, 'GET'), 403, 'URL_EXPIRED');
  });

  it('refuse a tampered URL with 403 SIGNATURE_MISMATCH (signature, key, bucket, expiry, method, namespace)', async () => {
    const call = await session();
    await upload(call, 'secret/plan.txt', Buffer.from('the plan'), 'text/plain');
    const url = new URL((await call('POST', '/download', { objectkey: 'secret/plan.txt' })).json().preSignedUrl);
    expect((await presigned(url.toString(), 'GET')).body).toBe('the plan');
    const variants: string[] = [];
    const sig = url.searchParams.get('X-Kos-Signature')!;
    const tamper = (f: (u: URL) => void) => {
      const u = new URL(url.toString());
      f(u);
      variants.push(u.toString());
    };
    tamper((u) => u.searchParams.set('X-Kos-Signature', (sig[0] === 'a' ? 'b' : 'a') + sig.slice(1)));
    tamper((u) => u.searchParams.delete('X-Kos-Signature'));
    tamper((u) => (u.pathname = u.pathname.replace('plan.txt', 'other.txt')));
    tamper((u) => u.searchParams.set('X-Kos-Expires', String(Number(u.searchParams.get('X-Kos-Expires')) + 3600)));
    tamper((u) => u.searchParams.set('X-Kos-Method', 'PUT'));
    tamper((u) => (u.pathname = `/ns/elsewhere${u.pathname}`));
    for (const v of variants) expectError(await presigned(v, 'GET'), 403, 'SIGNATURE_MISMATCH');
    // A download URL is not an upload URL.
    expectError(await presigned(url.toString(), 'PUT', Buffer.from('overwrite')), 403, 'SIGNATURE_MISMATCH');
    expect((await presigned(url.toString(), 'GET')).body).toBe('the plan');
  });

  describe('KRUTRIM_MAX_OBJECT_BYTES=1024', () => {
    useOwnApp({ env: { KRUTRIM_MAX_OBJECT_BYTES: '1024' }, fresh: 'world' });
    it('respect KRUTRIM_MAX_OBJECT_BYTES with a 413 in the KOS shape, storing nothing', async () => {
      const call = await session();
      const url = (await call('PUT', '', { prefix: 'big.bin' })).json().preSignedUrl;
      expectError(await presigned(url, 'PUT', Buffer.alloc(2000, 1), 'application/octet-stream'), 413, 'PAYLOAD_TOO_LARGE');
      expectError(await presigned(url, 'PUT', Buffer.alloc(2000, 1), 'application/json'), 413, 'PAYLOAD_TOO_LARGE');
      expect((await call('GET', '')).json()).toEqual([]);
      expect((await presigned(url, 'PUT', Buffer.alloc(1024, 1))).statusCode).toBe(200);
    });
  });

  it('accept any content type (JSON bytes are stored as they are) and an empty body', async () => {
    const call = await session();
    await upload(call, 'raw.json', Buffer.from('{"not": "parsed"'), 'application/json');
    const res = await presigned((await call('POST', '/download', { objectkey: 'raw.json' })).json().preSignedUrl, 'GET');
    expect(res.body).toBe('{"not": "parsed"');
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    await upload(call, 'empty', Buffer.alloc(0));
    expect((await call('POST', '/metadata', { objectKey: 'empty' })).json()).toMatchObject({ size_bytes: 0, etag: createHash('md5').update('').digest('hex') });
  });

  it('404 for a URL whose bucket or object is gone', async () => {
    const call = await session();
    await upload(call, 'gone.txt', Buffer.from('x'));
    const url = (await call('POST', '/url', { objectkey: 'gone.txt' })).json().preSignedUrl;
    await call('POST', '/delete', { objectkey: 'gone.txt' });
    expectError(await presigned(url, 'GET'), 404, 'OBJECT_NOT_FOUND');
    const putUrl = (await call('POST', '/url', { objectkey: 'late.txt', method: 'PUT' })).json().preSignedUrl;
    expect((await kos(t, { method: 'DELETE', path: `/kos/v1/buckets/${B}` })).statusCode).toBe(204);
    expectError(await presigned(putUrl, 'PUT', Buffer.from('x')), 404, 'BUCKET_NOT_FOUND');
  });
});

describe('object operations', () => {
  it('take the Bearer key alone; an x-session-token, when sent, must be active: unknown, expired, deactivated → 401', async () => {
    const list = (token?: string) => kos(t, { method: 'GET', path: `/kos/v1/buckets/${B}/objects`, headers: token ? { 'x-session-token': token } : {} });
    expect((await list()).statusCode).toBe(200);
    expectError(await list('kst_nope'), 401, 'INVALID_SESSION');
    const s = await activate(t);
    expect((await list(s.sessionToken)).statusCode).toBe(200);
    t.clock.advance(3600_000);
    expectError(await list(s.sessionToken), 401, 'SESSION_EXPIRED');
    const s2 = await activate(t);
    await kos(t, { method: 'DELETE', path: `/kos/v1/sessions/deactivate/${s2.sessionToken}` });
    expectError(await list(s2.sessionToken), 401, 'SESSION_EXPIRED');
    const s3 = await activate(t, undefined, 'elsewhere');
    expectError(await list(s3.sessionToken), 401, 'INVALID_SESSION');
  });

  it('lists with prefix: folders as isFolder entries, S3-style delimiter on "/"', async () => {
    const call = await session();
    for (const k of ['a.txt', 'docs/readme.md', 'docs/img/logo.png', 'docs/img/icon.png', 'logs/1.log', 'docs/']) await upload(call, k, Buffer.from(k));
    const keys = async (prefix?: string) => (await call('GET', prefix === undefined ? '' : `?prefix=${encodeURIComponent(prefix)}`)).json();
    const root = await keys();
    expect(root.map((o: { key: string; isFolder: boolean }) => [o.key, o.isFolder])).toEqual([['docs/', true], ['logs/', true], ['a.txt', false]]);
    expect(root[2]).toEqual({ key: 'a.txt', name: 'a.txt', isFolder: false, size_bytes: 5, lastModified: kosTime(TEST_EPOCH), etag: expect.stringMatching(/^[0-9a-f]{32}$/), contentType: 'application/octet-stream', storage_class: 'STANDARD' });
    expect((await keys('docs/')).map((o: { key: string }) => o.key)).toEqual(['docs/img/', 'docs/readme.md']);
    expect((await keys('docs/img/')).map((o: { name: string }) => o.name)).toEqual(['icon.png', 'logo.png']);
    expect(await keys('nothing/')).toEqual([]);
  });

  it('refuse what does not exist or would clash: 404 OBJECT_NOT_FOUND / BUCKET_NOT_FOUND, 409 OBJECT_ALREADY_EXISTS', async () => {
    const call = await session();
    await upload(call, 'one', Buffer.from('1'));
    await upload(call, 'two', Buffer.from('2'));
    expectError(await call('POST', '/metadata', { objectkey: 'nope' }), 404, 'OBJECT_NOT_FOUND');
    expectError(await call('POST', '/download', { objectkey: 'nope' }), 404, 'OBJECT_NOT_FOUND');
    expectError(await call('POST', '/delete', { objectkey: 'nope' }), 404, 'OBJECT_NOT_FOUND');
    expectError(await call('POST', '/rename', { oldKey: 'nope', newKey: 'x' }), 404, 'OBJECT_NOT_FOUND');
    expectError(await call('POST', '/rename', { oldKey: 'one', newKey: 'two' }), 409, 'OBJECT_ALREADY_EXISTS');
    expectError(await call('POST', '/move', { sourceKey: 'one', destinationKey: 'two', action: 'copy' }), 409, 'OBJECT_ALREADY_EXISTS');
    expectError(await call('POST', '/move', { sourceKey: 'one', destinationKey: 'x', destinationBucket: 'nope-bucket' }), 404, 'BUCKET_NOT_FOUND');
    expectError(await call('GET', '', undefined, 'nope-bucket'), 404, 'BUCKET_NOT_FOUND');
    // The bucket is not empty now.
    expectError(await kos(t, { method: 'DELETE', path: `/kos/v1/buckets/${B}` }), 409, 'BUCKET_NOT_EMPTY');
    const bucket = (await kos(t, { method: 'GET', path: `/kos/v1/buckets/${B}` })).json();
    expect(bucket.usedCapacity).toBe(2);
  });

  it('refuse bad object input with 400 and change nothing', async () => {
    const call = await session();
    const before = await stateDump(t);
    expectError(await call('PUT', '', {}), 400, 'BAD_REQUEST');
    expectError(await call('PUT', '', { prefix: '' }), 400, 'BAD_REQUEST');
    expectError(await call('PUT', '', { prefix: 'k', extra: true }), 400, 'BAD_REQUEST');
    expectError(await call('POST', '/download', { key: 'x' }), 400, 'BAD_REQUEST');
    expectError(await call('POST', '/url', { objectkey: 'x', expires_in: 0 }), 400, 'BAD_REQUEST');
    expectError(await call('POST', '/move', { sourceKey: 'a', destinationKey: 'b', action: 'teleport' }), 400, 'BAD_REQUEST');
    expectError(await call('POST', '/rename', '{"oldKey": '), 400, 'INVALID_JSON');
    expect(await stateDump(t)).toEqual(before);
  });

  it('keeps object bytes out of the state dump; reset removes them', async () => {
    const call = await session('objs');
    await upload(call, 'blob.bin', Buffer.from('BYTES-THAT-MUST-NOT-LEAK'));
    const dump = JSON.stringify(await stateDump(t, 'objs'));
    expect(dump).toContain('blob.bin');
    expect(dump).not.toContain('BYTES-THAT-MUST-NOT-LEAK');
    expect(dump).not.toContain(Buffer.from('BYTES-THAT-MUST-NOT-LEAK').toString('base64'));
    expect((await t.app.inject({ method: 'POST', url: '/_emulator/reset?namespace=objs' })).statusCode).toBe(204);
    const rows = t.runtime.db.prepare("SELECT count(*) AS n FROM krutrim_objects WHERE namespace = 'objs'").get() as { n: number };
    expect(rows.n).toBe(0);
  });
});

describe('lifecycle expiration', () => {
  // Sessions outlive the months these tests move through.
  useOwnApp({ env: { KRUTRIM_SESSION_TIMEOUT: '365d' }, fresh: 'world' });

  it('objects older than expiration_days (matching the rule prefix) disappear, on the injected clock', async () => {
    const call = await session();
    await upload(call, 'logs/old.log', Buffer.from('old'));
    await upload(call, 'keep/forever.txt', Buffer.from('keep'));
    const rule = await kos(t, { method: 'POST', path: `/kos/v1/buckets/${B}/lifecycle-rules`, body: { name: 'expire-logs', prefix: 'logs/', expiration_days: 30, attribute: 'last_modified', enabled: true } });
    expect(rule.statusCode).toBe(201);
    const url = (await call('POST', '/download', { objectkey: 'logs/old.log' })).json().preSignedUrl;
    t.clock.advance(10 * DAY);
    await upload(call, 'logs/new.log', Buffer.from('new'));
    t.clock.advance(20 * DAY - 1);
    expect((await call('GET', '?prefix=logs/')).json().map((o: { key: string }) => o.key)).toEqual(['logs/new.log', 'logs/old.log']);
    t.clock.advance(1);
    expect((await call('GET', '?prefix=logs/')).json().map((o: { key: string }) => o.key)).toEqual(['logs/new.log']);
    expectError(await call('POST', '/metadata', { objectkey: 'logs/old.log' }), 404, 'OBJECT_NOT_FOUND');
    expectError(await presigned(url, 'GET'), 403, 'URL_EXPIRED');
    t.clock.advance(10 * DAY);
    expect((await call('GET', '')).json().map((o: { key: string }) => o.key)).toEqual(['keep/']);
    expect((await call('GET', '?prefix=keep/')).json()).toHaveLength(1);
  });

  it('a disabled rule expires nothing', async () => {
    const call = await session();
    await upload(call, 'x.txt', Buffer.from('x'));
    await kos(t, { method: 'POST', path: `/kos/v1/buckets/${B}/lifecycle-rules`, body: { name: 'off', expiration_days: 1, status: 'Disabled' } });
    t.clock.advance(5 * DAY);
    expect((await call('GET', '')).json()).toHaveLength(1);
  });
});

describe('presigned URL base', () => {
  it('carries /ns/<name> when the namespace came from x-emulator-namespace, so the URL lands in the same world', async () => {
    const s = await activate(t, undefined, 'hdr');
    const res = await t.app.inject({
      method: 'PUT', url: `/krutrim/kos/v1/buckets/${B}/objects`, payload: { prefix: 'h.txt' },
      headers: { authorization: 'Bearer krutrim-test-key', 'x-emulator-namespace': 'hdr', 'x-session-token': s.sessionToken, host: 'kos.local:4580' },
    });
    const url = res.json().preSignedUrl as string;
    expect(url.startsWith(`http://kos.local:4580/ns/hdr/krutrim/_objects/`)).toBe(true);
    expect((await presigned(url, 'PUT', Buffer.from('here'))).statusCode).toBe(200);
    expect(JSON.stringify(await stateDump(t, 'hdr'))).toContain('h.txt');
    expect(JSON.stringify(await stateDump(t, 'default'))).not.toContain('h.txt');
  });

  it('has no mount segment when KOS is served at the root of its own port (VENDOR_PORTS)', async () => {
    const { buildApp } = await import('../../../src/app.js');
    const root = await buildApp(t.runtime, { rootVendor: 'krutrim' });
    try {
      const s = (await root.inject({ method: 'POST', url: '/kos/v1/sessions/activate', payload: { accessKey: 'KOSEMULATOR000000001', secretKey: 'krutrim-emulator-secret-000000000000000001' }, headers: { authorization: 'Bearer krutrim-test-key' } })).json();
      const res = await root.inject({ method: 'PUT', url: `/kos/v1/buckets/${B}/objects`, payload: { prefix: 'r.txt' }, headers: { authorization: 'Bearer krutrim-test-key', 'x-session-token': s.sessionToken, host: 'localhost:8400' } });
      const u = new URL(res.json().preSignedUrl);
      expect(u.origin + u.pathname).toMatch(/^http:\/\/localhost:8400\/_objects\/[0-9a-f-]{36}\/r\.txt$/);
      expect((await root.inject({ method: 'PUT', url: u.pathname + u.search, payload: Buffer.from('root') })).statusCode).toBe(200);
    } finally {
      await root.close();
    }
  });
});
