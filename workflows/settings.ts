import { z } from 'zod';
import { durationSchema } from './duration.js';
import { checkedRuleSchema } from './rule.js';

export const entryPolicySchema = z.discriminatedUnion('mode', [
  /** A customer enters this journey at most once, ever. */
  z.object({ mode: z.literal('once') }),
  /** A customer may re-enter, but only when no run of theirs is active. */
  z.object({ mode: z.literal('one_at_a_time') }),
  /** Every matching trigger starts a run, at most once per cooldown (runs may overlap). */
  z.object({ mode: z.literal('every_time'), cooldown: durationSchema.optional() }),
]);
export type EntryPolicy = z.infer<typeof entryPolicySchema>;

export const goalSchema = z.object({
  /** The conversion event, e.g. "Order Completed". */
  event: z.string().min(1).max(200),
  /** Optional rule on the conversion event (`event.properties.*`) and the customer. */
  rule: checkedRuleSchema.optional(),
});
export type Goal = z.infer<typeof goalSchema>;

export const exitCriterionSchema = z.discriminatedUnion('type', [
  /** Leave the journey when this event arrives (and its rule holds). */
  z.object({ type: z.literal('event'), event: z.string().min(1).max(200), rule: checkedRuleSchema.optional() }),
  /** Leave the journey as soon as this rule over the customer holds (checked at every step). */
  z.object({ type: z.literal('rule'), rule: checkedRuleSchema }),
]);
export type ExitCriterion = z.infer<typeof exitCriterionSchema>;

export const timeZoneSettingSchema = z.object({
  /** Time-of-day waits and date triggers use the customer's `timezone` when it is a valid IANA zone... */
  use: z.literal('customer').default('customer'),
  /** ...and this zone otherwise. */
  fallback: z.string().min(1).default('UTC'),
});

export const journeySettingsSchema = z.object({
  entry: entryPolicySchema.default({ mode: 'once' }),
  goal: goalSchema.optional(),
  exit: z.array(exitCriterionSchema).max(20).default([]),
  timeZone: timeZoneSettingSchema.default({ use: 'customer', fallback: 'UTC' }),
});
export type JourneySettings = z.infer<typeof journeySettingsSchema>;
