import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../src/core/package-info.js';

/**
 * Process and HTTP plumbing of the benchmark harness (bench/run.ts): starting the emulator and the
 * baseline the same way, in their own processes, waiting for health, reading their peak RSS, and a
 * plain keep-alive client for timing single requests with sub-millisecond resolution.
 */

export type ServerMode = 'dist' | 'src';

export interface Server {
  name: string;
  url: string;
  port: number;
  process: ChildProcess;
  /** Milliseconds from spawn() to the first 200 of GET /_emulator/health. */
  startupMs: number;
  exited: Promise<number | string>;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

/** The command line of the emulator or the baseline, the same for both: `node <js>` (dist) or `node --import tsx <ts|mjs>` (src). */
export function commandFor(kind: 'emulator' | 'baseline', mode: ServerMode, nodeFlags: readonly string[] = []): string[] {
  const entry = kind === 'baseline'
    ? join(PACKAGE_ROOT, 'bench', 'baseline-server.mjs')
    : mode === 'dist' ? join(PACKAGE_ROOT, 'dist', 'src', 'main.js') : join(PACKAGE_ROOT, 'src', 'main.ts');
  return [...nodeFlags, ...(mode === 'src' ? ['--import', 'tsx'] : []), entry];
}

/** GET url; resolves with the status, or rejects on a connection error. Never keeps the socket. */
function probe(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.setTimeout(2000, () => req.destroy(new Error('timeout')));
  });
}

/** Spawns a server and polls GET /_emulator/health every 2 ms until it answers 200. */
export async function startServer(name: string, args: string[], env: Record<string, string>, timeoutMs = 60_000): Promise<Server> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const started = process.hrtime.bigint();
  const child = spawn(process.execPath, args, {
    cwd: PACKAGE_ROOT,
    env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  let exitCode: number | string | undefined;
  const exited = new Promise<number | string>((resolve) => child.on('exit', (code, signal) => {
    exitCode = code ?? signal ?? -1;
    resolve(exitCode);
  }));
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (exitCode !== undefined) throw new Error(`${name} exited (${exitCode}) before it was healthy\n${stderr}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${name} was not healthy after ${timeoutMs} ms\n${stderr}`);
    }
    try {
      if ((await probe(`${url}/_emulator/health`)) === 200) break;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 2));
  }
  const startupMs = Number(process.hrtime.bigint() - started) / 1e6;
  return {
    name, url, port, process: child, startupMs, exited,
    stop: async () => {
      if (exitCode === undefined) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      }
    },
  };
}

/** Peak and current resident set size of a process, in MB (Linux /proc; undefined elsewhere). */
export function memoryOf(pid: number | undefined): { peakMb: number; rssMb: number } | undefined {
  if (pid === undefined) return undefined;
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string) => Number(/^\s*(\d+)/.exec(status.split(`${field}:`)[1] ?? '')?.[1] ?? NaN);
    return { peakMb: kb('VmHWM') / 1024, rssMb: kb('VmRSS') / 1024 };
  } catch {
    return undefined;
  }
}

export interface SimpleResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

const keepAlive = new http.Agent({ keepAlive: true, maxSockets: 1 });

/** One request over a kept-alive socket (maxSockets 1: sequential timing, like a test suite's client). */
export function request(url: string, options: { method?: string; headers?: Record<string, string>; body?: string | Buffer } = {}): Promise<SimpleResponse> {
  return new Promise((resolve, reject) => {
    const headers = { ...(options.headers ?? {}) };
    if (options.body !== undefined) headers['content-length'] = String(Buffer.byteLength(options.body));
    const req = http.request(url, { method: options.method ?? 'GET', headers, agent: keepAlive }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    if (options.body !== undefined) req.write(options.body);
    req.end();
  });
}

/** Times one request in milliseconds; throws unless the status is the expected one. */
export async function timed(url: string, options: Parameters<typeof request>[1] & { expect?: number } = {}): Promise<number> {
  const t0 = process.hrtime.bigint();
  const res = await request(url, options);
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const expected = options.expect ?? 200;
  if (res.status !== expected) throw new Error(`${options.method ?? 'GET'} ${url}: ${res.status} (expected ${expected}) ${res.body.slice(0, 300)}`);
  return ms;
}

export function closeClient(): void {
  keepAlive.destroy();
}

export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export function mean(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}

export function percentile(values: readonly number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
}

/** Deterministic pseudo-random numbers in [0, 1) (mulberry32), so both sides of a comparison read the same sequence. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * CPU time of a process's main thread so far, in ms (Linux /proc/<pid>/schedstat, nanoseconds; NaN
 * elsewhere). Around a request it gives the server's own cost, which a busy machine does not inflate.
 */
export function mainThreadCpuMs(pid: number | undefined): number {
  if (pid === undefined) return NaN;
  try {
    return Number(readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ')[0]) / 1e6;
  } catch {
    return NaN;
  }
}
