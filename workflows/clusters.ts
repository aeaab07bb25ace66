import { z } from 'zod';
import type { JsonValue, ValueCluster } from './domain.js';
import type { EventView } from './events.js';

/**
 * Value clusters as data: how result contribution and lifetime value are measured per customer
 * (from traits and event history, never by evaluating code) and where the thresholds lie. Pure:
 * the runtime loads a customer's traits and recent events and calls `clusterOf`.
 *
 * Missing data:
 * - `trait`: null unless the trait (a dotted path) holds a finite number;
 * - `event_sum` / `event_count`: a sum or count over no matching events is 0 (it is data: "bought
 *   nothing in the last year"); `event_sum` adds only numeric properties;
 * - `formula`: `add`, `max` and `min` skip missing operands (null only when all are missing),
 *   `multiply` is null when any operand is missing; `factor` scales the result.
 * A customer missing either measure is not placed (cluster null).
 */

const DAY = 86_400_000;

export type Measure =
  | { type: 'trait'; trait: string }
  | { type: 'event_sum'; event: string; property: string; withinDays: number }
  | { type: 'event_count'; event: string; withinDays: number }
  | { type: 'formula'; op: 'add' | 'multiply' | 'max' | 'min'; of: Measure[]; factor?: number };

const pathSchema = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[^.]+(\.[^.]+)*$/, 'a trait or property path: names separated by ".", e.g. "lifetime_value" or "totals.revenue"');
const withinDaysSchema = z.number().int().min(1).max(3650);

export const measureSchema: z.ZodType<Measure> = z.lazy(() =>
  z.discriminatedUnion('type', [
    z.object({ type: z.literal('trait'), trait: pathSchema }).strict(),
    z.object({ type: z.literal('event_sum'), event: z.string().min(1).max(200), property: pathSchema, withinDays: withinDaysSchema }).strict(),
    z.object({ type: z.literal('event_count'), event: z.string().min(1).max(200), withinDays: withinDaysSchema }).strict(),
    z
      .object({
        type: z.literal('formula'),
        op: z.enum(['add', 'multiply', 'max', 'min']),
        of: z.array(measureSchema).min(1).max(10),
        factor: z.number().finite().optional(),
      })
      .strict(),
  ]),
);

/** The fields of a definition, without the checks across fields (extend this for request bodies). */
export const clusterDefinitionFields = {
  contribution: measureSchema,
  lifetimeValue: measureSchema,
  thresholds: z.object({ contribution: z.number().finite(), lifetimeValue: z.number().finite() }).strict(),
};

/** Formulas nest at most 5 deep (checked on every schema holding the definition fields). */
export const checkDefinitionDepth = (definition: { contribution: Measure; lifetimeValue: Measure }, ctx: z.RefinementCtx): void => {
  for (const axis of ['contribution', 'lifetimeValue'] as const) {
    const depth = depthOf(definition[axis]);
    if (depth > 5) ctx.addIssue({ code: 'custom', path: [axis], message: `formulas nest at most 5 deep (this one is ${depth})` });
  }
};

export const clusterDefinitionSchema = z.object(clusterDefinitionFields).strict().superRefine(checkDefinitionDepth);
export type ClusterDefinition = z.infer<typeof clusterDefinitionSchema>;

const depthOf = (m: Measure): number => (m.type === 'formula' ? 1 + Math.max(0, ...m.of.map(depthOf)) : 0);

/** The longest event window a measure looks at, in days (0: traits only). */
export const windowDays = (m: Measure): number => {
  switch (m.type) {
    case 'trait':
      return 0;
    case 'event_sum':
    case 'event_count':
      return m.withinDays;
    case 'formula':
      return Math.max(0, ...m.of.map(windowDays));
  }
};

/** The event names a measure reads (to load only those). */
export const eventNames = (m: Measure): string[] => {
  switch (m.type) {
    case 'trait':
      return [];
    case 'event_sum':
    case 'event_count':
      return [m.event];
    case 'formula':
      return [...new Set(m.of.flatMap(eventNames))];
  }
};

export const definitionWindowDays = (d: ClusterDefinition): number => Math.max(windowDays(d.contribution), windowDays(d.lifetimeValue));
export const definitionEventNames = (d: ClusterDefinition): string[] => [...new Set([...eventNames(d.contribution), ...eventNames(d.lifetimeValue)])];

const at = (value: Record<string, JsonValue>, path: string): JsonValue | undefined => {
  let current: JsonValue | undefined = value;
  for (const part of path.split('.')) {
    if (typeof current !== 'object' || current === null || Array.isArray(current)) return undefined;
    current = current[part];
  }
  return current;
};

const finite = (value: JsonValue | undefined): number | null => (typeof value === 'number' && Number.isFinite(value) ? value : null);

/** What a measure needs of a customer. */
export interface MeasureInput {
  traits: Record<string, JsonValue>;
}

/** One measure's value for a customer at `now`, or null when there is no data for it. */
export const measure = (m: Measure, customer: MeasureInput, history: readonly EventView[], now: number): number | null => {
  switch (m.type) {
    case 'trait':
      return finite(at(customer.traits, m.trait));
    case 'event_sum':
    case 'event_count': {
      const since = now - m.withinDays * DAY;
      const matching = history.filter((e) => e.name === m.event && e.at > since && e.at <= now);
      if (m.type === 'event_count') return matching.length;
      return matching.reduce((sum, e) => sum + (finite(at(e.properties, m.property)) ?? 0), 0);
    }
    case 'formula': {
      const values = m.of.map((operand) => measure(operand, customer, history, now));
      const present = values.filter((v): v is number => v !== null);
      let result: number | null;
      if (m.op === 'multiply') result = present.length === values.length ? present.reduce((a, b) => a * b, 1) : null;
      else if (present.length === 0) result = null;
      else if (m.op === 'add') result = present.reduce((a, b) => a + b, 0);
      else if (m.op === 'max') result = Math.max(...present);
      else result = Math.min(...present);
      return result === null ? null : result * (m.factor ?? 1);
    }
  }
};

/**
 * The cluster for two measured values: at or above a threshold is high. Star: high/high; question
 * mark: low contribution, high lifetime value; cash cow: high contribution, low lifetime value;
 * dog: low/low. Null when either value is missing.
 */
export const placeCluster = (contribution: number | null, lifetimeValue: number | null, thresholds: ClusterDefinition['thresholds']): ValueCluster | null => {
  if (contribution === null || lifetimeValue === null) return null;
  const highNow = contribution >= thresholds.contribution;
  const highPotential = lifetimeValue >= thresholds.lifetimeValue;
  if (highNow) return highPotential ? 'star' : 'cash_cow';
  return highPotential ? 'question_mark' : 'dog';
};

export interface ClusterPlacement {
  contribution: number | null;
  lifetimeValue: number | null;
  cluster: ValueCluster | null;
}

/** Measures both axes and places the customer. */
export const clusterOf = (definition: ClusterDefinition, customer: MeasureInput, history: readonly EventView[], now: number): ClusterPlacement => {
  const contribution = measure(definition.contribution, customer, history, now);
  const lifetimeValue = measure(definition.lifetimeValue, customer, history, now);
  return { contribution, lifetimeValue, cluster: placeCluster(contribution, lifetimeValue, definition.thresholds) };
};

/** When a measure's windows may change its value with time alone: each matching event enters (its time) and leaves (time + N days). */
const measureMoments = (m: Measure, history: readonly EventView[], into: number[]): void => {
  switch (m.type) {
    case 'trait':
      return;
    case 'event_sum':
    case 'event_count':
      for (const e of history) if (e.name === m.event) into.push(e.at, e.at + m.withinDays * DAY);
      return;
    case 'formula':
      for (const operand of m.of) measureMoments(operand, history, into);
  }
};

/** At most this many candidate moments are evaluated per call (see `nextPlacementChange`). */
export const maxPlacementScan = 64;

/**
 * The earliest moment after `now` at which the customer's cluster differs from their cluster at
 * `now` if no new data arrives (an order ages out of a 12-month window); null when time alone never
 * changes it. Placement is constant between consecutive window edges, so each edge is evaluated in
 * order; past `maxPlacementScan` edges the next one is returned (re-evaluate then and ask again).
 */
export const nextPlacementChange = (definition: ClusterDefinition, customer: MeasureInput, history: readonly EventView[], now: number): number | null => {
  const moments: number[] = [];
  measureMoments(definition.contribution, history, moments);
  measureMoments(definition.lifetimeValue, history, moments);
  const ahead = [...new Set(moments.filter((t) => t > now))].sort((a, b) => a - b);
  const current = clusterOf(definition, customer, history, now).cluster;
  for (let i = 0; i < ahead.length; i += 1) {
    const at = ahead[i] as number;
    if (i >= maxPlacementScan) return at;
    if (clusterOf(definition, customer, history, at).cluster !== current) return at;
  }
  return null;
};

/** The event a cluster change is announced with (a track event journeys can trigger on). */
export const clusterChangedEvent = 'Cluster Changed';
