import { z } from 'zod';
import { customerProfileSchema, jsonValueSchema, type CustomerProfile, type JsonValue } from './domain.js';
import { advance, machineKey, type Work } from './advance.js';
import { nextDateTriggers } from './entry.js';
import { eventView, journeyEventSchema, type EventView, type JourneyEvent } from './events.js';
import { bindJourney, type BoundJourney } from './implementations.js';
import type { CompiledJourney } from './machine.js';
import type { EffectRecord, RunState, Step, Timer } from './stepper.js';

/**
 * Runs one customer through a compiled journey on a virtual clock: events are applied in time
 * order, due timers and date triggers fire at their due time, and every step is recorded exactly
 * as the runtime would record it (both go through `startRun`/`stepRun`). No I/O, no real clock.
 */

/** An identify call in a simulation: merges traits (and optionally sets the time zone). */
export const simulatedIdentifySchema = z.object({
  type: z.literal('identify'),
  traits: z.record(z.string(), jsonValueSchema),
  /** Sets the customer's time zone (as Segment's `context.timezone` does). */
  timezone: z.string().nullable().optional(),
  at: z.number().int().nonnegative(),
});
export const simulationEventSchema = z.union([journeyEventSchema, simulatedIdentifySchema]);
export type SimulationEvent = z.infer<typeof simulationEventSchema>;

export interface SimulationOptions {
  /** Start of the virtual clock (epoch ms). Default: the first event's time. */
  start?: number;
  /** Stop the clock here (epoch ms); timers due later stay pending. Default: run until nothing is pending. */
  until?: number;
  /** Upper bound on steps, so a journey that keeps re-entering cannot run forever. Default 10,000. */
  maxSteps?: number;
  /** The customer's earlier named events (for event-history conditions). */
  history?: readonly EventView[];
  /** Runs this customer already had in this journey (for the entry policy). */
  priorRuns?: readonly { enteredAt: number; status: 'active' | 'done' }[];
  /** Prefix for run ids; runs are numbered from 1. Default "sim-". */
  runIdPrefix?: string;
}

export interface RejectedEntry {
  at: number;
  triggerNodeId: string;
  reason: string;
}

export interface SimulationResult {
  steps: Step[];
  runs: RunState[];
  customer: CustomerProfile;
  effects: (EffectRecord & { runId: string; seq: number; at: number })[];
  rejectedEntries: RejectedEntry[];
  /** The virtual time the simulation stopped at. */
  clock: number;
  /** True when `maxSteps` was reached before the simulation finished. */
  truncated: boolean;
}

/** A complete profile needs no parsing (backtests pass thousands of them). */
const isProfile = (value: z.input<typeof customerProfileSchema>): value is CustomerProfile =>
  typeof value.id === 'string' &&
  typeof value.traits === 'object' && value.traits !== null &&
  (value.stage === null || typeof value.stage === 'string') &&
  (value.cluster === null || typeof value.cluster === 'string') &&
  Array.isArray(value.tags) &&
  (value.timezone === null || typeof value.timezone === 'string') &&
  typeof value.consent === 'object' && value.consent !== null;

export const simulate = (
  compiled: CompiledJourney | BoundJourney,
  customerInput: z.input<typeof customerProfileSchema>,
  eventsInput: readonly SimulationEvent[],
  options: SimulationOptions = {},
): SimulationResult => {
  const bound = 'machine' in compiled && 'env' in compiled ? compiled : bindJourney(compiled);
  const journey = bound.compiled;
  const maxSteps = options.maxSteps ?? 10_000;
  const until = options.until ?? Number.POSITIVE_INFINITY;
  const prefix = options.runIdPrefix ?? 'sim-';
  const external = eventsInput
    .map((event, order) => ({ event, order }))
    .sort((a, b) => a.event.at - b.event.at || a.order - b.order)
    .map((e) => e.event);

  let customer = isProfile(customerInput) ? customerInput : customerProfileSchema.parse(customerInput);
  let clock = options.start ?? external[0]?.at ?? 0;
  let history: EventView[] = [...(options.history ?? [])];
  const runs: RunState[] = [];
  const steps: Step[] = [];
  const rejectedEntries: RejectedEntry[] = [];
  const machines = new Map([[machineKey(journey.journeyId, 0), bound]]);
  const priorRuns = new Map([[journey.journeyId, [...(options.priorRuns ?? [])]]]);
  let truncated = false;
  let runCounter = 0;

  /** Date triggers fire once per due time: the last fire per trigger node. */
  const firedAt = new Map<string, number>();
  const hasDateTriggers = journey.triggers.some((t) => t.kind === 'trigger_date');
  const scheduleDateTriggers = () =>
    hasDateTriggers ? nextDateTriggers(journey, customer, (nodeId) => Math.max(clock - 1, firedAt.get(nodeId) ?? Number.NEGATIVE_INFINITY)) : [];
  let dateFires = scheduleDateTriggers();

  const tick = (work: Work): void => {
    const result = advance({
      customer,
      runs: runs.filter((r) => r.status === 'active').map((run) => ({ run, version: 0 })),
      machines,
      entryPoints: [{ journeyId: journey.journeyId, version: 0 }],
      priorRuns: new Map([[journey.journeyId, [...(priorRuns.get(journey.journeyId) ?? []), ...runs.filter((r) => r.status === 'done').map((r) => ({ enteredAt: r.snapshot.context.enteredAt, status: r.status }))]]]),
      work: [work],
      now: clock,
      history,
      newRunId: () => `${prefix}${(runCounter += 1)}`,
      maxSteps: maxSteps - steps.length,
    });
    customer = result.customer;
    history = [...history, ...result.delivered.filter((e) => e.type === 'track' || e.type === 'webhook').map(eventView)];
    for (const { run } of result.runs.values()) {
      const index = runs.findIndex((r) => r.runId === run.runId);
      if (index >= 0) runs[index] = run;
      else runs.push(run);
    }
    steps.push(...result.steps.map(({ journeyId: _j, version: _v, ...step }) => step));
    rejectedEntries.push(...result.rejectedEntries.map((r) => ({ at: clock, triggerNodeId: r.triggerNodeId, reason: r.reason })));
    if (result.undone > 0 || result.truncated) truncated = true;
    dateFires = scheduleDateTriggers();
  };

  const nextTimer = (): { run: RunState; timer: Timer } | null => {
    let best: { run: RunState; timer: Timer } | null = null;
    for (const run of runs) {
      const timer = run.status === 'active' ? run.timers[0] : undefined;
      if (timer && (!best || timer.dueAt < best.timer.dueAt)) best = { run, timer };
    }
    return best;
  };

  let cursor = 0;
  let ticks = 0;
  while (!truncated) {
    const timer = nextTimer();
    const dateFire = dateFires.reduce<(typeof dateFires)[number] | null>((best, d) => (!best || d.at < best.at ? d : best), null);
    const event = external[cursor];
    const candidates = [timer?.timer.dueAt, dateFire?.at, event?.at].filter((t): t is number => t !== undefined);
    if (candidates.length === 0) break;
    const at = Math.min(...candidates);
    if (at > until) break;
    // Every tick counts against the budget, including ones that step nothing (a yearly trigger
    // whose entries the policy turns away would otherwise tick on for ever without `until`).
    ticks += 1;
    if (steps.length >= maxSteps || ticks > maxSteps) {
      truncated = true;
      break;
    }
    clock = Math.max(clock, at);
    if (timer && timer.timer.dueAt === at) {
      tick({ kind: 'timer', runId: timer.run.runId, timer: timer.timer });
    } else if (dateFire && dateFire.at === at) {
      firedAt.set(dateFire.nodeId, at);
      tick({ kind: 'event', event: { type: 'date_reached', journeyId: journey.journeyId, nodeId: dateFire.nodeId, trait: dateFire.trait, at } });
    } else if (event) {
      cursor += 1;
      tick(event.type === 'identify' ? { kind: 'identify', traits: event.traits as Record<string, JsonValue>, ...(event.timezone !== undefined ? { timezone: event.timezone } : {}), at } : { kind: 'event', event: { ...event, at } as JourneyEvent });
    }
  }
  if (Number.isFinite(until)) clock = Math.max(clock, until);

  const effects = steps.flatMap((step) => step.effects.map((effect) => ({ ...effect, runId: step.runId, seq: step.seq, at: step.at })));
  return { steps, runs, customer, effects, rejectedEntries, clock, truncated };
};
