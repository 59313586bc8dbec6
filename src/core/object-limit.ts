import type { Database } from 'better-sqlite3';
import type { VendorTable } from './vendor.js';

export const NAMESPACE_FULL = 'emulator:namespace_full';

/**
 * Bounds the rows ("objects": keys, buckets, sessions, …) one namespace may hold, across every vendor
 * table, with connection-local triggers: no vendor has to remember to check, and a refused insert
 * aborts its whole transaction, so nothing is half-written. The counts live in a TEMP table rebuilt
 * at start-up, so a file database never carries stale counters.
 */
export function installObjectLimit(db: Database, tables: readonly VendorTable[], limit: number): void {
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
      CREATE TEMP TRIGGER ${name}_limit BEFORE INSERT ON main.${name}
        WHEN (SELECT objects FROM temp.namespace_usage WHERE namespace = NEW.namespace) >= ${Math.floor(limit)}
        BEGIN SELECT RAISE(ABORT, '${NAMESPACE_FULL}'); END;
      CREATE TEMP TRIGGER ${name}_count_insert AFTER INSERT ON main.${name}
        BEGIN INSERT INTO temp.namespace_usage (namespace, objects) VALUES (NEW.namespace, 1)
          ON CONFLICT(namespace) DO UPDATE SET objects = objects + 1; END;
      CREATE TEMP TRIGGER ${name}_count_delete AFTER DELETE ON main.${name}
        BEGIN UPDATE temp.namespace_usage SET objects = objects - 1 WHERE namespace = OLD.namespace; END;
    `);
  }
}

export function isNamespaceFull(err: unknown): boolean {
  return (err as { message?: string })?.message === NAMESPACE_FULL;
}
