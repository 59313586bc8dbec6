import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../src/core/package-info.js';
import { CHILD_TEST_TIMEOUT_MS, execChild } from './helpers/child.js';

/**
 * The benchmark harness (bench/run.ts, `npm run bench`) must not rot: run it on its smallest sizes
 * (`--tiny`: load runs of a few requests per connection, servers from src through tsx, no build) and
 * check that it produces every row, with numbers, in the printed table and in the JSON. The numbers
 * themselves mean nothing here.
 */
const EXPECTED_ROWS = [
  'startup',
  ...['katapult-get-key', 'ionos-list-100', 'ionos-create', 'exoscale-get-key', 'kos-activate'].flatMap((id) => [`${id}.throughput`, `${id}.p99`]),
  'rss',
  ...['s3-put-1k', 's3-get-1k', 's3-put-1m', 's3-get-1m'].flatMap((id) => [`${id}.throughput`, `${id}.p99`]),
  'reset', 'new-namespace', 'reset-big-namespace', 'new-namespace-beside-big', 'reset-all-big', 'health-during-reset', 'fixture-load', 'read-latency-scale',
];

describe('npm run bench -- --tiny', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bench-smoke-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('measures every row and writes the table and the JSON', async () => {
    const out = join(dir, 'result.json');
    // No tight timeout: on a loaded machine this takes minutes, and a timeout says so (helpers/child.ts).
    const { stdout } = await execChild(process.execPath, ['--import', 'tsx', join(PACKAGE_ROOT, 'bench', 'run.ts'), '--tiny', '--server', 'src', '--out', out], { cwd: PACKAGE_ROOT });
    const result = JSON.parse(readFileSync(out, 'utf8')) as { mode: string; failures: unknown[]; machine: { cores: number }; rows: Array<Record<string, unknown>> };
    expect(result.mode).toBe('tiny');
    expect(result.failures).toEqual([]);
    expect(result.machine.cores).toBeGreaterThan(0);
    expect(result.rows.map((r) => r.id)).toEqual(EXPECTED_ROWS);
    for (const row of result.rows) {
      expect(Number.isFinite(row.emulator), `${row.id} emulator`).toBe(true);
      // Latencies are whole milliseconds in autocannon: a p99 may be 0 on a fast machine.
      if (String(row.id).endsWith('.p99')) expect(row.emulator as number).toBeGreaterThanOrEqual(0);
      else expect(row.emulator as number, `${row.id} emulator`).toBeGreaterThan(0);
      if (row.baseline !== null) expect(row.baseline as number, `${row.id} baseline`).toBeGreaterThanOrEqual(0);
      expect(Number.isFinite(row.ratio), `${row.id} ratio`).toBe(true);
      expect(typeof row.pass).toBe('boolean');
      expect(row.target).toMatch(/[≤≥]/);
      // Every load run got only 2xx answers (a 4xx/5xx would be flagged in the note and fail the row).
      expect(String(row.note ?? ''), String(row.id)).not.toMatch(/non-2xx/);
    }
    // The printed table has a line per row, each ending in PASS or MISS.
    const lines = stdout.split('\n').filter((l) => /\| (PASS|MISS) +\|$/.test(l));
    expect(lines).toHaveLength(EXPECTED_ROWS.length);
    expect(stdout).toMatch(new RegExp(`\\d+ of ${EXPECTED_ROWS.length} targets hold`));
  }, CHILD_TEST_TIMEOUT_MS);
});
