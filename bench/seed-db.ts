import { rmSync } from 'node:fs';
import { loadConfig } from '../src/config.js';
import { openDatabase } from '../src/db/open.js';
import { openRuntime } from '../src/runtime.js';

/**
 * Bench-only: a database file holding the default world plus `keys` extra Katapult access keys in
 * the default namespace, for the "read latency at 1,000 vs 1,000,000 keys" comparison (a fixture of a
 * million keys would take minutes to load and is not what is measured here).
 *
 * The default namespace is made and seeded by the emulator's own runtime (as at start-up); the keys
 * are then copied from the seeded key `objkey_EMULATOR00000002` (configured, no credentials) by one
 * INSERT … SELECT over a recursive counter, with ids `objkey_BENCH<11 digits>` (1-based). The emulator
 * is then started on the file (DB_PATH) as usual.
 */
export const TEMPLATE_KEY = 'objkey_EMULATOR00000002';
export const benchKeyId = (i: number): string => `objkey_BENCH${String(i).padStart(11, '0')}`;

export async function seedKatapultKeys(path: string, keys: number): Promise<void> {
  for (const suffix of ['', '-wal', '-shm']) rmSync(`${path}${suffix}`, { force: true });
  const runtime = await openRuntime(loadConfig({ DB_PATH: path, LOG_LEVEL: 'silent' }));
  runtime.close();
  const db = openDatabase(path);
  try {
    const columns = (db.prepare('PRAGMA table_info(katapult_access_keys)').all() as Array<{ name: string }>).map((c) => c.name);
    const value = (column: string) =>
      column === 'id' ? `'objkey_BENCH' || printf('%011d', seq.i)`
      : column === 'name' ? `'bench-' || seq.i`
      : ['s3_access_key_id', 's3_secret_hash', 'credentials_generated_at'].includes(column) ? 'NULL'
      : `t.${column}`;
    db.prepare(`
      WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < ?)
      INSERT INTO katapult_access_keys (${columns.join(', ')})
      SELECT ${columns.map(value).join(', ')} FROM seq, katapult_access_keys AS t
      WHERE t.namespace = 'default' AND t.id = ?`).run(keys, TEMPLATE_KEY);
    const n = (db.prepare("SELECT count(*) AS n FROM katapult_access_keys WHERE namespace = 'default' AND id LIKE 'objkey_BENCH%'").get() as { n: number }).n;
    if (n !== keys) throw new Error(`seeded ${n} keys, wanted ${keys}`);
    db.pragma('wal_checkpoint(TRUNCATE)');
  } finally {
    db.close();
  }
}
