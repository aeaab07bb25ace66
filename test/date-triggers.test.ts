import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dateSchedules, effects, runs } from '../drizzle/schema.js';
import { backfillDateSchedules } from '../server/runtime/date-schedules.js';
import type { JourneyGraphInput } from '../workflows/index.js';
import { startHarness, type Harness } from './support/harness.js';
import { publishDirect, storeEvent } from './support/journeys.js';

const dateJourney = (id: string, trigger: Record<string, unknown>): JourneyGraphInput => ({
  id,
  name: id,
  nodes: [
    { id: 'date', kind: 'trigger_date', params: trigger },
    { id: 'mail', kind: 'send_email', params: { subject: 'Hello {{ customer.traits.first_name }}', body: 'b' } },
    { id: 'done', kind: 'goal_reached', params: {} },
  ],
  edges: [
    { id: 'e1', source: 'date', outcome: 'next', target: 'mail' },
    { id: 'e2', source: 'mail', outcome: 'next', target: 'done' },
  ],
  settings: { entry: { mode: 'every_time' } },
});

describe('date-relative triggers in the runtime', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
    h.clock.set(Date.UTC(2026, 0, 5, 9));
    await publishDirect(h, dateJourney('renewal', { trait: 'renewal_date', direction: 'before', offset: { amount: 30, unit: 'days' }, at: '09:00' }));
    await publishDirect(h, dateJourney('birthday', { trait: 'birthday', direction: 'after', offset: { amount: 0, unit: 'days' }, at: '10:00', yearly: true }));
  }, 60_000);
  afterAll(async () => h.close());

  const schedulesOf = (customerId: string) => h.services.db.select().from(dateSchedules).where(eq(dateSchedules.customerId, customerId));

  it('schedules a customer when their date trait arrives, in their time zone', async () => {
    await storeEvent(h, 'ada', 'identify', { traits: { first_name: 'Ada', email: 'ada@example.com', renewal_date: '2026-03-01' }, timezone: 'Europe/Berlin' });
    await h.drain();
    // 30 days before 1 March is 30 January; 09:00 in Berlin (UTC+1) is 08:00Z.
    expect((await schedulesOf('ada')).map((s) => [s.journeyId, s.nodeId, s.dueAt])).toEqual([['renewal', 'date', Date.UTC(2026, 0, 30, 8)]]);
  });

  it('starts the run when the date is reached, not a minute before, and only once', async () => {
    h.clock.set(Date.UTC(2026, 0, 30, 7, 59));
    await h.drain();
    expect(await h.services.db.select().from(runs).where(eq(runs.customerId, 'ada'))).toEqual([]);
    h.clock.set(Date.UTC(2026, 0, 30, 8));
    await h.drain();
    await h.drain();
    const adaRuns = await h.services.db.select().from(runs).where(eq(runs.customerId, 'ada'));
    expect(adaRuns.map((r) => [r.journeyId, r.outcome])).toEqual([['renewal', 'converted']]);
    const mails = await h.services.db.select().from(effects).where(eq(effects.customerId, 'ada'));
    expect(mails.map((m) => m.payload.subject)).toEqual(['Hello Ada']);
    expect(await schedulesOf('ada')).toEqual([]);
  });

  it('a yearly trigger fires on the anniversary and schedules the next one', async () => {
    h.clock.set(Date.UTC(2026, 5, 1));
    await storeEvent(h, 'bo', 'identify', { traits: { birthday: '1990-06-15' } });
    await h.drain();
    expect((await schedulesOf('bo')).map((s) => s.dueAt)).toEqual([Date.UTC(2026, 5, 15, 10)]);
    h.clock.set(Date.UTC(2026, 5, 15, 10));
    await h.drain();
    expect((await h.services.db.select().from(runs).where(eq(runs.customerId, 'bo'))).map((r) => r.journeyId)).toEqual(['birthday']);
    expect((await schedulesOf('bo')).map((s) => s.dueAt)).toEqual([Date.UTC(2027, 5, 15, 10)]);
  });

  it('fills in schedules for customers who were there before the journey went live', async () => {
    await storeEvent(h, 'cy', 'identify', { traits: { anniversary: '2020-09-01' } });
    await h.drain();
    await publishDirect(h, dateJourney('anniversary', { trait: 'anniversary', direction: 'before', offset: { amount: 1, unit: 'days' }, yearly: true }));
    await h.services.db.delete(dateSchedules).where(eq(dateSchedules.customerId, 'cy'));
    const written = await backfillDateSchedules(h.services, new Set());
    expect(written).toBeGreaterThanOrEqual(1);
    expect((await schedulesOf('cy')).map((s) => [s.journeyId, s.dueAt])).toEqual([['anniversary', Date.UTC(2026, 7, 31, 9)]]);
  });
});
