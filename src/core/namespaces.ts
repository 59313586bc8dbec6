import type { Database } from 'better-sqlite3';
import type { FixtureDocument } from './fixtures.js';
import type { VendorContext, VendorDefinition } from './vendor.js';

export const NAMESPACE_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
export const DEFAULT_NAMESPACE = 'default';

export class NamespaceLimitError extends Error {
  constructor(readonly limit: number) {
    super(`The emulator already holds ${limit} namespaces (MAX_NAMESPACES). Reset some with POST /_emulator/reset?namespace=<name>, or raise the limit.`);
  }
}

export interface ResetScope {
  namespace?: string;
  vendor?: string;
}

/**
 * Namespaces are separate worlds in one database. A namespace is created on first use and seeded
 * from the startup fixtures; reset wipes all of them, one, or one vendor's part, and re-seeds.
 */
export class Namespaces {
  private readonly known = new Set<string>();
  private readonly stmts;

  constructor(
    private readonly db: Database,
    private readonly vendors: readonly VendorDefinition[],
    private readonly ctx: VendorContext,
    private readonly startupFixtures: readonly FixtureDocument[],
    private readonly maxNamespaces: number,
    private readonly onForget: (scope: ResetScope) => void = () => {},
  ) {
    this.stmts = {
      exists: db.prepare<[string], { name: string }>('SELECT name FROM namespaces WHERE name = ?'),
      count: db.prepare<[], { n: number }>('SELECT count(*) AS n FROM namespaces'),
      insert: db.prepare<[string, number]>('INSERT INTO namespaces (name, created_at) VALUES (?, ?)'),
      remove: db.prepare<[string]>('DELETE FROM namespaces WHERE name = ?'),
      removeAll: db.prepare('DELETE FROM namespaces'),
      list: db.prepare<[], { name: string; created_at: number }>('SELECT name, created_at FROM namespaces ORDER BY name'),
      deleteRows: new Map(vendors.flatMap((v) => v.tables.map((t) => [t.name, db.prepare<[string]>(`DELETE FROM ${t.name} WHERE namespace = ?`)] as const))),
      names: db.prepare<[string, number], { name: string }>('SELECT name FROM namespaces WHERE name > ? ORDER BY name LIMIT ?'),
      dumpRows: new Map(vendors.flatMap((v) => v.tables.map((t) => [t.name, db.prepare<[string]>(`SELECT * FROM ${t.name} WHERE namespace = ? ORDER BY rowid`)] as const))),
      deleteAllRows: new Map(vendors.flatMap((v) => v.tables.map((t) => [t.name, db.prepare(`DELETE FROM ${t.name}`)] as const))),
    };
  }

  /** Makes sure the namespace exists, seeding it on first use. Cheap after the first call. */
  ensure(name: string): void {
    if (this.known.has(name)) return;
    this.db.transaction(() => {
      if (!this.stmts.exists.get(name)) {
        if (this.stmts.count.get()!.n >= this.maxNamespaces) throw new NamespaceLimitError(this.maxNamespaces);
        this.stmts.insert.run(name, this.ctx.clock.now());
        for (const doc of this.startupFixtures) this.seed(name, doc);
      }
    }).immediate();
    this.known.add(name);
  }

  list(): Array<{ name: string; created_at: number }> {
    return this.stmts.list.all();
  }

  /** Loads a fixture document into a namespace (creating it if needed); returns counts per vendor. */
  load(name: string, doc: FixtureDocument): Record<string, Record<string, number>> {
    return this.db.transaction(() => {
      this.ensure(name);
      return this.seed(name, doc);
    }).immediate();
  }

  private seed(name: string, doc: FixtureDocument, only?: string): Record<string, Record<string, number>> {
    const counts: Record<string, Record<string, number>> = {};
    for (const vendor of this.vendors) {
      if (only !== undefined && vendor.id !== only) continue;
      const section = doc[vendor.id];
      if (section !== undefined) counts[vendor.id] = vendor.fixture.seed(this.ctx, name, section);
    }
    return counts;
  }

  reset(scope: ResetScope = {}): void {
    const vendors = this.vendors.filter((v) => scope.vendor === undefined || v.id === scope.vendor);
    this.db.transaction(() => {
      if (scope.namespace === undefined && scope.vendor === undefined) {
        for (const v of vendors) for (const t of v.tables) this.stmts.deleteAllRows.get(t.name)!.run();
        this.stmts.removeAll.run();
        this.known.clear();
        this.ensure(DEFAULT_NAMESPACE);
        return;
      }
      const names = scope.namespace !== undefined ? [scope.namespace] : this.list().map((n) => n.name);
      for (const name of names) {
        for (const v of vendors) for (const t of v.tables) this.stmts.deleteRows.get(t.name)!.run(name);
        if (scope.vendor === undefined) {
          // A whole-namespace reset drops it and seeds it afresh, as on first use.
          this.stmts.remove.run(name);
          this.known.delete(name);
          this.ensure(name);
        } else if (this.stmts.exists.get(name)) {
          for (const doc of this.startupFixtures) this.seed(name, doc, scope.vendor);
        }
      }
    }).immediate();
    this.onForget(scope);
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
