import type { JsonValue } from '../domain.js';
import type { EventView, JourneyEvent } from '../events.js';
import type { ImplementationRef, StateJson } from '../machine.js';
import type { Rule } from '../rule.js';
import { evaluateRule, type RuleEvaluation } from '../rule-evaluator.js';
import type { CompileContext, CustomerUpdate } from './kind.js';
import type { CustomerProfile } from '../domain.js';

/**
 * Plain JSON copy (drops `undefined`, sorts object keys), so compiled output is data only and the
 * same params give the same bytes whatever order their keys came in (jsonb does not keep it).
 */
export const toJson = (value: unknown): { [key: string]: JsonValue } =>
  JSON.parse(
    JSON.stringify(value ?? {}, (_key, v: unknown) =>
      v !== null && typeof v === 'object' && !Array.isArray(v)
        ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
        : v,
    ),
  ) as { [key: string]: JsonValue };

/** A node that moves straight on through its single `next` outcome. */
export const passThrough = (ctx: CompileContext): Omit<StateJson, 'id'> => ({ always: [{ target: ctx.target('next') }] });

/** An action node: emits one effect on entry, then moves on. */
export const effectState = (ctx: CompileContext, kind: string, params: unknown): Omit<StateJson, 'id'> => ({
  entry: [{ type: 'rapport.effect', params: { nodeId: ctx.nodeId, kind, params: toJson(params) } }],
  always: [{ target: ctx.target('next') }],
});

/**
 * An action node that changes the customer record. `rapport.update_customer` is an XState `assign`
 * (so later conditions in the same step see the change); `rapport.customer_updated` is the record
 * of it that `transition()` hands back to the stepper, which applies it to the stored customer.
 */
export const updateState = (ctx: CompileContext, update: CustomerUpdate): Omit<StateJson, 'id'> => {
  const params = { nodeId: ctx.nodeId, update: toJson(update) };
  return {
    entry: [
      { type: 'rapport.update_customer', params },
      { type: 'rapport.customer_updated', params },
    ],
    always: [{ target: ctx.target('next') }],
  };
};

/** Guard reference matching a named track/webhook event with an optional rule. */
export const eventMatchesGuard = (role: string, event: string, rule: Rule | undefined, nodeId?: string): ImplementationRef => ({
  type: 'rapport.event_matches',
  params: toJson({ role, nodeId, event, rule }),
});

/** Named events (track calls and webhook deliveries) that wait-for-event, goals and exits listen to. */
export const namedEventTypes = ['track', 'webhook'] as const;

const always = (result: boolean): RuleEvaluation => ({ result, seen: [] });

/** Shared trigger matching: the event has the right type/name and the optional rule holds. */
export const matchNamedEvent = (
  event: JourneyEvent,
  view: EventView,
  name: string | undefined,
  rule: Rule | undefined,
  customer: CustomerProfile,
  now: number,
  timeZone: string,
): RuleEvaluation => {
  if (name !== undefined && view.name !== name) return always(false);
  if (!rule) return always(true);
  return evaluateRule(rule, { customer, event: view, trigger: view }, { now, timeZone });
};

export const noMatch = always(false);
export const match = always(true);
