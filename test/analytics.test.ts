import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { customers, effects, runs } from '../drizzle/schema.js';
import { complaintHandlingJourney } from '../workflows/examples/complaint-handling.js';
import type { Breakdown } from '../server/runtime/analytics.js';
import { json, startHarness, type Harness } from './support/harness.js';
import { publishDirect, storeEvent } from './support/journeys.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

interface Report {
  totals: Breakdown;
  byCluster: Breakdown[];
  byVersion: Breakdown[];
  byStage: Breakdown[];
  funnel: { nodeId: string; entered: number }[];
  effects: { channel: string; status: string; count: number; cost: number }[];
  timeToGoal: { label: string; count: number }[];
  conversionsByDay: { day: string; converted: number }[];
}

describe('journey report and exports', () => {
  let h: Harness;
  const start = Date.UTC(2026, 0, 5, 9);
  beforeAll(async () => {
    h = await startHarness();
    h.clock.set(start);
    await publishDirect(h, complaintHandlingJourney);
    const people: [string, string][] = [['s1', 'star'], ['s2', 'star'], ['q1', 'question_mark'], ['q2', 'question_mark'], ['d1', 'dog']];
    for (const [id, cluster] of people) {
      await storeEvent(h, id, 'identify', { traits: { first_name: id, email: `${id}@example.com` } });
      await h.services.db.update(customers).set({ cluster: cluster as 'star' }).where(eq(customers.id, id));
    }
    await h.drain();
    for (const [id] of people) await storeEvent(h, id, 'track', { properties: {} }, { name: 'Complaint Filed' });
    await h.drain();
    h.clock.advance(HOUR);
    await h.drain(); // the stars' 30-minute delay fires
    await storeEvent(h, 'q1', 'track', { properties: {} }, { name: 'Discount Requested' });
    h.clock.advance(HOUR);
    await storeEvent(h, 's1', 'track', { properties: {} }, { name: 'Complaint Resolved' });
    await h.drain();
    h.clock.advance(DAY);
    await storeEvent(h, 'q2', 'track', { properties: {} }, { name: 'Complaint Resolved' });
    await h.drain();
  }, 60_000);
  afterAll(async () => h.close());

  const report = async (query = '') => json<Report>(await h.admin(`/v1/journeys/${complaintHandlingJourney.id}/report?from=${start - DAY}&to=${start + 2 * DAY}${query}`), 200);

  it('totals, conversion and cost per conversion equal what the rows say', async () => {
    const r = await report();
    const rows = await h.services.db.select().from(runs).where(eq(runs.journeyId, complaintHandlingJourney.id));
    const converted = rows.filter((x) => x.outcome === 'converted');
    const outbox = await h.services.db.select().from(effects);
    const cost = outbox.filter((e) => e.status === 'pending' || e.status === 'sent').reduce((sum, e) => sum + (e.cost ?? 0), 0);
    expect(r.totals).toMatchObject({
      runs: rows.length,
      converted: converted.length,
      exited: rows.filter((x) => x.outcome === 'exited').length,
      active: rows.filter((x) => x.status === 'active').length,
      cost,
    });
    expect(r.totals).toMatchObject({ runs: 5, converted: 2, exited: 1, active: 2 });
    expect(r.totals.conversionRate).toBeCloseTo(2 / 5);
    expect(r.totals.costPerConversion).toBeCloseTo(cost / 2);
    // s1 converted after 2 hours, q2 after 1 day and 2 hours: the median of two is the lower one here.
    const took = converted.map((x) => (x.endedAt ?? 0) - x.enteredAt).sort((a, b) => a - b);
    expect(took).toEqual([2 * HOUR, DAY + 2 * HOUR]);
    expect(r.totals.medianTimeToGoalMs).toBe((2 * HOUR + DAY + 2 * HOUR) / 2);
    expect(r.timeToGoal.find((b) => b.label === '≤ 1 day')?.count).toBe(1);
    expect(r.timeToGoal.find((b) => b.label === '≤ 3 days')?.count).toBe(1);
  });

  it('breaks down by value cluster at entry and by version', async () => {
    const r = await report();
    const byCluster = Object.fromEntries(r.byCluster.map((b) => [b.key, [b.runs, b.converted]]));
    expect(byCluster).toEqual({ star: [2, 1], question_mark: [2, 1], dog: [1, 0] });
    expect(r.byVersion.map((b) => [b.key, b.runs])).toEqual([['1', 5]]);
    expect(r.byStage.map((b) => [b.key, b.runs])).toEqual([[null, 5]]);
    expect(r.conversionsByDay.reduce((n, d) => n + d.converted, 0)).toBe(2);
  });

  it('the funnel and effect counts match the steps and the outbox', async () => {
    const r = await report();
    const funnel = Object.fromEntries(r.funnel.map((f) => [f.nodeId, f.entered]));
    expect(funnel).toMatchObject({ 'complaint-trigger': 5, 'cluster-switch': 5, 'star-apology-mail': 2, 'manager-call-task': 2, 'qm-apology-mail': 2, 'qm-discount': 1, 'default-apology-mail': 1 });
    const outbox = await h.services.db.select().from(effects);
    for (const row of r.effects) expect(row.count).toBe(outbox.filter((e) => e.channel === row.channel && e.status === row.status).length);
    expect(r.effects.reduce((n, e) => n + e.count, 0)).toBe(outbox.length);
  });

  it('exports the report as CSV and runs and steps as CSV and NDJSON', async () => {
    const csv = await h.admin(`/v1/journeys/${complaintHandlingJourney.id}/report?from=${start - DAY}&to=${start + 2 * DAY}&format=csv`);
    expect(csv.headers.get('content-type')).toContain('text/csv');
    const lines = (await csv.text()).trim().split('\n');
    expect(lines[0]).toBe('dimension,key,runs,converted,exited,active,conversionRate,medianTimeToGoalMs,cost,costPerConversion');
    expect(lines[1]?.startsWith('total,,5,2,1,2,0.4,')).toBe(true);
    const ndjson = await (await h.admin(`/v1/journeys/${complaintHandlingJourney.id}/export/runs?from=${start - DAY}&to=${start + 2 * DAY}`)).text();
    expect(ndjson.trim().split('\n').map((l) => (JSON.parse(l) as { customerId: string }).customerId).sort()).toEqual(['d1', 'q1', 'q2', 's1', 's2']);
    const steps = await (await h.admin(`/v1/journeys/${complaintHandlingJourney.id}/export/steps?format=csv&from=${start - DAY}&to=${start + 2 * DAY}`)).text();
    const stepLines = steps.trim().split('\n');
    expect(stepLines[0]).toBe('runId,seq,at,customerId,stateBefore,stateAfter,input,path,guards,effects,outcome');
    expect(stepLines.length - 1).toBeGreaterThanOrEqual(5);
  });

  it('bad queries and unknown journeys get clear errors', async () => {
    expect((await h.admin('/v1/journeys/nope/report')).status).toBe(404);
    const bad = await h.admin(`/v1/journeys/${complaintHandlingJourney.id}/report?format=xml`);
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { details: { path: string[] }[] } }).error.details[0]?.path).toEqual(['query', 'format']);
  });
});
