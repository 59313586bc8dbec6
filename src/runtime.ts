import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Database } from 'better-sqlite3';
import { checkConfig, type ConfigError, settingError, type Config } from './config.js';
import { EmulatorClock } from './core/clock.js';
import { FaultRules } from './core/faults.js';
import { parseFixtureDocument, readFixtureFile, type FixtureDocument } from './core/fixtures.js';
import { createIdSource, type IdSource } from './core/ids.js';
import { Journal } from './core/journal.js';
import { installObjectLimit, isNamespaceFull } from './core/object-limit.js';
import { DEFAULT_NAMESPACE, Namespaces } from './core/namespaces.js';
import { RateLimiter } from './core/rate-limit.js';
import { Transitions, type TransitionSpec } from './core/transitions.js';
import type { VendorContext, VendorDefinition } from './core/vendor.js';
import { DatabaseInUseError, lockDatabaseFile, type DatabaseLock } from './db/lock.js';
import { openDatabase } from './db/open.js';
import { loadedVendors, loadVendors, VENDOR_IDS } from './registry.js';

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
  /** Vendors to serve instead of the registry's VENDORS (tests use a toy vendor). Without it, createRuntime needs them loaded: openRuntime does that. */
  vendors?: VendorDefinition[];
  /** An already opened and migrated database. */
  db?: Database;
}

/**
 * Every configuration problem surfaces here as a ConfigError naming the setting (exit 2 at the command
 * line), before anything listens: settings that parse but cannot be used, and typos in transition names.
 */
export function createRuntime(config: Config, options: RuntimeOptions = {}): Runtime {
  checkConfig(config);
  const vendors = options.vendors ?? loadedVendors(config.vendors);
  const specs = vendors.flatMap((v) => v.transitions);
  checkTransitionNames(config, specs);
  const fixtures = options.fixtures?.map((doc, i) => parseFixtureDocument(doc, `fixture document #${i + 1}`, vendors, VENDOR_IDS))
    ?? config.seed.map((path) => readFixtureFile(path, vendors, VENDOR_IDS));
  // Refuses to start (DatabaseInUseError) while another emulator holds the file; held until close().
  if (!options.db) checkDatabaseDirectory(config.dbPath);
  let lock: DatabaseLock | undefined;
  let db: Database | undefined;
  try {
    lock = options.db ? undefined : lockDatabaseFile(config.dbPath);
    db = options.db ?? openConfiguredDatabase(config.dbPath);
    return assemble(config, options, vendors, specs, fixtures, db, lock);
  } catch (err) {
    if (!options.db && db?.open) db.close();
    lock?.release();
    if (isNamespaceFull(err)) throw settingError('maxObjectsPerNamespace', config.maxObjectsPerNamespace, 'the startup fixtures (SEED) hold more rows than that in one namespace; raise it, or seed less');
    const fsCode = (err as NodeJS.ErrnoException).code;
    if (!(err instanceof DatabaseInUseError) && typeof fsCode === 'string' && /^E[A-Z]+$/.test(fsCode)) throw settingError('dbPath', config.dbPath, `its lock file ${config.dbPath}.lock cannot be made (${fsCode})`);
    throw databaseError(config.dbPath, err) ?? err;
  }
}

/** createRuntime, after importing the modules of the vendors VENDORS serves (only those). */
export async function openRuntime(config: Config, options: RuntimeOptions = {}): Promise<Runtime> {
  checkConfig(config);
  return createRuntime(config, { ...options, vendors: options.vendors ?? await loadVendors(config.vendors) });
}

function assemble(config: Config, options: RuntimeOptions, vendors: readonly VendorDefinition[], specs: TransitionSpec[], fixtures: FixtureDocument[], db: Database, lock: DatabaseLock | undefined): Runtime {
  const clock = options.clock ?? new EmulatorClock();
  const ids = options.ids ?? createIdSource(config.idSeed);
  const transitions = new Transitions(specs, config.transitions);
  const rateLimiter = new RateLimiter(config.rateLimits);
  const objectLimit = installObjectLimit(db, vendors.flatMap((v) => v.tables), config.maxObjectsPerNamespace);
  const ctx: VendorContext = { db, clock, ids, config, transitions, rateLimiter };
  const namespaces = new Namespaces({
    db, vendors, ctx, startupFixtures: fixtures, maxNamespaces: config.maxNamespaces, objectLimit,
    onForget: (scope) => {
      if (scope.vendor === undefined) transitions.forgetNamespace(scope.namespace);
      rateLimiter.forget(scope.namespace, scope.vendor);
      for (const vendor of vendors) if (scope.vendor === undefined || scope.vendor === vendor.id) vendor.forget?.(ctx, scope.namespace);
    },
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

/** A TRANSITIONS name (or name*) that matches no transition of the served vendors is a typo. */
function checkTransitionNames(config: Config, specs: readonly TransitionSpec[]): void {
  const names = specs.map((s) => s.name);
  for (const [pattern] of config.transitions) {
    if (pattern === '*') continue;
    const prefix = pattern.endsWith('*') ? pattern.slice(0, -1) : undefined;
    if (names.some((n) => (prefix === undefined ? n === pattern : n.startsWith(prefix)))) continue;
    throw settingError('transitions', config.transitions.map(([p]) => p), `${pattern} names no transition of the served vendors; the names are: ${names.join(', ') || '(none)'}`);
  }
}

function checkDatabaseDirectory(path: string): void {
  if (path !== ':memory:' && !existsSync(dirname(resolve(path)))) throw settingError('dbPath', path, `the directory ${dirname(resolve(path))} does not exist`);
}

/** Opens DB_PATH, turning every way it can fail into a ConfigError naming DB_PATH. */
function openConfiguredDatabase(path: string): Database {
  try {
    return openDatabase(path);
  } catch (err) {
    throw databaseError(path, err) ?? err;
  }
}

function databaseError(path: string, err: unknown): ConfigError | undefined {
  const code = (err as { code?: unknown }).code;
  if (typeof code !== 'string' || !/^SQLITE_(CANTOPEN|READONLY|PERM|NOTADB|CORRUPT|IOERR|AUTH|FULL)/.test(code)) {
    return err instanceof TypeError && /directory does not exist|Cannot open database/.test(err.message) ? settingError('dbPath', path, err.message) : undefined;
  }
  const why = code.startsWith('SQLITE_READONLY') || code.startsWith('SQLITE_PERM') ? 'the database file or its directory is not writable'
    : code === 'SQLITE_NOTADB' || code.startsWith('SQLITE_CORRUPT') ? 'the file is not an SQLite database'
    : code.startsWith('SQLITE_CANTOPEN') ? 'the file cannot be opened'
    : (err as Error).message;
  return settingError('dbPath', path, `${why}; ${code}`);
}
