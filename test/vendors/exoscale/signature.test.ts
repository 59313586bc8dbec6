import { beforeEach, describe, expect, it } from 'vitest';
import { ExoscaleService } from '../../../src/vendors/exoscale/service.js';
import { computeSignature, parseAuthorization, queryValues, signatureMessage } from '../../../src/vendors/exoscale/signature.js';
import { exoscaleStore } from '../../../src/vendors/exoscale/store.js';
import { useTestApp } from '../../helpers/use-test-app.js';
import { sign } from './signer.js';

/**
 * The published EXO2-HMAC-SHA256 test vectors (vendor notes §2.4: egoscale v2
 * `api/security_test.go`, exoscale-sdk-ts `test/signing.shared.ts`).
 */
const GO_KEY = 'EXOxxxxxxxxxxxxxxxxxxxxxxxx';
const GO_SECRET = 'X'.repeat(43);
const TS_KEY = 'test-key';
const TS_SECRET = '0123456789abcdef';
const INSTANCE = '0b12cb6b-7e3e-4c0e-9e10-1e5d8a7c4b2a';

const VECTORS = [
  { key: GO_KEY, secret: GO_SECRET, method: 'GET', url: '/v2/zone', body: '', expires: 3376684800, signature: 'Ntbq/p0HVmA3Zg1HHY+Lq1vjFGi7HeMrrgXDS5jRNlY=' },
  { key: GO_KEY, secret: GO_SECRET, method: 'GET', url: '/v2/zone?k1=v1&k2=v2', body: '', expires: 3376684800, signature: 'iqOBz13+44L5j0uJclE8hmUhQQcvtCSoPEOXYK6liqY=', signedQueryArgs: 'k1;k2' },
  { key: TS_KEY, secret: TS_SECRET, method: 'GET', url: `/instance/${INSTANCE}`, body: '', expires: 1750000000, signature: 'xdOhvE746GnETaaYoflEK4ucguvSsVJW1fnXZAboV54=' },
  { key: TS_KEY, secret: TS_SECRET, method: 'GET', url: '/instance?labels=web&manager-type=instance-pool', body: '', expires: 1750000000, signature: 'gVbvdwVNMPtM6KFi0aNOcMfJ6P4kJhgUX/r6KT+mt9k=', signedQueryArgs: 'labels;manager-type' },
  { key: TS_KEY, secret: TS_SECRET, method: 'GET', url: '/instance?labels=a%20b', body: '', expires: 1750000000, signature: 'c52iAK8YkX82SvWfz2L0NB3ifLH+B4tVwMAhdczd+hA=', signedQueryArgs: 'labels' },
  { key: TS_KEY, secret: TS_SECRET, method: 'POST', url: '/instance', body: '{"disk-size":10,"name":"foo"}', expires: 1750000000, signature: 'ZqEE7tXE57UIydqAXHsqZgGA/UzTft1t9PFFVKvNGtA=' },
  { key: TS_KEY, secret: TS_SECRET, method: 'PUT', url: `/instance/${INSTANCE}?include-deprecated=true`, body: '{"tags":["a"]}', expires: 1750000000, signature: 'X8y11+VpWDTXeX7V88MtwWBn33rCh4d+d6nLtDkzC3g=', signedQueryArgs: 'include-deprecated' },
];

describe('EXO2-HMAC-SHA256: the published test vectors', () => {
  it.each(VECTORS)('the server computes $signature for $method $url', (v) => {
    const [path, query = ''] = v.url.split('?') as [string, string?];
    const message = signatureMessage({ method: v.method, path, body: Buffer.from(v.body), signedQueryArgs: v.signedQueryArgs?.split(';') ?? [], query: queryValues(query), expires: v.expires });
    expect(computeSignature(v.secret, message)).toBe(v.signature);
  });

  it.each(VECTORS)("the test suite's own signer produces the vector's header for $method $url", (v) => {
    const header = sign({ key: v.key, secret: v.secret, method: v.method, url: v.url, body: v.body, expires: v.expires });
    expect(header).toBe(`EXO2-HMAC-SHA256 credential=${v.key}${v.signedQueryArgs ? `,signed-query-args=${v.signedQueryArgs}` : ''},expires=${v.expires},signature=${v.signature}`);
    const parsed = parseAuthorization(header);
    expect(parsed).toEqual({ credential: v.key, signedQueryArgs: v.signedQueryArgs?.split(';') ?? [], expires: v.expires, signature: v.signature });
  });

  it('parses the header of the spec example', () => {
    expect(parseAuthorization('EXO2-HMAC-SHA256 credential=EXO29147e9f89102b7ac1e88514,signed-query-args=p1;p2,expires=1599140767,signature=2AOBQsbElQb4FpKT/FM/9T4NobjlmZkSGvvdUth/xlY=')).toEqual({
      credential: 'EXO29147e9f89102b7ac1e88514',
      signedQueryArgs: ['p1', 'p2'],
      expires: 1599140767,
      signature: '2AOBQsbElQb4FpKT/FM/9T4NobjlmZkSGvvdUth/xlY=',
    });
  });

  it('refuses malformed headers', () => {
    expect(parseAuthorization(undefined)).toBe('missing');
    expect(parseAuthorization('')).toBe('missing');
    expect(parseAuthorization('Bearer x')).toBe('malformed');
    expect(parseAuthorization('EXO2-HMAC-SHA256 credential=a,signature=b')).toBe('malformed');
    expect(parseAuthorization('EXO2-HMAC-SHA256 credential=a,expires=soon,signature=b')).toBe('malformed');
    expect(parseAuthorization('EXO2-HMAC-SHA256 credential=a,expires=1,signature=b,extra=1')).toBe('malformed');
    expect(parseAuthorization('EXO2-HMAC-SHA256 credential=a,credential=b,expires=1,signature=c')).toBe('malformed');
  });
});

describe('EXO2-HMAC-SHA256: the server verifies the vendor vectors', () => {
  // Each test from the freshly seeded default world (useTestApp's beforeEach runs before this one).
  const t = useTestApp({ fresh: 'world' });
  let service: ExoscaleService;
  beforeEach(() => {
    // The vectors' keys are not EXO+hex, so they go straight into the store.
    const store = exoscaleStore(t.runtime.db);
    service = new ExoscaleService({ store, clock: t.runtime.ctx.clock, ids: t.runtime.ctx.ids, transitions: t.runtime.ctx.transitions });
    for (const [key, secret] of [[GO_KEY, GO_SECRET], [TS_KEY, TS_SECRET]] as const) {
      store.accessKeyInsert({ namespace: 'default', key, secret, name: key, version: 'v2', tags: null, operations: null, resources: null, created_by: null, created_at: 0, revoke_operation_id: null, revoked_at: null });
    }
  });

  const request = (v: (typeof VECTORS)[number]) => {
    const [path, rawQuery = ''] = v.url.split('?') as [string, string?];
    const signed = v.signedQueryArgs ? `,signed-query-args=${v.signedQueryArgs}` : '';
    return { namespace: 'default', method: v.method, path, rawQuery, body: Buffer.from(v.body), authorization: `EXO2-HMAC-SHA256 credential=${v.key}${signed},expires=${v.expires},signature=${v.signature}` };
  };

  it('accepts the vectors that expire in 2077', () => {
    for (const v of VECTORS.filter((x) => x.expires === 3376684800)) expect(service.credentials.authenticate(request(v), t.clock.now()).key).toBe(GO_KEY);
  });

  it('checks the 2025 vectors correctly, then refuses them only as expired (real time is past 1750000000)', () => {
    for (const v of VECTORS.filter((x) => x.expires === 1750000000)) {
      expect(() => service.credentials.authenticate(request(v), t.clock.now())).toThrow('Request signature has expired');
      expect(() => service.credentials.authenticate({ ...request(v), authorization: request(v).authorization.replace(v.signature, VECTORS[0]!.signature) }, t.clock.now())).toThrow('Invalid request signature');
    }
  });

  it('moving the emulator clock never expires a client signature (two times)', () => {
    t.clock.advance(365 * 24 * 3600 * 1000 * 100);
    expect(service.credentials.authenticate(request(VECTORS[0]!), t.clock.now()).key).toBe(GO_KEY);
  });

  it('a one-byte change of path, body, query or expires breaks the signature', () => {
    const v = VECTORS[1]!;
    const base = request(v);
    expect(() => service.credentials.authenticate({ ...base, path: '/v2/zones' }, t.clock.now())).toThrow('Invalid request signature');
    expect(() => service.credentials.authenticate({ ...base, rawQuery: 'k1=v1&k2=v3' }, t.clock.now())).toThrow('Invalid request signature');
    expect(() => service.credentials.authenticate({ ...base, body: Buffer.from(' ') }, t.clock.now())).toThrow('Invalid request signature');
    expect(() => service.credentials.authenticate({ ...base, method: 'POST' }, t.clock.now())).toThrow('Invalid request signature');
    expect(() => service.credentials.authenticate({ ...base, authorization: base.authorization.replace('3376684800', '3376684801') }, t.clock.now())).toThrow('Invalid request signature');
    expect(() => service.credentials.authenticate({ ...base, rawQuery: 'k1=v1&k2=v2&k3=v3' }, t.clock.now())).toThrow('Invalid request signature');
  });
});
