import { z } from 'zod';

/**
 * The rule language: JSON data, interpreted by `rule-evaluator.ts`. Never code.
 *
 * A field is a dotted path whose first segment is a scope:
 *   customer.id | customer.traits.<path> | customer.stage | customer.cluster | customer.tags
 *   | customer.timezone | customer.consent.<channel>
 *   event.name | event.properties.<path> | event.at          (the event being looked at)
 *   trigger.name | trigger.properties.<path> | trigger.at    (the event that started the run)
 */
export const ruleScopes = ['customer', 'event', 'trigger'] as const;

export const ruleLimits = { maxDepth: 6, maxConditions: 200, maxString: 1000, maxList: 500, maxPath: 200 } as const;

export const ruleOperatorGroups = {
  existence: ['exists', 'not_exists'],
  equality: ['eq', 'neq', 'in', 'not_in'],
  string: ['contains', 'not_contains', 'starts_with', 'ends_with'],
  number: ['gt', 'gte', 'lt', 'lte', 'between'],
  boolean: ['is_true', 'is_false'],
  date: ['date_before', 'date_after', 'within_last_days', 'not_within_last_days', 'within_next_days'],
  list: ['includes', 'not_includes', 'includes_any', 'includes_all', 'is_empty', 'is_not_empty'],
} as const;

type OperatorGroups = typeof ruleOperatorGroups;
export type RuleOperator = OperatorGroups[keyof OperatorGroups][number];
export const ruleOperators = Object.values(ruleOperatorGroups).flat() as RuleOperator[];
export const ruleOperatorSchema = z.enum(ruleOperators as [RuleOperator, ...RuleOperator[]]);

const fieldSchema = z
  .string()
  .max(ruleLimits.maxPath)
  .regex(
    /^(customer|event|trigger)(\.[^.\s]+)+$/,
    'a field is a dotted path starting with customer., event. or trigger. (e.g. "customer.traits.plan")',
  );

const scalarSchema = z.union([z.string().max(ruleLimits.maxString), z.number().finite(), z.boolean(), z.null()]);
export const ruleValueSchema = z.union([scalarSchema, z.array(scalarSchema).max(ruleLimits.maxList)]);
export type RuleValue = z.infer<typeof ruleValueSchema>;

export const ruleConditionSchema = z.object({
  kind: z.literal('condition'),
  field: fieldSchema,
  operator: ruleOperatorSchema,
  value: ruleValueSchema.optional(),
});
export type RuleCondition = z.infer<typeof ruleConditionSchema>;

export const ruleGroupSchema = z.object({
  kind: z.literal('group'),
  combinator: z.enum(['and', 'or']),
  negate: z.boolean().optional(),
  get rules(): z.ZodArray<typeof ruleSchema> {
    return z.array(ruleSchema).max(ruleLimits.maxConditions);
  },
});
export type RuleGroup = z.infer<typeof ruleGroupSchema>;

export const ruleSchema = z.discriminatedUnion('kind', [ruleConditionSchema, ruleGroupSchema]);
export type Rule = RuleCondition | RuleGroup;

/**
 * Segment rules add one leaf to the language: event history, "did X at least N (at most M) times in
 * the last D days", counted over the customer's track and webhook events with the name `event` in
 * (now − D days, now], optionally only those for which `rule` holds (`event.*`, `customer.*`).
 * Journey rules do not take it (a journey asks the same with the `condition_event_history` node).
 */
export const eventHistoryConditionSchema = z
  .object({
    kind: z.literal('event_history'),
    event: z.string().min(1, 'name the event, e.g. "Order Completed"').max(200),
    atLeast: z.number().int().min(0).max(1_000_000).optional(),
    atMost: z.number().int().min(0).max(1_000_000).optional(),
    withinDays: z.number().int().min(1).max(3650),
    rule: ruleSchema.optional(),
  })
  .strict();
export type EventHistoryCondition = z.infer<typeof eventHistoryConditionSchema>;

export interface SegmentRuleGroup {
  kind: 'group';
  combinator: 'and' | 'or';
  negate?: boolean | undefined;
  rules: SegmentRule[];
}
/** A rule that may hold event-history leaves (segments); every journey `Rule` is one. */
export type SegmentRule = RuleCondition | EventHistoryCondition | SegmentRuleGroup;

export const segmentRuleGroupSchema = z.object({
  kind: z.literal('group'),
  combinator: z.enum(['and', 'or']),
  negate: z.boolean().optional(),
  get rules(): z.ZodArray<typeof segmentRuleSchema> {
    return z.array(segmentRuleSchema).max(ruleLimits.maxConditions);
  },
});
export const segmentRuleSchema = z.discriminatedUnion('kind', [ruleConditionSchema, eventHistoryConditionSchema, segmentRuleGroupSchema]);

/** Operators that take no value. */
export const unaryOperators: ReadonlySet<RuleOperator> = new Set([
  'exists', 'not_exists', 'is_true', 'is_false', 'is_empty', 'is_not_empty',
]);

/** The shape of `value` each operator needs, checked before a rule is accepted. */
const valueProblem = (condition: RuleCondition): string | null => {
  const { operator, value } = condition;
  if (unaryOperators.has(operator)) return value === undefined ? null : `operator "${operator}" takes no value; remove "value"`;
  if (value === undefined) return `operator "${operator}" needs a value`;
  switch (operator) {
    case 'in': case 'not_in': case 'includes_any': case 'includes_all':
      return Array.isArray(value) ? null : `operator "${operator}" needs a list value, e.g. ["a", "b"]`;
    case 'between':
      return Array.isArray(value) && value.length === 2 && value.every((v) => typeof v === 'number' || typeof v === 'string')
        ? null : 'operator "between" needs a value [low, high]';
    case 'gt': case 'gte': case 'lt': case 'lte':
      return typeof value === 'number' ? null : `operator "${operator}" needs a number value`;
    case 'within_last_days': case 'not_within_last_days': case 'within_next_days':
      return typeof value === 'number' && value >= 0 ? null : `operator "${operator}" needs a number of days >= 0`;
    case 'date_before': case 'date_after':
      return typeof value === 'string' || typeof value === 'number' ? null : `operator "${operator}" needs an ISO date string or epoch milliseconds`;
    case 'contains': case 'not_contains': case 'starts_with': case 'ends_with':
      return typeof value === 'string' ? null : `operator "${operator}" needs a string value`;
    case 'eq': case 'neq': case 'includes': case 'not_includes':
      return Array.isArray(value) ? `operator "${operator}" needs a single value, not a list` : null;
    case 'exists': case 'not_exists': case 'is_true': case 'is_false': case 'is_empty': case 'is_not_empty':
      return null;
  }
};

/** The counts of an event-history leaf: at least one bound, and not a bound that always holds. */
const countProblem = (condition: EventHistoryCondition): { key: 'atLeast' | 'atMost'; message: string } | null => {
  const { atLeast, atMost } = condition;
  if (atLeast === undefined && atMost === undefined) return { key: 'atLeast', message: 'give atLeast, atMost or both (e.g. "atLeast": 3; "atMost": 0 for "did not")' };
  if (atLeast !== undefined && atMost !== undefined && atLeast > atMost) return { key: 'atMost', message: `atMost (${atMost}) is below atLeast (${atLeast}); nobody could match` };
  if (atLeast === 0 && atMost === undefined) return { key: 'atLeast', message: '"atLeast": 0 always holds; use at least 1, or add atMost' };
  return null;
};

/** Structural checks zod alone cannot express: value shape per operator, counts, depth and size. */
export const ruleProblems = (rule: SegmentRule, path: (string | number)[] = []): { path: (string | number)[]; message: string }[] => {
  const problems: { path: (string | number)[]; message: string }[] = [];
  let conditions = 0;
  const walk = (node: SegmentRule, at: (string | number)[], depth: number): void => {
    if (depth > ruleLimits.maxDepth) {
      problems.push({ path: at, message: `rules nest at most ${ruleLimits.maxDepth} groups deep; flatten this group` });
      return;
    }
    if (node.kind === 'group') {
      node.rules.forEach((child, i) => walk(child, [...at, 'rules', i], depth + 1));
      return;
    }
    conditions += 1;
    if (node.kind === 'event_history') {
      const problem = countProblem(node);
      if (problem) problems.push({ path: [...at, problem.key], message: problem.message });
      if (node.rule) walk(node.rule, [...at, 'rule'], depth + 1);
      return;
    }
    const problem = valueProblem(node);
    if (problem) problems.push({ path: [...at, 'value'], message: problem });
  };
  walk(rule, path, 1);
  if (conditions > ruleLimits.maxConditions) {
    problems.push({ path, message: `a rule has at most ${ruleLimits.maxConditions} conditions (this one has ${conditions})` });
  }
  return problems;
};

/** A rule schema that also enforces `ruleProblems`; use this for user input. */
export const checkedRuleSchema = ruleSchema.superRefine((rule, ctx) => {
  for (const problem of ruleProblems(rule)) ctx.addIssue({ code: 'custom', path: problem.path, message: problem.message });
});

export const allOf = (...rules: Rule[]): RuleGroup => ({ kind: 'group', combinator: 'and', rules });
export const condition = (field: string, operator: RuleOperator, value?: RuleValue): RuleCondition =>
  value === undefined ? { kind: 'condition', field, operator } : { kind: 'condition', field, operator, value };
