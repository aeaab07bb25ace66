import { and, asc, desc, eq, inArray, lt, or, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import type { Executor } from '../../drizzle/db.js';
import { customers, effectAttempts, effects, runSteps, runs, timers } from '../../drizzle/schema.js';
import { historyWindowDays, moveRun, type BoundJourney, type CustomerProfile, type EventView, type RunState, type Step, type StepResult } from '../../workflows/index.js';
import { ApiError, badRequest, notFound } from '../errors.js';
import type { Services } from '../services.js';
import { emptyProfile, saveProfileChange } from './customers.js';
import { loadHistory, toProfile, type CustomerKey } from './load.js';
import { effectRow, stepRow } from './persist.js';

/** Runs as the management API and the CLI see them, and the run writes made outside the worker (migrate, archive). */

const DAY = 86_400_000;

export const runListQuerySchema = z.object({
  journeyId: z.string().min(1).optional(),
  customerId: z.string().min(1).optional(),
  status: z.enum(['active', 'done']).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().min(1).optional(),
});
export type RunListQuery = z.infer<typeof runListQuerySchema>;

const cursorSchema = z.tuple([z.number().int(), z.string()]);
const encodeCursor = (enteredAt: number, id: string): string => Buffer.from(JSON.stringify([enteredAt, id])).toString('base64url');
const decodeCursor = (cursor: string): [number, string] => {
  try {
    return cursorSchema.parse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
  } catch {
    throw badRequest('the cursor is not one this API returned; pass nextCursor from the previous page unchanged', [{ path: ['query', 'cursor'], message: 'invalid cursor' }]);
  }
};

/** The columns of a run in lists (the API's run summary). */
export const runSummary = {
  id: runs.id,
  customerId: runs.customerId,
  journeyId: runs.journeyId,
  version: runs.version,
  status: runs.status,
  outcome: runs.outcome,
  reason: runs.reason,
  currentNode: runs.currentNode,
  enteredAt: runs.enteredAt,
  endedAt: runs.endedAt,
};

/** Newest first; keyset pagination on (enteredAt, id) so pages stay stable while runs start. */
export const listRuns = async (services: Services, workspaceId: string, query: RunListQuery) => {
  const conditions: SQL[] = [eq(runs.workspaceId, workspaceId)];
  if (query.journeyId) conditions.push(eq(runs.journeyId, query.journeyId));
  if (query.customerId) conditions.push(eq(runs.customerId, query.customerId));
  if (query.status) conditions.push(eq(runs.status, query.status));
  if (query.cursor) {
    const [enteredAt, id] = decodeCursor(query.cursor);
    conditions.push(or(lt(runs.enteredAt, enteredAt), and(eq(runs.enteredAt, enteredAt), lt(runs.id, id))) as SQL);
  }
  const rows = await services.db
    .select(runSummary)
    .from(runs)
    .where(and(...conditions))
    .orderBy(desc(runs.enteredAt), desc(runs.id))
    .limit(query.limit + 1);
  const page = rows.slice(0, query.limit);
  const last = page[page.length - 1];
  return { runs: page, nextCursor: rows.length > query.limit && last ? encodeCursor(last.enteredAt, last.id) : null };
};

export const getRunDetail = async (services: Services, workspaceId: string, runId: string) => {
  const { db } = services;
  const [run] = await db
    .select({ ...runSummary, state: runs.state })
    .from(runs)
    .where(and(eq(runs.workspaceId, workspaceId), eq(runs.id, runId)));
  if (!run) throw notFound(`run "${runId}"`);
  const [steps, runEffects, pendingTimers] = await Promise.all([
    db.select({ step: runSteps.step }).from(runSteps).where(eq(runSteps.runId, runId)).orderBy(asc(runSteps.seq)),
    db
      .select({
        id: effects.id,
        stepSeq: effects.stepSeq,
        actionIndex: effects.actionIndex,
        nodeId: effects.nodeId,
        channel: effects.channel,
        idempotencyKey: effects.idempotencyKey,
        payload: effects.payload,
        cost: effects.cost,
        status: effects.status,
        attempts: effects.attempts,
        lastError: effects.lastError,
        result: effects.result,
        createdAt: effects.createdAt,
        sentAt: effects.sentAt,
      })
      .from(effects)
      .where(and(eq(effects.workspaceId, workspaceId), eq(effects.runId, runId)))
      .orderBy(asc(effects.stepSeq), asc(effects.actionIndex)),
    db
      .select({ timerId: timers.timerId, dueAt: timers.dueAt, event: timers.event })
      .from(timers)
      .where(eq(timers.runId, runId))
      .orderBy(asc(timers.dueAt), asc(timers.timerId)),
  ]);
  const attempts = await effectAttemptsOf(db, runEffects.map((e) => e.id));
  return { ...run, steps: steps.map((s) => s.step), effects: runEffects.map((e) => ({ ...e, attemptLog: attempts.get(e.id) ?? [] })), timers: pendingTimers };
};

/** Every delivery attempt of the effects, oldest first (status, duration, error, the start of the answer). */
const effectAttemptsOf = async (db: Executor, effectIds: number[]) => {
  const byEffect = new Map<number, Omit<typeof effectAttempts.$inferSelect, 'effectId' | 'workspaceId' | 'customerId'>[]>();
  if (effectIds.length === 0) return byEffect;
  const rows = await db.select().from(effectAttempts).where(inArray(effectAttempts.effectId, effectIds)).orderBy(asc(effectAttempts.effectId), asc(effectAttempts.attempt));
  for (const { effectId, workspaceId: _workspace, customerId: _customer, ...attempt } of rows) byEffect.set(effectId, [...(byEffect.get(effectId) ?? []), attempt]);
  return byEffect;
};
export type RunDetail = Awaited<ReturnType<typeof getRunDetail>>;

/**
 * Locks the customer rows the runs belong to, in a fixed order, so the worker (which claims
 * customers FOR UPDATE SKIP LOCKED) never steps these runs while we change them.
 */
export const lockCustomersOf = async (tx: Executor, workspaceId: string, customerIds: readonly string[]) => {
  if (customerIds.length === 0) return new Map<string, CustomerProfile>();
  const rows = await tx
    .select()
    .from(customers)
    .where(and(eq(customers.workspaceId, workspaceId), inArray(customers.id, [...new Set(customerIds)])))
    .orderBy(asc(customers.id))
    .for('update');
  return new Map(rows.map((row) => [row.id, toProfile(row)]));
};

const activeRunsOf = (tx: Executor, workspaceId: string, journeyId: string, extra: SQL | undefined) =>
  tx
    .select({ id: runs.id, customerId: runs.customerId, version: runs.version, currentNode: runs.currentNode, state: runs.state })
    .from(runs)
    .where(and(eq(runs.workspaceId, workspaceId), eq(runs.journeyId, journeyId), eq(runs.status, 'active'), extra))
    .orderBy(asc(runs.customerId), asc(runs.enteredAt), asc(runs.id));

export interface Migration {
  workspaceId: string;
  journeyId: string;
  /** The newly published version and its bound machine. */
  toVersion: number;
  bound: BoundJourney;
  /** Old state id → node id of the new version. */
  mapping: Readonly<Record<string, string>>;
  note: string;
  now: number;
}

/**
 * Moves every active run of the journey on an older version whose current node is a key of the
 * mapping to the mapped node of the new version (inside the caller's transaction). Each move is a
 * recorded step; its timers are replaced and its effects go to the outbox. Returns how many moved.
 */
export const migrateRuns = async (tx: Executor, m: Migration): Promise<number> => {
  const from = Object.keys(m.mapping);
  if (from.length === 0) return 0;
  const candidates = await activeRunsOf(tx, m.workspaceId, m.journeyId, and(lt(runs.version, m.toVersion), inArray(runs.currentNode, from)));
  if (candidates.length === 0) return 0;
  const profiles = await lockCustomersOf(tx, m.workspaceId, candidates.map((r) => r.customerId));
  // Re-read under the customer locks: the worker may have stepped some of these runs meanwhile.
  const locked = await activeRunsOf(tx, m.workspaceId, m.journeyId, and(lt(runs.version, m.toVersion), inArray(runs.currentNode, from), inArray(runs.id, candidates.map((r) => r.id))));
  const days = historyWindowDays(m.bound.compiled);
  const keys: CustomerKey[] = [...profiles.keys()].map((customerId) => ({ workspaceId: m.workspaceId, customerId }));
  const histories = days > 0 ? await loadHistory(tx, keys, m.now - days * DAY) : new Map<string, EventView[]>();

  for (const row of locked) {
    const toNodeId = m.mapping[row.currentNode] as string;
    const before = profiles.get(row.customerId) ?? emptyProfile(row.customerId);
    const history = histories.get(`${m.workspaceId}\u0000${row.customerId}`) ?? [];
    let result: StepResult;
    try {
      result = moveRun(
        m.bound,
        row.state,
        { type: 'move', toNodeId, fromVersion: row.version, toVersion: m.toVersion, by: 'publish', reason: m.note },
        { customer: before, now: m.now, history },
      );
    } catch (error) {
      throw migrationFailed(row.id, row.currentNode, error as Error);
    }
    await saveRunStep(tx, m.workspaceId, row.customerId, result.run, result.step, m.toVersion, m.now);
    await saveProfileChange(tx, m.workspaceId, before, result.customer, `journey ${m.journeyId} run ${row.id} step ${result.step.seq}`, m.now);
    profiles.set(row.customerId, result.customer);
  }
  return locked.length;
};

/** Writes a run's new state, its step, its effects and its (replaced) timers. */
export const saveRunStep = async (tx: Executor, workspaceId: string, customerId: string, run: RunState, step: Step, version: number, now: number): Promise<void> => {
  await tx
    .update(runs)
    .set({
      state: run,
      version,
      currentNode: run.snapshot.value,
      status: run.status,
      outcome: run.outcome,
      reason: run.reason,
      endedAt: run.status === 'done' ? now : null,
    })
    .where(eq(runs.id, run.runId));
  await tx.insert(runSteps).values(stepRow(workspaceId, customerId, step));
  await tx.delete(timers).where(eq(timers.runId, run.runId));
  if (run.timers.length > 0) {
    await tx.insert(timers).values(run.timers.map((t) => ({ runId: run.runId, timerId: t.id, workspaceId, customerId, dueAt: t.dueAt, event: t.event })));
  }
  if (step.effects.length > 0) {
    await tx
      .insert(effects)
      .values(step.effects.map((effect) => effectRow(workspaceId, customerId, run.runId, step.seq, effect, now)))
      .onConflictDoNothing({ target: effects.idempotencyKey });
  }
};

export const archiveReason = 'journey archived';

/** Ends every active run of the journey (inside the caller's transaction); returns how many ended. */
export const endRunsOfJourney = async (tx: Executor, workspaceId: string, journeyId: string, now: number): Promise<number> => {
  const candidates = await activeRunsOf(tx, workspaceId, journeyId, undefined);
  if (candidates.length === 0) return 0;
  const profiles = await lockCustomersOf(tx, workspaceId, candidates.map((r) => r.customerId));
  const locked = await activeRunsOf(tx, workspaceId, journeyId, inArray(runs.id, candidates.map((r) => r.id)));
  for (const row of locked) {
    const before = row.state;
    const seq = before.seq + 1;
    const run: RunState = { ...before, timers: [], status: 'done', outcome: 'exited', reason: archiveReason, seq };
    const step: Step = {
      runId: row.id,
      seq,
      at: now,
      input: { type: 'end', by: 'archive', reason: archiveReason },
      stateBefore: before.snapshot.value,
      stateAfter: before.snapshot.value,
      path: [],
      guards: [],
      effects: [],
      customerUpdates: [],
      timersSet: [],
      timersCancelled: before.timers.map((t) => t.id),
      status: 'done',
      outcome: 'exited',
      reason: archiveReason,
      customer: profiles.get(row.customerId) ?? emptyProfile(row.customerId),
    };
    await saveRunStep(tx, workspaceId, row.customerId, run, step, row.version, now);
  }
  return locked.length;
};

/** Counts per journey for the journey list. */
export const runCountsByJourney = async (db: Executor, workspaceId: string) => {
  const rows = await db
    .select({
      journeyId: runs.journeyId,
      activeRuns: sql<number>`count(*) filter (where ${runs.status} = 'active')`.mapWith(Number),
      conversions: sql<number>`count(*) filter (where ${runs.outcome} = 'converted')`.mapWith(Number),
    })
    .from(runs)
    .where(eq(runs.workspaceId, workspaceId))
    .groupBy(runs.journeyId);
  return new Map(rows.map((r) => [r.journeyId, { activeRuns: r.activeRuns, conversions: r.conversions }]));
};

/** A run the stepper refused to move: the whole publish is rolled back. */
const migrationFailed = (runId: string, from: string, error: Error): ApiError =>
  new ApiError(422, 'migration_invalid', `run ${runId} could not be moved from "${from}": ${error.message}; nothing was published`, [
    { path: ['migration', 'mapping', from], message: error.message },
  ]);
