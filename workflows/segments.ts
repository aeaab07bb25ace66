import { z } from 'zod';
import { valueClusterSchema, type CustomerProfile } from './domain.js';
import { elementIdSchema } from './graph.js';
import type { EventView } from './events.js';
import { evaluateRule, resolveField, type RuleEnv, type RuleScope } from './rule-evaluator.js';
import { ruleProblems, segmentRuleSchema, type RuleCondition, type SegmentRule } from './rule.js';
import { parseDateValue, resolveTimeZone } from './time.js';

/**
 * Dynamic segments as data: a segment rule (the journey rule language plus event-history leaves)
 * over the customer — traits, lifecycle stage, value cluster, tags, consent — and their track and
 * webhook events. Pure: the runtime loads a customer's profile and recent events and asks
 * `isMember` and `nextMembershipChange`.
 *
 * Membership depends on time only through event windows (`event_history`) and the relative date
 * operators (`within_last_days`, `not_within_last_days`, `within_next_days`); everything else
 * changes only when the customer's data does. `nextMembershipChange` answers the earliest moment
 * after `now` at which membership flips if no new data arrives, so the runtime can re-evaluate then
 * instead of rebuilding segments periodically.
 */

const DAY = 86_400_000;

export const segmentDefinitionSchema = z
  .object({ rule: segmentRuleSchema })
  .strict()
  .superRefine((definition, ctx) => {
    for (const problem of segmentRuleProblems(definition.rule, ['rule'])) ctx.addIssue({ code: 'custom', path: problem.path, message: problem.message });
  });
export type SegmentDefinition = z.infer<typeof segmentDefinitionSchema>;

/** What `POST /v1/segments` takes (the editor checks its form with the same schema). */
export const segmentRequestSchema = z
  .object({
    id: elementIdSchema.optional(),
    name: z.string().trim().min(1, 'name the segment').max(200),
    description: z.string().trim().max(1000).nullable().optional(),
    definition: segmentDefinitionSchema,
  })
  .strict();
export type SegmentRequest = z.infer<typeof segmentRequestSchema>;

/** What `PATCH /v1/segments/:id` takes. */
export const segmentUpdateSchema = z
  .object({
    name: z.string().trim().min(1, 'name the segment').max(200).optional(),
    description: z.string().trim().max(1000).nullable().optional(),
    definition: segmentDefinitionSchema.optional(),
  })
  .strict()
  .refine((body) => body.name !== undefined || body.description !== undefined || body.definition !== undefined, {
    message: 'change at least one of name, description, definition',
  });
export type SegmentUpdate = z.infer<typeof segmentUpdateSchema>;

type Path = (string | number)[];
export interface SegmentProblem {
  path: Path;
  message: string;
}

const customerFieldPattern = /^customer\.(?:id|stage|cluster|timezone|tags(?:\.(?:0|[1-9]\d*))?|traits(?:\.[^.\s]+)+|consent\.[^.\s]+)$/;
const eventFieldPattern = /^event\.(?:name|at|properties(?:\.[^.\s]+)+)$/;
const customerFields = 'customer.traits.<path>, customer.stage, customer.cluster, customer.tags, customer.timezone, customer.consent.<channel> or customer.id';
const equalityOperators: ReadonlySet<string> = new Set(['eq', 'neq', 'in', 'not_in']);

/** Each condition of the rule with its path and whether it is inside an event-history leaf's rule. */
const conditionsOf = (rule: SegmentRule, path: Path, inEvent = false): { condition: RuleCondition; path: Path; inEvent: boolean }[] => {
  switch (rule.kind) {
    case 'condition':
      return [{ condition: rule, path, inEvent }];
    case 'group':
      return rule.rules.flatMap((child, i) => conditionsOf(child, [...path, 'rules', i], inEvent));
    case 'event_history':
      return rule.rule ? conditionsOf(rule.rule, [...path, 'rule'], true) : [];
  }
};

/** The scalar values an equality condition compares with. */
const comparedValues = (condition: RuleCondition): unknown[] => (Array.isArray(condition.value) ? condition.value : [condition.value]);

/**
 * What the rule language allows but a segment cannot mean: fields outside the customer (and, inside
 * an event-history leaf, the event), unknown customer fields, cluster values that do not exist;
 * plus the structural checks of `ruleProblems`. Paths start at `path`.
 */
export const segmentRuleProblems = (rule: SegmentRule, path: Path = []): SegmentProblem[] => {
  const problems: SegmentProblem[] = ruleProblems(rule, path);
  for (const { condition, path: at, inEvent } of conditionsOf(rule, path)) {
    const { field } = condition;
    if (field.startsWith('customer.')) {
      if (!customerFieldPattern.test(field)) problems.push({ path: [...at, 'field'], message: `"${field}" is not a customer field; use ${customerFields}` });
    } else if (inEvent) {
      if (!eventFieldPattern.test(field)) problems.push({ path: [...at, 'field'], message: `"${field}" is not a field of the counted event or the customer; use event.name, event.at, event.properties.<path> or ${customerFields}` });
    } else {
      problems.push({
        path: [...at, 'field'],
        message: field.startsWith('event.')
          ? `"${field}": a segment has no current event; ask about events with { "kind": "event_history", "event": "…", "atLeast": 1, "withinDays": 30, "rule": { … event.properties … } }`
          : `"${field}" is not a customer field; a segment rule reads ${customerFields}`,
      });
    }
    if (field === 'customer.cluster' && equalityOperators.has(condition.operator)) {
      const wrong = comparedValues(condition).filter((v) => !valueClusterSchema.safeParse(v).success);
      if (wrong.length > 0) problems.push({ path: [...at, 'value'], message: `${wrong.map((v) => JSON.stringify(v)).join(', ')} is not a value cluster; use ${valueClusterSchema.options.join(', ')}` });
    }
  }
  return problems;
};

/** Stage values the workspace's stage model does not have (the model is the runtime's to load). */
export const segmentStageProblems = (rule: SegmentRule, stages: readonly string[], path: Path = []): SegmentProblem[] =>
  conditionsOf(rule, path).flatMap(({ condition, path: at }) => {
    if (condition.field !== 'customer.stage' || !equalityOperators.has(condition.operator)) return [];
    const wrong = comparedValues(condition).filter((v) => typeof v !== 'string' || !stages.includes(v));
    return wrong.length === 0 ? [] : [{ path: [...at, 'value'], message: `${wrong.map((v) => JSON.stringify(v)).join(', ')} is not a stage of this workspace; use ${stages.join(', ')}` }];
  });

// ---------------------------------------------------------------------------------------------
// What a definition reads

const leavesOf = (rule: SegmentRule): SegmentRule[] => (rule.kind === 'group' ? rule.rules.flatMap(leavesOf) : [rule, ...(rule.kind === 'event_history' && rule.rule ? leavesOf(rule.rule) : [])]);

const relativeDateOperators: ReadonlySet<string> = new Set(['within_last_days', 'not_within_last_days', 'within_next_days']);

/** The event names the definition counts (to load only those). */
export const segmentEventNames = (definition: SegmentDefinition): string[] => [...new Set(leavesOf(definition.rule).flatMap((leaf) => (leaf.kind === 'event_history' ? [leaf.event] : [])))];

/** The longest event window the definition looks at, in days (0: no event history). */
export const segmentWindowDays = (definition: SegmentDefinition): number =>
  Math.max(0, ...leavesOf(definition.rule).map((leaf) => (leaf.kind === 'event_history' ? leaf.withinDays : 0)));

/** Whether membership can change with time alone (event windows or relative date operators). */
export const segmentIsTimeDependent = (definition: SegmentDefinition): boolean =>
  leavesOf(definition.rule).some((leaf) => leaf.kind === 'event_history' || (leaf.kind === 'condition' && relativeDateOperators.has(leaf.operator)));

// ---------------------------------------------------------------------------------------------
// Membership

/** What membership is computed from: the customer now and their track/webhook events (any order). */
export interface SegmentSubject {
  customer: CustomerProfile;
  history: readonly EventView[];
}

/** Relative dates are read in the customer's time zone (UTC when they have none or it is unknown). */
const envAt = (subject: SegmentSubject, now: number): RuleEnv => ({ now, timeZone: resolveTimeZone(subject.customer.timezone, 'UTC') });
const scopeOf = (subject: SegmentSubject): RuleScope => ({ customer: subject.customer, history: subject.history });

export const isMember = (definition: SegmentDefinition, subject: SegmentSubject, now: number): boolean =>
  evaluateRule(definition.rule, scopeOf(subject), envAt(subject, now)).result;

/**
 * Every moment at which a leaf of the rule may change its value with time alone: when an event
 * enters its window (its own time, if in the future) and leaves it (its time + D days), and the
 * edges of relative date conditions (`within_last_days` N holds from the date to date + N days
 * inclusive, so it changes at the date and one millisecond after date + N days; `within_next_days`
 * N from date − N days to the date).
 */
const changeMoments = (rule: SegmentRule, scope: RuleScope, timeZone: string, into: number[]): void => {
  switch (rule.kind) {
    case 'group':
      for (const child of rule.rules) changeMoments(child, scope, timeZone, into);
      return;
    case 'event_history':
      for (const event of scope.history ?? []) {
        if (event.name !== rule.event) continue;
        into.push(event.at, event.at + rule.withinDays * DAY);
        if (rule.rule) changeMoments(rule.rule, { ...scope, event }, timeZone, into);
      }
      return;
    case 'condition': {
      if (!relativeDateOperators.has(rule.operator) || typeof rule.value !== 'number' || !(rule.value >= 0)) return;
      const at = parseDateValue(resolveField(scope, rule.field), timeZone);
      if (at === null) return;
      const span = rule.value * DAY;
      if (rule.operator === 'within_next_days') into.push(at - span, at + 1);
      else into.push(at, at + span + 1);
      return;
    }
  }
};

/** At most this many candidate moments are evaluated per call; past them the next one is returned as "look again then". */
export const maxChangeScan = 64;

/**
 * The earliest moment after `now` at which membership differs from membership at `now`, assuming
 * the customer's data stays as it is; null when time alone never changes it. Exact: membership is
 * constant between consecutive change moments, so the first moment where it differs is found by
 * evaluating at each in order. When more than `maxChangeScan` moments would have to be evaluated,
 * the first one not evaluated is returned (a safe, earlier answer: re-evaluate then and ask again).
 */
export const nextMembershipChange = (definition: SegmentDefinition, subject: SegmentSubject, now: number): number | null => {
  if (!segmentIsTimeDependent(definition)) return null;
  const moments: number[] = [];
  const scope = scopeOf(subject);
  changeMoments(definition.rule, scope, envAt(subject, now).timeZone, moments);
  const ahead = [...new Set(moments.filter((t) => t > now && Number.isFinite(t)))].sort((a, b) => a - b);
  const current = isMember(definition, subject, now);
  for (let i = 0; i < ahead.length; i += 1) {
    const at = ahead[i] as number;
    if (i >= maxChangeScan) return at;
    if (evaluateRule(definition.rule, scope, envAt(subject, at)).result !== current) return at;
  }
  return null;
};
