import type { Database } from 'better-sqlite3';
import { registerSecretDigest } from '../core/secrets.js';
import { MIGRATIONS } from './migrations/index.js';

/**
 * Applies each migration whose number is above `PRAGMA user_version`, all in one exclusive
 * transaction that also reads the version: a second connection on the same file waits (or fails)
 * instead of running the same migrations at the same time, and a failure leaves the file as it was.
 * The SQL functions migrations may call (`secret_digest`) are registered on the connection first,
 * so every caller (openDatabase, or a test migrating its own connection) can run them.
 */
export function migrate(db: Database): number {
  registerSecretDigest(db);
  db.transaction(() => {
    const current = db.pragma('user_version', { simple: true }) as number;
    if (current > MIGRATIONS.length) {
      throw new Error(`The database is at schema version ${current}, newer than this emulator knows (${MIGRATIONS.length}). Use a fresh DB_PATH.`);
    }
    MIGRATIONS.slice(current).forEach((sql) => db.exec(sql));
    if (current < MIGRATIONS.length) db.pragma(`user_version = ${MIGRATIONS.length}`);
  }).exclusive();
  return MIGRATIONS.length;
}
