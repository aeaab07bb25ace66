import type { Channel, CustomerProfile, JsonValue } from './domain.js';
import { applyCustomerUpdate } from './customer-update.js';
import { eventView, type EventView, type JourneyEvent } from './events.js';
import type { BoundJourney, GuardEvaluation, MachineEvent, RunContext } from './implementations.js';
import type { RunOutcome } from './machine.js';
import { moveEventType, moveTransitions } from './compiler.js';
import type { RuleEvaluation } from './rule-evaluator.js';
import type { CustomerUpdate, RunScope } from './nodes/kind.js';
import { nodeKindDefinition } from './nodes/registry.js';
import { nodeKindSchema } from './nodes/kinds.js';

/**
 * Pure stepping of one run: (compiled journey, persisted run, customer, input, now) → the next
 * persisted run and the step record. The simulator and the runtime both step runs only through
 * these two functions, so what a simulation shows is what the runtime records.
 */

/** What is persisted of a run's machine: its state and run-local context (no customer, no clock). */
export interface RunSnapshot {
  value: string;
  context: Omit<RunContext, 'customer' | 'now'>;
}

/** A pending delayed event (a durable timer in the runtime). */
export interface Timer {
  /** XState's delayed-event id, unique within the run. */
  id: string;
  dueAt: number;
  event: { type: string };
}

export interface RunState {
  runId: string;
  journeyId: string;
  snapshot: RunSnapshot;
  timers: Timer[];
  status: 'active' | 'done';
  outcome: RunOutcome | null;
  reason: string | null;
  /** Number of steps taken so far. */
  seq: number;
}

export interface EffectRecord {
  /** Position among the step's effects; with run id and step seq it forms the idempotency key. */
  index: number;
  nodeId: string;
  kind: string;
  channel: Channel;
  idempotencyKey: string;
  payload: { [key: string]: JsonValue };
  cost: number | null;
  /** Set when the effect could not be prepared (e.g. a template failed); such effects are not sent. */
  error: string | null;
}

export type StepInput =
  | { type: 'start'; triggerNodeId: string; event: JourneyEvent | null }
  /** A run moved to a node by a publish-time migration or by an analyst (who and why are recorded). */
  | { type: 'move'; toNodeId: string; fromVersion: number | null; toVersion: number | null; by: string; reason: string }
  /** A run ended from outside (journey archived, cancelled by an analyst); no machine step happens. */
  | { type: 'end'; by: string; reason: string }
  /** A pending timer rescheduled (`dueAt`) or dropped (`dueAt: null`) by an analyst; the state does not change. */
  | { type: 'timer_change'; timerId: string; dueAt: number | null; by: string; reason: string }
  | { type: 'event'; event: JourneyEvent }
  /** A due timer; `by` and `reason` are set when an analyst fired it early (run surgery). */
  | { type: 'timer'; timerId: string; event: { type: string }; by?: string; reason?: string };

export interface Step {
  runId: string;
  seq: number;
  at: number;
  input: StepInput;
  stateBefore: string | null;
  stateAfter: string;
  /** Nodes entered during this step, in order. */
  path: string[];
  guards: GuardEvaluation[];
  effects: EffectRecord[];
  customerUpdates: { nodeId: string; update: CustomerUpdate }[];
  timersSet: Timer[];
  timersCancelled: string[];
  status: 'active' | 'done';
  outcome: RunOutcome | null;
  reason: string | null;
  /** The customer as the step saw them (before its own updates): with `input` and `at`, what replay feeds back in. */
  customer: CustomerProfile;
  /** The customer's named events the step's event-history conditions counted over (only when it had such conditions). */
  history?: EventView[];
}

export interface StepResult {
  run: RunState;
  step: Step;
  /**
   * True when the input did not concern the run: no transition, no guard evaluated, nothing emitted.
   * Such steps are not recorded (`run` is returned as it was), so unrelated traffic does not bloat the
   * trace or shift step numbers.
   */
  unchanged?: boolean;
  /** The customer after this step's updates (same object when nothing changed). */
  customer: CustomerProfile;
}

export interface StepOptions {
  customer: CustomerProfile;
  now: number;
  /** The customer's named events up to `now`, oldest first (for event-history conditions). */
  history?: readonly EventView[];
}

interface ActionLike {
  type: string;
  params?: unknown;
}

const dedupe = (guards: GuardEvaluation[]): GuardEvaluation[] => {
  const seen = new Set<string>();
  return guards.filter((g) => {
    const key = JSON.stringify(g);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
};

const DAY = 86_400_000;

/** The longest event-history window (days) a compiled journey's conditions look at; 0 when none. */
export const historyWindowDays = (compiled: BoundJourney['compiled']): number => {
  let days = 0;
  for (const state of Object.values(compiled.machine.states)) {
    for (const t of state.always ?? []) {
      if (t.guard?.type === 'rapport.event_count') days = Math.max(days, Number(t.guard.params?.withinDays ?? 0));
    }
  }
  return days;
};

/** The channel an action kind's effects use, for effects that failed before producing one. */
const effectChannel = (kind: string): Channel => {
  switch (kind) {
    case 'send_sms': return 'sms';
    case 'send_webhook': return 'webhook';
    case 'create_task': return 'task';
    case 'notify_team': return 'chat';
    case 'give_incentive': return 'incentive';
    case 'enrol_journey': return 'journey';
    case 'record_conversion': return 'conversion';
    default: return 'email';
  }
};

const stateOf = (value: unknown): string => (typeof value === 'string' ? value : JSON.stringify(value));

const toMachineEvent = (input: StepInput): MachineEvent => {
  switch (input.type) {
    case 'timer':
    case 'event':
      return { ...input.event };
    case 'move':
      return { type: moveEventType, nodeId: input.toNodeId };
    case 'start':
    case 'end':
    case 'timer_change':
      return { type: 'xstate.init' };
  }
};

const finish = (
  bound: BoundJourney,
  input: StepInput,
  before: { runId: string; seq: number; stateBefore: string | null; timers: Timer[]; customer: CustomerProfile },
  next: { value: unknown; status: string; context: RunContext },
  actions: readonly ActionLike[],
  now: number,
): StepResult => {
  const { compiled } = bound;
  const seq = before.seq + 1;
  const context = next.context;
  const scope: RunScope = {
    customer: before.customer,
    event: context.lastEvent,
    trigger: context.trigger,
    journey: { id: compiled.journeyId, name: compiled.journeyName },
    run: { id: before.runId },
    now,
  };
  const effects: EffectRecord[] = [];
  const customerUpdates: Step['customerUpdates'] = [];
  const path: string[] = [];
  let timers = before.timers.filter((t) => !(input.type === 'timer' && t.id === input.timerId));
  const timersSet: Timer[] = [];
  const timersCancelled: string[] = [];
  let customer = before.customer;

  for (const action of actions) {
    const params = (action.params ?? {}) as Record<string, unknown>;
    switch (action.type) {
      case 'rapport.effect': {
        const nodeId = String(params.nodeId);
        const kind = nodeKindSchema.parse(params.kind);
        const index = effects.length;
        const base = { index, nodeId, kind, idempotencyKey: `${before.runId}:${seq}:${index}` };
        const effect = nodeKindDefinition(kind).effect;
        try {
          if (!effect) throw new Error(`node kind ${kind} emits no effect; the compiled journey is inconsistent with this version of Rapport`);
          const draft = effect(params.params, { ...scope, customer });
          effects.push({ ...base, channel: draft.channel, payload: draft.payload, cost: draft.cost ?? null, error: null });
        } catch (error) {
          effects.push({ ...base, channel: effectChannel(kind), payload: {}, cost: null, error: (error as Error).message });
        }
        break;
      }
      case 'rapport.entered':
        path.push(String(params.nodeId));
        break;
      case 'rapport.customer_updated': {
        const update = params.update as CustomerUpdate;
        customer = applyCustomerUpdate(customer, update);
        customerUpdates.push({ nodeId: String(params.nodeId), update });
        break;
      }
      case 'xstate.raise': {
        const delay = params.delay;
        if (typeof delay === 'number' && typeof params.id === 'string') {
          const timer: Timer = { id: params.id, dueAt: now + delay, event: { type: (params.event as { type: string }).type } };
          timers = [...timers.filter((t) => t.id !== timer.id), timer];
          timersSet.push(timer);
        }
        break;
      }
      case 'xstate.cancel': {
        const id = String(params.sendId);
        if (timers.some((t) => t.id === id)) {
          timers = timers.filter((t) => t.id !== id);
          timersCancelled.push(id);
        }
        break;
      }
      default:
        break;
    }
  }

  const usedHistory = bound.env.guards.some((g) => g.guard === 'event_count');
  const stateAfter = stateOf(next.value);
  const done = next.status === 'done';
  const final = done ? compiled.finals[stateAfter] : undefined;
  if (done) {
    for (const timer of timers) timersCancelled.push(timer.id);
    timers = [];
  }
  const { customer: _customer, now: _now, ...persisted } = context;
  const run: RunState = {
    runId: before.runId,
    journeyId: compiled.journeyId,
    snapshot: { value: stateAfter, context: persisted },
    timers: [...timers].sort((a, b) => a.dueAt - b.dueAt || (a.id < b.id ? -1 : 1)),
    status: done ? 'done' : 'active',
    outcome: final?.outcome ?? null,
    reason: final?.reason ?? null,
    seq,
  };
  const step: Step = {
    runId: before.runId,
    seq,
    at: now,
    input,
    stateBefore: before.stateBefore,
    stateAfter,
    path,
    guards: dedupe(bound.env.guards),
    effects,
    customerUpdates,
    timersSet,
    timersCancelled,
    status: run.status,
    outcome: run.outcome,
    reason: run.reason,
    customer: before.customer,
    ...(usedHistory ? { history: bound.env.history.filter((e) => e.at > now - historyWindowDays(compiled) * DAY && e.at <= now) } : {}),
  };
  return { run, step, customer };
};

/** Starts a run at a trigger node. */
export const startRun = (
  bound: BoundJourney,
  start: { runId: string; triggerNodeId: string; event: JourneyEvent | null; triggerEvaluation?: RuleEvaluation },
  options: StepOptions,
): StepResult => {
  bound.env.guards = start.triggerEvaluation && start.triggerEvaluation.seen.length > 0
    ? [{ nodeId: start.triggerNodeId, guard: 'trigger', question: 'trigger matched', result: start.triggerEvaluation.result, seen: start.triggerEvaluation.seen }]
    : [];
  bound.env.history = options.history ?? [];
  const trigger = start.event ? eventView(start.event) : null;
  const [snapshot, actions] = bound.transitions.initial({
    journeyId: bound.compiled.journeyId,
    journeyName: bound.compiled.journeyName,
    runId: start.runId,
    triggerNodeId: start.triggerNodeId,
    trigger,
    enteredAt: options.now,
    timeZoneFallback: bound.compiled.timeZoneFallback,
    customer: options.customer,
    now: options.now,
  });
  const input: StepInput = { type: 'start', triggerNodeId: start.triggerNodeId, event: start.event };
  return finish(
    bound,
    input,
    { runId: start.runId, seq: 0, stateBefore: null, timers: [], customer: options.customer },
    snapshot,
    actions as readonly ActionLike[],
    options.now,
  );
};

/**
 * Moves an active run to `toNodeId` of `bound` (which may be a newer version of its journey): the
 * run's context is kept, its old timers are cancelled, and the node is entered as if reached
 * normally (entry effects, new timers, and onward transitions all happen and are recorded).
 */
export const moveRun = (
  bound: BoundJourney,
  run: RunState,
  input: Extract<StepInput, { type: 'move' }>,
  options: StepOptions,
): StepResult => {
  if (run.status !== 'active') throw new Error(`run ${run.runId} has ended (${run.outcome ?? 'done'}); it cannot be moved`);
  if (!bound.compiled.machine.states[input.toNodeId] || input.toNodeId.startsWith('@')) {
    throw new Error(`node "${input.toNodeId}" does not exist in journey ${bound.compiled.journeyId}; pick one of its nodes`);
  }
  if (!moveTransitions(bound.compiled.machine).some((t) => t.target === `#${input.toNodeId}`)) {
    throw new Error(`node "${input.toNodeId}" is a trigger; a run can only be moved to a node after the triggers`);
  }
  bound.env.guards = [];
  bound.env.history = options.history ?? [];
  const mover = bound.moveMachine();
  const parked = mover.machine.resolveState({
    value: '@start',
    context: { ...run.snapshot.context, customer: options.customer, now: options.now },
  });
  const [snapshot, actions] = mover.transitions.next(parked, toMachineEvent(input));
  const cancelled = { ...run, timers: [] };
  const result = finish(
    bound,
    input,
    { runId: run.runId, seq: run.seq, stateBefore: run.snapshot.value, timers: cancelled.timers, customer: options.customer },
    snapshot,
    actions as readonly ActionLike[],
    options.now,
  );
  result.step.timersCancelled = [...run.timers.map((t) => t.id), ...result.step.timersCancelled];
  return result;
};

/** The (unrecorded) step for an input the run does not react to. */
const ignoredStep = (run: RunState, input: StepInput, options: StepOptions): Step => ({
  runId: run.runId,
  seq: run.seq + 1,
  at: options.now,
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
  customer: options.customer,
});

/** Delivers a journey event or a due timer to an active run. */
export const stepRun = (bound: BoundJourney, run: RunState, input: Extract<StepInput, { type: 'event' | 'timer' }>, options: StepOptions): StepResult => {
  if (run.status !== 'active') throw new Error(`run ${run.runId} has ended (${run.outcome ?? 'done'}); it cannot take more steps`);
  if (input.type === 'event' && !bound.concerns(run.snapshot.value, input.event)) {
    return { run, step: ignoredStep(run, input, options), customer: options.customer, unchanged: true };
  }
  bound.env.guards = [];
  bound.env.history = options.history ?? [];
  const restored = bound.machine.resolveState({
    value: run.snapshot.value,
    context: { ...run.snapshot.context, customer: options.customer, now: options.now },
  });
  const [snapshot, actions] = bound.transitions.next(restored, toMachineEvent(input));
  const result = finish(
    bound,
    input,
    { runId: run.runId, seq: run.seq, stateBefore: run.snapshot.value, timers: run.timers, customer: options.customer },
    snapshot,
    actions as readonly ActionLike[],
    options.now,
  );
  const idle =
    input.type === 'event' &&
    actions.length === 0 &&
    result.step.guards.length === 0 &&
    result.step.stateAfter === run.snapshot.value &&
    result.run.status === 'active';
  return idle ? { ...result, run, unchanged: true } : result;
};
