import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, linkSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { DockerfileParser, type Instruction } from 'dockerfile-ast';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../../src/core/package-info.js';
import { ROOT_KEY as EXOSCALE_ROOT_KEY, ROOT_SECRET as EXOSCALE_ROOT_SECRET, sign as exoscaleSign } from '../vendors/exoscale/signer.js';

/**
 * The container smoke test (issue 9). No Docker engine is available on the development and CI
 * machines, so this runs what the image would run, read from the Dockerfile itself:
 *   build stage      → `tsc -p tsconfig.build.json`, the command's bundle and the dashboard bundle into a temporary directory
 *   prod-deps stage  → production dependencies only, into a clean directory:
 *                        default: copied from node_modules, package by package, from the
 *                        lockfile's non-dev entries (fast enough for `npm test`);
 *                        CONTAINER_SMOKE_INSTALL=npm-ci: the stage's own RUN lines
 *                        (`npm ci --omit=dev` …), as `.ci/run` does after `npm test`
 *   runtime stage    → its COPY lines assemble the app directory from those; its ENV and CMD start
 *                        it (PORT → a free port, DB_PATH → a temporary file, HOST → loopback);
 *                        its HEALTHCHECK command runs until healthy; one request per vendor;
 *                        SIGTERM → exit code 0 within a few seconds.
 */

const DOCKERFILE = join(PACKAGE_ROOT, 'Dockerfile');
const INSTALL = process.env.CONTAINER_SMOKE_INSTALL === 'npm-ci' ? 'npm-ci' : 'copy';
const CONTROL_TOKEN = 'smoke-control-token';
const SECRET_AUTH = 'Bearer smoke-secret-never-logged-0123456789';

interface SmokeCall {
  vendor: string;
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** The URL path after the host, with its query string. */
  path: string;
  /** Computed when the call is made (Exoscale's signature carries an expiry time). */
  headers?: () => Record<string, string>;
  body?: unknown;
  expectedStatus: number;
  /** What the vendor's JSON answer must show. */
  check: (body: any) => void;
}

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

/**
 * One real, authenticated, successful call per vendor against the production build, with the
 * well-known credentials of fixtures/default.json (README "Default credentials").
 */
const VENDOR_SMOKE: SmokeCall[] = [
  {
    vendor: 'katapult', method: 'GET', path: '/katapult/core/v1/object_storage/access_keys/access_key?access_key%5Bid%5D=objkey_EMULATOR00000001',
    headers: () => ({ authorization: 'Bearer katapult-test-token' }), expectedStatus: 200,
    check: (body) => expect(body.object_storage_access_key).toMatchObject({ id: 'objkey_EMULATOR00000001', s3_access_key_id: '00000000000000000000000000000001' }),
  },
  {
    vendor: 'ionos', method: 'GET', path: '/ionos/accesskeys',
    headers: () => ({ authorization: 'Bearer ionos-test-token' }), expectedStatus: 200,
    check: (body) => {
      expect(body.type).toBe('collection');
      expect(body.items.map((k: { id: string }) => k.id)).toContain('0b6a5a7e-8f3c-4d2a-9e1b-1c2d3e4f5a6b');
    },
  },
  {
    vendor: 'exoscale', method: 'GET', path: '/exoscale/v2/access-key',
    headers: () => ({ authorization: exoscaleSign({ key: EXOSCALE_ROOT_KEY, secret: EXOSCALE_ROOT_SECRET, method: 'GET', url: '/exoscale/v2/access-key' }) }), expectedStatus: 200,
    check: (body) => expect(body['access-keys'].map((k: { key: string }) => k.key)).toContain(EXOSCALE_ROOT_KEY),
  },
  {
    vendor: 'ibm', method: 'GET', path: '/ibm/credentials',
    headers: () => ({ authorization: basic('admin', 'password') }), expectedStatus: 200,
    check: (body) => expect(body.credentials.map((c: { id: string }) => c.id)).toContain('a42a27755ce6442596b049bd7dd8a563'),
  },
  {
    vendor: 'krutrim', method: 'GET', path: '/krutrim/kos/v1/access_keys',
    headers: () => ({ authorization: 'Bearer krutrim-test-key' }), expectedStatus: 200,
    check: (body) => expect(body.map((k: { access_key: string }) => k.access_key)).toContain('KOSEMULATOR000000001'),
  },
];

/** DESIGN.md §1: where each vendor is mounted. */
const MOUNTS: Record<string, string> = { katapult: '/katapult/core/v1', ionos: '/ionos', exoscale: '/exoscale/v2', ibm: '/ibm', krutrim: '/krutrim' };

// ---------------------------------------------------------------------------------------------
// The Dockerfile, as data

interface Stage {
  name: string;
  image: string;
  instructions: Instruction[];
}

function readDockerfile() {
  const text = readFileSync(DOCKERFILE, 'utf8');
  const dockerfile = DockerfileParser.parse(text);
  const args = new Map(dockerfile.getInitialARGs().map((a) => [a.getProperty()!.getName(), a.getProperty()!.getValue() ?? '']));
  const expand = (s: string) => s.replace(/\$\{(\w+)\}|\$(\w+)/g, (_, a: string | undefined, b: string | undefined) => args.get((a ?? b)!) ?? '');
  const froms = dockerfile.getFROMs();
  const instructions = dockerfile.getInstructions();
  const stages: Stage[] = froms.map((from, i) => {
    const start = from.getRange().start.line;
    const end = froms[i + 1]?.getRange().start.line ?? Number.POSITIVE_INFINITY;
    return {
      name: from.getBuildStage() ?? String(i),
      image: expand(from.getImageName() ?? ''),
      instructions: instructions.filter((ins) => ins.getRange().start.line > start && ins.getRange().start.line < end),
    };
  });
  const runtime = stages.at(-1)!;
  const of = (keyword: string) => runtime.instructions.filter((ins) => ins.getKeyword() === keyword);
  const env: Record<string, string> = {};
  for (const ins of of('ENV')) {
    for (const p of (ins as unknown as { getProperties(): Array<{ getName(): string; getValue(): string | null }> }).getProperties()) env[p.getName()] = p.getValue() ?? '';
  }
  const execForm = (ins: Instruction | undefined, what: string): string[] => {
    const content = ins?.getArgumentsContent() ?? '';
    const json = /^(?:CMD\s+)?(\[.*\])\s*$/s.exec(content.trim());
    if (!json) throw new Error(`${what} must use the exec (JSON array) form, got: ${content}`);
    return JSON.parse(json[1]!) as string[];
  };
  const healthcheck = of('HEALTHCHECK').at(-1) as (Instruction & { getFlags(): Array<{ getName(): string; getValue(): string | null }> }) | undefined;
  return {
    text,
    stages,
    runtime,
    env,
    cmd: execForm(of('CMD').at(-1), 'CMD'),
    healthcheck: {
      cmd: execForm(healthcheck, 'HEALTHCHECK'),
      flags: Object.fromEntries((healthcheck?.getFlags() ?? []).map((f) => [f.getName(), f.getValue()])),
    },
    workdir: of('WORKDIR').at(-1)?.getArgumentsContent() ?? '/',
    user: of('USER').at(-1)?.getArgumentsContent(),
    expose: of('EXPOSE').flatMap((i) => i.getArguments().map((a) => a.getValue())),
    volumes: of('VOLUME').flatMap((i) => i.getArguments().map((a) => a.getValue().replace(/[[\]",]/g, '')).filter(Boolean)),
    copies: of('COPY').map((ins) => {
      const flags = (ins as unknown as { getFlags(): Array<{ getName(): string; getValue(): string | null }> }).getFlags();
      const parts = ins.getArguments().map((a) => a.getValue());
      return { from: flags.find((f) => f.getName() === 'from')?.getValue() ?? undefined, sources: parts.slice(0, -1), dest: parts.at(-1)! };
    }),
    runs: (stage: Stage) => stage.instructions.filter((i) => i.getKeyword() === 'RUN').map((i) => i.getArgumentsContent() ?? ''),
  };
}

const dockerfile = readDockerfile();

describe('Dockerfile', () => {
  it('is multi-stage on the official Node LTS slim image, building with dev deps and running with production deps only', () => {
    const { stages, runtime, runs } = dockerfile;
    expect(stages.length).toBeGreaterThanOrEqual(2);
    const lts = /^node:(\d+)(?:\.[\d.]+)?-(?:[a-z]+-)?slim$/.exec(runtime.image);
    expect(lts, `runtime image ${runtime.image} should be node:<even major>-…slim`).not.toBeNull();
    expect(Number(lts![1]) % 2, 'Node LTS lines are the even majors').toBe(0);
    expect(Number(lts![1])).toBeGreaterThanOrEqual(22);
    // The stages compiling native modules share the runtime's base, so better-sqlite3's binary loads.
    for (const stage of stages) {
      const base = stages.find((s) => s.name === stage.image)?.image ?? stage.image;
      expect(base, `stage ${stage.name}`).toBe(runtime.image);
    }
    const build = stages.find((s) => runs(s).some((r) => /\bnpm run build\b/.test(r)))!;
    expect(build, 'a stage runs npm run build').toBeDefined();
    expect(runs(build).some((r) => /\bnpm ci\b(?!.*--omit=dev)/.test(r)), 'the build stage installs dev deps with npm ci').toBe(true);
    const prodDeps = stages.find((s) => runs(s).some((r) => /\bnpm ci\b.*--omit=dev/.test(r)))!;
    expect(prodDeps, 'a stage runs npm ci --omit=dev').toBeDefined();
    expect(runs(runtime).join('\n')).not.toMatch(/\bnpm (ci|install|i)\b|apt-get|tsc/);
    // A deletion in the final stage cannot shrink the base image's layers; a `# syntax=` line pulls a frontend image.
    expect(runs(runtime).join('\n')).not.toMatch(/rm -rf/);
    expect(dockerfile.text).not.toMatch(/^# syntax=/m);
    expect(runs(prodDeps).join(' ')).toMatch(/--omit=optional/);
  });

  it('copies only the build output, production node_modules, package.json and fixtures into the final stage', () => {
    const copies = dockerfile.copies;
    const prodDeps = dockerfile.stages.find((s) => dockerfile.runs(s).some((r) => /--omit=dev/.test(r)))!;
    expect(copies.find((c) => c.dest.replace(/\/$/, '').endsWith('node_modules'))?.from).toBe(prodDeps.name);
    const fromContext = copies.filter((c) => c.from === undefined).flatMap((c) => c.sources);
    expect(fromContext.sort()).toEqual(['fixtures', 'package.json']);
    for (const c of copies) for (const s of c.sources) expect(s).not.toMatch(/^(\.|\.\/|src|test|scripts|bench)(\/|$)/);
    // The copy-mode install below deletes what the prod-deps stage deletes.
    const prodRuns = dockerfile.runs(prodDeps).join(' ');
    for (const path of PRUNED) expect(prodRuns).toContain(path);
    const ignore = readFileSync(join(PACKAGE_ROOT, '.dockerignore'), 'utf8');
    expect(ignore).toMatch(/^\*$/m);
  });

  it('runs as node, exposes 4580, keeps its data on /data and is configured for a container', () => {
    expect(dockerfile.user).toBe('node');
    expect(dockerfile.expose).toEqual(['4580']);
    expect(dockerfile.volumes).toEqual(['/data']);
    expect(dockerfile.env).toMatchObject({ HOST: '0.0.0.0', PORT: '4580', DB_PATH: '/data/emulator.sqlite', LOG_FORMAT: 'json' });
    expect(dockerfile.cmd).toEqual(['node', 'dist/src/main.js']);
    expect(dockerfile.healthcheck.cmd[0]).toBe('node');
    expect(dockerfile.text.replace(/^\s*#.*$/gm, '')).not.toMatch(/curl|wget/);
    expect(dockerfile.text).toMatch(/^STOPSIGNAL SIGTERM$/m);
  });
});

// ---------------------------------------------------------------------------------------------
// Running it

interface LogLine {
  [key: string]: unknown;
  msg?: string;
}

async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolvePort(port));
    });
  });
}

/** What the Dockerfile's prod-deps stage deletes after installing (better-sqlite3's sources and objects). */
const PRUNED = ['deps', 'src', 'build/Release/obj', 'build/Release/obj.target', 'build/Release/test_extension.node'].map((p) => `node_modules/better-sqlite3/${p}`);

/** The production packages of the lockfile (what `npm ci --omit=dev` installs), copied from node_modules. */
function copyProductionPackages(into: string): string[] {
  const lock = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, { dev?: boolean; optional?: boolean }> };
  const copied: string[] = [];
  for (const [key, entry] of Object.entries(lock.packages)) {
    if (!key.startsWith('node_modules/') || key.slice('node_modules/'.length).includes('/node_modules/')) continue; // nested ones come with their parent
    if (entry.dev || entry.optional) continue; // the prod-deps stage runs npm ci --omit=dev --omit=optional
    const source = join(PACKAGE_ROOT, key);
    if (!existsSync(source)) throw new Error(`${key} is a production dependency in package-lock.json but is not installed`);
    linkTree(source, join(into, key), (path) => PRUNED.some((p) => path.startsWith(join(PACKAGE_ROOT, p))));
    copied.push(key.slice('node_modules/'.length));
  }
  return copied;
}

/**
 * Copies a file or a directory tree (following symlinks) as hard links where the file system allows
 * it: 5× faster than copying ~45 MB of node_modules, and nothing here writes into those files.
 */
function linkTree(source: string, dest: string, skip: (path: string) => boolean = () => false): void {
  if (statSync(source).isDirectory()) {
    mkdirSync(dest, { recursive: true });
    for (const name of readdirSync(source)) if (!skip(join(source, name))) linkTree(join(source, name), join(dest, name), skip);
    return;
  }
  try {
    linkSync(realpathSync(source), dest);
  } catch (err) {
    if (!['EXDEV', 'EPERM', 'EACCES', 'EMLINK'].includes((err as NodeJS.ErrnoException).code ?? '')) throw err;
    copyFileSync(source, dest);
  }
}

/** Resolves a path of a stage's file system (`/app/dist/src`) to our stand-in directory for it. */
function inStage(stageDirs: Record<string, string>, from: string, path: string): string {
  const dir = stageDirs[from];
  if (!dir) throw new Error(`COPY --from=${from}: no stand-in for that stage in the smoke test`);
  const rel = relative(dockerfile.workdir, path);
  if (rel.startsWith('..') || isAbsolute(rel)) throw new Error(`COPY --from=${from} ${path}: outside WORKDIR ${dockerfile.workdir}`);
  return join(dir, rel);
}

function waitForExit(child: ChildProcess, ms: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  return new Promise((resolveExit, reject) => {
    const timer = setTimeout(() => reject(new Error(`the emulator did not exit within ${ms} ms of SIGTERM`)), ms);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      resolveExit({ code, signal });
    });
  });
}

describe(`the image's command on a production install (${INSTALL})`, () => {
  let tmp: string;
  let app: string;
  let child: ChildProcess | undefined;
  let env: Record<string, string>;
  let url: string;
  const lines: string[] = [];
  const logs: LogLine[] = [];
  /** The Authorization values the vendor calls sent: none may reach the logs. */
  const sentCredentials: string[] = [];
  let stderr = '';

  const runHealthcheck = (overrides: Record<string, string> = {}) => {
    const [command, ...args] = dockerfile.healthcheck.cmd;
    return spawnSync(command === 'node' ? process.execPath : command!, args, { cwd: app, env: { ...env, ...overrides }, encoding: 'utf8', timeout: 10_000 });
  };

  beforeAll(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'accesskey-smoke-'));
    const build = join(tmp, 'build');
    const prodDeps = join(tmp, 'prod-deps');
    app = join(tmp, 'app');
    mkdirSync(prodDeps, { recursive: true });
    mkdirSync(app, { recursive: true });

    // build stage: `npm run build` (tsc -p tsconfig.build.json, the command's bundle, then the dashboard bundle), into the temporary directory.
    execFileSync(process.execPath, [join(PACKAGE_ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(PACKAGE_ROOT, 'tsconfig.build.json'), '--outDir', join(build, 'dist')], { stdio: 'pipe' });
    execFileSync(process.execPath, ['--import', 'tsx', join(PACKAGE_ROOT, 'src', 'tools', 'bundle-cli.ts'), join(build, 'dist', 'src')], { stdio: 'pipe' });
    execFileSync(process.execPath, ['--import', 'tsx', join(PACKAGE_ROOT, 'src', 'dashboard', 'build-assets.ts'), join(build, 'dist', 'src', 'dashboard', 'assets')], { stdio: 'pipe' });

    // prod-deps stage: production dependencies only, in a clean directory.
    for (const file of ['package.json', 'package-lock.json']) copyFileSync(join(PACKAGE_ROOT, file), join(prodDeps, file));
    const prodStage = dockerfile.stages.find((s) => dockerfile.runs(s).some((r) => /--omit=dev/.test(r)))!;
    if (INSTALL === 'npm-ci') {
      // The stage's own RUN lines, with a private npm cache (they end with `npm cache clean`).
      for (const run of dockerfile.runs(prodStage)) {
        execFileSync('sh', ['-c', run], { cwd: prodDeps, stdio: 'inherit', env: { ...process.env, npm_config_cache: join(tmp, 'npm-cache') } });
      }
    } else {
      copyProductionPackages(prodDeps);
    }

    // runtime stage: its COPY lines, from the build context (the repository) or the stand-in stages.
    const stageDirs = { [prodStage.name]: prodDeps, [dockerfile.stages.find((s) => dockerfile.runs(s).some((r) => /npm run build/.test(r)))!.name]: build };
    for (const copy of dockerfile.copies) {
      for (const source of copy.sources) {
        const from = copy.from === undefined ? join(PACKAGE_ROOT, source) : inStage(stageDirs, copy.from, source);
        // Docker's rules: a directory's contents go to dest; a file goes into dest/ or to dest.
        const dest = resolve(app, relative(dockerfile.workdir, resolve(dockerfile.workdir, copy.dest)));
        const target = !statSync(from).isDirectory() && copy.dest.endsWith('/') ? join(dest, basename(source)) : dest;
        mkdirSync(dirname(target), { recursive: true });
        linkTree(from, target);
      }
    }
    mkdirSync(join(tmp, 'data'));

    env = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: tmp,
      ...dockerfile.env,
      // The changes to the image's environment: a free port, loopback only (tests never listen on
      // every interface; the health check's handling of HOST=0.0.0.0 is checked below), a temporary
      // database, and a control token (to show the health check sends it).
      PORT: String(await freePort()),
      HOST: '127.0.0.1',
      DB_PATH: join(tmp, 'data', 'emulator.sqlite'),
      CONTROL_TOKEN,
    };
  }, INSTALL === 'npm-ci' ? 900_000 : 180_000); // tsc and the copy take ~10 s; much more on a loaded machine

  afterAll(() => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('has production dependencies only, and nothing it could fall back on above it', () => {
    const installed = new Set(readdirNames(join(app, 'node_modules')));
    const pkg = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string>; };
    for (const dep of Object.keys(pkg.dependencies)) expect(installed.has(dep.split('/')[0]!), dep).toBe(true);
    const lock = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, { dev?: boolean }> };
    const devOnly = Object.entries(lock.packages).filter(([key, e]) => e.dev && key.startsWith('node_modules/')).map(([key]) => key);
    expect(devOnly).toEqual(expect.arrayContaining(['node_modules/typescript', 'node_modules/vitest', 'node_modules/tsx']));
    for (const key of devOnly) expect(existsSync(join(app, key)), `dev-only package ${key} must not be installed`).toBe(false);
    expect(existsSync(join(app, 'node_modules', 'pino-pretty')), 'pino-pretty (optional) is left out of the image').toBe(false);
    for (let dir = dirname(app); dir !== dirname(dir); dir = dirname(dir)) expect(existsSync(join(dir, 'node_modules')), `${dir}/node_modules would leak packages into the smoke test`).toBe(false);
    expect(readdirNames(app).sort()).toEqual(['dist', 'fixtures', 'node_modules', 'package.json']);
    expect(readdirNames(join(app, 'dist'))).toEqual(['src']);
  });

  it('reports unhealthy while nothing listens', () => {
    const result = runHealthcheck();
    expect(result.status, result.stderr).toBe(1);
    expect(result.stderr).toMatch(/unhealthy: .*ECONNREFUSED/);
  });

  it("starts with the Dockerfile's CMD and ENV, and its HEALTHCHECK passes", async () => {
    const [command, ...args] = dockerfile.cmd;
    child = spawn(command === 'node' ? process.execPath : command!, args, { cwd: app, env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const ready = new Promise<LogLine>((resolveReady, reject) => {
      createInterface({ input: child!.stdout! }).on('line', (line) => {
        lines.push(line);
        let parsed: LogLine;
        try {
          parsed = JSON.parse(line) as LogLine;
        } catch {
          reject(new Error(`LOG_FORMAT=json, yet a log line is not JSON: ${line}`));
          return;
        }
        logs.push(parsed);
        if (parsed.msg === 'accesskey-emulator ready') resolveReady(parsed);
      });
      child!.once('exit', (code) => reject(new Error(`the emulator exited with ${code} before it was ready:\n${stderr}\n${lines.join('\n')}`)));
    });
    const readyLine = await ready;
    url = String(readyLine.url);
    expect(url).toBe(`http://127.0.0.1:${env.PORT}`);

    let result = runHealthcheck();
    for (let attempt = 1; result.status !== 0 && attempt < 20; attempt++) result = runHealthcheck();
    expect(result.status, `${result.stdout}${result.stderr}`).toBe(0);
    expect(result.stdout).toContain(`healthy: 127.0.0.1:${env.PORT}`);

    // With the image's own HOST (0.0.0.0, every interface) it asks on loopback.
    const imageHost = runHealthcheck({ HOST: dockerfile.env.HOST! });
    expect(imageHost.status, imageHost.stderr).toBe(0);
    expect(imageHost.stdout).toContain(`healthy: 127.0.0.1:${env.PORT}`);

    // It follows CONTROL_TOKEN: with the wrong one the control plane says 401, so: unhealthy.
    const wrongToken = runHealthcheck({ CONTROL_TOKEN: 'not-the-token' });
    expect(wrongToken.status).toBe(1);
    expect(wrongToken.stderr).toMatch(/answered 401/);
  }, 60_000);

  it('serves the dashboard from the built bundle (esbuild is a build-time dependency only)', async () => {
    for (const file of ['ui', 'ui/dashboard.js', 'ui/dashboard.css']) {
      const res = await fetch(`${url}/_emulator/${file}`);
      expect(res.status, file).toBe(200);
      expect((await res.text()).length, file).toBeGreaterThan(200);
    }
  });

  it('answers the control plane and one request per vendor', async () => {
    const health = await fetch(`${url}/_emulator/health`, { headers: { 'x-emulator-token': CONTROL_TOKEN } });
    expect(health.status).toBe(200);
    const body = (await health.json()) as { status: string; vendors: string[] };
    expect(body.status).toBe('ok');
    expect([...body.vendors].sort(), 'VENDOR_SMOKE needs one row per vendor').toEqual(VENDOR_SMOKE.map((c) => c.vendor).sort());

    for (const call of VENDOR_SMOKE) {
      const headers = call.headers?.() ?? {};
      if (headers.authorization) sentCredentials.push(headers.authorization);
      const res = await fetch(url + call.path, {
        method: call.method,
        headers: { accept: 'application/json', ...(call.body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
        ...(call.body !== undefined ? { body: JSON.stringify(call.body) } : {}),
      });
      const text = await res.text();
      expect(res.status, `${call.vendor} ${call.method} ${call.path}: ${text}`).toBe(call.expectedStatus);
      expect(res.headers.get('content-type'), call.vendor).toMatch(/json/);
      call.check(JSON.parse(text));
    }
    // A credential that must never reach the logs (any status will do).
    await (await fetch(`${url}/katapult/core/v1/_smoke/secret`, { headers: { authorization: SECRET_AUTH } })).text();
  });

  it('logs each request once, as JSON, with vendor, operation, status and duration, and no Authorization value', async () => {
    await fetch(`${url}/_emulator/requests`, { headers: { 'x-emulator-token': CONTROL_TOKEN } }); // a round trip, so the log lines above are flushed
    const requests = logs.filter((l) => l.msg === 'request');
    for (const call of VENDOR_SMOKE) {
      const mount = MOUNTS[call.vendor]!;
      const matching = requests.filter((l) => l.vendor === call.vendor && l.method === call.method && l.path === call.path.split('?')[0]!.slice(mount.length));
      expect(matching, `${call.vendor}: one log line`).toHaveLength(1);
      expect(matching[0]).toMatchObject({ status: call.expectedStatus, durationMs: expect.any(Number) });
      expect(matching[0]).toHaveProperty('operation');
    }
    expect(lines.join('\n')).not.toContain(SECRET_AUTH.split(' ')[1]!);
    expect(sentCredentials).toHaveLength(VENDOR_SMOKE.length);
    for (const credential of sentCredentials) {
      const value = credential.slice(credential.indexOf(' ') + 1);
      expect(lines.join('\n'), `${credential.split(' ')[0]} credential in the logs`).not.toContain(value.includes('signature=') ? value.split('signature=')[1]! : value);
    }
  });

  it('stops cleanly and quickly on SIGTERM, leaving its database on the volume', async () => {
    const started = performance.now();
    child!.kill('SIGTERM');
    const { code, signal } = await waitForExit(child!, 5000);
    expect({ code, signal }, stderr).toEqual({ code: 0, signal: null });
    expect(performance.now() - started).toBeLessThan(5000);
    expect(logs.some((l) => l.msg === 'shutting down' && l.signal === 'SIGTERM')).toBe(true);
    expect(stderr).toBe('');
    expect(existsSync(env.DB_PATH!)).toBe(true);
  });
});

function readdirNames(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir) : [];
}
