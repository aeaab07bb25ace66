import { describe, expect, it } from 'vitest';
import { describeRule } from './rule-text.js';
import type { Rule } from './rule.js';

const c = (field: string, operator: string, value?: unknown): Rule => ({ kind: 'condition', field, operator, ...(value === undefined ? {} : { value }) }) as Rule;

describe('rules in words', () => {
  it('says the issue’s example the way a marketer would', () => {
    expect(describeRule({ kind: 'group', combinator: 'and', rules: [c('customer.stage', 'eq', 'retain_develop'), c('customer.traits.ltv', 'gt', 500)] })).toBe('stage is Retain & develop and ltv > 500');
  });

  it('names fields by what they are', () => {
    expect(describeRule(c('customer.cluster', 'in', ['star', 'question_mark']))).toBe('value cluster is one of Star, Question mark');
    expect(describeRule(c('event.properties.total', 'gte', 80))).toBe('event total ≥ 80');
    expect(describeRule(c('trigger.properties.title', 'contains', 'CRM basics'))).toBe('trigger title contains "CRM basics"');
    expect(describeRule(c('customer.tags', 'includes', 'vip'))).toBe('tags include vip');
    expect(describeRule(c('customer.consent.email', 'is_true'))).toBe('consent to email is true');
    expect(describeRule(c('customer.stage', 'neq', 'my_own_stage'))).toBe('stage is not my_own_stage');
  });

  it('phrases value-less, range and day operators', () => {
    expect(describeRule(c('customer.traits.email', 'exists'))).toBe('email is set');
    expect(describeRule(c('customer.traits.ltv', 'between', [100, 500]))).toBe('ltv is between 100 and 500');
    expect(describeRule(c('customer.traits.last_order_at', 'within_last_days', 30))).toBe('last_order_at is within the last 30 days');
    expect(describeRule(c('customer.tags', 'is_empty'))).toBe('tags are empty');
  });

  it('brackets nested groups and says negation', () => {
    const rule: Rule = {
      kind: 'group',
      combinator: 'or',
      rules: [c('customer.cluster', 'eq', 'star'), { kind: 'group', combinator: 'and', rules: [c('customer.traits.ltv', 'gt', 500), c('customer.tags', 'includes', 'vip')] }],
    };
    expect(describeRule(rule)).toBe('value cluster is Star or (ltv > 500 and tags include vip)');
    expect(describeRule({ ...rule, negate: true } as Rule)).toBe('not (value cluster is Star or (ltv > 500 and tags include vip))');
    expect(describeRule({ kind: 'group', combinator: 'and', rules: [] })).toBe('always');
  });
});
