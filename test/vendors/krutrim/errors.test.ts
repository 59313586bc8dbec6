import { describe, expect, it } from 'vitest';
import { catalogue } from '../../../src/vendors/krutrim/errors.js';
import { useTestApp } from '../../helpers/use-test-app.js';
import { expectError, kos, SEEDED_BUCKET, stateDump } from './helpers.js';

const t = useTestApp();

describe('error envelope and fault injection', () => {
  it.each(catalogue.codes())('x-emulator-fault: %s renders {message, code, statusCode} with the catalogue status', async (code) => {
    const res = await kos(t, { method: 'GET', path: '/kos/v1/buckets', headers: { 'x-emulator-fault': code } });
    const body = expectError(res, catalogue.entry(code).status, code);
    expect(body.message).toBe(catalogue.entry(code).message);
    if (code === 'TOO_MANY_REQUESTS') expect(res.headers['retry-after']).toBeDefined();
  });

  it('takes a bare HTTP status as the fault too; 5xx carry no x-should-retry so the SDK retry path can be tested', async () => {
    expectError(await kos(t, { method: 'POST', path: '/kos/v1/buckets', body: { name: 'x-bucket' }, headers: { 'x-emulator-fault': '409' } }), 409, 'BUCKET_ALREADY_EXISTS');
    expectError(await kos(t, { method: 'GET', path: '/kos/v1/access_keys', headers: { 'x-emulator-fault': '503' } }), 503, 'SERVICE_UNAVAILABLE');
    expectError(await kos(t, { method: 'GET', path: '/kos/v1/access_keys', headers: { 'x-emulator-fault': '500' } }), 500, 'INTERNAL_SERVER_ERROR');
    expectError(await kos(t, { method: 'GET', path: '/kos/v1/access_keys', headers: { 'x-emulator-fault': 'NO_SUCH_CODE' } }), 400, 'BAD_REQUEST');
  });

  it('answers an unknown route under the mount with the KOS 404', async () => {
    expectError(await kos(t, { method: 'GET', path: '/kos/v1/nothing-here' }), 404, 'NOT_FOUND');
    expectError(await kos(t, { method: 'PATCH', path: `/kos/v1/buckets/${SEEDED_BUCKET}` }), 404, 'NOT_FOUND');
  });
});

describe('bad input changes nothing', () => {
  const cases: Array<[string, Parameters<typeof kos>[1], number, string]> = [
    ['malformed JSON', { method: 'POST', path: '/kos/v1/buckets', body: '{"name": "abc"' }, 400, 'INVALID_JSON'],
    ['a JSON array', { method: 'POST', path: '/kos/v1/buckets', body: '[1,2]' }, 400, 'BAD_REQUEST'],
    ['a wrong type', { method: 'POST', path: '/kos/v1/buckets', body: { name: 42 } }, 400, 'BAD_REQUEST'],
    ['a wrong nested type', { method: 'POST', path: '/kos/v1/buckets', body: { name: 'tagged', tags: { a: 1 } } }, 400, 'BAD_REQUEST'],
    ['an unknown field', { method: 'POST', path: '/kos/v1/buckets', body: { name: 'abc-bucket', colour: 'red' } }, 400, 'BAD_REQUEST'],
    ['an unknown access-key field', { method: 'POST', path: '/kos/v1/access_keys', body: { key_name: 'a', admin: true } }, 400, 'BAD_REQUEST'],
    ['a wrong access-key type', { method: 'POST', path: '/kos/v1/access_keys', body: { key_name: 7 } }, 400, 'BAD_REQUEST'],
    ['a non-JSON content type', { method: 'POST', path: '/kos/v1/buckets', body: 'name=abc', headers: { 'content-type': 'application/x-www-form-urlencoded' } }, 415, 'UNSUPPORTED_MEDIA_TYPE'],
    ['a huge body', { method: 'POST', path: '/kos/v1/buckets', body: JSON.stringify({ name: 'big-bucket', description: 'x'.repeat(2 * 1024 * 1024) }) }, 413, 'PAYLOAD_TOO_LARGE'],
    ['an empty JSON body on create is a missing body', { method: 'POST', path: '/kos/v1/buckets', body: '' }, 400, 'BAD_REQUEST'],
  ];

  it.each(cases)('%s', async (_name, call, status, code) => {
    const before = await stateDump(t);
    const res = await kos(t, call);
    const body = expectError(res, status, code);
    expect(body.message).not.toMatch(/FST_|fastify/i);
    expect(await stateDump(t)).toEqual(before);
  });
});
