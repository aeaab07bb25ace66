import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { journeyVersions, runs } from '../drizzle/schema.js';
import type { CompiledJourney, JourneyGraphInput } from '../workflows/index.js';
import { json, startHarness, type Harness } from './support/harness.js';
import { publishDirect, storeEvent } from './support/journeys.js';

const DAY = 86_400_000;

const winBack: JourneyGraphInput = {
  id: 'win-back',
  name: 'Win-back',
  nodes: [
    { id: 'inactive', kind: 'trigger_event', params: { event: 'Inactive 60 Days', rule: { kind: 'condition', field: 'event.properties.days', operator: 'gte', value: 60 } } },
    { id: 'vip', kind: 'condition_rule', params: { rule: { kind: 'condition', field: 'customer.traits.ltv', operator: 'gt', value: 500 } } },
    { id: 'offer', kind: 'give_incentive', params: { type: 'percent_discount', value: 20, cost: 15 } },
    { id: 'mail', kind: 'send_email', params: { subject: 'We miss you, {{ customer.traits.first_name }}', body: 'Come back' } },
    { id: 'wait-order', kind: 'wait_for_event', params: { event: 'Order Completed', timeout: { amount: 14, unit: 'days' } } },
    { id: 'retained', kind: 'set_stage', params: { stage: 'retain_develop' } },
    { id: 'won', kind: 'goal_reached', params: {} },
    { id: 'farewell', kind: 'send_email', params: { subject: 'Goodbye, {{ customer.traits.first_name }}', body: 'Thanks' } },
    { id: 'phased-out', kind: 'set_stage', params: { stage: 'phased_out' } },
    { id: 'done', kind: 'exit', params: {} },
  ],
  edges: [
    { id: 'e1', source: 'inactive', outcome: 'next', target: 'vip' },
    { id: 'e2', source: 'vip', outcome: 'yes', target: 'offer' },
    { id: 'e3', source: 'vip', outcome: 'no', target: 'mail' },
    { id: 'e4', source: 'offer', outcome: 'next', target: 'mail' },
    { id: 'e5', source: 'mail', outcome: 'next', target: 'wait-order' },
    { id: 'e6', source: 'wait-order', outcome: 'received', target: 'retained' },
    { id: 'e7', source: 'retained', outcome: 'next', target: 'won' },
    { id: 'e8', source: 'wait-order', outcome: 'timed_out', target: 'farewell' },
    { id: 'e9', source: 'farewell', outcome: 'next', target: 'phased-out' },
    { id: 'e10', source: 'phased-out', outcome: 'next', target: 'done' },
  ],
};

interface ReplayBody {
  matched: boolean;
  steps: number;
  divergence: { seq: number; path: string; recorded: unknown; replayed: unknown; message: string } | null;
}

describe('replay: recorded inputs through the pinned version reproduce every step', () => {
  let h: Harness;
  const runOf = async (customerId: string) => {
    const [run] = await h.services.db.select().from(runs).where(eq(runs.customerId, customerId));
    if (!run) throw new Error(`no run for ${customerId}`);
    return run;
  };
  const replay = async (runId: string) => json<ReplayBody>(await h.admin(`/v1/runs/${runId}/replay`, { method: 'POST' }), 200);

  beforeAll(async () => {
    // This file tampers with a stored version on purpose, so the harness's own replay-on-close is off.
    h = await startHarness({}, { replayOnClose: false });
    await publishDirect(h, winBack);
    await storeEvent(h, 'ada', 'identify', { traits: { first_name: 'Ada', ltv: 900 } });
    await storeEvent(h, 'ada', 'track', { properties: { days: 61 } }, { name: 'Inactive 60 Days' });
    await storeEvent(h, 'bob', 'identify', { traits: { first_name: 'Bob', ltv: 100 } });
    await storeEvent(h, 'bob', 'track', { properties: { days: 75 } }, { name: 'Inactive 60 Days' });
    await h.drain();
    h.clock.advance(2 * DAY);
    await storeEvent(h, 'ada', 'track', { properties: { total: 80 } }, { name: 'Order Completed' });
    await h.drain();
    h.clock.advance(13 * DAY);
    await h.drain();
  }, 60_000);
  afterAll(async () => h.close());

  it('a converted run and a timed-out run both replay exactly', async () => {
    const ada = await runOf('ada');
    const bob = await runOf('bob');
    expect([ada.outcome, bob.outcome]).toEqual(['converted', 'exited']);
    expect(await replay(ada.id)).toMatchObject({ matched: true, steps: 2, divergence: null });
    expect(await replay(bob.id)).toMatchObject({ matched: true, steps: 2, divergence: null });
  });

  it('the whole journey replays in bulk', async () => {
    const report = await json<{ runs: number; matched: number; diverged: unknown[] }>(await h.admin('/v1/journeys/win-back/replay', { method: 'POST' }), 200);
    expect(report).toEqual({ journeyId: 'win-back', runs: 2, matched: 2, diverged: [] });
  });

  it('a changed version is caught at the right step and field', async () => {
    // Change the farewell subject inside the stored machine: only Bob's second step used it.
    const [stored] = await h.services.db.select().from(journeyVersions).where(and(eq(journeyVersions.journeyId, 'win-back'), eq(journeyVersions.version, 1)));
    const compiled = structuredClone(stored?.compiled) as CompiledJourney;
    const farewell = compiled.machine.states.farewell?.entry?.find((a) => a.type === 'rapport.effect');
    (farewell?.params?.params as { subject: string }).subject = 'So long, {{ customer.traits.first_name }}';
    await h.services.db.update(journeyVersions).set({ compiled }).where(eq(journeyVersions.journeyId, 'win-back'));
    // A fresh process would load the changed version; clear this one's cache.
    const fresh = await startHarnessCacheFree(h);
    const bob = await runOf('bob');
    const result = await json<ReplayBody>(await fresh(`/v1/runs/${bob.id}/replay`), 200);
    expect(result.matched).toBe(false);
    expect(result.divergence).toMatchObject({ seq: 2, path: 'effects.0.payload.subject', recorded: 'Goodbye, Bob', replayed: 'So long, Bob' });
    expect(result.divergence?.message).toContain('step 2 differs at effects.0.payload.subject');
    const ada = await runOf('ada');
    expect(await json<ReplayBody>(await fresh(`/v1/runs/${ada.id}/replay`), 200)).toMatchObject({ matched: true });
  });

  it('a changed timeout diverges at the step that set the timer', async () => {
    await h.services.db.execute(sql`update journey_versions set compiled = jsonb_set(compiled, '{delays,wait-order:timeout,params,ms}', '1')`);
    const fresh = await startHarnessCacheFree(h);
    const bob = await runOf('bob');
    const result = await json<ReplayBody>(await fresh(`/v1/runs/${bob.id}/replay`), 200);
    expect(result.divergence).toMatchObject({ seq: 1, path: 'timersSet.0.dueAt' });
  });

  it('an unknown run is a 404', async () => {
    const response = await h.admin('/v1/runs/nope/replay', { method: 'POST' });
    expect(response.status).toBe(404);
  });
});

/** The app with a fresh version cache (what a restarted process would see). */
const startHarnessCacheFree = async (h: Harness) => {
  const { createVersionCache } = await import('../server/runtime/versions.js');
  const { createApp } = await import('../server/app.js');
  const app = createApp({ ...h.services, versions: createVersionCache(h.services.db, h.services.now) });
  const { adminKey } = await import('./support/harness.js');
  return (path: string) => app.request(path, { method: 'POST', headers: { authorization: `Bearer ${adminKey}` } });
};
