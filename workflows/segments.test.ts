import { describe, expect, it } from 'vitest';
import { customerProfileSchema, type CustomerProfile } from './domain.js';
import type { EventView } from './events.js';
import { evaluateRule } from './rule-evaluator.js';
import type { SegmentRule } from './rule.js';
import {
  isMember,
  maxChangeScan,
  nextMembershipChange,
  segmentDefinitionSchema,
  segmentEventNames,
  segmentIsTimeDependent,
  segmentStageProblems,
  segmentWindowDays,
  type SegmentDefinition,
} from './segments.js';

const DAY = 86_400_000;
const HOUR = 3_600_000;
const now = Date.UTC(2026, 2, 10, 12);

const customer = (overrides: Partial<CustomerProfile> = {}): CustomerProfile => customerProfileSchema.parse({ id: 'ada', ...overrides });
const event = (name: string, at: number, properties: EventView['properties'] = {}): EventView => ({ name, properties, at });
const threeInAWeek: SegmentDefinition = { rule: { kind: 'event_history', event: 'Page Viewed', atLeast: 3, withinDays: 7 } };
const def = (rule: SegmentRule): SegmentDefinition => ({ rule });

describe('segment definitions: validation with the field path', () => {
  const problems = (input: unknown) => {
    const parsed = segmentDefinitionSchema.safeParse(input);
    return parsed.success ? [] : parsed.error.issues.map((i) => ({ path: i.path, message: i.message }));
  };

  it('accepts rules over traits, stage, cluster, tags, consent and event history', () => {
    const rule = {
      kind: 'group',
      combinator: 'and',
      rules: [
        { kind: 'condition', field: 'customer.traits.plan', operator: 'eq', value: 'pro' },
        { kind: 'condition', field: 'customer.stage', operator: 'in', value: ['retain_develop', 'expand'] },
        { kind: 'condition', field: 'customer.cluster', operator: 'neq', value: 'dog' },
        { kind: 'condition', field: 'customer.tags', operator: 'includes', value: 'newsletter' },
        { kind: 'condition', field: 'customer.consent.email', operator: 'is_true' },
        { kind: 'event_history', event: 'Order Completed', atLeast: 2, withinDays: 90, rule: { kind: 'condition', field: 'event.properties.revenue', operator: 'gte', value: 50 } },
        { kind: 'event_history', event: 'Complaint', atMost: 0, withinDays: 30 },
      ],
    };
    expect(problems({ rule })).toEqual([]);
  });

  it.each<[string, unknown, (string | number)[], RegExp]>([
    ['an event field outside event history', { kind: 'condition', field: 'event.properties.total', operator: 'gt', value: 1 }, ['rule', 'field'], /event_history/],
    ['the trigger scope', { kind: 'condition', field: 'trigger.name', operator: 'eq', value: 'x' }, ['rule', 'field'], /not a customer field/],
    ['an unknown customer field', { kind: 'group', combinator: 'and', rules: [{ kind: 'condition', field: 'customer.trait.plan', operator: 'eq', value: 'pro' }] }, ['rule', 'rules', 0, 'field'], /customer\.traits\.<path>/],
    ['a cluster that does not exist', { kind: 'condition', field: 'customer.cluster', operator: 'in', value: ['star', 'stars'] }, ['rule', 'value'], /"stars" is not a value cluster/],
    ['event history without bounds', { kind: 'event_history', event: 'X', withinDays: 7 }, ['rule', 'atLeast'], /atLeast, atMost or both/],
    ['atMost below atLeast', { kind: 'event_history', event: 'X', atLeast: 3, atMost: 1, withinDays: 7 }, ['rule', 'atMost'], /below atLeast/],
    ['atLeast 0 alone', { kind: 'event_history', event: 'X', atLeast: 0, withinDays: 7 }, ['rule', 'atLeast'], /always holds/],
    ['a window of 0 days', { kind: 'event_history', event: 'X', atLeast: 1, withinDays: 0 }, ['rule', 'withinDays'], /.+/],
    ['an unknown key', { kind: 'event_history', event: 'X', atleast: 1, withinDays: 7 }, ['rule'], /atleast/],
    ['a bad field inside the event rule', { kind: 'event_history', event: 'X', atLeast: 1, withinDays: 7, rule: { kind: 'condition', field: 'event.props.x', operator: 'exists' } }, ['rule', 'rule', 'field'], /event\.properties\.<path>/],
    ['a value of the wrong shape', { kind: 'condition', field: 'customer.traits.age', operator: 'gt', value: 'old' }, ['rule', 'value'], /number value/],
  ])('refuses %s', (_, rule, path, message) => {
    const found = problems({ rule });
    expect(found.length).toBeGreaterThan(0);
    expect(found[0]?.path).toEqual(path);
    expect(found[0]?.message).toMatch(message);
  });

  it('checks stage values against the workspace model', () => {
    const rule: SegmentRule = { kind: 'group', combinator: 'or', rules: [{ kind: 'condition', field: 'customer.stage', operator: 'eq', value: 'vip' }, { kind: 'condition', field: 'customer.stage', operator: 'in', value: ['prospect', 'gold'] }] };
    expect(segmentStageProblems(rule, ['prospect', 'vip'], ['definition', 'rule'])).toEqual([
      { path: ['definition', 'rule', 'rules', 1, 'value'], message: '"gold" is not a stage of this workspace; use prospect, vip' },
    ]);
  });

  it('knows what a definition reads', () => {
    const rule: SegmentRule = {
      kind: 'group',
      combinator: 'or',
      rules: [threeInAWeek.rule, { kind: 'event_history', event: 'Order Completed', atLeast: 1, withinDays: 365 }, { kind: 'condition', field: 'customer.traits.plan', operator: 'eq', value: 'pro' }],
    };
    expect(segmentEventNames(def(rule))).toEqual(['Page Viewed', 'Order Completed']);
    expect(segmentWindowDays(def(rule))).toBe(365);
    expect(segmentIsTimeDependent(def(rule))).toBe(true);
    const traitsOnly = def({ kind: 'condition', field: 'customer.traits.plan', operator: 'eq', value: 'pro' });
    expect(segmentWindowDays(traitsOnly)).toBe(0);
    expect(segmentIsTimeDependent(traitsOnly)).toBe(false);
    expect(segmentIsTimeDependent(def({ kind: 'condition', field: 'customer.traits.last_login', operator: 'within_last_days', value: 30 }))).toBe(true);
  });
});

describe('isMember', () => {
  it('reads the profile', () => {
    const vip = def({ kind: 'group', combinator: 'and', rules: [
      { kind: 'condition', field: 'customer.cluster', operator: 'eq', value: 'star' },
      { kind: 'condition', field: 'customer.tags', operator: 'includes', value: 'vip' },
      { kind: 'condition', field: 'customer.stage', operator: 'neq', value: 'phased_out' },
    ] });
    expect(isMember(vip, { customer: customer({ cluster: 'star', tags: ['vip'] }), history: [] }, now)).toBe(true);
    expect(isMember(vip, { customer: customer({ cluster: 'star', tags: ['vip'], stage: 'phased_out' }), history: [] }, now)).toBe(false);
    expect(isMember(vip, { customer: customer({ cluster: 'dog', tags: ['vip'] }), history: [] }, now)).toBe(false);
  });

  it('counts events in (now − D days, now]: an event exactly D days old is out, a future one is not in yet', () => {
    const subject = (ats: number[]) => ({ customer: customer(), history: ats.map((at) => event('Page Viewed', at)) });
    expect(isMember(threeInAWeek, subject([now, now - DAY, now - 7 * DAY + 1]), now)).toBe(true);
    expect(isMember(threeInAWeek, subject([now, now - DAY, now - 7 * DAY]), now)).toBe(false);
    expect(isMember(threeInAWeek, subject([now, now - DAY, now + 1]), now)).toBe(false);
    expect(isMember(threeInAWeek, { customer: customer(), history: [event('Page Viewed', now), event('Page Viewed', now), event('Order Completed', now)] }, now)).toBe(false);
  });

  it('filters counted events with the leaf rule and bounds from above', () => {
    const bigOrders = def({ kind: 'event_history', event: 'Order Completed', atLeast: 1, atMost: 2, withinDays: 30, rule: { kind: 'condition', field: 'event.properties.revenue', operator: 'gte', value: 100 } });
    const orders = (...revenues: number[]) => ({ customer: customer(), history: revenues.map((revenue, i) => event('Order Completed', now - i * HOUR, { revenue })) });
    expect(isMember(bigOrders, orders(50, 60), now)).toBe(false);
    expect(isMember(bigOrders, orders(50, 150), now)).toBe(true);
    expect(isMember(bigOrders, orders(150, 150, 20), now)).toBe(true);
    expect(isMember(bigOrders, orders(150, 150, 200), now)).toBe(false);
    const quiet = def({ kind: 'event_history', event: 'Order Completed', atMost: 0, withinDays: 30 });
    expect(isMember(quiet, orders(), now)).toBe(true);
    expect(isMember(quiet, orders(10), now)).toBe(false);
  });

  it('reports the count it saw', () => {
    const evaluation = evaluateRule(threeInAWeek.rule, { customer: customer(), history: [event('Page Viewed', now)] }, { now, timeZone: 'UTC' });
    expect(evaluation).toEqual({ result: false, seen: [{ field: 'count(Page Viewed, 7d)', value: 1 }] });
  });
});

describe('nextMembershipChange: the earliest moment membership could change with time alone', () => {
  const views = (...daysAgo: number[]) => ({ customer: customer(), history: daysAgo.map((d) => event('Page Viewed', now - d * DAY)) });

  it('a member leaves when the event that keeps them at the threshold ages out', () => {
    expect(nextMembershipChange(threeInAWeek, views(6, 2, 1), now)).toBe(now + DAY);
    // With four views, the oldest ageing out still leaves three: the second oldest decides.
    expect(nextMembershipChange(threeInAWeek, views(6, 5, 2, 1), now)).toBe(now + 2 * DAY);
    // Events outside the window and of other names do not matter.
    expect(nextMembershipChange(threeInAWeek, { customer: customer(), history: [...views(30, 6, 2, 1).history, event('Order Completed', now - 3 * DAY)] }, now)).toBe(now + DAY);
  });

  it('a non-member joins when a future-dated event comes into the window, and never changes without events', () => {
    expect(nextMembershipChange(threeInAWeek, { customer: customer(), history: [event('Page Viewed', now - DAY), event('Page Viewed', now), event('Page Viewed', now + HOUR)] }, now)).toBe(now + HOUR);
    expect(nextMembershipChange(threeInAWeek, views(2, 1), now)).toBeNull();
    expect(nextMembershipChange(threeInAWeek, views(), now)).toBeNull();
  });

  it('"did not order in 30 days" is joined 30 days after the last order', () => {
    const quiet = def({ kind: 'event_history', event: 'Order Completed', atMost: 0, withinDays: 30 });
    const orders = { customer: customer(), history: [event('Order Completed', now - 20 * DAY), event('Order Completed', now - 10 * DAY)] };
    expect(isMember(quiet, orders, now)).toBe(false);
    expect(nextMembershipChange(quiet, orders, now)).toBe(now + 20 * DAY);
    expect(isMember(quiet, orders, now + 20 * DAY)).toBe(true);
    expect(isMember(quiet, orders, now + 20 * DAY - 1)).toBe(false);
  });

  it('relative date conditions on traits change at their edges, in the customer time zone', () => {
    const recent = def({ kind: 'condition', field: 'customer.traits.last_login', operator: 'within_last_days', value: 30 });
    const login = now - 10 * DAY;
    expect(nextMembershipChange(recent, { customer: customer({ traits: { last_login: login } }), history: [] }, now)).toBe(login + 30 * DAY + 1);
    const renewing = def({ kind: 'condition', field: 'customer.traits.renewal', operator: 'within_next_days', value: 7 });
    // "2026-03-20" without an offset is midnight in Berlin (UTC+1 in March): 23:00Z the day before.
    const berlin = customer({ traits: { renewal: '2026-03-20' }, timezone: 'Europe/Berlin' });
    const renewal = Date.UTC(2026, 2, 19, 23);
    expect(nextMembershipChange(renewing, { customer: berlin, history: [] }, now)).toBe(renewal - 7 * DAY);
    expect(nextMembershipChange(renewing, { customer: berlin, history: [] }, renewal - 7 * DAY)).toBe(renewal + 1);
    expect(nextMembershipChange(def({ kind: 'condition', field: 'customer.traits.plan', operator: 'eq', value: 'pro' }), { customer: customer({ traits: { plan: 'pro' } }), history: [] }, now)).toBeNull();
  });

  it('a changing leaf that does not change the whole rule is skipped', () => {
    const either = def({ kind: 'group', combinator: 'or', rules: [threeInAWeek.rule, { kind: 'condition', field: 'customer.traits.plan', operator: 'eq', value: 'pro' }] });
    expect(nextMembershipChange(either, { customer: customer({ traits: { plan: 'pro' } }), history: views(6, 2, 1).history }, now)).toBeNull();
    const both = def({ kind: 'group', combinator: 'and', rules: [
      { kind: 'event_history', event: 'Page Viewed', atLeast: 1, withinDays: 7 },
      { kind: 'event_history', event: 'Order Completed', atLeast: 1, withinDays: 30 },
    ] });
    const subject = { customer: customer(), history: [event('Page Viewed', now - 6 * DAY), event('Page Viewed', now - DAY), event('Order Completed', now - 29 * DAY)] };
    // The first view ageing out (in 1 day) changes nothing; the order ageing out (in 1 day too) does.
    expect(nextMembershipChange(both, subject, now)).toBe(now + DAY);
    const later = { ...subject, history: [event('Page Viewed', now - 6 * DAY), event('Page Viewed', now - DAY), event('Order Completed', now - 25 * DAY)] };
    expect(nextMembershipChange(both, later, now)).toBe(now + 5 * DAY);
  });

  it(`looks at most ${maxChangeScan} moments ahead and then answers the next one, which is never later than the real change`, () => {
    const yearly = def({ kind: 'event_history', event: 'Page Viewed', atLeast: 1, withinDays: 3650 });
    const subject = { customer: customer(), history: Array.from({ length: 100 }, (_, i) => event('Page Viewed', now - i * HOUR)) };
    const next = nextMembershipChange(yearly, subject, now);
    const moments = subject.history.map((e) => e.at + 3650 * DAY).sort((a, b) => a - b);
    expect(next).toBe(moments[maxChangeScan]);
    expect(isMember(yearly, subject, next ?? 0)).toBe(true);
    // Asked again at that moment, it gets to the real change.
    expect(nextMembershipChange(yearly, subject, next ?? 0)).toBe(moments.at(-1));
  });

  it('agrees with a minute-by-minute scan on random histories', () => {
    let seed = 42;
    const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
    const MINUTE = 60_000;
    let changing = 0;
    for (let trial = 0; trial < 40; trial += 1) {
      const windowDays = 1 + Math.floor(random() * 3);
      const rule: SegmentRule = {
        kind: 'group',
        combinator: random() < 0.5 ? 'and' : 'or',
        rules: [
          { kind: 'event_history', event: 'A', atLeast: 1 + Math.floor(random() * 3), withinDays: windowDays },
          { kind: 'event_history', event: 'B', atMost: Math.floor(random() * 2), withinDays: 1 },
          { kind: 'condition', field: 'customer.traits.seen', operator: 'within_last_days', value: 2 },
        ],
      };
      // Events from 2 days ago to 6 hours ahead (minute-aligned), so windows open and close within the scan.
      const at = () => now - Math.floor(random() * 2 * 24 * 60) * MINUTE + Math.floor(random() * 6 * 60) * MINUTE;
      const history = Array.from({ length: Math.floor(random() * 8) }, () => event(random() < 0.6 ? 'A' : 'B', at()));
      const subject = { customer: customer({ traits: { seen: at() } }), history };
      const definition = def(rule);
      const answer = nextMembershipChange(definition, subject, now);
      const start = isMember(definition, subject, now);
      let firstDifferent: number | null = null;
      for (let t = now + MINUTE; t <= now + 5 * DAY; t += MINUTE) {
        if (isMember(definition, subject, t) !== start) {
          firstDifferent = t;
          break;
        }
      }
      if (firstDifferent === null) {
        expect(answer, `trial ${trial}`).toBeNull();
      } else {
        expect(answer, `trial ${trial}`).not.toBeNull();
        changing += 1;
        // The exact moment lies within the minute before the first minute the scan saw a difference.
        expect(answer as number).toBeLessThanOrEqual(firstDifferent);
        expect(answer as number).toBeGreaterThan(firstDifferent - MINUTE);
        expect(isMember(definition, subject, answer as number)).not.toBe(start);
      }
    }
    // The random cases exercise both answers.
    expect(changing).toBeGreaterThan(5);
    expect(changing).toBeLessThan(40);
  });
});
