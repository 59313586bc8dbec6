import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { EmulatorClock } from '../../src/core/clock.js';
import { createIdSource } from '../../src/core/ids.js';
import { createRuntime, type Runtime } from '../../src/runtime.js';
import { loggerOptions } from '../../src/server.js';
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
  runtime = createRuntime(config, { clock, ids: createIdSource('logs') });
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
  return res.json();
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

    // IBM: create a key (its secret is shown on reads by IBM's design, but never logged).
    const ibm = { authorization: basic('admin', 'password'), ...json };
    const cred = await call({ method: 'POST', url: '/ibm/credentials', headers: ibm, payload: { credential: { project_id: '731fc6f265cd486d900f16e84c5cb594', type: 'ec2' } } });
    secrets.push(cred.credential?.blob?.secret ?? cred.blob?.secret);

    // Krutrim: create an access key, open a session with it, refresh it, use it.
    const kos = { authorization: 'Bearer krutrim-test-key', ...json };
    const access = await call({ method: 'POST', url: '/krutrim/kos/v1/access_keys', headers: kos, payload: {} });
    secrets.push(access.secret_key);
    const session = await call({ method: 'POST', url: '/krutrim/kos/v1/sessions/activate', headers: kos, payload: { accessKey: access.access_key, secretKey: access.secret_key } });
    secrets.push(session.sessionToken, session.refreshToken);
    const refreshed = await call({ method: 'POST', url: `/krutrim/kos/v1/sessions/refresh/${session.sessionToken}`, headers: kos, payload: { refreshToken: session.refreshToken } });
    secrets.push(refreshed.sessionToken, refreshed.refreshToken);
    await call({ method: 'GET', url: `/krutrim/kos/v1/sessions/status/${refreshed.sessionToken}`, headers: kos });

    const journal = JSON.stringify(runtime.journal.list());
    const dump = JSON.stringify(runtime.namespaces.dump());
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
    console.log(`secrets: ${secrets.length} secrets checked against ${logs.length} log lines, ${runtime.journal.list().length} journal entries`);
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
