import { describe, expect, it } from 'vitest';
import { buildApp } from '../../../src/app.js';
import { ibmCatalogue } from '../../../src/vendors/ibm/errors.js';
import { TEST_EPOCH } from '../../helpers/build-app.js';
import { useTestApp } from '../../helpers/use-test-app.js';
import { ACCOUNT, ADMIN, AUDITOR, basic, client, expectError, expectSwiftHeaders, newKeyBody, stateDump, USER } from './helpers.js';

const t = useTestApp({ fresh: 'world' });
const api = client(t);

describe('bad input gets the Keystone envelope and changes nothing', () => {
  const raw = (payload: string, contentType = 'application/json', method: 'POST' | 'PATCH' = 'POST', url = '/credentials') =>
    api.call({ method, url, headers: { 'content-type': contentType }, payload });

  const cases: Array<[string, () => ReturnType<typeof raw>, number]> = [
    ['malformed JSON', () => raw('{"credential": {'), 400],
    ['a JSON array', () => raw('[]'), 400],
    ['a JSON string', () => raw('"credential"'), 400],
    ['an empty body', () => raw(''), 400],
    ['null', () => raw('null'), 400],
    ['no credential wrapper', () => raw(JSON.stringify({ project_id: ACCOUNT, type: 'ec2' })), 400],
    ['type other than ec2', () => raw(JSON.stringify(newKeyBody({ type: 'ec3' }))), 400],
    ['project_id a number', () => raw(JSON.stringify({ credential: { project_id: 5, type: 'ec2' } })), 400],
    ['project_id missing', () => raw(JSON.stringify({ credential: { type: 'ec2' } })), 400],
    ['an unknown field in credential', () => raw(JSON.stringify(newKeyBody({ name: 'x' }))), 400],
    ['an unknown top-level field', () => raw(JSON.stringify({ ...newKeyBody(), extra: true })), 400],
    ['an unknown blob field', () => raw(JSON.stringify(newKeyBody({ blob: { access: 'OKKEY', colour: 'red' } }))), 400],
    ['blob without access', () => raw(JSON.stringify(newKeyBody({ blob: { secret: 'x' } }))), 400],
    ['blob a number', () => raw(JSON.stringify(newKeyBody({ blob: 7 }))), 400],
    ['an access key with a slash', () => raw(JSON.stringify(newKeyBody({ blob: { access: 'a/b' } }))), 400],
    ['a secret with a space', () => raw(JSON.stringify(newKeyBody({ blob: { access: 'OKKEY', secret: 'a b' } }))), 400],
    ['a lowercase status', () => raw(JSON.stringify(newKeyBody({ blob: { access: 'OKKEY', status: 'active' } }))), 400],
    ['user_id an object', () => raw(JSON.stringify(newKeyBody({ user_id: { id: USER } }))), 400],
    ['an empty subject_ibm_id', () => raw(JSON.stringify(newKeyBody({ subject_ibm_id: '' }))), 400],
    ['a __proto__ key', () => raw('{"credential": {"project_id": "731fc6f265cd486d900f16e84c5cb594", "type": "ec2", "__proto__": {"admin": true}}}'), 400],
    ['text/plain', () => raw(JSON.stringify(newKeyBody()), 'text/plain'), 415],
    ['form data', () => raw('credential=x', 'application/x-www-form-urlencoded'), 415],
    ['a huge body', () => raw(JSON.stringify(newKeyBody({ subject_ibm_id: 'x'.repeat(2 * 1024 * 1024) }))), 413],
    ['PATCH malformed JSON', () => raw('{', 'application/json', 'PATCH', '/credentials/181920'), 400],
    ['PATCH wrong types', () => raw(JSON.stringify({ credential: { blob: { status: true }, project_id: ACCOUNT, type: 'ec2' } }), 'application/json', 'PATCH', '/credentials/181920'), 400],
    ['PATCH unknown field', () => raw(JSON.stringify({ credential: { blob: {}, project_id: ACCOUNT, type: 'ec2', status: 'Inactive' } }), 'application/json', 'PATCH', '/credentials/181920'), 400],
    ['PATCH a huge body', () => raw(JSON.stringify({ credential: { blob: { secret: 'x'.repeat(2 * 1024 * 1024) }, project_id: ACCOUNT, type: 'ec2' } }), 'application/json', 'PATCH', '/credentials/181920'), 413],
  ];

  for (const [name, send, status] of cases) {
    it(`${name} → ${status}`, async () => {
      const before = await stateDump(t);
      const res = await send();
      expectError(res, status);
      expectSwiftHeaders(res, TEST_EPOCH);
      expect(res.body).not.toMatch(/statusCode|FST_/);
      expect(await stateDump(t)).toEqual(before);
    });
  }

  it('names the field at fault, Keystone style, after the wording of IBM\'s status table', async () => {
    const res = await api.create(newKeyBody({ type: 'ec3' }));
    expect(res.json().error.message).toMatch(/^Request does not comply with specification: Invalid input for field 'credential\.type'/);
  });

  describe("400, 401 and 403 messages start with the page's status-table wording", () => {
    const W400 = 'Request does not comply with specification';
    const W401 = 'The provided token is not valid or cannot be verified';
    const W403 = 'The provided token although valid, does not provide appropriate permissions to the user';
    const starts = (res: Awaited<ReturnType<typeof api.create>>, status: number, wording: string) => {
      expectError(res, status);
      expect(res.json().error.message.startsWith(wording), res.json().error.message).toBe(true);
    };
    it.each([
      ['malformed JSON', () => api.call({ method: 'POST', url: '/credentials', payload: '{"credential":', headers: { 'content-type': 'application/json' } }), 400, W400],
      ['a body off the schema', () => api.create({ credential: { project_id: ACCOUNT } }), 400, W400],
      ['an empty subject_ibm_id', () => api.create(newKeyBody({ subject_ibm_id: '' })), 400, W400],
      ['no Authorization', () => api.list('', { authorization: '' }), 401, W401],
      ['a Bearer token', () => api.list('', { authorization: 'Bearer abc' }), 401, W401],
      ['a wrong password', () => api.list('', basic('admin', 'nope')), 401, W401],
      ['a manager without Key Management', () => api.create(newKeyBody(), AUDITOR), 403, W403],
      ['a forced 400', () => api.list('', { 'x-emulator-fault': '400' }), 400, W400],
      ['a forced 401', () => api.list('', { 'x-emulator-fault': 'unauthorized' }), 401, W401],
      ['a forced 403', () => api.list('', { 'x-emulator-fault': '403' }), 403, W403],
    ] as const)('%s', async (_name, send, status, wording) => {
      const before = await stateDump(t);
      starts(await send(), status, wording);
      expect(await stateDump(t)).toEqual(before);
    });
  });

  it('an unknown path or method under the mount is a 404 in the same envelope', async () => {
    expectError(await api.call({ method: 'GET', url: '/v3/credentials' }), 404);
    expectError(await api.call({ method: 'PUT', url: '/credentials/181920', payload: {} }), 404);
    expectError(await t.app.inject({ method: 'GET', url: '/ibm/' }), 404);
  });

  it('ignores unknown query parameters; refuses a repeated filter', async () => {
    expect((await api.list('?limit=5')).statusCode).toBe(200);
    expectError(await api.list(`?project_id=${ACCOUNT}&project_id=${ACCOUNT}`), 400);
  });

  it('a very long or odd id is a 404, never a 500', async () => {
    expectError(await api.show('x'.repeat(900)), 404);
    expectError(await api.show('%E2%9C%93'), 404);
    expectError(await api.show('a%2Fb'), 404);
  });
});

describe('fault injection', () => {
  /** All five operations, each with a request that succeeds without a fault (the state dump shows it did not happen). */
  const operations: Array<[string, (headers: Record<string, string>) => ReturnType<typeof api.list>, number]> = [
    ['createCredential', (h) => api.create(newKeyBody(), h), 201],
    ['listCredentials', (h) => api.list(`?project_id=${ACCOUNT}`, h), 200],
    ['showCredential', (h) => api.show('181920', h), 200],
    ['updateCredential', (h) => api.update('181920', { credential: { blob: { secret: 'never-stored-secret', status: 'Inactive' }, project_id: ACCOUNT, type: 'ec2' } }, h), 200],
    ['deleteCredential', (h) => api.remove('181920', h), 204],
  ];
  const STATUSES = [400, 401, 403, 404, 405, 409, 413, 415, 429, 500, 503];

  it.each(operations.map(([name, send, success]) => [name, send, success] as const))(
    '%s: x-emulator-fault forces every status and every catalogue code, in the envelope with the Swift headers, changing nothing',
    async (_name, send, success) => {
      const before = await stateDump(t);
      for (const status of STATUSES) {
        const res = await send({ 'x-emulator-fault': String(status) });
        expectError(res, status);
        expectSwiftHeaders(res, TEST_EPOCH);
        if (status === 401) expect(res.headers['www-authenticate']).toBe('Basic realm="IBM COS Credentials API"');
      }
      for (const code of ibmCatalogue.codes()) {
        const res = await send({ 'x-emulator-fault': code });
        expectError(res, ibmCatalogue.entry(code).status);
        expect(res.json().error.message, code).toBe(ibmCatalogue.entry(code).message);
        expectSwiftHeaders(res, TEST_EPOCH);
      }
      expect(await stateDump(t)).toEqual(before);
      // The same request without a fault goes through.
      expect((await send({})).statusCode).toBe(success);
    },
  );

  it('503 carries the IBM text', async () => {
    expectError(await api.remove('181920', { 'x-emulator-fault': 'service_unavailable' }), 503, /^The credential API service is currently unavailable\.$/);
    expect((await api.show('181920')).statusCode).toBe(200);
  });

  it('an unknown fault value is a 400', async () => {
    expectError(await api.list('', { 'x-emulator-fault': 'teapot' }), 400, /Unknown x-emulator-fault/);
  });

  it('rules: "fail twice with 503, then succeed" for create only', async () => {
    const rule = await t.app.inject({ method: 'POST', url: '/_emulator/faults', payload: { vendor: 'ibm', operation: 'createCredential', error: 503, times: 2 } });
    expect(rule.statusCode).toBe(201);
    expectError(await api.create(newKeyBody()), 503);
    expect((await api.list()).statusCode).toBe(200);
    expectError(await api.create(newKeyBody()), 503);
    expect((await api.create(newKeyBody())).statusCode).toBe(201);
  });
});

describe('secrets', () => {
  it('are shown on create, show and list (IBM documents it) but never in the state dump or the journal', async () => {
    const { credential } = (await api.create(newKeyBody())).json();
    const secret = credential.blob.secret;
    expect((await api.show(credential.id)).body).toContain(secret);
    expect((await api.list()).body).toContain(secret);
    const given = (await api.create(newKeyBody({ blob: { access: 'GIVENKEY', secret: 'given-secret-value-123' } }))).json().credential;
    await api.update(given.id, { credential: { blob: { secret: 'rotated-secret-value-456' }, project_id: ACCOUNT, type: 'ec2' } });
    const dump = (await t.app.inject({ method: 'GET', url: '/_emulator/state' })).body;
    const journal = (await t.app.inject({ method: 'GET', url: '/_emulator/requests' })).body;
    for (const text of [dump, journal]) {
      for (const hidden of [secret, 'given-secret-value-123', 'rotated-secret-value-456', 'secretKey', '71faf1d40bb24c82b479b1c6fbbd9f0c', 'password"']) expect(text).not.toContain(hidden);
    }
    expect(dump).toContain(credential.id);
    expect(journal).toContain('createCredential');
  });

  it('manager passwords are hidden from the state dump', async () => {
    const dump = (await stateDump(t)) as { namespaces: { default: { ibm: { ibm_managers: Array<Record<string, unknown>> } } } };
    expect(dump.namespaces.default.ibm.ibm_managers.map((m) => m.username)).toEqual(['admin', 'auditor', 'operator']);
    for (const m of dump.namespaces.default.ibm.ibm_managers) expect(m).not.toHaveProperty('password');
  });
});

describe('namespaces', () => {
  it('keys made in one namespace are invisible in another, each seeded with the default world', async () => {
    const { credential } = (await api.call({ method: 'POST', url: '/credentials', payload: newKeyBody(), headers: { 'x-emulator-namespace': 'one' } })).json();
    expect((await t.app.inject({ method: 'GET', url: `/ns/one/ibm/credentials/${credential.id}`, headers: ADMIN })).statusCode).toBe(200);
    expectError(await t.app.inject({ method: 'GET', url: `/ns/two/ibm/credentials/${credential.id}`, headers: ADMIN }), 404);
    expectError(await api.show(credential.id), 404);
    expect((await t.app.inject({ method: 'GET', url: '/ns/two/ibm/credentials/181920', headers: ADMIN })).statusCode).toBe(200);
    // A delete in one namespace leaves the seeded key of another alone.
    expect((await t.app.inject({ method: 'DELETE', url: '/ns/one/ibm/credentials/181920', headers: ADMIN })).statusCode).toBe(204);
    expect((await api.show('181920')).statusCode).toBe(200);
  });

  it('a manager loaded into one namespace cannot authenticate in another', async () => {
    const loaded = await t.app.inject({ method: 'POST', url: '/_emulator/fixtures?namespace=only', payload: { ibm: { managers: [{ username: 'local', password: 'local-pass' }] } } });
    expect(loaded.json()).toEqual({ namespace: 'only', loaded: { ibm: { managers: 1, storage_accounts: 0, users: 0, credentials: 0 } } });
    const local = basic('local', 'local-pass');
    expect((await t.app.inject({ method: 'GET', url: '/ns/only/ibm/credentials', headers: local })).statusCode).toBe(200);
    expectError(await t.app.inject({ method: 'GET', url: '/ns/elsewhere/ibm/credentials', headers: local }), 401);
    expectError(await t.app.inject({ method: 'GET', url: '/ibm/credentials', headers: local }), 401);
  });

  it('reset re-seeds the default world', async () => {
    await api.remove('181920');
    expect((await t.app.inject({ method: 'POST', url: '/_emulator/reset?vendor=ibm' })).statusCode).toBe(204);
    expect((await api.show('181920')).statusCode).toBe(200);
  });
});

describe('fixtures', () => {
  it('refuses a dangling reference whole (nothing half-loaded)', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/_emulator/fixtures?namespace=fx',
      payload: { ibm: { users: [{ id: 'u-new', name: 'new', storage_accounts: [ACCOUNT] }], credentials: [{ access: 'DANGLING', secret: 's', project_id: 'no-such-account', user_id: USER }] } },
    });
    expect(res.statusCode).toBe(409);
    const after = (await stateDump(t, 'fx')) as { namespaces: Record<string, { ibm: { ibm_users: Array<{ id: string }> } }> };
    expect(after.namespaces.fx?.ibm.ibm_users.map((u) => u.id) ?? []).not.toContain('u-new');
  });

  it('refuses a bad section with its JSON path', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/_emulator/fixtures?namespace=fy', payload: { ibm: { credentials: [{ access: 'K', secret: 's', project_id: ACCOUNT, user_id: USER, status: 'Paused' }] } } });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toMatch(/\$\.ibm\.credentials\[0\]\.status/);
  });
});

describe('served at the root of its own port (VENDOR_PORTS=ibm:8337)', () => {
  it('answers /credentials at the root, on the same runtime and state as /ibm', async () => {
    const root = await buildApp(t.runtime, { rootVendor: 'ibm' });
    await root.ready();
    try {
      const listed = await root.inject({ method: 'GET', url: '/credentials', headers: ADMIN });
      expect(listed.statusCode).toBe(200);
      expectSwiftHeaders(listed, TEST_EPOCH);
      expect(listed.json()).toEqual((await api.list()).json());
      // Made at the root, seen under /ibm; deleted under /ibm, gone at the root.
      const made = await root.inject({ method: 'POST', url: '/credentials/', headers: ADMIN, payload: newKeyBody() });
      expect(made.statusCode).toBe(201);
      const id = made.json().credential.id;
      expect((await api.show(id)).json()).toEqual(made.json());
      expect((await api.remove(id)).statusCode).toBe(204);
      expectError(await root.inject({ method: 'GET', url: `/credentials/${id}`, headers: ADMIN }), 404);
      // Namespaces, auth and the control plane's absence.
      expect((await root.inject({ method: 'GET', url: '/ns/rooted/credentials/181920', headers: ADMIN })).statusCode).toBe(200);
      expectError(await root.inject({ method: 'GET', url: '/credentials' }), 401);
      expectError(await root.inject({ method: 'GET', url: '/_emulator/health' }), 404);
      // Both apps journal into the same runtime.
      const journal = (await t.app.inject({ method: 'GET', url: '/_emulator/requests?vendor=ibm' })).json();
      expect(journal.requests.map((r: { path: string }) => r.path)).toContain(`/credentials/${id}`);
    } finally {
      await root.close();
    }
  });
});

describe('DESIGN.md §4 default world', () => {
  it('admin/password manages keys of the default storage account for the default user', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/ibm/credentials', headers: basic('admin', 'password'), payload: { credential: { project_id: '731fc6f265cd486d900f16e84c5cb594', type: 'ec2', user_id: 'bb5476fd12884539b41d5a88f838d773' } } });
    expect(res.statusCode).toBe(201);
  });
});
