import {
  defaultLifecycleStages,
  unaryOperators,
  valueClusterSchema,
  type EventHistoryCondition,
  type Rule,
  type RuleCondition,
  type RuleGroup,
  type RuleOperator,
  type RuleValue,
  type SegmentRule,
  type SegmentRuleGroup,
} from '../../../workflows/index.js';

/**
 * The rule builder's model of our rule JSON. Fields are picked as a source plus (for traits and
 * properties) a free-text name; operators are offered per source; the value input follows the
 * operator. Every function here is pure and maps straight onto the journey language's rule schema.
 * The tree operations take segment rules (journey rules plus event-history leaves), of which every
 * journey rule is one.
 */

export const fieldSources = [
  { id: 'customer.traits', label: 'Customer trait', named: true },
  { id: 'customer.stage', label: 'Lifecycle stage', named: false },
  { id: 'customer.cluster', label: 'Value cluster', named: false },
  { id: 'customer.tags', label: 'Customer tags', named: false },
  { id: 'event.properties', label: 'Event property', named: true },
  { id: 'trigger.properties', label: 'Trigger property', named: true },
  { id: 'other', label: 'Other field (path)', named: true },
] as const;
export type FieldSource = (typeof fieldSources)[number]['id'];

/**
 * What a rule may read where it is used: a journey rule everything; a segment rule only the customer
 * (a segment has no current event or trigger); the rule of an event-history leaf the counted event
 * and the customer.
 */
export type RuleFields = 'journey' | 'segment' | 'counted_event';
const customerSources: readonly FieldSource[] = ['customer.traits', 'customer.stage', 'customer.cluster', 'customer.tags'];
export const sourcesFor = (fields: RuleFields): (typeof fieldSources)[number][] => {
  const ids: readonly FieldSource[] = fields === 'journey' ? fieldSources.map((s) => s.id) : fields === 'segment' ? [...customerSources, 'other'] : ['event.properties', ...customerSources, 'other'];
  return fieldSources.filter((s) => ids.includes(s.id));
};

export interface FieldParts {
  source: FieldSource;
  /** Trait / property name (may contain dots for nested values), or the whole path for `other`. */
  name: string;
}

const named: readonly FieldSource[] = ['customer.traits', 'event.properties', 'trigger.properties'];

export const splitField = (field: string): FieldParts => {
  for (const source of named) if (field === source || field.startsWith(`${source}.`)) return { source, name: field.slice(source.length + 1) };
  if (field === 'customer.stage' || field === 'customer.cluster' || field === 'customer.tags') return { source: field, name: '' };
  return { source: 'other', name: field };
};

export const joinField = ({ source, name }: FieldParts): string => {
  if (source === 'other') return name;
  if (source === 'customer.stage' || source === 'customer.cluster' || source === 'customer.tags') return source;
  return `${source}.${name}`;
};

export const operatorLabels: Record<RuleOperator, string> = {
  exists: 'is set',
  not_exists: 'is not set',
  eq: 'is',
  neq: 'is not',
  in: 'is one of',
  not_in: 'is none of',
  contains: 'contains',
  not_contains: 'does not contain',
  starts_with: 'starts with',
  ends_with: 'ends with',
  gt: 'is more than',
  gte: 'is at least',
  lt: 'is less than',
  lte: 'is at most',
  between: 'is between',
  is_true: 'is true',
  is_false: 'is false',
  date_before: 'is before (date)',
  date_after: 'is after (date)',
  within_last_days: 'is within the last … days',
  not_within_last_days: 'is not within the last … days',
  within_next_days: 'is within the next … days',
  includes: 'includes',
  not_includes: 'does not include',
  includes_any: 'includes any of',
  includes_all: 'includes all of',
  is_empty: 'is empty',
  is_not_empty: 'is not empty',
};

const enumOperators: RuleOperator[] = ['eq', 'neq', 'in', 'not_in', 'exists', 'not_exists'];
const listOperators: RuleOperator[] = ['includes', 'not_includes', 'includes_any', 'includes_all', 'is_empty', 'is_not_empty'];
const anyOperators: RuleOperator[] = [
  'eq', 'neq', 'in', 'not_in', 'exists', 'not_exists',
  'contains', 'not_contains', 'starts_with', 'ends_with',
  'gt', 'gte', 'lt', 'lte', 'between',
  'is_true', 'is_false',
  'date_before', 'date_after', 'within_last_days', 'not_within_last_days', 'within_next_days',
  'includes', 'not_includes', 'includes_any', 'includes_all', 'is_empty', 'is_not_empty',
];

/** Operators that make sense for a source: enums compare, tags are a list, free fields take everything. */
export const operatorsFor = (source: FieldSource): RuleOperator[] =>
  source === 'customer.stage' || source === 'customer.cluster' ? enumOperators : source === 'customer.tags' ? listOperators : anyOperators;

export interface Choice {
  value: string;
  label: string;
}
export const defaultStageChoices: readonly Choice[] = defaultLifecycleStages.map((s) => ({ value: s.id, label: s.label }));

/** Fixed choices for enum fields (stage ids — the workspace's when known —, clusters); null for free fields. */
export const fieldChoices = (source: FieldSource, stages: readonly Choice[] = defaultStageChoices): readonly Choice[] | null => {
  if (source === 'customer.stage') return stages;
  if (source === 'customer.cluster') return valueClusterSchema.options.map((c) => ({ value: c, label: c.replace('_', ' ') }));
  return null;
};

/** Which value input an operator needs. */
export type ValueKind = 'none' | 'scalar' | 'text' | 'number' | 'days' | 'date' | 'list' | 'range';

export const valueKind = (operator: RuleOperator): ValueKind => {
  if (unaryOperators.has(operator)) return 'none';
  switch (operator) {
    case 'in': case 'not_in': case 'includes_any': case 'includes_all': return 'list';
    case 'between': return 'range';
    case 'gt': case 'gte': case 'lt': case 'lte': return 'number';
    case 'within_last_days': case 'not_within_last_days': case 'within_next_days': return 'days';
    case 'date_before': case 'date_after': return 'date';
    case 'contains': case 'not_contains': case 'starts_with': case 'ends_with': return 'text';
    default: return 'scalar';
  }
};

type Scalar = string | number | boolean | null;
const firstScalar = (value: RuleValue | undefined): Scalar | undefined => (Array.isArray(value) ? value[0] : value);

/** The value a condition keeps when its operator changes (so switching "is" → "is one of" keeps what was typed). */
export const valueForOperator = (operator: RuleOperator, previous: RuleValue | undefined): RuleValue | undefined => {
  const first = firstScalar(previous);
  switch (valueKind(operator)) {
    case 'none': return undefined;
    case 'list': return Array.isArray(previous) ? previous : first === undefined || first === '' ? [] : [first];
    case 'range': {
      if (Array.isArray(previous) && previous.length === 2) return previous;
      return typeof first === 'number' ? [first, first] : [0, 100];
    }
    case 'number': return typeof first === 'number' ? first : typeof first === 'string' && /^-?\d+(\.\d+)?$/.test(first) ? Number(first) : 0;
    case 'days': return typeof first === 'number' && first >= 0 ? first : 30;
    case 'date': return typeof first === 'string' || typeof first === 'number' ? first : '';
    case 'text': return typeof first === 'string' ? first : first === undefined || first === null ? '' : String(first);
    case 'scalar': return first === undefined ? '' : first;
  }
};

/** What a marketer types into a value box → a JSON scalar: 42 → number, true/false → boolean, "quoted" → string. */
export const parseScalar = (text: string): Scalar => {
  const trimmed = text.trim();
  if (/^-?\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed);
  if (trimmed === 'true') return true;
  if (trimmed === 'false') return false;
  if (trimmed === 'null') return null;
  const quoted = /^"(.*)"$/.exec(trimmed);
  if (quoted) return quoted[1] ?? '';
  return text;
};

/** The inverse of `parseScalar`: strings that would read as something else get quotes. */
export const formatScalar = (value: Scalar | undefined): string => {
  if (value === undefined) return '';
  if (typeof value === 'string') return /^-?\d+(\.\d+)?$|^(true|false|null)$|^".*"$/.test(value.trim()) ? `"${value}"` : value;
  return String(value);
};

/** A comma-separated list → values (each parsed like `parseScalar`). */
export const parseList = (text: string): Scalar[] =>
  text.split(',').map((s) => s.trim()).filter((s) => s !== '').map(parseScalar);

export const formatList = (value: RuleValue | undefined): string => (Array.isArray(value) ? value.map(formatScalar).join(', ') : formatScalar(value));

// ---- the tree ----

/** Index path from the root group to a rule ([] is the root). */
export type RulePath = readonly number[];

export const newCondition = (source: FieldSource = 'customer.traits'): RuleCondition => {
  const field = joinField({ source, name: '' });
  const operator = operatorsFor(source)[0] as RuleOperator;
  const value = valueForOperator(operator, undefined);
  return value === undefined ? { kind: 'condition', field, operator } : { kind: 'condition', field, operator, value };
};

export const newGroup = (combinator: 'and' | 'or' = 'and'): RuleGroup => ({ kind: 'group', combinator, rules: [newCondition()] });

/** Wraps a single condition in an AND group, so the builder always edits a group at the root. */
export const asRootGroup = (rule: SegmentRule | undefined): SegmentRuleGroup => (rule === undefined ? { kind: 'group', combinator: 'and', rules: [] } : rule.kind === 'group' ? rule : { kind: 'group', combinator: 'and', rules: [rule] });

export const ruleAt = (root: SegmentRule, path: RulePath): SegmentRule | undefined => {
  let current: SegmentRule | undefined = root;
  for (const index of path) current = current?.kind === 'group' ? current.rules[index] : undefined;
  return current;
};

/** Replaces the rule at `path` with `update(rule)`; parents are copied, everything else is shared. */
export const updateRuleAt = (root: SegmentRule, path: RulePath, update: (rule: SegmentRule) => SegmentRule): SegmentRule => {
  const [index, ...rest] = path;
  if (index === undefined) return update(root);
  if (root.kind !== 'group') return root;
  const child = root.rules[index];
  if (!child) return root;
  return { ...root, rules: root.rules.map((r, i) => (i === index ? updateRuleAt(child, rest, update) : r)) };
};

export const addRuleAt = (root: SegmentRule, groupPath: RulePath, rule: SegmentRule): SegmentRule =>
  updateRuleAt(root, groupPath, (group) => (group.kind === 'group' ? { ...group, rules: [...group.rules, rule] } : group));

export const removeRuleAt = (root: SegmentRule, path: RulePath): SegmentRule => {
  if (path.length === 0) return root;
  const parent = path.slice(0, -1);
  const index = path[path.length - 1] as number;
  return updateRuleAt(root, parent, (group) => (group.kind === 'group' ? { ...group, rules: group.rules.filter((_, i) => i !== index) } : group));
};

/** Whether a rule has no event-history leaf, i.e. is a journey rule. */
export const isJourneyRule = (rule: SegmentRule): rule is Rule => rule.kind === 'condition' || (rule.kind === 'group' && rule.rules.every(isJourneyRule));

/**
 * Where the rule at builder path `path` sits in the rule schema, for its errors: [1, 0] →
 * ["rules", 1, "rules", 0]. When the stored rule is a single condition (the builder shows it in a
 * group), that condition is the root.
 */
export const schemaPath = (value: SegmentRule | undefined, path: RulePath): (string | number)[] =>
  (value !== undefined && value.kind !== 'group' ? path.slice(1) : path).flatMap((i) => ['rules', i]);

/** Sets a condition's operator and adapts its value to what the operator needs. */
export const setOperator = (condition: RuleCondition, operator: RuleOperator): RuleCondition => {
  const value = valueForOperator(operator, condition.value);
  const { value: _old, ...rest } = condition;
  return value === undefined ? { ...rest, operator } : { ...rest, operator, value };
};

/** Changes a condition's field source; keeps the operator when the new source offers it. */
export const setSource = (condition: RuleCondition, source: FieldSource): RuleCondition => {
  const current = splitField(condition.field);
  const name = current.source === source ? current.name : named.includes(source) || source === 'other' ? (named.includes(current.source) ? current.name : '') : '';
  const field = joinField({ source, name });
  const operators = operatorsFor(source);
  const operator = operators.includes(condition.operator) ? condition.operator : (operators[0] as RuleOperator);
  return setOperator({ ...condition, field }, operator);
};

/** Counts conditions (for summaries); an event-history leaf is one, plus those of its own rule. */
export const countConditions = (rule: SegmentRule): number =>
  rule.kind === 'group' ? rule.rules.reduce((n, r) => n + countConditions(r), 0) : rule.kind === 'event_history' ? 1 + (rule.rule ? countConditions(rule.rule) : 0) : 1;

// ---- event history (segment rules) ----

/** How an event-history leaf bounds the count: at least N, at most N, between N and M, or not at all (at most 0). */
export type CountMode = 'at_least' | 'at_most' | 'between' | 'none';
export const countModes: { mode: CountMode; label: string }[] = [
  { mode: 'at_least', label: 'at least' },
  { mode: 'at_most', label: 'at most' },
  { mode: 'between', label: 'between' },
  { mode: 'none', label: 'not at all' },
];

export const newEventHistory = (): EventHistoryCondition => ({ kind: 'event_history', event: '', atLeast: 1, withinDays: 30 });

export const countMode = ({ atLeast, atMost }: EventHistoryCondition): CountMode => {
  if (atMost === 0 && !atLeast) return 'none';
  if (atLeast !== undefined && atMost !== undefined) return 'between';
  return atMost !== undefined ? 'at_most' : 'at_least';
};

/** The leaf with its counts set for `mode`, keeping the numbers that carry over. */
export const setCountMode = (leaf: EventHistoryCondition, mode: CountMode): EventHistoryCondition => {
  const { atLeast, atMost, ...rest } = leaf;
  switch (mode) {
    case 'at_least':
      return { ...rest, atLeast: atLeast || atMost || 1 };
    case 'at_most':
      return { ...rest, atMost: atMost || atLeast || 1 };
    case 'between':
      return { ...rest, atLeast: atLeast ?? 1, atMost: atMost !== undefined && atMost >= (atLeast ?? 1) && atMost > 0 ? atMost : (atLeast ?? 1) + 1 };
    case 'none':
      return { ...rest, atMost: 0 };
  }
};

/** "customer.traits.ltv is more than 500" — a condition in words. */
export const describeCondition = (condition: RuleCondition): string => {
  const kind = valueKind(condition.operator);
  const value = kind === 'none' ? '' : kind === 'range' && Array.isArray(condition.value) ? ` ${formatScalar(condition.value[0])} and ${formatScalar(condition.value[1])}` : ` ${formatList(condition.value)}`;
  return `${condition.field} ${operatorLabels[condition.operator].replace(' … days', '')}${value}${kind === 'days' ? ' days' : ''}`;
};
