import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { buildTestApp, type TestApp } from '../helpers/build-app.js';
import { PROFILES } from './vendor-profiles.js';

/**
 * Issue 15 items 1, 9 and 13 on a real socket: what Node's HTTP layer refuses (a huge head, bad chunking,
 * TE with CL, a request that never finishes arriving, a body over the limit announced up front) is
 * answered in JSON, in the vendor's envelope under a vendor mount, and the process keeps serving.
 */
let t: TestApp;
let port = 0;
beforeAll(async () => {
  // Short timeouts so a stalled request is cut soon; the tests wait for the 408, never for a deadline.
  t = await buildTestApp({ env: { REQUEST_TIMEOUT: '300ms', HEADERS_TIMEOUT: '300ms' } });
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  port = (t.app.server.address() as { port: number }).port;
});
afterAll(() => t.close());

interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Writes raw bytes and reads until the server closes the connection (it does after each of these errors). */
function raw(bytes: string | Buffer): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (c) => chunks.push(c));
    socket.on('error', reject);
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const [head = '', ...rest] = text.split('\r\n\r\n');
      const [statusLine = '', ...lines] = head.split('\r\n');
      const headers = Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]));
      resolve({ status: Number(statusLine.split(' ')[1]), headers, body: rest.join('\r\n\r\n') });
    });
    socket.write(bytes);
  });
}

const json = (res: RawResponse) => JSON.parse(res.body);
const health = async () => (await fetch(`http://127.0.0.1:${port}/_emulator/health`)).status;

describe('HTTP-layer errors (item 13)', () => {
  const bigHead = (path: string) => `GET ${path} HTTP/1.1\r\nHost: x\r\nX-Pad: ${'a'.repeat(20_000)}\r\n\r\n`;

  it.each([
    ['ionos', '/ionos/accesskeys'],
    ['krutrim', '/ns/other/krutrim/kos/v1/access_keys'],
    ['ibm', '/ibm/credentials'],
    ['katapult', '/katapult/core/v1/organizations/organization/object_storage/access_keys'],
    ['exoscale', '/exoscale/v2/access-key'],
  ])('a head over 16 KiB under the %s mount is a 431 in its envelope', async (id, path) => {
    const res = await raw(bigHead(path));
    expect(res.status).toBe(431);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(PROFILES[id]!.isErrorEnvelope(json(res), 431), res.body).toBe(true);
    expect(res.body).toContain('16 KiB');
  });

  it('outside a vendor mount it is JSON naming the problem', async () => {
    const res = await raw(bigHead('/_emulator/health'));
    expect(res.status).toBe(431);
    expect(json(res)).toEqual({ error: { code: 'header_too_large', message: expect.stringContaining('16 KiB') } });
  });

  it.each([
    ['bad chunking', 'POST /krutrim/kos/v1/access_keys HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n', 'chunk size'],
    ['Transfer-Encoding with Content-Length', 'POST /krutrim/kos/v1/access_keys HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n', 'Content-Length'],
    ['a bad header character', 'GET /krutrim/kos/v1/access_keys HTTP/1.1\r\nHost: x\r\nBad Header: 1\r\n\r\n', 'header'],
  ])('%s is a KOS 400 naming it', async (_label, bytes, named) => {
    const res = await raw(bytes);
    expect(res.status, res.body).toBe(400);
    expect(json(res), res.body).toMatchObject({ code: 'BAD_REQUEST', statusCode: 400, message: expect.stringContaining(named) });
    expect(await health()).toBe(200);
  });
});

describe('nesting cut as the body streams in (item 5)', () => {
  it('a chunked body 200 levels deep is a vendor 400 before the rest of it is sent', async () => {
    // The body never ends: the answer can only come from the scanner (else the 408 of REQUEST_TIMEOUT).
    const head = 'POST /krutrim/kos/v1/access_keys HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer krutrim-test-key\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n';
    const chunk = '['.repeat(200);
    const res = await raw(`${head}${chunk.length.toString(16)}\r\n${chunk}\r\n`);
    expect(res.status, res.body).toBe(400);
    expect(json(res)).toMatchObject({ code: 'BAD_REQUEST', statusCode: 400, message: expect.stringContaining('nests deeper than 100 levels') });
  });
});

describe('request timeouts (item 9)', () => {
  it('a body that stalls is cut with a 408 in the vendor envelope, and the connection closed', async () => {
    const res = await raw('POST /ionos/accesskeys HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ionos-test-token\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"properties":');
    expect(res.status).toBe(408);
    expect(PROFILES.ionos!.isErrorEnvelope(json(res), 408), res.body).toBe(true);
    expect(await health()).toBe(200);
  });

  it('a head that stalls is cut with a 408 too', async () => {
    const res = await raw('GET /_emulator/health HTTP/1.1\r\nHost: x\r\n');
    expect(res.status).toBe(408);
    expect(json(res)).toEqual({ error: { code: 'request_timeout', message: expect.stringContaining('REQUEST_TIMEOUT') } });
  });

  it('both are settings with bounds, named when wrong', () => {
    expect(loadConfig({ REQUEST_TIMEOUT: '30s', HEADERS_TIMEOUT: '10s' })).toMatchObject({ requestTimeout: 30_000, headersTimeout: 10_000 });
    expect(loadConfig({}, ['--request-timeout', '2m'])).toMatchObject({ requestTimeout: 120_000 });
    for (const [env, value] of [['REQUEST_TIMEOUT', '0'], ['REQUEST_TIMEOUT', 'forever'], ['HEADERS_TIMEOUT', '30d']]) {
      expect(() => loadConfig({ [env!]: value })).toThrowError(new RegExp(env!));
    }
  });
});

describe('body limits (item 1)', () => {
  it('BODY_LIMIT cannot exceed what Node can hold as one string', () => {
    expect(() => loadConfig({ BODY_LIMIT: '1073741824' })).toThrowError(ConfigError);
    expect(() => loadConfig({ BODY_LIMIT: '1073741824' })).toThrowError(/BODY_LIMIT/);
    expect(loadConfig({ BODY_LIMIT: String(256 * 1024 * 1024) }).bodyLimit).toBe(256 * 1024 * 1024);
  });

  it('a fixture upload announced at 600 MB is refused at once with a clear 413, and the process serves on', async () => {
    const res = await raw('POST /_emulator/fixtures HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 600000000\r\nConnection: close\r\n\r\n{');
    expect(res.status).toBe(413);
    expect(json(res)).toEqual({ error: { code: 'body_too_large', message: expect.stringMatching(/fixture document is larger than 268435456 bytes.*split it/) } });
    expect(await health()).toBe(200);
  });

  it('a vendor body announced over BODY_LIMIT is a 413 in the vendor envelope', async () => {
    const res = await raw('POST /krutrim/kos/v1/access_keys HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer krutrim-test-key\r\nContent-Type: application/json\r\nContent-Length: 600000000\r\nConnection: close\r\n\r\n{');
    expect(res.status).toBe(413);
    expect(PROFILES.krutrim!.isErrorEnvelope(json(res), 413), res.body).toBe(true);
  });
});

describe('errors before routing on an S3 mount', () => {
  // S3 clients parse XML errors: a malformed head or URL under /s3/<vendor> is answered in S3's envelope.
  it('a head over 16 KiB under /s3/ibm is a 431 in S3 XML', async () => {
    const res = await raw(`GET /s3/ibm/bucket/key HTTP/1.1\r\nHost: x\r\nX-Pad: ${'a'.repeat(20_000)}\r\n\r\n`);
    expect(res.status).toBe(431);
    expect(res.headers['content-type']).toMatch(/^application\/xml/);
    expect(res.body).toMatch(/^<\?xml[^>]*>\s*<Error><Code>[A-Za-z]+<\/Code><Message>[^<]*16 KiB[^<]*<\/Message>/);
  });

  it('a malformed URL under /ns/<name>/s3/ibm is a 400 in S3 XML', async () => {
    const res = await fetch(`http://127.0.0.1:${port}/ns/xml/s3/ibm/bucket/%E0%A4%A`);
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/^application\/xml/);
    expect(await res.text()).toMatch(/<Error><Code>[A-Za-z]+<\/Code><Message>Invalid URL/);
  });
});
