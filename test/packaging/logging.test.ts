import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { EmulatorClock } from '../../src/core/clock.js';
import { createIdSource } from '../../src/core/ids.js';
import { createRuntime, type Runtime } from '../../src/runtime.js';
import { loggerOptions } from '../../src/server.js';
import { selectVendors } from '../../src/vendors/index.js';
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
    expect(requests[2]).toMatchObject({ vendor: 'toy', status: 500 });
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

  it('is quiet at LOG_LEVEL=silent, JSON when asked or off a terminal, pretty on a terminal', () => {
    expect(loggerOptions(loadConfig({ LOG_LEVEL: 'silent' }), true)).toBe(false);
    expect(loggerOptions(loadConfig({}), false)).not.toHaveProperty('transport');
    expect(loggerOptions(loadConfig({ LOG_FORMAT: 'json' }), true)).not.toHaveProperty('transport');
    expect(loggerOptions(loadConfig({}), true)).toMatchObject({ transport: { target: 'pino-pretty' } });
    expect(loggerOptions(loadConfig({ LOG_FORMAT: 'pretty' }), false)).toMatchObject({ transport: { target: 'pino-pretty' } });
  });
});
