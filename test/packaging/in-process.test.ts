import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { recordEntries } from '../conformance/lib/response-recorder.js';
import { ConfigError, DEFAULT_WORLD, EmulatorControlError, loadConfig, startEmulator, type EmulatorHandle } from '../../src/index.js';

/** The in-process API users' own test suites import: `import { startEmulator } from 'accesskey-emulator'`. */
// `any`: a handle for some vendors only (its baseUrls typed by them) is kept here too.
let emulator: EmulatorHandle<any> | undefined;
afterEach(async () => {
  // For the coverage matrix (startEmulator keeps its runtime to itself).
  if (emulator) recordEntries(await emulator.journal.list().catch(() => []));
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
    const ibmOnly = await startEmulator({ vendors: ['ibm'] });
    // Typed per vendor: `baseUrls.ibm` is a string (no `| undefined` under noUncheckedIndexedAccess).
    const ibmUrl: string = ibmOnly.baseUrls.ibm;
    expect(ibmUrl).toBe(`${ibmOnly.url}/ibm`);
    expect(Object.keys(ibmOnly.baseUrls)).toEqual(['ibm']);
    await ibmOnly.close();
    emulator = await startEmulator({ env: { VENDORS: 'katapult,krutrim', TRANSITIONS: 'immediate' } });
    expect(Object.keys(emulator.baseUrls)).toEqual(['katapult', 'krutrim']);
    const transitions = (await (await fetch(`${emulator.url}/_emulator/transitions`)).json()) as { transitions: unknown[] };
    expect(Array.isArray(transitions.transitions)).toBe(true);
    await expect(startEmulator({ env: { TRANSITIONS: 'someday' } })).rejects.toThrow(ConfigError);
    await expect(startEmulator({ env: { TRANSITIONS: 'nosuch.thing=immediate' } })).rejects.toThrow(/nosuch\.thing names no transition/);
    await expect(startEmulator({ vendors: ['katapult'], vendorPorts: [{ vendor: 'ibm', port: 0 }] })).rejects.toThrow(/VENDORS="katapult" does not serve/);
  });

  it('layers a fixture over the default world, which is found in the package whatever the cwd', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'in-process-'));
    try {
      const mine = join(dir, 'mine.json');
      writeFileSync(mine, JSON.stringify({ ibm: { managers: [{ username: 'mine', password: 'pw' }] } }));
      emulator = await startEmulator({ seed: [DEFAULT_WORLD, mine] });
      const basic = (u: string, p: string) => ({ authorization: `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}` });
      expect((await fetch(`${emulator.baseUrls.ibm}/credentials`, { headers: basic('admin', 'password') })).status).toBe(200);
      expect((await fetch(`${emulator.baseUrls.ibm}/credentials`, { headers: basic('mine', 'pw') })).status).toBe(200);
      // SEED's `default` names the same world.
      expect(loadConfig({ SEED: `default,${mine}` }).seed).toEqual([DEFAULT_WORLD, mine]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
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

  it('namespace(name) gives base URLs, reset, fixtures, journal and state for one test', async () => {
    const e = await startEmulator({ frozenAt: FROZEN });
    emulator = e;
    const t1 = e.namespace('t1');
    expect(t1.url).toBe(`${e.url}/ns/t1`);
    expect(t1.baseUrls.krutrim).toBe(`${e.url}/ns/t1/krutrim`);
    const auth = { authorization: 'Bearer krutrim-test-key' };
    const created = await fetch(`${t1.baseUrls.krutrim}/kos/v1/access_keys`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: '{"key_name":"only-in-t1"}' });
    expect(created.status).toBe(201);
    const names = async (base: string) => ((await (await fetch(`${base}/kos/v1/access_keys`, { headers: auth })).json()) as Array<{ key_name: string }>).map((k) => k.key_name);
    expect(await names(t1.baseUrls.krutrim)).toContain('only-in-t1');
    expect(await names(e.baseUrls.krutrim)).not.toContain('only-in-t1');
    const journal = await t1.requests({ vendor: 'krutrim' });
    expect(journal.map((e) => [e.namespace, e.method, e.operation, e.status])).toEqual([['t1', 'POST', 'createAccessKey', 201], ['t1', 'GET', 'listAccessKeys', 200]]);
    expect(journal[0]!.time).toBe(FROZEN); // the emulator clock
    expect(Object.keys(await t1.state('krutrim'))).toEqual(['krutrim']);
    t1.reset('krutrim');
    expect(await names(t1.baseUrls.krutrim)).not.toContain('only-in-t1');
    const loaded = await t1.loadFixture({ ibm: { managers: [{ username: 't1-manager', password: 'pw' }] } });
    expect(loaded).toEqual({ ibm: expect.objectContaining({ managers: 1 }) });
  });

  it('faults, transitions, fixtures and journal helpers, refusing what the control plane refuses', async () => {
    emulator = await startEmulator({ vendors: ['ionos', 'ibm'], frozenAt: FROZEN });
    const rule = await emulator.faults.add({ vendor: 'ibm', error: 503, times: 1 });
    expect(rule).toMatchObject({ id: expect.any(String), vendor: 'ibm', error: '503', fired: 0 });
    const basic = { authorization: `Basic ${Buffer.from('admin:password').toString('base64')}` };
    expect((await fetch(`${emulator.baseUrls.ibm}/credentials`, { headers: basic })).status).toBe(503);
    expect((await fetch(`${emulator.baseUrls.ibm}/credentials`, { headers: basic })).status).toBe(200);
    expect((await emulator.faults.list())[0]).toMatchObject({ id: rule.id, fired: 1 });
    await emulator.faults.clear();
    expect(await emulator.faults.list()).toEqual([]);
    const refused = await emulator.faults.add({ vendor: 'ibm', error: 'no_such_code' }).catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(EmulatorControlError);
    expect(refused).toMatchObject({ status: 400, message: expect.stringContaining('ibm codes: ') });

    await emulator.transitions.set({ 'ionos.*': 'immediate' });
    expect((await emulator.transitions.list()).find((t) => t.name === 'ionos.accesskey.provisioning')).toMatchObject({ policy: 'immediate' });
    await expect(emulator.transitions.set({ 'nosuch.*': 'immediate' })).rejects.toThrow(/no transition has this name/);
    await emulator.transitions.restoreDefaults();
    expect((await emulator.transitions.list()).find((t) => t.name === 'ionos.accesskey.provisioning')).toMatchObject({ policy: 'delay:2s' });

    expect(await emulator.fixtures.load({ ibm: { managers: [{ username: 'm2', password: 'pw' }] } }, { namespace: 'f' })).toEqual({ ibm: expect.objectContaining({ managers: 1 }) });
    await expect(emulator.fixtures.load({ ibm: { managers: [{ nope: true }] } })).rejects.toMatchObject({ status: 400, code: 'invalid_fixture' });

    expect((await emulator.journal.list({ vendor: 'ibm' })).map((e) => e.status)).toEqual([503, 200]);
    await emulator.journal.clear();
    expect(await emulator.journal.list()).toEqual([]);
  });

  it('the helpers send CONTROL_TOKEN when it is set', async () => {
    emulator = await startEmulator({ controlToken: 'sesame' });
    expect((await fetch(`${emulator.url}/_emulator/faults`)).status).toBe(401);
    expect(await emulator.faults.list()).toEqual([]);
  });

  it('close() stops listening', async () => {
    emulator = await startEmulator();
    const { url } = emulator;
    await emulator.close();
    emulator = undefined;
    await expect(fetch(`${url}/_emulator/health`)).rejects.toThrow();
  });
});
