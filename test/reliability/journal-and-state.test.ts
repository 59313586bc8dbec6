import { afterEach, describe, expect, it } from 'vitest';
import { Journal, MAX_FIELD_CHARS } from '../../src/core/journal.js';
import { buildTestApp, type TestApp } from '../helpers/build-app.js';

/**
 * Issue 15 item 8: the journal is bounded by bytes as well as by count, and GET /_emulator/requests
 * and GET /_emulator/state answer in pages / as a stream, so a big journal or world neither blows
 * memory nor stalls other clients.
 */
const entry = (path: string) => ({ timeMs: Date.UTC(2026, 0, 1), namespace: 'default', vendor: 'ibm', method: 'GET', path, operation: null, status: 404, durationMs: 0 });

let t: TestApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

describe('the journal', () => {
  it('cuts long fields and keeps within its byte budget, dropping the oldest entries', () => {
    const j = new Journal(10_000, 65_536);
    for (let i = 0; i < 2_000; i++) j.record(entry(`/${i}/${'a'.repeat(16_000)}`));
    expect(j.byteSize).toBeLessThanOrEqual(65_536);
    const kept = j.list();
    expect(kept.length).toBeGreaterThan(10);
    expect(kept.length).toBeLessThan(2_000);
    expect(kept.at(-1)!.seq).toBe(2_000);
    for (const e of kept) {
      expect(e.path.length).toBe(MAX_FIELD_CHARS);
      expect(e.path.endsWith('…')).toBe(true);
    }
  });

  it('JOURNAL_BYTES bounds what the emulator keeps; a bad value is a configuration error', async () => {
    t = await buildTestApp({ env: { JOURNAL_BYTES: '65536' } });
    for (let i = 0; i < 200; i++) await t.app.inject({ method: 'GET', url: `/ibm/credentials/${i}-${'a'.repeat(8_000)}`, headers: { authorization: 'Basic YWRtaW46cGFzc3dvcmQ=' } });
    expect(t.runtime.journal.size).toBeGreaterThan(0);
    expect(t.runtime.journal.byteSize).toBeLessThanOrEqual(65_536);
    expect(t.runtime.journal.size).toBeLessThan(200);
    expect(t.runtime.journal.list().at(-1)!.path.length).toBeLessThanOrEqual(MAX_FIELD_CHARS);
    await expect(buildTestApp({ env: { JOURNAL_BYTES: '12' } })).rejects.toThrow(/JOURNAL_BYTES/);
  });

  it('GET /_emulator/requests pages: limit, next, after, order=desc and before; a small journal answers as before', async () => {
    t = await buildTestApp();
    for (let i = 0; i < 25; i++) await t.app.inject({ method: 'GET', url: `/ibm/credentials/nope-${i}`, headers: { authorization: 'Basic YWRtaW46cGFzc3dvcmQ=' } });
    const get = async (query: string) => (await t!.app.inject({ method: 'GET', url: `/_emulator/requests${query}` })).json();
    const all = await get('');
    expect(all).toEqual({ count: 25, requests: expect.any(Array) });
    const seqs = all.requests.map((r: { seq: number }) => r.seq);
    const first = await get('?limit=10');
    expect(first.requests.map((r: { seq: number }) => r.seq)).toEqual(seqs.slice(0, 10));
    expect(first.next).toBe(seqs[9]);
    const second = await get(`?limit=10&after=${first.next}`);
    expect(second.requests.map((r: { seq: number }) => r.seq)).toEqual(seqs.slice(10, 20));
    const last = await get(`?limit=10&after=${second.next}`);
    expect(last.count).toBe(5);
    expect(last.next).toBeUndefined();
    const newest = await get('?limit=3&order=desc');
    expect(newest.requests.map((r: { seq: number }) => r.seq)).toEqual(seqs.slice(-3).reverse());
    expect((await get(`?limit=3&order=desc&before=${newest.next}`)).requests.map((r: { seq: number }) => r.seq)).toEqual(seqs.slice(-6, -3).reverse());
    const bad = await t.app.inject({ method: 'GET', url: '/_emulator/requests?limit=0' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('invalid_request');
  });
});

describe('GET /_emulator/state', () => {
  it('streams namespace by namespace: health answers while a big dump is under way; the body is the same JSON as the in-process dump', async () => {
    t = await buildTestApp();
    for (let i = 0; i < 150; i++) t.runtime.namespaces.ensure(`ns-${String(i).padStart(3, '0')}`);
    const done: string[] = [];
    const state = t.app.inject({ method: 'GET', url: '/_emulator/state' }).then((res) => (done.push('state'), res));
    const health = t.app.inject({ method: 'GET', url: '/_emulator/health' }).then((res) => (done.push('health'), res));
    const [s, h] = await Promise.all([state, health]);
    expect(h.statusCode).toBe(200);
    expect(done).toEqual(['health', 'state']);
    expect(s.statusCode).toBe(200);
    expect(s.headers['content-type']).toMatch(/^application\/json/);
    expect(s.json()).toEqual({ namespaces: t.runtime.namespaces.dump() });
  });

  it('pages by namespace: limit, next and after', async () => {
    t = await buildTestApp();
    for (let i = 0; i < 5; i++) t.runtime.namespaces.ensure(`p${i}`);
    const get = async (query: string) => (await t!.app.inject({ method: 'GET', url: `/_emulator/state?vendor=ibm&${query}` })).json();
    const names = ['default', 'p0', 'p1', 'p2', 'p3', 'p4'];
    const first = await get('limit=4');
    expect(Object.keys(first.namespaces)).toEqual(names.slice(0, 4));
    expect(first.next).toBe('p2');
    expect(Object.keys(first.namespaces.p0)).toEqual(['ibm']);
    const rest = await get(`limit=4&after=${first.next}`);
    expect(Object.keys(rest.namespaces)).toEqual(names.slice(4));
    expect(rest.next).toBeUndefined();
    expect(Object.keys((await get('namespace=p1')).namespaces)).toEqual(['p1']);
    expect((await get('namespace=nope')).namespaces).toEqual({});
  });
});
