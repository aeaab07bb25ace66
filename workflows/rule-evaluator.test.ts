import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CustomerProfile, JsonValue } from './domain.js';
import {
  evaluateRule,
  negatedOperators,
  operatorHolds,
  resolveField,
  type EventView,
  type RuleEnv,
  type RuleScope,
} from './rule-evaluator.js';
import {
  allOf,
  condition,
  type EventHistoryCondition,
  ruleLimits,
  ruleOperators,
  ruleSchema,
  type Rule,
  type RuleCondition,
  type RuleGroup,
  type RuleOperator,
  type RuleValue,
} from './rule.js';

const DAY = 86_400_000;
const now = Date.parse('2026-03-01T12:00:00Z');
const env: RuleEnv = { now, timeZone: 'Europe/Berlin' };
const iso = (at: number): string => new Date(at).toISOString();

const customer: CustomerProfile = {
  id: 'cus_1',
  traits: {
    plan: 'Pro',
    age: 42,
    score: '17.5',
    debt: '-3.5',
    hex: '0x10',
    sci: '1e3',
    vip: true,
    newsletter: 'false',
    confirmed: 'true',
    one: '1',
    nothing: null,
    empty: '',
    noList: [],
    noObject: {},
    email: 'Ada@Example.COM',
    interests: ['shoes', 'bags', 3, true, null],
    address: { city: 'Berlin', zip: '10115' },
    signup: '2026-02-20',
    lastSeen: iso(now - 3 * DAY),
    renewal: iso(now + 5 * DAY),
    lastOrderAt: now - 10 * DAY,
    birthday: '1990-07-15',
    badDate: 'March 1',
  },
  stage: 'retain_develop',
  cluster: 'star',
  tags: ['vip', 'newsletter'],
  timezone: 'Europe/Berlin',
  consent: { email: true, sms: false },
};
const event: EventView = {
  name: 'order_completed',
  properties: { total: 99.5, currency: 'EUR', items: [{ sku: 'A-1', qty: 2 }], coupon: null },
  at: now - 1000,
};
const scope: RuleScope = { customer, event, trigger: null };

const holds = (field: string, operator: RuleOperator, value?: RuleValue): boolean =>
  evaluateRule(condition(field, operator, value), scope, env).result;

describe('resolveField', () => {
  it.each([
    ['customer.id', 'cus_1'],
    ['customer.stage', 'retain_develop'],
    ['customer.cluster', 'star'],
    ['customer.tags', ['vip', 'newsletter']],
    ['customer.tags.0', 'vip'],
    ['customer.tags.1', 'newsletter'],
    ['customer.tags.2', undefined],
    ['customer.tags.01', undefined],
    ['customer.tags.-1', undefined],
    ['customer.tags.length', undefined],
    ['customer.timezone', 'Europe/Berlin'],
    ['customer.consent.email', true],
    ['customer.consent.sms', false],
    ['customer.consent.chat', undefined],
    ['customer.traits.plan', 'Pro'],
    ['customer.traits.address.city', 'Berlin'],
    ['customer.traits.address.city.length', undefined],
    ['customer.traits.nothing', null],
    ['customer.traits.nothing.deeper', undefined],
    ['customer.traits.missing', undefined],
    ['customer.traits.missing.deeper', undefined],
    ['customer.id.length', undefined],
    ['customer.traits.toString', undefined],
    ['customer.traits.hasOwnProperty', undefined],
    ['customer.traits.__proto__', undefined],
    ['customer.traits.constructor', undefined],
    ['customer.traits.constructor.name', undefined],
    ['customer.traits.plan.constructor', undefined],
    ['customer.tags.constructor', undefined],
    ['customer.tags.map', undefined],
    ['event.name', 'order_completed'],
    ['event.at', now - 1000],
    ['event.properties.total', 99.5],
    ['event.properties.items.0.sku', 'A-1'],
    ['event.properties.coupon', null],
    ['event.properties.__proto__', undefined],
    ['trigger.name', undefined],
    ['customer', undefined],
    ['event', undefined],
    ['customers.id', undefined],
    ['journey.id', undefined],
    ['', undefined],
    ['customer.', undefined],
  ] as [string, JsonValue | undefined][])('%s → %j', (field, expected) => {
    expect(resolveField(scope, field)).toEqual(expected);
  });

  it('treats a missing event scope as missing', () => {
    expect(resolveField({ customer }, 'event.name')).toBeUndefined();
    expect(resolveField({ customer, event: null }, 'event.properties.total')).toBeUndefined();
  });

  it('returns the stored value itself, without copying', () => {
    expect(resolveField(scope, 'customer.traits.address')).toBe(customer.traits.address);
  });

  it('never calls getters and ignores inherited properties', () => {
    let called = false;
    const traits: Record<string, JsonValue> = {};
    Object.defineProperty(traits, 'secret', { enumerable: true, get: () => { called = true; return 'leak'; } });
    const inherited = Object.create({ plan: 'inherited' }) as Record<string, JsonValue>;
    expect(resolveField({ customer: { ...customer, traits } }, 'customer.traits.secret')).toBeUndefined();
    expect(called).toBe(false);
    expect(resolveField({ customer: { ...customer, traits: inherited } }, 'customer.traits.plan')).toBeUndefined();
    const bare = Object.create(null) as Record<string, JsonValue>;
    bare.plan = 'free';
    expect(resolveField({ customer: { ...customer, traits: bare } }, 'customer.traits.plan')).toBe('free');
  });
});

describe('evaluateRule: operators', () => {
  const cases: [string, RuleOperator, RuleValue | undefined, boolean][] = [
    // existence
    ['customer.traits.plan', 'exists', undefined, true],
    ['customer.traits.empty', 'exists', undefined, true],
    ['customer.traits.nothing', 'exists', undefined, false],
    ['customer.traits.missing', 'exists', undefined, false],
    ['customer.traits.plan', 'not_exists', undefined, false],
    ['customer.traits.nothing', 'not_exists', undefined, true],
    ['customer.traits.missing', 'not_exists', undefined, true],
    ['trigger.name', 'not_exists', undefined, true],
    // equality
    ['customer.traits.plan', 'eq', 'Pro', true],
    ['customer.traits.plan', 'eq', 'pro', false],
    ['customer.traits.age', 'eq', 42, true],
    ['customer.traits.age', 'eq', '42', false],
    ['customer.traits.one', 'eq', 1, false],
    ['customer.traits.vip', 'eq', true, true],
    ['customer.traits.vip', 'eq', 'true', false],
    ['customer.traits.nothing', 'eq', null, false],
    ['customer.traits.missing', 'eq', 'Pro', false],
    ['customer.tags', 'eq', 'vip', false],
    ['customer.traits.address', 'eq', 'Berlin', false],
    ['customer.traits.plan', 'neq', 'Pro', false],
    ['customer.traits.plan', 'neq', 'pro', true],
    ['customer.traits.missing', 'neq', 'Pro', true],
    ['customer.traits.nothing', 'neq', null, true],
    ['customer.traits.one', 'neq', 1, true],
    ['customer.traits.plan', 'in', ['Basic', 'Pro'], true],
    ['customer.traits.plan', 'in', ['basic', 'pro'], false],
    ['customer.traits.age', 'in', [41, 42], true],
    ['customer.traits.age', 'in', ['42'], false],
    ['customer.traits.plan', 'in', [], false],
    ['customer.traits.missing', 'in', ['Pro'], false],
    ['customer.traits.nothing', 'in', [null], false],
    ['customer.tags', 'in', ['vip'], false],
    ['customer.traits.plan', 'not_in', ['Basic', 'Pro'], false],
    ['customer.traits.plan', 'not_in', ['Basic'], true],
    ['customer.traits.missing', 'not_in', ['Pro'], true],
    ['customer.traits.plan', 'not_in', [], true],
    // strings (case-insensitive)
    ['customer.traits.email', 'contains', 'example.com', true],
    ['customer.traits.email', 'contains', 'EXAMPLE', true],
    ['customer.traits.email', 'contains', 'gmail', false],
    ['customer.traits.email', 'contains', '', true],
    ['customer.traits.age', 'contains', '4', false],
    ['customer.tags', 'contains', 'vip', false],
    ['customer.traits.missing', 'contains', 'x', false],
    ['customer.traits.email', 'not_contains', 'gmail', true],
    ['customer.traits.email', 'not_contains', 'ADA', false],
    ['customer.traits.missing', 'not_contains', 'x', true],
    ['customer.traits.age', 'not_contains', '4', true],
    ['customer.traits.email', 'starts_with', 'ada@', true],
    ['customer.traits.email', 'starts_with', 'example', false],
    ['customer.traits.missing', 'starts_with', '', false],
    ['customer.traits.email', 'ends_with', '.com', true],
    ['customer.traits.email', 'ends_with', 'example', false],
    ['customer.traits.age', 'ends_with', '2', false],
    // numbers
    ['customer.traits.age', 'gt', 41, true],
    ['customer.traits.age', 'gt', 42, false],
    ['customer.traits.age', 'gte', 42, true],
    ['customer.traits.age', 'lt', 42, false],
    ['customer.traits.age', 'lte', 42, true],
    ['customer.traits.score', 'gt', 17, true],
    ['customer.traits.score', 'lt', 18, true],
    ['customer.traits.debt', 'lt', 0, true],
    ['customer.traits.hex', 'gt', 0, false],
    ['customer.traits.sci', 'gt', 0, false],
    ['customer.traits.plan', 'gt', 0, false],
    ['customer.traits.empty', 'gte', 0, false],
    ['customer.traits.vip', 'gte', 0, false],
    ['customer.traits.nothing', 'lt', 1, false],
    ['customer.traits.missing', 'lte', 1, false],
    ['customer.traits.age', 'gt', '41', false],
    ['customer.traits.age', 'between', [42, 50], true],
    ['customer.traits.age', 'between', [30, 42], true],
    ['customer.traits.age', 'between', [43, 50], false],
    ['customer.traits.age', 'between', [50, 30], false],
    ['customer.traits.score', 'between', [17, 18], true],
    ['customer.traits.missing', 'between', [0, 100], false],
    ['customer.traits.signup', 'between', ['2026-02-01', '2026-02-28'], true],
    ['customer.traits.signup', 'between', ['2026-02-20', '2026-02-20'], true],
    ['customer.traits.signup', 'between', ['2026-02-21', '2026-02-28'], false],
    ['customer.traits.lastOrderAt', 'between', ['2026-02-01', '2026-02-28'], true],
    ['customer.traits.badDate', 'between', ['2026-02-01', '2026-02-28'], false],
    ['customer.traits.signup', 'between', ['2026-02-01', 'soon'], false],
    // booleans
    ['customer.traits.vip', 'is_true', undefined, true],
    ['customer.traits.vip', 'is_false', undefined, false],
    ['customer.traits.confirmed', 'is_true', undefined, true],
    ['customer.traits.newsletter', 'is_false', undefined, true],
    ['customer.traits.newsletter', 'is_true', undefined, false],
    ['customer.consent.sms', 'is_false', undefined, true],
    ['customer.traits.one', 'is_true', undefined, false],
    ['customer.traits.age', 'is_true', undefined, false],
    ['customer.traits.missing', 'is_true', undefined, false],
    ['customer.traits.missing', 'is_false', undefined, false],
    ['customer.traits.nothing', 'is_false', undefined, false],
    // dates
    ['customer.traits.signup', 'date_before', '2026-02-21', true],
    ['customer.traits.signup', 'date_before', '2026-02-20', false],
    ['customer.traits.signup', 'date_after', '2026-02-19T23:00:00Z', false],
    ['customer.traits.signup', 'date_after', '2026-02-19T22:59:59Z', true],
    ['customer.traits.signup', 'date_before', now, true],
    ['event.at', 'date_before', now, true],
    ['event.at', 'date_after', '2026-03-01', true],
    ['customer.traits.badDate', 'date_before', '2030-01-01', false],
    ['customer.traits.signup', 'date_before', 'next week', false],
    ['customer.traits.missing', 'date_after', '2000-01-01', false],
    ['customer.traits.lastSeen', 'within_last_days', 3, true],
    ['customer.traits.lastSeen', 'within_last_days', 2, false],
    ['customer.traits.lastOrderAt', 'within_last_days', 30, true],
    ['customer.traits.renewal', 'within_last_days', 30, false],
    ['customer.traits.missing', 'within_last_days', 30, false],
    ['customer.traits.badDate', 'within_last_days', 30, false],
    ['customer.traits.lastSeen', 'not_within_last_days', 2, true],
    ['customer.traits.lastSeen', 'not_within_last_days', 3, false],
    ['customer.traits.missing', 'not_within_last_days', 30, true],
    ['customer.traits.badDate', 'not_within_last_days', 30, true],
    ['customer.traits.renewal', 'within_next_days', 5, true],
    ['customer.traits.renewal', 'within_next_days', 4, false],
    ['customer.traits.lastSeen', 'within_next_days', 30, false],
    ['event.at', 'within_last_days', 0, false],
    ['event.at', 'within_last_days', 1, true],
    ['customer.traits.lastSeen', 'within_last_days', -1, false],
    // lists
    ['customer.tags', 'includes', 'vip', true],
    ['customer.tags', 'includes', 'VIP', false],
    ['customer.tags', 'includes', 'vi', false],
    ['customer.traits.email', 'includes', 'Ada', false],
    ['customer.traits.interests', 'includes', 3, true],
    ['customer.traits.interests', 'includes', '3', false],
    ['customer.traits.interests', 'includes', null, true],
    ['customer.traits.missing', 'includes', 'vip', false],
    ['customer.tags', 'not_includes', 'vip', false],
    ['customer.tags', 'not_includes', 'gold', true],
    ['customer.traits.missing', 'not_includes', 'vip', true],
    ['customer.traits.email', 'not_includes', 'Ada', true],
    ['customer.tags', 'includes_any', ['gold', 'vip'], true],
    ['customer.tags', 'includes_any', ['gold'], false],
    ['customer.tags', 'includes_any', [], false],
    ['customer.traits.plan', 'includes_any', ['Pro'], false],
    ['customer.tags', 'includes_all', ['vip', 'newsletter'], true],
    ['customer.tags', 'includes_all', ['vip', 'gold'], false],
    ['customer.tags', 'includes_all', [], true],
    ['customer.traits.missing', 'includes_all', [], false],
    ['customer.traits.missing', 'is_empty', undefined, true],
    ['customer.traits.nothing', 'is_empty', undefined, true],
    ['customer.traits.empty', 'is_empty', undefined, true],
    ['customer.traits.noList', 'is_empty', undefined, true],
    ['customer.traits.noObject', 'is_empty', undefined, true],
    ['customer.tags', 'is_empty', undefined, false],
    ['customer.traits.plan', 'is_empty', undefined, false],
    ['customer.traits.age', 'is_empty', undefined, false],
    ['customer.consent.sms', 'is_empty', undefined, false],
    ['customer.tags', 'is_not_empty', undefined, true],
    ['customer.traits.address', 'is_not_empty', undefined, true],
    ['customer.traits.empty', 'is_not_empty', undefined, false],
    ['customer.traits.missing', 'is_not_empty', undefined, false],
    // wrong value shapes (rejected by checkedRuleSchema, still safe here)
    ['customer.traits.plan', 'eq', ['Pro'], false],
    ['customer.traits.plan', 'neq', ['Pro'], true],
    ['customer.traits.plan', 'in', 'Pro', false],
    ['customer.traits.plan', 'contains', undefined, false],
    ['customer.traits.age', 'between', [42], false],
    ['customer.traits.age', 'between', [true, 50], false],
    ['customer.tags', 'includes', ['vip'], false],
    ['customer.tags', 'includes_any', 'vip', false],
    ['customer.traits.lastSeen', 'within_last_days', '3', false],
  ];
  it.each(cases)('%s %s %j → %s', (field, operator, value, expected) => {
    expect(holds(field, operator, value)).toBe(expected);
  });

  it('covers every operator in the table', () => {
    const covered = new Set(cases.map(([, operator]) => operator));
    expect(ruleOperators.filter((operator) => !covered.has(operator))).toEqual([]);
  });

  it('reads strings without an offset, and date-only strings, in env.timeZone', () => {
    const local = condition('customer.traits.signup', 'date_after', '2026-02-19T23:30:00Z');
    // 2026-02-20 is local midnight: 23:00Z in Berlin, 05:00Z in New York, 18:30Z (19 Feb) in Kolkata.
    expect(evaluateRule(local, scope, env).result).toBe(false);
    expect(evaluateRule(local, scope, { now, timeZone: 'America/New_York' }).result).toBe(true);
    expect(evaluateRule(local, scope, { now, timeZone: 'Asia/Kolkata' }).result).toBe(false);
  });

  it('falls back to UTC for an unknown env.timeZone instead of throwing', () => {
    const rule = condition('customer.traits.signup', 'date_after', '2026-02-19T23:30:00Z');
    expect(evaluateRule(rule, scope, { now, timeZone: 'Not/AZone' }).result).toBe(true);
  });
});

describe('evaluateRule: groups and `seen`', () => {
  const yes = condition('customer.traits.plan', 'eq', 'Pro');
  const no = condition('customer.traits.age', 'lt', 18);
  const group = (combinator: 'and' | 'or', rules: Rule[], negate?: boolean): RuleGroup =>
    negate === undefined ? { kind: 'group', combinator, rules } : { kind: 'group', combinator, negate, rules };

  it.each([
    ['empty and', group('and', []), true],
    ['empty or', group('or', []), false],
    ['and, all true', group('and', [yes, yes]), true],
    ['and, one false', group('and', [yes, no]), false],
    ['or, one true', group('or', [no, yes]), true],
    ['or, none true', group('or', [no, no]), false],
    ['negated empty and', group('and', [], true), false],
    ['negated empty or', group('or', [], true), true],
    ['negated and', group('and', [yes, no], true), true],
    ['negated or', group('or', [no, yes], true), false],
    ['negate: false', group('and', [yes], false), true],
    ['nested', group('and', [yes, group('or', [no, group('and', [yes], true), yes])]), true],
  ] as [string, Rule, boolean][])('%s → %s', (_label, rule, expected) => {
    expect(evaluateRule(rule, scope, env).result).toBe(expected);
  });

  it('lists every field read once, in first-read order, with the value it saw', () => {
    const rule = allOf(
      condition('customer.traits.plan', 'exists'),
      condition('customer.traits.missing', 'not_exists'),
      condition('customer.traits.plan', 'eq', 'Pro'),
      condition('event.properties.total', 'gt', 50),
      condition('customer.tags', 'includes', 'vip'),
    );
    expect(evaluateRule(rule, scope, env)).toEqual({
      result: true,
      seen: [
        { field: 'customer.traits.plan', value: 'Pro' },
        { field: 'customer.traits.missing', value: undefined },
        { field: 'event.properties.total', value: 99.5 },
        { field: 'customer.tags', value: ['vip', 'newsletter'] },
      ],
    });
  });

  it('short-circuits: fields after the deciding condition are not read', () => {
    const orRule = group('or', [yes, condition('customer.traits.age', 'gt', 1)]);
    expect(evaluateRule(orRule, scope, env).seen.map((r) => r.field)).toEqual(['customer.traits.plan']);
    const andRule = group('and', [no, condition('customer.traits.plan', 'exists')]);
    expect(evaluateRule(andRule, scope, env).seen.map((r) => r.field)).toEqual(['customer.traits.age']);
  });
});

describe('evaluateRule: limits', () => {
  const truthy = condition('customer.traits.plan', 'eq', 'Pro');
  const nest = (levels: number, inner: Rule): Rule => {
    let rule = inner;
    for (let i = 0; i < levels; i += 1) rule = allOf(rule);
    return rule;
  };

  it(`accepts ${ruleLimits.maxDepth} levels and refuses deeper rules as false`, () => {
    expect(evaluateRule(nest(ruleLimits.maxDepth - 1, truthy), scope, env).result).toBe(true);
    expect(evaluateRule(nest(ruleLimits.maxDepth, truthy), scope, env)).toEqual({ result: false, seen: [] });
    expect(evaluateRule(nest(10_000, truthy), scope, env)).toEqual({ result: false, seen: [] });
  });

  it(`accepts ${ruleLimits.maxConditions} conditions and refuses more as false`, () => {
    const many = (count: number): Rule => ({ kind: 'group', combinator: 'and', rules: Array.from({ length: count }, () => truthy) });
    expect(evaluateRule(many(ruleLimits.maxConditions), scope, env).result).toBe(true);
    const split: Rule = allOf(many(ruleLimits.maxConditions), many(1));
    expect(evaluateRule(split, scope, env)).toEqual({ result: false, seen: [] });
  });

  it('survives cyclic and exponentially shared rule objects built in code', () => {
    const cyclic: RuleGroup = { kind: 'group', combinator: 'or', rules: [] };
    cyclic.rules.push(cyclic);
    expect(evaluateRule(cyclic, scope, env).result).toBe(false);
    let shared: RuleGroup = { kind: 'group', combinator: 'and', rules: [] };
    for (let level = 0; level < 4; level += 1) {
      shared = { kind: 'group', combinator: 'and', rules: Array.from({ length: ruleLimits.maxConditions }, () => shared) };
    }
    expect(evaluateRule(shared, scope, env).result).toBe(false);
  });

  it('treats malformed nodes as false instead of throwing', () => {
    const malformed = [
      { kind: 'group', combinator: 'and', rules: 'nope' },
      { kind: 'group', combinator: 'xor', rules: [] },
      { kind: 'condition', field: 42, operator: 'eq', value: 1 },
      { kind: 'condition', field: 'customer.id', operator: 'matches_regex', value: '.*' },
      { kind: 'lambda' },
      null,
    ] as unknown as Rule[];
    for (const rule of malformed) expect(evaluateRule(rule, scope, env).result).toBe(false);
  });
});

describe('evaluateRule: event history (segment rules)', () => {
  const views: EventView[] = [
    { name: 'Page Viewed', properties: { path: '/pricing' }, at: now - 1000 },
    { name: 'Page Viewed', properties: { path: '/blog' }, at: now - 2 * DAY },
    { name: 'Page Viewed', properties: { path: '/pricing' }, at: now - 7 * DAY },
    { name: 'Order Completed', properties: {}, at: now - 1000 },
  ];
  const withHistory: RuleScope = { ...scope, history: views };
  const leaf = (extra: Partial<EventHistoryCondition>): EventHistoryCondition => ({ kind: 'event_history', event: 'Page Viewed', withinDays: 7, ...extra });

  it('counts named events in the window against atLeast and atMost', () => {
    expect(evaluateRule(leaf({ atLeast: 2 }), withHistory, env)).toEqual({ result: true, seen: [{ field: 'count(Page Viewed, 7d)', value: 2 }] });
    expect(evaluateRule(leaf({ atLeast: 3 }), withHistory, env).result).toBe(false);
    expect(evaluateRule(leaf({ atLeast: 3, withinDays: 8 }), withHistory, env).result).toBe(true);
    expect(evaluateRule(leaf({ atMost: 1 }), withHistory, env).result).toBe(false);
    expect(evaluateRule(leaf({ atLeast: 1, atMost: 2 }), withHistory, env).result).toBe(true);
    expect(evaluateRule(leaf({ atMost: 0 }), scope, env)).toEqual({ result: true, seen: [{ field: 'count(Page Viewed, 7d)', value: 0 }] });
    // Without bounds (refused by the schema) it does not hold.
    expect(evaluateRule(leaf({}), withHistory, env).result).toBe(false);
  });

  it('filters with the leaf rule, which sees each event as `event` and the customer', () => {
    const pricing = leaf({ atLeast: 1, rule: condition('event.properties.path', 'eq', '/pricing') });
    expect(evaluateRule(pricing, withHistory, env)).toEqual({ result: true, seen: [{ field: 'count(Page Viewed, 7d, filtered)', value: 1 }] });
    const forPro = leaf({ atLeast: 2, rule: allOf(condition('customer.traits.plan', 'eq', 'Pro'), condition('event.properties.path', 'starts_with', '/')) });
    expect(evaluateRule(forPro, withHistory, env).result).toBe(true);
    // The scope's own event is not what the leaf rule sees.
    expect(evaluateRule(leaf({ atLeast: 1, rule: condition('event.name', 'eq', 'order_completed') }), withHistory, env).result).toBe(false);
  });

  it('counts toward the limits, nested rules included', () => {
    let deep: Rule = condition('event.properties.path', 'exists');
    for (let i = 0; i < ruleLimits.maxDepth - 1; i += 1) deep = allOf(deep);
    expect(evaluateRule(leaf({ atLeast: 1, rule: deep }), withHistory, env)).toEqual({ result: false, seen: [] });
    expect(evaluateRule({ kind: 'event_history', event: 42 } as unknown as Rule, withHistory, env).result).toBe(false);
  });
});

// ---------------------------------------------------------------------------------------------
// Properties

const segmentArb = fc.oneof(
  fc.constantFrom('traits', 'plan', 'tags', 'properties', 'total', 'items', 'at', 'name', 'id', '0', '1', 'x', 'consent', 'email'),
  fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'valueOf', 'hasOwnProperty', 'length', 'polluted'),
  fc.string({ minLength: 1, maxLength: 6 }).filter((s) => /^[^.\s]+$/.test(s)),
);
const fieldArb = fc
  .tuple(fc.constantFrom('customer', 'event', 'trigger'), fc.array(segmentArb, { minLength: 1, maxLength: 4 }))
  .map(([head, path]) => [head, ...path].join('.'));
const scalarArb = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.constantFrom('2026-03-01', '2026-02-20T10:00:00Z', '2026-03-01T10:00', '42', '-3.5', 'true', 'false', ''),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.integer({ min: -1000, max: 1000 }),
  fc.boolean(),
  fc.constant(null),
);
const valueArb: fc.Arbitrary<RuleValue> = fc.oneof(scalarArb, fc.array(scalarArb, { maxLength: 4 }));
const jsonArb = fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<JsonValue>;
const fieldValueArb: fc.Arbitrary<JsonValue | undefined> = fc.oneof(jsonArb, scalarArb, fc.array(scalarArb, { maxLength: 4 }), fc.constant(undefined));

const conditionArb: fc.Arbitrary<RuleCondition> = fc
  .record({ field: fieldArb, operator: fc.constantFrom(...ruleOperators), value: fc.option(valueArb, { nil: undefined }) })
  .map(({ field, operator, value }) => condition(field, operator, value));
const { rule: ruleArb } = fc.letrec<{ rule: Rule; group: RuleGroup }>((tie) => ({
  rule: fc.oneof({ maxDepth: 4, depthIdentifier: 'rule' }, conditionArb, tie('group')),
  group: fc
    .record({ combinator: fc.constantFrom('and' as const, 'or' as const), negate: fc.option(fc.boolean(), { nil: undefined }), rules: fc.array(tie('rule'), { maxLength: 4 }) })
    .map(({ combinator, negate, rules }): RuleGroup => (negate === undefined ? { kind: 'group', combinator, rules } : { kind: 'group', combinator, negate, rules })),
}));
const validRuleArb = ruleArb.filter((rule) => ruleSchema.safeParse(rule).success);

const eventArb: fc.Arbitrary<EventView | null | undefined> = fc.oneof(
  fc.constant(null),
  fc.constant(undefined),
  fc.record({
    name: fc.string({ maxLength: 8 }),
    properties: fc.dictionary(fc.oneof(fc.string({ maxLength: 6 }), fc.constantFrom('__proto__', 'constructor', 'total')), jsonArb, { maxKeys: 5 }),
    at: fc.integer({ min: now - 400 * DAY, max: now + 400 * DAY }),
  }),
);
const scopeArb: fc.Arbitrary<RuleScope> = fc.record({
  customer: fc.record({
    id: fc.string({ minLength: 1, maxLength: 8 }),
    traits: fc.dictionary(fc.oneof(fc.string({ maxLength: 6 }), fc.constantFrom('plan', '__proto__', 'constructor', 'prototype')), fieldValueArb.map((v) => v ?? null), { maxKeys: 6 }),
    stage: fc.constantFrom(null, 'retain_develop'),
    cluster: fc.constantFrom(null, 'star' as const, 'dog' as const),
    tags: fc.array(fc.string({ maxLength: 6 }), { maxLength: 4 }),
    timezone: fc.constantFrom(null, 'Europe/Berlin', 'Not/AZone'),
    consent: fc.dictionary(fc.string({ maxLength: 5 }), fc.boolean(), { maxKeys: 3 }),
  }),
  event: eventArb,
  trigger: eventArb,
});
const envArb: fc.Arbitrary<RuleEnv> = fc.record({
  now: fc.integer({ min: now - 400 * DAY, max: now + 400 * DAY }),
  timeZone: fc.constantFrom('UTC', 'Europe/Berlin', 'Asia/Kolkata', 'America/New_York', 'Not/AZone'),
});

describe('evaluateRule: properties', () => {
  it('every negative operator is exactly the negation of its positive counterpart', () => {
    const pairs = Object.entries(negatedOperators) as [keyof typeof negatedOperators, RuleOperator][];
    fc.assert(
      fc.property(fieldValueArb, fc.option(valueArb, { nil: undefined }), envArb, (fieldValue, value, ruleEnv) => {
        const traits: Record<string, JsonValue> = fieldValue === undefined ? {} : { subject: fieldValue };
        const subject: RuleScope = { customer: { ...customer, traits } };
        for (const [negative, positive] of pairs) {
          const positiveResult = evaluateRule(condition('customer.traits.subject', positive, value), subject, ruleEnv).result;
          const negativeResult = evaluateRule(condition('customer.traits.subject', negative, value), subject, ruleEnv).result;
          expect(negativeResult).toBe(!positiveResult);
          expect(operatorHolds(negative, fieldValue, value, ruleEnv)).toBe(!operatorHolds(positive, fieldValue, value, ruleEnv));
        }
      }),
      { numRuns: 500 },
    );
  });

  it('negate: true inverts a group', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('and' as const, 'or' as const),
        fc.array(validRuleArb, { maxLength: 4 }),
        scopeArb,
        envArb,
        (combinator, rules, ruleScope, ruleEnv) => {
          const plain = evaluateRule({ kind: 'group', combinator, rules }, ruleScope, ruleEnv);
          const negated = evaluateRule({ kind: 'group', combinator, negate: true, rules }, ruleScope, ruleEnv);
          expect(negated.result).toBe(!plain.result);
          expect(negated.seen).toEqual(plain.seen);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('is deterministic, never throws, and reports what it read', () => {
    fc.assert(
      fc.property(validRuleArb, scopeArb, envArb, (rule, ruleScope, ruleEnv) => {
        const first = evaluateRule(rule, ruleScope, ruleEnv);
        const second = evaluateRule(rule, ruleScope, ruleEnv);
        expect(second).toEqual(first);
        const fields = first.seen.map((reading) => reading.field);
        expect(new Set(fields).size).toBe(fields.length);
        for (const reading of first.seen) expect(reading.value).toBe(resolveField(ruleScope, reading.field));
      }),
      { numRuns: 500 },
    );
  });

  it('never mutates the scope', () => {
    const deepFreeze = <T>(value: T): T => {
      if (typeof value === 'object' && value !== null) {
        for (const key of Reflect.ownKeys(value)) deepFreeze((value as Record<PropertyKey, unknown>)[key]);
        Object.freeze(value);
      }
      return value;
    };
    fc.assert(
      fc.property(validRuleArb, scopeArb, envArb, (rule, ruleScope, ruleEnv) => {
        const before = structuredClone(ruleScope);
        evaluateRule(rule, deepFreeze(ruleScope), ruleEnv);
        expect(ruleScope).toEqual(before);
      }),
      { numRuns: 200 },
    );
  });
});

describe('evaluateRule: prototype pollution', () => {
  const hostile = JSON.parse(
    '{"__proto__": {"polluted": "yes", "plan": "inherited"}, "constructor": {"name": "evil", "prototype": {"polluted": "yes"}}, "prototype": {"x": 1}, "nested": {"__proto__": {"polluted": "yes"}}}',
  ) as Record<string, JsonValue>;
  const hostileScope: RuleScope = {
    customer: { ...customer, traits: hostile },
    event: { name: 'x', properties: JSON.parse('{"__proto__": {"polluted": "yes"}, "ok": 1}') as Record<string, JsonValue>, at: now },
  };
  const attacks = [
    'customer.traits.__proto__',
    'customer.traits.__proto__.polluted',
    'customer.traits.polluted',
    'customer.traits.plan',
    'customer.traits.constructor',
    'customer.traits.constructor.name',
    'customer.traits.constructor.prototype',
    'customer.traits.constructor.prototype.polluted',
    'customer.traits.prototype.x',
    'customer.traits.nested.__proto__.polluted',
    'customer.traits.nested.polluted',
    'customer.traits.toString',
    'customer.traits.__defineGetter__',
    'customer.__proto__',
    'customer.constructor.name',
    'customer.tags.constructor',
    'customer.tags.__proto__',
    'event.properties.__proto__',
    'event.properties.__proto__.polluted',
    'event.properties.polluted',
    'event.__proto__.polluted',
    'trigger.__proto__',
  ];

  it.each(attacks)('%s never resolves', (field) => {
    expect(resolveField(hostileScope, field)).toBeUndefined();
    expect(evaluateRule(condition(field, 'exists'), hostileScope, env).result).toBe(false);
    expect(evaluateRule(condition(field, 'is_not_empty'), hostileScope, env).result).toBe(false);
  });

  it('still reads the genuine keys next to hostile ones', () => {
    expect(resolveField(hostileScope, 'event.properties.ok')).toBe(1);
  });

  it('no rule over any scope can read inherited values or pollute Object.prototype', () => {
    const prototypeKeys = Reflect.ownKeys(Object.prototype);
    fc.assert(
      fc.property(
        fc.array(fieldArb, { minLength: 1, maxLength: 8 }),
        fc.constantFrom(...ruleOperators),
        valueArb,
        scopeArb,
        (fields, operator, value, randomScope) => {
          const scopes = [randomScope, hostileScope];
          for (const target of scopes) {
            for (const field of fields) {
              const resolved = resolveField(target, field);
              expect(typeof resolved === 'function').toBe(false);
              expect(resolved === Object.prototype || resolved === Array.prototype).toBe(false);
              if (field.split('.').some((segment) => ['__proto__', 'constructor', 'prototype'].includes(segment))) {
                expect(resolved).toBeUndefined();
              }
              evaluateRule(condition(field, operator, value), target, env);
            }
          }
        },
      ),
      { numRuns: 300 },
    );
    expect(Reflect.ownKeys(Object.prototype)).toEqual(prototypeKeys);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });
});
