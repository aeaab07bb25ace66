import type { SQL } from 'drizzle-orm';
import { queryRows, type Executor } from '../../drizzle/db.js';
import type { effects } from '../../drizzle/schema.js';
import type { AdvanceOutput, CustomerProfile, EffectRecord, Step } from '../../workflows/index.js';
import {
  deleteTimers,
  deleteTimersOfRunsExcept,
  insertEffects,
  insertRuns,
  insertStageChanges,
  insertSteps,
  upsertTimers,
  markEventsProcessed,
  updateCustomers,
  updateRuns,
  type CustomerWrite,
  type EffectWrite,
  type RunWrite,
  type StageChangeWrite,
  type StepWrite,
  type TimerWrite,
} from './batch-statements.js';
import { leaseMs, type EffectRow as StoredEffectRow } from './handoff.js';

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

/** The stored step is exactly the stepper's `Step` (advance() tags steps with their journey; that is not stored). */
export const stepRow = (workspaceId: string, customerId: string, tagged: Step & { journeyId?: string; version?: number }) => {
  const { journeyId: _journeyId, version: _version, ...step } = tagged;
  return {
    runId: step.runId,
    seq: step.seq,
    workspaceId,
    customerId,
    at: step.at,
    stateBefore: step.stateBefore,
    stateAfter: step.stateAfter,
    step,
  };
};

const sameProfile = (a: CustomerProfile, b: CustomerProfile): boolean => JSON.stringify(a) === JSON.stringify(b);

/**
 * Writes a batch's outcomes with one fixed-shape statement per table (rows as one JSON parameter,
 * see batch-statements.ts), issued together so postgres.js pipelines them on the transaction's
 * connection: a batch costs about one round trip of writes however many customers it holds.
 * Statements run in the order issued; if one fails, the transaction fails as a whole.
 */
export const persistOutcomes = async (
  tx: Executor,
  outcomes: readonly CustomerOutcome[],
  processedSeqs: readonly number[],
  now: number,
  /** How many new pending effects to write leased for this process's dispatcher (handoff.ts). */
  handoffRoom = 0,
): Promise<StoredEffectRow[]> => {
  const customerRows: CustomerWrite[] = [];
  const stepRows: StepWrite[] = [];
  const effectRows: EffectWrite[] = [];
  const newRuns: RunWrite[] = [];
  const updatedRuns: RunWrite[] = [];
  const timerRows: TimerWrite[] = [];
  const touchedIds = new Set<string>();
  const claimedTimers: { run_id: string; timer_id: string }[] = [];
  const stageRows: StageChangeWrite[] = [];
  const leased = new Set<string>();

  for (const { workspaceId, customerId, before, output, claimedTimers: claimed } of outcomes) {
    const customer = output.customer;
    if (!sameProfile(before, customer)) {
      customerRows.push({ workspace_id: workspaceId, id: customerId, traits: customer.traits, stage: customer.stage, tags: customer.tags, timezone: customer.timezone });
    }
    for (const change of output.stageChanges) {
      stageRows.push({ workspace_id: workspaceId, customer_id: customerId, from_stage: change.from, to_stage: change.to, cause: change.cause, at: change.at });
    }
    for (const step of output.steps) {
      const row = stepRow(workspaceId, customerId, step);
      stepRows.push({ run_id: row.runId, seq: row.seq, workspace_id: workspaceId, customer_id: customerId, at: row.at, state_before: row.stateBefore, state_after: row.stateAfter, step: row.step });
    }
    for (const effect of output.effects) {
      const row = effectRow(workspaceId, customerId, effect.runId, effect.seq, effect, now);
      effectRows.push({
        workspace_id: workspaceId,
        customer_id: customerId,
        run_id: row.runId,
        step_seq: row.stepSeq,
        action_index: row.actionIndex,
        node_id: row.nodeId,
        idempotency_key: row.idempotencyKey,
        channel: row.channel,
        payload: row.payload,
        cost: row.cost ?? null,
        status: row.status,
        last_error: row.lastError ?? null,
        attempts: row.attempts ?? 0,
        // Leased to this process's dispatcher, which gets the row after the commit; due at once otherwise.
        next_attempt_at: row.status === 'pending' && leased.size < handoffRoom && leased.add(row.idempotencyKey) ? now + leaseMs : row.nextAttemptAt,
        created_at: row.createdAt,
      });
    }
    for (const t of claimed) claimedTimers.push({ run_id: t.runId, timer_id: t.timerId });
    const stepped = new Set(output.steps.map((step) => step.runId));
    for (const { run, version, started } of output.runs.values()) {
      if (!stepped.has(run.runId)) continue;
      const row: RunWrite = {
        id: run.runId,
        workspace_id: workspaceId,
        customer_id: customerId,
        journey_id: run.journeyId,
        version,
        status: run.status,
        outcome: run.outcome,
        reason: run.reason,
        current_node: run.snapshot.value,
        state: run,
        entered_at: run.snapshot.context.enteredAt,
        ended_at: run.status === 'done' ? now : null,
      };
      (started ? newRuns : updatedRuns).push(row);
      touchedIds.add(run.runId);
      // Timers are a projection of each run's pending timers: for every touched run, those it no
      // longer has are deleted and the others stored (in place when already there).
      for (const timer of run.timers) {
        timerRows.push({ run_id: run.runId, timer_id: timer.id, workspace_id: workspaceId, customer_id: customerId, due_at: timer.dueAt, event: timer.event });
      }
    }
  }

  const untouchedClaims = claimedTimers.filter((t) => !touchedIds.has(t.run_id));
  const statements: SQL[] = [];
  if (customerRows.length > 0) statements.push(updateCustomers(customerRows, now));
  if (newRuns.length > 0) statements.push(insertRuns(newRuns));
  if (updatedRuns.length > 0) statements.push(updateRuns(updatedRuns));
  if (stepRows.length > 0) statements.push(insertSteps(stepRows));
  if (touchedIds.size > 0) statements.push(deleteTimersOfRunsExcept([...touchedIds], timerRows));
  if (untouchedClaims.length > 0) statements.push(deleteTimers(untouchedClaims));
  if (timerRows.length > 0) statements.push(upsertTimers(timerRows));
  if (stageRows.length > 0) statements.push(insertStageChanges(stageRows));
  if (processedSeqs.length > 0) statements.push(markEventsProcessed(processedSeqs, now));
  const [inserted] = await Promise.all([
    effectRows.length > 0 ? queryRows<{ id: number; idempotency_key: string }>(tx, insertEffects(effectRows)) : Promise.resolve([]),
    ...statements.map((statement) => tx.execute(statement)),
  ]);
  // The rows as stored, for the handover (an effect whose key was already stored is not new).
  const ids = new Map(inserted.map((r) => [r.idempotency_key, Number(r.id)]));
  return effectRows.flatMap((e) => {
    const id = ids.get(e.idempotency_key);
    if (id === undefined || !leased.has(e.idempotency_key)) return [];
    return [{
      id,
      workspaceId: e.workspace_id,
      customerId: e.customer_id,
      runId: e.run_id,
      stepSeq: e.step_seq,
      actionIndex: e.action_index,
      nodeId: e.node_id,
      idempotencyKey: e.idempotency_key,
      channel: e.channel,
      payload: e.payload as StoredEffectRow['payload'],
      cost: e.cost,
      status: 'pending' as const,
      attempts: e.attempts,
      nextAttemptAt: e.next_attempt_at,
      lastError: e.last_error,
      result: null,
      createdAt: e.created_at,
      sentAt: null,
    }];
  });
};
