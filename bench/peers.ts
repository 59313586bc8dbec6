import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../src/core/package-info.js';
import { freePort, request, type Server } from './lib.js';

/**
 * The peers a user would otherwise pick (issue 18), on the same request in the same run: the IONOS
 * get of one access key. WireMock standalone (npm `wiremock`, which ships the jar; needs `java`) is
 * given the emulator's exact answer as a stub; Prism (@stoplight/prism-cli 5.14, the last release
 * for Node 20) mocks the IONOS OpenAPI document from VENDOR_SPECS_DIR. Each peer is started fresh:
 * its start-up to the first answer and its first second under load are the "cold" numbers, then it
 * is warmed up and measured in rounds interleaved with the emulator's, like the baseline.
 * Only with `--only peers`: not part of a full, quick or tiny run.
 */
export interface PeerHarness {
  emulator: Server;
  warmupS: number;
  rounds: number;
  roundS: number;
  load(url: string, spec: { method: 'GET'; path: string; headers?: Record<string, string> }, seconds: number): Promise<{ rps: number; p99: number; non2xx: number; errors: number }>;
  addRow(row: { id: string; measurement: string; unit: string; emulator: number; baseline: number | null; ratio: number | null; target: string; pass: boolean; note?: string }): void;
  log(line: string): void;
}

interface Peer {
  id: string;
  name: string;
  process: ChildProcess;
  url: string;
  path: string;
  headers: Record<string, string>;
  startupMs: number;
  stop(): Promise<void>;
}

const IONOS_KEY = '0b6a5a7e-8f3c-4d2a-9e1b-1c2d3e4f5a6b';
const IONOS_HEADERS = { authorization: 'Bearer ionos-test-token' };

export async function peersComparison(h: PeerHarness): Promise<Record<string, unknown>> {
  const emuSpec = { method: 'GET' as const, path: `/ionos/accesskeys/${IONOS_KEY}`, headers: IONOS_HEADERS };
  const answer = await request(h.emulator.url + emuSpec.path, { headers: IONOS_HEADERS });
  if (answer.status !== 200) throw new Error(`IONOS get: ${answer.status} ${answer.body.slice(0, 300)}`);
  const raw: Record<string, unknown> = { request: emuSpec.path, bodyBytes: Buffer.byteLength(answer.body) };

  // The vendor's own path (the emulator mounts IONOS under /ionos; the spec's paths are at the root).
  const peerPath = `/accesskeys/${IONOS_KEY}`;
  const starters: Array<() => Promise<Peer | string>> = [
    () => startWireMock(answer.body, peerPath, true),
    () => startWireMock(answer.body, peerPath, false),
    () => startPrism(peerPath),
  ];
  for (const start of starters) {
    const peer = await start();
    if (typeof peer === 'string') {
      h.log(`  skipped: ${peer}`);
      continue;
    }
    try {
      const spec = { method: 'GET' as const, path: peer.path, headers: peer.headers };
      const first = await request(peer.url + peer.path, { headers: peer.headers });
      if (first.status !== 200) throw new Error(`${peer.name}: ${first.status} ${first.body.slice(0, 300)}`);
      const cold = await h.load(peer.url, spec, 1);
      await h.load(peer.url, spec, Math.max(h.warmupS, 3)); // a JVM needs longer than Node to warm up
      await h.load(h.emulator.url, emuSpec, h.warmupS);
      const emu: number[] = [];
      const other: number[] = [];
      let bad = 0;
      for (let i = 0; i < h.rounds; i++) {
        const e = await h.load(h.emulator.url, emuSpec, h.roundS);
        const p = await h.load(peer.url, spec, h.roundS);
        emu.push(e.rps);
        other.push(p.rps);
        bad += e.non2xx + e.errors + p.non2xx + p.errors;
      }
      const emuRps = emu.reduce((a, b) => a + b, 0) / emu.length;
      const peerRps = other.reduce((a, b) => a + b, 0) / other.length;
      raw[peer.id] = { startupMs: peer.startupMs, coldRps: cold.rps, coldP99: cold.p99, warmRps: other, emulatorRps: emu, firstBodyBytes: Buffer.byteLength(first.body) };
      h.addRow({
        id: `peers.${peer.id}`, measurement: `IONOS get key vs ${peer.name}, warm: throughput`, unit: 'req/s',
        emulator: emuRps, baseline: peerRps, ratio: emuRps / peerRps, target: '≥ 1 × the peer', pass: emuRps >= peerRps && bad === 0,
        note: `${peer.name} cold: ${Math.round(peer.startupMs)} ms to its first answer, ${Math.round(cold.rps)} req/s in its first second${bad ? `; ${bad} non-2xx/errors` : ''}`,
      });
    } finally {
      await peer.stop();
    }
  }
  return raw;
}

async function startWireMock(body: string, path: string, journal: boolean): Promise<Peer | string> {
  if (spawnSync('java', ['-version']).status !== 0) return 'WireMock: no java on PATH';
  const dir = join(PACKAGE_ROOT, 'node_modules', 'wiremock', 'build');
  const jar = existsSync(dir) ? readdirSync(dir).find((f) => /^wiremock-standalone-.*\.jar$/.test(f)) : undefined;
  if (!jar) return 'WireMock: npm package wiremock (its jar) is not installed';
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const args = ['-jar', join(dir, jar), '--port', String(port), '--bind-address', '127.0.0.1', '--disable-banner', ...(journal ? [] : ['--no-request-journal'])];
  const peer = await spawnPeer('java', args, `${url}/__admin/health`);
  const stub = { request: { method: 'GET', urlPath: path }, response: { status: 200, body, headers: { 'Content-Type': 'application/json' } } };
  const res = await request(`${url}/__admin/mappings`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(stub) });
  if (res.status !== 201) throw new Error(`WireMock stub: ${res.status} ${res.body.slice(0, 300)}`);
  const id = journal ? 'wiremock' : 'wiremock-no-journal';
  return { ...peer, id, name: journal ? 'WireMock 3.13 (request journal on)' : 'WireMock 3.13 (--no-request-journal)', url, path, headers: IONOS_HEADERS };
}

async function startPrism(path: string): Promise<Peer | string> {
  const specs = process.env.VENDOR_SPECS_DIR;
  if (!specs) return 'Prism: VENDOR_SPECS_DIR is not set (the IONOS OpenAPI document comes from there)';
  const spec = join(specs, 'ionos-objectstorage-management-openapi.yaml');
  const cli = join(PACKAGE_ROOT, 'node_modules', '@stoplight', 'prism-cli', 'dist', 'index.js');
  if (!existsSync(spec)) return `Prism: ${spec} not found`;
  if (!existsSync(cli)) return 'Prism: npm package @stoplight/prism-cli is not installed';
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  // The document's paths are at its root; Prism answers the documented example (static mode).
  const peer = await spawnPeer(process.execPath, [cli, 'mock', '-h', '127.0.0.1', '-p', String(port), spec], `${url}${path}`, IONOS_HEADERS);
  return { ...peer, id: 'prism', name: 'Prism 5.14 (static mock of the IONOS spec)', url, path, headers: IONOS_HEADERS };
}

/** Spawns a peer and polls `ready` every 10 ms until it answers (any status below 500). */
async function spawnPeer(command: string, args: string[], ready: string, headers: Record<string, string> = {}): Promise<Omit<Peer, 'id' | 'name' | 'url' | 'path' | 'headers'>> {
  const started = process.hrtime.bigint();
  const child = spawn(command, args, { cwd: PACKAGE_ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  let exited: number | string | undefined;
  const done = new Promise<void>((resolve) => child.on('exit', (code, signal) => {
    exited = code ?? signal ?? -1;
    resolve();
  }));
  const stop = async () => {
    if (exited !== undefined) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await done;
    clearTimeout(timer);
  };
  for (let i = 0; ; i++) {
    if (exited !== undefined) throw new Error(`${command} exited (${exited}) before answering\n${stderr.slice(-2000)}`);
    if (i > 12_000) {
      await stop();
      throw new Error(`${command} did not answer ${ready} within 120 s\n${stderr.slice(-2000)}`);
    }
    try {
      if ((await request(ready, { headers })).status < 500) break;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  return { process: child, startupMs: Number(process.hrtime.bigint() - started) / 1e6, stop };
}
