import { expect } from 'vitest';
import { conformanceSuite } from './lib/suite.js';

/**
 * Katapult Core API v1 (object storage) against katapult-openapi-subset.json. Error bodies are validated
 * as `body.error` (the spec draws them unwrapped; the live API wraps them: vendor notes §1.6).
 * The recorded live traffic is replayed by the Katapult vendor's own tests (see docs/coverage.md).
 * Default world (DESIGN.md §4): token katapult-test-token (object_storage, object_storage:read),
 * katapult-readonly-token (object_storage:read only), organization sub-domain `emulator` with a provisioned
 * account in uk-lon-1.
 */
const TOKEN = { authorization: 'Bearer katapult-test-token' };
const READONLY = { authorization: 'Bearer katapult-readonly-token' };
const ORG = { sub_domain: 'emulator' };
const CLUSTER = { region: 'uk-lon-1' };
const ACCOUNT_QUERY = '?organization[sub_domain]=emulator&object_storage_cluster[region]=uk-lon-1';
/** Longer than every default Katapult transition (provisioning, configuring). */
const SETTLE_MS = 15 * 60_000;

const KEYS = '/organizations/organization/object_storage/object_storage_cluster/access_keys';
const KEY = '/object_storage/access_keys/access_key';
const ACCOUNT = '/organizations/organization/object_storage/object_storage_cluster';
const BUCKETS = '/organizations/organization/object_storage/object_storage_cluster/buckets';
const BUCKET = '/object_storage/object_storage_cluster/buckets/bucket';
const TRASH = '/trash_objects/trash_object';
/** The default world's token with the trash scopes. */
const ADMIN = { authorization: 'Bearer katapult-admin-token' };
const bucketQuery = (name: string) => `?object_storage_cluster[region]=uk-lon-1&bucket[name]=${name}`;

conformanceSuite('katapult', [
  {
    name: 'account → create key → generate credentials (422 while provisioning, then 200) → get → list → update → rotate → delete → 404',
    run: async (s, t) => {
      expect((await s.call('get account', `GET ${ACCOUNT}`, { path: `${ACCOUNT}${ACCOUNT_QUERY}`, headers: TOKEN })).statusCode).toBe(200);
      const created = await s.call('create key', `POST ${KEYS}`, { path: KEYS, headers: TOKEN, payload: { organization: ORG, object_storage_cluster: CLUSTER, properties: { name: 'conformance' } } });
      expect(created.statusCode).toBe(201);
      const id = created.data.object_storage_access_key.id as string;
      const accessKey = { access_key: { id } };
      expect((await s.call('generate while provisioning', `POST ${KEY}/generate_credentials`, { path: `${KEY}/generate_credentials`, headers: TOKEN, payload: accessKey })).statusCode).toBe(422);
      t.clock.advance(SETTLE_MS);
      expect((await s.call('generate credentials', `POST ${KEY}/generate_credentials`, { path: `${KEY}/generate_credentials`, headers: TOKEN, payload: accessKey })).statusCode).toBe(200);
      t.clock.advance(SETTLE_MS);
      expect((await s.call('get key', `GET ${KEY}`, { path: `${KEY}?access_key[id]=${id}`, headers: TOKEN })).statusCode).toBe(200);
      expect((await s.call('list keys', 'GET /organizations/organization/object_storage/access_keys', { path: '/organizations/organization/object_storage/access_keys?organization[sub_domain]=emulator&per_page=2', headers: TOKEN })).statusCode).toBe(200);
      const updated = await s.call('update key', `PATCH ${KEY}`, { path: KEY, headers: TOKEN, payload: { ...accessKey, properties: { name: 'renamed', all_buckets_read: true } } });
      expect(updated.statusCode).toBe(200);
      t.clock.advance(SETTLE_MS);
      expect((await s.call('rotate credentials', `POST ${KEY}/generate_credentials`, { path: `${KEY}/generate_credentials`, headers: TOKEN, payload: accessKey })).statusCode).toBe(200);
      t.clock.advance(SETTLE_MS);
      expect((await s.call('delete key', `DELETE ${KEY}`, { path: KEY, headers: TOKEN, payload: accessKey })).statusCode).toBe(200);
      expect((await s.call('get deleted key', `GET ${KEY}`, { path: `${KEY}?access_key[id]=${id}`, headers: TOKEN })).statusCode).toBe(404);
      expect((await s.call('update deleted key', `PATCH ${KEY}`, { path: KEY, headers: TOKEN, payload: { ...accessKey, properties: { name: 'x' } } })).statusCode).toBe(404);
      expect((await s.call('generate for deleted key', `POST ${KEY}/generate_credentials`, { path: `${KEY}/generate_credentials`, headers: TOKEN, payload: accessKey })).statusCode).toBe(404);
      expect((await s.call('delete deleted key', `DELETE ${KEY}`, { path: KEY, headers: TOKEN, payload: accessKey })).statusCode).toBe(404);
    },
  },
  {
    name: 'documented errors reached naturally: 400 missing_api_token, 403 invalid_api_token / scope_not_granted, 404 not found',
    run: async (s) => {
      expect((await s.call('no token', `GET ${KEY}`, { path: `${KEY}?access_key[id]=objkey_nope` })).statusCode).toBe(400);
      expect((await s.call('no token (list)', 'GET /organizations/organization/object_storage/access_keys', { path: '/organizations/organization/object_storage/access_keys?organization[sub_domain]=emulator' })).statusCode).toBe(400);
      expect((await s.call('unknown token', `GET ${KEY}`, { path: `${KEY}?access_key[id]=objkey_nope`, headers: { authorization: 'Bearer nope' } })).statusCode).toBe(403);
      expect((await s.call('read-only token on a key operation', `POST ${KEYS}`, { path: KEYS, headers: READONLY, payload: { organization: ORG, object_storage_cluster: CLUSTER, properties: { name: 'x' } } })).statusCode).toBe(403);
      expect((await s.call('read-only token lists keys', 'GET /organizations/organization/object_storage/access_keys', { path: '/organizations/organization/object_storage/access_keys?organization[sub_domain]=emulator', headers: READONLY })).statusCode).toBe(403);
      expect((await s.call('unknown key', `GET ${KEY}`, { path: `${KEY}?access_key[id]=objkey_AAAAAAAAAAAAAAAA`, headers: TOKEN })).statusCode).toBe(404);
      expect((await s.call('unknown organization', 'GET /organizations/organization/object_storage/access_keys', { path: '/organizations/organization/object_storage/access_keys?organization[sub_domain]=no-such-org', headers: TOKEN })).statusCode).toBe(404);
      expect((await s.call('unknown region', `POST ${KEYS}`, { path: KEYS, headers: TOKEN, payload: { organization: ORG, object_storage_cluster: { region: 'xx-nowhere-1' }, properties: { name: 'x' } } })).statusCode).toBe(404);
      expect((await s.call('unknown organization (account)', `GET ${ACCOUNT}`, { path: `${ACCOUNT}?organization[sub_domain]=no-such-org&object_storage_cluster[region]=uk-lon-1`, headers: TOKEN })).statusCode).toBe(404);
      // Apia's own 400s (accepted deviations: not drawn in the spec).
      expect((await s.call('missing properties.name', `POST ${KEYS}`, { path: KEYS, headers: TOKEN, payload: { organization: ORG, object_storage_cluster: CLUSTER, properties: {} } })).statusCode).toBe(400);
      expect((await s.call('malformed JSON', `PATCH ${KEY}`, { path: KEY, headers: { ...TOKEN, 'content-type': 'application/json' }, payload: '{"access_key":' })).statusCode).toBe(400);
    },
  },
  {
    name: 'bucket: create → get → update ACL → presigned URL → revoke → get object → delete → 404; taken name 422',
    run: async (s, t) => {
      const created = await s.call('create bucket', `POST ${BUCKETS}`, { path: BUCKETS, headers: TOKEN, payload: { organization: ORG, object_storage_cluster: CLUSTER, properties: { name: 'conformance', label: 'Conformance' } } });
      expect(created.statusCode).toBe(201);
      expect((await s.call('taken name', `POST ${BUCKETS}`, { path: BUCKETS, headers: TOKEN, payload: { organization: ORG, object_storage_cluster: CLUSTER, properties: { name: 'conformance' } } })).statusCode).toBe(422);
      t.clock.advance(SETTLE_MS);
      expect((await s.call('get bucket', `GET ${BUCKET}`, { path: `${BUCKET}${bucketQuery('conformance')}`, headers: TOKEN })).statusCode).toBe(200);
      const target = { object_storage_cluster: CLUSTER, bucket: { name: 'conformance' } };
      expect((await s.call('update bucket', `PATCH ${BUCKET}`, { path: BUCKET, headers: TOKEN, payload: { ...target, properties: { access_control_list: { read_key_ids: ['objkey_EMULATOR00000001'] } } } })).statusCode).toBe(200);
      const seeded = { object_storage_cluster: CLUSTER, bucket: { name: 'emulator-bucket' } };
      expect((await s.call('presigned URL', `POST ${BUCKET}/presigned_url`, { path: `${BUCKET}/presigned_url`, headers: TOKEN, payload: { ...seeded, path: 'hello.txt', properties: { expiry_seconds: 60 } } })).statusCode).toBe(200);
      expect((await s.call('revoke presigned URLs', `POST ${BUCKET}/revoke_presigned_urls`, { path: `${BUCKET}/revoke_presigned_urls`, headers: TOKEN, payload: seeded })).statusCode).toBe(200);
      expect((await s.call('get object', `GET ${BUCKET}/object`, { path: `${BUCKET}/object${bucketQuery('emulator-bucket')}&path=hello.txt`, headers: TOKEN })).statusCode).toBe(200);
      expect((await s.call('get missing object', `GET ${BUCKET}/object`, { path: `${BUCKET}/object${bucketQuery('emulator-bucket')}&path=nope.txt`, headers: TOKEN })).statusCode).toBe(404);
      expect((await s.call('delete a bucket holding objects', `DELETE ${BUCKET}`, { path: BUCKET, headers: TOKEN, payload: seeded })).statusCode).toBe(403);
      expect((await s.call('delete bucket', `DELETE ${BUCKET}`, { path: BUCKET, headers: TOKEN, payload: target })).statusCode).toBe(200);
      expect((await s.call('get deleted bucket', `GET ${BUCKET}`, { path: `${BUCKET}${bucketQuery('conformance')}`, headers: TOKEN })).statusCode).toBe(404);
      expect((await s.call('update deleted bucket', `PATCH ${BUCKET}`, { path: BUCKET, headers: TOKEN, payload: { ...target, properties: { label: 'x' } } })).statusCode).toBe(404);
    },
  },
  {
    name: 'account: create → provisioned → delete to trash → 406 object_in_trash → get trash → purge → 404',
    run: async (s, t) => {
      const org = { sub_domain: 'no-account' };
      const query = '?organization[sub_domain]=no-account&object_storage_cluster[region]=uk-lon-1';
      expect((await s.call('no account yet', `GET ${ACCOUNT}`, { path: `${ACCOUNT}${query}`, headers: TOKEN })).statusCode).toBe(404);
      expect((await s.call('create account', `POST ${ACCOUNT}`, { path: ACCOUNT, headers: TOKEN, payload: { organization: org, object_storage_cluster: CLUSTER } })).statusCode).toBe(201);
      expect((await s.call('key before provisioning', `POST ${KEYS}`, { path: KEYS, headers: TOKEN, payload: { organization: org, object_storage_cluster: CLUSTER, properties: { name: 'early' } } })).statusCode).toBe(403);
      t.clock.advance(SETTLE_MS);
      expect((await s.call('second account', `POST ${ACCOUNT}`, { path: ACCOUNT, headers: TOKEN, payload: { organization: org, object_storage_cluster: CLUSTER } })).statusCode).toBe(422);
      const deleted = await s.call('delete account', `DELETE ${ACCOUNT}`, { path: ACCOUNT, headers: TOKEN, payload: { organization: org, object_storage_cluster: CLUSTER } });
      expect(deleted.statusCode).toBe(200);
      const trashId = deleted.data.trash_object.id as string;
      expect((await s.call('account in trash', `GET ${ACCOUNT}`, { path: `${ACCOUNT}${query}`, headers: TOKEN })).statusCode).toBe(406);
      expect((await s.call('get trash object', `GET ${TRASH}`, { path: `${TRASH}?trash_object[id]=${trashId}`, headers: ADMIN })).statusCode).toBe(200);
      expect((await s.call('purge', `DELETE ${TRASH}`, { path: TRASH, headers: ADMIN, payload: { trash_object: { id: trashId } } })).statusCode).toBe(200);
      t.clock.advance(SETTLE_MS);
      expect((await s.call('purged', `GET ${TRASH}`, { path: `${TRASH}?trash_object[id]=${trashId}`, headers: ADMIN })).statusCode).toBe(404);
      expect((await s.call('purge again', `DELETE ${TRASH}`, { path: TRASH, headers: ADMIN, payload: { trash_object: { id: trashId } } })).statusCode).toBe(404);
      expect((await s.call('suspended organization', `POST ${ACCOUNT}`, { path: ACCOUNT, headers: TOKEN, payload: { organization: { sub_domain: 'suspended' }, object_storage_cluster: CLUSTER } })).statusCode).toBe(403);
    },
  },
  {
    name: 'rate limit: 429 rate_limit_reached',
    app: { env: { RATE_LIMITS: 'katapult:2' } },
    run: async (s) => {
      for (let i = 0; i < 2; i++) expect((await s.call('within the limit', `GET ${ACCOUNT}`, { path: `${ACCOUNT}${ACCOUNT_QUERY}`, headers: TOKEN })).statusCode).toBe(200);
      expect((await s.call('over the limit', `GET ${KEY}`, { path: `${KEY}?access_key[id]=objkey_nope`, headers: TOKEN })).statusCode).toBe(429);
      expect((await s.call('over the limit (create)', `POST ${KEYS}`, { path: KEYS, headers: TOKEN, payload: { organization: ORG, object_storage_cluster: CLUSTER, properties: { name: 'x' } } })).statusCode).toBe(429);
    },
  },
]);
