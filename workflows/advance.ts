import type { CustomerProfile, JsonValue } from './domain.js';
import { customerChangeEvents } from './customer-update.js';
import { entryAllowed, matchTrigger, type PriorRun } from './entry.js';
import { eventView, type EventView, type JourneyEvent } from './events.js';
import type { BoundJourney } from './implementations.js';
import { startRun, stepRun, type EffectRecord, type RunState, type Step, type StepResult, type Timer } from './stepper.js';

/**
 * Advances one customer across all their journeys for a batch of work (events in arrival order,
 * due timers), at one clock value. Pure: the runtime loads the inputs, calls this, and writes the
 * outputs in one transaction; the simulator calls it once per tick of its virtual clock. Customer
 * changes made by steps become `trait_changed` / `stage_changed` events delivered in the same call.
 */

export interface JourneyRun {
  run: RunState;
  version: number;
}

/** A published version that takes new entries (status live). */
export interface EntryPoint {
  journeyId: string;
  version: number;
}

export type Work =
  | { kind: 'event'; event: JourneyEvent }
  | { kind: 'identify'; traits: Record<string, JsonValue>; timezone?: string | null; at: number }
  | { kind: 'timer'; runId: string; timer: Timer };

export interface AdvanceInput {
  customer: CustomerProfile;
  /** The customer's active runs. */
  runs: readonly JourneyRun[];
  /** Bound machines by `${journeyId}@${version}`, for every version in `runs` and `entryPoints`. */
  machines: ReadonlyMap<string, BoundJourney>;
  entryPoints: readonly EntryPoint[];
  /** Ended runs per journey id (at least the latest one) for entry policies; active runs come from `runs`. */
  priorRuns: ReadonlyMap<string, readonly PriorRun[]>;
  work: readonly Work[];
  now: number;
  /** The customer's named events before this batch, oldest first. */
  history: readonly EventView[];
  /** Makes ids for new runs (the runtime passes UUIDs; the simulator a counter). */
  newRunId: (journeyId: string) => string;
  /** Stop after this many steps (the rest of the work stays undone and is reported). */
  maxSteps?: number;
}

export interface StageChange {
  from: string | null;
  to: string;
  cause: string;
  at: number;
}

export interface AdvanceOutput {
  customer: CustomerProfile;
  /** Runs touched in this call, by id, in their new state. */
  runs: Map<string, JourneyRun & { started: boolean }>;
  steps: (Step & { journeyId: string; version: number })[];
  effects: (EffectRecord & { runId: string; seq: number })[];
  timersSet: { runId: string; timer: Timer }[];
  timersCancelled: { runId: string; timerId: string }[];
  stageChanges: StageChange[];
  /** Journey events this batch produced (including derived trait/stage changes), in order. */
  delivered: JourneyEvent[];
  rejectedEntries: { journeyId: string; triggerNodeId: string; reason: string }[];
  /** Work items not done because `maxSteps` was reached. */
  undone: number;
  /** True when `maxSteps` cut a work item short (some runs were not stepped or started). */
  truncated: boolean;
}

export const machineKey = (journeyId: string, version: number): string => `${journeyId}@${version}`;

/**
 * One `advance()` call's state. A class, not closures inside `advance()`: the hot loop of the
 * simulator calls `advance()` once per tick, and every named closure made per call costs an
 * allocation and, under tsx (esbuild's keepNames), a `defineProperty` for its name.
 */
class Advance {
  readonly out: AdvanceOutput;
  private customer: CustomerProfile;
  private readonly history: EventView[];
  private readonly runs: Map<string, JourneyRun & { started: boolean }>;
  private readonly pending: JourneyEvent[] = [];
  private readonly maxSteps: number;

  constructor(private readonly input: AdvanceInput) {
    this.maxSteps = input.maxSteps ?? 10_000;
    this.customer = input.customer;
    this.history = [...input.history];
    this.runs = new Map();
    for (const r of input.runs) this.runs.set(r.run.runId, { ...r, started: false });
    this.out = {
      customer: this.customer, runs: this.runs, steps: [], effects: [], timersSet: [], timersCancelled: [], stageChanges: [], delivered: [], rejectedEntries: [], undone: 0, truncated: false,
    };
  }

  private machineOf(journeyId: string, version: number): BoundJourney {
    const bound = this.input.machines.get(machineKey(journeyId, version));
    if (!bound) throw new Error(`journey ${journeyId} version ${version} is not loaded`);
    return bound;
  }

  private options() {
    return { customer: this.customer, now: this.input.now, history: this.history };
  }

  private changeCustomer(next: CustomerProfile, cause: string): void {
    const before = this.customer;
    const { now } = this.input;
    this.customer = next;
    if (before.stage !== next.stage && next.stage !== null) this.out.stageChanges.push({ from: before.stage, to: next.stage, cause, at: now });
    this.pending.push(...customerChangeEvents(before, next, now));
  }

  private record(result: StepResult, journeyId: string, version: number, started: boolean): void {
    if (result.unchanged) return;
    const { out } = this;
    this.runs.set(result.run.runId, { run: result.run, version, started: started || (this.runs.get(result.run.runId)?.started ?? false) });
    out.steps.push({ ...result.step, journeyId, version });
    for (const effect of result.step.effects) out.effects.push({ ...effect, runId: result.run.runId, seq: result.step.seq });
    for (const timer of result.step.timersSet) out.timersSet.push({ runId: result.run.runId, timer });
    for (const timerId of result.step.timersCancelled) out.timersCancelled.push({ runId: result.run.runId, timerId });
    if (result.customer !== this.customer) this.changeCustomer(result.customer, `journey ${journeyId} run ${result.run.runId} step ${result.step.seq}`);
  }

  full(): boolean {
    if (this.out.steps.length < this.maxSteps) return false;
    this.out.truncated = true;
    return true;
  }

  private deliver(event: JourneyEvent): void {
    const { input, runs, out } = this;
    const { now } = input;
    out.delivered.push(event);
    if (event.type === 'track' || event.type === 'webhook') this.history.push(eventView(event));
    const active = [...runs.values()].filter((r) => r.run.status === 'active').map((r) => r.run.runId);
    for (const runId of active) {
      const current = runs.get(runId) as JourneyRun;
      if (current.run.status !== 'active' || this.full()) continue;
      this.record(stepRun(this.machineOf(current.run.journeyId, current.version), current.run, { type: 'event', event }, this.options()), current.run.journeyId, current.version, false);
    }
    for (const entry of input.entryPoints) {
      if (this.full()) return;
      const bound = this.machineOf(entry.journeyId, entry.version);
      const match = matchTrigger(bound.compiled, event, this.customer, now);
      if (!match) continue;
      const prior = [
        ...(input.priorRuns.get(entry.journeyId) ?? []),
        ...[...runs.values()].filter((r) => r.run.journeyId === entry.journeyId).map((r) => ({ enteredAt: r.run.snapshot.context.enteredAt, status: r.run.status })),
      ];
      const decision = entryAllowed(bound.compiled.entry, prior, now);
      if (!decision.allowed) {
        out.rejectedEntries.push({ journeyId: entry.journeyId, triggerNodeId: match.nodeId, reason: decision.reason });
        continue;
      }
      const runId = input.newRunId(entry.journeyId);
      this.record(startRun(bound, { runId, triggerNodeId: match.nodeId, event, triggerEvaluation: match.evaluation }, this.options()), entry.journeyId, entry.version, true);
    }
  }

  private drain(): void {
    while (this.pending.length > 0 && !this.full()) this.deliver(this.pending.shift() as JourneyEvent);
  }

  /** Does one work item and everything it causes. */
  work(work: Work): void {
    const { now } = this.input;
    switch (work.kind) {
      case 'identify': {
        const next = {
          ...this.customer,
          traits: { ...this.customer.traits, ...work.traits },
          ...(work.timezone !== undefined ? { timezone: work.timezone } : {}),
        };
        this.changeCustomer(next, 'identify');
        break;
      }
      case 'event':
        if (work.event.type === 'stage_changed') {
          // A stage set from outside (API, rule): applied here, so `from` is the stage it replaces.
          const before = this.customer.stage;
          if (work.event.to === before) break;
          this.customer = { ...this.customer, stage: work.event.to };
          this.out.stageChanges.push({ from: before, to: work.event.to, cause: 'api', at: now });
          this.pending.push({ ...work.event, from: before });
          break;
        }
        this.pending.push(work.event);
        break;
      case 'timer': {
        const current = this.runs.get(work.runId);
        if (!current || current.run.status !== 'active' || !current.run.timers.some((t) => t.id === work.timer.id)) break;
        this.record(
          stepRun(this.machineOf(current.run.journeyId, current.version), current.run, { type: 'timer', timerId: work.timer.id, event: work.timer.event }, this.options()),
          current.run.journeyId,
          current.version,
          false,
        );
        break;
      }
    }
    this.drain();
  }

  finish(): AdvanceOutput {
    this.out.customer = this.customer;
    return this.out;
  }
}

export const advance = (input: AdvanceInput): AdvanceOutput => {
  const state = new Advance(input);
  for (let index = 0; index < input.work.length; index += 1) {
    if (state.full()) {
      state.out.undone = input.work.length - index;
      break;
    }
    state.work(input.work[index] as Work);
  }
  return state.finish();
};
