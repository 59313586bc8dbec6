import { execFile } from 'node:child_process';
import { Writable } from 'node:stream';
import { promisify } from 'node:util';
import { PACKAGE_ROOT } from '../../src/core/package-info.js';
import { afterEach, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { EmulatorClock } from '../../src/core/clock.js';
import { createIdSource } from '../../src/core/ids.js';
import { createRuntime, type Runtime } from '../../src/runtime.js';
import { loggerOptions } from '../../src/server.js';
import { selectVendors } from '../../src/vendors/index.js';
import { recordResponsesOf } from '../conformance/lib/response-recorder.js';
import { TOY_FIXTURE, toyDatabase, toyVendor } from '../helpers/toy-vendor.js';

/** Logs: JSON in Docker, pretty in a terminal; one line per request; no secrets. */
const SECRET = 'toy-token';
const BASIC = 'Basic ' + Buffer.from('admin:password-never-logged').toString('base64');

let closeAll: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const close of closeAll) await close();
  closeAll = [];
});

async function appWithCapturedLog(env: Record<string, string> = {}) {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  const config = loadConfig({ LOG_FORMAT: 'json', ...env });
  const options = loggerOptions(config, false);
  expect(options).not.toHaveProperty('transport'); // JSON: plain pino lines
  const clock = new EmulatorClock(() => Date.UTC(2026, 0, 1));
  clock.freeze();
  const runtime: Runtime = createRuntime(config, { clock, ids: createIdSource('log'), vendors: [toyVendor, ...selectVendors(['katapult', 'ibm'])], db: toyDatabase(), fixtures: [{ toy: TOY_FIXTURE.toy }] });
  recordResponsesOf(runtime.journal);
  const app = await buildApp(runtime, { logger: { ...(options as object), stream: sink } as never });
  closeAll.push(() => app.close(), () => runtime.close());
  return { app, lines: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>), raw: () => lines.join('\n') };
}

describe('logs', () => {
  it('writes one JSON line per request with vendor, operation, status and duration, and never an Authorization value', async () => {
    const { app, lines, raw } = await appWithCapturedLog();
    const ok = await app.inject({ method: 'GET', url: '/toy/v1/items/item_seeded', headers: { authorization: `Bearer ${SECRET}` } });
    expect(ok.statusCode).toBe(200);
    const created = await app.inject({ method: 'POST', url: '/ns/logs/toy/v1/items', headers: { authorization: `Bearer ${SECRET}` }, payload: { name: 'x' } });
    expect(created.statusCode).toBe(201);
    const secretFromCreate = created.json().secret as string;
    await app.inject({ method: 'GET', url: '/toy/v1/explode', headers: { authorization: `Bearer ${SECRET}` } });
    await app.inject({ method: 'GET', url: '/katapult/core/v1/nothing-here', headers: { authorization: `Bearer ${SECRET}` } });
    await app.inject({ method: 'GET', url: '/ibm/credentials', headers: { authorization: BASIC } });

    const requests = lines().filter((l) => l.msg === 'request');
    expect(requests).toHaveLength(5);
    for (const line of requests) {
      expect(line).toMatchObject({ level: 30, vendor: expect.any(String), namespace: expect.any(String), method: expect.stringMatching(/^(GET|POST)$/), path: expect.any(String), status: expect.any(Number), durationMs: expect.any(Number) });
      expect(line).toHaveProperty('operation');
    }
    expect(requests[0]).toMatchObject({ vendor: 'toy', namespace: 'default', operation: 'getItem', path: '/items/item_seeded', status: 200 });
    expect(requests[1]).toMatchObject({ vendor: 'toy', namespace: 'logs', operation: 'createItem', status: 201 });
    expect(requests[2]).toMatchObject({ vendor: 'toy', status: 500, errorCode: 'broken' });
    expect(requests[0]).not.toHaveProperty('errorCode');
    // Real vendors answer by their own rules (an unknown path, a bad credential): only the fields are checked.
    expect(requests[3]).toMatchObject({ vendor: 'katapult', path: '/nothing-here', status: expect.any(Number) });
    expect(requests[4]).toMatchObject({ vendor: 'ibm', status: expect.any(Number) });
    // The unhandled error is logged too (with its stack), still without the credentials.
    expect(lines().some((l) => l.msg === 'unhandled error in vendor route')).toBe(true);

    const everything = raw();
    expect(everything).not.toContain(SECRET);
    expect(everything).not.toContain(BASIC.split(' ')[1]!);
    expect(everything).not.toContain(secretFromCreate);
  });

  it('writes one line per control action with what it touched and how long it took, and progress on long ones', async () => {
    const { app, lines, raw } = await appWithCapturedLog();
    const items = Array.from({ length: 60_000 }, (_, i) => ({ id: `bulk_${i}`, name: `n${i}`, secret: `bulk-secret-${i}` }));
    expect((await app.inject({ method: 'POST', url: '/_emulator/fixtures?namespace=bulk', payload: { toy: { items } } })).statusCode).toBe(200);
    expect((await app.inject({ method: 'POST', url: '/_emulator/reset?namespace=bulk' })).statusCode).toBe(204);
    expect((await app.inject({ method: 'POST', url: '/_emulator/clock', payload: { advance: '1h' } })).statusCode).toBe(200);
    expect((await app.inject({ method: 'POST', url: '/_emulator/faults', payload: { vendor: 'toy', error: 'broken' } })).statusCode).toBe(201);
    expect((await app.inject({ method: 'DELETE', url: '/_emulator/faults' })).statusCode).toBe(204);
    expect((await app.inject({ method: 'POST', url: '/_emulator/transitions', payload: { 'toy.item.ready': 'immediate' } })).statusCode).toBe(200);
    expect((await app.inject({ method: 'DELETE', url: '/_emulator/requests' })).statusCode).toBe(204);

    const actions = lines().filter((l) => typeof l.action === 'string' && typeof l.durationMs === 'number');
    expect(actions.map((l) => l.action)).toEqual(['fixture load', 'reset', 'clock', 'fault rule added', 'fault rules removed', 'transitions', 'journal cleared']);
    expect(actions[0]).toMatchObject({ level: 30, namespace: 'bulk', loaded: { toy: { items: 60_000 } }, rows: 60_000 });
    // The reset deletes the 60,000 items and the namespace's copy of the startup world, and copies it in again.
    expect(actions[1]).toMatchObject({ namespace: 'bulk', vendor: '*', rows: expect.any(Number) });
    expect(actions[1]!.rows as number).toBeGreaterThan(60_000);
    expect(actions[2]).toMatchObject({ frozen: true, now: '2026-01-01T01:00:00.000Z' });
    const progress = lines().filter((l) => typeof l.action === 'string' && l.durationMs === undefined);
    expect(progress.map((l) => l.action)).toEqual(expect.arrayContaining(['fixture load', 'reset']));
    expect(progress.every((l) => (l.rows as number) >= 50_000)).toBe(true);
    expect(raw()).not.toContain('bulk-secret-');
  });

  it('startEmulator() honours LOG_LEVEL from process.env (and is quiet without it)', { timeout: 60_000 }, async () => {
    const script = [
      "import { startEmulator } from './src/index.ts';",
      'const e = await startEmulator();',
      "await fetch(e.url + '/ibm/credentials');",
      'await e.close();',
    ].join(' ');
    const run = (env: Record<string, string>) => promisify(execFile)(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: PACKAGE_ROOT, env: { ...process.env, LOG_LEVEL: '', LOG_FORMAT: '', ...env } });
    const loud = await run({ LOG_LEVEL: 'info', LOG_FORMAT: 'json' });
    const requests = loud.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.msg === 'request');
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatchObject({ vendor: 'ibm', method: 'GET', status: 401 });
    const quiet = await run({});
    expect(quiet.stdout).toBe('');
  });

  it('is quiet at LOG_LEVEL=silent, JSON when asked or off a terminal, pretty on a terminal', () => {
    expect(loggerOptions(loadConfig({ LOG_LEVEL: 'silent' }), true)).toBe(false);
    expect(loggerOptions(loadConfig({}), false)).not.toHaveProperty('transport');
    expect(loggerOptions(loadConfig({ LOG_FORMAT: 'json' }), true)).not.toHaveProperty('transport');
    expect(loggerOptions(loadConfig({}), true)).toMatchObject({ transport: { target: 'pino-pretty' } });
    expect(loggerOptions(loadConfig({ LOG_FORMAT: 'pretty' }), false)).toMatchObject({ transport: { target: 'pino-pretty' } });
  });

  it('prints one pretty line per request, with the fields inline', async () => {
    const options = loggerOptions(loadConfig({ LOG_FORMAT: 'pretty' }), false) as { transport: { options: Record<string, unknown> } };
    const { default: pretty } = await import('pino-pretty');
    const out: string[] = [];
    const stream = pretty({ ...options.transport.options, colorize: false, destination: new Writable({ write(chunk: Buffer, _e, done) { out.push(chunk.toString('utf8')); done(); } }), sync: true });
    const { default: pino } = await import('pino');
    pino(stream).info({ vendor: 'katapult', namespace: 'default', operation: 'getKey', method: 'GET', path: '/keys/k1', status: 404, errorCode: 'not_found', durationMs: 1.25 }, 'request');
    const text = out.join('');
    expect(text.trim().split('\n')).toHaveLength(1);
    expect(text).toContain('request katapult default GET /keys/k1 (getKey) → 404 not_found 1.25 ms');
  });
});
