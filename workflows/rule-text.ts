import { defaultLifecycleStages, valueClusterLabels, type ValueCluster } from './domain.js';
import type { Rule, RuleCondition, RuleOperator, RuleValue } from './rule.js';

/**
 * Rules in words for the canvas and the docs: "stage is Retain & develop and ltv > 500". Pure;
 * field paths are shortened the way marketers name them (a trait by its name, "event total").
 */

const fieldText = (field: string): string => {
  if (field === 'customer.stage') return 'stage';
  if (field === 'customer.cluster') return 'value cluster';
  if (field === 'customer.tags') return 'tags';
  if (field === 'customer.id') return 'customer id';
  const trait = /^customer\.traits\.(.+)$/.exec(field);
  if (trait) return trait[1] as string;
  const consent = /^customer\.consent\.(.+)$/.exec(field);
  if (consent) return `consent to ${consent[1]}`;
  const scoped = /^(event|trigger)\.properties\.(.+)$/.exec(field);
  if (scoped) return `${scoped[1]} ${scoped[2]}`;
  return field.replace(/^customer\./, '').replace(/\./g, ' ');
};

const stageLabels: Record<string, string> = Object.fromEntries(defaultLifecycleStages.map((s) => [s.id, s.label]));
/** A stage's label in the default model, else its id (a workspace's own stages). */
export const stageLabel = (id: string): string => stageLabels[id] ?? id;

const valueText = (field: string, value: RuleValue | undefined): string => {
  if (Array.isArray(value)) return value.map((v) => valueText(field, v)).join(', ');
  if (field === 'customer.stage' && typeof value === 'string') return stageLabel(value);
  if (field === 'customer.cluster' && typeof value === 'string') return valueClusterLabels[value as ValueCluster] ?? value;
  if (typeof value === 'string') return /^[\w.@:-]+$/.test(value) ? value : `"${value}"`;
  return JSON.stringify(value ?? null);
};

const operatorText: Record<RuleOperator, string> = {
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
  gt: '>',
  gte: '≥',
  lt: '<',
  lte: '≤',
  between: 'is between',
  is_true: 'is true',
  is_false: 'is false',
  date_before: 'is before',
  date_after: 'is after',
  within_last_days: 'is within the last',
  not_within_last_days: 'is not within the last',
  within_next_days: 'is within the next',
  includes: 'include',
  not_includes: 'do not include',
  includes_any: 'include any of',
  includes_all: 'include all of',
  is_empty: 'are empty',
  is_not_empty: 'are not empty',
};

export const describeCondition = (c: RuleCondition): string => {
  const field = fieldText(c.field);
  const op = operatorText[c.operator];
  switch (c.operator) {
    case 'exists': case 'not_exists': case 'is_true': case 'is_false': case 'is_empty': case 'is_not_empty':
      return `${field} ${op}`;
    case 'between':
      return Array.isArray(c.value) ? `${field} ${op} ${valueText(c.field, c.value[0])} and ${valueText(c.field, c.value[1])}` : `${field} ${op} ${valueText(c.field, c.value)}`;
    case 'within_last_days': case 'not_within_last_days': case 'within_next_days':
      return `${field} ${op} ${valueText(c.field, c.value)} days`;
    default:
      return `${field} ${op} ${valueText(c.field, c.value)}`;
  }
};

/** A rule in words; nested groups in parentheses, a negated group as "not (…)". */
export const describeRule = (rule: Rule): string => {
  if (rule.kind === 'condition') return describeCondition(rule);
  const parts = rule.rules.map((r) => (r.kind === 'group' && r.rules.length > 1 && !r.negate ? `(${describeRule(r)})` : describeRule(r)));
  const text = parts.length === 0 ? 'always' : parts.join(rule.combinator === 'and' ? ' and ' : ' or ');
  return rule.negate ? `not (${text})` : text;
};
