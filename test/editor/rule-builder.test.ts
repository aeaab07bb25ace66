import { describe, expect, it } from 'vitest';
import { checkedRuleSchema, ruleOperators, type Rule } from '../../workflows/index.js';
import {
  addRuleAt, asRootGroup, countConditions, describeCondition, formatList, formatScalar, joinField, newCondition, newGroup, operatorsFor,
  parseList, parseScalar, removeRuleAt, ruleAt, setOperator, setSource, splitField, updateRuleAt, valueForOperator, valueKind,
} from '../../editor/src/graph/rule-builder.js';

describe('fields', () => {
  it('splits a path into a source and a name and back', () => {
    for (const field of ['customer.traits.plan', 'customer.traits.address.city', 'event.properties.total', 'trigger.properties.sku', 'customer.stage', 'customer.cluster', 'customer.tags', 'event.name']) {
      expect(joinField(splitField(field))).toBe(field);
    }
    expect(splitField('customer.traits.plan')).toEqual({ source: 'customer.traits', name: 'plan' });
    expect(splitField('event.name')).toEqual({ source: 'other', name: 'event.name' });
  });

  it('offers operators by source', () => {
    expect(operatorsFor('customer.stage')).toContain('in');
    expect(operatorsFor('customer.stage')).not.toContain('gt');
    expect(operatorsFor('customer.tags')).toEqual(['includes', 'not_includes', 'includes_any', 'includes_all', 'is_empty', 'is_not_empty']);
    expect(operatorsFor('customer.traits')).toHaveLength(ruleOperators.length);
  });
});

describe('values per operator', () => {
  it('knows the input each operator needs', () => {
    expect(valueKind('exists')).toBe('none');
    expect(valueKind('in')).toBe('list');
    expect(valueKind('includes_any')).toBe('list');
    expect(valueKind('between')).toBe('range');
    expect(valueKind('gt')).toBe('number');
    expect(valueKind('within_last_days')).toBe('days');
    expect(valueKind('date_before')).toBe('date');
    expect(valueKind('contains')).toBe('text');
    expect(valueKind('eq')).toBe('scalar');
  });

  it('gives every operator a value the rule schema accepts', () => {
    for (const operator of ruleOperators) {
      const condition = setOperator({ kind: 'condition', field: 'customer.traits.x', operator: 'eq', value: 'a' }, operator);
      const parsed = checkedRuleSchema.safeParse(condition);
      // date operators need a date: the empty string is the builder's "not yet typed" and is refused only by date parsing later
      expect(parsed.success, `${operator}: ${JSON.stringify(condition)}`).toBe(true);
    }
  });

  it('keeps what was typed when switching operators', () => {
    expect(valueForOperator('in', 'gold')).toEqual(['gold']);
    expect(valueForOperator('eq', ['gold', 'silver'])).toBe('gold');
    expect(valueForOperator('gt', '500')).toBe(500);
    expect(valueForOperator('between', 5)).toEqual([5, 5]);
    expect(valueForOperator('exists', 'x')).toBeUndefined();
    expect(setOperator({ kind: 'condition', field: 'f', operator: 'eq', value: 1 }, 'exists')).toEqual({ kind: 'condition', field: 'f', operator: 'exists' });
  });

  it('parses typed scalars and lists (quotes force text)', () => {
    expect(parseScalar('42')).toBe(42);
    expect(parseScalar('-3.5')).toBe(-3.5);
    expect(parseScalar('true')).toBe(true);
    expect(parseScalar('"42"')).toBe('42');
    expect(parseScalar('gold')).toBe('gold');
    expect(formatScalar('42')).toBe('"42"');
    expect(formatScalar(42)).toBe('42');
    expect(parseList('a, 2, "3",, b')).toEqual(['a', 2, '3', 'b']);
    expect(formatList(['a', 2, '3'])).toBe('a, 2, "3"');
    for (const text of ['gold', '42', '"42"', 'true']) expect(formatScalar(parseScalar(text))).toBe(text);
  });
});

describe('the rule tree', () => {
  const rule: Rule = {
    kind: 'group', combinator: 'and', rules: [
      { kind: 'condition', field: 'customer.stage', operator: 'eq', value: 'retain_develop' },
      { kind: 'group', combinator: 'or', rules: [{ kind: 'condition', field: 'customer.traits.ltv', operator: 'gt', value: 500 }] },
    ],
  };

  it('reads, updates, adds and removes by index path, sharing untouched parts', () => {
    expect(ruleAt(rule, [1, 0])).toEqual({ kind: 'condition', field: 'customer.traits.ltv', operator: 'gt', value: 500 });
    const updated = updateRuleAt(rule, [1, 0], (r) => (r.kind === 'condition' ? { ...r, value: 900 } : r));
    expect(ruleAt(updated, [1, 0])).toMatchObject({ value: 900 });
    expect(updated.kind === 'group' && rule.kind === 'group' && updated.rules[0] === rule.rules[0]).toBe(true);
    const added = addRuleAt(rule, [1], newCondition('customer.cluster'));
    expect(countConditions(added)).toBe(3);
    expect(ruleAt(added, [1, 1])).toEqual({ kind: 'condition', field: 'customer.cluster', operator: 'eq', value: '' });
    const removed = removeRuleAt(rule, [0]);
    expect(countConditions(removed)).toBe(1);
    expect(removeRuleAt(rule, [])).toBe(rule);
  });

  it('wraps a single condition into a root group', () => {
    expect(asRootGroup(undefined)).toEqual({ kind: 'group', combinator: 'and', rules: [] });
    expect(asRootGroup({ kind: 'condition', field: 'customer.tags', operator: 'is_empty' }).rules).toHaveLength(1);
    expect(newGroup('or').combinator).toBe('or');
  });

  it('changes a field source and keeps a fitting operator', () => {
    const c = setSource({ kind: 'condition', field: 'customer.traits.plan', operator: 'gt', value: 3 }, 'event.properties');
    expect(c).toEqual({ kind: 'condition', field: 'event.properties.plan', operator: 'gt', value: 3 });
    expect(setSource(c, 'customer.tags')).toEqual({ kind: 'condition', field: 'customer.tags', operator: 'includes', value: 3 });
    expect(setSource(c, 'customer.stage')).toEqual({ kind: 'condition', field: 'customer.stage', operator: 'eq', value: 3 });
  });

  it('describes conditions in words', () => {
    expect(describeCondition({ kind: 'condition', field: 'customer.traits.ltv', operator: 'between', value: [1, 5] })).toBe('customer.traits.ltv is between 1 and 5');
    expect(describeCondition({ kind: 'condition', field: 'event.at', operator: 'within_last_days', value: 7 })).toBe('event.at is within the last 7 days');
  });
});
