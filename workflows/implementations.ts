import { assign, setup, type AnyMachineSnapshot } from 'xstate';
import type { CustomerProfile, ValueCluster } from './domain.js';
import { applyCustomerUpdate } from './customer-update.js';
import { eventView, type EventView } from './events.js';
import { moveEventType, moveTransitions } from './compiler.js';
import type { CompiledJourney, ImplementationRef, MachineJson } from './machine.js';
import { splitBucket } from './nodes/conditions/split-random.js';
import type { CustomerUpdate } from './nodes/kind.js';
import type { Rule } from './rule.js';
import { evaluateRule, type FieldReading, type RuleEvaluation, type RuleScope } from './rule-evaluator.js';
import { nextWindowStart, parseDateValue, resolveTimeZone, zonedParts, zonedToUtc, type Weekday } from './time.js';
import { pureTransitions } from './pure-transition.js';

/**
 * The one registry that gives meaning to the `{ type, params }` references in compiled journeys.
 * Guards record what they saw into the step's recorder; actions are data the stepper turns into
 * effects and customer updates; delays compute milliseconds from the run's virtual `now`.
 */

/** Run-local data kept in the machine's context. `customer` and `now` are set fresh for every step. */
export interface RunContext {
  journeyId: string;
  journeyName: string;
  runId: string;
  triggerNodeId: string;
  trigger: EventView | null;
  /** The event the run last consumed: the trigger, or what a wait-for-event received. */
  lastEvent: EventView | null;
  enteredAt: number;
  timeZoneFallback: string;
  customer: CustomerProfile;
  now: number;
}

export interface RunInput {
  journeyId: string;
  journeyName: string;
  runId: string;
  triggerNodeId: string;
  trigger: EventView | null;
  enteredAt: number;
  timeZoneFallback: string;
  customer: CustomerProfile;
  now: number;
}

/** A machine event: a journey event, or a delayed event fired by a timer. */
export type MachineEvent = { type: string } & Record<string, unknown>;

export interface GuardEvaluation {
  /** The node whose branch this decided, or null for journey-wide goal/exit checks. */
  nodeId: string | null;
  guard: string;
  /** What was asked, in words ("cluster is star", "goal event \"Order Completed\""). */
  question: string;
  result: boolean;
  seen: FieldReading[];
}

/** Per-step inputs and outputs that are not part of the snapshot. Reset by the stepper before each step. */
export interface StepEnv {
  /** The customer's named events up to now (oldest first), for event-history conditions. */
  history: readonly EventView[];
  guards: GuardEvaluation[];
}

const DAY = 86_400_000;

const timeZoneOf = (context: RunContext): string => resolveTimeZone(context.customer.timezone, context.timeZoneFallback);

const scopeOf = (context: RunContext, event: EventView | null): RuleScope => ({
  customer: context.customer,
  event,
  trigger: context.trigger,
});

const namedEvent = (event: MachineEvent): EventView | null =>
  event.type === 'track' || event.type === 'webhook' ? eventView(event as Parameters<typeof eventView>[0]) : null;

type Params = Record<string, unknown>;
const str = (params: Params | undefined, key: string): string => String(params?.[key] ?? '');
const num = (params: Params | undefined, key: string): number => Number(params?.[key] ?? 0);

export const guardTypes = [
  'rapport.started_at', 'rapport.move_to', 'rapport.rule', 'rapport.cluster_is', 'rapport.stage_is', 'rapport.split',
  'rapport.event_count', 'rapport.event_matches', 'rapport.exit_rule',
] as const;
export const actionTypes = ['rapport.entered', 'rapport.effect', 'rapport.update_customer', 'rapport.customer_updated', 'rapport.remember_event'] as const;
export const delayTypes = ['rapport.duration', 'rapport.until_window', 'rapport.until_date'] as const;

const delayMs = (ref: ImplementationRef, context: RunContext): number => {
  const params = ref.params as Params | undefined;
  switch (ref.type as (typeof delayTypes)[number]) {
    case 'rapport.duration':
      return num(params, 'ms');
    case 'rapport.until_window': {
      const window = { days: params?.days as Weekday[], from: str(params, 'from'), to: str(params, 'to') };
      return Math.max(0, nextWindowStart(context.now, window, timeZoneOf(context)) - context.now);
    }
    case 'rapport.until_date': {
      const tz = timeZoneOf(context);
      const trait = str(params, 'trait');
      const raw = Object.hasOwn(context.customer.traits, trait) ? context.customer.traits[trait] : undefined;
      const date = parseDateValue(raw, tz);
      if (date === null) return 0;
      const offset = params?.offset as { amount: number; unit: 'hours' | 'days'; direction: 'before' | 'after' } | undefined;
      if (!offset) return Math.max(0, date - context.now);
      const sign = offset.direction === 'before' ? -1 : 1;
      // Days are calendar days in the customer's zone (the same wall-clock time, across DST changes).
      const target =
        offset.unit === 'days'
          ? (() => {
              const local = zonedParts(date, tz);
              return zonedToUtc({ ...local, day: local.day + sign * offset.amount }, tz);
            })()
          : date + sign * offset.amount * 3_600_000;
      return Math.max(0, target - context.now);
    }
  }
};

/** Builds the XState machine for a compiled journey, with every reference bound. */
export const bindJourney = (compiled: CompiledJourney) => {
  const env: StepEnv = { history: [], guards: [] };
  const record = (evaluation: GuardEvaluation): boolean => {
    env.guards.push(evaluation);
    return evaluation.result;
  };
  const fromRule = (nodeId: string | null, guard: string, question: string, evaluation: RuleEvaluation): boolean =>
    record({ nodeId, guard, question, result: evaluation.result, seen: evaluation.seen });
  const envOf = (context: RunContext) => ({ now: context.now, timeZone: timeZoneOf(context) });

  const delays = Object.fromEntries(
    Object.entries(compiled.delays).map(([name, ref]) => [name, ({ context }: { context: RunContext }) => delayMs(ref, context)]),
  );

  const implementations = setup({
    types: {} as { context: RunContext; events: MachineEvent; input: RunInput },
    guards: {
      'rapport.started_at': ({ context }, params: Params) => context.triggerNodeId === params.nodeId,
      'rapport.move_to': ({ event }, params: Params) => event.nodeId === params.nodeId,
      'rapport.rule': ({ context }, params: Params) =>
        fromRule(str(params, 'nodeId'), 'rule', 'rule holds', evaluateRule(params.rule as Rule, scopeOf(context, context.lastEvent), envOf(context))),
      'rapport.cluster_is': ({ context }, params: Params) =>
        record({
          nodeId: str(params, 'nodeId'),
          guard: 'cluster_is',
          question: `value cluster is ${str(params, 'cluster')}`,
          result: context.customer.cluster === (params.cluster as ValueCluster),
          seen: [{ field: 'customer.cluster', value: context.customer.cluster }],
        }),
      'rapport.stage_is': ({ context }, params: Params) =>
        record({
          nodeId: str(params, 'nodeId'),
          guard: 'stage_is',
          question: `lifecycle stage is ${str(params, 'stage')}`,
          result: context.customer.stage === params.stage,
          seen: [{ field: 'customer.stage', value: context.customer.stage }],
        }),
      'rapport.split': ({ context }, params: Params) => {
        const bucket = splitBucket(context.journeyId, str(params, 'nodeId'), context.customer.id);
        return record({
          nodeId: str(params, 'nodeId'),
          guard: 'split',
          question: `split bucket in [${num(params, 'from')}, ${num(params, 'to')}) → branch ${str(params, 'branch')}`,
          result: bucket >= num(params, 'from') && bucket < num(params, 'to'),
          seen: [{ field: 'split.bucket', value: bucket }],
        });
      },
      'rapport.event_count': ({ context }, params: Params) => {
        const name = str(params, 'event');
        const since = context.now - num(params, 'withinDays') * DAY;
        const rule = params.rule as Rule | undefined;
        let count = 0;
        for (const event of env.history) {
          if (event.name !== name || event.at <= since || event.at > context.now) continue;
          if (rule && !evaluateRule(rule, scopeOf(context, event), envOf(context)).result) continue;
          count += 1;
        }
        return record({
          nodeId: str(params, 'nodeId'),
          guard: 'event_count',
          question: `"${name}" at least ${num(params, 'atLeast')} times in the last ${num(params, 'withinDays')} days`,
          result: count >= num(params, 'atLeast'),
          seen: [{ field: `count(${name}, ${num(params, 'withinDays')}d)`, value: count }],
        });
      },
      'rapport.event_matches': ({ context, event }, params: Params) => {
        const view = namedEvent(event);
        if (!view || view.name !== params.event) return false;
        const role = str(params, 'role');
        const question = `${role === 'wait' ? 'awaited' : role.startsWith('exit') ? 'exit' : 'goal'} event "${view.name}"`;
        const rule = params.rule as Rule | undefined;
        const evaluation: RuleEvaluation = rule ? evaluateRule(rule, scopeOf(context, view), envOf(context)) : { result: true, seen: [] };
        return fromRule(typeof params.nodeId === 'string' ? params.nodeId : null, `event_matches:${role}`, question, evaluation);
      },
      'rapport.exit_rule': ({ context }, params: Params) =>
        fromRule(null, `exit_rule:${num(params, 'index')}`, `exit rule ${num(params, 'index') + 1} holds`, evaluateRule(params.rule as Rule, scopeOf(context, context.lastEvent), envOf(context))),
    },
    actions: {
      'rapport.entered': () => undefined,
      'rapport.effect': () => undefined,
      'rapport.customer_updated': () => undefined,
      'rapport.update_customer': assign(({ context }, params: Params) => ({
        customer: applyCustomerUpdate(context.customer, params.update as CustomerUpdate),
      })),
      'rapport.remember_event': assign(({ event }) => ({ lastEvent: namedEvent(event) })),
    },
    delays,
  });
  const build = (config: MachineJson) =>
    implementations.createMachine({
      ...(config as unknown as Record<string, never>),
      context: ({ input }) => ({ ...input, lastEvent: input.trigger }),
    });
  const machine = build(compiled.machine);
  /** An input the machine can start from, for the inert actor behind its pure transitions (never a run). */
  const placeholder: RunInput = {
    journeyId: compiled.journeyId,
    journeyName: compiled.journeyName,
    runId: '',
    triggerNodeId: '',
    trigger: null,
    enteredAt: 0,
    timeZoneFallback: compiled.timeZoneFallback,
    customer: { id: '', traits: {}, stage: null, cluster: null, tags: [], timezone: null, consent: {} },
    now: 0,
  };
  const transitions = pureTransitions(machine, placeholder);
  env.guards = [];

  // Which events can do anything in a state: the event types with handlers there or at the root,
  // and for named events the names their guards look for. Anything else is ignored without
  // asking XState (a transition costs tens of microseconds even when nothing is enabled).
  const namesFor = (transitions: readonly { guard?: ImplementationRef }[] | undefined): Set<string> | null => {
    if (!transitions) return new Set();
    const names = new Set<string>();
    for (const t of transitions) {
      if (t.guard?.type !== 'rapport.event_matches') return null; // some other guard: cannot pre-filter
      names.add(String(t.guard.params?.event));
    }
    return names;
  };
  const rootAlways = (compiled.machine.always ?? []).length > 0;
  const interest = new Map<string, Map<string, Set<string> | null>>();
  for (const [id, state] of Object.entries(compiled.machine.states)) {
    const types = new Map<string, Set<string> | null>();
    for (const type of new Set([...Object.keys(compiled.machine.on ?? {}), ...Object.keys(state.on ?? {})])) {
      const own = namesFor(state.on?.[type]);
      const root = namesFor(compiled.machine.on?.[type]);
      types.set(type, own === null || root === null ? null : new Set([...own, ...root]));
    }
    interest.set(id, types);
  }
  /** False when `event` certainly changes nothing for a run waiting in `stateId`. */
  const concerns = (stateId: string, event: { type: string; name?: unknown }): boolean => {
    if (rootAlways) return true; // exit rules may depend on the time of the event
    const types = interest.get(stateId);
    if (!types || !types.has(event.type)) return false;
    const names = types.get(event.type);
    return names === null || names === undefined || names.has(String(event.name));
  };
  let moveMachine: { machine: typeof machine; transitions: typeof transitions } | null = null;
  return {
    machine,
    /** `initialTransition` / `transition` of `machine` (pure; see pure-transition.ts). */
    transitions,
    env,
    compiled,
    concerns,
    /** The same machine plus root transitions that move a run to any node (built on first use). */
    moveMachine: () => {
      if (!moveMachine) {
        const built = build({ ...compiled.machine, on: { ...compiled.machine.on, [moveEventType]: moveTransitions(compiled.machine) } });
        moveMachine = { machine: built, transitions: pureTransitions(built, placeholder) };
        env.guards = [];
      }
      return moveMachine;
    },
  };
};



export type BoundJourney = ReturnType<typeof bindJourney>;
export type RunMachineSnapshot = AnyMachineSnapshot;

/** Every implementation reference in a stored machine must exist here; checked when a version is loaded. */
export const unknownReferences = (compiled: CompiledJourney): string[] => {
  const problems: string[] = [];
  const known = { guard: new Set<string>(guardTypes), action: new Set<string>(actionTypes), delay: new Set<string>(delayTypes) };
  const check = (what: keyof typeof known, ref: ImplementationRef | undefined, where: string): void => {
    if (ref && !known[what].has(ref.type)) problems.push(`unknown ${what} "${ref.type}" in ${where}`);
  };
  const transitions = (machine: Pick<MachineJson, 'on' | 'always'>, where: string) => [
    ...(machine.always ?? []),
    ...Object.values(machine.on ?? {}).flat(),
  ].forEach((t) => {
    check('guard', t.guard, where);
    t.actions?.forEach((a) => check('action', a, where));
  });
  transitions(compiled.machine, 'the journey root');
  for (const [id, state] of Object.entries(compiled.machine.states)) {
    transitions(state, `state "${id}"`);
    Object.values(state.after ?? {}).flat().forEach((t) => {
      check('guard', t.guard, `state "${id}"`);
      t.actions?.forEach((a) => check('action', a, `state "${id}"`));
    });
    state.entry?.forEach((a) => check('action', a, `state "${id}"`));
    for (const name of Object.keys(state.after ?? {})) {
      if (!compiled.delays[name]) problems.push(`state "${id}" uses delay "${name}", which the journey does not define`);
    }
  }
  Object.entries(compiled.delays).forEach(([name, ref]) => check('delay', ref, `delay "${name}"`));
  return problems;
};

