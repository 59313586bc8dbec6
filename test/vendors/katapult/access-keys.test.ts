import { describe, expect, it } from 'vitest';
import { buildTestApp } from '../../helpers/build-app.js';
import { useTestApp } from '../../helpers/use-test-app.js';
import { secretDigest } from '../../../src/core/secrets.js';
import { markWritten } from '../../../src/core/sql.js';
import { catalogue } from '../../../src/vendors/katapult/errors.js';
import { katapultService } from '../../../src/vendors/katapult/service.js';
import { auth, call, expectError, loadSpec, MOUNT, validateAgainstSpec } from './helpers.js';

const ORG = { sub_domain: 'emulator' };
const CLUSTER = { region: 'uk-lon-1' };
const KEYS = '/organizations/organization/object_storage/access_keys';
const CREATE = '/organizations/organization/object_storage/object_storage_cluster/access_keys';
const KEY = '/object_storage/access_keys/access_key';
const GENERATE = '/object_storage/access_keys/access_key/generate_credentials';
const ACCOUNT = '/organizations/organization/object_storage/object_storage_cluster';

const t = useTestApp({ fresh: 'world' });

const create = (name = 'k1', org: Record<string, string> = ORG, extra: Record<string, unknown> = {}) =>
  call(t, 'POST', CREATE, { organization: org, object_storage_cluster: CLUSTER, properties: { name, ...extra } });
const get = (id: string, headers?: Record<string, string>) => call(t, 'GET', KEY, { access_key: { id } }, headers);
const generate = (id: string) => call(t, 'POST', GENERATE, { access_key: { id } });
const state = async () => (await t.app.inject({ method: 'GET', url: '/_emulator/state?vendor=katapult' })).body;

async function configuredKey(name = 'k1') {
  const id = (await create(name)).json().object_storage_access_key.id as string;
  t.clock.advance(5_000);
  const secret = (await generate(id)).json().object_storage_access_key.s3_secret_access_key as string;
  t.clock.advance(1_000);
  return { id, secret };
}

describe('authentication, scopes and rate limits', () => {
  it('400 missing_api_token without a Bearer header; 403 invalid_api_token for unknown or expired tokens', async () => {
    expectError(await get('objkey_x', {}), 400, 'missing_api_token');
    expectError(await get('objkey_x', { authorization: 'Token katapult-test-token' }), 400, 'missing_api_token');
    const unknown = expectError(await get('objkey_x', auth('nope')), 403, 'invalid_api_token');
    expect(unknown.description).toBe('The API token provided was not valid (it may not exist or have expired)');
    expectError(await get('objkey_x', auth('katapult-expired-token')), 403, 'invalid_api_token');
  });

  it('stores a token as its SHA-256 digest only, found by it; the dump shows neither', async () => {
    const fixtures = { katapult: { api_tokens: [{ token: 'digest-me', scopes: ['object_storage'] }] } };
    expect((await t.app.inject({ method: 'POST', url: '/_emulator/fixtures?namespace=dg', payload: fixtures })).statusCode).toBe(200);
    const headers = { ...auth('digest-me'), 'x-emulator-namespace': 'dg' };
    expectError(await get('objkey_none', headers), 404, 'object_storage_access_key_not_found');
    const db = t.runtime.db;
    const row = db.prepare("SELECT * FROM katapult_api_tokens WHERE namespace = 'dg' AND token_digest = ?").get(secretDigest('digest-me')) as { token_digest: string; name: string };
    expect(row.token_digest).toBe(secretDigest('digest-me'));
    expect(Object.values(row)).not.toContain('digest-me');
    // A token given without a name is named after its digest, so the (visible) name never repeats the token.
    expect(row.name).toBe(`api-token:${secretDigest('digest-me').slice(0, 12)}`);
    const dump = await t.app.inject({ method: 'GET', url: '/_emulator/state?namespace=dg&vendor=katapult' });
    expect(dump.body).not.toContain('digest-me');
    expect(dump.body).not.toContain(secretDigest('digest-me'));
    // The digest is all there is: with another digest the token is unknown.
    db.prepare("UPDATE katapult_api_tokens SET token_digest = ? WHERE namespace = 'dg' AND token_digest = ?").run(secretDigest('something else'), secretDigest('digest-me'));
    markWritten(db); // a write behind the stores' backs: remembered reads (core/sql.ts) must start again
    expect(JSON.stringify(db.prepare('SELECT * FROM katapult_api_tokens').all())).not.toContain('katapult-test-token');
    expectError(await get('objkey_none', headers), 403, 'invalid_api_token');
  });

  it('403 unauthorized_network_for_api_token with the client ip when the token is limited to other networks', async () => {
    const err = expectError(await get('objkey_x', auth('katapult-network-token')), 403, 'unauthorized_network_for_api_token');
    expect(err.detail).toEqual({ ip_address: '127.0.0.1' });
    const inside = await call(t, 'GET', KEY, { access_key: { id: 'objkey_EMULATOR00000001' } }, auth('katapult-network-token'), { remoteAddress: '192.0.2.17' });
    expect(inside.statusCode).toBe(200);
  });

  it('403 scope_not_granted with detail.scopes: access keys need object_storage even to read; the account accepts :read', async () => {
    const err = expectError(await get('objkey_EMULATOR00000001', auth('katapult-readonly-token')), 403, 'scope_not_granted');
    expect(err.detail).toEqual({ scopes: ['object_storage'] });
    const account = await call(t, 'GET', ACCOUNT, { organization: ORG, object_storage_cluster: CLUSTER }, auth('katapult-readonly-token'));
    expect(account.statusCode).toBe(200);
    expectError(await call(t, 'GET', '/trash_objects/trash_object', { trash_object: { id: 'trsh_x' } }), 403, 'scope_not_granted');
  });

  it('checks route before auth, auth before scope, scope before arguments', async () => {
    expectError(await t.app.inject({ method: 'GET', url: `${MOUNT}/object_storage/nothing` }), 404, 'route_not_found');
    expect((await t.app.inject({ method: 'GET', url: `${MOUNT}/object_storage/nothing` })).json().error.description).toBe("No route matches '/object_storage/nothing' for GET");
    expectError(await call(t, 'GET', KEY, undefined, {}), 400, 'missing_api_token');
    expectError(await call(t, 'GET', KEY, undefined, auth('katapult-readonly-token')), 403, 'scope_not_granted');
    expectError(await call(t, 'GET', KEY, undefined), 400, 'missing_required_argument');
  });

  it('X-RateLimit headers on every response once the token is known; 429 rate_limit_reached with total_permitted; next window resets', async () => {
    const fixtures = { katapult: { api_tokens: [{ token: 'slow', scopes: ['object_storage'], rate_limit: 3 }], clusters: [], organizations: [] } };
    expect((await t.app.inject({ method: 'POST', url: '/_emulator/fixtures?namespace=rl', payload: fixtures })).statusCode).toBe(200);
    const headers = { ...auth('slow'), 'x-emulator-namespace': 'rl' };
    const first = await get('objkey_none', headers);
    expectError(first, 404, 'object_storage_access_key_not_found');
    expect(first.headers['x-ratelimit-permitted']).toBe('3');
    expect(first.headers['x-ratelimit-remaining']).toBe('2');
    await get('objkey_none', headers);
    await get('objkey_none', headers);
    const limited = await get('objkey_none', headers);
    expect(expectError(limited, 429, 'rate_limit_reached').detail).toEqual({ total_permitted: 3 });
    expect(limited.headers['x-ratelimit-remaining']).toBe('0');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    t.clock.advance(60_000);
    expect((await get('objkey_none', headers)).headers['x-ratelimit-remaining']).toBe('2');
    // Other tokens have their own window.
    expect((await get('objkey_EMULATOR00000001')).statusCode).toBe(200);
  });

  it('X-RateLimit headers also before a token is known (no token, unknown token, no route): a full default window', async () => {
    const answers = [await get('objkey_x', {}), await get('objkey_x', auth('nope')), await t.app.inject({ method: 'GET', url: `${MOUNT}/object_storage/nothing` })];
    expect(answers.map((r) => r.statusCode)).toEqual([400, 403, 404]);
    for (const res of answers) expect([res.headers['x-ratelimit-permitted'], res.headers['x-ratelimit-remaining']]).toEqual(['1000', '1000']);
    const limited = await buildTestApp({ env: { RATE_LIMITS: 'katapult:7' } });
    try {
      const res = await limited.app.inject({ method: 'GET', url: `${MOUNT}/object_storage/nothing` });
      expect([res.headers['x-ratelimit-permitted'], res.headers['x-ratelimit-remaining']]).toEqual(['7', '7']);
    } finally {
      await limited.close();
    }
  });
});

describe('access key lifecycle (clock-driven)', () => {
  it('create 201 pending → 422 while provisioning → 200 credentials (still pending) → configured; secret shown once', async () => {
    const created = await create('lifecycle', ORG, { all_buckets_read: true });
    expect(created.statusCode).toBe(201);
    const key = created.json().object_storage_access_key;
    expect(key).toMatchObject({ name: 'lifecycle', state: 'pending', region: 'uk-lon-1', all_buckets_read: true, server_url: null, s3_access_key_id: null, s3_secret_access_key: null, read_buckets: [], write_buckets: [] });
    expect(key.id).toMatch(/^objkey_[A-Za-z0-9]{16}$/);
    expect(key.created_at).toBe(Math.floor(t.clock.now() / 1000));

    const early = expectError(await generate(key.id), 422, 'object_storage_provisioning_error');
    expect(early.description).toBe('Provisioning is in progress. Please try again later.');
    t.clock.advance(4_999);
    expectError(await generate(key.id), 422, 'object_storage_provisioning_error');
    t.clock.advance(1);
    const generated = await generate(key.id);
    expect(generated.statusCode).toBe(200);
    const creds = generated.json().object_storage_access_key;
    expect(Object.keys(creds)).toEqual([...Object.keys(creds)].sort());
    expect(creds).toMatchObject({ state: 'pending', server_url: 'uk-lon-1.katapultobjects.com:443' });
    expect(creds.s3_access_key_id).toMatch(/^[0-9a-f]{32}$/);
    expect(typeof creds.s3_secret_access_key).toBe('string');

    const pending = (await get(key.id)).json().object_storage_access_key;
    expect(pending).toMatchObject({ state: 'pending', s3_access_key_id: creds.s3_access_key_id, s3_secret_access_key: null });
    t.clock.advance(1_000);
    expect((await get(key.id)).json().object_storage_access_key.state).toBe('configured');

    // Secret once: no later response, nor the state dump, nor the journal, has it.
    const list = await call(t, 'GET', KEYS, { organization: ORG, per_page: 100 });
    expect(list.body).not.toContain(creds.s3_secret_access_key);
    expect(await state()).not.toContain(creds.s3_secret_access_key);
    expect((await t.app.inject({ method: 'GET', url: '/_emulator/requests' })).body).not.toContain(creds.s3_secret_access_key);
  });

  it('PATCH needs properties.name, moves the key back to pending for a moment, and is refused while provisioning', async () => {
    const id = (await create('p')).json().object_storage_access_key.id;
    expectError(await call(t, 'PATCH', KEY, { access_key: { id }, properties: { name: 'p2' } }), 422, 'object_storage_provisioning_error');
    t.clock.advance(5_000);
    await generate(id);
    t.clock.advance(1_000);
    const missing = expectError(await call(t, 'PATCH', KEY, { access_key: { id }, properties: { all_objects_read: true } }), 400, 'missing_required_argument');
    expect(missing.description).toBe("The 'properties.name' argument is required but has not been provided");
    const patched = await call(t, 'PATCH', KEY, { access_key: { id }, properties: { name: 'renamed', all_objects_write: true } });
    expect(patched.json().object_storage_access_key).toMatchObject({ name: 'renamed', state: 'pending', all_objects_write: true, s3_secret_access_key: null });
    t.clock.advance(1_000);
    expect((await get(id)).json().object_storage_access_key).toMatchObject({ name: 'renamed', state: 'configured' });
    expect(expectError(await call(t, 'PATCH', KEY, { access_key: { id }, properties: { name: ' ' } }), 422, 'validation_error').detail).toEqual({ errors: ["Name can't be blank"] });
  });

  it('a second generate_credentials rotates the secret: the old one no longer verifies', async () => {
    const { id, secret } = await configuredKey();
    const service = katapultService(t.runtime.ctx);
    const s3Id = (await get(id)).json().object_storage_access_key.s3_access_key_id;
    expect(service.verifyCredentials('default', s3Id, secret)).toBe(true);
    const again = (await generate(id)).json().object_storage_access_key;
    expect(again.s3_access_key_id).toBe(s3Id);
    expect(again.s3_secret_access_key).not.toBe(secret);
    expect(again.state).toBe('pending');
    expect(service.verifyCredentials('default', s3Id, secret)).toBe(false);
    expect(service.verifyCredentials('default', s3Id, again.s3_secret_access_key)).toBe(true);
    expect(service.verifyCredentials('other', s3Id, again.s3_secret_access_key)).toBe(false);
  });

  it('follows reads:<n> and immediate policies set through /_emulator/transitions', async () => {
    await t.app.inject({ method: 'POST', url: '/_emulator/transitions', payload: { 'katapult.access_key.provisioning': 'reads:3', 'katapult.access_key.configuring': 'immediate' } });
    const id = (await create('r')).json().object_storage_access_key.id;
    expectError(await generate(id), 422, 'object_storage_provisioning_error');
    const ok = await generate(id);
    expect(ok.statusCode).toBe(200);
    expect(ok.json().object_storage_access_key.state).toBe('configured');
  });

  it('DELETE answers {"success":true}; the next get is 404 with the recorded description', async () => {
    const { id } = await configuredKey();
    const deleted = await call(t, 'DELETE', KEY, { access_key: { id } });
    expect(deleted.statusCode).toBe(200);
    expect(deleted.json()).toEqual({ success: true });
    const gone = expectError(await get(id), 404, 'object_storage_access_key_not_found');
    expect(gone.description).toBe('No object storage access key was found matching any of the criteria provided in the arguments.');
    expectError(await call(t, 'DELETE', KEY, { access_key: { id } }), 404, 'object_storage_access_key_not_found');
    expectError(await generate(id), 404, 'object_storage_access_key_not_found');
  });
});

describe('listing and lookups', () => {
  it('lists by organization[sub_domain] or organization[id] with pagination', async () => {
    await create('a');
    const all = (await call(t, 'GET', KEYS, { organization: ORG })).json();
    expect(all.pagination).toEqual({ current_page: 1, total_pages: 1, total: 4, per_page: 30, large_set: false });
    const page2 = (await call(t, 'GET', KEYS, { organization: { id: 'org_EMULATOR00000001' }, page: 2, per_page: 3 })).json();
    expect(page2.pagination).toEqual({ current_page: 2, total_pages: 2, total: 4, per_page: 3, large_set: false });
    expect(page2.object_storage_access_keys.map((k: { name: string }) => k.name)).toEqual(['a']);
    const empty = (await call(t, 'GET', KEYS, { organization: { sub_domain: 'no-account' }, page: 1, per_page: 100 })).json();
    expect(empty).toEqual({ pagination: { current_page: 1, total_pages: 0, total: 0, per_page: 100, large_set: false }, object_storage_access_keys: [] });
    // A derived field: the seeded configured key reads and writes the seeded bucket.
    const seeded = all.object_storage_access_keys.find((k: { id: string }) => k.id === 'objkey_EMULATOR00000001');
    expect(seeded).toMatchObject({ state: 'configured', read_buckets: ['emulator-bucket'], write_buckets: ['emulator-bucket'] });
  });

  it('organization lookups: neither or both → 400 invalid_argument; unknown → 404; suspended / not activated → 403', async () => {
    expect(expectError(await call(t, 'GET', KEYS, { organization: { name: 'x' } }), 400, 'invalid_argument').detail.issue).toBe('missing_lookup_value');
    const both = expectError(await call(t, 'GET', KEYS, { organization: { id: 'org_EMULATOR00000001', sub_domain: 'emulator' } }), 400, 'invalid_argument');
    expect(both.detail.issue).toBe('ambiguous_lookup_values');
    expect(both.description).toBe("The 'organization' argument is invalid");
    expectError(await call(t, 'GET', KEYS, {}), 400, 'missing_required_argument');
    expectError(await call(t, 'GET', KEYS, { organization: { sub_domain: 'nobody' } }), 404, 'organization_not_found');
    expectError(await call(t, 'GET', KEYS, { organization: { sub_domain: 'suspended' } }), 403, 'organization_suspended');
    expectError(await call(t, 'GET', KEYS, { organization: { sub_domain: 'not-activated' } }), 403, 'organization_not_activated');
    expect(expectError(await call(t, 'GET', KEYS, { organization: ORG, page: 0 }), 400, 'invalid_argument').detail.path).toEqual(['page']);
    expect(expectError(await call(t, 'GET', KEYS, { organization: ORG, per_page: 'lots' }), 400, 'invalid_argument').detail.issue).toBe('invalid_scalar');
  });

  it('create: account and cluster errors arise naturally', async () => {
    expectError(await create('x', { sub_domain: 'no-account' }), 404, 'object_storage_account_not_found');
    expectError(await create('x', { sub_domain: 'not-provisioned' }), 403, 'object_storage_account_not_provisioned');
    expectError(await create('x', { sub_domain: 'account-suspended' }), 403, 'object_storage_account_suspended');
    expectError(await call(t, 'POST', CREATE, { organization: ORG, object_storage_cluster: { region: 'us-nyc-1' }, properties: { name: 'x' } }), 404, 'object_storage_cluster_not_found');
    expectError(await call(t, 'POST', CREATE, { organization: ORG, object_storage_cluster: CLUSTER }), 400, 'missing_required_argument');
    expectError(await create(''), 422, 'validation_error');
  });

  it('arguments come from the query string and the JSON body merged; other content types are ignored', async () => {
    const { id } = await configuredKey();
    const merged = await t.app.inject({ method: 'PATCH', url: `${MOUNT}${KEY}?access_key%5Bid%5D=${id}`, headers: auth(), payload: { properties: { name: 'from-body' } } });
    expect(merged.json().object_storage_access_key.name).toBe('from-body');
    const text = await t.app.inject({ method: 'GET', url: `${MOUNT}${KEY}?access_key[id]=${id}`, headers: { ...auth(), 'content-type': 'text/plain' }, payload: 'not json at all' });
    expect(text.statusCode).toBe(200);
    const deleteByQuery = await t.app.inject({ method: 'DELETE', url: `${MOUNT}${KEY}?access_key[id]=${id}`, headers: auth() });
    expect(deleteByQuery.json()).toEqual({ success: true });
  });
});

describe('bad input changes nothing and gets the vendor envelope', () => {
  it('malformed JSON, non-object JSON, wrong types, huge bodies; unknown fields are ignored as Apia does', async () => {
    const before = await state();
    const createRaw = (payload: string) => t.app.inject({ method: 'POST', url: `${MOUNT}${CREATE}`, headers: { ...auth(), 'content-type': 'application/json' }, payload });
    expect(expectError(await createRaw('{"organization":'), 400, 'invalid_json_body').detail.details).toEqual(expect.any(String));
    expectError(await createRaw('[1,2]'), 400, 'invalid_json_body');
    const wrongType = expectError(await create('x', ORG, { all_objects_read: 'perhaps' }), 400, 'invalid_argument');
    expect(wrongType.detail).toMatchObject({ path: ['properties', 'all_objects_read'], issue: 'invalid_scalar' });
    expectError(await call(t, 'POST', CREATE, { organization: 'emulator', object_storage_cluster: CLUSTER, properties: { name: 'x' } }), 400, 'invalid_argument');
    expectError(await call(t, 'POST', CREATE, { organization: ORG, object_storage_cluster: CLUSTER, properties: { name: { first: 'x' } } }), 400, 'invalid_argument');
    const huge = await createRaw(JSON.stringify({ organization: ORG, object_storage_cluster: CLUSTER, properties: { name: 'x'.repeat(2_000_000) } }));
    expectError(huge, 413, 'request_too_large');
    expect(await state()).toBe(before);
    const unknown = await create('extra', ORG, { colour: 'blue' });
    expect(unknown.statusCode).toBe(201);
    expect(unknown.json().object_storage_access_key).not.toHaveProperty('colour');
  });
});

describe('namespaces, reset, faults', () => {
  it('two namespaces are separate worlds; a token loaded into one does not work in the other', async () => {
    const id = (await call(t, 'POST', CREATE, { organization: ORG, object_storage_cluster: CLUSTER, properties: { name: 'ns' } }, { ...auth(), 'x-emulator-namespace': 'one' })).json().object_storage_access_key.id;
    expect((await t.app.inject({ method: 'GET', url: `/ns/one${MOUNT}${KEY}?access_key[id]=${id}`, headers: auth() })).statusCode).toBe(200);
    expectError(await t.app.inject({ method: 'GET', url: `/ns/two${MOUNT}${KEY}?access_key[id]=${id}`, headers: auth() }), 404, 'object_storage_access_key_not_found');
    expectError(await get(id), 404, 'object_storage_access_key_not_found');
    await t.app.inject({ method: 'POST', url: '/_emulator/fixtures?namespace=one', payload: { katapult: { api_tokens: [{ token: 'only-in-one', scopes: ['object_storage'] }] } } });
    expect((await t.app.inject({ method: 'GET', url: `/ns/one${MOUNT}${KEY}?access_key[id]=${id}`, headers: auth('only-in-one') })).statusCode).toBe(200);
    expectError(await t.app.inject({ method: 'GET', url: `/ns/two${MOUNT}${KEY}?access_key[id]=${id}`, headers: auth('only-in-one') }), 403, 'invalid_api_token');
    // Reset of one namespace re-seeds it.
    expect((await t.app.inject({ method: 'POST', url: '/_emulator/reset?namespace=one' })).statusCode).toBe(204);
    expectError(await t.app.inject({ method: 'GET', url: `/ns/one${MOUNT}${KEY}?access_key[id]=${id}`, headers: auth() }), 404, 'object_storage_access_key_not_found');
    expect((await t.app.inject({ method: 'GET', url: `/ns/one${MOUNT}${KEY}?access_key[id]=objkey_EMULATOR00000001`, headers: auth() })).statusCode).toBe(200);
  });

  it('x-emulator-fault produces every Katapult code with its status, envelope and documented detail shape', async () => {
    const spec = loadSpec();
    for (const code of catalogue.codes()) {
      const res = await t.app.inject({ method: 'GET', url: `${MOUNT}${KEY}?access_key[id]=objkey_EMULATOR00000001`, headers: { ...auth(), 'x-emulator-fault': code } });
      const err = expectError(res, catalogue.entry(code).status, code);
      expect(err.description).toBe(catalogue.entry(code).message);
      if (spec && code !== 'route_not_found') {
        // Checked against the operation whose spec lists the code (all A1–A6 + bucket ops).
        const where = ({ object_storage_bucket_deletion_error: ['DELETE', '/object_storage/object_storage_cluster/buckets/bucket'], object_in_trash: ['GET', '/organizations/organization/object_storage/object_storage_cluster'], multiple_object_storage_buckets_found: ['GET', '/object_storage/object_storage_cluster/buckets/bucket'], network_error: ['DELETE', KEY], trash_object_not_found: ['GET', '/trash_objects/trash_object'] } as Record<string, [string, string]>)[code];
        if (where) expect(validateAgainstSpec(spec, where[0], where[1], res.statusCode, res.json()), code).toBeUndefined();
      }
    }
    expectError(await t.app.inject({ method: 'GET', url: `${MOUNT}${KEY}`, headers: { ...auth(), 'x-emulator-fault': '503' } }), 503, 'service_unavailable');
    expectError(await t.app.inject({ method: 'GET', url: `${MOUNT}${KEY}`, headers: { ...auth(), 'x-emulator-fault': 'no_such_code' } }), 400, 'invalid_argument');
  });

  it('fault rules with after/times: succeed once, fail twice, then succeed', async () => {
    await t.app.inject({ method: 'POST', url: '/_emulator/faults', payload: { vendor: 'katapult', operation: 'post:object_storage_access_key_generate_credentials', error: 'object_storage_provisioning_error', after: 1, times: 2 } });
    const { id } = await configuredKey();
    expectError(await generate(id), 422, 'object_storage_provisioning_error');
    expectError(await generate(id), 422, 'object_storage_provisioning_error');
    expect((await generate(id)).statusCode).toBe(200);
  });
});
