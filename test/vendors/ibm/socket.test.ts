import { afterEach, beforeEach, expect, it } from 'vitest';
import { buildApp } from '../../../src/app.js';
import { buildTestApp, TEST_EPOCH, type TestApp } from '../../helpers/build-app.js';
import { ADMIN } from './helpers.js';

let t: TestApp;
beforeEach(async () => {
  t = await buildTestApp();
});
afterEach(() => t.close());

// Over a real socket Node adds its own wall-clock Date unless the app sets one: the IBM headers must
// still agree with the emulator's clock (frozen at TEST_EPOCH, far from the wall clock).
it('sends Date, X-Trans-Id and X-Timestamp from the emulator clock on a real socket, on the mount and at the root', async () => {
  const root = await buildApp(t.runtime, { rootVendor: 'ibm' });
  try {
    const deletes: Array<[number, string]> = [];
    for (const [app, path] of [[t.app, '/ibm/credentials'], [root, '/credentials']] as const) {
      const address = await app.listen({ port: 0, host: '127.0.0.1' });
      const res = await fetch(`${address}${path}`, { headers: ADMIN });
      expect(res.status).toBe(200);
      expect(res.headers.get('date')).toBe(new Date(TEST_EPOCH).toUTCString());
      expect(res.headers.get('x-trans-id')).toMatch(new RegExp(`^tx[0-9a-f]{21}-${(TEST_EPOCH / 1000).toString(16).padStart(10, '0')}$`));
      expect(res.headers.get('x-timestamp')).toBe(`${TEST_EPOCH / 1000}.00000`);
      expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
      expect(((await res.json()) as { credentials: unknown[] }).credentials.length).toBeGreaterThan(0);
      const gone = await fetch(`${address}${path}/181920`, { method: 'DELETE', headers: ADMIN });
      deletes.push([gone.status, await gone.text()]);
    }
    // Deleted through the mount, so already gone at the root: same state.
    expect(deletes[0]).toEqual([204, '']);
    expect(deletes[1]![0]).toBe(404);
    expect(JSON.parse(deletes[1]![1]).error.code).toBe(404);
  } finally {
    await root.close();
  }
});
