/**
 * `npm run bench:editor`: is the editor usable with a 150-step journey? Starts the product
 * in-process (as the browser tests do), stores a generated journey (`editor-journey.ts`, laid out
 * by the editor's own layout), opens it in Debian's Chromium at 1280×800 and prints:
 *   - time to first render (navigation → steps on the canvas with their validation badges), cold and warm;
 *   - frame times and long tasks (> 50 ms, from the browser's Long Tasks API) while dragging a
 *     step, panning and zooming;
 *   - keystroke → the step's summary on the canvas showing the new text;
 *   - an edit that breaks a step → its error badge (includes the validator's deliberate 250 ms debounce), and
 *     the validator's own time for the journey.
 *   --steps N   journey size (default 150)   --rounds N   repetitions of each interaction (default 3)
 *   --profile DIR   also write a V8 CPU profile of each interaction there (open in Chrome DevTools;
 *                   names read best with an unminified build: `npx vite build --config editor/vite.config.ts
 *                   --minify false`, then RAPPORT_E2E_BUILD=skip)
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { numberArg, stringArg } from './args.js';
import { journeyGraphSchema, validateJourney } from '../../workflows/index.js';
import { layoutGraph } from '../../editor/src/graph/layout.js';
import { adminApi, adminKey, centre, haveChromium, settle, start, stop, type Session } from '../e2e/support/browser.js';
import { largeJourney } from './editor-journey.js';
import type { Page } from 'playwright-core';

const size = numberArg('steps', 150);
const rounds = numberArg('rounds', 3);
const profileDir = stringArg('profile');
if (profileDir) mkdirSync(profileDir, { recursive: true });
let profiled = 0;
if (!haveChromium) throw new Error('bench:editor needs Chromium at /usr/bin/chromium (apt-get install -y chromium) or RAPPORT_CHROMIUM');

const journey = layoutGraph(journeyGraphSchema.parse(largeJourney(size)));

/** In the page from its first script: long tasks as they happen, and a frame recorder. */
const recorder = () => {
  const w = window as unknown as { __bench: { longTasks: { start: number; duration: number }[]; frames: number[]; recording: boolean } };
  w.__bench = { longTasks: [], frames: [], recording: false };
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) w.__bench.longTasks.push({ start: entry.startTime, duration: entry.duration });
  }).observe({ type: 'longtask', buffered: true });
  const frame = (t: number) => {
    if (w.__bench.recording) w.__bench.frames.push(t);
    requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
};

interface PhaseResult {
  name: string;
  ms: number;
  frames: number;
  medianFrame: number;
  p95Frame: number;
  maxFrame: number;
  longTasks: number;
  longestTask: number;
  blocking: number;
}

const quantile = (values: number[], q: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0 ? 0 : (sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number);
};
const median = (values: number[]) => quantile(values, 0.5);

/** Runs `action` while recording frames and long tasks in the page. */
const phase = async (page: Page, name: string, action: () => Promise<void>): Promise<PhaseResult> => {
  const cdp = profileDir ? await page.context().newCDPSession(page) : null;
  if (cdp) {
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.start');
  }
  const t0 = await page.evaluate(() => {
    const b = (window as unknown as { __bench: { frames: number[]; recording: boolean } }).__bench;
    b.frames = [];
    b.recording = true;
    return performance.now();
  });
  await action();
  // Let the last frames after the input paint.
  await page.waitForTimeout(150);
  const { t1, frames, tasks } = await page.evaluate((from) => {
    const b = (window as unknown as { __bench: { frames: number[]; recording: boolean; longTasks: { start: number; duration: number }[] } }).__bench;
    b.recording = false;
    return { t1: performance.now(), frames: b.frames, tasks: b.longTasks.filter((t) => t.start >= from) };
  }, t0);
  if (cdp && profileDir) {
    const { profile } = await cdp.send('Profiler.stop');
    profiled += 1;
    writeFileSync(`${profileDir}/${String(profiled).padStart(2, '0')}-${name.replace(/[^a-z0-9]+/gi, '-')}.cpuprofile`, JSON.stringify(profile));
    await cdp.detach();
  }
  const intervals = frames.slice(1).map((t, i) => t - (frames[i] as number));
  return {
    name,
    ms: t1 - t0,
    frames: frames.length,
    medianFrame: median(intervals),
    p95Frame: quantile(intervals, 0.95),
    maxFrame: Math.max(0, ...intervals),
    longTasks: tasks.length,
    longestTask: Math.max(0, ...tasks.map((t) => t.duration)),
    blocking: tasks.reduce((sum, t) => sum + Math.max(0, t.duration - 50), 0),
  };
};

const openJourney = async (session: Session, page: Page): Promise<{ firstNodes: number; ready: number; domContentLoaded: number; rendered: number }> => {
  await page.goto('about:blank');
  await page.goto(`${session.server.url}/#/journeys/${journey.id}`);
  // Ready: steps on the canvas, measured by React Flow, and the first validation's badges are in.
  await page.waitForFunction(() => document.querySelector('.react-flow__node') !== null, undefined, { polling: 'raf', timeout: 60_000 });
  const firstNodes = await page.evaluate(() => performance.now());
  await page.waitForFunction(() => document.querySelector('[data-testid=findings-list]') !== null && document.querySelector('.react-flow__viewport')?.getAttribute('style')?.includes('scale') === true, undefined, { polling: 'raf', timeout: 60_000 });
  await settle(page);
  return page.evaluate((first) => {
    const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined;
    return { firstNodes: first, ready: performance.now(), domContentLoaded: nav?.domContentLoadedEventEnd ?? 0, rendered: document.querySelectorAll('.react-flow__node').length };
  }, firstNodes);
};

/** Keystroke → the step's summary on the canvas contains the typed text (ms, per keystroke). */
const typingLatency = async (page: Page, nodeId: string, field: string, text: string): Promise<number[]> => {
  const input = page.getByTestId(field).locator('input').first();
  await input.click();
  await input.press('End');
  const latencies: number[] = [];
  for (const char of text) {
    const before = await input.inputValue();
    const latency = page.evaluate(
      ([id, expected]) =>
        new Promise<number>((resolve) => {
          let t0 = 0;
          document.addEventListener('keydown', () => (t0 = performance.now()), { capture: true, once: true });
          const summary = () => document.querySelector(`[data-testid="node-${id}"] .node-summary`)?.textContent ?? '';
          const observer = new MutationObserver(() => {
            if (t0 > 0 && summary().includes(expected as string)) {
              observer.disconnect();
              // The frame that shows it.
              requestAnimationFrame(() => resolve(performance.now() - t0));
            }
          });
          observer.observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
        }),
      [nodeId, `${before}${char}`.slice(-12)],
    );
    await page.waitForTimeout(20);
    await page.keyboard.type(char);
    latencies.push(await latency);
  }
  return latencies;
};

/** Clearing a required field → the error badge on the step; restoring it → the badge gone (ms). */
const validationLatency = async (page: Page, nodeId: string, field: string): Promise<{ appear: number; clear: number }> => {
  const input = page.getByTestId(field).locator('input').first();
  const original = await input.inputValue();
  const watch = (present: boolean) =>
    page.evaluate(
      ([id, want]) =>
        new Promise<number>((resolve) => {
          let t0 = 0;
          document.addEventListener('input', () => (t0 = performance.now()), { capture: true, once: true });
          const has = () => document.querySelector(`[data-testid="node-badge-${id}"].node-badge-error`) !== null;
          const observer = new MutationObserver(() => {
            if (t0 > 0 && has() === want) {
              observer.disconnect();
              requestAnimationFrame(() => resolve(performance.now() - t0));
            }
          });
          observer.observe(document.body, { subtree: true, childList: true, attributes: true });
        }),
      [nodeId, present] as const,
    );
  const appearing = watch(true);
  await page.waitForTimeout(20);
  await input.fill('');
  const appear = await appearing;
  const clearing = watch(false);
  await page.waitForTimeout(20);
  await input.fill(original);
  const clear = await clearing;
  return { appear, clear };
};

const session = await start(false);
const rows: PhaseResult[] = [];
const opens: Awaited<ReturnType<typeof openJourney>>[] = [];
let typing: number[] = [];
const validations: { appear: number; clear: number }[] = [];
const loadBefore = loadavg();
try {
  await adminApi(session, '/v1/journeys', { body: journey });
  const context = await session.browser.newContext({ viewport: { width: 1280, height: 800 } });
  // tsx (esbuild keepNames) wraps named functions in `__name(…)`; functions sent to the page need it there.
  await context.addInitScript({ content: 'globalThis.__name = (fn) => fn;' });
  await context.addInitScript((key) => location.protocol.startsWith('http') && localStorage.setItem('rapport.adminKey', key), adminKey);
  await context.addInitScript(recorder);
  const page = await context.newPage();
  page.setDefaultTimeout(30_000);
  page.on('pageerror', (e) => session.errors.push(`pageerror: ${e.message}`));
  opens.push(await openJourney(session, page).catch(async (e) => { await page.screenshot({ path: '.scratch/bench-fail.png' }); throw e; })); // cold: the editor's code is fetched and compiled
  for (let i = 0; i < rounds; i += 1) opens.push(await openJourney(session, page)); // warm (HTTP cache)

  const canvas = await page.getByTestId('canvas').boundingBox();
  if (!canvas) throw new Error('no canvas');
  for (let round = 0; round < rounds; round += 1) {
    // Drag a step 240 px right and back, in 4 px mouse moves.
    const head = page.locator('.react-flow__node').nth(1).locator('.node-head');
    const from = await centre(head);
    rows.push(
      await phase(page, 'drag a step', async () => {
        await page.mouse.move(from.x, from.y);
        await page.mouse.down();
        for (let i = 1; i <= 60; i += 1) await page.mouse.move(from.x + i * 4, from.y + (i % 10));
        for (let i = 59; i >= 0; i -= 1) await page.mouse.move(from.x + i * 4, from.y);
        await page.mouse.up();
      }),
    );
    // Pan: drag the empty canvas (below the steps) 400 px left and back.
    const pane = { x: canvas.x + canvas.width / 2, y: canvas.y + canvas.height - 60 };
    rows.push(
      await phase(page, 'pan the canvas', async () => {
        await page.mouse.move(pane.x, pane.y);
        await page.mouse.down();
        for (let i = 1; i <= 50; i += 1) await page.mouse.move(pane.x - i * 8, pane.y);
        for (let i = 49; i >= 0; i -= 1) await page.mouse.move(pane.x - i * 8, pane.y);
        await page.mouse.up();
      }),
    );
    // Zoom out until the whole journey is on screen (every step rendered), and back in.
    rows.push(
      await phase(page, 'zoom out and in (wheel)', async () => {
        await page.mouse.move(canvas.x + canvas.width / 2, canvas.y + canvas.height / 2);
        for (let i = 0; i < 12; i += 1) {
          await page.mouse.wheel(0, 120);
          await page.waitForTimeout(16);
        }
        for (let i = 0; i < 12; i += 1) {
          await page.mouse.wheel(0, -120);
          await page.waitForTimeout(16);
        }
      }),
    );
    rows.push(
      await phase(page, 'zoom to fit (whole journey)', async () => {
        await page.getByTestId('zoom-fit').click();
        await page.waitForTimeout(400);
        await settle(page);
      }),
    );
    // Back to the start of the journey for the next round.
    await openJourney(session, page);
  }

  // Settings edits on the first email (visible in the first view).
  const mail = journey.nodes.find((n) => n.kind === 'send_email');
  if (!mail) throw new Error('the journey has no email step');
  await page.getByTestId(`node-${mail.id}`).locator('.node-head').click();
  await page.getByTestId('node-settings').waitFor();
  const typed = await phase(page, 'type into a step’s settings', async () => {
    typing = await typingLatency(page, mail.id, 'field-subject', ' and more'.repeat(rounds).slice(0, 9 * rounds));
  });
  rows.push(typed);
  const validated = await phase(page, 'break and fix a step (validation)', async () => {
    for (let i = 0; i < rounds; i += 1) validations.push(await validationLatency(page, mail.id, 'field-subject'));
  });
  rows.push(validated);
  await context.close();
} finally {
  await stop(session);
}
const loadAfter = loadavg();

// The validator's own time for this journey, in Node (the browser runs the same code).
const validatorMs: number[] = [];
for (let i = 0; i < 30; i += 1) {
  const t = performance.now();
  validateJourney(journey);
  validatorMs.push(performance.now() - t);
}

const f = (ms: number) => `${Math.round(ms)} ms`;
const [cold, ...warm] = opens;
process.stdout.write(`editor benchmark: a ${journey.nodes.length}-step journey (${journey.edges.length} connections) in Chromium at 1280×800, ${rounds} rounds\n\n`);
process.stdout.write(`time to first render (navigation → steps on the canvas / → laid out with validation badges):\n`);
process.stdout.write(`  cold: ${f(cold?.firstNodes ?? 0)} / ${f(cold?.ready ?? 0)} (DOMContentLoaded ${f(cold?.domContentLoaded ?? 0)})\n`);
process.stdout.write(`  warm: ${f(median(warm.map((o) => o.firstNodes)))} / ${f(median(warm.map((o) => o.ready)))} (median of ${warm.length}); ${cold?.rendered ?? 0} of ${journey.nodes.length} steps in the DOM at first (only visible steps are rendered)\n\n`);

const byName = new Map<string, PhaseResult[]>();
for (const row of rows) byName.set(row.name, [...(byName.get(row.name) ?? []), row]);
const header = ['interaction', 'frames', 'frame median', 'p95', 'worst', 'long tasks', 'longest', 'blocking'];
const table = [...byName].map(([name, list]) => [
  name,
  String(Math.round(median(list.map((r) => r.frames)))),
  f(median(list.map((r) => r.medianFrame))),
  f(median(list.map((r) => r.p95Frame))),
  f(Math.max(...list.map((r) => r.maxFrame))),
  String(list.reduce((s, r) => s + r.longTasks, 0)),
  f(Math.max(...list.map((r) => r.longestTask))),
  f(list.reduce((s, r) => s + r.blocking, 0)),
]);
const widths = header.map((h, i) => Math.max(h.length, ...table.map((r) => (r[i] ?? '').length)));
const line = (cells: string[]) => cells.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  ');
process.stdout.write(`${line(header)}\n${table.map(line).join('\n')}\n\n`);
process.stdout.write(`keystroke → step summary updated: median ${f(median(typing))}, worst ${f(Math.max(...typing))} (${typing.length} keystrokes)\n`);
process.stdout.write(`edit → error badge on the step: median ${f(median(validations.map((v) => v.appear)))}; fix → badge gone: median ${f(median(validations.map((v) => v.clear)))} (includes the 250 ms debounce); validator alone: ${median(validatorMs).toFixed(1)} ms\n`);
const moving = ['drag a step', 'pan the canvas'].flatMap((name) => byName.get(name) ?? []);
const movingTasks = moving.reduce((s, r) => s + r.longTasks, 0);
const worstMoving = Math.max(0, ...moving.map((r) => r.longestTask));
process.stdout.write(`verdict: ${movingTasks === 0 ? 'no long task (> 50 ms) while dragging or panning' : `${movingTasks} long task${movingTasks === 1 ? '' : 's'} while dragging or panning, the longest ${f(worstMoving)}`}; median frame while dragging ${f(median(moving.map((r) => r.medianFrame)))}\n`);
process.stdout.write(`load average (1, 5, 15 min): ${loadBefore.map((l) => l.toFixed(2)).join(', ')} before, ${loadAfter.map((l) => l.toFixed(2)).join(', ')} after (2 shared cores; headless Chromium renders in software)\n`);
if (session.errors.length > 0) process.stdout.write(`browser errors: ${session.errors.join('; ')}\n`);
