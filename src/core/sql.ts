import type { Database, RunResult } from 'better-sqlite3';

/**
 * Typed prepared statements with named parameters, the one way every store talks to SQLite.
 *
 * A statement names its parameters in the SQL (`WHERE namespace = @namespace AND id = @id`) and its
 * callers pass one object (`keyById.get({ namespace, id })`), so swapping two strings no longer
 * type-checks the way a positional tuple does. The row type is declared once, beside the SQL; a mapper
 * (the row → domain object step) lives with the statement in the store, not in the service.
 */

/** A bound value: what SQLite stores. */
export type SqlValue = string | number | bigint | Buffer | null;
/** Named parameters: `@name` in the SQL, a property of the same name in the call. */
export type SqlParams = Record<string, SqlValue>;
/** No parameters. */
export type NoParams = Record<string, never>;

export interface Statement<Params extends SqlParams, Row> {
  /** The first row, or undefined. */
  get(params: Params): Row | undefined;
  all(params: Params): Row[];
  run(params: Params): RunResult;
}

/** The named parameters a SQL text uses (`@name`), for the check that a call passes each of them. */
export function parameterNames(sql: string): string[] {
  // Quoted text ('it''s @not a parameter') is skipped.
  const names = new Set<string>();
  for (const match of sql.replace(/'(?:[^']|'')*'/g, "''").matchAll(/@([A-Za-z_][A-Za-z0-9_]*)/g)) names.add(match[1]!);
  return [...names];
}

export interface Sql {
  /** A statement prepared now (once per store), typed by its named parameters and its row. */
  statement<Params extends SqlParams = NoParams, Row = never>(sql: string): Statement<Params, Row>;
  /**
   * A statement whose rows `map` turns into the store's objects. The rows come as arrays of the
   * selected columns in order (better-sqlite3's raw mode): a literal of fixed shape built by the mapper
   * is about twice as fast as the driver building an object per row, which counts for lists.
   */
  mapped<Params extends SqlParams, Tuple extends readonly unknown[], T>(sql: string, map: (row: Tuple) => T): Statement<Params, T>;
  /**
   * A mapped read of one row whose answers are remembered until the database is next written (see
   * `writeGeneration`): for the lookups every request of a vendor makes (its credential, the entity
   * it names), which a read-heavy test suite asks again and again. The answer is shared between
   * callers: treat it as read-only (a caller that changes it must write, which forgets it).
   */
  remembered<Params extends SqlParams, Tuple extends readonly unknown[], T>(sql: string, map: (row: Tuple) => T): Pick<Statement<Params, T>, 'get'>;
  /** Runs `fn` in one transaction: all of it is written or none (a nested call is a savepoint). */
  transaction<T>(fn: () => T): T;
}

/** Answers a remembered statement keeps at most (then it starts again). */
const MAX_REMEMBERED = 4096;

const generations = new WeakMap<Database, { n: number }>();

/**
 * A counter every write to the database moves on: each statement run through `sql()`, each
 * transaction's end (commit or rollback: a rollback changes rows back), and the namespace work
 * (resets, copies, fixture loads; `markWritten`). A remembered answer is valid while it stays.
 */
export function writeGeneration(db: Database): { readonly n: number } {
  let generation = generations.get(db);
  if (!generation) generations.set(db, (generation = { n: 0 }));
  return generation;
}

/** For writers that do not go through `sql()` (src/core/exclusive-work.ts): the database changed. */
export function markWritten(db: Database): void {
  (writeGeneration(db) as { n: number }).n++;
}

/** The statement helper over one database; a store calls it once, inside `perDatabase`. */
export function sql(db: Database): Sql {
  // One transaction wrapper that runs what it is given: better-sqlite3 builds five functions for each
  // db.transaction() call (about 5 µs), which a wrapper per call would pay on every write request.
  const inTransaction = db.transaction((fn: () => unknown) => fn());
  const generation = writeGeneration(db) as { n: number };
  const mapped = <Params extends SqlParams, Tuple extends readonly unknown[], T>(text: string, map: (row: Tuple) => T): Statement<Params, T> => {
    const reads = (): never => {
      throw new Error('a mapped statement reads rows: use statement() for writes');
    };
    if (parameterNames(text).length === 0) {
      const bare = db.prepare<[], Tuple>(text).raw(true);
      return { get: () => { const row = bare.get(); return row === undefined ? undefined : map(row); }, all: () => bare.all().map(map), run: reads };
    }
    const prepared = db.prepare<[Params], Tuple>(text).raw(true);
    return { get: (params) => { const row = prepared.get(params); return row === undefined ? undefined : map(row); }, all: (params) => prepared.all(params).map(map), run: reads };
  };
  return {
    statement<Params extends SqlParams, Row>(text: string): Statement<Params, Row> {
      // A statement without parameters takes none: better-sqlite3 refuses an (empty) object for it.
      // Every run counts as a write, also one that changes no row or fails (its transaction's end counts again).
      if (parameterNames(text).length === 0) {
        const bare = db.prepare<[], Row>(text);
        return { get: () => bare.get(), all: () => bare.all(), run: () => { generation.n++; return bare.run(); } };
      }
      const prepared = db.prepare<[Params], Row>(text);
      return { get: (params) => prepared.get(params), all: (params) => prepared.all(params), run: (params) => { generation.n++; return prepared.run(params); } };
    },
    mapped,
    remembered<Params extends SqlParams, Tuple extends readonly unknown[], T>(text: string, map: (row: Tuple) => T): Pick<Statement<Params, T>, 'get'> {
      const read = mapped<Params, Tuple, T>(text, map);
      const answers = new Map<string, T | undefined>();
      let valid = generation.n;
      return {
        get(params) {
          if (valid !== generation.n) {
            answers.clear();
            valid = generation.n;
          }
          // The parameters in the call's own order: the same call site always builds the same key.
          const key = JSON.stringify(params);
          if (answers.has(key)) return answers.get(key);
          const answer = read.get(params);
          if (answers.size >= MAX_REMEMBERED) answers.clear();
          answers.set(key, answer);
          return answer;
        },
      };
    },
    transaction<T>(fn: () => T): T {
      try {
        return inTransaction(fn) as T;
      } finally {
        generation.n++;
      }
    },
  };
}
