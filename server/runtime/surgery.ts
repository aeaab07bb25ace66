import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import { apiKeys, runs } from '../../drizzle/schema.js';
import { historyWindowDays, moveRun, stepRun, type RunState, type Step, type StepResult } from '../../workflows/index.js';
import { ApiError, notFound } from '../errors.js';
import type { Services } from '../services.js';
import { recordAudit } from './audit.js';
import { emptyProfile, saveProfileChange } from './customers.js';
import { loadHistory } from './load.js';
import { lockCustomersOf, saveRunStep } from './runs.js';

/**
 * Run surgery by an analyst: cancel a run, move it to another node, or fire, reschedule or drop a
 * pending timer. Each is one transaction under the customer's lock (so the worker cannot step the
 * run meanwhile), recorded as a step (replayable) and in the audit log with who and why.
 */

const DAY = 86_400_000;
const reason = z.string().min(1, 'say why (it is recorded with the step)').max(500);

export const surgeryRequestSchema = z.discriminatedUnion('action', [
  z.object({ action: z.literal('cancel'), reason }),
  z.object({ action: z.literal('move'), nodeId: z.string().min(1), reason }),
  z.object({ action: z.literal('fire_timer'), timerId: z.string().min(1), reason }),
  z.object({ action: z.literal('reschedule_timer'), timerId: z.string().min(1), dueAt: z.union([z.iso.datetime({ offset: true }), z.number().int()]), reason }),
  z.object({ action: z.literal('skip_timer'), timerId: z.string().min(1), reason }),
]);
export type SurgeryRequest = z.infer<typeof surgeryRequestSchema>;

const sameState = (run: RunState, seq: number, now: number, input: Step['input'], customer: Step['customer'], changes: Partial<Step>): Step => ({
  runId: run.runId,
  seq,
  at: now,
  input,
  stateBefore: run.snapshot.value,
  stateAfter: run.snapshot.value,
  path: [],
  guards: [],
  effects: [],
  customerUpdates: [],
  timersSet: [],
  timersCancelled: [],
  status: run.status,
  outcome: run.outcome,
  reason: run.reason,
  customer,
  ...changes,
});

export const performSurgery = async (
  services: Services,
  workspaceId: string,
  runId: string,
  request: SurgeryRequest,
  actor: { keyId: string | null },
): Promise<{ runId: string; step: Step }> => {
  const now = services.now();
  return services.db.transaction(async (tx) => {
    // Who, as people recognise the key: its name and first characters.
    const [key] = actor.keyId ? await tx.select({ name: apiKeys.name, prefix: apiKeys.prefix }).from(apiKeys).where(eq(apiKeys.id, actor.keyId)) : [];
    const by = key ? `key "${key.name}" (${key.prefix}…)` : actor.keyId ? `key ${actor.keyId}` : 'system';
    const [first] = await tx.select({ customerId: runs.customerId }).from(runs).where(and(eq(runs.workspaceId, workspaceId), eq(runs.id, runId)));
    if (!first) throw notFound(`run "${runId}"`);
    const profiles = await lockCustomersOf(tx, workspaceId, [first.customerId]);
    const [row] = await tx.select().from(runs).where(eq(runs.id, runId));
    if (!row) throw notFound(`run "${runId}"`);
    if (row.status !== 'active') throw new ApiError(409, 'run_ended', `run "${runId}" has ended (${row.outcome ?? 'done'}); only active runs can be changed`);
    const run = row.state;
    const customer = profiles.get(row.customerId) ?? emptyProfile(row.customerId);
    const bound = await services.versions.machine(workspaceId, row.journeyId, row.version, tx);
    const days = historyWindowDays(bound.compiled);
    const history = days > 0 ? ((await loadHistory(tx, [{ workspaceId, customerId: row.customerId }], now - days * DAY)).get(`${workspaceId}\u0000${row.customerId}`) ?? []) : [];
    const options = { customer, now, history };
    const timerOf = (timerId: string) => {
      const timer = run.timers.find((t) => t.id === timerId);
      if (!timer) throw new ApiError(404, 'not_found', `run "${runId}" has no pending timer "${timerId}"; its timers are ${run.timers.map((t) => `"${t.id}"`).join(', ') || 'none'}`, [{ path: ['timerId'], message: 'unknown timer' }]);
      return timer;
    };

    let next: RunState;
    let step: Step;
    let changed: StepResult | null = null;
    switch (request.action) {
      case 'cancel': {
        const seq = run.seq + 1;
        next = { ...run, status: 'done', outcome: 'exited', reason: `cancelled: ${request.reason}`, timers: [], seq };
        step = sameState(run, seq, now, { type: 'end', by, reason: `cancelled: ${request.reason}` }, customer, {
          status: 'done',
          outcome: 'exited',
          reason: next.reason,
          timersCancelled: run.timers.map((t) => t.id),
        });
        break;
      }
      case 'move':
        try {
          changed = moveRun(bound, run, { type: 'move', toNodeId: request.nodeId, fromVersion: row.version, toVersion: row.version, by, reason: request.reason }, options);
        } catch (error) {
          throw new ApiError(422, 'move_invalid', (error as Error).message, [{ path: ['nodeId'], message: (error as Error).message }]);
        }
        next = changed.run;
        step = changed.step;
        break;
      case 'fire_timer': {
        const timer = timerOf(request.timerId);
        changed = stepRun(bound, run, { type: 'timer', timerId: timer.id, event: timer.event, by, reason: request.reason }, options);
        next = changed.run;
        step = changed.step;
        break;
      }
      case 'reschedule_timer':
      case 'skip_timer': {
        const timer = timerOf(request.timerId);
        const dueAt = request.action === 'skip_timer' ? null : typeof request.dueAt === 'number' ? request.dueAt : Date.parse(request.dueAt);
        if (dueAt !== null && dueAt < now) throw new ApiError(400, 'invalid_request', 'the new due time is in the past; use fire_timer to fire it now', [{ path: ['dueAt'], message: 'in the past' }]);
        const seq = run.seq + 1;
        const timers = run.timers
          .map((t) => (t.id === timer.id && dueAt !== null ? { ...t, dueAt } : t))
          .filter((t) => t.id !== timer.id || dueAt !== null)
          .sort((a, b) => a.dueAt - b.dueAt || (a.id < b.id ? -1 : 1));
        next = { ...run, timers, seq };
        step = sameState(run, seq, now, { type: 'timer_change', timerId: timer.id, dueAt, by, reason: request.reason }, customer, {
          timersCancelled: dueAt === null ? [timer.id] : [],
          timersSet: dueAt === null ? [] : [{ ...timer, dueAt }],
        });
        break;
      }
    }
    await saveRunStep(tx, workspaceId, row.customerId, next, step, row.version, now);
    if (changed && changed.customer !== customer) {
      await saveProfileChange(tx, workspaceId, customer, changed.customer, `surgery on run ${runId} step ${step.seq} by ${by}`, now);
    }
    await recordAudit(tx, {
      workspaceId,
      actorKeyId: actor.keyId,
      action: 'run.surgery',
      targetType: 'run',
      targetId: runId,
      details: { action: request.action, reason: request.reason, seq: step.seq, journeyId: row.journeyId },
      at: now,
    });
    services.wake();
    return { runId, step };
  });
};
