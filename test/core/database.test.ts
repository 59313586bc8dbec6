import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { migrate } from '../../src/db/migrate.js';
import { secretDigest } from '../../src/core/secrets.js';
import { MIGRATIONS } from '../../src/db/migrations/index.js';
import tokenDigests from '../../src/db/migrations/011-token-digests.js';
import { openDatabase } from '../../src/db/open.js';
import { buildTestApp } from '../helpers/build-app.js';

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});
const tempFile = () => join((dir = mkdtempSync(join(tmpdir(), 'ake-db-'))), 'state.sqlite');

describe('the state database', () => {
  it(':memory: stays in memory; a file database uses WAL, with foreign keys on', () => {
    const memory = openDatabase(':memory:');
    expect(memory.pragma('journal_mode', { simple: true })).toBe('memory');
    memory.close();
    const file = openDatabase(tempFile());
    expect(file.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(file.pragma('foreign_keys', { simple: true })).toBe(1);
    file.close();
  });

  it('applies the migrations in order against user_version, once', () => {
    const path = tempFile();
    const first = openDatabase(path);
    expect(first.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    first.prepare("INSERT INTO namespaces (name, created_at) VALUES ('kept', 0)").run();
    first.close();
    // Reopening applies nothing again: the row survives and the version is unchanged.
    const again = openDatabase(path);
    expect(again.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    expect(again.prepare("SELECT count(*) AS n FROM namespaces WHERE name = 'kept'").get()).toEqual({ n: 1 });
    again.close();
  });

  it('takes a database part-way up to the current version, applying only the missing migrations', () => {
    const db = new Database(':memory:');
    db.exec(MIGRATIONS[0]!);
    db.pragma('user_version = 1');
    expect(migrate(db)).toBe(MIGRATIONS.length);
    expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    db.close();
  });

  it('runs the pending migrations in one exclusive transaction: one that fails leaves the file as it was', () => {
    const path = tempFile();
    const old = new Database(path);
    old.exec(MIGRATIONS[0]!);
    old.pragma('user_version = 1');
    // A table migration 003 would create is already there: 002 applies, 003 fails.
    old.exec('CREATE TABLE ionos_users (namespace TEXT)');
    old.close();
    const db = new Database(path);
    expect(() => migrate(db)).toThrow(/already exists/);
    expect(db.pragma('user_version', { simple: true })).toBe(1);
    expect(db.prepare("SELECT count(*) AS n FROM sqlite_schema WHERE name LIKE 'katapult_%'").get()).toEqual({ n: 0 });
    // While another connection writes, migrate waits for it (here: gives up at once) instead of racing it.
    const other = new Database(path);
    other.exec('DROP TABLE ionos_users');
    other.exec('BEGIN IMMEDIATE');
    db.pragma('busy_timeout = 0');
    expect(() => migrate(db)).toThrow(/locked|busy/i);
    other.exec('ROLLBACK');
    other.close();
    expect(migrate(db)).toBe(MIGRATIONS.length);
    expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    db.close();
  });

  it('refuses a database from a newer emulator, naming the versions', () => {
    const path = tempFile();
    const newer = new Database(path);
    newer.pragma(`user_version = ${MIGRATIONS.length + 1}`);
    newer.close();
    expect(() => openDatabase(path)).toThrow(`schema version ${MIGRATIONS.length + 1}, newer than this emulator knows (${MIGRATIONS.length})`);
  });

  it('upgrades a file database from before the token digests: its credentials still authenticate, and only their digests are left in the file', async () => {
    const path = tempFile();
    const before = MIGRATIONS.indexOf(tokenDigests);
    const old = new Database(path);
    for (const sql of MIGRATIONS.slice(0, before)) old.exec(sql);
    old.pragma(`user_version = ${before}`);
    // A namespace with state, as an emulator of the previous version left it (no digest columns yet).
    old.prepare("INSERT INTO namespaces (name, created_at) VALUES ('legacy', 0)").run();
    old.prepare("INSERT INTO katapult_api_tokens (namespace, token, name, scopes, allowed_networks, rate_limit, expires_at) VALUES ('legacy', 'old-katapult-token', 'old', '[\"object_storage\"]', NULL, 100, NULL)").run();
    old.prepare("INSERT INTO ionos_users (namespace, user_id, email, contract_number, canonical_user_id, administrative) VALUES ('legacy', 'u1', 'u1@example.com', '1', 'c1', 0)").run();
    old.prepare("INSERT INTO ionos_credentials (namespace, id, kind, username, secret, user_id, rate_limit, object_storage_access) VALUES ('legacy', 'bearer:old', 'bearer', NULL, 'old-ionos-token', 'u1', 100, 1)").run();
    old.prepare("INSERT INTO ionos_credentials (namespace, id, kind, username, secret, user_id, rate_limit, object_storage_access) VALUES ('legacy', 'basic:u1', 'basic', 'u1@example.com', 'legacy-basic-password', 'u1', 100, 1)").run();
    old.prepare("INSERT INTO ibm_managers (namespace, username, password, key_management, key_listing, storage_accounts, rate_limit) VALUES ('legacy', 'mgr', 'legacy-ibm-password', 1, 1, '*', 100)").run();
    old.prepare("INSERT INTO krutrim_accounts (namespace, account_id, customer_id, name) VALUES ('legacy', '1', 'c1', 'legacy')").run();
    old.prepare("INSERT INTO krutrim_api_keys (namespace, api_key, name, account_id, rate_limit) VALUES ('legacy', 'old-kos-key', 'old', '1', 100)").run();
    old.prepare("INSERT INTO krutrim_regions (namespace, region_id, tier) VALUES ('legacy', 'In-Bangalore-1', 'standard')").run();
    old.prepare(`INSERT INTO krutrim_sessions (namespace, session_id, session_token, refresh_token, access_key, account_id, region, tier, created_at, last_active_at, expires_at)
      VALUES ('legacy', 's1', 'kst_old', 'ksr_old', 'KOSOLD', '1', 'In-Bangalore-1', 'standard', 0, 0, 9999999999999)`).run();
    old.close();

    const db = openDatabase(path);
    expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    expect(db.prepare("SELECT token_digest FROM katapult_api_tokens WHERE namespace = 'legacy'").get()).toEqual({ token_digest: secretDigest('old-katapult-token') });
    expect(db.prepare("SELECT id, token_digest FROM ionos_credentials WHERE namespace = 'legacy' ORDER BY id").all()).toEqual([
      { id: 'basic:u1', token_digest: null },
      { id: 'bearer:old', token_digest: secretDigest('old-ionos-token') },
    ]);
    expect(db.prepare("SELECT key_digest FROM krutrim_api_keys WHERE namespace = 'legacy'").get()).toEqual({ key_digest: secretDigest('old-kos-key') });
    expect(db.prepare("SELECT token_digest FROM krutrim_sessions WHERE namespace = 'legacy'").get()).toEqual({ token_digest: secretDigest('kst_old') });
    // No plain bearer token or password is left in any table (S3 and signing secrets stay: they are signed with).
    const PLAIN = ['old-katapult-token', 'old-ionos-token', 'legacy-basic-password', 'legacy-ibm-password', 'old-kos-key', 'kst_old', 'ksr_old'];
    const tables = (db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table'").all() as Array<{ name: string }>).map((r) => r.name);
    const everything = JSON.stringify(tables.map((name) => db.prepare(`SELECT * FROM "${name}"`).all()));
    for (const plain of PLAIN) expect(everything).not.toContain(plain);
    expect(db.prepare("SELECT password_hash FROM ibm_managers WHERE namespace = 'legacy'").get()).toEqual({ password_hash: secretDigest('legacy-ibm-password') });
    const t = await buildTestApp({ db });
    try {
      const ns = { 'x-emulator-namespace': 'legacy' };
      const katapult = (token: string) => t.app.inject({ method: 'GET', url: '/katapult/core/v1/object_storage/access_keys/access_key?access_key[id]=objkey_none', headers: { ...ns, authorization: `Bearer ${token}` } });
      expect((await katapult('old-katapult-token')).json().error.code).toBe('object_storage_access_key_not_found');
      expect((await katapult('katapult-test-token')).json().error.code).toBe('invalid_api_token');
      const ionos = (authorization: string) => t.app.inject({ method: 'GET', url: '/ionos/accesskeys', headers: { ...ns, authorization } });
      expect((await ionos('Bearer old-ionos-token')).json()).toMatchObject({ items: [] });
      expect((await ionos(`Basic ${Buffer.from('u1@example.com:legacy-basic-password').toString('base64')}`)).statusCode).toBe(200);
      const ibm = (password: string) => t.app.inject({ method: 'GET', url: '/ibm/credentials', headers: { ...ns, authorization: `Basic ${Buffer.from(`mgr:${password}`).toString('base64')}` } });
      expect((await ibm('legacy-ibm-password')).statusCode).toBe(200);
      expect((await ibm('password')).statusCode).toBe(401);
      expect((await ionos('Bearer ionos-test-token')).statusCode).toBe(401);
      const kos = (key: string, session = 'kst_old') => t.app.inject({ method: 'GET', url: `/krutrim/kos/v1/sessions/status/${session}`, headers: { ...ns, authorization: `Bearer ${key}` } });
      expect((await kos('old-kos-key')).json()).toMatchObject({ isActive: true, accessKey: 'KOSOLD' });
      expect((await kos('old-kos-key', 'kst_unknown')).statusCode).toBe(404);
      expect((await kos('krutrim-test-key')).statusCode).toBe(401);
      const refresh = (token: string) => t.app.inject({ method: 'POST', url: '/krutrim/kos/v1/sessions/refresh/kst_old', headers: { ...ns, authorization: 'Bearer old-kos-key', 'x-region-id': 'In-Bangalore-1' }, payload: { refreshToken: token } });
      expect((await refresh('ksr_wrong')).json()).toMatchObject({ statusCode: 401, code: 'INVALID_REFRESH_TOKEN' });
      const refreshed = await refresh('ksr_old');
      expect(refreshed.statusCode, refreshed.body).toBe(200);
      expect(refreshed.json().sessionToken).toBe('kst_old');
    } finally {
      await t.close();
    }
    // secure_delete: the replaced values are not left in free pages of the file either.
    const bytes = readFileSync(path).toString('latin1');
    for (const plain of PLAIN) expect(bytes).not.toContain(plain);
  });
});
