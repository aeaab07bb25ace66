import { describe, expect, it } from 'vitest';
import { complaintHandlingJourney } from './examples/complaint-handling.js';
import { winBackJourney } from './examples/win-back.js';
import { backtestCustomer, backtestReport, bindJourney, compareBacktests, compile, emptyBacktest, mergeBacktests, type JourneyGraphInput, type SimulationEvent } from './index.js';

const T0 = Date.UTC(2026, 2, 2, 10);
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const window = { from: T0, to: T0 + 30 * DAY };
const track = (name: string, at: number, properties = {}): SimulationEvent => ({ type: 'track', name, properties, at });
const bound = (graph: JourneyGraphInput) => {
  const result = compile(graph);
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return bindJourney(result.journey);
};
const profile = (id: string, extra: Record<string, unknown> = {}) => ({
  id,
  traits: { first_name: id, email: `${id}@example.com` },
  stage: null,
  cluster: null,
  tags: [],
  timezone: null,
  consent: {},
  ...extra,
});

describe('backtest over a fixed history, checked against hand-computed numbers', () => {
  it('win-back: one converts in 3 days, one times out, one is still waiting, one is excluded by the trigger rule', () => {
    const journey = bound(winBackJourney);
    const acc = emptyBacktest();
    backtestCustomer(acc, journey, profile('a'), [track('Inactive 60 Days', T0), track('Order Completed', T0 + 3 * DAY)], window);
    backtestCustomer(acc, journey, profile('b'), [track('Inactive 60 Days', T0)], window);
    backtestCustomer(acc, journey, profile('c'), [track('Inactive 60 Days', T0 + 20 * DAY)], window);
    backtestCustomer(acc, journey, profile('d', { stage: 'phased_out' }), [track('Inactive 60 Days', T0)], window);
    const report = backtestReport(acc);
    expect(report).toMatchObject({ customers: 4, events: 5, runs: 3, outcomes: { converted: 1, exited: 1, active: 1 }, exitedEarly: {}, truncatedCustomers: 0 });
    const entered = Object.fromEntries(Object.entries(report.nodes).map(([id, n]) => [id, n.entered]));
    expect(entered).toEqual({
      'inactive-trigger': 3,
      'win-back-stage': 3,
      'comeback-coupon': 3,
      'comeback-mail': 3,
      'order-wait': 3,
      'won-back-stage': 1,
      'won-back-goal': 1,
      'farewell-mail': 1,
      'phased-out-stage': 1,
      'farewell-exit': 1,
    });
    expect(report.nodes['order-wait']).toEqual({ entered: 3, waiting: 1, exited: { '→ won-back-stage': 1, '→ farewell-mail': 1 } });
    expect(report.effects).toEqual({ incentive: { count: 3, cost: 27 }, email: { count: 4, cost: 0 } });
    expect(report.timeToGoal.count).toBe(1);
    expect(report.timeToGoal.medianMs).toBe(3 * DAY);
    expect(report.timeToGoal.histogram.find((b) => b.label === '≤ 3 days')?.count).toBe(1);
  });

  it('complaint handling: a star converts, a question mark insists and times out, one withdraws early, a dog is apologised to', () => {
    const journey = bound(complaintHandlingJourney);
    const acc = emptyBacktest();
    backtestCustomer(acc, journey, profile('s', { cluster: 'star' }), [track('Complaint Filed', T0), track('Complaint Resolved', T0 + 2 * DAY)], window);
    backtestCustomer(acc, journey, profile('q1', { cluster: 'question_mark' }), [track('Complaint Filed', T0), track('Discount Requested', T0 + DAY)], window);
    backtestCustomer(acc, journey, profile('q2', { cluster: 'question_mark' }), [track('Complaint Filed', T0), track('Complaint Withdrawn', T0 + 2 * HOUR)], window);
    backtestCustomer(acc, journey, profile('d', { cluster: 'dog' }), [track('Complaint Filed', T0)], window);
    const report = backtestReport(acc);
    expect(report.outcomes).toEqual({ converted: 1, exited: 3, active: 0 });
    expect(report.exitedEarly).toEqual({ 'exit event "Complaint Withdrawn"': 1 });
    const entered = Object.fromEntries(Object.entries(report.nodes).filter(([, n]) => n.entered > 0).map(([id, n]) => [id, n.entered]));
    expect(entered).toEqual({
      'complaint-trigger': 4,
      'cluster-switch': 4,
      'star-apology-mail': 1,
      'star-delay': 1,
      'manager-call-task': 1,
      'vip-alert': 1,
      'await-resolution': 2,
      'qm-apology-mail': 2,
      'insist-wait': 2,
      'qm-discount': 1,
      'qm-discount-mail': 1,
      'unresolved-exit': 1,
      'default-apology-mail': 1,
      'default-exit': 1,
    });
    expect(report.effects).toEqual({ email: { count: 5, cost: 0 }, task: { count: 1, cost: 0 }, chat: { count: 1, cost: 0 }, incentive: { count: 1, cost: 6 } });
    expect(report.timeToGoal.medianMs).toBe(2 * DAY);
  });

  it('compares a draft with the live version over the same history', () => {
    const live = bound(winBackJourney);
    const draft = bound({
      ...winBackJourney,
      nodes: winBackJourney.nodes.map((n) => (n.id === 'comeback-coupon' ? { ...n, params: { ...n.params, cost: 4, value: 5 } } : n)),
    });
    const history: [string, SimulationEvent[]][] = [
      ['a', [track('Inactive 60 Days', T0), track('Order Completed', T0 + DAY)]],
      ['b', [track('Inactive 60 Days', T0)]],
    ];
    const run = (journey: typeof live) => {
      const acc = emptyBacktest();
      for (const [id, events] of history) backtestCustomer(acc, journey, profile(id), events, window);
      return backtestReport(acc);
    };
    const comparison = compareBacktests(run(draft), run(live));
    expect(comparison.effects.incentive).toEqual({ a: 2, b: 2, costDelta: 8 - 18 });
    expect(comparison.conversions).toEqual({ a: 1, b: 1, delta: 0 });
    expect(comparison.nodes['comeback-coupon']?.enteredDelta).toBe(0);
  });
});

describe('mergeBacktests', () => {
  it('merging the reports of two halves equals the report of the whole', () => {
    const journey = bound(complaintHandlingJourney);
    const people: [string, string, SimulationEvent[]][] = [
      ['s', 'star', [track('Complaint Filed', T0), track('Complaint Resolved', T0 + 2 * DAY)]],
      ['q', 'question_mark', [track('Complaint Filed', T0), track('Discount Requested', T0 + DAY)]],
      ['w', 'question_mark', [track('Complaint Filed', T0), track('Complaint Withdrawn', T0 + HOUR)]],
      ['d', 'dog', [track('Complaint Filed', T0)]],
    ];
    const whole = emptyBacktest();
    const first = emptyBacktest();
    const second = emptyBacktest();
    people.forEach(([id, cluster, events], i) => {
      backtestCustomer(whole, journey, profile(id, { cluster }), events, window);
      backtestCustomer(i < 2 ? first : second, journey, profile(id, { cluster }), events, window);
    });
    mergeBacktests(first, second);
    expect(backtestReport(first)).toEqual(backtestReport(whole));
  });
});
