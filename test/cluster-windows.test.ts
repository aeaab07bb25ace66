import { and, asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { customers, events, reevaluations, runs, segmentChanges } from '../drizzle/schema.js';
import { settleBackground } from '../server/runtime/background.js';
import type { ClusterDefinition } from '../workflows/clusters.js';
import type { JourneyGraphInput } from '../workflows/index.js';
import { json, startHarness, type Harness } from './support/harness.js';

const DAY = 86_400_000;

/** Contribution: Order Completed revenue in the last 30 days (high from 100); lifetime value: a trait (high from 1000). */
const definition: ClusterDefinition = {
  contribution: { type: 'event_sum', event: 'Order Completed', property: 'revenue', withinDays: 30 },
  lifetimeValue: { type: 'trait', trait: 'lifetime_value' },
  thresholds: { contribution: 100, lifetimeValue: 1000 },
};

/** Reacts to a star falling back to question mark. */
const fallen: JourneyGraphInput = {
  id: 'fallen-star',
  name: 'Fallen star',
  nodes: [
    { id: 'start', kind: 'trigger_event', params: { event: 'Cluster Changed', rule: { kind: 'condition', field: 'event.properties.from', operator: 'eq', value: 'star' } } },
    { id: 'mail', kind: 'send_email', params: { subject: 'We miss your orders', body: 'b' } },
    { id: 'done', kind: 'exit', params: {} },
  ],
  edges: [
    { id: 'e1', source: 'start', outcome: 'next', target: 'mail' },
    { id: 'e2', source: 'mail', outcome: 'next', target: 'done' },
  ],
};

describe('value clusters re-placed when a window edge passes', () => {
  let h: Harness;
  let t0: number;
  const clusterOf = async (id: string) => (await h.services.db.select({ cluster: customers.cluster }).from(customers).where(eq(customers.id, id)))[0]?.cluster;
  const announced = async (id: string) =>
    (await h.services.db.select().from(events).where(and(eq(events.customerId, id), eq(events.name, 'Cluster Changed'))).orderBy(asc(events.seq))).map((e) => {
      const p = e.payload['properties'] as { from: string | null; to: string | null };
      return [p.from, p.to, e.at];
    });
  const dueOf = async (id: string) => (await h.services.db.select().from(reevaluations).where(eq(reevaluations.customerId, id))).map((r) => [r.subject, r.dueAt]).sort();
  const order = async (userId: string, revenue: number, at: number) =>
    json(await h.ingest('/v1/track', { userId, event: 'Order Completed', properties: { revenue }, timestamp: new Date(at).toISOString() }), 200);

  beforeAll(async () => {
    h = await startHarness();
    t0 = h.clock.now();
    await json(await h.admin('/v1/settings/clusters', { method: 'PUT', json: definition }), 200);
    await json(await h.admin('/v1/journeys', { method: 'POST', json: fallen }), 201);
    await json(await h.admin(`/v1/journeys/${fallen.id}/publish`, { method: 'POST', json: { note: 'v1' } }), 201);
    await json(await h.admin('/v1/segments', { method: 'POST', json: { id: 'stars', name: 'Stars', definition: { rule: { kind: 'condition', field: 'customer.cluster', operator: 'eq', value: 'star' } } } }), 201);
    await settleBackground(h.services);
  }, 60_000);
  afterAll(async () => h.close());

  it('schedules the moment the orders that make a star age out', async () => {
    await json(await h.ingest('/v1/identify', { userId: 'ada', traits: { lifetime_value: 5000 } }), 200);
    await order('ada', 80, t0 - 20 * DAY);
    await order('ada', 40, t0 - 5 * DAY);
    await h.drain();
    expect(await clusterOf('ada')).toBe('star');
    // 80 leaves the window 10 days from now: 40 < 100. (Traits-only segments need no schedule.)
    expect(await dueOf('ada')).toEqual([['clusters', t0 + 10 * DAY]]);
    expect((await h.services.db.select().from(segmentChanges).where(eq(segmentChanges.customerId, 'ada'))).map((c) => c.change)).toEqual(['entered']);
  });

  it('is re-placed then, announces the change, leaves the cluster-based segment, and journeys react', async () => {
    h.clock.set(t0 + 10 * DAY - 1);
    await h.drain();
    expect(await clusterOf('ada')).toBe('star');
    h.clock.set(t0 + 10 * DAY);
    await h.drain();
    expect(await clusterOf('ada')).toBe('question_mark');
    expect(await announced('ada')).toEqual([
      [null, 'star', t0],
      ['star', 'question_mark', t0 + 10 * DAY],
    ]);
    const [message] = await h.services.db.select().from(events).where(and(eq(events.customerId, 'ada'), eq(events.at, t0 + 10 * DAY), eq(events.name, 'Cluster Changed')));
    expect(message?.messageId).toBe(`cluster:ada:t${t0 + 10 * DAY}`);
    // The segment over customer.cluster saw the new cluster in the same re-evaluation.
    expect((await h.services.db.select().from(segmentChanges).where(eq(segmentChanges.customerId, 'ada')).orderBy(asc(segmentChanges.id))).map((c) => [c.change, c.cause, c.at])).toEqual([
      ['entered', 'event', t0],
      ['left', 'time', t0 + 10 * DAY],
    ]);
    expect((await h.services.db.select().from(runs).where(eq(runs.customerId, 'ada'))).map((r) => [r.journeyId, r.outcome])).toEqual([['fallen-star', 'exited']]);
    // 40 leaves too, 5 days later, but 0 and 40 are both low: nothing left to schedule.
    expect(await dueOf('ada')).toEqual([]);
  });

  it('a new definition without windows clears the schedule', async () => {
    await order('bo', 500, h.clock.now());
    await json(await h.ingest('/v1/identify', { userId: 'bo', traits: { lifetime_value: 10 } }), 200);
    await h.drain();
    expect(await clusterOf('bo')).toBe('cash_cow');
    expect(await dueOf('bo')).toEqual([['clusters', h.clock.now() + 30 * DAY]]);
    await json(await h.admin('/v1/settings/clusters', { method: 'PUT', json: { ...definition, contribution: { type: 'trait', trait: 'spend' } } }), 200);
    await settleBackground(h.services);
    expect(await dueOf('bo')).toEqual([]);
  });
});
