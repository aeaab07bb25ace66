import type { CustomerProfile, JsonValue } from './domain.js';
import type { JourneyEvent } from './events.js';
import type { CustomerUpdate } from './nodes/kind.js';

const sameJson = (a: JsonValue | undefined, b: JsonValue | undefined): boolean => JSON.stringify(a) === JSON.stringify(b);

/** Applies a journey's change to a customer (pure; returns a new profile). */
export const applyCustomerUpdate = (customer: CustomerProfile, update: CustomerUpdate): CustomerProfile => {
  const traits: Record<string, JsonValue> = { ...customer.traits, ...(update.setTraits ?? {}) };
  for (const trait of update.unsetTraits ?? []) delete traits[trait];
  const removed = new Set(update.removeTags ?? []);
  const tags = [...customer.tags.filter((t) => !removed.has(t))];
  for (const tag of update.addTags ?? []) if (!tags.includes(tag)) tags.push(tag);
  return { ...customer, traits, tags, stage: update.stage ?? customer.stage };
};

/**
 * The journey events a customer change causes (`trait_changed`, `stage_changed`), so other
 * journeys can react. Used by the runtime for identify calls and journey updates alike.
 */
export const customerChangeEvents = (before: CustomerProfile, after: CustomerProfile, at: number): JourneyEvent[] => {
  const events: JourneyEvent[] = [];
  const names = new Set([...Object.keys(before.traits), ...Object.keys(after.traits)]);
  for (const trait of [...names].sort()) {
    const from = Object.hasOwn(before.traits, trait) ? before.traits[trait] : undefined;
    const to = Object.hasOwn(after.traits, trait) ? after.traits[trait] : undefined;
    if (!sameJson(from, to)) events.push({ type: 'trait_changed', trait, ...(from === undefined ? {} : { from }), ...(to === undefined ? {} : { to }), at });
  }
  if (after.stage !== null && after.stage !== before.stage) events.push({ type: 'stage_changed', from: before.stage, to: after.stage, at });
  return events;
};
