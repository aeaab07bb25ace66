/**
 * End-to-end tests of the analyst screens in Chromium (see browser.ts), on the win-back example:
 * the run inspector (filters, timeline, step slider on the canvas, "why this branch?", replay of
 * one run and of all), run surgery with reasons, the journey report with its charts and exports,
 * and a what-if simulation of a changed draft over seeded history — progress, cancel, and the
 * comparison with the live version against hand-computed numbers.
 */
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { customers, events } from '../../drizzle/schema.js';
import { eventRow } from '../../server/runtime/event-rows.js';
import { adminApi, dbKind, expectConsoleErrors, fit, haveChromium, segment, shot, signIn, until, type Session } from './support/browser.js';
import { browserSession } from './support/suite.js';

const DAY = 86_400_000;
const journey = 'win-back-inactive';

interface RunRow {
  id: string;
  customerId: string;
  status: string;
  outcome: string | null;
  reason: string | null;
  currentNode: string;
}
interface RunDetailBody extends RunRow {
  steps: { seq: number; input: { type: string; by?: string; reason?: string } }[];
  timers: { timerId: string; dueAt: number }[];
}

/**
 * Stored history for the what-if: `count` customers who went inactive 20 days ago; a third ordered
 * 2 days later, a third 5 days later, a third never; each also viewed pages. Stored as processed
 * events (history, not new traffic for the worker).
 */
const seedHistory = async (session: Session, count: number): Promise<void> => {
  const { db } = session.server.services;
  const now = Date.now();
  const start = now - 20 * DAY;
  const workspaceId = 'default';
  for (let first = 0; first < count; first += 500) {
    const ids = Array.from({ length: Math.min(500, count - first) }, (_, i) => `h${String(first + i).padStart(5, '0')}`);
    await db.insert(customers).values(ids.map((id) => ({ workspaceId, id, traits: { first_name: id, email: `${id}@example.com` }, createdAt: start, updatedAt: start })));
    const rows = ids.flatMap((customerId, i) => {
      const n = first + i;
      const row = (name: string, at: number, k: number, properties: Record<string, number> = {}) => ({
        ...eventRow('track', { workspaceId, customerId, messageId: `hist-${customerId}-${k}`, name, at, receivedAt: at }, { properties }),
        processedAt: at,
      });
      const list = [row('Inactive 60 Days', start, 0)];
      if (n % 3 === 0) list.push(row('Order Completed', start + 2 * DAY, 1, { total: 40 }));
      if (n % 3 === 1) list.push(row('Order Completed', start + 5 * DAY, 1, { total: 40 }));
      for (let k = 2; k < 9; k += 1) list.push(row('Page Viewed', start + k * DAY + 3_600_000, k));
      return list;
    });
    for (let i = 0; i < rows.length; i += 1000) await db.insert(events).values(rows.slice(i, i + 1000));
  }
};

describe.skipIf(!haveChromium)(`analyst screens in Chromium (${dbKind})`, { timeout: 180_000 }, () => {
  const session = browserSession(true, { downloads: true });
  const page = () => session().page;
  const history = 6000;
  const live = ['ada', 'bob', 'cy', 'dee', 'eve'];
  const runOf = async (customerId: string) => {
    const { runs } = await adminApi<{ runs: RunRow[] }>(session(), `/v1/runs?journeyId=${journey}&customerId=${customerId}`);
    const run = runs[0];
    if (!run) throw new Error(`no run for ${customerId}`);
    return adminApi<RunDetailBody>(session(), `/v1/runs/${run.id}`);
  };
  const openRun = async (customerId: string) => {
    const p = page();
    if ((await p.getByTestId('run-back').count()) > 0) await p.getByTestId('run-back').click();
    const run = await runOf(customerId);
    await p.getByTestId(`run-row-${run.id}`).click();
    await p.getByTestId('run-detail').waitFor();
    return run;
  };

  it('inspects runs: filters, timeline, step slider on the canvas, why this branch, replay', async () => {
    const s = session();
    for (const id of live) {
      await segment(s, 'identify', { userId: id, traits: { first_name: id, email: `${id}@example.com`, ltv: 900 } });
      await segment(s, 'track', { userId: id, event: 'Inactive 60 Days' });
    }
    await until('five runs waiting for an order', async () => (await adminApi<{ runs: RunRow[] }>(s, `/v1/runs?journeyId=${journey}&status=active`)).runs.length === 5, 30_000);
    await segment(s, 'track', { userId: 'bob', event: 'Order Completed', properties: { total: 120 } });
    await until('bob won back', async () => (await runOf('bob')).outcome === 'converted', 30_000);

    const p = page();
    await signIn(p, s.server.url);
    await p.getByTestId(`open-${journey}`).click();
    await p.getByTestId('runs-tab').click();
    await p.getByTestId('runs-panel').waitFor();
    await until('five runs listed', async () => (await p.locator('[data-testid^=run-row-]').count()) === 5);

    // Filters: customer, then status.
    await p.getByTestId('runs-customer').fill('bob');
    await p.getByTestId('runs-search').click();
    await until('only bob', async () => (await p.locator('[data-testid^=run-row-]').count()) === 1);
    await p.getByTestId('runs-customer').fill('');
    await p.getByTestId('runs-status').selectOption('done');
    await p.getByTestId('runs-search').click();
    await until('only the ended run', async () => (await p.locator('[data-testid^=run-row-]').count()) === 1);
    expect(await p.locator('[data-testid^=run-row-]').innerText()).toContain('bob');
    await p.getByTestId('runs-status').selectOption('');
    await p.getByTestId('runs-search').click();
    await until('all runs again', async () => (await p.locator('[data-testid^=run-row-]').count()) === 5);

    // Bob's run: entered, then the order — each step with its input, states and why.
    await openRun('bob');
    await p.getByTestId('run-step-2').waitFor();
    const step2 = await p.getByTestId('run-step-2').innerText();
    expect(step2).toContain('Event “Order Completed”');
    expect(step2).toMatch(/order-wait\s*→\s*won-back-goal/);
    expect(await p.getByTestId('why-2').innerText()).toMatch(/order-wait Took “.+” because awaited event "Order Completed"/);
    expect(await p.getByTestId('run-step-1').innerText()).toMatch(/incentive from\s+comeback-coupon/);
    await fit(p);
    // The slider at the last step paints the whole path; at the first, only up to the wait.
    const highlighted = async (id: string) => ((await p.getByTestId(`node-${id}`).getAttribute('class')) ?? '').includes('is-highlighted');
    expect(await highlighted('won-back-goal')).toBe(true);
    await p.getByTestId('step-slider').fill('0');
    await until('the path up to step 1', async () => (await highlighted('order-wait')) && !(await highlighted('won-back-goal')));
    expect(await p.getByTestId('node-farewell-mail').getAttribute('class')).toContain('is-dimmed');
    await shot(p, '20-run-inspector');
    await p.getByTestId('step-slider').fill('1');
    await until('the whole path', () => highlighted('won-back-goal'));

    // Replay this run, then every run of the journey.
    await p.getByTestId('replay-button').click();
    await p.getByTestId('replay-result').getByText('Replay matches').waitFor();
    expect(await p.getByTestId('replay-result').innerText()).toContain('All 2 recorded steps replay the same through v1');
    // The customer link lists all of their runs.
    await p.getByTestId('run-customer').click();
    await until('bob’s runs', async () => (await p.getByTestId('runs-customer').inputValue()) === 'bob' && (await p.locator('[data-testid^=run-row-]').count()) === 1);
    await p.getByTestId('replay-all').click();
    await p.getByTestId('replay-all-result').getByText('All 5 runs replay as recorded.').waitFor();
  });

  it('run surgery: reschedule, fire and drop timers, move and cancel runs — each with a reason, recorded and replayable', async () => {
    const p = page();
    await p.getByTestId('runs-customer').fill('');
    await p.getByTestId('runs-search').click();
    await until('all runs', async () => (await p.locator('[data-testid^=run-row-]').count()) === 5);

    // Ada: reschedule her time-out to tomorrow, then fire it now.
    const ada = await openRun('ada');
    const timerId = ada.timers[0]?.timerId ?? '';
    await p.getByTestId('surgery-open').click();
    expect(await p.getByTestId(`surgery-fire-${timerId}`).isDisabled()).toBe(true);
    expect(await p.getByTestId(`surgery-fire-${timerId}`).getAttribute('title')).toContain('Say why first');
    expect(await p.getByTestId(`surgery-timer-${timerId}`).innerText()).toContain('Time-out of “Order within 14 days?”');
    await p.getByTestId('surgery-reason').fill('give her one day only');
    const tomorrow = new Date(Date.now() + DAY + 3_600_000);
    const local = new Date(tomorrow.getTime() - tomorrow.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
    await p.getByTestId(`surgery-due-${timerId}`).fill(local);
    await shot(p, '21-surgery');
    await p.getByTestId(`surgery-reschedule-${timerId}`).click();
    await p.getByTestId('surgery-done').getByText(/Time-out of “Order within 14 days\?” now comes .* — recorded as step 2\./).waitFor();
    await p.getByTestId('run-step-2').getByText(/Time-out of “Order within 14 days\?” rescheduled to .* by key "Admin key \(from settings\)" \(rk_admin_e2e…\) \(give her one day only\)/).waitFor();
    expect(Math.abs(((await runOf('ada')).timers[0]?.dueAt ?? 0) - Math.floor(tomorrow.getTime() / 60_000) * 60_000)).toBeLessThan(60_000);
    await p.getByTestId('surgery-open').click();
    await p.getByTestId('surgery-reason').fill('test the farewell now');
    await p.getByTestId(`surgery-fire-${timerId}`).click();
    await p.getByTestId('surgery-done').getByText(/fired now — recorded as step 3\./).waitFor();
    await p.getByTestId('run-step-3').getByText(/fired early by key "Admin key \(from settings\)".*\(test the farewell now\)/).waitFor();
    expect(await runOf('ada')).toMatchObject({ status: 'done', outcome: 'exited', currentNode: 'farewell-exit' });
    // An ended run offers no changes.
    expect(await p.getByTestId('surgery-open').count()).toBe(0);

    // Cy: moved to "Stage: retain & develop" (ordered by phone) — converted.
    await openRun('cy');
    await p.getByTestId('surgery-open').click();
    await p.getByTestId('surgery-reason').fill('ordered by phone');
    expect(await p.getByTestId('surgery-move').isDisabled()).toBe(true);
    await p.getByTestId('surgery-move-target').selectOption('won-back-stage');
    await p.getByTestId('surgery-move').click();
    await p.getByTestId('surgery-done').getByText('The run was moved to “Stage: retain & develop” — recorded as step 2.').waitFor();
    expect(await runOf('cy')).toMatchObject({ status: 'done', outcome: 'converted', currentNode: 'won-back-goal' });

    // Dee: cancelled, with the reason.
    await openRun('dee');
    await p.getByTestId('surgery-open').click();
    await p.getByTestId('surgery-reason').fill('asked us to stop');
    await p.getByTestId('surgery-cancel').click();
    await p.getByTestId('surgery-done').getByText('The run was cancelled — recorded as step 2.').waitFor();
    expect(await runOf('dee')).toMatchObject({ status: 'done', outcome: 'exited', reason: 'cancelled: asked us to stop' });

    // Eve: drop her time-out (she waits for an order however long it takes).
    const eve = await openRun('eve');
    const eveTimer = eve.timers[0]?.timerId ?? '';
    await p.getByTestId('surgery-open').click();
    await p.getByTestId('surgery-reason').fill('no deadline for her');
    await p.getByTestId(`surgery-skip-${eveTimer}`).click();
    await p.getByTestId('surgery-done').getByText(/dropped; the run keeps waiting/).waitFor();
    await p.getByTestId('run-timers-empty').waitFor();
    expect(await runOf('eve')).toMatchObject({ status: 'active', currentNode: 'order-wait', timers: [] });

    // A change the server refuses shows its message: the run ended meanwhile (cancelled elsewhere).
    await p.getByTestId('surgery-open').click();
    await adminApi(session(), `/v1/runs/${eve.id}/surgery`, { body: { action: 'cancel', reason: 'cancelled from the API' } });
    await p.getByTestId('surgery-reason').fill('too late');
    await p.getByTestId('surgery-cancel').click();
    await p.getByTestId('surgery-error').getByText(/has ended \(exited\); only active runs can be changed/).waitFor();
    await expectConsoleErrors(session(), (e) => e.includes('409'), 'the 409 of the ended run');

    // Every changed run still replays as recorded.
    await p.getByTestId('run-back').click();
    await p.getByTestId('replay-all').click();
    await p.getByTestId('replay-all-result').getByText('All 5 runs replay as recorded.').waitFor();
  });

  it('journey report: totals, charts, breakdowns and downloads that match the API', async () => {
    const p = page();
    await p.getByTestId('report-tab').click();
    await p.getByTestId('report-totals').waitFor();
    const api = await adminApi<{ totals: { runs: number; converted: number; exited: number; active: number } }>(session(), `/v1/journeys/${journey}/report`);
    expect(api.totals).toMatchObject({ runs: 5, converted: 2, exited: 3, active: 0 });
    const totals = await p.getByTestId('report-totals').innerText();
    expect(totals).toMatch(/Runs\s*5/);
    expect(totals).toMatch(/Converted\s*2\s*3 exited · 0 active/);
    expect(totals).toMatch(/Conversion rate\s*40 %/);
    // Charts (Recharts SVG): the funnel has a bar per entered step; histogram and conversions per day are drawn.
    await until('the funnel bars', async () => (await p.getByTestId('report-funnel').locator('.recharts-bar-rectangle').count()) >= 5);
    expect(await p.getByTestId('report-time-to-goal').locator('.recharts-bar-rectangle').count()).toBeGreaterThan(0);
    expect(await p.getByTestId('report-conversions').locator('svg.recharts-surface').count()).toBe(1);
    expect(await p.getByTestId('report-by-version').innerText()).toMatch(/v1/);
    expect(await p.getByTestId('report-effects').innerText()).toMatch(/email/);
    await shot(p, '22-report');

    const downloadOf = async (testId: string) => {
      const [download] = await Promise.all([p.waitForEvent('download'), p.getByTestId(testId).click()]);
      return readFile(await download.path(), 'utf8');
    };
    const csv = await downloadOf('download-report-csv');
    expect(csv.split('\n')[0]).toBe('dimension,key,runs,converted,exited,active,conversionRate,medianTimeToGoalMs,cost,costPerConversion');
    expect(csv).toMatch(/\nversion,1,5,2,3,0,/);
    const runsNdjson = (await downloadOf('download-runs-ndjson')).trim().split('\n').map((l) => JSON.parse(l) as { customerId: string });
    expect(runsNdjson.map((r) => r.customerId).sort()).toStrictEqual([...live].sort());
    const runsCsv = await downloadOf('download-runs-csv');
    expect(runsCsv.split('\n')[0]).toBe('id,journeyId,version,customerId,status,outcome,reason,currentNode,enteredAt,endedAt');
    expect(runsCsv).toContain('cancelled: asked us to stop');
    const steps = (await downloadOf('download-steps-ndjson')).trim().split('\n').map((l) => JSON.parse(l) as { runId: string; seq: number });
    const recorded = await Promise.all(live.map(runOf));
    expect(steps.map((x) => `${x.runId}:${x.seq}`).sort()).toStrictEqual(recorded.flatMap((run) => run.steps.map((x) => `${run.id}:${x.seq}`)).sort());

    // Filtered to the live version: the same runs.
    await p.getByTestId('report-version').selectOption({ label: 'v1 (live)' });
    await p.getByTestId('report-totals').getByText('5', { exact: true }).waitFor();
  });

  it('what-if: a changed draft over last month’s history, with progress, cancel and the comparison with live', async () => {
    const p = page();
    await seedHistory(session(), history);
    // The draft gives 3 days to order instead of 14.
    const detail = await adminApi<{ draft: { nodes: { id: string; params: Record<string, unknown> }[] } & Record<string, unknown> }>(session(), `/v1/journeys/${journey}`);
    await adminApi(session(), `/v1/journeys/${journey}`, {
      method: 'PUT',
      body: { ...detail.draft, nodes: detail.draft.nodes.map((n) => (n.id === 'order-wait' ? { ...n, params: { ...n.params, timeout: { amount: 3, unit: 'days' } } } : n)) },
    });
    await p.reload();
    await p.getByTestId('whatif-tab').click();
    await p.getByTestId('whatif-panel').waitFor();
    expect(await p.getByTestId('whatif-compare').isChecked()).toBe(true);

    // Start, see progress, cancel: the partial result stays readable.
    await p.getByTestId('whatif-start').click();
    await p.getByTestId('whatif-progress').getByText(/Simulating…/).waitFor();
    expect(await p.getByRole('progressbar').getAttribute('aria-valuenow')).not.toBeNull();
    await shot(p, '23-whatif-progress');
    await p.getByTestId('whatif-cancel').click();
    await p.getByTestId('whatif-progress').getByText(/^Cancelled · /).waitFor({ timeout: 30_000 });
    await p.getByText('Cancelled — these numbers cover the customers simulated so far.').waitFor();
    const partial = Number((/Cancelled · ([\d,]+) of/.exec(await p.getByTestId('whatif-progress').innerText())?.[1] ?? '').replace(/,/g, ''));
    expect(partial).toBeLessThan(history + live.length);

    // Run to the end and compare with live (hand-computed: a third orders after 2 days, a third after 5, a third never).
    await p.getByTestId('whatif-start').click();
    await p.getByTestId('whatif-progress').getByText(/^Done · /).waitFor({ timeout: 150_000 });
    const outcomes = p.getByTestId('whatif-outcomes');
    const row = async (name: string) => (await outcomes.locator('tr', { hasText: name }).first().locator('td').allInnerTexts()).slice(1);
    const n = (x: number) => x.toLocaleString('en-US');
    const third = history / 3;
    expect(await row('Customers')).toStrictEqual([n(history + 5), n(history + 5), '0']);
    // Draft: the 2-day orders and bob convert; the 5-day ones time out. Live: both convert.
    expect(await row('Converted')).toStrictEqual([n(third + 1), n(2 * third + 1), `−${n(third)}`]);
    expect(await row('Exited')).toStrictEqual([n(2 * third), n(third), `+${n(third)}`]);
    // Customers are simulated with their profile as it is now: ada is phased out (surgery above), so the
    // trigger's rule keeps her out; cy, dee and eve wait for an order when the window ends.
    expect(await row('Still active')).toStrictEqual(['3', '3', '0']);
    expect(await outcomes.locator('tr.is-changed').count()).toBeGreaterThanOrEqual(2);
    // On the canvas: simulated runs per step with the change against live.
    await fit(p);
    const overlay = async (id: string) => ((await p.getByTestId(`whatif-node-${id}`).textContent()) ?? '').replace(/\s+/g, ' ').trim();
    expect(await overlay('won-back-goal')).toBe(`${n(third + 1)} in · 0 waiting · −${n(third)} vs live`);
    expect(await overlay('farewell-mail')).toBe(`${n(2 * third)} in · 0 waiting · +${n(third)} vs live`);
    expect(await overlay('order-wait')).toBe(`${n(history + 4)} in · 3 waiting · 0 vs live`);
    await shot(p, '24-whatif-comparison');
  });
});
