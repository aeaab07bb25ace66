import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSteps, timers } from '../drizzle/schema.js';
import type { JourneyGraphInput, Step } from '../workflows/index.js';
import { json, startHarness, type Harness } from './support/harness.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Manual enrolment → wait 1 day → email → wait 1 day → exit. */
const twoWaits = (firstWait: { id: string; days: number } = { id: 'wait', days: 1 }): Omit<JourneyGraphInput, 'id'> => ({
  name: 'Two waits',
  nodes: [
    { id: 'start', kind: 'trigger_manual', params: {} },
    { id: firstWait.id, kind: 'wait_delay', params: { duration: { amount: firstWait.days, unit: 'days' } } },
    { id: 'hello', kind: 'send_email', params: { subject: 'Hello {{ customer.traits.first_name | default: "there" }}', body: 'Welcome' } },
    { id: 'wait2', kind: 'wait_delay', params: { duration: { amount: 1, unit: 'days' } } },
    { id: 'done', kind: 'exit', params: { reason: 'finished' } },
  ],
  edges: [
    { id: 'e1', source: 'start', outcome: 'next', target: firstWait.id },
    { id: 'e2', source: firstWait.id, outcome: 'next', target: 'hello' },
    { id: 'e3', source: 'hello', outcome: 'next', target: 'wait2' },
    { id: 'e4', source: 'wait2', outcome: 'next', target: 'done' },
  ],
  settings: { entry: { mode: 'every_time' } },
});

interface RunSummary {
  id: string;
  customerId: string;
  journeyId: string;
  version: number;
  status: string;
  outcome: string | null;
  currentNode: string;
  enteredAt: number;
}
interface RunDetail extends RunSummary {
  steps: Step[];
  effects: { stepSeq: number; nodeId: string; channel: string; status: string; attempts: number; lastError: string | null; sentAt: number | null }[];
  timers: { timerId: string; dueAt: number }[];
}
interface ErrorBody {
  error: { code: string; message: string; details?: { path?: (string | number)[] }[] };
}

describe('runs API', () => {
  let h: Harness;
  const drain = () => h.drain();
  const enrol = async (journeyId: string, customerId: string, properties: Record<string, string> = {}) =>
    json<{ accepted: boolean }>(await h.admin(`/v1/journeys/${journeyId}/enrol`, { method: 'POST', json: { customerId, properties } }), 202);
  const runsOf = async (query: string) => json<{ runs: RunSummary[]; nextCursor: string | null }>(await h.admin(`/v1/runs?${query}`), 200);
  const detail = async (runId: string) => json<RunDetail>(await h.admin(`/v1/runs/${runId}`), 200);
  const setup = async (id: string, graph = twoWaits()) => {
    await json(await h.admin('/v1/journeys', { method: 'POST', json: { ...graph, id } }), 201);
    await json(await h.admin(`/v1/journeys/${id}/publish`, { method: 'POST', json: { note: 'v1' } }), 201);
  };

  beforeAll(async () => {
    h = await startHarness();
    await setup('nurture');
  }, 60_000);
  afterAll(async () => h.close());

  it('enrols a customer: a run starts, waits, and advances when its timer is due', async () => {
    expect(await enrol('nurture', 'ada', { source: 'sales call' })).toMatchObject({ accepted: true });
    await drain();
    const [run] = (await runsOf('customerId=ada')).runs;
    expect(run).toMatchObject({ journeyId: 'nurture', version: 1, status: 'active', currentNode: 'wait' });
    const started = await detail(run?.id as string);
    expect(started.steps.map((s) => s.input.type)).toEqual(['start']);
    expect(started.timers).toEqual([{ timerId: expect.any(String), dueAt: h.clock.now() + DAY, event: expect.any(Object) }]);

    h.clock.advance(DAY);
    await drain();
    const advanced = await detail(run?.id as string);
    expect(advanced).toMatchObject({ status: 'active', currentNode: 'wait2' });
    expect(advanced.steps.map((s) => [s.seq, s.input.type])).toEqual([[1, 'start'], [2, 'timer']]);
    expect(advanced.effects).toEqual([expect.objectContaining({ stepSeq: 2, nodeId: 'hello', channel: 'email', attempts: 0, lastError: null, sentAt: null })]);
    expect(advanced.timers.map((t) => t.dueAt)).toEqual([h.clock.now() + DAY]);

    h.clock.advance(DAY);
    await drain();
    const finished = await detail(run?.id as string);
    expect(finished).toMatchObject({ status: 'done', outcome: 'exited', currentNode: 'done', timers: [] });
  });

  it('lists runs newest first with filters and keyset pagination', async () => {
    for (const customer of ['bo', 'cy', 'di']) {
      h.clock.advance(HOUR);
      await enrol('nurture', customer);
      await drain();
    }
    const active = await runsOf('journeyId=nurture&status=active');
    expect(active.runs.map((r) => r.customerId)).toEqual(['di', 'cy', 'bo']);
    expect((await runsOf('status=done')).runs.map((r) => r.customerId)).toEqual(['ada']);
    expect((await runsOf('journeyId=other')).runs).toEqual([]);

    const page1 = await runsOf('limit=2');
    expect(page1.runs.map((r) => r.customerId)).toEqual(['di', 'cy']);
    expect(page1.nextCursor).toEqual(expect.any(String));
    const page2 = await runsOf(`limit=2&cursor=${page1.nextCursor}`);
    expect(page2.runs.map((r) => r.customerId)).toEqual(['bo', 'ada']);
    expect(page2.nextCursor).toBeNull();
  });

  it('rejects bad queries with 400 and unknown runs with 404', async () => {
    const badStatus = await json<ErrorBody>(await h.admin('/v1/runs?status=sleeping'), 400);
    expect(badStatus.error.details?.[0]?.path).toEqual(['query', 'status']);
    expect((await json<ErrorBody>(await h.admin('/v1/runs?limit=0'), 400)).error.details?.[0]?.path).toEqual(['query', 'limit']);
    expect((await json<ErrorBody>(await h.admin('/v1/runs?limit=ten'), 400)).error.code).toBe('invalid_request');
    expect((await json<ErrorBody>(await h.admin('/v1/runs?cursor=garbage'), 400)).error.details?.[0]?.path).toEqual(['query', 'cursor']);
    expect((await json<ErrorBody>(await h.admin('/v1/runs/no-such-run'), 404)).error.code).toBe('not_found');
    expect((await h.request('/v1/runs')).status).toBe(401);
  });

  it('validates enrolments and answers 404 for unknown journeys', async () => {
    const noCustomer = await json<ErrorBody>(await h.admin('/v1/journeys/nurture/enrol', { method: 'POST', json: { properties: {} } }), 400);
    expect(noCustomer.error.details?.[0]?.path).toEqual(['customerId']);
    const badProperties = await json<ErrorBody>(await h.admin('/v1/journeys/nurture/enrol', { method: 'POST', json: { customerId: 'x', properties: 'y' } }), 400);
    expect(badProperties.error.details?.[0]?.path).toEqual(['properties']);
    expect((await h.admin('/v1/journeys/ghost/enrol', { method: 'POST', json: { customerId: 'x' } })).status).toBe(404);
    const draftOnly = await h.admin('/v1/journeys', { method: 'POST', json: { ...twoWaits(), id: 'not-yet' } });
    expect(draftOnly.status).toBe(201);
    const notLive = await json<ErrorBody>(await h.admin('/v1/journeys/not-yet/enrol', { method: 'POST', json: { customerId: 'x' } }), 409);
    expect(notLive.error.message).toContain('publish it');
    const byEvent = twoWaits();
    await setup('event-only', { ...byEvent, nodes: byEvent.nodes.map((n) => (n.id === 'start' ? { ...n, kind: 'trigger_event', params: { event: 'Signed Up' } } : n)) });
    const noManualTrigger = await json<ErrorBody>(await h.admin('/v1/journeys/event-only/enrol', { method: 'POST', json: { customerId: 'x' } }), 409);
    expect(noManualTrigger.error.code).toBe('journey_not_enrollable');
  });

  it('migrates runs in a mapped state on publish and leaves the others pinned', async () => {
    await setup('migrating');
    await enrol('migrating', 'early');
    await drain();
    h.clock.advance(DAY);
    await enrol('migrating', 'late');
    await drain();
    const [late] = (await runsOf('journeyId=migrating&customerId=late')).runs;
    const [early] = (await runsOf('journeyId=migrating&customerId=early')).runs;
    expect(late).toMatchObject({ currentNode: 'wait', version: 1 });
    expect(early).toMatchObject({ currentNode: 'wait2', version: 1 });
    const oldTimer = (await detail(late?.id as string)).timers[0];

    // Version 2 replaces "wait" (1 day) with "hold" (3 days); runs waiting in "wait" move to "hold".
    await json(await h.admin('/v1/journeys/migrating', { method: 'PUT', json: twoWaits({ id: 'hold', days: 3 }) }), 200);
    h.clock.advance(HOUR);
    const published = await json<{ version: number; migrated: number }>(
      await h.admin('/v1/journeys/migrating/publish', { method: 'POST', json: { note: 'longer first wait', migration: { mapping: { wait: 'hold' } } } }),
      201,
    );
    expect(published).toEqual(expect.objectContaining({ version: 2, migrated: 1 }));

    const moved = await detail(late?.id as string);
    expect(moved).toMatchObject({ status: 'active', version: 2, currentNode: 'hold' });
    expect(moved.timers).toHaveLength(1);
    expect(moved.timers[0]?.dueAt).toBe(h.clock.now() + 3 * DAY);
    expect(moved.timers[0]?.timerId).not.toBe(oldTimer?.timerId);
    const move = moved.steps.at(-1) as Step;
    expect(move).toMatchObject({
      seq: 2,
      input: { type: 'move', toNodeId: 'hold', fromVersion: 1, toVersion: 2, by: 'publish', reason: 'longer first wait' },
      stateBefore: 'wait',
      stateAfter: 'hold',
      timersCancelled: [oldTimer?.timerId],
    });
    const stored = await h.services.db.select().from(timers).where(eq(timers.runId, late?.id as string));
    expect(stored.map((t) => t.dueAt)).toEqual([h.clock.now() + 3 * DAY]);

    const pinned = await detail(early?.id as string);
    expect(pinned).toMatchObject({ version: 1, currentNode: 'wait2' });
    expect(pinned.steps).toHaveLength(2);

    // The moved run continues on version 2; the pinned one finishes on version 1.
    h.clock.advance(DAY);
    await drain();
    expect(await detail(early?.id as string)).toMatchObject({ status: 'done', version: 1 });
    h.clock.advance(2 * DAY);
    await drain();
    expect(await detail(late?.id as string)).toMatchObject({ status: 'active', version: 2, currentNode: 'wait2' });
  });

  it('archiving ends active runs, deletes their timers and records the step', async () => {
    await setup('doomed');
    await enrol('doomed', 'eve');
    await drain();
    const [run] = (await runsOf('journeyId=doomed')).runs;
    const before = await detail(run?.id as string);
    expect(before.timers).toHaveLength(1);
    h.clock.advance(HOUR);
    expect(await json(await h.admin('/v1/journeys/doomed/archive', { method: 'POST' }), 200)).toMatchObject({ status: 'archived', endedRuns: 1 });
    const ended = await detail(run?.id as string);
    expect(ended).toMatchObject({ status: 'done', outcome: 'exited', reason: 'journey archived', endedAt: h.clock.now(), currentNode: 'wait', timers: [] });
    expect(ended.steps.at(-1)).toEqual({
      runId: run?.id,
      seq: 2,
      at: h.clock.now(),
      input: { type: 'end', by: 'archive', reason: 'journey archived' },
      stateBefore: 'wait',
      stateAfter: 'wait',
      path: [],
      guards: [],
      effects: [],
      customerUpdates: [],
      timersSet: [],
      timersCancelled: [before.timers[0]?.timerId],
      status: 'done',
      outcome: 'exited',
      reason: 'journey archived',
      customer: expect.objectContaining({ id: 'eve' }),
    });
    const rows = await h.services.db.select().from(runSteps).where(eq(runSteps.runId, run?.id as string));
    expect(rows).toHaveLength(2);
    // The timer that would have fired is gone: the worker has nothing to do for this run.
    h.clock.advance(2 * DAY);
    await drain();
    expect((await detail(run?.id as string)).steps).toHaveLength(2);
  });
});
