import { and, eq, inArray } from 'drizzle-orm';
import type { Executor } from '../../drizzle/db.js';
import { customers, effects, events, runSteps, runs, stageChanges, timers } from '../../drizzle/schema.js';
import type { AdvanceOutput, CustomerProfile, EffectRecord, JourneyRun, Step } from '../../workflows/index.js';

/** Writes of one worker batch, all inside the caller's transaction. */
export interface CustomerOutcome {
  workspaceId: string;
  customerId: string;
  before: CustomerProfile;
  output: AdvanceOutput;
  /** Due timers claimed for this customer (deleted whether or not they produced a step). */
  claimedTimers: { runId: string; timerId: string }[];
}

export type EffectRow = typeof effects.$inferInsert;

/** The outbox row for an effect. Effects that failed while being prepared are stored as failed and never sent. */
export const effectRow = (workspaceId: string, customerId: string, runId: string, seq: number, effect: EffectRecord, now: number): EffectRow => ({
  workspaceId,
  customerId,
  runId,
  stepSeq: seq,
  actionIndex: effect.index,
  nodeId: effect.nodeId,
  idempotencyKey: effect.idempotencyKey,
  channel: effect.channel,
  payload: effect.payload,
  cost: effect.cost,
  status: effect.error ? 'failed' : 'pending',
  lastError: effect.error,
  attempts: 0,
  nextAttemptAt: now,
  createdAt: now,
});

export const stepRow = (workspaceId: string, customerId: string, step: Step) => ({
  runId: step.runId,
  seq: step.seq,
  workspaceId,
  customerId,
  at: step.at,
  stateBefore: step.stateBefore,
  stateAfter: step.stateAfter,
  step,
});

const sameProfile = (a: CustomerProfile, b: CustomerProfile): boolean => JSON.stringify(a) === JSON.stringify(b);

export const persistOutcomes = async (tx: Executor, outcomes: readonly CustomerOutcome[], processedSeqs: readonly number[], now: number): Promise<void> => {
  const stepRows: ReturnType<typeof stepRow>[] = [];
  const effectRows: EffectRow[] = [];
  const newRuns: (typeof runs.$inferInsert)[] = [];
  const touchedRuns: { workspaceId: string; customerId: string; run: JourneyRun }[] = [];
  const timerDeletes: { runId: string; timerId: string }[] = [];
  const stageRows: (typeof stageChanges.$inferInsert)[] = [];

  for (const { workspaceId, customerId, before, output, claimedTimers } of outcomes) {
    const customer = output.customer;
    if (!sameProfile(before, customer)) {
      await tx
        .update(customers)
        .set({ traits: customer.traits, stage: customer.stage, tags: customer.tags, timezone: customer.timezone, updatedAt: now })
        .where(and(eq(customers.workspaceId, workspaceId), eq(customers.id, customerId)));
    }
    for (const change of output.stageChanges) {
      stageRows.push({ workspaceId, customerId, fromStage: change.from, toStage: change.to, cause: change.cause, at: change.at });
    }
    for (const step of output.steps) stepRows.push(stepRow(workspaceId, customerId, step));
    for (const effect of output.effects) effectRows.push(effectRow(workspaceId, customerId, effect.runId, effect.seq, effect, now));
    timerDeletes.push(...claimedTimers);
    const stepped = new Set(output.steps.map((step) => step.runId));
    for (const entry of output.runs.values()) {
      const { run, version, started } = entry;
      if (!stepped.has(run.runId)) continue;
      if (started) {
        newRuns.push({
          id: run.runId,
          workspaceId,
          customerId,
          journeyId: run.journeyId,
          version,
          status: run.status,
          outcome: run.outcome,
          reason: run.reason,
          currentNode: run.snapshot.value,
          state: run,
          enteredAt: run.snapshot.context.enteredAt,
          endedAt: run.status === 'done' ? now : null,
        });
      }
      touchedRuns.push({ workspaceId, customerId, run: entry });
    }
  }

  if (newRuns.length > 0) await tx.insert(runs).values(newRuns);
  for (const { run: entry } of touchedRuns) {
    const { run } = entry;
    if (newRuns.some((r) => r.id === run.runId)) continue;
    await tx
      .update(runs)
      .set({ status: run.status, outcome: run.outcome, reason: run.reason, currentNode: run.snapshot.value, state: run, version: entry.version, endedAt: run.status === 'done' ? now : null })
      .where(eq(runs.id, run.runId));
  }
  if (stepRows.length > 0) await tx.insert(runSteps).values(stepRows);
  if (effectRows.length > 0) await tx.insert(effects).values(effectRows).onConflictDoNothing({ target: effects.idempotencyKey });

  // Timers are a projection of each run's pending timers: replace them for every touched run.
  const touchedIds = touchedRuns.map((t) => t.run.run.runId);
  if (touchedIds.length > 0) await tx.delete(timers).where(inArray(timers.runId, touchedIds));
  for (const claimed of timerDeletes) {
    if (touchedIds.includes(claimed.runId)) continue;
    await tx.delete(timers).where(and(eq(timers.runId, claimed.runId), eq(timers.timerId, claimed.timerId)));
  }
  const timerRows = touchedRuns.flatMap(({ workspaceId, customerId, run: { run } }) =>
    run.timers.map((timer) => ({ runId: run.runId, timerId: timer.id, workspaceId, customerId, dueAt: timer.dueAt, event: timer.event })),
  );
  if (timerRows.length > 0) await tx.insert(timers).values(timerRows);
  if (stageRows.length > 0) await tx.insert(stageChanges).values(stageRows);
  if (processedSeqs.length > 0) await tx.update(events).set({ processedAt: now }).where(inArray(events.seq, [...processedSeqs]));
};

