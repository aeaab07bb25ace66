import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCommand, type CliIo } from '../server/cli.js';
import { winBackJourney } from '../workflows/examples/win-back.js';
import { startHarness, type Harness } from './support/harness.js';
import { DAY, seedWinBackHistory, T0 } from './support/win-back-history.js';


/** What a command printed, by stream, and the progress bar's updates. */
const capture = (signal?: AbortSignal) => {
  const out: string[] = [];
  const err: string[] = [];
  const progress: { line: string; done: boolean }[] = [];
  const io: CliIo = { out: (l) => out.push(l), err: (l) => err.push(l), readFile: () => '', progress: (line, done) => progress.push({ line, done }), ...(signal ? { signal } : {}) };
  return { io, out, err, progress };
};

describe('CLI: the same code paths as the API', () => {
  let h: Harness;
  const run = (args: string[], io: CliIo) => runCommand(h.services, { workspaceId: h.workspaceId, webhookSecret: 'unused' }, args[0] ?? '', args.slice(1), io);

  beforeAll(async () => {
    h = await startHarness();
    await seedWinBackHistory(h);
  }, 60_000);
  afterAll(async () => h.close());

  it('backtest: shows progress, then the report compared with the live version', async () => {
    const c = capture();
    const code = await run(['backtest', winBackJourney.id, '--from', '2026-02-01', '--to', '2026-03-01'], c.io);
    expect(c.err).toEqual([]);
    expect(code).toBe(0);
    expect(c.progress.at(-1)).toEqual({ line: expect.stringContaining('100 %  2 of 2 customers · 3 events') as unknown as string, done: true });
    const report = c.out.join('\n');
    expect(report).toContain('What-if of the draft of win-back-inactive, 2026-02-01T00:00:00.000Z → 2026-03-01T00:00:00.000Z');
    expect(report).toContain('2 customers, 3 events → 2 runs');
    expect(report).toContain('converted 1, exited 1, still in the journey 0');
    // The coupon: 2 sent at 3 each in the draft against 9 each live.
    expect(c.out.find((l) => l.trim().startsWith('incentive'))?.trim().split(/\s{2,}/)).toEqual(['incentive', '2', '6.00', '2', '18.00', '−12.00']);
    expect(report).toContain('Conversions: 1 against 1 for the live version v1 (0)');
  });

  it('backtest --json prints the same view the API returns', async () => {
    const c = capture();
    expect(await run(['backtest', winBackJourney.id, '--from', String(T0), '--to', String(T0 + 30 * DAY), '--no-compare', '--json'], c.io)).toBe(0);
    const view = JSON.parse(c.out.join('\n')) as { status: string; baseline: unknown; candidate: { customers: number; effects: Record<string, { count: number; cost: number }> } };
    expect(view.status).toBe('done');
    expect(view.baseline).toBeNull();
    expect(view.candidate.effects.incentive).toEqual({ count: 2, cost: 6 });
  });

  it('backtest with a customer rule and a version', async () => {
    const c = capture();
    const rule = JSON.stringify({ kind: 'condition', field: 'customer.id', operator: 'eq', value: 'b' });
    expect(await run(['backtest', winBackJourney.id, '--from', '2026-02-01', '--to', '2026-03-01', '--version', '1', '--customers', rule], c.io)).toBe(0);
    expect(c.out.join('\n')).toContain('What-if of version 1 of win-back-inactive');
    expect(c.out.join('\n')).toContain('converted 0, exited 1');
  });

  it('backtest: Ctrl-C cancels and prints the partial report (exit 130)', async () => {
    const controller = new AbortController();
    controller.abort();
    const c = capture(controller.signal);
    expect(await run(['backtest', winBackJourney.id, '--from', '2026-02-01', '--to', '2026-03-01'], c.io)).toBe(130);
    expect(c.out[0]).toContain('What-if (cancelled: partial)');
  });

  it('backtest: bad input says which flag and how to fix it', async () => {
    const missing = capture();
    expect(await run(['backtest', winBackJourney.id, '--from', '2026-02-01'], missing.io)).toBe(2);
    expect(missing.err.join('\n')).toMatch(/--to: .*\nusage: rapport backtest/);
    const reversed = capture();
    expect(await run(['backtest', winBackJourney.id, '--from', '2026-03-01', '--to', '2026-02-01'], reversed.io)).toBe(2);
    expect(reversed.err.join('\n')).toContain('--to: "from" must be before "to"');
    const badRule = capture();
    expect(await run(['backtest', winBackJourney.id, '--from', '2026-02-01', '--to', '2026-03-01', '--customers', '{nope'], badRule.io)).toBe(1);
    expect(badRule.err.join('\n')).toContain('--customers is not JSON');
    const unknown = capture();
    expect(await run(['backtest', 'no-such-journey', '--from', '2026-02-01', '--to', '2026-03-01'], unknown.io)).toBe(1);
    expect(unknown.err.join('\n')).toContain('no-such-journey');
    const none = capture();
    expect(await run(['backtest'], none.io)).toBe(1);
    expect(none.err.join('\n')).toContain('name the journey');
  });

  it('runs and replay: list the runtime\'s runs and replay them exactly', async () => {
    await h.ingest('/v1/track', { userId: 'live-1', event: 'Inactive 60 Days', messageId: 'cli-live-1' });
    await h.drain();
    const runs = capture();
    expect(await run(['runs', '--customer', 'live-1'], runs.io)).toBe(0);
    const [line] = runs.out;
    const runId = line?.split('\t')[0] ?? '';
    expect(line?.split('\t').slice(1, 5)).toEqual([winBackJourney.id, 'v1', 'live-1', 'active']);
    const one = capture();
    expect(await run(['replay', runId], one.io)).toBe(0);
    expect(one.out[0]).toMatch(new RegExp(`^run ${runId} \\(\\d+ steps\\): matches$`));
    const all = capture();
    expect(await run(['replay', '--journey', winBackJourney.id], all.io)).toBe(0);
    // a and b's stored events were processed by the same drain: three runs in all.
    expect(all.out[0]).toBe(`3 of 3 runs of ${winBackJourney.id} replay exactly`);
  });
});
