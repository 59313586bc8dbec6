import { describe, expect, it } from 'vitest';
import { buildTestApp, type AppUnderTest } from '../../helpers/build-app.js';
import { useTestApp } from '../../helpers/use-test-app.js';

/** `x-emulator-fault: <status>` becomes the code the operation documents for that status. */
const t = useTestApp();

const M = '/katapult/core/v1';
const forced = async (method: 'GET' | 'POST', url: string, status: string) => {
  const res = await t.inject({ method, url: M + url, headers: { authorization: 'Bearer katapult-test-token', 'x-emulator-fault': status } });
  return [res.statusCode, res.json().error.code];
};

describe('faults by HTTP status', () => {
  it.each([
    ['GET', '/object_storage/access_keys/access_key?access_key[id]=x', '404', 'object_storage_access_key_not_found'],
    ['GET', '/object_storage/object_storage_cluster/buckets/bucket?bucket[name]=x', '404', 'object_storage_bucket_not_found'],
    ['GET', '/trash_objects/trash_object?trash_object[id]=x', '404', 'trash_object_not_found'],
    ['POST', '/organizations/organization/object_storage/object_storage_cluster/access_keys', '403', 'object_storage_account_not_provisioned'],
    ['POST', '/organizations/organization/object_storage/object_storage_cluster/access_keys', '404', 'object_storage_account_not_found'],
    ['POST', '/object_storage/access_keys/access_key/generate_credentials', '422', 'object_storage_provisioning_error'],
    ['GET', '/object_storage/access_keys/access_key', '403', 'invalid_api_token'],
    ['GET', '/object_storage/access_keys/access_key', '429', 'rate_limit_reached'],
    ['GET', '/object_storage/access_keys/access_key', '500', 'unhandled_exception'],
  ] as const)('%s %s with %s gives %s', async (method, url, status, code) => {
    expect(await forced(method, url, status)).toEqual([Number(status), code]);
  });

  it('a code still forces exactly that code', async () => {
    expect(await forced('GET', '/object_storage/access_keys/access_key', 'organization_suspended')).toEqual([403, 'organization_suspended']);
  });
});

describe('forced faults and the rate-limit headers (README: Katapult › Faults)', () => {
  const KEY = `${M}/object_storage/access_keys/access_key?access_key[id]=objkey_EMULATOR00000001`;
  const send = (app: AppUnderTest, fault?: string) =>
    app.inject({ method: 'GET', url: KEY, headers: { authorization: 'Bearer katapult-test-token', ...(fault ? { 'x-emulator-fault': fault } : {}) } });

  it('a forced 429 looks like a real one: Retry-After, nothing remaining, total_permitted = X-RateLimit-Permitted', async () => {
    const res = await send(t, '429');
    expect(res.statusCode).toBe(429);
    expect(res.headers['retry-after']).toBe('60');
    expect(res.headers['x-ratelimit-permitted']).toBe('1000');
    expect(res.headers['x-ratelimit-remaining']).toBe('0');
    expect(res.headers['x-api-schema']).toBe('json-error');
    expect(res.json()).toEqual({ error: { code: 'rate_limit_reached', description: 'You have reached the rate limit for this type of request', detail: { total_permitted: 1000 } } });
    // It consumed nothing: the token's next real request sees its full window less one.
    const next = await send(t);
    expect(next.statusCode).toBe(200);
    expect(next.headers['x-ratelimit-remaining']).toBe('999');
  });

  it('the limit a forced 429 shows follows RATE_LIMITS', async () => {
    const small = await buildTestApp({ env: { RATE_LIMITS: 'katapult:50' } });
    try {
      const res = await send(small, 'rate_limit_reached');
      expect(res.headers['x-ratelimit-permitted']).toBe('50');
      expect(res.json().error.detail).toEqual({ total_permitted: 50 });
    } finally {
      await small.close();
    }
  });

  it('any other forced fault carries a full default window and no Retry-After', async () => {
    for (const fault of ['404', 'service_unavailable', 'invalid_argument']) {
      const res = await send(t, fault);
      expect(res.headers['x-ratelimit-permitted'], fault).toBe('1000');
      expect(res.headers['x-ratelimit-remaining'], fault).toBe('1000');
      expect(res.headers['retry-after'], fault).toBeUndefined();
    }
  });
});
