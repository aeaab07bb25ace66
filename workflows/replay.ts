import { evaluateTrigger } from './entry.js';
import type { BoundJourney } from './implementations.js';
import { moveRun, startRun, stepRun, type RunState, type Step, type StepResult } from './stepper.js';

/**
 * Deterministic replay: feed a run's recorded inputs (input, time, the customer as the step saw
 * them, the history its conditions counted) back through its pinned version with the pure stepper
 * and check that every step comes out exactly as recorded. The first difference is reported with
 * the step and the field, so "the new compiler changed what this customer would have got" is
 * visible before it matters.
 */

export interface Divergence {
  seq: number;
  /** Dotted path inside the step where recorded and replayed differ, e.g. "effects.0.payload.subject". */
  path: string;
  recorded: unknown;
  replayed: unknown;
  message: string;
}

export interface ReplayResult {
  runId: string;
  steps: number;
  matched: boolean;
  divergence: Divergence | null;
}

const normalise = (value: unknown): unknown => (value === undefined ? undefined : JSON.parse(JSON.stringify(value)));

/** The first place two JSON values differ (objects compared by key, arrays by index), or null. */
export const firstDifference = (recorded: unknown, replayed: unknown, path: string[] = []): { path: string; recorded: unknown; replayed: unknown } | null => {
  if (recorded === replayed) return null;
  const bothObjects = typeof recorded === 'object' && recorded !== null && typeof replayed === 'object' && replayed !== null;
  if (!bothObjects || Array.isArray(recorded) !== Array.isArray(replayed)) return { path: path.join('.'), recorded, replayed };
  if (Array.isArray(recorded) && Array.isArray(replayed)) {
    for (let i = 0; i < Math.max(recorded.length, replayed.length); i += 1) {
      const found = firstDifference(recorded[i], replayed[i], [...path, String(i)]);
      if (found) return found;
    }
    return null;
  }
  const a = recorded as Record<string, unknown>;
  const b = replayed as Record<string, unknown>;
  for (const key of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) {
    const found = firstDifference(a[key], b[key], [...path, key]);
    if (found) return found;
  }
  return null;
};

/** The version a run started on: the first move's `fromVersion`, else the version it is on now. */
export const startVersion = (steps: readonly Step[], currentVersion: number): number => {
  const firstMove = steps.find((s) => s.input.type === 'move');
  return firstMove && firstMove.input.type === 'move' && firstMove.input.fromVersion !== null ? firstMove.input.fromVersion : currentVersion;
};

export const replayRun = (machineFor: (version: number) => BoundJourney, recorded: readonly Step[], initialVersion: number): ReplayResult => {
  const steps = [...recorded].sort((a, b) => a.seq - b.seq);
  const runId = steps[0]?.runId ?? '';
  let version = initialVersion;
  let run: RunState | null = null;
  const diverged = (seq: number, difference: { path: string; recorded: unknown; replayed: unknown }, message?: string): ReplayResult => ({
    runId,
    steps: steps.length,
    matched: false,
    divergence: {
      seq,
      ...difference,
      message: message ?? `step ${seq} differs at ${difference.path || 'the step'}: recorded ${JSON.stringify(difference.recorded)}, replay gives ${JSON.stringify(difference.replayed)}`,
    },
  });

  for (const step of steps) {
    const options = { customer: step.customer, now: step.at, history: step.history ?? [] };
    let result: StepResult;
    try {
      const input = step.input;
      switch (input.type) {
        case 'start': {
          const bound = machineFor(version);
          const triggerEvaluation = input.event ? evaluateTrigger(bound.compiled, input.triggerNodeId, input.event, step.customer, step.at) : null;
          result = startRun(bound, { runId, triggerNodeId: input.triggerNodeId, event: input.event, ...(triggerEvaluation ? { triggerEvaluation } : {}) }, options);
          break;
        }
        case 'event':
        case 'timer':
          if (!run) return diverged(step.seq, { path: 'input', recorded: input, replayed: null }, `step ${step.seq} has no run to step (the run's start was not recorded)`);
          result = stepRun(machineFor(version), run, input, options);
          if (result.unchanged) {
            return diverged(step.seq, { path: 'stateAfter', recorded: step.stateAfter, replayed: run.snapshot.value }, `step ${step.seq}: the replayed run ignores this input, but a step was recorded`);
          }
          break;
        case 'move':
          if (!run) return diverged(step.seq, { path: 'input', recorded: input, replayed: null }, `step ${step.seq} moves a run that was never started`);
          version = input.toVersion ?? version;
          result = moveRun(machineFor(version), run, input, options);
          break;
        case 'timer_change': {
          const current = run as RunState | null;
          if (!current || current.snapshot.value !== step.stateBefore || !current.timers.some((t) => t.id === input.timerId)) {
            return diverged(step.seq, { path: 'input.timerId', recorded: input.timerId, replayed: current?.timers.map((t) => t.id) ?? null }, `step ${step.seq} changes a timer the replayed run does not have`);
          }
          const timers = current.timers
            .map((t) => (t.id === input.timerId && input.dueAt !== null ? { ...t, dueAt: input.dueAt } : t))
            .filter((t) => t.id !== input.timerId || input.dueAt !== null)
            .sort((a, b) => a.dueAt - b.dueAt || (a.id < b.id ? -1 : 1));
          run = { ...current, timers, seq: step.seq };
          continue;
        }
        case 'end': {
          // Ended from outside: nothing to compute, but the run must have been where the step says.
          const current = run as RunState | null;
          if (!current || current.snapshot.value !== step.stateBefore) {
            return diverged(step.seq, { path: 'stateBefore', recorded: step.stateBefore, replayed: current?.snapshot.value ?? null });
          }
          run = { ...current, status: 'done', outcome: step.outcome, reason: step.reason, timers: [], seq: step.seq };
          continue;
        }
      }
    } catch (error) {
      return diverged(step.seq, { path: '', recorded: step.stateAfter, replayed: null }, `step ${step.seq} could not be replayed: ${(error as Error).message}`);
    }
    const difference = firstDifference(normalise(step), normalise(result.step));
    if (difference) return diverged(step.seq, difference);
    run = result.run;
  }
  return { runId, steps: steps.length, matched: true, divergence: null };
};
