import type { Database } from 'better-sqlite3';
import type { Clock } from './clock.js';
import { ExclusiveWork, type Steps } from './exclusive-work.js';
import { markWritten } from './sql.js';
import type { FixtureDocument } from './fixtures.js';
import { CHUNK_ROWS as CHUNK, namespaceStore, TEMPLATE_EPOCH, type NamespaceStore, type TableStatements } from './namespace-store.js';
import type { ObjectLimit } from './object-limit.js';
import type { VendorContext, VendorDefinition } from './vendor.js';

export const NAMESPACE_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
export const DEFAULT_NAMESPACE = 'default';
/** Holds the startup world that new namespaces are copied from; not a valid name, so no client can reach it. */
export const TEMPLATE_NAMESPACE = '~startup';

export class NamespaceLimitError extends Error {
  constructor(readonly limit: number) {
    super(`The emulator already holds ${limit} namespaces (MAX_NAMESPACES). Reset some with POST /_emulator/reset?namespace=<name>, or raise the limit.`);
  }
}

export interface ResetScope {
  namespace?: string;
  vendor?: string;
}

/** Rows a fixture load inserted, per vendor and kind. */
export type LoadCounts = Record<string, Record<string, number>>;

/**
 * A reset that empties namespaces holding at least this many rows in all, or a copy of a template
 * that holds as many, moves them without the per-row count triggers (ObjectLimit.suspendCounting);
 * below it the schema changes (and the statements SQLite prepares again after them) would cost more
 * than they save.
 */
export const BULK_ROWS = 20_000;

export interface NamespacesOptions {
  db: Database;
  vendors: readonly VendorDefinition[];
  ctx: VendorContext;
  startupFixtures: readonly FixtureDocument[];
  maxNamespaces: number;
  /** Runs after every reset: what the rest of the runtime keeps per namespace goes. */
  onForget?: (scope: ResetScope) => void;
  /** The row counts of MAX_OBJECTS_PER_NAMESPACE, for bulk deletes. */
  objectLimit?: ObjectLimit;
  /** Default BULK_ROWS. */
  bulkRows?: number;
}

/**
 * Namespaces are separate worlds in one database. A namespace is created on first use as a copy of
 * the startup world (seeded once, at start-up, into TEMPLATE_NAMESPACE); reset wipes all of them,
 * one, or one vendor's part, and copies the startup world in again. Every operation is linear in
 * the rows it moves and comes in two forms: synchronous (start-up, in-process callers, tests) and
 * sliced (`…Async`, the HTTP control plane and first use of a namespace), which gives the event loop
 * back every few thousand rows. Both run one at a time, each in one transaction.
 */
export class Namespaces {
  private readonly known = new Set<string>();
  private readonly stmts: NamespaceStore;
  private readonly work: ExclusiveWork;
  private readonly templateCtx: VendorContext;
  private readonly vendors: readonly VendorDefinition[];
  private readonly ctx: VendorContext;
  private startupFixtures: readonly FixtureDocument[];
  private readonly maxNamespaces: number;
  private readonly onForget: (scope: ResetScope) => void;
  private readonly objectLimit: ObjectLimit | undefined;
  private readonly bulkRows: number;

  constructor({ db, vendors, ctx, startupFixtures, maxNamespaces, onForget = () => {}, objectLimit, bulkRows = BULK_ROWS }: NamespacesOptions) {
    this.vendors = vendors;
    this.ctx = ctx;
    this.startupFixtures = startupFixtures;
    this.maxNamespaces = maxNamespaces;
    this.onForget = onForget;
    this.objectLimit = objectLimit;
    this.bulkRows = bulkRows;
    this.stmts = namespaceStore(db, vendors);
    // The work writes rows behind the stores' backs: remembered reads (core/sql.ts) start again after it.
    this.work = new ExclusiveWork(this.stmts, () => this.known.clear(), () => markWritten(db));
    const templateClock: Clock = { now: () => TEMPLATE_EPOCH, wallNow: () => ctx.clock.wallNow() };
    this.templateCtx = { ...ctx, clock: templateClock };
  }

  /** True while a reset or load runs: callers that touch the database wait for `idle()`. */
  get busy(): boolean {
    return this.work.busy;
  }

  idle(): Promise<void> {
    return this.work.idle();
  }

  /** True when the namespace exists and nothing is running: the request can go on at once. */
  isReady(name: string): boolean {
    return !this.work.busy && this.known.has(name);
  }

  /**
   * Seeds the startup world into the template afresh (a file database may hold an older one), once,
   * at start-up. The parsed documents are let go then: the template holds the world from now on.
   */
  seedTemplate(): void {
    this.work.runNow(this.templateSteps());
    this.startupFixtures = [];
  }

  /** Makes sure the namespace exists, copying the startup world on first use. Cheap after the first call. */
  ensure(name: string): void {
    if (this.known.has(name) && !this.work.busy) return;
    this.work.runNow(this.ensureSteps(name));
    this.known.add(name);
  }

  async ensureAsync(name: string): Promise<void> {
    await this.work.run(() => this.ensureSteps(name));
    this.known.add(name);
  }

  list(): Array<{ name: string; created_at: number }> {
    return this.stmts.list.all();
  }

  /** Loads a fixture document into a namespace (creating it if needed); returns counts per vendor. */
  load(name: string, doc: FixtureDocument): LoadCounts {
    const counts: LoadCounts = {};
    this.work.runNow(this.loadSteps(name, doc, counts));
    this.known.add(name);
    return counts;
  }

  async loadAsync(name: string, doc: FixtureDocument, onProgress?: (rows: number) => void): Promise<LoadCounts> {
    const counts: LoadCounts = {};
    await this.work.run(() => this.loadSteps(name, doc, counts), onProgress);
    this.known.add(name);
    return counts;
  }

  /** Returns the rows deleted and copied. */
  reset(scope: ResetScope = {}): number {
    const rows = this.work.runNow(this.resetSteps(scope));
    this.onForget(scope);
    return rows;
  }

  async resetAsync(scope: ResetScope = {}, onProgress?: (rows: number) => void): Promise<number> {
    const rows = await this.work.run(() => this.resetSteps(scope), onProgress);
    this.onForget(scope);
    return rows;
  }

  // ------------------------------------------------------------------ steps (inside one transaction)

  private *templateSteps(): Steps {
    for (const t of this.stmts.tables) yield* this.deleteRows(t, TEMPLATE_NAMESPACE);
    for (const doc of this.startupFixtures) {
      for (const vendor of this.vendors) {
        const section = doc[vendor.id];
        if (section !== undefined) yield sum(vendor.fixture.seed(this.templateCtx, TEMPLATE_NAMESPACE, section));
      }
    }
  }

  private *ensureSteps(name: string): Steps {
    if (this.stmts.exists.get(name)) return;
    if (this.stmts.count.get()!.n >= this.maxNamespaces) throw new NamespaceLimitError(this.maxNamespaces);
    this.stmts.insert.run(name, this.ctx.clock.now());
    // A new namespace holds no rows: a big template is copied without the per-row count triggers,
    // and the copy then holds as many rows as the template (which was seeded within the limit).
    const template = this.objectLimit?.objects(TEMPLATE_NAMESPACE) ?? 0;
    if (this.objectLimit === undefined || template < this.bulkRows) return yield* this.copyTemplate(name);
    this.objectLimit.suspendCounting();
    yield* this.copyTemplate(name);
    this.objectLimit.resumeCounting([[name, template]]);
  }

  private *loadSteps(name: string, doc: FixtureDocument, counts: LoadCounts): Steps {
    yield* this.ensureSteps(name);
    for (const vendor of this.vendors) {
      const section = doc[vendor.id];
      if (section === undefined) continue;
      counts[vendor.id] = vendor.fixture.seed(this.ctx, name, section);
      yield sum(counts[vendor.id]!);
    }
  }

  private *resetSteps(scope: ResetScope): Steps {
    const names = scope.namespace !== undefined ? [scope.namespace] : this.list().map((n) => n.name);
    const tables = this.stmts.tables.filter((t) => scope.vendor === undefined || t.vendor === scope.vendor);
    // Whole namespaces, and many rows: deleted without counting each row down, their counts dropped after.
    const limit = this.objectLimit;
    if (limit !== undefined && scope.vendor === undefined && names.reduce((sum, name) => sum + limit.objects(name), 0) >= this.bulkRows) {
      limit.suspendCounting();
      for (const name of names) {
        this.known.delete(name);
        for (const t of tables) yield* this.deleteRows(t, name);
        this.stmts.remove.run(name);
      }
      limit.resumeCounting(names.map((name) => [name, 0] as const));
      if (scope.namespace !== undefined) yield* this.ensureSteps(scope.namespace);
      else yield* this.ensureSteps(DEFAULT_NAMESPACE);
      return;
    }
    for (const name of names) {
      this.known.delete(name);
      for (const t of tables) yield* this.deleteRows(t, name);
      if (scope.vendor !== undefined) {
        if (this.stmts.exists.get(name)) yield* this.copyTemplate(name, scope.vendor);
      } else {
        // A whole-namespace reset drops it; a named one is made again at once, as on first use.
        this.stmts.remove.run(name);
        if (scope.namespace !== undefined) yield* this.ensureSteps(name);
      }
    }
    if (scope.namespace === undefined && scope.vendor === undefined) yield* this.ensureSteps(DEFAULT_NAMESPACE);
  }

  private *deleteRows(t: TableStatements, name: string): Steps {
    for (;;) {
      const { changes } = t.deleteChunk.run(name);
      if (changes > 0) yield changes;
      if (changes < CHUNK) return;
    }
  }

  private *copyTemplate(name: string, vendor?: string): Steps {
    const shift = this.ctx.clock.now() - TEMPLATE_EPOCH;
    for (const t of this.stmts.tables) {
      if (vendor !== undefined && t.vendor !== vendor) continue;
      const { lo, hi } = t.templateRange.get(TEMPLATE_NAMESPACE)!;
      if (lo === null || hi === null) continue;
      for (let from = lo; from <= hi; from += CHUNK) {
        yield t.copyRange.run({ namespace: name, template: TEMPLATE_NAMESPACE, lo: from, hi: Math.min(from + CHUNK - 1, hi), shift }).changes;
      }
    }
  }

  /** Namespace names in order, after `after` (exclusive), at most `limit`: the pages of a state dump. */
  names(after?: string, limit = -1): string[] {
    return this.stmts.names.all(after ?? '', limit).map((n) => n.name);
  }

  /** One namespace's state, with every hidden column (secrets, tokens, object bytes) removed; undefined if it does not exist. */
  dumpOne(name: string, vendor?: string): Record<string, Record<string, unknown[]>> | undefined {
    if (!this.stmts.exists.get(name)) return undefined;
    const perVendor: Record<string, Record<string, unknown[]>> = {};
    for (const v of this.vendors) {
      if (vendor !== undefined && v.id !== vendor) continue;
      const tables: Record<string, unknown[]> = {};
      for (const table of v.tables) {
        const hidden = new Set(['namespace', ...(table.hiddenColumns ?? [])]);
        const rows = this.stmts.dumpRows.get(table.name)!.all(name) as Array<Record<string, unknown>>;
        tables[table.name] = rows.map((row) => Object.fromEntries(Object.entries(row).filter(([k]) => !hidden.has(k))));
      }
      perVendor[v.id] = tables;
    }
    return perVendor;
  }

  /** The whole state at once (small worlds, tests); GET /_emulator/state streams {@link dumpOne} per namespace instead. */
  dump(scope: ResetScope = {}): Record<string, Record<string, Record<string, unknown[]>>> {
    const out: Record<string, Record<string, Record<string, unknown[]>>> = {};
    const names = scope.namespace !== undefined ? [scope.namespace] : this.names();
    for (const name of names) {
      const state = this.dumpOne(name, scope.vendor);
      if (state) out[name] = state;
    }
    return out;
  }
}


const sum = (counts: Record<string, number>): number => Object.values(counts).reduce((a, b) => a + b, 0);
