import type { Database } from 'better-sqlite3';
import { registerSecretDigest } from '../core/secrets.js';
import { MIGRATIONS } from './migrations/index.js';

/**
 * Applies each migration whose number is above `PRAGMA user_version`, each in its own transaction.
 * The SQL functions migrations may call (`secret_digest`) are registered on the connection first,
 * so every caller (openDatabase, or a test migrating its own connection) can run them.
 */
export function migrate(db: Database): number {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > MIGRATIONS.length) {
    throw new Error(`The database is at schema version ${current}, newer than this emulator knows (${MIGRATIONS.length}). Use a fresh DB_PATH.`);
  }
  if (current < MIGRATIONS.length) registerSecretDigest(db);
  MIGRATIONS.slice(current).forEach((sql, i) => {
    db.transaction(() => {
      db.exec(sql);
      db.pragma(`user_version = ${current + i + 1}`);
    })();
  });
  return MIGRATIONS.length;
}
