import { request as httpRequest, type IncomingMessage } from 'node:http';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestApp } from '../../helpers/use-test-app.js';
import { activate, kos, SEEDED_BUCKET_KRN } from './helpers.js';

/**
 * Issue 15 item 14: a presigned PUT checks the signature and the declared length before it reads
 * the body, then reads it bounded (KRUTRIM_MAX_OBJECT_BYTES): a bogus 10 MiB upload gets its 403
 * while the client is still sending, without the emulator holding the body.
 */
const MAX = 64 * 1024;
const t = useTestApp({ env: { KRUTRIM_MAX_OBJECT_BYTES: String(MAX) }, fresh: 'world' });
let origin: string;
// After useTestApp's beforeAll (hooks run in order): the one app listens for the whole file.
beforeAll(async () => {
  origin = await t.app.listen({ port: 0, host: '127.0.0.1' });
});

async function uploadUrl(key: string): Promise<URL> {
  const s = await activate(t);
  const res = await kos(t, { method: 'PUT', path: `/kos/v1/buckets/${encodeURIComponent(SEEDED_BUCKET_KRN)}/objects`, body: { prefix: key }, headers: { 'x-session-token': s.sessionToken } });
  expect(res.statusCode, res.body).toBe(201);
  const url = new URL(res.json().preSignedUrl);
  return new URL(url.pathname + url.search, origin);
}

/** Starts a PUT with these headers, writes `first` and resolves with the answer, whether or not the body was finished. */
function put(url: URL, headers: Record<string, string | number>, first: Buffer, end: boolean): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: 'PUT', headers: { 'content-type': 'application/octet-stream', ...headers } }, (res: IncomingMessage) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => {
        resolve({ status: res.statusCode!, body });
        req.destroy();
      });
    });
    req.on('error', (err) => ((err as NodeJS.ErrnoException).code === 'ECONNRESET' ? undefined : reject(err)));
    req.write(first);
    if (end) req.end();
  });
}

describe('KOS presigned PUT', () => {
  it('answers 403 for a bad signature while a declared 10 MiB body is still unsent', async () => {
    const url = await uploadUrl('bogus.bin');
    url.searchParams.set('X-Kos-Signature', '0'.repeat(64));
    const res = await put(url, { 'content-length': 10 * 1024 * 1024 }, Buffer.alloc(1024, 7), false);
    expect(res.status).toBe(403);
    expect(JSON.parse(res.body)).toMatchObject({ code: 'SIGNATURE_MISMATCH' });
  });

  // The JSON depth scanner streams large JSON bodies; this route refuses before reading its body, so nobody
  // reads what passes the scanner. A nesting error it raises then must not become an uncaught exception.
  it('refuses a deep JSON body with a bad signature (403) and raises nothing uncaught', async () => {
    const url = await uploadUrl('deep.json');
    url.searchParams.set('X-Kos-Signature', '0'.repeat(64));
    const uncaught: unknown[] = [];
    const onUncaught = (err: unknown) => uncaught.push(err);
    process.on('uncaughtException', onUncaught);
    try {
      const res = await t.app.inject({ method: 'PUT', url: url.pathname + url.search, headers: { 'content-type': 'application/json' }, payload: `${'['.repeat(20_000)}${']'.repeat(20_000)}` });
      expect(res.statusCode).toBe(403);
      expect(res.json()).toMatchObject({ code: 'SIGNATURE_MISMATCH' });
      await new Promise((resolve) => setImmediate(resolve));
      expect(uncaught).toEqual([]);
    } finally {
      process.off('uncaughtException', onUncaught);
    }
  });

  it('answers 413 from the declared length before any byte of the body', async () => {
    const res = await put(await uploadUrl('big.bin'), { 'content-length': MAX + 1 }, Buffer.alloc(0), false);
    expect(res.status).toBe(413);
    expect(JSON.parse(res.body)).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
  });

  it('counts a chunked body as it arrives: over the limit is a 413 and nothing is stored; within it, the bytes are stored', async () => {
    const url = await uploadUrl('chunked.bin');
    const over = await put(url, { 'transfer-encoding': 'chunked' }, Buffer.alloc(MAX + 1, 1), true);
    expect(over.status).toBe(413);
    expect(t.runtime.db.prepare("SELECT count(*) AS n FROM krutrim_objects WHERE object_key = 'chunked.bin'").get()).toEqual({ n: 0 });
    const bytes = Buffer.from('streamed bytes '.repeat(100));
    const ok = await put(url, { 'transfer-encoding': 'chunked' }, bytes, true);
    expect(ok.status, ok.body).toBe(200);
    expect(JSON.parse(ok.body)).toMatchObject({ objectKey: 'chunked.bin', size_bytes: bytes.length });
    const stored = t.runtime.db.prepare("SELECT body FROM krutrim_objects WHERE object_key = 'chunked.bin'").get() as { body: Buffer };
    expect(stored.body.equals(bytes)).toBe(true);
  });
});
