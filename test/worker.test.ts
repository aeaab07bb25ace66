import { and, asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { customers, effects, events, runSteps, runs, stageChanges, timers } from '../drizzle/schema.js';
import { processBatch } from '../server/runtime/worker.js';
import type { JourneyGraphInput } from '../workflows/index.js';
import { startHarness, type Harness } from './support/harness.js';
import { publishDirect, storeEvent } from './support/journeys.js';
import { postgresUrl } from './support/database.js';

const DAY = 86_400_000;

const winBack: JourneyGraphInput = {
  id: 'win-back',
  name: 'Win-back',
  nodes: [
    { id: 'inactive', kind: 'trigger_event', params: { event: 'Inactive 60 Days' } },
    { id: 'offer', kind: 'send_email', params: { subject: 'We miss you, {{ customer.traits.first_name }}', body: 'Come back' } },
    { id: 'wait-order', kind: 'wait_for_event', params: { event: 'Order Completed', timeout: { amount: 14, unit: 'days' } } },
    { id: 'retained', kind: 'set_stage', params: { stage: 'retain_develop' } },
    { id: 'won', kind: 'goal_reached', params: {} },
    { id: 'farewell', kind: 'send_email', params: { subject: 'Goodbye', body: 'Thanks for everything' } },
    { id: 'phased-out', kind: 'set_stage', params: { stage: 'phased_out' } },
    { id: 'done', kind: 'exit', params: {} },
  ],
  edges: [
    { id: 'e1', source: 'inactive', outcome: 'next', target: 'offer' },
    { id: 'e2', source: 'offer', outcome: 'next', target: 'wait-order' },
    { id: 'e3', source: 'wait-order', outcome: 'received', target: 'retained' },
    { id: 'e4', source: 'retained', outcome: 'next', target: 'won' },
    { id: 'e5', source: 'wait-order', outcome: 'timed_out', target: 'farewell' },
    { id: 'e6', source: 'farewell', outcome: 'next', target: 'phased-out' },
    { id: 'e7', source: 'phased-out', outcome: 'next', target: 'done' },
  ],
};

const drain = (h: Harness) => h.drain();

describe('worker: per-customer stepping on the real database', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
    await publishDirect(h, winBack);
  });
  afterAll(async () => h.close());

  it('starts a run on a matching event, sends the effect to the outbox and schedules the timeout', async () => {
    await storeEvent(h, 'ada', 'identify', { traits: { first_name: 'Ada', email: 'ada@example.com' } });
    await storeEvent(h, 'ada', 'track', { properties: {} }, { name: 'Inactive 60 Days' });
    await drain(h);
    const [run] = await h.services.db.select().from(runs).where(eq(runs.customerId, 'ada'));
    expect(run).toMatchObject({ journeyId: 'win-back', version: 1, status: 'active', currentNode: 'wait-order' });
    const outbox = await h.services.db.select().from(effects).where(eq(effects.customerId, 'ada'));
    expect(outbox).toHaveLength(1);
    expect(outbox[0]).toMatchObject({ channel: 'email', status: 'pending', nodeId: 'offer', idempotencyKey: `${run?.id}:1:0` });
    expect(outbox[0]?.payload).toMatchObject({ to: 'ada@example.com', subject: 'We miss you, Ada' });
    const pending = await h.services.db.select().from(timers).where(eq(timers.customerId, 'ada'));
    expect(pending.map((t) => t.dueAt)).toEqual([h.clock.now() + 14 * DAY]);
    const pendingEvents = await h.services.db.select().from(events).where(and(eq(events.customerId, 'ada')));
    expect(pendingEvents.every((e) => e.processedAt !== null)).toBe(true);
  });

  it('fires the timeout when due: farewell, stage phased_out (audited), run exited, timer gone', async () => {
    h.clock.advance(14 * DAY - 1);
    expect(await drain(h)).toBe(0);
    h.clock.advance(1);
    expect(await drain(h)).toBe(1);
    const [run] = await h.services.db.select().from(runs).where(eq(runs.customerId, 'ada'));
    expect(run).toMatchObject({ status: 'done', outcome: 'exited', currentNode: 'done' });
    const steps = await h.services.db.select().from(runSteps).where(eq(runSteps.runId, run?.id ?? '')).orderBy(asc(runSteps.seq));
    expect(steps.map((s) => s.step.path)).toEqual([['inactive', 'offer', 'wait-order'], ['farewell', 'phased-out', 'done']]);
    const [customer] = await h.services.db.select().from(customers).where(eq(customers.id, 'ada'));
    expect(customer?.stage).toBe('phased_out');
    const audit = await h.services.db.select().from(stageChanges).where(eq(stageChanges.customerId, 'ada'));
    expect(audit).toMatchObject([{ fromStage: null, toStage: 'phased_out' }]);
    expect(audit[0]?.cause).toContain('win-back');
    expect(await h.services.db.select().from(timers).where(eq(timers.customerId, 'ada'))).toEqual([]);
  });

  it('an awaited event converts and cancels the timeout; the same messageId twice is applied once', async () => {
    await storeEvent(h, 'bob', 'track', { properties: {} }, { name: 'Inactive 60 Days', messageId: 'm-bob-1' });
    await storeEvent(h, 'bob', 'track', { properties: {} }, { name: 'Inactive 60 Days', messageId: 'm-bob-1' });
    await drain(h);
    h.clock.advance(DAY);
    await storeEvent(h, 'bob', 'track', { properties: { total: 40 } }, { name: 'Order Completed' });
    await drain(h);
    const bobRuns = await h.services.db.select().from(runs).where(eq(runs.customerId, 'bob'));
    expect(bobRuns).toHaveLength(1);
    expect(bobRuns[0]).toMatchObject({ status: 'done', outcome: 'converted' });
    expect(await h.services.db.select().from(timers).where(eq(timers.customerId, 'bob'))).toEqual([]);
    expect(await h.services.db.select().from(effects).where(eq(effects.customerId, 'bob'))).toHaveLength(1);
  });

  it('parks a customer whose event cannot be applied, with the reason, and carries on with others', async () => {
    await storeEvent(h, 'eve', 'track', { properties: {} }, { name: 'Inactive 60 Days' });
    await h.services.db.update(events).set({ payload: { properties: 'not an object' } }).where(eq(events.customerId, 'eve'));
    await storeEvent(h, 'fay', 'track', { properties: {} }, { name: 'Inactive 60 Days' });
    await drain(h);
    const [bad] = await h.services.db.select().from(events).where(eq(events.customerId, 'eve'));
    expect(bad?.processedAt).not.toBeNull();
    expect(bad?.error).toMatch(/expected record|object/i);
    expect(await h.services.db.select().from(runs).where(eq(runs.customerId, 'fay'))).toHaveLength(1);
  });
});

// PostgreSQL only: PGlite is one in-process connection, so two workers cannot contend on it.
describe.runIf(postgresUrl)('worker: two workers on one PostgreSQL', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ RAPPORT_BATCH_CUSTOMERS: 5 });
    await publishDirect(h, { ...winBack, settings: { entry: { mode: 'every_time' } } });
  });
  afterAll(async () => h.close());

  it('processes every event exactly once and keeps per-customer order', async () => {
    for (let i = 0; i < 40; i += 1) {
      for (let n = 0; n < 3; n += 1) await storeEvent(h, `c${i}`, 'track', { properties: { n } }, { name: 'Inactive 60 Days' });
    }
    const work = async () => {
      let steps = 0;
      for (;;) {
        const report = await processBatch(h.services);
        if (report.customers === 0) return steps;
        steps += report.steps;
      }
    };
    const [a, b] = await Promise.all([work(), work()]);
    // 120 starts; events that do not concern an active run are not recorded as steps.
    expect((a ?? 0) + (b ?? 0)).toBe(120);
    const all = await h.services.db.select().from(runs);
    expect(all).toHaveLength(120);
    const steps = await h.services.db.select().from(runSteps);
    for (let i = 0; i < 40; i += 1) {
      const mine = steps.filter((s) => s.customerId === `c${i}`).map((s) => (s.step.input.type === 'start' && s.step.input.event?.type === 'track' ? s.step.input.event.properties.n : -1));
      expect(mine).toEqual([0, 1, 2]);
    }
  });
});

describe('worker: timers follow the run', () => {
  // Each order confirms and waits again: the wait's timeout is set again after every order.
  const orders: JourneyGraphInput = {
    id: 'orders',
    name: 'Orders',
    nodes: [
      { id: 'signup', kind: 'trigger_event', params: { event: 'Signed Up' } },
      { id: 'wait', kind: 'wait_for_event', params: { event: 'Order Completed', timeout: { amount: 30, unit: 'days' } } },
      { id: 'thanks', kind: 'send_email', params: { subject: 'Order confirmed', body: 'Thank you.' } },
      { id: 'bye', kind: 'exit', params: { reason: 'no order' } },
    ],
    edges: [
      { id: 'e1', source: 'signup', outcome: 'next', target: 'wait' },
      { id: 'e2', source: 'wait', outcome: 'received', target: 'thanks' },
      { id: 'e3', source: 'thanks', outcome: 'next', target: 'wait' },
      { id: 'e4', source: 'wait', outcome: 'timed_out', target: 'bye' },
    ],
  };
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
    await publishDirect(h, orders);
  });
  afterAll(async () => h.close());

  it('a timeout set again is moved, not doubled; it fires from the last order, then is gone', async () => {
    await storeEvent(h, 'kim', 'identify', { traits: { email: 'kim@example.com' } });
    await storeEvent(h, 'kim', 'track', { properties: {} }, { name: 'Signed Up' });
    await drain(h);
    const timersOfKim = () => h.services.db.select().from(timers).where(eq(timers.customerId, 'kim'));
    expect((await timersOfKim()).map((t) => t.dueAt)).toEqual([h.clock.now() + 30 * DAY]);
    for (let n = 0; n < 3; n += 1) {
      h.clock.advance(10 * DAY);
      await storeEvent(h, 'kim', 'track', { properties: { n } }, { name: 'Order Completed' });
      await drain(h);
      const pending = await timersOfKim();
      expect(pending.map((t) => t.dueAt)).toEqual([h.clock.now() + 30 * DAY]);
    }
    const lastOrderAt = h.clock.now();
    h.clock.advance(30 * DAY - 1);
    expect(await drain(h)).toBe(0);
    h.clock.advance(1);
    expect(await drain(h)).toBe(1);
    const [run] = await h.services.db.select().from(runs).where(eq(runs.customerId, 'kim'));
    expect(run).toMatchObject({ status: 'done', outcome: 'exited', currentNode: 'bye' });
    const steps = await h.services.db.select().from(runSteps).where(eq(runSteps.runId, run?.id ?? '')).orderBy(asc(runSteps.seq));
    expect(steps.at(-1)?.at).toBe(lastOrderAt + 30 * DAY);
    expect(await timersOfKim()).toEqual([]);
    expect(await h.services.db.select().from(effects).where(eq(effects.customerId, 'kim'))).toHaveLength(3);
  });
});
