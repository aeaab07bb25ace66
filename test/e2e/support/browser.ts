/**
 * The browser-test harness shared by the e2e files: builds the editor when needed, starts the whole
 * product in-process (`startServer`: API, worker, dispatcher) on a free port with fixed keys — on
 * PGlite in memory, or on a fresh PostgreSQL database when DATABASE_URL is set — and drives Debian's
 * /usr/bin/chromium through playwright-core (no browser is downloaded). Screenshots go to
 * test/e2e/output/ (kept by CI, not committed).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
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
  errors: string[];
}

export const start = async (examples: boolean): Promise<Session> => {
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
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
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

export const signIn = async (page: Page, url: string) => {
  await page.goto(`${url}/`);
  await page.getByTestId('signin-key').fill(adminKey);
  await page.getByTestId('signin-submit').click();
  await page.getByTestId('new-journey').waitFor();
};

/**
 * Forgets the browser's reports of failed requests a test caused on purpose (Chromium logs every
 * 4xx answer as a console error): waits until one with `status` arrived, then drops those.
 */
export const expectRefused = async (session: Session, status: number): Promise<void> => {
  const mark = `status of ${status}`;
  await until(`the browser to report the ${status}`, async () => session.errors.some((e) => e.includes(mark)));
  session.errors.splice(0, session.errors.length, ...session.errors.filter((e) => !e.includes(mark)));
};
