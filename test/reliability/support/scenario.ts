import type postgres from 'postgres';
import { expect } from 'vitest';
import { leaseMs } from '../../../server/runtime/dispatcher.js';
import type { JourneyGraphInput, Step } from '../../../workflows/index.js';
import { adminCall, sleep } from './server-process.js';
import type { Sink } from './sink.js';

/**
 * The journey the reliability tests run, and what must hold after the system has gone through
 * crashes, restarts, duplicates and concurrent processes. Every run of it takes exactly three
 * steps, each emitting one webhook, so what the database and the sink must contain follows from
 * the events sent:
 *
 *   "Signed Up" (every time) → webhook /hooks/welcome → wait for "Confirmed" (30 min timeout)
 *     → webhook /hooks/confirmed → delay 0 minutes (a durable timer, due at once) → webhook /hooks/done → goal
 *
 * step 1 = the trigger, step 2 = "Confirmed" received, step 3 = the timer fired.
 */
export const journeyId = 'reliability';
export const stepsPerRun = 3;
const hookPaths = ['/hooks/welcome', '/hooks/confirmed', '/hooks/done'] as const;

export const reliabilityJourney = (sinkUrl: string): JourneyGraphInput => {
  const hook = (path: string) => ({
    method: 'POST' as const,
    url: `${sinkUrl}${path}`,
    headers: { 'Content-Type': 'application/json' },
    body: '{"customer":"{{ customer.id }}","run":"{{ run.id }}","round":{{ trigger.properties.round }}}',
  });
  return {
    id: journeyId,
    name: 'Reliability',
    nodes: [
      { id: 'signed-up', kind: 'trigger_event', params: { event: 'Signed Up' } },
      { id: 'welcome', kind: 'send_webhook', params: hook(hookPaths[0]) },
      { id: 'wait-confirm', kind: 'wait_for_event', params: { event: 'Confirmed', timeout: { amount: 30, unit: 'minutes' } } },
      { id: 'confirmed', kind: 'send_webhook', params: hook(hookPaths[1]) },
      { id: 'pause', kind: 'wait_delay', params: { duration: { amount: 0, unit: 'minutes' } } },
      { id: 'done', kind: 'send_webhook', params: hook(hookPaths[2]) },
      { id: 'goal', kind: 'goal_reached', params: {} },
      { id: 'gave-up', kind: 'exit', params: { reason: 'never confirmed' } },
    ],
    edges: [
      { id: 'e1', source: 'signed-up', outcome: 'next', target: 'welcome' },
      { id: 'e2', source: 'welcome', outcome: 'next', target: 'wait-confirm' },
      { id: 'e3', source: 'wait-confirm', outcome: 'received', target: 'confirmed' },
      { id: 'e4', source: 'wait-confirm', outcome: 'timed_out', target: 'gave-up' },
      { id: 'e5', source: 'confirmed', outcome: 'next', target: 'pause' },
      { id: 'e6', source: 'pause', outcome: 'next', target: 'done' },
      { id: 'e7', source: 'done', outcome: 'next', target: 'goal' },
    ],
    settings: { entry: { mode: 'every_time' } },
  };
};

/** Creates and publishes the journey through the management API of a running server. */
export const publishReliabilityJourney = async (baseUrl: string, sinkUrl: string): Promise<void> => {
  const created = await adminCall(baseUrl, '/v1/journeys', reliabilityJourney(sinkUrl));
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const published = await adminCall(baseUrl, `/v1/journeys/${journeyId}/publish`, { note: 'reliability test journey' });
  expect(published.status, JSON.stringify(published.body)).toBe(201);
};

/** One Segment track call the test sends, with what it means for the journey. */
export interface TrackCall {
  type: 'track';
  userId: string;
  event: 'Signed Up' | 'Confirmed';
  messageId: string;
  properties: { round: number };
}

export const signedUp = (customer: string, round: number): TrackCall => ({ type: 'track', userId: customer, event: 'Signed Up', messageId: `${customer}:signed-up:${round}`, properties: { round } });
export const confirmed = (customer: string, round: number): TrackCall => ({ type: 'track', userId: customer, event: 'Confirmed', messageId: `${customer}:confirmed:${round}`, properties: { round } });

/**
 * `rounds` × (every customer signs up, then every customer confirms), in that order: customer c's
 * round r run must receive exactly c's round r confirmation, which only holds if events are applied
 * in per-customer order.
 */
export const roundsOfEvents = (customers: readonly string[], rounds: number): TrackCall[] => {
  const calls: TrackCall[] = [];
  for (let round = 0; round < rounds; round += 1) {
    for (const customer of customers) calls.push(signedUp(customer, round));
    for (const customer of customers) calls.push(confirmed(customer, round));
  }
  return calls;
};

export const chunk = <T>(items: readonly T[], size: number): T[][] => {
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  return chunks;
};

export type Sql = postgres.Sql;

interface Backlog {
  pending_events: number;
  pending_effects: number;
  active_runs: number;
  timers: number;
  events: number;
}

/** What is left to do, read in one statement (one snapshot). */
export const backlog = async (sql: Sql): Promise<Backlog> => {
  const [row] = await sql<Backlog[]>`
    select (select count(*) from events where processed_at is null)::int as pending_events,
           (select count(*) from effects where status = 'pending')::int as pending_effects,
           (select count(*) from runs where status = 'active')::int as active_runs,
           (select count(*) from timers)::int as timers,
           (select count(*) from events)::int as events`;
  if (!row) throw new Error('no backlog row');
  return row;
};

/**
 * Waits (at most `timeoutMs`) until the worker and the dispatchers are idle: every event processed,
 * no run active, no timer left, no effect pending. Nothing else creates work, so this is final.
 */
export const waitUntilIdle = async (sql: Sql, timeoutMs: number): Promise<number> => {
  const started = performance.now();
  let last: Backlog | undefined;
  while (performance.now() - started < timeoutMs) {
    last = await backlog(sql);
    if (last.pending_events === 0 && last.pending_effects === 0 && last.active_runs === 0 && last.timers === 0) return Math.round(performance.now() - started);
    await sleep(100);
  }
  throw new Error(`not idle after ${timeoutMs} ms: ${JSON.stringify(last)}`);
};

/**
 * A killed dispatcher leaves the effects it had claimed leased for `leaseMs` (60 s, a constant):
 * that is how the design recovers them, and waiting for it would make each test last minutes. With
 * no process alive, this moves every pending effect's next attempt to `killedAt` — the clock jump
 * the lease would have taken — so the next process claims them at once. Returns how many moved.
 */
export const expireLeasesOfDeadProcess = async (sql: Sql, killedAt: number): Promise<number> => {
  const moved = await sql`
    update effects set next_attempt_at = ${killedAt}
    where status = 'pending' and next_attempt_at > ${killedAt} and next_attempt_at <= ${killedAt + leaseMs}`;
  return moved.count;
};

export interface OutcomeSummary {
  events: number;
  runs: number;
  steps: number;
  effects: number;
  deliveries: number;
  /** Effects the sink accepted more than once (same webhook-id): at-least-once at work. */
  redelivered: number;
  /** Deliveries the sink answered 503 (retried by the dispatcher). */
  refused: number;
  /** Effects that took more than one dispatcher attempt. */
  retriedEffects: number;
}

interface EventRow {
  seq: number;
  message_id: string;
  customer_id: string;
  processed: boolean;
  error: string | null;
}
interface RunRow {
  id: string;
  customer_id: string;
  status: string;
  outcome: string | null;
  state_seq: number;
  entered_at: number;
}
interface StepRow {
  run_id: string;
  seq: number;
  customer_id: string;
  at: number;
  step: Step;
}
interface EffectRow {
  run_id: string;
  step_seq: number;
  action_index: number;
  idempotency_key: string;
  customer_id: string;
  node_id: string;
  status: string;
  attempts: number;
}

const messageIdOf = (step: Step | undefined): string | undefined => {
  const input = step?.input;
  if (input?.type === 'start' && input.event?.type === 'track') return input.event.messageId;
  if (input?.type === 'event' && input.event.type === 'track') return input.event.messageId;
  return undefined;
};

/**
 * Checks the whole system against what was sent (`sent`, in send order; every one acknowledged):
 * events stored once and processed; one run per "Signed Up", each with steps 1..3 applied once and
 * in per-customer order; one effect per (run, step, action), all sent; and the sink saw exactly the
 * effects' idempotency keys (after de-duplication by webhook-id).
 */
export const verifyOutcome = async (sql: Sql, sent: readonly TrackCall[], acknowledged: ReadonlySet<string>, sink: Sink): Promise<OutcomeSummary> => {
  const sentIds = new Set(sent.map((call) => call.messageId));
  expect([...acknowledged].filter((id) => !sentIds.has(id)), 'acknowledged ids the test never sent').toEqual([]);

  // Events: every acknowledged messageId exactly once, nothing the test did not send, all processed without error.
  const events = await sql<EventRow[]>`select seq::float8 as seq, message_id, customer_id, processed_at is not null as processed, error from events order by seq`;
  const copies = new Map<string, number>();
  for (const e of events) copies.set(e.message_id, (copies.get(e.message_id) ?? 0) + 1);
  expect([...acknowledged].filter((id) => copies.get(id) !== 1).map((id) => `${id} ×${copies.get(id) ?? 0}`), 'acknowledged events not stored exactly once').toEqual([]);
  expect(events.filter((e) => !sentIds.has(e.message_id)).map((e) => e.message_id), 'events nobody sent').toEqual([]);
  expect(events.filter((e) => !e.processed || e.error !== null).map((e) => `${e.message_id}: ${e.error ?? 'unprocessed'}`)).toEqual([]);

  // Arrival order per customer is the send order.
  const seqOf = new Map(events.map((e) => [e.message_id, e.seq]));
  const stored = sent.filter((call) => seqOf.has(call.messageId));
  for (const customer of new Set(stored.map((call) => call.userId))) {
    const expected = stored.filter((call) => call.userId === customer).map((call) => call.messageId);
    const actual = events.filter((e) => e.customer_id === customer).map((e) => e.message_id);
    expect(actual, `arrival order of ${customer}'s events`).toEqual(expected);
  }

  const runs = await sql<RunRow[]>`select id, customer_id, status, outcome, (state->>'seq')::int as state_seq, entered_at::float8 as entered_at from runs`;
  const steps = await sql<StepRow[]>`select run_id, seq, customer_id, at::float8 as at, step from run_steps order by run_id, seq`;
  const effects = await sql<EffectRow[]>`select run_id, step_seq, action_index, idempotency_key, customer_id, node_id, status, attempts from effects`;

  // Runs: one per stored "Signed Up", done and converted, steps 1..n without gaps, state.seq = n = 3.
  const stepsOf = new Map<string, StepRow[]>();
  for (const s of steps) stepsOf.set(s.run_id, [...(stepsOf.get(s.run_id) ?? []), s]);
  const signUps = stored.filter((call) => call.event === 'Signed Up');
  expect(runs).toHaveLength(signUps.length);
  const runByTrigger = new Map<string, RunRow>();
  for (const run of runs) {
    const mine = stepsOf.get(run.id) ?? [];
    expect(mine.map((s) => s.seq), `steps of run ${run.id}`).toEqual(Array.from({ length: stepsPerRun }, (_, i) => i + 1));
    expect(run, `run ${run.id}`).toMatchObject({ status: 'done', outcome: 'converted', state_seq: stepsPerRun });
    expect(mine.every((s) => s.customer_id === run.customer_id)).toBe(true);
    const trigger = messageIdOf(mine[0]?.step);
    if (trigger === undefined) throw new Error(`run ${run.id} has no start step with a track event`);
    expect(runByTrigger.has(trigger), `two runs started by ${trigger}`).toBe(false);
    runByTrigger.set(trigger, run);
    // Per-customer order: the run started by round r's sign-up received round r's confirmation, then its timer.
    expect(messageIdOf(mine[1]?.step), `what run ${run.id} (${trigger}) received`).toBe(trigger.replace(':signed-up:', ':confirmed:'));
    expect(mine[2]?.step.input.type, `third step of run ${run.id}`).toBe('timer');
  }
  expect(signUps.filter((call) => !runByTrigger.has(call.messageId)).map((call) => call.messageId), 'sign-ups that started no run').toEqual([]);
  // Per customer, runs started in event order.
  for (const customer of new Set(signUps.map((call) => call.userId))) {
    const started = signUps.filter((call) => call.userId === customer).map((call) => runByTrigger.get(call.messageId)?.entered_at ?? Number.NaN);
    expect(started, `start times of ${customer}'s runs, in event order`).toEqual([...started].sort((a, b) => a - b));
  }

  // Effects: exactly the ones the steps recorded, one per (run, step, action index), all sent.
  const expectedKeys = steps.flatMap((s) => s.step.effects.map((e) => e.idempotencyKey)).sort();
  expect(expectedKeys).toHaveLength(runs.length * stepsPerRun);
  expect(expectedKeys).toEqual(runs.flatMap((run) => Array.from({ length: stepsPerRun }, (_, i) => `${run.id}:${i + 1}:0`)).sort());
  const perAction = new Map<string, number>();
  for (const e of effects) perAction.set(`${e.run_id}:${e.step_seq}:${e.action_index}`, (perAction.get(`${e.run_id}:${e.step_seq}:${e.action_index}`) ?? 0) + 1);
  expect([...perAction].filter(([, n]) => n !== 1), 'effects stored more than once for one action').toEqual([]);
  expect(effects.map((e) => e.idempotency_key).sort()).toEqual(expectedKeys);
  expect(effects.filter((e) => e.status !== 'sent').map((e) => `${e.idempotency_key}: ${e.status}`), 'effects not sent').toEqual([]);

  // The sink: every key at least once (answered 200), and nothing else.
  const customerOfKey = new Map(effects.map((e) => [e.idempotency_key, e.customer_id]));
  const pathOfKey = new Map(effects.map((e) => [e.idempotency_key, hookPaths[e.step_seq - 1]]));
  const accepted = sink.accepted();
  expect([...accepted.keys()].sort(), 'webhook-ids the sink accepted (deduplicated)').toEqual(expectedKeys);
  expect(sink.deliveries.filter((d) => !customerOfKey.has(d.webhookId)).map((d) => d.webhookId), 'deliveries of keys the system never created').toEqual([]);
  for (const delivery of sink.deliveries) {
    const body = JSON.parse(delivery.body) as { customer: string };
    expect(body.customer, `customer in the body of ${delivery.webhookId}`).toBe(customerOfKey.get(delivery.webhookId));
    expect(delivery.path).toBe(pathOfKey.get(delivery.webhookId));
  }

  return {
    events: events.length,
    runs: runs.length,
    steps: steps.length,
    effects: effects.length,
    deliveries: sink.deliveries.length,
    redelivered: [...accepted.values()].filter((list) => list.length > 1).length,
    refused: sink.deliveries.filter((d) => d.status !== 200).length,
    retriedEffects: effects.filter((e) => e.attempts > 1).length,
  };
};
