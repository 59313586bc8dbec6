import { describe, expect, it } from 'vitest';
import { TEST_EPOCH } from '../../helpers/build-app.js';
import { useTestApp } from '../../helpers/use-test-app.js';
import {
  ACCOUNT,
  ADMIN,
  AUDITOR,
  basic,
  client,
  expectError,
  expectSwiftHeaders,
  INACTIVE_KEY,
  newKeyBody,
  OPERATOR,
  OTHER_ACCOUNT,
  OTHER_USER,
  stateDump,
  USER,
} from './helpers.js';

const t = useTestApp({ fresh: 'world' });
const api = client(t);

const CREDENTIAL_KEYS = ['user_id', 'blob', 'project_id', 'type', 'id'];

describe('POST /credentials (create credential)', () => {
  it('generates access and secret (32 hex, as in IBM examples), Active, for the account owner, 201', async () => {
    const res = await api.create(newKeyBody());
    expect(res.statusCode).toBe(201);
    const { credential } = res.json();
    expect(Object.keys(credential)).toEqual(CREDENTIAL_KEYS);
    expect(credential).toMatchObject({ user_id: USER, project_id: ACCOUNT, type: 'ec2', blob: { status: 'Active' } });
    expect(Object.keys(credential.blob)).toEqual(['access', 'secret', 'status']);
    expect(credential.blob.access).toMatch(/^[0-9a-f]{32}$/);
    expect(credential.blob.secret).toMatch(/^[0-9a-f]{32}$/);
    expect(credential.id).toBe(credential.blob.access);
    expect('subject_ibm_id' in credential).toBe(false);
    // It is now in the store, with the same view on show.
    const shown = await api.show(credential.id);
    expect(shown.json()).toEqual({ credential });
  });

  it("takes IBM's documented example body (user_id and subject_ibm_id, echoed) and the trailing-slash path", async () => {
    const res = await api.call({ method: 'POST', url: '/credentials/', payload: newKeyBody({ subject_ibm_id: 'IBMid-61KR43CAFF', user_id: USER }) });
    expect(res.statusCode).toBe(201);
    const { credential } = res.json();
    expect(Object.keys(credential)).toEqual(['user_id', 'blob', 'project_id', 'type', 'subject_ibm_id', 'id']);
    expect(credential.subject_ibm_id).toBe('IBMid-61KR43CAFF');
  });

  it('takes a given access key and generates the secret; or takes both; blob.status is honoured', async () => {
    const a = (await api.create(newKeyBody({ blob: { access: 'MYACCESSKEY000000001' } }))).json().credential;
    expect(a.id).toBe('MYACCESSKEY000000001');
    expect(a.blob).toMatchObject({ access: 'MYACCESSKEY000000001', status: 'Active' });
    expect(a.blob.secret).toMatch(/^[0-9a-f]{32}$/);
    const b = (await api.create(newKeyBody({ blob: { access: 'MYACCESSKEY000000002', secret: 'my-own-secret', status: 'Inactive' } }))).json().credential;
    expect(b.blob).toEqual({ access: 'MYACCESSKEY000000002', secret: 'my-own-secret', status: 'Inactive' });
  });

  it('accepts blob as a serialized JSON string (IBM types it String) and refuses a string that is not one', async () => {
    const ok = await api.create(newKeyBody({ blob: JSON.stringify({ access: 'STRINGBLOBKEY', secret: 's3cr3t' }) }));
    expect(ok.statusCode).toBe(201);
    expect(ok.json().credential.blob).toEqual({ access: 'STRINGBLOBKEY', secret: 's3cr3t', status: 'Active' });
    expectError(await api.create(newKeyBody({ blob: 'not json' })), 400, /credential\.blob/);
    expectError(await api.create(newKeyBody({ blob: JSON.stringify({ secret: 'x' }) })), 400, /credential\.blob\.access/);
  });

  it('refuses an empty subject_ibm_id with 400', async () => {
    expectError(await api.create(newKeyBody({ subject_ibm_id: '' })), 400, /subject_ibm_id/);
  });

  it('409 when the access key already exists', async () => {
    expectError(await api.create(newKeyBody({ blob: { access: '181920' } })), 409, /Duplicate entry/);
  });

  it('404 for an unknown storage account or user; 405 for a user without rights on the account', async () => {
    expectError(await api.create({ credential: { project_id: 'ffffffffffffffffffffffffffffffff', type: 'ec2' } }), 404, /storage account/);
    expectError(await api.create(newKeyBody({ user_id: 'nosuchuser' })), 404, /user nosuchuser/);
    expectError(await api.create(newKeyBody({ user_id: OTHER_USER })), 405, /privileges to access storage account/);
    // The same user on an account it belongs to is fine.
    expect((await api.create({ credential: { project_id: OTHER_ACCOUNT, type: 'ec2', user_id: OTHER_USER } })).statusCode).toBe(201);
  });

  it('400 when no user_id is given and the storage account has no owner', async () => {
    await t.app.inject({ method: 'POST', url: '/_emulator/fixtures', payload: { ibm: { storage_accounts: [{ id: 'ownerless', name: 'ownerless' }] } } });
    expectError(await api.create({ credential: { project_id: 'ownerless', type: 'ec2' } }), 400, /user_id/);
  });
});

describe('the per-user key limit (IBM_KEY_LIMIT)', () => {
  it('defaults to 10 keys per user', async () => {
    // USER holds 3 seeded keys.
    for (let i = 0; i < 7; i++) expect((await api.create(newKeyBody())).statusCode).toBe(201);
    expectError(await api.create(newKeyBody()), 409, /maximum number of keys.*\(10\)/);
  });

  describe('IBM_KEY_LIMIT=4', () => {
    const t = useTestApp({ env: { IBM_KEY_LIMIT: '4' }, fresh: 'world' });
    const api = client(t);
    it('is configurable, counts Inactive keys, is per user, and frees up on delete', async () => {
      const fourth = await api.create(newKeyBody());
      expect(fourth.statusCode).toBe(201);
      const before = await stateDump(t);
      expectError(await api.create(newKeyBody()), 409, /maximum number of keys/);
      expectError(await api.create(newKeyBody({ blob: { access: 'WOULDBEFIFTH' } })), 409, /maximum number of keys/);
      expect(await stateDump(t)).toEqual(before);
      // Another user is not affected.
      expect((await api.create({ credential: { project_id: OTHER_ACCOUNT, type: 'ec2', user_id: OTHER_USER } })).statusCode).toBe(201);
      // Deleting the Inactive one frees a slot.
      expect((await api.remove(INACTIVE_KEY)).statusCode).toBe(204);
      expect((await api.create(newKeyBody())).statusCode).toBe(201);
    });
  });
});

describe('GET /credentials (list credentials)', () => {
  it('lists every key the caller may see in creation order, secrets included, Inactive reported', async () => {
    const res = await api.list();
    expect(res.statusCode).toBe(200);
    const { credentials } = res.json();
    expect(Object.keys(res.json())).toEqual(['credentials']);
    expect(credentials.map((c: { id: string }) => c.id)).toEqual(['181920', INACTIVE_KEY, 'a42a27755ce6442596b049bd7dd8a563', '9f86d081884c7d659a2feaa0c55ad015']);
    expect(credentials[0]).toEqual({ user_id: USER, blob: { access: '181920', secret: 'secretKey', status: 'Active' }, project_id: ACCOUNT, type: 'ec2', id: '181920' });
    expect(credentials[1].blob.status).toBe('Inactive');
    expect(credentials[3].subject_ibm_id).toBe('IBMid-61KR43CAFF');
  });

  it('filters by project_id, then by user_id (also on the trailing-slash path of IBM examples)', async () => {
    const ids = async (q: string) => (await api.list(q)).json().credentials.map((c: { id: string }) => c.id);
    expect(await ids(`?project_id=${ACCOUNT}`)).toEqual(['181920', INACTIVE_KEY]);
    expect(await ids(`?project_id=${OTHER_ACCOUNT}`)).toEqual(['a42a27755ce6442596b049bd7dd8a563', '9f86d081884c7d659a2feaa0c55ad015']);
    expect(await ids(`?project_id=${OTHER_ACCOUNT}&user_id=${USER}`)).toEqual(['a42a27755ce6442596b049bd7dd8a563']);
    expect(await ids(`?user_id=${OTHER_USER}`)).toEqual(['9f86d081884c7d659a2feaa0c55ad015']);
    expect(await ids(`?project_id=${ACCOUNT}&user_id=${OTHER_USER}`)).toEqual([]);
    const slash = await api.call({ method: 'GET', url: `/credentials/?project_id=${ACCOUNT}` });
    expect(slash.json().credentials).toHaveLength(2);
  });

  it('404 for an unknown account or user filter; 400 for an empty one', async () => {
    expectError(await api.list('?project_id=nope'), 404, /storage account nope/);
    expectError(await api.list('?user_id=nope'), 404, /user nope/);
    expectError(await api.list('?project_id='), 400, /project_id/);
  });

  it('shows a restricted manager only its accounts; 405 when it filters on another', async () => {
    const ids = (await api.list('', OPERATOR)).json().credentials.map((c: { project_id: string }) => c.project_id);
    expect(new Set(ids)).toEqual(new Set([OTHER_ACCOUNT]));
    expectError(await api.list(`?project_id=${ACCOUNT}`, OPERATOR), 405, /operator has no rights on/);
  });
});

describe('GET /credentials/{id} (show credential)', () => {
  it('returns the credential with its secret; Inactive shows as Inactive', async () => {
    const res = await api.show(INACTIVE_KEY);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      credential: { user_id: USER, blob: { access: INACTIVE_KEY, secret: 'c157a79031e1c40f85931829bc5fc552', status: 'Inactive' }, project_id: ACCOUNT, type: 'ec2', id: INACTIVE_KEY },
    });
  });

  it('404 for an unknown key, 405 for a key on an account the manager has no rights on', async () => {
    expectError(await api.show('NOSUCHKEY'), 404, /Could not find credential: NOSUCHKEY/);
    expectError(await api.show('181920', OPERATOR), 405);
    expect((await api.show('a42a27755ce6442596b049bd7dd8a563', OPERATOR)).statusCode).toBe(200);
  });
});

describe('PATCH /credentials/{id} (update credential)', () => {
  it("applies IBM's documented example verbatim: new secret, status Inactive", async () => {
    const res = await api.update('181920', {
      credential: { blob: { access: '181920', secret: 'secretKey', status: 'Inactive' }, project_id: ACCOUNT, type: 'ec2', user_id: USER },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ credential: { user_id: USER, blob: { access: '181920', secret: 'secretKey', status: 'Inactive' }, project_id: ACCOUNT, type: 'ec2', id: '181920' } });
  });

  it('moves status both ways and rotates the secret; every view reports the new state', async () => {
    const { credential } = (await api.create(newKeyBody())).json();
    const patch = (blob: Record<string, string>) => api.update(credential.id, { credential: { blob, project_id: ACCOUNT, type: 'ec2' } });
    expect((await patch({ status: 'Inactive' })).json().credential.blob).toEqual({ ...credential.blob, status: 'Inactive' });
    expect((await api.show(credential.id)).json().credential.blob.status).toBe('Inactive');
    const listed = (await api.list(`?project_id=${ACCOUNT}`)).json().credentials.find((c: { id: string }) => c.id === credential.id);
    expect(listed.blob.status).toBe('Inactive');
    expect((await patch({ secret: 'rotated-secret' })).json().credential.blob).toEqual({ access: credential.id, secret: 'rotated-secret', status: 'Inactive' });
    expect((await patch({ status: 'Active' })).json().credential.blob).toEqual({ access: credential.id, secret: 'rotated-secret', status: 'Active' });
    // A serialized blob works here too.
    expect((await api.update(credential.id, { credential: { blob: JSON.stringify({ status: 'Inactive' }), project_id: ACCOUNT, type: 'ec2' } })).json().credential.blob.status).toBe('Inactive');
  });

  it('requires blob, project_id and type ec2; refuses a status other than Active|Inactive', async () => {
    const before = await stateDump(t);
    expectError(await api.update('181920', { credential: { project_id: ACCOUNT, type: 'ec2' } }), 400, /credential\.blob/);
    expectError(await api.update('181920', { credential: { blob: { status: 'Inactive' }, type: 'ec2' } }), 400, /credential\.project_id/);
    expectError(await api.update('181920', { credential: { blob: { status: 'Inactive' }, project_id: ACCOUNT } }), 400, /credential\.type/);
    expectError(await api.update('181920', { credential: { blob: { status: 'inactive' }, project_id: ACCOUNT, type: 'ec2' } }), 400, /credential\.blob/);
    expectError(await api.update('181920', { credential: { blob: { status: 'Inactive', extra: 1 }, project_id: ACCOUNT, type: 'ec2' } }), 400);
    expect(await stateDump(t)).toEqual(before);
  });

  it("400 when access, project_id or user_id is not the credential's own; 404/405 as elsewhere", async () => {
    const body = (extra: Record<string, unknown> = {}, blob: Record<string, string> = { status: 'Inactive' }) => ({ credential: { blob, project_id: ACCOUNT, type: 'ec2', ...extra } });
    const before = await stateDump(t);
    expectError(await api.update('181920', body({}, { access: 'other', status: 'Inactive' })), 400, /blob\.access/);
    expectError(await api.update('181920', body({ project_id: OTHER_ACCOUNT })), 400, /project_id/);
    expectError(await api.update('181920', body({ user_id: OTHER_USER })), 400, /user_id/);
    expectError(await api.update('181920', body({ user_id: 'nosuchuser' })), 404, /user nosuchuser/);
    expectError(await api.update('181920', body({ project_id: 'nope' })), 404, /storage account nope/);
    expectError(await api.update('NOSUCHKEY', body()), 404, /Could not find credential/);
    expectError(await api.update('181920', body(), OPERATOR), 405);
    expect(await stateDump(t)).toEqual(before);
  });
});

describe('DELETE /credentials/{id} (delete credential)', () => {
  it('204 with an empty body and IBM headers; the key is gone', async () => {
    const res = await api.remove('181920');
    expect(res.statusCode).toBe(204);
    expect(res.body).toBe('');
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expectSwiftHeaders(res, TEST_EPOCH);
    expectError(await api.show('181920'), 404);
    expectError(await api.remove('181920'), 404);
  });

  it('tolerates an empty body sent with Content-Type: application/json', async () => {
    expect((await api.remove('181920', { 'content-type': 'application/json' })).statusCode).toBe(204);
  });

  it('405 on an account the manager has no rights on', async () => {
    expectError(await api.remove('181920', OPERATOR), 405);
    expect((await api.show('181920')).statusCode).toBe(200);
  });
});

describe('authentication and permissions', () => {
  it('401 with WWW-Authenticate for a missing, malformed or wrong credential', async () => {
    for (const authorization of ['', 'Bearer abc', 'Basic !!!', basic('admin', 'wrong').authorization, basic('nobody', 'password').authorization, `Basic ${Buffer.from('admin').toString('base64')}`]) {
      const res = await t.app.inject({ method: 'GET', url: '/ibm/credentials', headers: authorization ? { authorization } : {} });
      expectError(res, 401);
      expect(res.headers['www-authenticate']).toBe('Basic realm="IBM COS Credentials API"');
    }
  });

  it('authenticates before validating the body', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/ibm/credentials', headers: { 'content-type': 'application/json' }, payload: '{broken' });
    expectError(res, 401);
  });

  it('403 for a manager without the Key Management permission on create, update, delete; listing still works', async () => {
    const before = await stateDump(t);
    expectError(await api.create(newKeyBody(), AUDITOR), 403, /Key Management/);
    expectError(await api.update('181920', { credential: { blob: { status: 'Inactive' }, project_id: ACCOUNT, type: 'ec2' } }, AUDITOR), 403, /Key Management/);
    expectError(await api.remove('181920', AUDITOR), 403, /Key Management/);
    expect(await stateDump(t)).toEqual(before);
    expect((await api.list('', AUDITOR)).statusCode).toBe(200);
    expect((await api.show('181920', AUDITOR)).statusCode).toBe(200);
  });

  it('403 for a manager without the Key Listing permission on list and show', async () => {
    await t.app.inject({ method: 'POST', url: '/_emulator/fixtures', payload: { ibm: { managers: [{ username: 'writer', password: 'writer', permissions: ['key_management'] }] } } });
    const writer = basic('writer', 'writer');
    expectError(await api.list('', writer), 403, /Key Listing/);
    expectError(await api.show('181920', writer), 403, /Key Listing/);
    expect((await api.create(newKeyBody(), writer)).statusCode).toBe(201);
  });

  it('405 for a manager without rights on the storage account', async () => {
    expectError(await api.create(newKeyBody(), OPERATOR), 405, /operator has no rights on 731fc6f265cd486d900f16e84c5cb594/);
    expect((await api.create({ credential: { project_id: OTHER_ACCOUNT, type: 'ec2' } }, OPERATOR)).statusCode).toBe(201);
  });

  describe('RATE_LIMITS=ibm:2', () => {
    const t = useTestApp({ env: { RATE_LIMITS: 'ibm:2' }, fresh: 'world' });
    const api = client(t);
    it('rate-limits per manager with a 429, Retry-After and the IBM headers; the window moves with the clock', async () => {
      expect((await api.list()).statusCode).toBe(200);
      expect((await api.list()).statusCode).toBe(200);
      const limited = await api.list();
      expectError(limited, 429, /2 requests per minute/);
      expect(limited.headers['retry-after']).toBe('60');
      expectSwiftHeaders(limited, TEST_EPOCH);
      // Another manager has its own window.
      expect((await api.list('', AUDITOR)).statusCode).toBe(200);
      t.clock.advance(60_000);
      expect((await api.list()).statusCode).toBe(200);
    });
  });
});

describe('headers on every response', () => {
  it('X-Trans-Id, X-Timestamp, Date and Content-Type agree with the emulator clock, on success and on errors', async () => {
    t.clock.advance(90_500);
    const now = TEST_EPOCH + 90_500;
    const responses = [
      await api.list(),
      await api.create(newKeyBody()),
      await api.show('181920'),
      await api.show('NOSUCHKEY'),
      await api.call({ method: 'GET', url: '/nowhere' }),
      await t.app.inject({ method: 'GET', url: '/ibm/credentials' }),
      await api.list('', { 'x-emulator-fault': '503' }),
      await api.call({ method: 'POST', url: '/credentials', headers: { 'content-type': 'application/json' }, payload: '{nope' }),
    ];
    for (const res of responses) expectSwiftHeaders(res, now);
    expect(responses[0]!.headers['accept-ranges']).toBe('bytes');
    // Every transaction id is different.
    expect(new Set(responses.map((r) => r.headers['x-trans-id'])).size).toBe(responses.length);
    t.clock.set(Date.UTC(2030, 5, 15, 12, 34, 56, 789));
    expectSwiftHeaders(await api.list(), Date.UTC(2030, 5, 15, 12, 34, 56, 789));
  });

  it('formats like the IBM example: 2016-03-18T00:56:10Z → tx…-0056eb522a', async () => {
    t.clock.set(Date.UTC(2016, 2, 18, 0, 56, 10));
    const res = await api.list();
    expect(String(res.headers['x-trans-id'])).toMatch(/^tx[0-9a-f]{21}-0056eb522a$/);
    expect(res.headers.date).toBe('Fri, 18 Mar 2016 00:56:10 GMT');
    expect(res.headers['x-timestamp']).toBe('1458262570.00000');
  });
});

describe('state changes are visible through the control plane', () => {
  it('created and deleted keys show in the state dump (without secrets)', async () => {
    const { credential } = (await api.create(newKeyBody({ subject_ibm_id: 'IBMid-X' }))).json();
    const dump = (await stateDump(t)) as { namespaces: { default: { ibm: { ibm_credentials: Array<Record<string, unknown>> } } } };
    const row = dump.namespaces.default.ibm.ibm_credentials.find((r) => r.access === credential.id)!;
    expect(row).toMatchObject({ status: 'Active', project_id: ACCOUNT, user_id: USER, subject_ibm_id: 'IBMid-X', created_at: TEST_EPOCH });
    expect(row).not.toHaveProperty('secret');
    await api.remove(credential.id);
    const after = (await stateDump(t)) as typeof dump;
    expect(after.namespaces.default.ibm.ibm_credentials.some((r) => r.access === credential.id)).toBe(false);
  });

  it('PATCH records when it happened', async () => {
    t.clock.advance(5_000);
    await api.update('181920', { credential: { blob: { status: 'Inactive' }, project_id: ACCOUNT, type: 'ec2' } });
    const dump = (await stateDump(t)) as { namespaces: { default: { ibm: { ibm_credentials: Array<Record<string, unknown>> } } } };
    expect(dump.namespaces.default.ibm.ibm_credentials.find((r) => r.access === '181920')).toMatchObject({ status: 'Inactive', created_at: TEST_EPOCH, updated_at: TEST_EPOCH + 5_000 });
  });

  it('the admin credential is the well-known admin/password', () => {
    expect(ADMIN.authorization).toBe(`Basic ${Buffer.from('admin:password').toString('base64')}`);
  });
});
