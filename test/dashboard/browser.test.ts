import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../../src/core/package-info.js';
import { startEmulator, type EmulatorHandle, type StartOptions } from '../../src/index.js';
import { recordEntries } from '../conformance/lib/response-recorder.js';
import { browserAvailable, defaultWorldSecrets, launchBrowser, openPage } from './browser.js';

/**
 * The dashboard in a real headless Chromium. Nothing here waits a fixed time: every step waits for a
 * condition on the page, with a generous limit for a loaded 2-core machine. The emulator's clock is
 * frozen, so transitions move only when the page moves the clock.
 */
const WAIT = { timeout: 90_000 };
const TEST_TIMEOUT = 240_000;
const KATAPULT = '/katapult/core/v1';
const CREATE_KEY = `${KATAPULT}/organizations/organization/object_storage/object_storage_cluster/access_keys`;
const BEARER = { authorization: 'Bearer katapult-test-token', 'content-type': 'application/json' };
/** `DASHBOARD_SCREENSHOT=write` (npm run docs:screenshot) also refreshes the README's picture. */
const SCREENSHOTS = process.env.DASHBOARD_SCREENSHOT === 'write' ? [join(PACKAGE_ROOT, '.tmp', 'dashboard.png'), join(PACKAGE_ROOT, 'docs', 'dashboard.png')] : [join(PACKAGE_ROOT, '.tmp', 'dashboard.png')];

const enabled = browserAvailable();
let browser: Browser;
let emulator: EmulatorHandle | undefined;
let closePage: (() => Promise<void>) | undefined;

beforeAll(async () => {
  if (enabled) browser = await launchBrowser();
}, TEST_TIMEOUT);
afterAll(async () => {
  await browser?.close();
});
afterEach(async () => {
  await closePage?.();
  // For the coverage matrix: what the page and the test asked of the vendors (startEmulator keeps its runtime).
  if (emulator) recordEntries(await emulator.journal.list());
  await emulator?.close();
  closePage = undefined;
  emulator = undefined;
});

async function start(options: StartOptions = {}) {
  emulator = await startEmulator({ frozenAt: '2026-01-01T00:00:00Z', host: '127.0.0.1', ...options });
  const opened = await openPage(browser);
  closePage = opened.close;
  return { url: emulator.url, ...opened };
}

async function createKey(url: string, name: string): Promise<string> {
  const res = await fetch(`${url}${CREATE_KEY}`, { method: 'POST', headers: BEARER, body: JSON.stringify({ organization: { sub_domain: 'emulator' }, object_storage_cluster: { region: 'uk-lon-1' }, properties: { name } }) });
  expect(res.status).toBe(201);
  return ((await res.json()) as { object_storage_access_key: { id: string } }).object_storage_access_key.id;
}

const keyState = (page: Page, id: string, state: string) =>
  page.locator(`section[data-vendor="katapult"] tr[data-entity="${id}"] [data-testid="state"]`).filter({ hasText: new RegExp(`^${state}$`) });

describe.runIf(enabled)('dashboard in a headless browser', () => {
  it('loads without console errors and shows namespaces, keys with their state, buckets and objects, and requests as they come', async () => {
    const { url, page, problems } = await start();
    await page.goto(`${url}/_emulator/ui`);
    await page.getByRole('button', { name: 'default', exact: true }).waitFor(WAIT);
    // Seeded keys of every vendor, with the state their API shows.
    await keyState(page, 'objkey_EMULATOR00000001', 'configured').waitFor(WAIT);
    await page.locator('section[data-vendor="ionos"] tr[data-entity] [data-testid="state"]').filter({ hasText: 'AVAILABLE' }).first().waitFor(WAIT);
    await page.locator('section[data-vendor="krutrim"] tr[data-entity="KOSEMULATOR000000002"]').filter({ hasText: 'Inactive' }).waitFor(WAIT);
    for (const vendor of ['katapult', 'ionos', 'exoscale', 'ibm', 'krutrim']) await page.locator(`section[data-vendor="${vendor}"] table.entities`).waitFor(WAIT);
    // Buckets and objects of the management state.
    await page.locator('section[data-vendor="katapult"] table.dump caption').filter({ hasText: 'buckets (1)' }).waitFor(WAIT);
    await page.locator('section[data-vendor="katapult"] table.dump caption').filter({ hasText: 'objects (2)' }).waitFor(WAIT);
    await page.locator('section[data-vendor="krutrim"] table.dump caption').filter({ hasText: 'buckets (1)' }).waitFor(WAIT);

    // A new key appears (pending, due on the emulator clock) and the request shows in the journal, live.
    const id = await createKey(url, 'dashboard-key');
    await keyState(page, id, 'pending').waitFor(WAIT);
    await page.locator(`tr[data-entity="${id}"]`).filter({ hasText: 'in 5.0 s' }).waitFor(WAIT);
    await page.locator('section.upcoming li').filter({ hasText: 'dashboard-key' }).waitFor(WAIT);
    await page.locator('table.requests tbody tr').filter({ hasText: 'POST' }).filter({ hasText: '/object_storage_cluster/access_keys' }).waitFor(WAIT);
    // A failed request stands out; newest first.
    expect((await fetch(`${url}${KATAPULT}/object_storage/access_keys/access_key?access_key[id]=objkey_missing`, { headers: BEARER })).status).toBe(404);
    const newest = page.locator('table.requests tbody tr').first();
    await newest.and(page.locator('tr.failed[data-status="404"]')).waitFor(WAIT);

    // Filters: by vendor, namespace and status.
    await fetch(`${url}/ns/other/ionos/accesskeys`, { headers: { authorization: 'Bearer ionos-test-token' } });
    await page.locator('table.requests tbody tr').filter({ hasText: 'ionos' }).first().waitFor(WAIT);
    await page.selectOption('select[name="journal-vendor"]', 'katapult');
    await page.locator('table.requests tbody tr').filter({ hasText: 'ionos' }).first().waitFor({ state: 'detached', ...WAIT });
    await page.fill('input[name="journal-status"]', 'failed');
    await page.locator('table.requests tbody tr:not(.failed)').first().waitFor({ state: 'detached', ...WAIT });
    await page.locator('table.requests tbody tr.failed').first().waitFor(WAIT);
    await page.fill('input[name="journal-status"]', 'all');
    await page.selectOption('select[name="journal-vendor"]', '');
    await page.getByRole('button', { name: 'other', exact: true }).waitFor(WAIT);
    await page.selectOption('select[name="journal-namespace"]', 'other');
    await page.locator('table.requests tbody tr').filter({ hasNotText: 'other' }).first().waitFor({ state: 'detached', ...WAIT });
    expect(await page.locator('table.requests tbody tr').allTextContents()).toEqual([expect.stringContaining('ionos')]);
    await page.selectOption('select[name="journal-namespace"]', '');

    // A fault rule set by the test suite shows up too (the feed says the world changed).
    const rule = await fetch(`${url}/_emulator/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ vendor: 'ionos', method: 'POST', path: '/accesskeys', error: 429, times: 2 }) });
    expect(rule.status).toBe(201);
    await page.locator('ul.rules li').filter({ hasText: 'error 429' }).waitFor(WAIT);

    mkdirSync(join(PACKAGE_ROOT, '.tmp'), { recursive: true });
    await page.locator('input[name="journal-status"]').blur();
    for (const path of SCREENSHOTS) await page.screenshot({ path });
    expect(problems).toEqual([]);
  }, TEST_TIMEOUT);

  it("moves a key's state with a clock advance made from the page, and freezes, sets and resets the clock", async () => {
    const { url, page, problems } = await start();
    await page.goto(`${url}/_emulator/ui`);
    const id = await createKey(url, 'advance-me');
    await keyState(page, id, 'pending').waitFor(WAIT);
    await page.getByLabel('advance by').fill('10s');
    await page.getByRole('button', { name: 'Advance' }).click();
    await keyState(page, id, 'configured').waitFor(WAIT);
    await page.getByTestId('clock-now').filter({ hasText: '2026-01-01 00:00:10Z' }).waitFor(WAIT);
    expect(emulator!.clock.state()).toMatchObject({ frozen: true, now: '2026-01-01T00:00:10.000Z' });

    await page.getByLabel('set to').fill('2026-06-01T12:00:00Z');
    await page.getByRole('button', { name: 'Set', exact: true }).click();
    await page.getByTestId('clock-now').filter({ hasText: '2026-06-01 12:00:00Z' }).waitFor(WAIT);
    await page.getByRole('button', { name: 'Unfreeze' }).click();
    await page.getByRole('button', { name: 'Freeze' }).waitFor(WAIT);
    expect(emulator!.clock.state().frozen).toBe(false);
    await page.getByRole('button', { name: 'Freeze' }).click();
    await page.getByRole('button', { name: 'Unfreeze' }).waitFor(WAIT);
    expect(emulator!.clock.state().frozen).toBe(true);

    // Reset the namespace from the page: the new key is gone, the seeded ones are back.
    await page.getByRole('button', { name: 'Reset namespace default' }).click();
    await page.locator(`tr[data-entity="${id}"]`).waitFor({ state: 'detached', ...WAIT });
    await keyState(page, 'objkey_EMULATOR00000001', 'configured').waitFor(WAIT);
    expect(problems).toEqual([]);
  }, TEST_TIMEOUT);

  it('adds a fault rule from the page that fires on the next vendor request, then removes it', async () => {
    const { url, page, problems } = await start();
    await page.goto(`${url}/_emulator/ui`);
    await page.locator('section.faults').waitFor(WAIT);
    await page.selectOption('select[name="vendor"]', 'katapult');
    await page.fill('input[name="error"]', '503');
    await page.fill('input[name="times"]', '1');
    await page.getByRole('button', { name: 'Add rule' }).click();
    const rule = page.locator('ul.rules li').filter({ hasText: 'katapult' });
    await rule.filter({ hasText: 'fired 0 of 1' }).waitFor(WAIT);

    const listKeys = () => fetch(`${url}${KATAPULT}/organizations/organization/object_storage/access_keys?organization[sub_domain]=emulator`, { headers: BEARER });
    const faulted = await listKeys();
    expect(faulted.status).toBe(503);
    expect(((await faulted.json()) as { error: { code: string } }).error.code).toBe('service_unavailable');
    expect((await listKeys()).status).toBe(200);
    await rule.filter({ hasText: 'fired 1 of 1' }).waitFor(WAIT);
    await page.locator('table.requests tr.failed[data-status="503"]').waitFor(WAIT);

    await rule.getByRole('button', { name: /^remove fault_/ }).click();
    await page.getByText('No fault rules.').waitFor(WAIT);
    expect((await (await fetch(`${url}/_emulator/faults`)).json()) as unknown).toEqual({ faults: [] });
    expect(problems).toEqual([]);
  }, TEST_TIMEOUT);

  it('asks for the token when CONTROL_TOKEN is set and sends it as x-emulator-token on every call', async () => {
    const { url, page } = await start({ controlToken: 'dashboard-control-token' });
    const calls: Array<{ url: string; token: string | undefined }> = [];
    page.on('request', (r) => {
      const path = new URL(r.url()).pathname;
      if (path.startsWith('/_emulator/') && !path.startsWith('/_emulator/ui')) calls.push({ url: path, token: r.headers()['x-emulator-token'] });
    });
    await page.goto(`${url}/_emulator/ui`);
    const prompt = page.getByLabel('Control token');
    await prompt.waitFor(WAIT);
    await prompt.fill('not-the-token');
    await page.getByRole('button', { name: 'Open' }).click();
    await page.getByRole('alert').filter({ hasText: 'refused that token' }).waitFor(WAIT);
    expect(await prompt.inputValue()).toBe('');

    const before = calls.length;
    await prompt.fill('dashboard-control-token');
    await page.getByRole('button', { name: 'Open' }).click();
    await keyState(page, 'objkey_EMULATOR00000001', 'configured').waitFor(WAIT);
    await page.getByLabel('advance by').fill('1s');
    await page.getByRole('button', { name: 'Advance' }).click();
    await page.getByTestId('clock-now').filter({ hasText: '2026-01-01 00:00:01Z' }).waitFor(WAIT);
    const after = calls.slice(before);
    expect(after.map((c) => c.url)).toEqual(expect.arrayContaining(['/_emulator/health', '/_emulator/events', '/_emulator/timeline', '/_emulator/state', '/_emulator/clock']));
    expect(after.filter((c) => c.token !== 'dashboard-control-token')).toEqual([]);
    // The page's HTML and code are served without the token; the state is not.
    expect((await fetch(`${url}/_emulator/ui`)).status).toBe(200);
    expect((await fetch(`${url}/_emulator/state`)).status).toBe(401);
    expect((await fetch(`${url}/_emulator/events`)).status).toBe(401);
    expect(await page.content()).not.toContain('dashboard-control-token');
  }, TEST_TIMEOUT);

  it('never shows a secret: none of the default world is in the DOM or any response the page received', async () => {
    const { url, page, problems } = await start();
    const secrets = defaultWorldSecrets();
    expect(secrets.length).toBeGreaterThan(15);
    expect(secrets).toEqual(expect.arrayContaining(['katapult-test-token', 'emulator-katapult-secret-do-not-use-0001', 'krutrim-test-key']));
    const bodies: Array<Promise<string>> = [];
    page.on('response', (r) => {
      if (!new URL(r.url()).pathname.endsWith('/events')) bodies.push(r.text().catch(() => ''));
    });
    // The live feed, read beside the page: it carries what the page is told as things happen.
    const feed = await fetch(`${url}/_emulator/events`);
    const reader = feed.body!.pipeThrough(new TextDecoderStream()).getReader();
    await page.goto(`${url}/_emulator/ui`);
    await keyState(page, 'objkey_EMULATOR00000001', 'configured').waitFor(WAIT);

    // A key with fresh credentials (its secret shown once, to the API caller only) and some traffic.
    const id = await createKey(url, 'secret-holder');
    emulator!.clock.advance(10_000);
    const generated = await fetch(`${url}${KATAPULT}/object_storage/access_keys/access_key/generate_credentials`, { method: 'POST', headers: BEARER, body: JSON.stringify({ access_key: { id } }) });
    const fresh = ((await generated.json()) as { object_storage_access_key: { s3_secret_access_key: string } }).object_storage_access_key.s3_secret_access_key;
    expect(fresh.length).toBeGreaterThan(10);
    await fetch(`${url}/krutrim/kos/v1/sessions/activate`, { method: 'POST', headers: { authorization: 'Bearer krutrim-test-key', 'x-region-id': 'In-Bangalore-1', 'content-type': 'application/json' }, body: JSON.stringify({ accessKey: 'KOSEMULATOR000000001', secretKey: 'krutrim-emulator-secret-000000000000000001' }) });
    await page.locator('table.requests tbody tr').filter({ hasText: 'generate_credentials' }).waitFor(WAIT);
    await page.locator('table.requests tbody tr').filter({ hasText: 'sessions/activate' }).waitFor(WAIT);
    await page.locator('section[data-vendor="krutrim"] tr[data-entity]').filter({ hasText: 'sessions' }).first().waitFor(WAIT);
    for (const summary of await page.locator('details summary').all()) await summary.click();

    let streamed = '';
    while (!streamed.includes('sessions/activate')) {
      const { value, done } = await reader.read();
      if (done) break;
      streamed += value;
    }
    await reader.cancel();
    const dom = await page.content();
    const received = (await Promise.all(bodies)).join('\n');
    expect(received).toContain('objkey_EMULATOR00000001');
    for (const secret of [...secrets, fresh]) {
      expect(dom.includes(secret), `the DOM shows ${secret}`).toBe(false);
      expect(received.includes(secret), `a response to the page holds ${secret}`).toBe(false);
      expect(streamed.includes(secret), `the live feed holds ${secret}`).toBe(false);
    }
    expect(problems).toEqual([]);
  }, TEST_TIMEOUT);
});
