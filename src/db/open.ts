import Database from 'better-sqlite3';
import { migrate } from './migrate.js';

/** Opens (and migrates) the state database. `:memory:` by default; WAL for files. */
export function openDatabase(path: string): Database.Database {
  const db = new Database(path);
  if (path !== ':memory:') {
    db.pragma('journal_mode = WAL');
    // NORMAL keeps every committed transaction across a process crash (SIGKILL); only an OS crash could lose the last ones.
    db.pragma('synchronous = NORMAL');
    db.pragma('busy_timeout = 5000');
  }
  db.pragma('foreign_keys = ON');
  migrate(db);
  return db;
}
