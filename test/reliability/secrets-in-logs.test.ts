import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { EmulatorClock } from '../../src/core/clock.js';
import { createIdSource } from '../../src/core/ids.js';
import { openRuntime, type Runtime } from '../../src/runtime.js';
import { loggerOptions } from '../../src/server.js';
import { recordResponsesOf } from '../conformance/lib/response-recorder.js';
import { TEST_EPOCH } from '../helpers/build-app.js';
import { ROOT_KEY, ROOT_SECRET, sign } from '../vendors/exoscale/signer.js';

/**
 * A full flow of every vendor with the production logger at `trace`: every secret, session token and
 * password the flows handle must be absent from the logs, the journal and the state dump.
 */
const logs: string[] = [];
let runtime: Runtime;
let app: Awaited<ReturnType<typeof buildApp>>;
const secrets: string[] = ['password', 'ionos-test-token', 'krutrim-test-key', 'katapult-test-token', ROOT_SECRET];

beforeAll(async () => {
  const config = loadConfig({ LOG_LEVEL: 'trace', LOG_FORMAT: 'json' });
  const clock = new EmulatorClock(() => TEST_EPOCH);
  clock.freeze();
  runtime = await openRuntime(config, { clock, ids: createIdSource('logs') });
  recordResponsesOf(runtime.journal);
  const logger = { ...(loggerOptions(config, false) as object), stream: { write: (line: string) => logs.push(line) } };
  app = await buildApp(runtime, { logger });
  await app.ready();
});
afterAll(async () => {
  await app.close();
  runtime.close();
});

async function call(opts: InjectOptions & { url: string }) {
  const res = await app.inject(opts);
  expect(res.statusCode, `${opts.method} ${opts.url}: ${res.body.slice(0, 200)}`).toBeLessThan(300);
  return res.body === '' ? undefined : res.json();
}

const json = { 'content-type': 'application/json' };
const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

describe('secrets never reach the logs, the journal or the state dump', () => {
  it('through a full flow of every vendor', async () => {
    // Katapult: create a key, wait out provisioning, generate credentials twice (a rotation).
    const kat = { authorization: 'Bearer katapult-test-token', ...json };
    const created = await call({ method: 'POST', url: '/katapult/core/v1/organizations/organization/object_storage/object_storage_cluster/access_keys', headers: kat, payload: { organization: { sub_domain: 'emulator' }, object_storage_cluster: { region: 'uk-lon-1' }, properties: { name: 'logs' } } });
    runtime.clock.advance(60_000);
    for (let i = 0; i < 2; i++) {
      const generated = await call({ method: 'POST', url: '/katapult/core/v1/object_storage/access_keys/access_key/generate_credentials', headers: kat, payload: { access_key: { id: created.object_storage_access_key.id } } });
      secrets.push(generated.object_storage_access_key.s3_secret_access_key);
      runtime.clock.advance(60_000);
    }
    await call({ method: 'GET', url: `/katapult/core/v1/object_storage/access_keys/access_key?access_key[id]=${created.object_storage_access_key.id}`, headers: kat });

    // IONOS: create, renew, read, with Bearer and Basic.
    const ionos = { authorization: 'Bearer ionos-test-token', ...json };
    const key = await call({ method: 'POST', url: '/ionos/accesskeys', headers: ionos, payload: { properties: { description: 'logs' } } });
    secrets.push(key.properties.secretKey);
    runtime.clock.advance(60_000);
    secrets.push((await call({ method: 'PUT', url: `/ionos/accesskeys/${key.id}/renew`, headers: { authorization: ionos.authorization } })).properties.secretKey);
    await call({ method: 'GET', url: `/ionos/accesskeys/${key.id}`, headers: { authorization: basic('test@example.com', 'test') } });

    // Exoscale: create a legacy key (signed), then sign a request with the new key.
    const exoUrl = '/exoscale/v2/access-key';
    const body = JSON.stringify({ name: 'logs' });
    const expires = Math.floor(runtime.clock.wallNow() / 1000) + 600;
    const exo = await call({ method: 'POST', url: exoUrl, payload: body, headers: { ...json, authorization: sign({ key: ROOT_KEY, secret: ROOT_SECRET, method: 'POST', url: exoUrl, body, expires }) } });
    secrets.push(exo.secret);
    await call({ method: 'GET', url: exoUrl, headers: { authorization: sign({ key: exo.key, secret: exo.secret, method: 'GET', url: exoUrl, expires }) } });

    // Exoscale IAM: a role (created, updated, its policy replaced), an API key for it (its secret only in the
    // create response), a request signed with that key, then the key and the role deleted.
    const exoCall = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, payload?: object, by = { key: ROOT_KEY, secret: ROOT_SECRET }) => {
      const url = `/exoscale/v2${path}`;
      const text = payload === undefined ? undefined : JSON.stringify(payload);
      const authorization = sign({ key: by.key, secret: by.secret, method, url, ...(text !== undefined ? { body: text } : {}), expires: Math.floor(runtime.clock.wallNow() / 1000) + 600 });
      return call({ method, url, headers: { authorization, ...(text !== undefined ? json : {}) }, ...(text !== undefined ? { payload: text } : {}) });
    };
    const roleOp = await exoCall('POST', '/iam-role', { name: 'logs-role', description: 'logs', policy: { 'default-service-strategy': 'allow', services: {} } });
    runtime.clock.advance(5_000);
    await exoCall('GET', `/operation/${roleOp.id}`);
    const roleId = roleOp.reference.id;
    await exoCall('PUT', `/iam-role/${roleId}`, { description: 'logs, updated', labels: { flow: 'secrets' } });
    await exoCall('PUT', `/iam-role/${roleId}:policy`, { 'default-service-strategy': 'allow', services: { sos: { type: 'deny' } } });
    const apiKey = await exoCall('POST', '/api-key', { name: 'logs-api-key', 'role-id': roleId });
    secrets.push(apiKey.secret);
    runtime.clock.advance(5_000);
    await exoCall('GET', `/api-key/${apiKey.key}`, undefined, { key: apiKey.key, secret: apiKey.secret });
    await exoCall('GET', '/api-key');
    await exoCall('DELETE', `/api-key/${apiKey.key}`);
    runtime.clock.advance(5_000);
    await exoCall('DELETE', `/iam-role/${roleId}`);

    // IBM: create a key (its secret is shown on reads by IBM's design, but never logged), rotate its secret
    // with PATCH, read it back, and create one with a secret the client chose.
    const ibm = { authorization: basic('admin', 'password'), ...json };
    const cred = await call({ method: 'POST', url: '/ibm/credentials', headers: ibm, payload: { credential: { project_id: '731fc6f265cd486d900f16e84c5cb594', type: 'ec2' } } });
    secrets.push(cred.credential?.blob?.secret ?? cred.blob?.secret);
    const rotated = await call({ method: 'PATCH', url: `/ibm/credentials/${cred.credential.id}`, headers: ibm, payload: { credential: { blob: { secret: 'ibm-rotated-secret-0001' }, project_id: '731fc6f265cd486d900f16e84c5cb594', type: 'ec2' } } });
    expect(rotated.credential.blob.secret).toBe('ibm-rotated-secret-0001');
    secrets.push(rotated.credential.blob.secret);
    await call({ method: 'PATCH', url: `/ibm/credentials/${cred.credential.id}`, headers: ibm, payload: { credential: { blob: { status: 'Inactive' }, project_id: '731fc6f265cd486d900f16e84c5cb594', type: 'ec2' } } });
    expect((await call({ method: 'GET', url: `/ibm/credentials/${cred.credential.id}`, headers: ibm })).credential.blob.secret).toBe('ibm-rotated-secret-0001');
    const chosen = await call({ method: 'POST', url: '/ibm/credentials', headers: ibm, payload: { credential: { project_id: '731fc6f265cd486d900f16e84c5cb594', type: 'ec2', blob: { access: 'LOGSCHOSENKEY', secret: 'ibm-client-chosen-secret-0002' } } } });
    secrets.push(chosen.credential.blob.secret);
    await call({ method: 'GET', url: '/ibm/credentials', headers: ibm });
    await call({ method: 'DELETE', url: `/ibm/credentials/${chosen.credential.id}`, headers: ibm });

    // Krutrim: create an access key, open a session with it, refresh it, use it.
    const kos = { authorization: 'Bearer krutrim-test-key', ...json };
    const access = await call({ method: 'POST', url: '/krutrim/kos/v1/access_keys', headers: kos, payload: {} });
    secrets.push(access.secret_key);
    const session = await call({ method: 'POST', url: '/krutrim/kos/v1/sessions/activate', headers: kos, payload: { accessKey: access.access_key, secretKey: access.secret_key } });
    secrets.push(session.sessionToken, session.refreshToken);
    const refreshed = await call({ method: 'POST', url: `/krutrim/kos/v1/sessions/refresh/${session.sessionToken}`, headers: kos, payload: { refreshToken: session.refreshToken } });
    // A refresh keeps the session token and issues a new refresh token.
    expect(refreshed.sessionToken).toBe(session.sessionToken);
    secrets.push(refreshed.refreshToken);
    await call({ method: 'GET', url: `/krutrim/kos/v1/sessions/status/${refreshed.sessionToken}`, headers: kos });
    // Objects through presigned URLs: the signature in their query string is a credential too.
    const withSession = { ...kos, 'x-session-token': refreshed.sessionToken };
    const bucket = await call({ method: 'POST', url: '/krutrim/kos/v1/buckets', headers: kos, payload: { name: 'logs-bucket' } });
    const objects = `/krutrim/kos/v1/buckets/${encodeURIComponent(bucket.krn)}/objects`;
    const signatureOf = (url: string) => {
      const signature = new URL(url).searchParams.get('X-Kos-Signature');
      expect(signature, url).toBeTruthy();
      secrets.push(signature!);
      return url;
    };
    const presigned = async (url: string, method: 'GET' | 'PUT', payload?: Buffer) => {
      const u = new URL(signatureOf(url));
      const res = await app.inject({ method, url: u.pathname + u.search, ...(payload ? { payload, headers: { 'content-type': 'text/plain' } } : {}) });
      expect(res.statusCode, res.body).toBe(200);
      return res;
    };
    await presigned((await call({ method: 'PUT', url: objects, headers: withSession, payload: { prefix: 'logs/a.txt' } })).preSignedUrl, 'PUT', Buffer.from('the object'));
    const download = await call({ method: 'POST', url: `${objects}/download`, headers: withSession, payload: { objectkey: 'logs/a.txt' } });
    expect((await presigned(download.preSignedUrl, 'GET')).body).toBe('the object');
    const putUrl = await call({ method: 'POST', url: `${objects}/url`, headers: withSession, payload: { objectkey: 'logs/b.txt', method: 'PUT' } });
    await presigned(putUrl.preSignedUrl, 'PUT', Buffer.from('another'));
    await call({ method: 'POST', url: `${objects}/metadata`, headers: withSession, payload: { objectkey: 'logs/b.txt' } });
    // Deactivate the refreshed session (its token in the path), then ask for its status and refresh it: refused.
    await call({ method: 'DELETE', url: `/krutrim/kos/v1/sessions/deactivate/${refreshed.sessionToken}`, headers: kos });
    const after = await app.inject({ method: 'GET', url: `/krutrim/kos/v1/sessions/status/${refreshed.sessionToken}`, headers: kos });
    expect(after.statusCode, after.body).toBeLessThan(500);
    const late = await app.inject({ method: 'POST', url: `/krutrim/kos/v1/sessions/refresh/${refreshed.sessionToken}`, headers: kos, payload: { refreshToken: refreshed.refreshToken } });
    expect(late.statusCode, late.body).toBeGreaterThanOrEqual(400);
    // A session of the default access key, deactivated at once.
    const other = await call({ method: 'POST', url: '/krutrim/kos/v1/sessions/activate', headers: kos, payload: { accessKey: 'KOSEMULATOR000000001', secretKey: 'krutrim-emulator-secret-000000000000000001' } });
    secrets.push(other.sessionToken, other.refreshToken);
    await call({ method: 'DELETE', url: `/krutrim/kos/v1/sessions/deactivate/${other.sessionToken}`, headers: kos });
    await call({ method: 'DELETE', url: `/krutrim/kos/v1/access_keys/${access.access_key}`, headers: kos });

    // What the control plane serves, and the same read in process.
    const journal = JSON.stringify(runtime.journal.list()) + (await app.inject({ method: 'GET', url: '/_emulator/requests' })).body;
    const dump = JSON.stringify(runtime.namespaces.dump()) + (await app.inject({ method: 'GET', url: '/_emulator/state' })).body;
    const logText = logs.join('');
    expect(logs.filter((l) => l.includes('"msg":"request"')).length).toBe(runtime.journal.list().length);
    for (const secret of secrets) {
      expect(typeof secret, 'every flow yielded its secret').toBe('string');
      expect(secret.length).toBeGreaterThan(3);
      expect(logText, 'logs').not.toContain(secret);
      expect(journal, 'journal').not.toContain(secret);
    }
    for (const secret of secrets.filter((s) => !['password', 'ionos-test-token', 'krutrim-test-key', 'katapult-test-token'].includes(s))) {
      expect(dump, 'state dump').not.toContain(secret);
    }
    // Token-bearing paths are journaled and logged as their route pattern; presigned URLs without their query.
    const paths = runtime.journal.list().map((e) => e.path);
    expect(paths).toContain('/kos/v1/sessions/deactivate/:sessionToken');
    expect(paths).toContain('/kos/v1/sessions/refresh/:sessionToken');
    expect(paths.filter((p) => p.startsWith('/_objects/'))).toEqual([expect.stringMatching(/a\.txt$/), expect.stringMatching(/a\.txt$/), expect.stringMatching(/b\.txt$/)]);
    console.log(`secrets: ${secrets.length} secrets checked against ${logs.length} log lines, ${runtime.journal.list().length} journal entries`);
  });

  it('a session token on a path no route takes (wrong method, trailing slash, extra segment, near misses) is not journaled or logged either', async () => {
    const kos = { authorization: 'Bearer krutrim-test-key', ...json };
    const session = await call({ method: 'POST', url: '/krutrim/kos/v1/sessions/activate', headers: kos, payload: { accessKey: 'KOSEMULATOR000000001', secretKey: 'krutrim-emulator-secret-000000000000000001' } });
    const token: string = session.sessionToken;
    const from = runtime.journal.list().length;
    const linesFrom = logs.length;
    const misses: Array<[InjectOptions['method'], string, string]> = [
      ['GET', `/krutrim/kos/v1/sessions/refresh/${token}`, '/kos/v1/sessions/refresh/{masked}'],
      ['PUT', `/krutrim/kos/v1/sessions/deactivate/${token}`, '/kos/v1/sessions/deactivate/{masked}'],
      ['POST', `/krutrim/kos/v1/sessions/status/${token}`, '/kos/v1/sessions/status/{masked}'],
      ['GET', `/krutrim/kos/v1/sessions/status/${token}/`, '/kos/v1/sessions/status/{masked}/'],
      ['GET', `/krutrim/kos/v1/sessions/status/${token}/extra?x=1`, '/kos/v1/sessions/status/{masked}/extra'],
      ['DELETE', `/ns/other/krutrim/kos/v1/sessions/deactivate/${token}/`, '/kos/v1/sessions/deactivate/{masked}/'],
      // Near misses (issue 15): a base URL with a trailing slash, a doubled slash, another case, an escaped slash.
      ['GET', `/krutrim//kos/v1/sessions/status/${token}`, '//kos/v1/sessions/status/{masked}'],
      ['GET', `/krutrim/kos/v1//sessions/status/${token}`, '/kos/v1//sessions/status/{masked}'],
      ['GET', `/krutrim/kos/v1/sessions/Status/${token}`, '/kos/v1/sessions/Status/{masked}'],
      ['GET', `/krutrim/kos/v1/sessions/status%2F${token}`, '/kos/v1/sessions/{masked}'],
    ];
    for (const [method, url] of misses) {
      const res = await app.inject({ method, url, headers: { authorization: kos.authorization } });
      expect(res.statusCode, `${method} ${url}`).toBe(404);
      expect(res.json(), `${method} ${url}`).toMatchObject({ code: 'NOT_FOUND', statusCode: 404 });
    }
    const entries = runtime.journal.list().slice(from);
    expect(entries.map((e) => e.path)).toEqual(misses.map(([, , shown]) => shown));
    expect(JSON.stringify(entries)).not.toContain(token);
    expect((await app.inject({ method: 'GET', url: '/_emulator/requests' })).body).not.toContain(token);
    expect(logs.slice(linesFrom).join('')).not.toContain(token);
    // The token still works where a route takes it.
    expect((await app.inject({ method: 'GET', url: `/krutrim/kos/v1/sessions/status/${token}`, headers: { authorization: kos.authorization } })).json().isActive).toBe(true);
  });

  it('every vendor journals and logs a path no route takes without its credential-like segments', async () => {
    const secret = 'tok_' + 'A1b2C3d4'.repeat(6);
    const from = runtime.journal.list().length;
    const linesFrom = logs.length;
    for (const vendor of runtime.vendors) {
      for (const url of [`${vendor.mount}/${secret}`, `${vendor.mount}//nowhere/${secret}/x`, `${vendor.mount}/nowhere%2F${secret}`, `${vendor.mount}/acesskeys`]) {
        const res = await app.inject({ method: 'GET', url });
        expect(res.statusCode, url).toBeLessThan(500);
      }
    }
    const entries = runtime.journal.list().slice(from);
    expect(entries).toHaveLength(runtime.vendors.length * 4);
    expect(JSON.stringify(entries)).not.toContain(secret);
    expect(logs.slice(linesFrom).join('')).not.toContain(secret);
    // Short, unescaped segments (a typo) stay readable.
    expect(entries.filter((e) => e.path === '/acesskeys')).toHaveLength(runtime.vendors.length);
    expect(entries.filter((e) => e.path === '//nowhere/{masked}/x')).toHaveLength(runtime.vendors.length);
  });

  it('a credential of one vendor or namespace never works in another', async () => {
    const attempts: Array<[string, InjectOptions & { url: string }]> = [
      ['katapult token on IONOS', { method: 'GET', url: '/ionos/accesskeys', headers: { authorization: 'Bearer katapult-test-token' } }],
      ['IONOS token on Katapult', { method: 'GET', url: '/katapult/core/v1/organizations/organization/object_storage/access_keys?organization[sub_domain]=emulator', headers: { authorization: 'Bearer ionos-test-token' } }],
      ['KOS key on IONOS', { method: 'GET', url: '/ionos/accesskeys', headers: { authorization: 'Bearer krutrim-test-key' } }],
      ['IONOS token on KOS', { method: 'GET', url: '/krutrim/kos/v1/access_keys', headers: { authorization: 'Bearer ionos-test-token' } }],
      ['IBM manager on IONOS (Basic)', { method: 'GET', url: '/ionos/accesskeys', headers: { authorization: basic('admin', 'password') } }],
      ['IONOS user on IBM (Basic)', { method: 'GET', url: '/ibm/credentials', headers: { authorization: basic('test@example.com', 'test') } }],
    ];
    for (const [label, opts] of attempts) {
      const res = await app.inject(opts);
      expect([400, 401, 403], label).toContain(res.statusCode);
    }
    // A key created in one namespace does not exist in another.
    const kos = { authorization: 'Bearer krutrim-test-key', ...json };
    const access = (await app.inject({ method: 'POST', url: '/ns/a/krutrim/kos/v1/access_keys', headers: kos, payload: {} })).json();
    const other = await app.inject({ method: 'POST', url: '/ns/b/krutrim/kos/v1/sessions/activate', headers: kos, payload: { accessKey: access.access_key, secretKey: access.secret_key } });
    expect([401, 403, 404]).toContain(other.statusCode);
  });
});
