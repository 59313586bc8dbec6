import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../src/core/package-info.js';
import { openDatabase } from '../src/db/open.js';
import { VENDOR_IDS, VENDORS } from '../src/vendors/index.js';

/**
 * The layout rules of GUIDE.md and docs/architecture.md, checked by reading src/. Each rule names its
 * exceptions below, with the reason; a new exception belongs here, with one, or the code should change.
 */

/** Files that may import Fastify besides `routes.ts` files and src/http/. */
const FASTIFY_ALLOWED: Record<string, { reason: string; typeOnly?: true }> = {
  'src/app.ts': { reason: 'the composition root: builds the Fastify app, its compilers, swagger and the vendor plugins' },
  'src/server.ts': { reason: 'starts and stops the app: listens on the ports, owns the logger options' },
  'src/core/vendor.ts': { reason: 'VendorDefinition.routes is handed the FastifyInstance to register on', typeOnly: true },
};

/** Files that may read the wall clock besides src/core/clock.ts. */
const WALL_CLOCK_ALLOWED: Record<string, string> = {
  'src/dashboard/client/clock.ts': "the dashboard page's one clock: between reads of the emulator's clock it moves a running one on by the browser's monotonic clock (the page has no other)",
};

/** Files that may hold SQL besides `store.ts` files and src/db/ (the migrations and their runner). */
const SQL_ALLOWED: Record<string, string> = {
  'src/core/namespace-store.ts': "the core's own store: the namespaces table, and the chunked reset and template copy over every vendor's declared tables",
  'src/core/sql.ts': 'the statement helper every store prepares through: it prepares the SQL text a store gives it and holds none of its own',
  'src/core/object-limit.ts': 'connection-local TEMP triggers counting rows across every declared table (MAX_OBJECTS_PER_NAMESPACE), dropped and made again around bulk moves',
};

/**
 * The files every vendor folder holds (docs/architecture.md, "A vendor"), and the export each names after
 * its vendor: `src/vendors/ibm/routes.ts` exports `ibmRoutes`. `index.ts` exports the definition, named
 * the id itself. A vendor may add files (Exoscale's access-keys.ts, Krutrim's service/ folder).
 */
const VENDOR_FILES: Record<string, string> = {
  'index.ts': '',
  'routes.ts': 'Routes',
  'auth.ts': 'Auth',
  'seed.ts': 'Seed',
  'store.ts': 'Store',
  'errors.ts': 'Errors',
  'timeline.ts': 'Timeline',
  's3.ts': 'S3',
  'schemas.ts': '',
  'service.ts': '',
  'ids.ts': '',
};

/**
 * Places in src/vendors and src/s3 that may read the emulator clock although the request has its one
 * `now` (request.emulator.now). A fixture seed runs outside any request and is not listed.
 */
const CLOCK_READS_ALLOWED: Record<string, string> = {
  'src/vendors/ibm/routes.ts': 'onSend of a request refused before the vendor plugin gave it a time (a 404 outside any route)',
};

/** WeakMaps keyed by a request in src/vendors: a principal belongs on request.emulator, not in a side table. */
const REQUEST_WEAKMAPS_ALLOWED: Record<string, string> = {
  'src/vendors/exoscale/auth.ts': "the raw body bytes Exoscale's signature covers, kept by its JSON parser before Fastify parses them",
};

/** Tables with a `namespace` column that no vendor declares in `tables` (so reset and the dump skip them). */
const UNDECLARED_TABLES: Record<string, string> = {};

/** Store statements that may span namespaces (`file` → the statement's start → reason). None today. */
const CROSS_NAMESPACE_STATEMENTS: Record<string, Record<string, string>> = {};

const SRC = join(PACKAGE_ROOT, 'src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(path);
    return e.name.endsWith('.ts') ? [path] : [];
  });
}

interface Source {
  /** Relative to the package root, with forward slashes: `src/vendors/ibm/store.ts`. */
  file: string;
  path: string;
  ast: ts.SourceFile;
}

const SOURCES: Source[] = sourceFiles(SRC).map((path) => ({
  file: relative(PACKAGE_ROOT, path).split(sep).join('/'),
  path,
  ast: ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.Latest, true),
}));

function walk(node: ts.Node, visit: (node: ts.Node) => void): void {
  visit(node);
  node.forEachChild((child) => walk(child, visit));
}

/** `file:line: text` for each node the predicate picks, so a failure points at the code. */
function findings(source: Source, pick: (node: ts.Node) => boolean): string[] {
  const out: string[] = [];
  walk(source.ast, (node) => {
    if (!pick(node)) return;
    const line = source.ast.getLineAndCharacterOfPosition(node.getStart()).line + 1;
    out.push(`${source.file}:${line}: ${node.getText().split('\n')[0]!.slice(0, 120)}`);
  });
  return out;
}

interface Import {
  specifier: string;
  typeOnly: boolean;
  line: number;
}

function importsOf(source: Source): Import[] {
  const out: Import[] = [];
  for (const statement of source.ast.statements) {
    if ((ts.isImportDeclaration(statement) || ts.isExportDeclaration(statement)) && statement.moduleSpecifier && ts.isStringLiteral(statement.moduleSpecifier)) {
      const typeOnly = ts.isImportDeclaration(statement) ? statement.importClause?.isTypeOnly === true : statement.isTypeOnly;
      out.push({ specifier: statement.moduleSpecifier.text, typeOnly, line: source.ast.getLineAndCharacterOfPosition(statement.getStart()).line + 1 });
    }
  }
  return out;
}

/** The names a file exports (declarations and `export { … }`). */
function exportedNames(source: Source): string[] {
  const out: string[] = [];
  for (const statement of source.ast.statements) {
    const exported = ts.canHaveModifiers(statement) && ts.getModifiers(statement)?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
    if (exported && (ts.isFunctionDeclaration(statement) || ts.isClassDeclaration(statement)) && statement.name) out.push(statement.name.text);
    if (exported && ts.isVariableStatement(statement)) for (const d of statement.declarationList.declarations) if (ts.isIdentifier(d.name)) out.push(d.name.text);
    if (ts.isExportDeclaration(statement) && statement.exportClause && ts.isNamedExports(statement.exportClause)) for (const e of statement.exportClause.elements) out.push(e.name.text);
  }
  return out;
}

/** A relative import as a package-relative path (`src/vendors/ibm/store.ts`); undefined for packages. */
function resolvedImport(source: Source, specifier: string): string | undefined {
  if (!specifier.startsWith('.')) return undefined;
  return relative(PACKAGE_ROOT, resolve(dirname(source.path), specifier)).split(sep).join('/').replace(/\.js$/, '.ts');
}

const vendorOf = (file: string): string | undefined => /^src\/vendors\/([^/]+)\//.exec(file)?.[1];

const isCall = (node: ts.Node, method: string): node is ts.CallExpression =>
  ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && node.expression.name.text === method;

/**
 * SQL, as this codebase writes it: a statement in a string or template literal (upper-case keywords
 * in statement shape, so prose such as "Delete the key" is not one), or a `.prepare()` / `.pragma()` call.
 */
const SQL_STATEMENT = /\b(SELECT\s[\s\S]*?\sFROM\s|INSERT\s+(OR\s+[A-Z]+\s+)?INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM|CREATE\s+(TEMP\s+|UNIQUE\s+)*(TABLE|INDEX|TRIGGER|VIEW)|ALTER\s+TABLE|DROP\s+(TABLE|INDEX|TRIGGER|VIEW)\b)/;

function isSql(node: ts.Node): boolean {
  if (isCall(node, 'prepare') || isCall(node, 'pragma')) return true;
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return SQL_STATEMENT.test(node.text);
  if (ts.isTemplateExpression(node)) return SQL_STATEMENT.test([node.head.text, ...node.templateSpans.map((s) => s.literal.text)].join(' '));
  return false;
}

describe('the layout rules (GUIDE.md, docs/architecture.md)', () => {
  it('reads the source tree', () => {
    expect(SOURCES.length).toBeGreaterThan(40);
    expect(SOURCES.map((s) => s.file)).toContain('src/core/clock.ts');
  });

  it('reads the clock only through src/core/clock.ts: no Date.now(), Date() or new Date() without a time', () => {
    const wallClock = (node: ts.Node): boolean => {
      if (ts.isPropertyAccessExpression(node)) return ts.isIdentifier(node.expression) && ['Date', 'performance'].includes(node.expression.text) && node.name.text === 'now';
      if (ts.isNewExpression(node) || ts.isCallExpression(node)) {
        return ts.isIdentifier(node.expression) && node.expression.text === 'Date' && (node.arguments?.length ?? 0) === 0;
      }
      return false;
    };
    const found = SOURCES.filter((s) => s.file !== 'src/core/clock.ts' && !(s.file in WALL_CLOCK_ALLOWED)).flatMap((s) => findings(s, wallClock));
    expect(found, 'use ctx.clock.now() (or clock.wallNow() for client-dated times)').toEqual([]);
    // The detector itself: clock.ts is the one place that does read it.
    expect(findings(SOURCES.find((s) => s.file === 'src/core/clock.ts')!, wallClock)).not.toEqual([]);
  });

  it('imports Fastify only in routes.ts files, src/http/ and the listed composition files', () => {
    const fastify = /^(fastify|fastify-.+|@fastify\/.+)$/;
    const found: string[] = [];
    for (const source of SOURCES) {
      if (source.file.endsWith('/routes.ts') || source.file.startsWith('src/http/')) continue;
      const allowed = FASTIFY_ALLOWED[source.file];
      for (const imp of importsOf(source)) {
        if (!fastify.test(imp.specifier)) continue;
        if (allowed && (!allowed.typeOnly || imp.typeOnly)) continue;
        found.push(`${source.file}:${imp.line}: ${imp.typeOnly ? 'import type' : 'import'} from '${imp.specifier}'${allowed?.typeOnly ? ' (only a type import is allowed here)' : ''}`);
      }
    }
    expect(found, 'move the Fastify code into routes.ts or src/http/, or list the file in FASTIFY_ALLOWED with its reason').toEqual([]);
    for (const file of Object.keys(FASTIFY_ALLOWED)) {
      expect(SOURCES.some((s) => s.file === file && importsOf(s).some((i) => fastify.test(i.specifier))), `${file} no longer imports Fastify: drop it from FASTIFY_ALLOWED`).toBe(true);
    }
  });

  it('holds SQL only in store.ts files and src/db/ (migrations and their runner), and the listed core files', () => {
    const sqlHome = (file: string) => file.endsWith('/store.ts') || file.startsWith('src/db/') || file in SQL_ALLOWED;
    const found = SOURCES.filter((s) => !sqlHome(s.file)).flatMap((s) => findings(s, isSql));
    expect(found, 'move the statement into the vendor store.ts, or list the file in SQL_ALLOWED with its reason').toEqual([]);
    // The detector finds what stores and migrations hold, and does not take prose for SQL.
    for (const home of ['src/vendors/katapult/store.ts', 'src/db/migrations/001-core.ts', ...Object.keys(SQL_ALLOWED)]) {
      expect(findings(SOURCES.find((s) => s.file === home)!, isSql), home).not.toEqual([]);
    }
    const probe = (text: string) => isSql((ts.createSourceFile('probe.ts', text, ts.ScriptTarget.Latest, true).statements[0] as ts.ExpressionStatement).expression);
    expect(probe("'DELETE FROM t WHERE namespace = ?'")).toBe(true);
    expect(probe('`SELECT * FROM ${table} WHERE namespace = ?`')).toBe(true);
    expect(probe("'Delete the key from the list, then select another'")).toBe(false);
    expect(probe("'Invalid request: SELECT one of a, b'")).toBe(false);
  });

  it('filters every store statement on the namespace: SELECT, UPDATE and DELETE say `namespace = ?`, INSERT names the column', () => {
    const found: string[] = [];
    for (const source of SOURCES.filter((s) => s.file.endsWith('/store.ts'))) {
      walk(source.ast, (node) => {
        const text = ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node) ? node.text
          : ts.isTemplateExpression(node) ? [node.head.text, ...node.templateSpans.map((span) => span.literal.text)].join(' ${…} ') : undefined;
        if (text === undefined || !SQL_STATEMENT.test(text)) return;
        const scoped = /^\s*INSERT\b/.test(text) ? /\bnamespace\b/.test(text) : /\bnamespace\s*(=|IN)\s*[?@:(]/.test(text);
        const statement = text.trim().replace(/\s+/g, ' ');
        const allowed = Object.keys(CROSS_NAMESPACE_STATEMENTS[source.file] ?? {}).some((start) => statement.startsWith(start));
        if (!scoped && !allowed) found.push(`${source.file}:${source.ast.getLineAndCharacterOfPosition(node.getStart()).line + 1}: ${statement.slice(0, 120)}`);
      });
    }
    expect(found, 'every row belongs to a namespace: filter on it, or list the statement in CROSS_NAMESPACE_STATEMENTS with its reason').toEqual([]);
  });

  it('keeps vendors apart: a vendor folder imports no other vendor (nor the registry), and src/core imports no vendor', () => {
    const found: string[] = [];
    for (const source of SOURCES) {
      const own = vendorOf(source.file);
      for (const imp of importsOf(source)) {
        const target = resolvedImport(source, imp.specifier);
        if (target === undefined) continue;
        if (own !== undefined && target.startsWith('src/vendors/') && vendorOf(target) !== own) found.push(`${source.file}:${imp.line}: imports ${target}`);
        if (source.file.startsWith('src/core/') && target.startsWith('src/vendors/')) found.push(`${source.file}:${imp.line}: core imports ${target}`);
      }
    }
    expect(found, 'share it through src/core (vendor-neutral) instead').toEqual([]);
  });

  it('builds every vendor alike: the fixed file set, each file exporting `<id><Role>`', () => {
    const problems: string[] = [];
    for (const id of VENDOR_IDS) {
      for (const [file, role] of Object.entries(VENDOR_FILES)) {
        const path = `src/vendors/${id}/${file}`;
        const source = SOURCES.find((s) => s.file === path);
        if (!source) {
          problems.push(`${path}: missing`);
          continue;
        }
        const name = role === '' ? (file === 'index.ts' ? id : undefined) : `${id}${role}`;
        if (name !== undefined && !exportedNames(source).includes(name)) problems.push(`${path}: exports no ${name}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('runs one auth step: every vendor gives the plugin its `auth`, and only the plugin consumes the rate limiter', () => {
    for (const vendor of Object.values(VENDORS)) expect(typeof vendor.auth, `${vendor.id}.auth`).toBe('function');
    const consume = (node: ts.Node) => isCall(node, 'consume') && /rateLimiter/.test((node.expression as ts.PropertyAccessExpression).expression.getText());
    const consumes = SOURCES.filter((s) => s.file !== 'src/http/vendor-plugin.ts').flatMap((s) => findings(s, consume));
    expect(consumes, 'rate limits are consumed once, by http/vendor-plugin.ts, from what the vendor\'s authenticate returns').toEqual([]);
    const weakMap = (node: ts.Node) => ts.isNewExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 'WeakMap';
    const weakMaps = SOURCES.filter((s) => s.file.startsWith('src/vendors/') && !(s.file in REQUEST_WEAKMAPS_ALLOWED)).flatMap((s) => findings(s, weakMap));
    expect(weakMaps, 'the principal is request.emulator.principal (principalOf): list a WeakMap with its reason if it holds something else').toEqual([]);
    // The detectors find what the plugin and the listed file hold.
    expect(findings(SOURCES.find((s) => s.file === 'src/http/vendor-plugin.ts')!, consume)).toHaveLength(1);
    for (const file of Object.keys(REQUEST_WEAKMAPS_ALLOWED)) expect(findings(SOURCES.find((s) => s.file === file)!, weakMap), file).not.toEqual([]);
  });

  it('reads the time once per request: vendor code and the S3 plane take `now` instead of reading the clock', () => {
    const inScope = (file: string) => (file.startsWith('src/vendors/') || file.startsWith('src/s3/')) && !file.endsWith('/seed.ts') && !(file in CLOCK_READS_ALLOWED);
    const reads = SOURCES.filter((s) => inScope(s.file))
      .flatMap((s) => findings(s, (node) => isCall(node, 'now') && /clock$/.test((node.expression as ts.PropertyAccessExpression).expression.getText())));
    expect(reads, 'pass request.emulator.now down (the vendor plugin reads the clock once per request)').toEqual([]);
    for (const file of Object.keys(CLOCK_READS_ALLOWED)) {
      const source = SOURCES.find((s) => s.file === file);
      expect(source && findings(source, (node) => isCall(node, 'now')).length, `${file} reads no clock: drop it from CLOCK_READS_ALLOWED`).toBeGreaterThan(0);
    }
  });

  it('types route input from the schemas: no `request.body as …` (or query, params) casts, stores prepare only through core/sql.ts', () => {
    const cast = (node: ts.Node) => ts.isAsExpression(node) && /^request\.(body|query|params)$/.test(node.expression.getText());
    const prepare = (node: ts.Node) => isCall(node, 'prepare');
    const inScope = SOURCES.filter((s) => s.file.startsWith('src/vendors/') || s.file.startsWith('src/s3/'));
    expect(inScope.flatMap((s) => findings(s, cast)), 'give the route its zod schema (the type provider types request.*)').toEqual([]);
    expect(inScope.flatMap((s) => findings(s, prepare)), 'prepare through sql(db).statement / .mapped (core/sql.ts): named parameters, typed rows').toEqual([]);
    // The detectors, on code that breaks the rules.
    const probe = ts.createSourceFile('probe.ts', 'const b = request.body as Body;\nconst s = db.prepare(`SELECT 1`);', ts.ScriptTarget.Latest, true);
    const source: Source = { file: 'probe.ts', path: 'probe.ts', ast: probe };
    expect(findings(source, cast)).toHaveLength(1);
    expect(findings(source, prepare)).toHaveLength(1);
  });

  it('has one registry: each VENDORS key is its definition id and its folder, in VENDOR_IDS', () => {
    expect(Object.values(VENDORS).map((v) => v.id)).toEqual([...VENDOR_IDS]);
    const folders = readdirSync(join(SRC, 'vendors'), { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);
    expect(folders.sort()).toEqual([...VENDOR_IDS].sort());
  });

  it('declares every namespaced table in its vendor\'s tables, prefixed with the vendor id, with real hidden columns', () => {
    const db = openDatabase(':memory:');
    try {
      const columns = (table: string) => (db.prepare(`SELECT name FROM pragma_table_info(?)`).all(table) as Array<{ name: string }>).map((c) => c.name);
      const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all() as Array<{ name: string }>).map((t) => t.name);
      const declaredBy = new Map(Object.values(VENDORS).flatMap((v) => v.tables.map((t) => [t.name, v.id] as const)));
      const problems: string[] = [];
      for (const table of tables) {
        if (!columns(table).includes('namespace')) {
          if (table !== 'namespaces') problems.push(`${table}: no namespace column (every row of vendor state belongs to a namespace)`);
          continue;
        }
        const owner = declaredBy.get(table);
        if (owner === undefined && !(table in UNDECLARED_TABLES)) problems.push(`${table}: not in any vendor's tables (reset, the state dump and the object limit would miss it)`);
        if (owner !== undefined && !table.startsWith(`${owner}_`)) problems.push(`${table}: declared by ${owner}, but not prefixed ${owner}_`);
      }
      for (const vendor of Object.values(VENDORS)) {
        for (const t of vendor.tables) {
          if (!tables.includes(t.name)) problems.push(`${vendor.id} declares ${t.name}, which no migration creates`);
          else for (const c of t.hiddenColumns ?? []) if (!columns(t.name).includes(c)) problems.push(`${t.name}: hidden column ${c} does not exist`);
        }
      }
      for (const table of Object.keys(UNDECLARED_TABLES)) {
        if (!tables.includes(table) || declaredBy.has(table)) problems.push(`${table}: drop it from UNDECLARED_TABLES`);
      }
      expect(problems).toEqual([]);
    } finally {
      db.close();
    }
  });
});
