import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type ConsoleMessage, type Page } from 'playwright-core';
import { PACKAGE_ROOT } from '../../src/core/package-info.js';

/**
 * The system Chromium (Debian's `chromium`, installed by .ci/run) driven by playwright-core.
 * CHROMIUM_PATH overrides the location. Without a browser the tests skip with a message, except in
 * CI, where they fail: the dashboard must be tested in a real browser there.
 */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].find((p) => existsSync(p));

export function browserAvailable(): boolean {
  if (CHROMIUM_PATH) return true;
  if (process.env.CI) throw new Error('No Chromium found (apt-get install chromium, or set CHROMIUM_PATH): the dashboard tests need a real browser in CI');
  console.warn('No Chromium found (apt-get install chromium, or set CHROMIUM_PATH): the dashboard browser tests are skipped');
  return false;
}

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH!,
    headless: true,
    // As root (CI containers) Chromium refuses its sandbox; /dev/shm is small in containers.
    args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu'],
  });
}

/** A page that remembers its console errors, uncaught exceptions and failed loads. */
export async function openPage(browser: Browser): Promise<{ page: Page; problems: string[]; close(): Promise<void> }> {
  const context = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (m: ConsoleMessage) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (err) => problems.push(`exception: ${err.message}`));
  return { page, problems, close: () => context.close() };
}

const SECRET_FIELDS = new Set(['password', 'secret', 'secretKey', 's3_secret_access_key', 'token']);

/**
 * Every secret of the default world: passwords, secret keys, API tokens (and KOS API keys). Those shorter
 * than 12 characters are ordinary words the page holds for other reasons and prove nothing: IONOS's
 * `test` password, IBM managers' `password`, `secretKey`, and `operator` (also that manager's name).
 */
export function defaultWorldSecrets(): string[] {
  const doc = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'fixtures', 'default.json'), 'utf8')) as Record<string, unknown>;
  const found = new Set<string>();
  const walk = (value: unknown, parent: string): void => {
    if (Array.isArray(value)) return value.forEach((v) => walk(v, parent));
    if (value === null || typeof value !== 'object') return;
    for (const [k, v] of Object.entries(value)) {
      if (typeof v === 'string' && (SECRET_FIELDS.has(k) || (parent === 'apiKeys' && k === 'key'))) found.add(v);
      else walk(v, k);
    }
  };
  walk(doc, '');
  return [...found].filter((s) => s.length >= 12);
}
