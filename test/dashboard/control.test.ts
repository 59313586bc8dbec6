import { describe, expect, it } from 'vitest';
import { Journal, type JournalEntry } from '../../src/core/journal.js';
import { Transitions } from '../../src/core/transitions.js';
import { startEmulator } from '../../src/index.js';
import { TEST_EPOCH } from '../helpers/build-app.js';
import { useTestApp } from '../helpers/use-test-app.js';
import { auth as katapultAuth, call as katapult } from '../vendors/katapult/helpers.js';
import { exoscaleClient } from '../vendors/exoscale/client.js';
import { BEARER as IONOS, sdkBody } from '../vendors/ionos/helpers.js';
import { activate } from '../vendors/krutrim/helpers.js';

/** The control-plane reads behind the dashboard: the timeline, conditional GETs, the public page, the live feed. */
const t = useTestApp({ fresh: 'world' });

interface Entity { table: string; id: string; label?: string; state: string; next?: { state: string; transition: string; sinceMs?: number; dueAtMs?: number; readsLeft?: number } }
const timeline = async (query = 'namespace=default') => {
  const res = await t.app.inject({ method: 'GET', url: `/_emulator/timeline?${query}` });
  expect(res.statusCode).toBe(200);
  return res.json() as { clock: { nowMs: number; frozen: boolean }; limit: number; namespaces: Record<string, Record<string, Entity[]>> };
};
const entity = async (vendor: string, id: string) => (await timeline()).namespaces.default![vendor]!.find((e) => e.id === id);
const createKatapultKey = async (name: string) =>
  (await katapult(t, 'POST', '/organizations/organization/object_storage/object_storage_cluster/access_keys', { organization: { sub_domain: 'emulator' }, object_storage_cluster: { region: 'uk-lon-1' }, properties: { name } })).json().object_storage_access_key.id as string;
const getKatapultKey = (id: string) => katapult(t, 'GET', '/object_storage/access_keys/access_key', { access_key: { id } }, katapultAuth());

describe('GET /_emulator/timeline', () => {
  it("gives every vendor's keys and credentials with the state its API shows, per namespace and vendor", async () => {
    const body = await timeline('');
    expect(body.clock).toMatchObject({ nowMs: TEST_EPOCH, frozen: true });
    const world = body.namespaces.default!;
    expect(Object.keys(world)).toEqual(['katapult', 'ionos', 'exoscale', 'ibm', 'krutrim']);
    const state = (vendor: string, id: string) => world[vendor]!.find((e) => e.id === id)?.state;
    expect(state('katapult', 'objkey_EMULATOR00000001')).toBe('configured');
    expect(state('katapult', 'expired')).toBe('expired');
    expect(state('katapult', 'objacc_PROVISIONING001')).toBe('failed');
    expect(state('ionos', '0b6a5a7e-8f3c-4d2a-9e1b-1c2d3e4f5a6b')).toBe('AVAILABLE');
    expect(state('ionos', '6f1e2d3c-4b5a-4978-8a6b-5c4d3e2f1a0b')).toBe('FAILED');
    expect(state('exoscale', 'EXO000000000000000000000001')).toBe('active');
    expect(state('exoscale', 'EXO000000000000000000000009')).toBe('revoked');
    expect(state('ibm', 'd3b07384d113edec49eaa6238ad5ff00')).toBe('Inactive');
    expect(state('krutrim', 'KOSEMULATOR000000002')).toBe('Inactive');
    expect(JSON.stringify(body)).not.toMatch(/secret|password|katapult-test-token/i);
    expect((await timeline('vendor=ibm')).namespaces.default).toEqual({ ibm: world.ibm });
  });

  it('says when a pending key is due on the emulator clock, and drops the next transition once it happened', async () => {
    const id = await createKatapultKey('due');
    expect(await entity('katapult', id)).toEqual({
      table: 'katapult_access_keys', id, label: 'due', state: 'pending',
      next: { state: 'configured', transition: 'katapult.access_key.provisioning', sinceMs: TEST_EPOCH, dueAtMs: TEST_EPOCH + 5000 },
    });
    t.clock.advance(4999);
    expect((await entity('katapult', id))?.state).toBe('pending');
    t.clock.advance(1);
    expect(await entity('katapult', id)).toEqual({ table: 'katapult_access_keys', id, label: 'due', state: 'configured' });
    expect((await getKatapultKey(id)).json().object_storage_access_key.state).toBe('configured');

    const created = await t.app.inject({ method: 'POST', url: '/ionos/accesskeys', headers: IONOS, payload: sdkBody('due-too') });
    const ionosId = created.json().id as string;
    expect((await entity('ionos', ionosId))?.next).toEqual({ state: 'AVAILABLE', transition: 'ionos.accesskey.provisioning', sinceMs: TEST_EPOCH + 5000, dueAtMs: TEST_EPOCH + 7000 });
  });

  it('follows an Exoscale revoke through its operation, and a KOS session to its expiry', async () => {
    const exoscale = exoscaleClient(t);
    const key = (await exoscale('POST', '/access-key', { body: { name: 'doomed' } })).body.key as string;
    expect((await entity('exoscale', key))?.state).toBe('active');
    const operation = (await exoscale('DELETE', `/access-key/${key}`)).body.id as string;
    expect(await entity('exoscale', key)).toEqual({
      table: 'exoscale_access_keys', id: key, label: 'doomed', state: 'revoking',
      next: { state: 'revoked', transition: 'exoscale.operation.completion', sinceMs: TEST_EPOCH, dueAtMs: TEST_EPOCH + 1000 },
    });
    expect((await entity('exoscale', operation))?.next).toMatchObject({ state: 'success', dueAtMs: TEST_EPOCH + 1000 });
    t.clock.advance(1000);
    expect((await entity('exoscale', key))).toMatchObject({ state: 'revoked' });
    expect((await entity('exoscale', key))?.next).toBeUndefined();
    expect((await entity('exoscale', operation))?.state).toBe('success');

    const session = await activate(t);
    const sessions = (await timeline()).namespaces.default!.krutrim!.filter((e) => e.table === 'krutrim_sessions');
    expect(sessions).toHaveLength(1);
    expect(sessions[0]).toMatchObject({ label: 'KOSEMULATOR000000001', state: 'active', next: { state: 'expired', transition: 'expiry', dueAtMs: Date.parse(session.expiresAt) } });
    t.clock.set(Date.parse(session.expiresAt));
    expect((await timeline()).namespaces.default!.krutrim!.find((e) => e.table === 'krutrim_sessions')).toMatchObject({ state: 'expired' });
    expect(JSON.stringify(await timeline())).not.toContain(session.sessionToken);
  });

  it('is a pure read: under reads:<n> it counts no read, and says how many reads are left', async () => {
    await t.app.inject({ method: 'POST', url: '/_emulator/transitions', payload: { 'katapult.access_key.provisioning': 'reads:3' } });
    // The create response is the key's first read; each GET is one more; the third sees it configured.
    const id = await createKatapultKey('counted');
    for (let i = 0; i < 5; i++) expect((await entity('katapult', id))?.next).toMatchObject({ state: 'configured', readsLeft: 2 });
    expect((await entity('katapult', id))?.next?.dueAtMs).toBeUndefined();
    expect((await getKatapultKey(id)).json().object_storage_access_key.state).toBe('pending');
    expect((await entity('katapult', id))?.next?.readsLeft).toBe(1);
    expect((await getKatapultKey(id)).json().object_storage_access_key.state).toBe('configured');
    expect((await entity('katapult', id))?.state).toBe('configured');
  });

  it('refuses an unknown vendor or a bad namespace like the other control-plane reads', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/_emulator/timeline?vendor=nope' })).statusCode).toBe(400);
    expect((await t.app.inject({ method: 'GET', url: '/_emulator/timeline?namespace=..%2Fx' })).statusCode).toBe(400);
    expect((await timeline('namespace=never-used')).namespaces).toEqual({});
    for (const limit of ['0', '10001', 'x']) expect((await t.app.inject({ method: 'GET', url: `/_emulator/timeline?limit=${limit}` })).statusCode).toBe(400);
  });

  it('reads the newest rows of each table only, at most ?limit= (default 500)', async () => {
    expect((await timeline()).limit).toBe(500);
    const body = await timeline('namespace=default&vendor=katapult&limit=2');
    expect(body.limit).toBe(2);
    const tokens = body.namespaces.default!.katapult!.filter((e) => e.table === 'katapult_api_tokens');
    expect(tokens.map((e) => e.id)).toEqual(['expired', 'office-network-only']);
    const keys = body.namespaces.default!.katapult!.filter((e) => e.table === 'katapult_access_keys');
    expect(keys).toHaveLength(2);
  });
});

describe('conditional control-plane reads', () => {
  it('answers a GET with an ETag, a 304 without a body while nothing changed, and a new ETag once something did', async () => {
    const first = await t.app.inject({ method: 'GET', url: '/_emulator/state?namespace=default' });
    const etag = first.headers.etag as string;
    expect(etag).toMatch(/^"[\w-]+"$/);
    const again = await t.app.inject({ method: 'GET', url: '/_emulator/state?namespace=default', headers: { 'if-none-match': etag } });
    expect(again.statusCode).toBe(304);
    expect(again.body).toBe('');
    await createKatapultKey('changes-the-state');
    const changed = await t.app.inject({ method: 'GET', url: '/_emulator/state?namespace=default', headers: { 'if-none-match': etag } });
    expect(changed.statusCode).toBe(200);
    expect(changed.headers.etag).not.toBe(etag);
    expect(changed.json().namespaces.default.katapult.katapult_access_keys.map((k: { name: string }) => k.name)).toContain('changes-the-state');
  });
});

describe('the page', () => {
  describe('CONTROL_TOKEN=page-token', () => {
    const t = useTestApp({ env: { CONTROL_TOKEN: 'page-token' }, fresh: 'world' });
    it('is served by the emulator, small, and without the token; the data behind it needs the token', async () => {
      const page = await t.app.inject({ method: 'GET', url: '/_emulator/ui' });
      expect(page.statusCode).toBe(200);
      expect(page.headers['content-type']).toMatch(/^text\/html/);
      expect(page.headers['content-security-policy']).toContain("default-src 'self'");
      expect(page.body).not.toMatch(/https?:\/\//);
      let total = page.rawPayload.length;
      for (const [file, type] of [['dashboard.js', /^text\/javascript/], ['dashboard.css', /^text\/css/]] as const) {
        expect(page.body).toContain(`/_emulator/ui/${file}`);
        const asset = await t.app.inject({ method: 'GET', url: `/_emulator/ui/${file}` });
        expect(asset.statusCode).toBe(200);
        expect(asset.headers['content-type']).toMatch(type);
        expect(asset.body).not.toMatch(/https?:\/\/(?!www\.w3\.org)/);
        total += asset.rawPayload.length;
      }
      expect(total).toBeLessThan(200 * 1024);
      for (const url of ['/_emulator/timeline', '/_emulator/events', '/_emulator/state']) expect((await t.app.inject({ method: 'GET', url })).statusCode).toBe(401);
      expect((await t.app.inject({ method: 'GET', url: '/_emulator/timeline', headers: { 'x-emulator-token': 'page-token' } })).statusCode).toBe(200);
    });
  });
});

describe('the live feed', () => {
  it('Journal.subscribe hands each recorded entry to its listeners until they unsubscribe', () => {
    const journal = new Journal(2);
    const seen: JournalEntry[] = [];
    const stop = journal.subscribe((e) => seen.push(e));
    const entry = { timeMs: Date.UTC(2026, 0, 1), namespace: 'default', vendor: 'toy', method: 'GET', path: '/x', operation: null, status: 200, durationMs: 1 };
    journal.record(entry);
    journal.record({ ...entry, status: 500 });
    stop();
    journal.record(entry);
    expect(seen.map((e) => [e.seq, e.status])).toEqual([[1, 200], [2, 500]]);
  });

  it('Transitions.peek tells where a transition stands without counting a read', () => {
    const transitions = new Transitions([{ name: 'toy.thing.ready', description: '', default: { kind: 'reads', count: 2 } }]);
    expect(transitions.peek('ns', 'toy.thing.ready', 'a', 0, 0)).toEqual({ done: false, readsLeft: 2 });
    expect(transitions.peek('ns', 'toy.thing.ready', 'a', 0, 0)).toEqual({ done: false, readsLeft: 2 });
    expect(transitions.reached('ns', 'toy.thing.ready', 'a', 0, 0)).toBe(false);
    expect(transitions.peek('ns', 'toy.thing.ready', 'a', 0, 0)).toEqual({ done: false, readsLeft: 1 });
    expect(transitions.reached('ns', 'toy.thing.ready', 'a', 0, 0)).toBe(true);
    expect(transitions.peek('ns', 'toy.thing.ready', 'a', 0, 0)).toEqual({ done: true, readsLeft: 0 });
    transitions.assign('*', { kind: 'delay', ms: 100 });
    expect(transitions.peek('ns', 'toy.thing.ready', 'b', 50, 149)).toEqual({ done: false, dueAt: 150 });
    expect(transitions.peek('ns', 'toy.thing.ready', 'b', 50, 150)).toEqual({ done: true, dueAt: 150 });
  });

  it('streams journal entries and control-plane changes as Server-Sent Events, and ends the stream when the server closes', async () => {
    const emulator = await startEmulator({ frozenAt: TEST_EPOCH, host: '127.0.0.1' });
    try {
      const res = await fetch(`${emulator.url}/_emulator/events`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
      const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
      let text = '';
      const until = async (what: string) => {
        while (!text.includes(what)) {
          const { value, done } = await reader.read();
          if (done) throw new Error(`stream ended before ${what}: ${text}`);
          text += value;
        }
      };
      await until(': connected');
      await fetch(`${emulator.url}/ionos/accesskeys`, { headers: IONOS });
      await until('event: request');
      await fetch(`${emulator.url}/_emulator/clock`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ advance: '1s' }) });
      await until('event: change');
      const events = text.split('\n\n').filter((b) => b.startsWith('event:'));
      expect(events[0]).toMatch(/^event: request\ndata: \{/);
      expect(JSON.parse(events[0]!.split('data: ')[1]!)).toMatchObject({ vendor: 'ionos', method: 'GET', path: '/accesskeys', status: 200, seq: 1 });
      expect(events[1]).toBe('event: change\ndata: {"what":"/_emulator/clock"}');
      expect(text).not.toContain('ionos-test-token');
      // close() does not wait for the open stream: it ends it.
      await emulator.close();
      for (;;) if ((await reader.read()).done) break;
    } finally {
      await emulator.close().catch(() => {});
    }
  });
});
