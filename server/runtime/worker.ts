import { randomUUID } from 'node:crypto';
import {
  advance,
  machineKey,
  type BoundJourney,
  type EntryPoint,
  type PriorRun,
  type Work,
} from '../../workflows/index.js';
import { and, eq, inArray } from 'drizzle-orm';
import type { Executor } from '../../drizzle/db.js';
import { events, timers } from '../../drizzle/schema.js';
import type { Services } from '../services.js';
import { workFromRow } from './event-rows.js';
import {
  claimCustomers,
  keyOf,
  loadActiveRuns,
  loadDueTimers,
  loadHistory,
  loadLatestEndedRuns,
  loadPendingEvents,
  toProfile,
  type CustomerKey,
} from './load.js';
import type { EffectRow } from './handoff.js';
import { persistOutcomes, type CustomerOutcome } from './persist.js';
import { backfillDateSchedules, emitDueDateEvents, refreshDateSchedules } from './date-schedules.js';
import { processDueReevaluations, refreshStanding } from './reevaluations.js';
import { resumeSegmentBackfills } from './segments.js';

const DAY = 86_400_000;
/** How often the worker looks for newly live date-triggered journeys to schedule existing customers. */
const DATE_BACKFILL_EVERY_MS = 5_000;
/** A customer whose work failed is retried after this long (timers) or never (events, kept with the error). */
const RETRY_FAILED_TIMER_MS = 60_000;

const groupBy = <T extends { workspaceId: string; customerId: string }>(rows: readonly T[]): Map<string, T[]> => {
  const groups = new Map<string, T[]>();
  for (const row of rows) {
    const key = keyOf(row);
    const list = groups.get(key);
    if (list) list.push(row);
    else groups.set(key, [row]);
  }
  return groups;
};

interface FailedCustomer {
  seqs: number[];
  timers: { runId: string; timerId: string }[];
  message: string;
}

const parkFailures = async (tx: Executor, failures: readonly FailedCustomer[], now: number): Promise<void> => {
  for (const failure of failures) {
    if (failure.seqs.length > 0) {
      await tx.update(events).set({ processedAt: now, error: failure.message }).where(inArray(events.seq, failure.seqs));
    }
    for (const t of failure.timers) {
      await tx.update(timers).set({ dueAt: now + RETRY_FAILED_TIMER_MS }).where(and(eq(timers.runId, t.runId), eq(timers.timerId, t.timerId)));
    }
  }
};

export interface BatchReport {
  customers: number;
  events: number;
  timers: number;
  steps: number;
}

/** Longest event-history window a machine looks at, in days (0 when it has no such condition). */
const historyDays = (() => {
  const cache = new WeakMap<BoundJourney, number>();
  return (bound: BoundJourney): number => {
    const cached = cache.get(bound);
    if (cached !== undefined) return cached;
    let days = 0;
    for (const state of Object.values(bound.compiled.machine.states)) {
      for (const t of state.always ?? []) {
        if (t.guard?.type === 'rapport.event_count') days = Math.max(days, Number(t.guard.params?.withinDays ?? 0));
      }
    }
    cache.set(bound, days);
    return days;
  };
})();

/**
 * One unit of work, in one transaction: claim customers with pending events or due timers
 * (FOR UPDATE SKIP LOCKED on their rows, so each customer is processed by one worker at a time, in
 * order), advance each through all their journeys with the pure core, and write customers, runs,
 * steps, timers, effects and processed marks together.
 */
export const processBatch = async (services: Services): Promise<BatchReport> => {
  const { config, versions, metrics } = services;
  const now = services.now();
  const report = await services.db.transaction(async (tx) => {
    const locked = await claimCustomers(tx, now, config.RAPPORT_BATCH_CUSTOMERS);
    if (locked.length === 0) return { customers: 0, events: 0, timers: 0, steps: 0, lateness: [] as number[], started: 0, handed: [] as EffectRow[] };
    const keys: CustomerKey[] = locked.map((row) => ({ workspaceId: row.workspaceId, customerId: row.id }));

    const [pendingEvents, dueTimers, activeRuns, endedRuns] = await Promise.all([
      loadPendingEvents(tx, keys, keys.length * config.RAPPORT_BATCH_EVENTS),
      loadDueTimers(tx, keys, now),
      loadActiveRuns(tx, keys),
      loadLatestEndedRuns(tx, keys),
    ]);

    // Machines for every version in play, and each workspace's live journeys.
    const machines = new Map<string, BoundJourney>();
    const entryPoints = new Map<string, EntryPoint[]>();
    for (const workspaceId of new Set(keys.map((k) => k.workspaceId))) {
      const points = await versions.entryPoints(workspaceId, tx);
      entryPoints.set(workspaceId, points);
      for (const p of points) machines.set(`${workspaceId}/${machineKey(p.journeyId, p.version)}`, await versions.machine(workspaceId, p.journeyId, p.version, tx));
    }
    for (const run of activeRuns) {
      const key = `${run.workspaceId}/${machineKey(run.journeyId, run.version)}`;
      if (!machines.has(key)) machines.set(key, await versions.machine(run.workspaceId, run.journeyId, run.version, tx));
    }
    const maxDays = Math.max(0, ...[...machines.values()].map(historyDays));
    const history = maxDays > 0 ? await loadHistory(tx, keys, now - maxDays * DAY) : new Map();

    const outcomes: CustomerOutcome[] = [];
    const processedSeqs: number[] = [];
    const lateness: number[] = [];
    let eventCount = 0;
    let timerCount = 0;
    let started = 0;
    const eventsOf = groupBy(pendingEvents);
    const timersOf = groupBy(dueTimers);
    const runsOf = groupBy(activeRuns);
    const endedOf = groupBy(endedRuns);
    const failures: FailedCustomer[] = [];
    for (const row of locked) {
      const key = keyOf({ workspaceId: row.workspaceId, customerId: row.id });
      const myEvents = (eventsOf.get(key) ?? []).slice(0, config.RAPPORT_BATCH_EVENTS);
      const myTimers = timersOf.get(key) ?? [];
      try {
      // Work in time order: a timer due before an event arrived fires first.
      const items: { at: number; order: number; work: Work | null; seq?: number }[] = [
        ...myTimers.map((t, i) => ({ at: t.dueAt, order: i, work: { kind: 'timer', runId: t.runId, timer: { id: t.timerId, dueAt: t.dueAt, event: t.event } } as Work })),
        ...myEvents.map((e, i) => ({ at: e.receivedAt, order: myTimers.length + i, work: workFromRow(e), seq: e.seq })),
      ].sort((a, b) => a.at - b.at || a.order - b.order);
      processedSeqs.push(...myEvents.map((e) => e.seq));
      eventCount += myEvents.length;
      timerCount += myTimers.length;
      for (const t of myTimers) lateness.push(now - t.dueAt);

      const myRuns = runsOf.get(key) ?? [];
      const priorRuns = new Map<string, PriorRun[]>();
      for (const ended of endedOf.get(key) ?? []) priorRuns.set(ended.journeyId, [{ enteredAt: ended.enteredAt, status: 'done' }]);
      const workspaceMachines = new Map(
        [...machines].filter(([k]) => k.startsWith(`${row.workspaceId}/`)).map(([k, v]) => [k.slice(row.workspaceId.length + 1), v]),
      );
      const before = toProfile(row);
      const output = advance({
        customer: before,
        runs: myRuns.map((r) => ({ run: r.state, version: r.version })),
        machines: workspaceMachines,
        entryPoints: entryPoints.get(row.workspaceId) ?? [],
        priorRuns,
        work: items.map((i) => i.work).filter((w): w is Work => w !== null),
        now,
        history: history.get(key) ?? [],
        newRunId: () => randomUUID(),
      });
      started += [...output.runs.values()].filter((r) => r.started).length;
      outcomes.push({
        workspaceId: row.workspaceId,
        customerId: row.id,
        before,
        output,
        claimedTimers: myTimers.map((t) => ({ runId: t.runId, timerId: t.timerId })),
      });
      } catch (error) {
        // One customer's bad data must not stall everyone else: park their work with the reason.
        const message = error instanceof Error ? error.message : String(error);
        services.log.error({ err: error, workspaceId: row.workspaceId, customerId: row.id }, 'customer could not be advanced');
        failures.push({ seqs: myEvents.map((e) => e.seq), timers: myTimers.map((t) => ({ runId: t.runId, timerId: t.timerId })), message });
        const failedSeqs = new Set(myEvents.map((e) => e.seq));
        processedSeqs.splice(0, processedSeqs.length, ...processedSeqs.filter((seq) => !failedSeqs.has(seq)));
      }
    }
    const handed = await persistOutcomes(tx, outcomes, processedSeqs, now, services.handoff.room());
    await parkFailures(tx, failures, now);
    await refreshDateSchedules(
      tx,
      outcomes.map((o) => ({ workspaceId: o.workspaceId, customer: o.output.customer })),
      (workspaceId) =>
        (entryPoints.get(workspaceId) ?? []).flatMap((entry) => {
          const bound = machines.get(`${workspaceId}/${machineKey(entry.journeyId, entry.version)}`);
          return bound ? [{ entry, bound }] : [];
        }),
      now,
    );
    // Value clusters and segments from the customers as this batch left them; changes queue events.
    await refreshStanding(
      tx,
      outcomes.map((o) => ({
        workspaceId: o.workspaceId,
        customer: o.output.customer,
        seq: (eventsOf.get(keyOf(o)) ?? []).slice(0, config.RAPPORT_BATCH_EVENTS).at(-1)?.seq ?? null,
      })),
      now,
    );
    const steps = outcomes.reduce((n, o) => n + o.output.steps.length, 0);
    return { customers: locked.length, events: eventCount, timers: timerCount, steps, lateness, started, handed };
  });
  metrics.inc('rapport_events_processed_total', {}, report.events);
  metrics.inc('rapport_steps_total', {}, report.steps);
  metrics.inc('rapport_runs_started_total', {}, report.started);
  for (const late of report.lateness) metrics.observe('rapport_timer_lateness_ms', {}, late);
  // Committed: the effects leased to this process go straight to its dispatcher.
  services.handoff.push(report.handed);
  if (report.steps > 0) services.wake();
  return { customers: report.customers, events: report.events, timers: report.timers, steps: report.steps };
};

/**
 * Runs batches until aborted, in `RAPPORT_WORKER_CONCURRENCY` loops: while one loop waits for the
 * database another computes, and claims use SKIP LOCKED, so the loops never take the same customer.
 * An idle loop sleeps `RAPPORT_POLL_MS` unless woken. Due date triggers are turned into events, and
 * due re-evaluations (segment and cluster windows that expire) are run, by the first loop at most
 * once per poll interval. Batches in flight finish on abort.
 */
export const runWorker = async (services: Services, signal: AbortSignal, onWake?: (listener: () => void) => void): Promise<void> => {
  const sleepers = new Set<() => void>();
  let wakeups = 0;
  const wake = () => {
    wakeups += 1;
    for (const sleeper of [...sleepers]) sleeper();
  };
  onWake?.(wake);
  signal.addEventListener('abort', wake, { once: true });
  const backfilled = new Set<string>();
  let backfillAt = 0;
  let dueDatesAt = 0;
  const dateTriggers = async (): Promise<void> => {
    if (services.now() >= backfillAt) {
      await backfillDateSchedules(services, backfilled);
      await resumeSegmentBackfills(services);
      backfillAt = services.now() + DATE_BACKFILL_EVERY_MS;
    }
    // Real elapsed time, not the (possibly test) clock: this only bounds how often the table is polled.
    if (performance.now() >= dueDatesAt) {
      await emitDueDateEvents(services);
      await processDueReevaluations(services);
      dueDatesAt = performance.now() + services.config.RAPPORT_POLL_MS;
    }
  };
  const loop = async (lane: number): Promise<void> => {
    while (!signal.aborted) {
      const seen = wakeups;
      let report: BatchReport = { customers: 0, events: 0, timers: 0, steps: 0 };
      try {
        if (lane === 0) await dateTriggers();
        report = await processBatch(services);
      } catch (error) {
        services.log.error({ err: error }, 'worker batch failed; retrying');
      }
      if (report.customers > 0 || wakeups !== seen || signal.aborted) continue;
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          sleepers.delete(done);
          resolve();
        };
        const timer = setTimeout(done, services.config.RAPPORT_POLL_MS);
        sleepers.add(done);
      });
    }
  };
  await Promise.all(Array.from({ length: services.config.RAPPORT_WORKER_CONCURRENCY }, (_, lane) => loop(lane)));
};
