import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, startEmulator, type EmulatorHandle } from '../../src/index.js';

/** The in-process API users' own test suites import: `import { startEmulator } from 'accesskey-emulator'`. */
let emulator: EmulatorHandle | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

const FROZEN = '2026-03-01T12:00:00.000Z';

describe('startEmulator()', () => {
  it('listens on a free loopback port and gives each vendor its base URL', async () => {
    emulator = await startEmulator();
    expect(emulator.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(emulator.baseUrls).toEqual({
      katapult: `${emulator.url}/katapult/core/v1`,
      ionos: `${emulator.url}/ionos`,
      exoscale: `${emulator.url}/exoscale/v2`,
      ibm: `${emulator.url}/ibm`,
      krutrim: `${emulator.url}/krutrim`,
    });
    const url = emulator.url;
    expect(emulator.s3Urls).toEqual(Object.fromEntries(['katapult', 'ionos', 'exoscale', 'ibm', 'krutrim'].map((v) => [v, `${url}/s3/${v}`])));
    const health = await fetch(`${emulator.url}/_emulator/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok', vendors: ['katapult', 'ionos', 'exoscale', 'ibm', 'krutrim'] });
  });

  it('takes settings, parsed or as environment-variable text', async () => {
    emulator = await startEmulator({ vendors: ['ibm'] });
    expect(Object.keys(emulator.baseUrls)).toEqual(['ibm']);
    await emulator.close();
    emulator = await startEmulator({ env: { VENDORS: 'katapult,krutrim', TRANSITIONS: 'immediate' } });
    expect(Object.keys(emulator.baseUrls)).toEqual(['katapult', 'krutrim']);
    const transitions = (await (await fetch(`${emulator.url}/_emulator/transitions`)).json()) as { transitions: unknown[] };
    expect(Array.isArray(transitions.transitions)).toBe(true);
    await expect(startEmulator({ env: { TRANSITIONS: 'someday' } })).rejects.toThrow(ConfigError);
  });

  it('exposes the clock: frozen at start, advanced from the test, seen by the control plane', async () => {
    emulator = await startEmulator({ frozenAt: FROZEN });
    const clock = async () => (await (await fetch(`${emulator!.url}/_emulator/clock`)).json()) as { now: string; frozen: boolean };
    expect(await clock()).toMatchObject({ now: FROZEN, frozen: true });
    emulator.clock.advance(90_000);
    expect((await clock()).now).toBe('2026-03-01T12:01:30.000Z');
    expect(new Date(emulator.clock.now()).toISOString()).toBe('2026-03-01T12:01:30.000Z');
  });

  it('reset() wipes all namespaces, or one', async () => {
    emulator = await startEmulator();
    const namespaces = async () => ((await (await fetch(`${emulator!.url}/_emulator/namespaces`)).json()) as { namespaces: Array<{ name: string }> }).namespaces.map((n) => n.name);
    // A request under /ns/<name>/ creates (and seeds) that namespace.
    await fetch(`${emulator.url}/ns/test-a/ionos/anything`);
    await fetch(`${emulator.url}/ionos/anything`, { headers: { 'x-emulator-namespace': 'test-b' } });
    expect(await namespaces()).toEqual(['default', 'test-a', 'test-b']);
    emulator.reset({ namespace: 'test-a' });
    expect(await namespaces()).toEqual(['default', 'test-a', 'test-b']); // re-seeded afresh, as on first use
    emulator.reset();
    expect(await namespaces()).toEqual(['default']);
  });

  it('close() stops listening', async () => {
    emulator = await startEmulator();
    const { url } = emulator;
    await emulator.close();
    emulator = undefined;
    await expect(fetch(`${url}/_emulator/health`)).rejects.toThrow();
  });
});
