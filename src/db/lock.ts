import { closeSync, openSync } from 'node:fs';
import Database from 'better-sqlite3';

/** Another process (or another emulator in this one) holds the database file. */
export class DatabaseInUseError extends Error {
  constructor(readonly dbPath: string, readonly lockPath: string) {
    super(`DB_PATH ${dbPath} is in use by another emulator process (it holds ${lockPath}); stop that one or give this one another DB_PATH`);
    this.name = 'DatabaseInUseError';
  }
}

export interface DatabaseLock {
  readonly path: string;
  release(): void;
}

/** Creates `path` with mode 0600 if it does not exist yet (SQLite would create it 0644). */
export function createPrivateFile(path: string): void {
  try {
    closeSync(openSync(path, 'wx', 0o600));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
}

/**
 * One emulator per database file. Two processes on one file raced their migrations, met "database
 * is locked" and kept stale namespace caches, so the second one now refuses to start. The lock is
 * an SQLite exclusive transaction held open on a side file `<DB_PATH>.lock` for the life of the
 * emulator: the kernel holds it (POSIX record lock), so it goes with the process however it ends
 * (SIGKILL included) and never needs cleaning up; it also stops a second emulator in the same
 * process. The state file itself stays readable by other tools (sqlite3, a test's own connection).
 * The side file is left in place: removing it could let two processes lock two different files.
 */
export function lockDatabaseFile(dbPath: string): DatabaseLock | undefined {
  if (dbPath === ':memory:' || dbPath === '') return undefined;
  const path = `${dbPath}.lock`;
  createPrivateFile(path);
  const db = new Database(path, { timeout: 0 });
  try {
    db.exec('BEGIN EXCLUSIVE');
  } catch (err) {
    db.close();
    if ((err as { code?: string }).code === 'SQLITE_BUSY') throw new DatabaseInUseError(dbPath, path);
    throw err;
  }
  return {
    path,
    release: () => {
      if (db.open) db.close();
    },
  };
}
