/**
 * The browser harness of the end-to-end tests and the editor benchmark: Debian's /usr/bin/chromium
 * driven by playwright-core (no browser is downloaded), the real server in-process (`startServer`:
 * API, worker, dispatcher) on a free port — on PGlite in memory, or on a fresh PostgreSQL database
 * when DATABASE_URL is set — and small helpers for the canvas.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { testConfig } from '../../../server/config.js';
import { startServer, type RunningServer } from '../../../server/start.js';
import { createTestDatabase, type TestDatabase } from '../../support/database.js';

const root = fileURLToPath(new URL('../../..', import.meta.url));
export const outputDir = fileURLToPath(new URL('../output/', import.meta.url));
export const chromiumPath = process.env.RAPPORT_CHROMIUM ?? '/usr/bin/chromium';
export const adminKey = 'rk_admin_e2e_0123456789abcdef';
export const writeKey = 'rk_write_e2e_0123456789abcdef';
export const dbKind = process.env.DATABASE_URL ? 'postgres' : 'pglite';

// Without a Chromium the suites are skipped locally; CI (.ci/run) installs one and sets RAPPORT_E2E_REQUIRED=1.
export const haveChromium = existsSync(chromiumPath);
if (!haveChromium && process.env.RAPPORT_E2E_REQUIRED) throw new Error(`the browser tests need Chromium at ${chromiumPath} (apt-get install -y chromium)`);

const launchArgs = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** Builds the editor when editor/dist is missing or older than its sources (the helper `npm start` uses). */
export const buildEditor = (): void => {
  // RAPPORT_E2E_BUILD=skip tests the existing editor/dist as it is (e.g. while the editor sources are mid-edit).
  if (process.env.RAPPORT_E2E_BUILD === 'skip' && existsSync(`${root}editor/dist/index.html`)) return;
  const result = spawnSync(process.execPath, ['editor/build-if-needed.mjs'], { cwd: root, encoding: 'utf8' });
  const output = `${result.stdout}${result.stderr}`;
  if (result.status !== 0 || output.includes('the build failed') || !existsSync(`${root}editor/dist/index.html`)) throw new Error(`editor build failed:\n${output}`);
};

export interface Session {
  server: RunningServer;
  database: TestDatabase;
  browser: Browser;
  page: Page;
  /** Page errors and console errors; the suites expect none. */
  errors: string[];
}

/** Builds the editor if needed, starts the product and a browser at 1280×800. */
export const start = async (examples: boolean, options: { downloads?: boolean } = {}): Promise<Session> => {
  mkdirSync(outputDir, { recursive: true });
  buildEditor();
  const database = await createTestDatabase();
  const server = await startServer(
    testConfig({
      PORT: 0,
      RAPPORT_DATA_DIR: 'memory://',
      DATABASE_URL: database.url,
      RAPPORT_ADMIN_KEY: adminKey,
      RAPPORT_WRITE_KEY: writeKey,
      RAPPORT_EXAMPLES: examples ? 'true' : 'false',
      LOG_LEVEL: 'silent',
    }),
    () => undefined,
  );
  const browser = await chromium.launch({ executablePath: chromiumPath, args: launchArgs, timeout: 30_000 });
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 }, acceptDownloads: options.downloads ?? false });
  page.setDefaultTimeout(15_000);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => m.type() === 'error' && errors.push(`console: ${m.text()}`));
  return { server, database, browser, page, errors };
};

export const stop = async (session: Session | undefined): Promise<void> => {
  if (!session) return;
  await session.browser.close().catch(() => undefined);
  await session.server.stop().catch(() => undefined);
  await session.database.drop().catch(() => undefined);
};

/**
 * Forgets the browser's reports of failed requests a test caused on purpose (Chromium logs every
 * 4xx answer as a console error): waits until one with `status` arrived, then drops those.
 */
export const expectRefused = (session: Session, status: number): Promise<void> =>
  expectConsoleErrors(session, (e) => e.includes(`status of ${status}`), `the ${status}`);

/** Forgets the console errors a test caused on purpose (a refused request shows as one), once the browser reported them. */
export const expectConsoleErrors = async (session: Session, match: (error: string) => boolean, what: string): Promise<void> => {
  await until(`the browser to report ${what}`, async () => session.errors.some(match));
  session.errors.splice(0, session.errors.length, ...session.errors.filter((e) => !match(e)));
};

export const shot = async (page: Page, name: string, options: { fullPage?: boolean } = {}): Promise<void> => {
  // A full-page capture draws fixed elements (the side nav) where the page is scrolled to: start at the top.
  if (options.fullPage) await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: `${outputDir}${dbKind}-${name}.png`, ...options });
};

/** Polls `check` until it is true (bounded). */
export const until = async (what: string, check: () => Promise<boolean>, timeout = 15_000): Promise<void> => {
  const deadline = Date.now() + timeout;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeout} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
};

export const centre = async (locator: Locator): Promise<{ x: number; y: number }> => {
  await locator.waitFor({ state: 'visible' });
  const box = await locator.boundingBox();
  if (!box) throw new Error('element has no box');
  return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
};

/** Waits until the canvas viewport stops moving (zoom and fit animate). */
export const settle = async (page: Page): Promise<void> => {
  let last = '';
  await until('the viewport to settle', async () => {
    const transform = await page.locator('.react-flow__viewport').evaluate((e) => (e as HTMLElement).style.transform);
    const settled = transform === last;
    last = transform;
    return settled;
  });
};

/** Zoom to fit (toolbar) before a screenshot, so the steps are readable. */
export const fit = async (page: Page): Promise<void> => {
  await page.getByTestId('zoom-fit').click();
  await new Promise((r) => setTimeout(r, 350)); // the fit animates for 300 ms
  await settle(page);
};

export const signIn = async (page: Page, url: string) => {
  await page.goto(`${url}/`);
  await page.getByTestId('signin-key').fill(adminKey);
  await page.getByTestId('signin-submit').click();
  await page.getByTestId('new-journey').waitFor();
};

/** Calls the management API with the admin key (test set-up and checks). */
export const adminApi = async <T = unknown>(session: Session, path: string, init: { method?: string; body?: unknown } = {}): Promise<T> => {
  const response = await fetch(`${session.server.url}${path}`, {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    headers: { authorization: `Bearer ${adminKey}`, ...(init.body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${init.method ?? 'GET'} ${path} answered ${response.status}: ${text}`);
  return (text ? JSON.parse(text) : null) as T;
};

/** Sends a Segment call with the write key (`track`, `identify`). */
export const segment = async (session: Session, call: 'track' | 'identify', body: Record<string, unknown>): Promise<void> => {
  const response = await fetch(`${session.server.url}/v1/${call}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Basic ${Buffer.from(`${writeKey}:`).toString('base64')}` },
    body: JSON.stringify(body),
  });
  if (response.status >= 300) throw new Error(`${call} answered ${response.status}: ${await response.text()}`);
};
