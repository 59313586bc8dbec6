import type Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../src/db/open.js';
import { buildTestApp, type TestApp } from '../../helpers/build-app.js';
import { call, DATA_CENTER } from './helpers.js';

/**
 * The hot path (issue 18): how many SQL statements a request runs, counted on the database the app is
 * given (every statement any part of the emulator executes, auth included). A read must not grow with
 * the size of the world: not with the keys on the page, the buckets naming them or the trash.
 */

/** Counts every execution of every statement prepared on `db` from now on. */
function countStatements(db: Database.Database): { count(): number; reset(): void } {
  let executed = 0;
  const prepare = db.prepare.bind(db);
  db.prepare = ((text: string) => {
    const statement = prepare(text);
    const counted: Database.Statement = new Proxy(statement, {
      get(target, property) {
        const value: unknown = Reflect.get(target, property, target);
        if (typeof value !== 'function') return value;
        if (property === 'get' || property === 'all' || property === 'run' || property === 'iterate') {
          return (...args: unknown[]) => {
            executed++;
            return (value as (...a: unknown[]) => unknown).apply(target, args);
          };
        }
        // raw(), pluck(), bind(): they return the statement itself, which must stay counted.
        return (...args: unknown[]) => {
          const result = (value as (...a: unknown[]) => unknown).apply(target, args);
          return result === target ? counted : result;
        };
      },
    });
    return counted;
  }) as typeof db.prepare;
  return { count: () => executed, reset: () => void (executed = 0) };
}

const ORG = { sub_domain: 'big' };
const CLUSTER = { region: 'uk-lon-1' };
const KEYS = '/organizations/organization/object_storage/access_keys';
const KEY = '/object_storage/access_keys/access_key';
const CREATE_KEY = '/organizations/organization/object_storage/object_storage_cluster/access_keys';

/** One organization with `keys` keys, `buckets` buckets whose lists name every key, and `trash` trashed accounts elsewhere. */
function world(keys: number, buckets: number, trash: number) {
  const keyIds = Array.from({ length: keys }, (_, i) => `objkey_BIG${String(i).padStart(12, '0')}`);
  return {
    katapult: {
      api_tokens: [{ token: 'big-token', name: 'big', scopes: ['object_storage', 'object_storage:read'], rate_limit: 100_000 }],
      clusters: [{ region: 'uk-lon-1', data_center: DATA_CENTER }],
      organizations: [
        {
          id: 'org_BIG', sub_domain: 'big',
          object_storage_accounts: [{
            id: 'objacc_BIG', region: 'uk-lon-1', provisioning_state: 'provisioned',
            access_keys: keyIds.map((id, i) => ({ id, name: `key-${i}` })),
            buckets: Array.from({ length: buckets }, (_, i) => ({ name: `bucket-${i}`, access_control_list: { read_key_ids: keyIds, write_key_ids: keyIds } })),
          }],
        },
        ...Array.from({ length: trash }, (_, i) => ({ id: `org_T${i}`, sub_domain: `trash-${i}`, object_storage_accounts: [{ id: `objacc_T${i}`, region: 'uk-lon-1' }] })),
      ],
    },
  };
}

const headers = { authorization: 'Bearer big-token' };

describe('Katapult: SQL statements per request', () => {
  let t: TestApp | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  async function measure(keys: number, buckets: number, trash: number) {
    const db = openDatabase(':memory:');
    const counter = countStatements(db);
    t = await buildTestApp({ db, fixtures: [world(keys, buckets, trash)] });
    const app = t;
    // Trash: every other organization's account goes in (a sweep must not walk them).
    for (let i = 0; i < trash; i++) {
      expect((await call(app, 'DELETE', '/organizations/organization/object_storage/object_storage_cluster', { organization: { sub_domain: `trash-${i}` }, object_storage_cluster: CLUSTER }, headers)).statusCode).toBe(200);
    }
    const run = async (method: 'GET' | 'POST', path: string, args: Record<string, unknown>, status: number) => {
      counter.reset();
      const res = await call(app, method, path, args, headers);
      expect(res.statusCode).toBe(status);
      return { count: counter.count(), body: res.json() };
    };
    await run('GET', KEYS, { organization: ORG, per_page: 1000 }, 200); // the namespace is ready, keys settled
    const list = await run('GET', KEYS, { organization: ORG, per_page: 1000 }, 200);
    expect(list.body.object_storage_access_keys).toHaveLength(keys);
    for (const key of list.body.object_storage_access_keys) expect(key.read_buckets).toHaveLength(buckets);
    const get = await run('GET', KEY, { access_key: { id: 'objkey_BIG000000000000' } }, 200);
    expect(get.body.object_storage_access_key.write_buckets).toHaveLength(buckets);
    const create = await run('POST', CREATE_KEY, { organization: ORG, object_storage_cluster: CLUSTER, properties: { name: 'new' } }, 201);
    return { list: list.count, get: get.count, create: create.count };
  }

  it('a key list, a key read and a key create run a fixed number of statements, whatever the size of the world', async () => {
    const small = await measure(1, 1, 0);
    await t?.close();
    t = undefined;
    const big = await measure(60, 8, 6);
    expect(big).toEqual(small);
    // The token is read once and then remembered (core/sql.ts), the database unwritten since the request before.
    // organization, trash sweep, count, page (each key with its buckets)
    expect(small.list).toBe(4);
    // trash sweep, the key with its buckets and account
    expect(small.get).toBe(2);
    // organization, cluster, trash sweep, account, insert
    expect(small.create).toBe(5);
  });
});
