import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { DatabaseInUseError } from '../../src/db/lock.js';
import { MIGRATIONS } from '../../src/db/migrations/index.js';
import { loadVendors } from '../../src/registry.js';
import { createRuntime } from '../../src/runtime.js';
import { spawnChildEmulator, startChildEmulator } from '../helpers/child-emulator.js';

/**
 * One emulator per DB_PATH (issue 15 item 7): two processes on one file raced their migrations,
 * got "database is locked" and kept stale namespace caches. The second now refuses to start, with
 * a message and exit code 2, for as long as the first holds the file, however the first ends.
 */
const dir = mkdtempSync(join(tmpdir(), 'emulator-lock-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
// createRuntime (synchronous) needs the vendors' modules loaded.
beforeAll(async () => {
  await loadVendors();
});

// Child processes start through tsx: seconds each on a loaded 2-core machine.
const CHILD_TIMEOUT = { timeout: 180_000 };
const health = async (url: string) => (await fetch(`${url}/_emulator/health`)).status;

describe('one emulator per database file', () => {
  it('a second process on the same DB_PATH exits 2 with a clear message; after the first stops, it starts', CHILD_TIMEOUT, async () => {
    const env = { DB_PATH: join(dir, 'shared.sqlite') };
    const first = await startChildEmulator(env);
    try {
      const second = spawnChildEmulator(env);
      expect(await second.exited).toBe(2);
      expect(second.output().stderr).toContain(`DB_PATH ${env.DB_PATH} is in use by another emulator process`);
      expect(second.output().stderr).not.toMatch(/SqliteError|at .*\.ts:\d+/);
      expect(await health(first.url)).toBe(200);
    } finally {
      first.process.kill('SIGTERM');
      expect(await first.exited).toBe(0);
    }
    const third = await startChildEmulator(env);
    expect(await health(third.url)).toBe(200);
    // A process killed outright leaves no lock behind: the kernel drops it with the process.
    third.process.kill('SIGKILL');
    expect(await third.exited).toBe('SIGKILL');
    const fourth = await startChildEmulator(env);
    expect(await health(fourth.url)).toBe(200);
    fourth.process.kill('SIGTERM');
    expect(await fourth.exited).toBe(0);
  });

  it('two processes started at once on a fresh file: one serves, the other exits 2, the schema is complete', CHILD_TIMEOUT, async () => {
    const env = { DB_PATH: join(dir, 'fresh.sqlite') };
    const a = spawnChildEmulator(env);
    const b = spawnChildEmulator(env);
    const ready = (s: typeof a) => new Promise<boolean>((resolve) => {
      const check = () => s.output().stdout.includes('accesskey-emulator ready') && resolve(true);
      s.process.stdout!.on('data', check);
      void s.exited.then(() => resolve(false));
    });
    const [aReady, bReady] = await Promise.all([Promise.race([ready(a), a.exited.then(() => false)]), Promise.race([ready(b), b.exited.then(() => false)])]);
    expect([aReady, bReady].filter(Boolean)).toHaveLength(1);
    const [winner, loser] = aReady ? [a, b] : [b, a];
    expect(await loser.exited).toBe(2);
    expect(loser.output().stderr).toContain('is in use by another emulator process');
    winner.process.kill('SIGTERM');
    expect(await winner.exited).toBe(0);
    const db = new Database(env.DB_PATH, { readonly: true });
    expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    db.close();
  });

  it('in one process too: a second runtime on the same file is refused until the first closes', () => {
    const config = loadConfig({ DB_PATH: join(dir, 'in-process.sqlite'), LOG_LEVEL: 'silent' });
    const first = createRuntime(config);
    expect(() => createRuntime(config)).toThrow(DatabaseInUseError);
    first.close();
    const again = createRuntime(config);
    again.close();
  });

  it('creates the database file (and its lock file) readable by the owner only', () => {
    const path = join(dir, 'private.sqlite');
    const runtime = createRuntime(loadConfig({ DB_PATH: path, LOG_LEVEL: 'silent' }));
    try {
      expect(statSync(path).mode & 0o777).toBe(0o600);
      expect(statSync(`${path}.lock`).mode & 0o777).toBe(0o600);
      expect(statSync(`${path}-wal`).mode & 0o777).toBe(0o600);
      expect(runtime.db.pragma('secure_delete', { simple: true })).toBe(1);
    } finally {
      runtime.close();
    }
  });
});
