import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startChildEmulator, type ChildEmulator } from '../helpers/child-emulator.js';

/**
 * Many clients at once, on a file database, in one namespace and in many: each creates keys,
 * rotates them and deletes some, on IBM, IONOS and Krutrim. Afterwards every kept key is there
 * exactly once, every deleted one is gone, ids are unique, and no client saw a 5xx or a lock error.
 */
const CLIENTS = 24;
const CYCLES = 4;
const dir = mkdtempSync(join(tmpdir(), 'emulator-concurrency-'));
let emulator: ChildEmulator;

beforeAll(async () => {
  emulator = await startChildEmulator({ DB_PATH: join(dir, 'state.sqlite'), RATE_LIMITS: 'off', TRANSITIONS: 'immediate', IONOS_KEY_LIMIT: '100000', IBM_KEY_LIMIT: '100000' });
});
afterAll(async () => {
  emulator.process.kill('SIGTERM');
  await emulator.exited;
  rmSync(dir, { recursive: true, force: true });
});

const IBM = { authorization: `Basic ${Buffer.from('admin:password').toString('base64')}`, 'content-type': 'application/json' };
const IONOS = { authorization: 'Bearer ionos-test-token', 'content-type': 'application/json' };
const KOS = { authorization: 'Bearer krutrim-test-key', 'content-type': 'application/json' };
const PROJECT = '731fc6f265cd486d900f16e84c5cb594';

interface Outcome {
  kept: string[];
  deleted: string[];
}

const problems: string[] = [];
let requests = 0;

async function send(method: string, url: string, headers: Record<string, string>, body?: unknown): Promise<any> {
  requests++;
  const res = await fetch(emulator.url + url, { method, headers: body === undefined ? { authorization: headers.authorization! } : headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  const text = await res.text();
  if (res.status >= 500 || /SQLITE|database is locked/i.test(text)) problems.push(`${method} ${url}: ${res.status} ${text.slice(0, 200)}`);
  if (res.status >= 300) throw new Error(`${method} ${url}: ${res.status} ${text.slice(0, 200)}`);
  return text ? JSON.parse(text) : undefined;
}

/** One client's work in one namespace prefix ('' or '/ns/<name>'). */
async function client(prefix: string, n: number): Promise<Record<string, Outcome>> {
  const out: Record<string, Outcome> = { ibm: { kept: [], deleted: [] }, ionos: { kept: [], deleted: [] }, krutrim: { kept: [], deleted: [] } };
  for (let cycle = 0; cycle < CYCLES; cycle++) {
    const drop = (n + cycle) % 2 === 0;
    const ibm = (await send('POST', `${prefix}/ibm/credentials`, IBM, { credential: { project_id: PROJECT, type: 'ec2' } })).credential;
    await send('PATCH', `${prefix}/ibm/credentials/${ibm.id}`, IBM, { credential: { project_id: PROJECT, type: 'ec2', blob: { access: ibm.id, secret: `rotated-secret-${n}-${cycle}-0000000000`, status: 'Active' } } });
    if (drop) await send('DELETE', `${prefix}/ibm/credentials/${ibm.id}`, IBM);
    out.ibm![drop ? 'deleted' : 'kept'].push(ibm.id);

    const ionos = await send('POST', `${prefix}/ionos/accesskeys`, IONOS, { properties: { description: `c${n}-${cycle}` } });
    await send('PUT', `${prefix}/ionos/accesskeys/${ionos.id}/renew`, { authorization: IONOS.authorization });
    if (drop) await send('DELETE', `${prefix}/ionos/accesskeys/${ionos.id}`, { authorization: IONOS.authorization });
    out.ionos![drop ? 'deleted' : 'kept'].push(ionos.id);

    const kos = await send('POST', `${prefix}/krutrim/kos/v1/access_keys`, KOS, { key_name: `c${n}-${cycle}` });
    await send('POST', `${prefix}/krutrim/kos/v1/sessions/activate`, KOS, { accessKey: kos.access_key, secretKey: kos.secret_key });
    if (drop) await send('DELETE', `${prefix}/krutrim/kos/v1/access_keys/${kos.access_key}`, KOS, {});
    out.krutrim![drop ? 'deleted' : 'kept'].push(kos.access_key);
  }
  return out;
}

async function listed(prefix: string): Promise<Record<string, string[]>> {
  const ibm = (await send('GET', `${prefix}/ibm/credentials?project_id=${PROJECT}`, IBM)).credentials.map((c: { id: string }) => c.id);
  const ionos = (await send('GET', `${prefix}/ionos/accesskeys?limit=1000`, IONOS)).items.map((k: { id: string }) => k.id);
  const krutrim = (await send('GET', `${prefix}/krutrim/kos/v1/access_keys`, KOS)).map((k: { access_key: string }) => k.access_key);
  return { ibm, ionos, krutrim };
}

describe('concurrent clients on a file database', () => {
  it.each([
    ['one namespace', (_n: number) => '/ns/shared'],
    ['many namespaces', (n: number) => `/ns/many-${n % 6}`],
  ])('lose and duplicate nothing: %s', async (_label, prefixOf) => {
    const before = requests;
    const results = await Promise.all(Array.from({ length: CLIENTS }, (_, n) => client(prefixOf(n), n).then((r) => ({ prefix: prefixOf(n), r }))));
    const prefixes = [...new Set(results.map((x) => x.prefix))];
    for (const prefix of prefixes) {
      const present = await listed(prefix);
      for (const vendor of ['ibm', 'ionos', 'krutrim'] as const) {
        const mine = results.filter((x) => x.prefix === prefix).map((x) => x.r[vendor]!);
        const kept = mine.flatMap((o) => o.kept);
        const deleted = mine.flatMap((o) => o.deleted);
        expect(new Set([...kept, ...deleted]).size, `${vendor} ids unique`).toBe(kept.length + deleted.length);
        expect(new Set(present[vendor]).size, `${vendor} listed once each`).toBe(present[vendor]!.length);
        for (const id of kept) expect(present[vendor], `${vendor} ${prefix} kept ${id}`).toContain(id);
        for (const id of deleted) expect(present[vendor], `${vendor} ${prefix} deleted ${id}`).not.toContain(id);
      }
    }
    console.log(`concurrency (${_label}): ${CLIENTS} clients, ${requests - before} requests, ${CLIENTS * CYCLES * 3} keys created, ${prefixes.length} namespace(s), ${problems.length} server errors`);
    expect(problems).toEqual([]);
  }, 60_000);
});
