import { and, asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, customers, events, reevaluations, runs, segmentChanges, segmentMembers, segments } from '../drizzle/schema.js';
import { settleBackground } from '../server/runtime/background.js';
import { resumeSegmentBackfills, type SegmentSummary } from '../server/runtime/segments.js';
import type { JourneyGraphInput } from '../workflows/index.js';
import type { SegmentDefinition } from '../workflows/segments.js';
import { json, startHarness, type Harness } from './support/harness.js';

const DAY = 86_400_000;
const HOUR = 3_600_000;

interface ErrorBody {
  error: { code: string; message: string; details?: { path?: (string | number)[]; message: string }[] };
}
type Summary = SegmentSummary;

/** "Did Page Viewed at least 3 times in the last 7 days." */
const engaged: SegmentDefinition = { rule: { kind: 'event_history', event: 'Page Viewed', atLeast: 3, withinDays: 7 } };

const onSegment = (id: string, trigger: 'trigger_segment_entered' | 'trigger_segment_left', segmentId: string, action: JourneyGraphInput['nodes'][number]): JourneyGraphInput => ({
  id,
  name: id,
  nodes: [{ id: 'start', kind: trigger, params: { segmentId } }, action, { id: 'done', kind: 'exit', params: {} }],
  edges: [
    { id: 'e1', source: 'start', outcome: 'next', target: action.id },
    { id: 'e2', source: action.id, outcome: 'next', target: 'done' },
  ],
  settings: { entry: { mode: 'every_time' } },
});
const welcome = onSegment('welcome-engaged', 'trigger_segment_entered', 'engaged', { id: 'mail', kind: 'send_email', params: { subject: 'Glad you are here', body: 'b' } });
const cooling = onSegment('cooling-off', 'trigger_segment_left', 'engaged', { id: 'tag', kind: 'add_tag', params: { tag: 'cooling' } });

describe('segments: definitions, membership as events arrive and as windows expire, journeys on entering and leaving', () => {
  let h: Harness;
  let t0: number;
  const view = async (userId: string, at: number) => json(await h.ingest('/v1/track', { userId, event: 'Page Viewed', timestamp: new Date(at).toISOString() }), 200);
  const identify = async (userId: string, traits: Record<string, unknown>) => json(await h.ingest('/v1/identify', { userId, traits }), 200);
  const membersOf = async (segmentId: string) =>
    (await h.services.db.select().from(segmentMembers).where(eq(segmentMembers.segmentId, segmentId)).orderBy(asc(segmentMembers.customerId))).map((m) => m.customerId);
  const changesOf = async (customerId: string, segmentId = 'engaged') =>
    (await h.services.db.select().from(segmentChanges).where(and(eq(segmentChanges.customerId, customerId), eq(segmentChanges.segmentId, segmentId))).orderBy(asc(segmentChanges.id))).map((c) => [c.change, c.cause, c.at]);
  /** The journeys the customer's runs are in, by name (runs started at the same moment have no order). */
  const runsOf = async (customerId: string) => (await h.services.db.select().from(runs).where(eq(runs.customerId, customerId))).map((r) => r.journeyId).sort();
  const dueOf = async (customerId: string) =>
    (await h.services.db.select().from(reevaluations).where(eq(reevaluations.customerId, customerId))).map((r) => [r.subject, r.dueAt]);

  beforeAll(async () => {
    h = await startHarness();
    t0 = h.clock.now();
  }, 60_000);
  afterAll(async () => h.close());

  it('refuses invalid definitions with the field path and saves nothing', async () => {
    const cases: [unknown, (string | number)[], RegExp][] = [
      [{ rule: { kind: 'condition', field: 'event.properties.total', operator: 'gt', value: 1 } }, ['definition', 'rule', 'field'], /event_history/],
      [{ rule: { kind: 'group', combinator: 'and', rules: [{ kind: 'condition', field: 'customer.trait.plan', operator: 'eq', value: 'pro' }] } }, ['definition', 'rule', 'rules', 0, 'field'], /not a customer field/],
      [{ rule: { kind: 'event_history', event: 'Page Viewed', withinDays: 7 } }, ['definition', 'rule', 'atLeast'], /atLeast, atMost or both/],
      [{ rule: { kind: 'condition', field: 'customer.cluster', operator: 'eq', value: 'superstar' } }, ['definition', 'rule', 'value'], /not a value cluster/],
      [{ rule: { kind: 'condition', field: 'customer.stage', operator: 'eq', value: 'vip' } }, ['definition', 'rule', 'value'], /not a stage of this workspace; use selection, identify_attract/],
      [{ rules: [] }, ['definition', 'rule'], /.+/],
    ];
    for (const [definition, path, message] of cases) {
      const refused = await json<ErrorBody>(await h.admin('/v1/segments', { method: 'POST', json: { name: 'Bad', definition } }), 400);
      expect(refused.error.code).toBe('invalid_request');
      expect(refused.error.details?.[0]?.path, JSON.stringify(definition)).toEqual(path);
      expect(refused.error.details?.[0]?.message).toMatch(message);
      const preview = await json<ErrorBody>(await h.admin('/v1/segments/preview', { method: 'POST', json: { definition } }), 400);
      expect(preview.error.details?.[0]?.path).toEqual(path);
    }
    expect((await json<ErrorBody>(await h.admin('/v1/segments', { method: 'POST', json: { definition: engaged } }), 400)).error.details?.[0]?.path).toEqual(['name']);
    expect(await h.services.db.select().from(segments)).toEqual([]);
  });

  it('refuses a journey on a segment that does not exist', async () => {
    await json(await h.admin('/v1/journeys', { method: 'POST', json: welcome }), 201);
    const validation = await json<{ valid: boolean; findings: { code: string; nodeId?: string }[] }>(await h.admin(`/v1/journeys/${welcome.id}/validate`, { method: 'POST' }), 200);
    expect(validation.findings).toContainEqual(expect.objectContaining({ code: 'unknown_segment', nodeId: 'start' }));
    expect((await h.admin(`/v1/journeys/${welcome.id}/publish`, { method: 'POST', json: { note: 'v1' } })).status).toBe(422);
  });

  it('previews the member count of an unsaved definition, saving nothing', async () => {
    await identify('ada', { plan: 'pro' });
    for (const at of [t0 - 2 * DAY, t0 - DAY]) await view('ada', at);
    await identify('bo', { plan: 'free' });
    for (const at of [t0 - 3 * DAY, t0 - 2 * DAY, t0 - HOUR]) await view('bo', at);
    await identify('cy', { plan: 'pro' });
    await view('cy', t0 - 10 * DAY);
    await h.drain();
    const preview = async (definition: unknown) => json<{ customers: number; members: number; sample: string[] }>(await h.admin('/v1/segments/preview', { method: 'POST', json: { definition } }), 200);
    expect(await preview(engaged)).toEqual({ customers: 3, members: 1, sample: ['bo'] });
    expect(await preview({ rule: { kind: 'condition', field: 'customer.traits.plan', operator: 'eq', value: 'pro' } })).toEqual({ customers: 3, members: 2, sample: ['ada', 'cy'] });
    expect(await preview({ rule: { kind: 'event_history', event: 'Page Viewed', atLeast: 1, withinDays: 30 } })).toMatchObject({ members: 3 });
    expect(await preview({ rule: { kind: 'event_history', event: 'Page Viewed', atMost: 0, withinDays: 7 } })).toEqual({ customers: 3, members: 1, sample: ['cy'] });
    expect(await h.services.db.select().from(segments)).toEqual([]);
    expect(await h.services.db.select().from(segmentMembers)).toEqual([]);
  });

  it('creates a segment, evaluates existing customers in the background, and lists it', async () => {
    const created = await json<Summary>(await h.admin('/v1/segments', { method: 'POST', json: { name: 'Engaged', description: 'Three page views in a week', definition: engaged } }), 201);
    expect(created).toMatchObject({ id: 'engaged', name: 'Engaged', description: 'Three page views in a week', definition: engaged, version: 1, members: 0, upToDate: false });
    await settleBackground(h.services);
    await h.drain();
    expect(await membersOf('engaged')).toEqual(['bo']);
    expect(await changesOf('bo')).toEqual([['entered', 'definition', t0]]);
    // No journey was live on the segment when bo's segment_entered event was processed.
    expect(await runsOf('bo')).toEqual([]);
    // With exactly three views, the oldest (3 days ago) ageing out ends it.
    expect(await dueOf('bo')).toEqual([['segments', t0 - 3 * DAY + 7 * DAY]]);
    const listed = await json<{ segments: Summary[] }>(await h.admin('/v1/segments'), 200);
    expect(listed.segments).toEqual([expect.objectContaining({ id: 'engaged', name: 'Engaged', description: 'Three page views in a week', definition: engaged, members: 1, upToDate: true, updatedAt: t0 })]);
    expect(await json<Summary>(await h.admin('/v1/segments/engaged'), 200)).toMatchObject({ id: 'engaged', members: 1, upToDate: true });
    expect((await h.admin('/v1/segments/nope')).status).toBe(404);
    const taken = await json<ErrorBody>(await h.admin('/v1/segments', { method: 'POST', json: { id: 'engaged', name: 'Again', definition: engaged } }), 409);
    expect(taken.error.code).toBe('segment_exists');
    const audit = await h.services.db.select().from(auditLog).where(eq(auditLog.action, 'segment.create'));
    expect(audit.map((a) => a.targetId)).toEqual(['engaged']);
  });

  it('reads with a read key, writes only with an admin key', async () => {
    const { key } = await json<{ key: string }>(await h.admin('/v1/keys', { method: 'POST', json: { name: 'analyst', scope: 'read' } }), 201);
    expect((await h.request('/v1/segments', {}, `Bearer ${key}`)).status).toBe(200);
    expect((await h.request('/v1/segments/engaged/members', {}, `Bearer ${key}`)).status).toBe(200);
    expect((await h.request('/v1/segments', { method: 'POST', json: { name: 'X', definition: engaged } }, `Bearer ${key}`)).status).toBe(403);
    expect((await h.request('/v1/segments/preview', { method: 'POST', json: { definition: engaged } }, `Bearer ${key}`)).status).toBe(403);
    expect((await h.request('/v1/segments/engaged', { method: 'DELETE' }, `Bearer ${key}`)).status).toBe(403);
  });

  it('enters a customer as their events arrive, and the entered trigger starts a run', async () => {
    await json(await h.admin(`/v1/journeys/${welcome.id}/publish`, { method: 'POST', json: { note: 'v1' } }), 201);
    await json(await h.admin('/v1/journeys', { method: 'POST', json: cooling }), 201);
    await json(await h.admin(`/v1/journeys/${cooling.id}/publish`, { method: 'POST', json: { note: 'v1' } }), 201);
    expect(await membersOf('engaged')).toEqual(['bo']);
    await view('ada', t0);
    await h.drain();
    expect(await membersOf('engaged')).toEqual(['ada', 'bo']);
    expect(await changesOf('ada')).toEqual([['entered', 'event', t0]]);
    const entered = await h.services.db.select().from(events).where(and(eq(events.customerId, 'ada'), eq(events.type, 'segment_entered')));
    expect(entered).toEqual([expect.objectContaining({ payload: { segmentId: 'engaged' }, at: t0, error: null, processedAt: t0 })]);
    expect(await runsOf('ada')).toEqual(['welcome-engaged']);
    // The oldest of ada's three views (2 days ago) leaves the window in 5 days.
    expect(await dueOf('ada')).toEqual([['segments', t0 + 5 * DAY]]);
  });

  it('leaves when the oldest qualifying event ages out — not a millisecond before — and the left trigger starts a run', async () => {
    h.clock.set(t0 + 4 * DAY - 1);
    await h.drain();
    // bo's window ended at t0 + 4 days: not yet.
    expect(await membersOf('engaged')).toEqual(['ada', 'bo']);
    h.clock.set(t0 + 4 * DAY);
    await h.drain();
    expect(await membersOf('engaged')).toEqual(['ada']);
    expect(await changesOf('bo')).toEqual([['entered', 'definition', t0], ['left', 'time', t0 + 4 * DAY]]);
    expect(await runsOf('bo')).toEqual(['cooling-off']);
    const [bo] = await h.services.db.select().from(customers).where(eq(customers.id, 'bo'));
    expect(bo?.tags).toEqual(['cooling']);
    // Two views left in the window and none to come: time alone cannot bring bo back.
    expect(await dueOf('bo')).toEqual([]);

    h.clock.set(t0 + 5 * DAY);
    await h.drain();
    expect(await membersOf('engaged')).toEqual([]);
    expect(await changesOf('ada')).toEqual([['entered', 'event', t0], ['left', 'time', t0 + 5 * DAY]]);
    expect(await runsOf('ada')).toEqual(['cooling-off', 'welcome-engaged']);
  });

  it('enters again on new events, with a new run of the entered journey', async () => {
    await view('ada', t0 + 5 * DAY);
    await h.drain();
    expect(await membersOf('engaged')).toEqual(['ada']);
    expect(await runsOf('ada')).toEqual(['cooling-off', 'welcome-engaged', 'welcome-engaged']);
    expect((await changesOf('ada')).map(([change]) => change)).toEqual(['entered', 'left', 'entered']);
    const ids = (await h.services.db.select().from(events).where(eq(events.customerId, 'ada'))).filter((e) => e.type.startsWith('segment_')).map((e) => e.messageId);
    expect(new Set(ids).size).toBe(3);
  });

  it('lists members in pages and counts entries and exits per day', async () => {
    await identify('dee', {});
    await identify('eve', {});
    for (const id of ['dee', 'eve']) for (const hours of [3, 2, 1]) await view(id, h.clock.now() - hours * HOUR);
    await h.drain();
    expect(await membersOf('engaged')).toEqual(['ada', 'dee', 'eve']);
    const first = await json<{ members: { customerId: string; enteredAt: number; stage: string | null; cluster: string | null }[]; nextCursor: string | null }>(await h.admin('/v1/segments/engaged/members?limit=2'), 200);
    expect(first.members).toEqual([
      { customerId: 'ada', enteredAt: t0 + 5 * DAY, stage: null, cluster: null },
      { customerId: 'dee', enteredAt: t0 + 5 * DAY, stage: null, cluster: null },
    ]);
    expect(first.nextCursor).toBe('dee');
    const second = await json<{ members: { customerId: string }[]; nextCursor: string | null }>(await h.admin(`/v1/segments/engaged/members?limit=2&cursor=${first.nextCursor}`), 200);
    expect(second).toEqual({ members: [expect.objectContaining({ customerId: 'eve' })], nextCursor: null });
    expect((await json<ErrorBody>(await h.admin('/v1/segments/engaged/members?limit=0'), 400)).error.details?.[0]?.path).toEqual(['query', 'limit']);

    const counts = await json<{ members: number; entered: number; left: number; from: number; to: number; days: { day: number; entered: number; left: number }[] }>(
      await h.admin(`/v1/segments/engaged/counts?from=${t0 - DAY}&to=${new Date(t0 + 6 * DAY).toISOString()}`),
      200,
    );
    const day = (at: number) => Math.floor(at / DAY) * DAY;
    expect(counts).toEqual({
      segmentId: 'engaged',
      members: 3,
      from: t0 - DAY,
      to: t0 + 6 * DAY,
      entered: 5,
      left: 2,
      days: [
        { day: day(t0), entered: 2, left: 0 },
        { day: day(t0 + 4 * DAY), entered: 0, left: 1 },
        { day: day(t0 + 5 * DAY), entered: 3, left: 1 },
      ],
    });
    expect((await h.admin('/v1/segments/engaged/counts?from=2000&to=1000')).status).toBe(400);
  });

  it('changing the definition re-evaluates everyone once; renaming alone does not', async () => {
    const renamed = await json<Summary>(await h.admin('/v1/segments/engaged', { method: 'PATCH', json: { name: 'Engaged readers' } }), 200);
    expect(renamed).toMatchObject({ name: 'Engaged readers', version: 1, upToDate: true, members: 3 });
    const stricter: SegmentDefinition = { rule: { kind: 'group', combinator: 'and', rules: [engaged.rule, { kind: 'condition', field: 'customer.traits.plan', operator: 'eq', value: 'pro' }] } };
    const changed = await json<Summary>(await h.admin('/v1/segments/engaged', { method: 'PATCH', json: { definition: stricter } }), 200);
    expect(changed).toMatchObject({ version: 2, upToDate: false, definition: stricter });
    await settleBackground(h.services);
    expect(await membersOf('engaged')).toEqual(['ada']);
    expect((await changesOf('dee')).at(-1)).toEqual(['left', 'definition', t0 + 5 * DAY]);
    expect(await json<Summary>(await h.admin('/v1/segments/engaged'), 200)).toMatchObject({ version: 2, upToDate: true, members: 1 });
    await h.drain();
    // Leaving by a definition change is leaving: the left journey ran for dee and eve.
    expect(await runsOf('dee')).toEqual(['cooling-off', 'welcome-engaged']);
    const bad = await json<ErrorBody>(await h.admin('/v1/segments/engaged', { method: 'PATCH', json: { definition: { rule: { kind: 'condition', field: 'customer.stage', operator: 'in', value: ['retain_develop', 'gold'] } } } }), 400);
    expect(bad.error.details?.[0]?.path).toEqual(['definition', 'rule', 'value']);
    expect((await json<ErrorBody>(await h.admin('/v1/segments/engaged', { method: 'PATCH', json: {} }), 400)).error.message).toMatch(/at least one of name, description, definition/);
  });

  it('resumes a backfill that did not finish (after a restart)', async () => {
    await h.services.db.update(segments).set({ evaluatedVersion: null }).where(eq(segments.id, 'engaged'));
    await h.services.db.delete(segmentMembers).where(eq(segmentMembers.segmentId, 'engaged'));
    expect(await resumeSegmentBackfills(h.services)).toBe(1);
    await settleBackground(h.services);
    expect(await membersOf('engaged')).toEqual(['ada']);
    expect(await json<Summary>(await h.admin('/v1/segments/engaged'), 200)).toMatchObject({ upToDate: true });
    expect(await resumeSegmentBackfills(h.services)).toBe(0);
  });

  it('re-evaluates at once when consent changes (it does not pass through the worker)', async () => {
    await json(await h.admin('/v1/segments', { method: 'POST', json: { id: 'no-email', name: 'No email', definition: { rule: { kind: 'condition', field: 'customer.consent.email', operator: 'is_false' } } } }), 201);
    await settleBackground(h.services);
    expect(await membersOf('no-email')).toEqual([]);
    await json(await h.admin('/v1/customers/cy/consent', { method: 'PUT', json: { email: false } }), 200);
    expect(await membersOf('no-email')).toEqual(['cy']);
    expect(await changesOf('cy', 'no-email')).toEqual([['entered', 'event', h.clock.now()]]);
  });

  it('refuses to delete a segment a live journey starts on; afterwards removes it with its members', async () => {
    const refused = await json<ErrorBody>(await h.admin('/v1/segments/engaged', { method: 'DELETE' }), 409);
    expect(refused.error).toMatchObject({ code: 'segment_in_use', message: expect.stringContaining('"welcome-engaged", "cooling-off"') });
    for (const id of [welcome.id, cooling.id]) await json(await h.admin(`/v1/journeys/${id}/archive`, { method: 'POST' }), 200);
    const deleted = await json<{ deleted: boolean; members: number }>(await h.admin('/v1/segments/engaged', { method: 'DELETE' }), 200);
    expect(deleted).toEqual({ deleted: true, id: 'engaged', members: 1 });
    expect(await membersOf('engaged')).toEqual([]);
    expect(await h.services.db.select().from(segmentChanges).where(eq(segmentChanges.segmentId, 'engaged'))).toEqual([]);
    expect((await h.admin('/v1/segments/engaged')).status).toBe(404);
    expect((await h.admin('/v1/segments/engaged/members')).status).toBe(404);
    // A due re-evaluation of a segment that is gone just goes away.
    h.clock.set(t0 + 30 * DAY);
    await h.drain();
    expect(await h.services.db.select().from(reevaluations)).toEqual([]);
  });
});
