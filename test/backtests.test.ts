import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { winBackJourney } from '../workflows/examples/win-back.js';
import { json, startHarness, type Harness } from './support/harness.js';
import { storeEvent } from './support/journeys.js';
import { DAY, seedWinBackHistory, T0 } from './support/win-back-history.js';


interface BacktestBody {
  id: string;
  status: string;
  progress: { customers: number; totalCustomers: number; events: number };
  candidate: { customers: number; runs: number; outcomes: { converted: number; exited: number; active: number }; effects: Record<string, { count: number; cost: number }>; nodes: Record<string, { entered: number; waiting: number }> };
  baseline: { outcomes: { converted: number }; effects: Record<string, { count: number; cost: number }> } | null;
  comparison: { effects: Record<string, { a: number; b: number; costDelta: number }>; conversions: { a: number; b: number; delta: number } } | null;
}

describe('backtests: what-if over stored history', () => {
  let h: Harness;
  const until = async (id: string): Promise<BacktestBody> => {
    for (let i = 0; i < 200; i += 1) {
      const body = await json<BacktestBody>(await h.admin(`/v1/backtests/${id}`), 200);
      if (body.status !== 'running') return body;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    throw new Error('the backtest did not finish');
  };

  beforeAll(async () => {
    h = await startHarness();
    // a buys back within the 14 days, b does not, c is phased out already.
    await seedWinBackHistory(h, { withIdentifyOnly: true });
  }, 60_000);
  afterAll(async () => h.close());

  it('simulates the draft and compares it with the live version, with no effects performed', async () => {
    const started = await json<BacktestBody>(
      await h.admin(`/v1/journeys/${winBackJourney.id}/backtests`, { method: 'POST', json: { from: new Date(T0).toISOString(), to: new Date(T0 + 30 * DAY).toISOString() } }),
      202,
    );
    const done = await until(started.id);
    expect(done.status).toBe('done');
    expect(done.progress).toMatchObject({ customers: 3, totalCustomers: 3, events: 4 });
    expect(done.candidate).toMatchObject({ customers: 3, runs: 2, outcomes: { converted: 1, exited: 1, active: 0 } });
    expect(done.candidate.effects).toEqual({ incentive: { count: 2, cost: 6 }, email: { count: 3, cost: 0 } });
    expect(done.baseline?.effects.incentive).toEqual({ count: 2, cost: 18 });
    expect(done.comparison).toMatchObject({ effects: { incentive: { a: 2, b: 2, costDelta: -12 } }, conversions: { a: 1, b: 1, delta: 0 } });
    // Nothing left the building: no outbox rows, no runs.
    const outbox = await json<{ runs: unknown[] }>(await h.admin('/v1/runs'), 200);
    expect(outbox.runs).toEqual([]);
  });

  it('filters customers by a rule and refuses bad requests with the field', async () => {
    const started = await json<BacktestBody>(
      await h.admin(`/v1/journeys/${winBackJourney.id}/backtests`, {
        method: 'POST',
        json: { from: T0, to: T0 + 30 * DAY, compare: false, customers: { kind: 'condition', field: 'customer.id', operator: 'eq', value: 'b' } },
      }),
      202,
    );
    const done = await until(started.id);
    expect(done.candidate).toMatchObject({ customers: 1, runs: 1, outcomes: { exited: 1 } });
    expect(done.baseline).toBeNull();
    const bad = await h.admin(`/v1/journeys/${winBackJourney.id}/backtests`, { method: 'POST', json: { from: T0 + DAY, to: T0 } });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { details: { path: string[] }[] } }).error.details[0]?.path).toEqual(['to']);
    expect((await h.admin('/v1/journeys/nope/backtests', { method: 'POST', json: { from: T0, to: T0 + DAY } })).status).toBe(404);
  });

  it('can be cancelled, keeping the partial report', async () => {
    for (let i = 0; i < 600; i += 1) await storeEvent(h, `bulk-${String(i).padStart(3, '0')}`, 'track', { properties: {} }, { name: 'Inactive 60 Days', at: T0 + 3 * DAY });
    const started = await json<BacktestBody>(await h.admin(`/v1/journeys/${winBackJourney.id}/backtests`, { method: 'POST', json: { from: T0, to: T0 + 30 * DAY } }), 202);
    await json(await h.admin(`/v1/backtests/${started.id}`, { method: 'DELETE' }), 200);
    const done = await until(started.id);
    expect(done.status).toBe('cancelled');
    expect(done.progress.customers).toBeLessThan(done.progress.totalCustomers);
    expect(done.candidate.customers).toBe(done.progress.customers);
  });
});
