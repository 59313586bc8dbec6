import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startChildEmulator } from '../helpers/child-emulator.js';

/**
 * Crash durability: an emulator on a file database is killed with SIGKILL in the middle of a write
 * load; restarted on the same file, it holds every write it acknowledged, and the file is intact.
 */
const dir = mkdtempSync(join(tmpdir(), 'emulator-crash-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ADMIN = `Basic ${Buffer.from('admin:password').toString('base64')}`;
const PROJECT = '731fc6f265cd486d900f16e84c5cb594';
const CLIENTS = 8;
const KILL_AFTER_ACKS = 200;

describe('crash durability', () => {
  it('keeps every acknowledged write across SIGKILL, with the database intact', async () => {
    const env = { DB_PATH: join(dir, 'state.sqlite'), IBM_KEY_LIMIT: '100000', RATE_LIMITS: 'off' };
    const first = await startChildEmulator(env);
    const acknowledged: string[] = [];
    let killed = false;
    const client = async () => {
      while (!killed) {
        try {
          const res = await fetch(`${first.url}/ibm/credentials`, {
            method: 'POST',
            headers: { authorization: ADMIN, 'content-type': 'application/json' },
            body: JSON.stringify({ credential: { project_id: PROJECT, type: 'ec2' } }),
          });
          if (res.status !== 201) throw new Error(`unexpected ${res.status}: ${await res.text()}`);
          acknowledged.push((await res.json()).credential.id);
          if (acknowledged.length >= KILL_AFTER_ACKS && !killed) {
            killed = true;
            first.process.kill('SIGKILL');
          }
        } catch (err) {
          if (!killed) throw err; // after the kill, refused connections are expected
        }
      }
    };
    await Promise.all(Array.from({ length: CLIENTS }, client));
    expect(await first.exited).toBe('SIGKILL');

    const second = await startChildEmulator(env);
    try {
      const listed = await fetch(`${second.url}/ibm/credentials?project_id=${PROJECT}`, { headers: { authorization: ADMIN } });
      expect(listed.status).toBe(200);
      const ids = new Set(((await listed.json()).credentials as Array<{ id: string }>).map((c) => c.id));
      const lost = acknowledged.filter((id) => !ids.has(id));
      console.log(`crash: ${CLIENTS} clients, ${acknowledged.length} acknowledged writes before SIGKILL, ${lost.length} lost`);
      expect(lost).toEqual([]);
    } finally {
      second.process.kill('SIGTERM');
      expect(await second.exited).toBe(0);
    }
    const db = new Database(env.DB_PATH, { readonly: true });
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    db.close();
  }, 60_000);
});
