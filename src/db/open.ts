import Database from 'better-sqlite3';
import { createPrivateFile } from './lock.js';
import { migrate } from './migrate.js';

/** Opens (and migrates) the state database. `:memory:` by default; WAL for files. */
export function openDatabase(path: string): Database.Database {
  // Only the owner may read the file (it holds secrets); SQLite gives its -wal/-shm files the same mode.
  if (path !== ':memory:' && path !== '') createPrivateFile(path);
  const db = new Database(path);
  if (path !== ':memory:') {
    db.pragma('journal_mode = WAL');
    // NORMAL keeps every committed transaction across a process crash (SIGKILL); only an OS crash could lose the last ones.
    db.pragma('synchronous = NORMAL');
    db.pragma('busy_timeout = 5000');
    // Deleted rows (rotated secrets, removed keys) are overwritten with zeros, not left in free pages.
    db.pragma('secure_delete = ON');
  }
  db.pragma('foreign_keys = ON');
  migrate(db);
  return db;
}
