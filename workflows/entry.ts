import type { CustomerProfile } from './domain.js';
import { durationMs } from './duration.js';
import type { JourneyEvent } from './events.js';
import type { CompiledJourney } from './machine.js';
import { nodeKindDefinition } from './nodes/registry.js';
import { nodeKindSchema } from './nodes/kinds.js';
import type { RuleEvaluation } from './rule-evaluator.js';
import type { EntryPolicy } from './settings.js';
import { nextDateRelativeFire, parseDateValue, resolveTimeZone } from './time.js';

/** Entering a journey: which trigger an event fires, and whether the entry policy lets the customer in. Pure. */

export interface PriorRun {
  enteredAt: number;
  status: 'active' | 'done';
}

export type EntryDecision = { allowed: true } | { allowed: false; reason: string };

export const entryAllowed = (policy: EntryPolicy, priorRuns: readonly PriorRun[], now: number): EntryDecision => {
  switch (policy.mode) {
    case 'once':
      return priorRuns.length === 0 ? { allowed: true } : { allowed: false, reason: 'entry policy "once": the customer has already been in this journey' };
    case 'one_at_a_time':
      return priorRuns.some((r) => r.status === 'active')
        ? { allowed: false, reason: 'entry policy "one at a time": the customer is still in this journey' }
        : { allowed: true };
    case 'every_time': {
      if (!policy.cooldown) return { allowed: true };
      const since = now - durationMs(policy.cooldown);
      return priorRuns.some((r) => r.enteredAt > since)
        ? { allowed: false, reason: 'entry policy "every time": still within the cooldown of the last entry' }
        : { allowed: true };
    }
  }
};

export interface TriggerMatch {
  nodeId: string;
  evaluation: RuleEvaluation;
}

/** The first trigger (in node id order) that this event fires for this customer, if any. */
export const matchTrigger = (compiled: CompiledJourney, event: JourneyEvent, customer: CustomerProfile, now: number): TriggerMatch | null => {
  const timeZone = resolveTimeZone(customer.timezone, compiled.timeZoneFallback);
  for (const trigger of compiled.triggers) {
    const behaviour = nodeKindDefinition(nodeKindSchema.parse(trigger.kind)).trigger;
    if (!behaviour || !behaviour.eventTypes.includes(event.type)) continue;
    const evaluation = behaviour.matches(trigger.params, event, { journeyId: compiled.journeyId, nodeId: trigger.nodeId, customer, now, timeZone });
    if (evaluation.result) return { nodeId: trigger.nodeId, evaluation };
  }
  return null;
};

/** When each date-relative trigger of the journey next fires for this customer (strictly after `after(nodeId)`). */
export const nextDateTriggers = (
  compiled: CompiledJourney,
  customer: CustomerProfile,
  after: (nodeId: string) => number,
): { nodeId: string; trait: string; at: number }[] => {
  const timeZone = resolveTimeZone(customer.timezone, compiled.timeZoneFallback);
  const due: { nodeId: string; trait: string; at: number }[] = [];
  for (const trigger of compiled.triggers) {
    if (trigger.kind !== 'trigger_date') continue;
    const p = trigger.params as { trait: string; direction: 'before' | 'after'; offset: { amount: number; unit: 'hours' | 'days' }; at?: string; yearly: boolean };
    const raw = Object.hasOwn(customer.traits, p.trait) ? customer.traits[p.trait] : undefined;
    const dateMs = parseDateValue(raw, timeZone);
    if (dateMs === null) continue;
    const at = nextDateRelativeFire({ dateMs, direction: p.direction, offset: p.offset, yearly: p.yearly, ...(p.at ? { at: p.at } : {}) }, after(trigger.nodeId), timeZone);
    if (at !== null) due.push({ nodeId: trigger.nodeId, trait: p.trait, at });
  }
  return due;
};

/** Re-evaluates one trigger node for an event (replay: the recorded start names the trigger). */
export const evaluateTrigger = (
  compiled: CompiledJourney,
  nodeId: string,
  event: JourneyEvent,
  customer: CustomerProfile,
  now: number,
): RuleEvaluation | null => {
  const trigger = compiled.triggers.find((t) => t.nodeId === nodeId);
  const behaviour = trigger ? nodeKindDefinition(nodeKindSchema.parse(trigger.kind)).trigger : undefined;
  if (!trigger || !behaviour) return null;
  const timeZone = resolveTimeZone(customer.timezone, compiled.timeZoneFallback);
  return behaviour.matches(trigger.params, event, { journeyId: compiled.journeyId, nodeId, customer, now, timeZone });
};
