import type { Database, Statement } from 'better-sqlite3';
import type { VendorDefinition } from './vendor.js';

/**
 * Every SQL statement of the namespace machinery, prepared once: the `namespaces` table, and for
 * each vendor table a chunked delete of one namespace's rows and a chunked copy of the startup
 * template's rows into a namespace. Chunks keep each statement short, so a long reset or copy can
 * give the event loop back between them; each chunk touches at most `CHUNK_ROWS` rows and finds
 * them through an index, so the total work is linear in the rows moved.
 */
export const CHUNK_ROWS = 500;

/**
 * The startup world is seeded once, on a clock reading `TEMPLATE_EPOCH`, into a namespace no client
 * can name; every new or reset namespace is an `INSERT … SELECT` of it. Times the seed took from
 * the clock lie within `TEMPLATE_SPAN` of the epoch (far from any real date) and are moved to the
 * copy's own "now"; times a fixture gave are copied as they are. Time columns are INTEGER epoch-ms
 * columns named `*_at`, `*_since`, `*_until` or `last_modified` (docs/architecture.md).
 */
export const TEMPLATE_EPOCH = 2 ** 50;
export const TEMPLATE_SPAN = 2 ** 46;
const TIME_COLUMN = /(_at|_since|_until)$|^last_modified$/;

export interface TableStatements {
  table: string;
  vendor: string;
  /** Deletes up to CHUNK_ROWS rows of a namespace; `changes` says how many. */
  deleteChunk: Statement<[string]>;
  /** The rowid range the template's rows of this table occupy. */
  templateRange: Statement<[string], { lo: number | null; hi: number | null }>;
  /** Copies the template's rows with rowid in [lo, hi] into `namespace`, shifting seeded times. */
  copyRange: Statement<{ namespace: string; template: string; lo: number; hi: number; shift: number }>;
}

export function isTimeColumn(name: string, type: string): boolean {
  return type.toUpperCase() === 'INTEGER' && TIME_COLUMN.test(name);
}

export interface NamespaceStore {
  exists: Statement<[string], { name: string }>;
  count: Statement<[], { n: number }>;
  insert: Statement<[string, number]>;
  remove: Statement<[string]>;
  list: Statement<[], { name: string; created_at: number }>;
  /** Names after a cursor, in order, at most a limit (-1: all): the pages of a state dump. */
  names: Statement<[string, number], { name: string }>;
  /** Per table: one namespace's rows, in insertion order (the state dump). */
  dumpRows: Map<string, Statement<[string]>>;
  begin: Statement<[]>;
  commit: Statement<[]>;
  rollback: Statement<[]>;
  tables: TableStatements[];
}

export function namespaceStore(db: Database, vendors: readonly VendorDefinition[]): NamespaceStore {
  const tables: TableStatements[] = vendors.flatMap((v) => v.tables.map((t) => tableStatements(db, v.id, t.name)));
  return {
    exists: db.prepare<[string], { name: string }>('SELECT name FROM namespaces WHERE name = ?'),
    count: db.prepare<[], { n: number }>('SELECT count(*) AS n FROM namespaces'),
    insert: db.prepare<[string, number]>('INSERT INTO namespaces (name, created_at) VALUES (?, ?)'),
    remove: db.prepare<[string]>('DELETE FROM namespaces WHERE name = ?'),
    list: db.prepare<[], { name: string; created_at: number }>('SELECT name, created_at FROM namespaces ORDER BY name'),
    names: db.prepare<[string, number], { name: string }>('SELECT name FROM namespaces WHERE name > ? ORDER BY name LIMIT ?'),
    dumpRows: new Map(vendors.flatMap((v) => v.tables.map((t) => [t.name, db.prepare<[string]>(`SELECT * FROM ${t.name} WHERE namespace = ? ORDER BY rowid`)] as const))),
    begin: db.prepare<[]>('BEGIN IMMEDIATE'),
    commit: db.prepare<[]>('COMMIT'),
    rollback: db.prepare<[]>('ROLLBACK'),
    tables,
  };
}

function tableStatements(db: Database, vendor: string, table: string): TableStatements {
  const columns = db.prepare(`PRAGMA table_info(${table})`).all() as Array<{ name: string; type: string }>;
  const select = columns.map(({ name, type }) =>
    name === 'namespace' ? '@namespace'
    : isTimeColumn(name, type) ? `CASE WHEN ${name} BETWEEN ${TEMPLATE_EPOCH - TEMPLATE_SPAN} AND ${TEMPLATE_EPOCH + TEMPLATE_SPAN} THEN ${name} + @shift ELSE ${name} END`
    : name,
  );
  return {
    table,
    vendor,
    // The subquery walks the (namespace, …) primary-key index: each chunk finds its rows directly.
    deleteChunk: db.prepare(`DELETE FROM ${table} WHERE rowid IN (SELECT rowid FROM ${table} WHERE namespace = ? LIMIT ${CHUNK_ROWS})`),
    templateRange: db.prepare(`SELECT min(rowid) AS lo, max(rowid) AS hi FROM ${table} WHERE namespace = ?`),
    // NOT INDEXED: a rowid range scan of the table itself, so a chunk never re-reads the rows before it.
    copyRange: db.prepare(
      `INSERT INTO ${table} (${columns.map((c) => c.name).join(', ')}) SELECT ${select.join(', ')} FROM ${table} NOT INDEXED WHERE rowid BETWEEN @lo AND @hi AND namespace = @template`,
    ),
  };
}
