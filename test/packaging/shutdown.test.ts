import { Agent, request } from 'node:http';
import { describe, expect, it } from 'vitest';
import { startEmulator } from '../../src/index.js';
import { startChildEmulator } from '../helpers/child-emulator.js';

/** A GET on a keep-alive connection (what SDK clients use), resolving with status and headers. */
function keepAliveGet(url: string, headers: Record<string, string>, agent: Agent): Promise<{ status: number; connection: string | undefined }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent, headers }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, connection: res.headers.connection }));
    });
    req.on('error', reject);
    req.end();
  });
}

const DELAYED = { 'x-emulator-delay': '400', authorization: 'Bearer krutrim-test-key' };

describe('graceful shutdown with keep-alive clients', () => {
  it('SIGTERM during a request: the request finishes with 200 and Connection: close, and the process exits 0 at once', async () => {
    const emulator = await startChildEmulator({});
    const agent = new Agent({ keepAlive: true });
    try {
      const pending = keepAliveGet(`${emulator.url}/krutrim/kos/v1/access_keys`, DELAYED, agent);
      await new Promise((r) => setTimeout(r, 150)); // the request is in flight (held by its 400 ms delay)
      const t0 = performance.now();
      emulator.process.kill('SIGTERM');
      const answer = await pending;
      expect(answer).toEqual({ status: 200, connection: 'close' });
      expect(await emulator.exited).toBe(0);
      expect(performance.now() - t0).toBeLessThan(3_000);
    } finally {
      agent.destroy();
      emulator.process.kill('SIGKILL');
    }
  });

  it('startEmulator().close() does not wait for an idle keep-alive connection left by an in-flight request', async () => {
    const emulator = await startEmulator({ port: 0 });
    const agent = new Agent({ keepAlive: true });
    try {
      const pending = keepAliveGet(`${emulator.url}/krutrim/kos/v1/access_keys`, DELAYED, agent);
      await new Promise((r) => setTimeout(r, 150));
      const t0 = performance.now();
      const closed = emulator.close();
      expect((await pending).status).toBe(200);
      await closed;
      expect(performance.now() - t0).toBeLessThan(3_000);
    } finally {
      agent.destroy();
    }
  });
});
