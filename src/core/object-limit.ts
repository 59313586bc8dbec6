import type { Database } from 'better-sqlite3';
import type { VendorTable } from './vendor.js';

export const NAMESPACE_FULL = 'emulator:namespace_full';

/**
 * Bounds the rows ("objects": keys, buckets, sessions, …) one namespace may hold, across every vendor
 * table, with connection-local triggers: no vendor has to remember to check, and a refused insert
 * aborts its whole transaction, so nothing is half-written. The counts live in a TEMP table rebuilt
 * at start-up, so a file database never carries stale counters.
 */
export function installObjectLimit(db: Database, tables: readonly VendorTable[], limit: number): ObjectLimit {
  // REPLACE must fire the delete triggers, or replaced rows would be counted twice.
  db.pragma('recursive_triggers = ON');
  db.exec('CREATE TEMP TABLE IF NOT EXISTS namespace_usage (namespace TEXT PRIMARY KEY, objects INTEGER NOT NULL) STRICT');
  db.exec('DELETE FROM temp.namespace_usage');
  for (const { name } of tables) {
    db.exec(`
      INSERT INTO temp.namespace_usage (namespace, objects)
        SELECT namespace, count(*) FROM main.${name} GROUP BY namespace
        ON CONFLICT(namespace) DO UPDATE SET objects = objects + excluded.objects;
      DROP TRIGGER IF EXISTS temp.${name}_limit;
      DROP TRIGGER IF EXISTS temp.${name}_count_insert;
      DROP TRIGGER IF EXISTS temp.${name}_count_delete;
      ${triggers(name, limit)}
    `);
  }
  const usage = db.prepare<[string], { objects: number }>('SELECT objects FROM temp.namespace_usage WHERE namespace = ?');
  const setUsage = db.prepare<[string, number]>('INSERT OR REPLACE INTO temp.namespace_usage (namespace, objects) VALUES (?, ?)');
  const forgetUsage = db.prepare<[string]>('DELETE FROM temp.namespace_usage WHERE namespace = ?');
  return {
    objects: (namespace) => usage.get(namespace)?.objects ?? 0,
    suspendCounting() {
      for (const { name } of tables) db.exec(`DROP TRIGGER temp.${name}_limit; DROP TRIGGER temp.${name}_count_insert; DROP TRIGGER temp.${name}_count_delete;`);
    },
    resumeCounting(counts) {
      for (const [namespace, objects] of counts) {
        if (objects === 0) forgetUsage.run(namespace);
        else setUsage.run(namespace, objects);
      }
      for (const { name } of tables) db.exec(triggers(name, limit));
    },
  };
}

/** The three triggers of one table: refuse an insert past the limit, count inserts up and deletes down. */
const triggers = (table: string, limit: number) => `
      CREATE TEMP TRIGGER ${table}_limit BEFORE INSERT ON main.${table}
        WHEN (SELECT objects FROM temp.namespace_usage WHERE namespace = NEW.namespace) >= ${Math.floor(limit)}
        BEGIN SELECT RAISE(ABORT, '${NAMESPACE_FULL}'); END;
      CREATE TEMP TRIGGER ${table}_count_insert AFTER INSERT ON main.${table}
        BEGIN INSERT INTO temp.namespace_usage (namespace, objects) VALUES (NEW.namespace, 1)
          ON CONFLICT(namespace) DO UPDATE SET objects = objects + 1; END;
      CREATE TEMP TRIGGER ${table}_count_delete AFTER DELETE ON main.${table}
        BEGIN UPDATE temp.namespace_usage SET objects = objects - 1 WHERE namespace = OLD.namespace; END;`;

/**
 * The row counts, and a way around their cost when whole namespaces are emptied or copied: the
 * per-row triggers are a fifth to a quarter of the time of a reset-all or first use of a big world.
 * Suspending and resuming are schema changes inside the caller's transaction, so a rollback restores
 * the triggers with the rows. While suspended, the caller moves whole namespaces only (every row of a
 * namespace deleted, or the template copied into an empty one) and says, on resuming, how many rows
 * each namespace it touched holds now.
 */
export interface ObjectLimit {
  /** The rows a namespace holds across every declared table (0 for one that holds none). */
  objects(namespace: string): number;
  suspendCounting(): void;
  resumeCounting(counts: ReadonlyArray<readonly [namespace: string, objects: number]>): void;
}

export function isNamespaceFull(err: unknown): boolean {
  return (err as { message?: string })?.message === NAMESPACE_FULL;
}
