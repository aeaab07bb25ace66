import { z } from 'zod';
import { valueClusterSchema, type ValueCluster } from './domain.js';
import { nextWindowStart, resolveTimeZone, timeOfDaySchema, type Weekday } from './time.js';

/**
 * The contact strategy: one contact policy across all journeys, per value cluster (and a default).
 * Enforced by the dispatcher when a marketing message (an email or SMS effect) is about to be sent.
 * Pure: the dispatcher loads the strategy, the customer and their recent sends, then asks
 * `decideContact` what to do with the message now.
 */

/** Channels whose effects are marketing messages to the customer (tasks, webhooks, team chat and conversions are not). */
export const marketingChannels = ['email', 'sms'] as const;
export type MarketingChannel = (typeof marketingChannels)[number];
export const isMarketingChannel = (channel: string): channel is MarketingChannel => (marketingChannels as readonly string[]).includes(channel);

const DAY_MS = 24 * 60 * 60 * 1000;
const periodDays = z.number().int().min(1).max(366);
const channelCost = z.object({ costPerContact: z.number().min(0).max(1_000_000) }).strict();

/** A dialogue script: the lines a person follows in a task or call for this cluster ("apologise" → "explain" → …). */
/** A dialogue script's name, unique per cluster; `create_task` steps pick a script by it. */
export const dialogueScriptNameSchema = z.string().trim().min(1, 'name the script, e.g. "complaint"').max(100);

export const dialogueScriptSchema = z
  .object({
    name: dialogueScriptNameSchema,
    lines: z.array(z.string().trim().min(1, 'write the line or remove it').max(1_000)).min(1, 'a script has at least one line').max(50),
  })
  .strict();
export type DialogueScript = z.infer<typeof dialogueScriptSchema>;

export const clusterContactStrategySchema = z
  .object({
    /** What contact with this cluster is for ("keep them delighted", "phase out gracefully"). */
    goal: z.string().max(1_000).default(''),
    /** Allowed channels with their cost per contact; a marketing channel not listed is not allowed. `chat` is accepted for the record (team chat is not marketing). */
    channels: z.object({ email: channelCost.optional(), sms: channelCost.optional(), chat: channelCost.optional() }).strict(),
    /** At most `amount` spent on marketing messages per customer within the last `periodDays`. */
    budget: z.object({ amount: z.number().min(0).max(1_000_000_000), periodDays }).strict().nullable().default(null),
    /** At most `max` marketing messages per customer within the last `periodDays`, across all journeys. */
    frequencyCap: z.object({ max: z.number().int().min(0).max(10_000), periodDays }).strict().nullable().default(null),
    /** No marketing messages from `from` (inclusive) to `to` (exclusive) in the customer's time zone; `to` <= `from` crosses midnight. */
    quietHours: z
      .object({ from: timeOfDaySchema, to: timeOfDaySchema })
      .strict()
      .refine((q) => q.from !== q.to, { message: 'quiet hours need from ≠ to (leave quietHours null for none; to block a channel, leave it out of channels)' })
      .nullable()
      .default(null),
    /** Dialogue scripts for the people who get tasks and calls about customers of this cluster, by unique name. */
    scripts: z
      .array(dialogueScriptSchema)
      .max(20)
      .default([])
      .superRefine((scripts, ctx) => {
        const seen = new Set<string>();
        scripts.forEach((script, index) => {
          if (seen.has(script.name)) ctx.addIssue({ code: 'custom', path: [index, 'name'], message: `script name "${script.name}" is used twice; names are unique per cluster` });
          seen.add(script.name);
        });
      }),
  })
  .strict();
export type ClusterContactStrategy = z.infer<typeof clusterContactStrategySchema>;

export const contactStrategySchema = z
  .object({
    /** For customers without a cluster, and clusters without their own entry. */
    default: clusterContactStrategySchema,
    star: clusterContactStrategySchema.optional(),
    question_mark: clusterContactStrategySchema.optional(),
    cash_cow: clusterContactStrategySchema.optional(),
    dog: clusterContactStrategySchema.optional(),
    /** Quiet hours use the customer's `timezone` when valid, else this zone. */
    fallbackTimeZone: z.string().min(1).max(100).default('UTC'),
  })
  .strict();
export type ContactStrategy = z.infer<typeof contactStrategySchema>;
export type ContactStrategyInput = z.input<typeof contactStrategySchema>;

/** The rules for a customer of `cluster` (null: no cluster yet → the default). */
export const strategyFor = (strategy: ContactStrategy, cluster: ValueCluster | null): ClusterContactStrategy =>
  (cluster !== null && valueClusterSchema.safeParse(cluster).success ? strategy[cluster] : undefined) ?? strategy.default;

/** The start of the frequency-cap and budget periods at `now` (null when the rule is off): the dispatcher counts sends since then. */
export const historyWindows = (rules: ClusterContactStrategy, now: number): { capSince: number | null; budgetSince: number | null } => ({
  capSince: rules.frequencyCap ? now - rules.frequencyCap.periodDays * DAY_MS : null,
  budgetSince: rules.budget ? now - rules.budget.periodDays * DAY_MS : null,
});

export interface ContactRequest {
  channel: MarketingChannel;
  cluster: ValueCluster | null;
  /** The customer's IANA zone, if any. */
  timezone: string | null;
  now: number;
  /** Marketing messages sent to the customer since `capSince` (0 when the cap is off). */
  sentInCapPeriod: number;
  /** Cost of marketing messages sent to the customer since `budgetSince` (0 when the budget is off). */
  spentInBudgetPeriod: number;
}

export type ContactDecision =
  | { action: 'send'; cost: number }
  | { action: 'skip'; reason: string }
  | { action: 'defer'; until: number; reason: string };

const everyDay: Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
const clusterName = (cluster: ValueCluster | null): string => (cluster === null ? 'customers without a cluster' : `cluster ${cluster}`);

/**
 * What to do with one marketing message now. In order: a channel the cluster does not allow is
 * skipped; quiet hours defer it to the end of the quiet window (the first allowed instant, DST
 * aware); a message that would exceed the frequency cap or the budget is skipped. Otherwise it is
 * sent and books the channel's cost per contact.
 */
export const decideContact = (strategy: ContactStrategy, request: ContactRequest): ContactDecision => {
  const rules = strategyFor(strategy, request.cluster);
  const channel = rules.channels[request.channel];
  if (!channel) return { action: 'skip', reason: `contact strategy: channel ${request.channel} is not allowed for ${clusterName(request.cluster)}` };
  if (rules.quietHours) {
    const tz = resolveTimeZone(request.timezone, strategy.fallbackTimeZone);
    // Allowed hours are the complement of the quiet window: from its end to its start.
    const allowedFrom = nextWindowStart(request.now, { days: everyDay, from: rules.quietHours.to, to: rules.quietHours.from }, tz);
    if (allowedFrom > request.now) {
      return { action: 'defer', until: allowedFrom, reason: `contact strategy: quiet hours ${rules.quietHours.from}–${rules.quietHours.to} (${tz}); deferred to ${new Date(allowedFrom).toISOString()}` };
    }
  }
  if (rules.frequencyCap && request.sentInCapPeriod + 1 > rules.frequencyCap.max) {
    return { action: 'skip', reason: `contact strategy: frequency cap of ${rules.frequencyCap.max} marketing message(s) per ${rules.frequencyCap.periodDays} day(s) reached (${request.sentInCapPeriod} sent)` };
  }
  if (rules.budget && request.spentInBudgetPeriod + channel.costPerContact > rules.budget.amount + 1e-9) {
    return {
      action: 'skip',
      reason: `contact strategy: budget of ${rules.budget.amount} per ${rules.budget.periodDays} day(s) would be exceeded (${round(request.spentInBudgetPeriod)} spent + ${channel.costPerContact} for ${request.channel})`,
    };
  }
  return { action: 'send', cost: channel.costPerContact };
};

const round = (value: number): number => Math.round(value * 1e6) / 1e6;
