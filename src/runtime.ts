import type { Database } from 'better-sqlite3';
import type { Config } from './config.js';
import { EmulatorClock } from './core/clock.js';
import { FaultRules } from './core/faults.js';
import { parseFixtureDocument, readFixtureFile, type FixtureDocument } from './core/fixtures.js';
import { createIdSource, type IdSource } from './core/ids.js';
import { Journal } from './core/journal.js';
import { installObjectLimit } from './core/object-limit.js';
import { DEFAULT_NAMESPACE, Namespaces } from './core/namespaces.js';
import { RateLimiter } from './core/rate-limit.js';
import { Transitions } from './core/transitions.js';
import type { VendorContext, VendorDefinition } from './core/vendor.js';
import { lockDatabaseFile, type DatabaseLock } from './db/lock.js';
import { openDatabase } from './db/open.js';
import { selectVendors, VENDOR_IDS } from './vendors/index.js';

/**
 * The shared services of one emulator: one database, one clock, one set of namespaces, faults,
 * transitions, rate windows and journal. Every app serving it (the main port and any VENDOR_PORTS)
 * uses the same runtime, so they see the same world.
 */
export interface Runtime {
  config: Config;
  db: Database;
  clock: EmulatorClock;
  ids: IdSource;
  vendors: readonly VendorDefinition[];
  ctx: VendorContext;
  transitions: Transitions;
  rateLimiter: RateLimiter;
  faults: FaultRules;
  journal: Journal;
  namespaces: Namespaces;
  startedAt: number;
  close(): void;
}

export interface RuntimeOptions {
  clock?: EmulatorClock;
  ids?: IdSource;
  /** Fixture documents to use instead of reading `config.seed`. */
  fixtures?: FixtureDocument[];
  /** Vendors to serve instead of the registry's (tests use a toy vendor). */
  vendors?: VendorDefinition[];
  /** An already opened and migrated database. */
  db?: Database;
}

export function createRuntime(config: Config, options: RuntimeOptions = {}): Runtime {
  const vendors = options.vendors ?? selectVendors(config.vendors);
  const fixtures = options.fixtures?.map((doc, i) => parseFixtureDocument(doc, `fixture document #${i + 1}`, vendors, VENDOR_IDS))
    ?? config.seed.map((path) => readFixtureFile(path, vendors, VENDOR_IDS));
  // Refuses to start (DatabaseInUseError) while another emulator holds the file; held until close().
  const lock = options.db ? undefined : lockDatabaseFile(config.dbPath);
  let db: Database | undefined;
  try {
    db = options.db ?? openDatabase(config.dbPath);
    return assemble(config, options, vendors, fixtures, db, lock);
  } catch (err) {
    if (!options.db && db?.open) db.close();
    lock?.release();
    throw err;
  }
}

function assemble(config: Config, options: RuntimeOptions, vendors: readonly VendorDefinition[], fixtures: FixtureDocument[], db: Database, lock: DatabaseLock | undefined): Runtime {
  const clock = options.clock ?? new EmulatorClock();
  const ids = options.ids ?? createIdSource(config.idSeed);
  const transitions = new Transitions(vendors.flatMap((v) => v.transitions), config.transitions);
  const rateLimiter = new RateLimiter(config.rateLimits);
  installObjectLimit(db, vendors.flatMap((v) => v.tables), config.maxObjectsPerNamespace);
  const ctx: VendorContext = { db, clock, ids, config, transitions, rateLimiter };
  const namespaces = new Namespaces(db, vendors, ctx, fixtures, config.maxNamespaces, (scope) => {
    if (scope.vendor === undefined) transitions.forgetNamespace(scope.namespace);
    rateLimiter.forget(scope.namespace, scope.vendor);
  });
  // The startup world is seeded once, into the template every namespace is copied from. A file
  // database keeps its namespaces across restarts; the default one is made now if it is missing.
  namespaces.seedTemplate();
  namespaces.ensure(DEFAULT_NAMESPACE);
  return {
    config, db, clock, ids, vendors, ctx, transitions, rateLimiter, namespaces,
    faults: new FaultRules(() => ids.random()),
    journal: new Journal(config.journalSize, config.journalBytes),
    startedAt: clock.wallNow(),
    close: () => {
      if (db.open) db.close();
      lock?.release();
    },
  };
}
