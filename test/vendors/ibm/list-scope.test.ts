import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../helpers/build-app.js';
import { ACCOUNT, basic, client, expectError, INACTIVE_KEY, OPERATOR, OTHER_ACCOUNT, OTHER_USER, USER } from './helpers.js';

// The list is narrowed in SQL (by user, by account, by the manager's accounts): what each caller sees,
// in creation order, across every combination of filters and manager scopes.
let t: TestApp;
let api: ReturnType<typeof client>;
const BOTH = basic('both', 'both');
const NONE = basic('none', 'none');
const ids = async (query: string, headers: Record<string, string> = {}) => {
  const res = await api.list(query, headers);
  expect(res.statusCode, res.body).toBe(200);
  return res.json().credentials.map((c: { id: string }) => c.id);
};

beforeAll(async () => {
  t = await buildTestApp();
  api = client(t);
  const loaded = await t.app.inject({
    method: 'POST',
    url: '/_emulator/fixtures',
    payload: {
      ibm: {
        managers: [
          { username: 'both', password: 'both', storage_accounts: [OTHER_ACCOUNT, ACCOUNT] },
          { username: 'none', password: 'none', storage_accounts: [] },
        ],
        users: [{ id: 'solo', name: 'solo', storage_accounts: [ACCOUNT] }],
        credentials: [{ access: 'SOLOKEY', secret: 'solo-secret', project_id: ACCOUNT, user_id: 'solo' }],
      },
    },
  });
  expect(loaded.statusCode, loaded.body).toBe(200);
  // A key on the other account after the default account's: creation order crosses accounts.
  expect((await api.create({ credential: { project_id: OTHER_ACCOUNT, type: 'ec2', user_id: USER, blob: { access: 'LATEOTHER' } } })).statusCode).toBe(201);
});
afterAll(() => t.close());

const ALL = ['181920', INACTIVE_KEY, 'a42a27755ce6442596b049bd7dd8a563', '9f86d081884c7d659a2feaa0c55ad015', 'SOLOKEY', 'LATEOTHER'];

describe('list scopes', () => {
  it('a manager of every account, or of each account by name, sees every key in creation order', async () => {
    expect(await ids('')).toEqual(ALL);
    expect(await ids('', BOTH)).toEqual(ALL);
  });

  it('a manager of no account sees none, and 405 on an account it names', async () => {
    expect(await ids('', NONE)).toEqual([]);
    expect(await ids(`?user_id=${USER}`, NONE)).toEqual([]);
    expectError(await api.list(`?project_id=${ACCOUNT}`, NONE), 405);
    expectError(await api.list('?project_id=nope', NONE), 404, /storage account nope/);
  });

  it("a restricted manager's user filter keeps only its accounts' keys", async () => {
    expect(await ids(`?user_id=${USER}`)).toEqual(['181920', INACTIVE_KEY, 'a42a27755ce6442596b049bd7dd8a563', 'LATEOTHER']);
    expect(await ids(`?user_id=${USER}`, OPERATOR)).toEqual(['a42a27755ce6442596b049bd7dd8a563', 'LATEOTHER']);
    expect(await ids(`?user_id=${OTHER_USER}`, OPERATOR)).toEqual(['9f86d081884c7d659a2feaa0c55ad015']);
    // A user whose keys are all on an account the manager cannot see: an empty list, not a 404.
    expect(await ids('?user_id=solo', OPERATOR)).toEqual([]);
    expect(await ids('?user_id=solo')).toEqual(['SOLOKEY']);
    expectError(await api.list('?user_id=nope', OPERATOR), 404, /user nope/);
  });

  it('account and user filters together; an empty result still tells an unknown account or user', async () => {
    expect(await ids(`?project_id=${OTHER_ACCOUNT}&user_id=${USER}`, OPERATOR)).toEqual(['a42a27755ce6442596b049bd7dd8a563', 'LATEOTHER']);
    expect(await ids(`?project_id=${ACCOUNT}&user_id=solo`, BOTH)).toEqual(['SOLOKEY']);
    expect(await ids(`?project_id=${OTHER_ACCOUNT}&user_id=solo`, BOTH)).toEqual([]);
    expectError(await api.list(`?project_id=nope&user_id=${USER}`), 404, /storage account nope/);
    expectError(await api.list(`?project_id=${ACCOUNT}&user_id=nope`), 404, /user nope/);
    expectError(await api.list(`?project_id=${ACCOUNT}&user_id=nope`, OPERATOR), 405);
  });
});
