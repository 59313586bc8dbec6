import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../helpers/build-app.js';

/** `x-emulator-fault: <status>` becomes the code the operation documents for that status. */
let t: TestApp;
beforeEach(async () => {
  t = await buildTestApp();
});
afterEach(() => t.close());

const M = '/katapult/core/v1';
const forced = async (method: 'GET' | 'POST', url: string, status: string) => {
  const res = await t.app.inject({ method, url: M + url, headers: { authorization: 'Bearer katapult-test-token', 'x-emulator-fault': status } });
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
