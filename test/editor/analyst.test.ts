import { describe, expect, it } from 'vitest';
import { branchSentence, describeInput, timerLabel, formatDuration, outcomeTaken, pathUpToStep, showValue, whyThisBranch, type EdgeLike, type StepLike } from '../../editor/src/analyst/explain.js';
import { breakdownLabel, channelComparison, effectsByChannel, fillDays, formatPercent, funnelBars, lastDays, nodeComparison, overlayFromRows, progressPercent } from '../../editor/src/analyst/report.js';

const edges: EdgeLike[] = [
  { id: 'e1', source: 'trigger', target: 'check', outcome: 'next' },
  { id: 'e2', source: 'check', target: 'vip-mail', outcome: 'yes' },
  { id: 'e3', source: 'check', target: 'plain-mail', outcome: 'no' },
  { id: 'e4', source: 'vip-mail', target: 'wait', outcome: 'next' },
  { id: 'e5', source: 'wait', target: 'done', outcome: 'received' },
  { id: 'c1', source: 'cluster', target: 'star-mail', outcome: 'star' },
  { id: 'c2', source: 'cluster', target: 'other', outcome: 'default' },
];

const step = (over: Partial<StepLike>): StepLike => ({ seq: 1, path: [], stateBefore: null, guards: [], ...over });

describe('why this branch', () => {
  it('explains a rule that held, with the values it saw', () => {
    const s = step({ path: ['trigger', 'check', 'vip-mail', 'wait'], guards: [{ nodeId: 'check', guard: 'rule', question: 'rule holds', result: true, seen: [{ field: 'customer.traits.ltv', value: 900 }] }] });
    const [why] = whyThisBranch(s, edges, (_n, o) => (o === 'yes' ? 'Yes' : o));
    expect(why).toMatchObject({ nodeId: 'check', outcome: 'yes' });
    expect(why?.sentence).toBe('Took “Yes” because customer.traits.ltv was 900 (rule holds)');
  });

  it('explains a rule that did not hold', () => {
    const s = step({ path: ['trigger', 'check', 'plain-mail'], guards: [{ nodeId: 'check', guard: 'rule', question: 'rule holds', result: false, seen: [{ field: 'customer.traits.ltv', value: 50 }, { field: 'customer.stage', value: null }] }] });
    expect(whyThisBranch(s, edges)[0]?.sentence).toBe('Took “no” because customer.traits.ltv was 50 and customer.stage was not set (rule does not hold)');
  });

  it('names the case that matched on a switch, and says when none did', () => {
    const star = step({
      path: ['cluster', 'star-mail'],
      guards: [{ nodeId: 'cluster', guard: 'cluster_is', question: 'value cluster is star', result: true, seen: [{ field: 'customer.cluster', value: 'star' }] }],
    });
    expect(whyThisBranch({ ...star, guards: [...star.guards, { nodeId: 'cluster', guard: 'cluster_is', question: 'value cluster is dog', result: false, seen: [{ field: 'customer.cluster', value: 'star' }] }] }, edges)[0]?.sentence).toBe(
      'Took “star” because value cluster is star: customer.cluster was star',
    );
    const none = step({
      path: ['cluster', 'other'],
      guards: [
        { nodeId: 'cluster', guard: 'cluster_is', question: 'value cluster is star', result: false, seen: [{ field: 'customer.cluster', value: null }] },
        { nodeId: 'cluster', guard: 'cluster_is', question: 'value cluster is dog', result: false, seen: [{ field: 'customer.cluster', value: null }] },
      ],
    });
    expect(whyThisBranch(none, edges)[0]?.sentence).toBe('Took “default” because no case held: customer.cluster was not set (value cluster is star; value cluster is dog)');
  });

  it('keeps journey-wide checks apart and says when a wait kept waiting', () => {
    const s = step({
      path: [],
      stateBefore: 'wait',
      guards: [
        { nodeId: null, guard: 'event_matches:goal', question: 'goal event "Order Completed"', result: false, seen: [{ field: 'event.properties.total', value: 20 }] },
        { nodeId: 'wait', guard: 'event_matches:wait', question: 'awaited event "Order Completed"', result: false, seen: [] },
      ],
    });
    const why = whyThisBranch(s, edges);
    expect(why.map((w) => w.sentence)).toEqual(['Did not hold: event.properties.total was 20 (not goal event "Order Completed")', 'Stayed: not awaited event "Order Completed"']);
    expect(branchSentence([], 'yes')).toBe('Took “yes”');
  });

  it('explains the branch a waiting run left through when its event came (the wait is not on the step’s path)', () => {
    const s = step({ path: ['done'], stateBefore: 'wait', guards: [{ nodeId: 'wait', guard: 'event_matches:wait', question: 'awaited event "Order Completed"', result: true, seen: [] }] });
    expect(whyThisBranch(s, edges, (_n, o) => (o === 'received' ? 'Received' : o))[0]).toMatchObject({ outcome: 'received', sentence: 'Took “Received” because awaited event "Order Completed"' });
  });

  it('finds the outcome from the path and shows values plainly', () => {
    expect(outcomeTaken({ path: ['check', 'plain-mail'], stateBefore: null }, 'check', edges)).toBe('no');
    expect(outcomeTaken({ path: ['check'], stateBefore: null }, 'check', edges)).toBeNull();
    expect([showValue(undefined), showValue('star'), showValue('a b'), showValue(3), showValue([1])]).toEqual(['not set', 'star', '"a b"', '3', '[1]']);
  });
});

describe('path up to a step', () => {
  const steps = [
    { path: ['trigger', 'check', 'vip-mail', 'wait'], stateBefore: null },
    { path: ['done'], stateBefore: 'wait' },
  ];
  it('collects nodes and taken edges of the steps so far', () => {
    const first = pathUpToStep(steps, edges, 0);
    expect([...first.nodes]).toEqual(['trigger', 'check', 'vip-mail', 'wait']);
    expect([...first.edges]).toEqual(['e1', 'e2', 'e4']);
    const all = pathUpToStep(steps, edges, 1);
    expect(all.edges.has('e5')).toBe(true);
    expect([...all.current]).toEqual(['done']);
    expect(pathUpToStep(steps, edges, 9).nodes.size).toBe(5);
    expect(pathUpToStep([], edges, 0).nodes.size).toBe(0);
  });
});

describe('formatting', () => {
  it('durations, inputs and percentages', () => {
    expect([formatDuration(null), formatDuration(40_000), formatDuration(25 * 60_000), formatDuration(3 * 3_600_000 + 600_000), formatDuration(2 * 86_400_000 + 3 * 3_600_000)]).toEqual(['—', '40 s', '25 min', '3 h 10 min', '2 d 3 h']);
    expect(describeInput({ type: 'start', triggerNodeId: 't', event: { type: 'track', name: 'Signed Up' } })).toBe('Entered through t on “Signed Up”');
    expect(describeInput({ type: 'timer', timerId: 'x' })).toBe('A wait ended (timer fired)');
    const labels: Record<string, string> = { 'order-wait': 'Order within 14 days?' };
    expect(timerLabel('xstate.after.order-wait:timeout.order-wait', (id) => labels[id])).toBe('Time-out of “Order within 14 days?”');
    expect(timerLabel('xstate.after.cool-off:delay.cool-off', () => undefined)).toBe('End of the delay of cool-off');
    expect(timerLabel('custom-timer', () => undefined)).toBe('custom-timer');
    // Surgery steps say who and why.
    const by = 'key "ops" (rk_admin_abc…)';
    expect(describeInput({ type: 'timer', timerId: 'x', by, reason: 'test the farewell' })).toBe(`Timer x fired early by ${by} (test the farewell)`);
    expect(describeInput({ type: 'timer_change', timerId: 'x', dueAt: Date.parse('2026-05-01T09:30:00Z'), by, reason: 'one day only' })).toBe(`Timer x rescheduled to 2026-05-01 09:30 UTC by ${by} (one day only)`);
    expect(describeInput({ type: 'timer_change', timerId: 'x', dueAt: null, by, reason: 'no deadline' })).toBe(`Timer x dropped by ${by} (no deadline)`);
    expect(describeInput({ type: 'end', by, reason: 'cancelled: asked us to stop' })).toBe(`Ended by ${by}: cancelled: asked us to stop`);
    expect(describeInput({ type: 'move', toNodeId: 'won-back-stage', by, reason: 'ordered by phone' })).toBe(`Moved to won-back-stage by ${by} (ordered by phone)`);
    expect([formatPercent(0), formatPercent(0.05), formatPercent(0.5), formatPercent(null)]).toEqual(['0 %', '5.0 %', '50 %', '—']);
  });
});

describe('report shaping', () => {
  it('fills the days of the period', () => {
    const period = { from: Date.parse('2026-01-01T12:00:00Z'), to: Date.parse('2026-01-04T08:00:00Z') };
    expect(fillDays([{ day: '2026-01-02', converted: 3 }], period)).toEqual([
      { day: '2026-01-01', converted: 0 },
      { day: '2026-01-02', converted: 3 },
      { day: '2026-01-03', converted: 0 },
      { day: '2026-01-04', converted: 0 },
    ]);
    expect(lastDays(7, 7 * 86_400_000)).toEqual({ from: 0, to: 7 * 86_400_000 });
  });

  it('orders the funnel like the journey and labels it', () => {
    const bars = funnelBars([{ nodeId: 'b', entered: 5 }, { nodeId: 'gone', entered: 1 }, { nodeId: 'a', entered: 10 }], [{ id: 'a', label: 'Start' }, { id: 'b' }]);
    expect(bars).toEqual([
      { nodeId: 'a', label: 'Start', entered: 10, share: 1 },
      { nodeId: 'b', label: 'b', entered: 5, share: 0.5 },
      { nodeId: 'gone', label: 'gone (removed)', entered: 1, share: 0.1 },
    ]);
  });

  it('rolls effects up by channel and labels breakdowns', () => {
    expect(effectsByChannel([{ channel: 'email', status: 'sent', count: 3, cost: 0 }, { channel: 'email', status: 'failed', count: 1, cost: 0 }, { channel: 'incentive', status: 'sent', count: 1, cost: 9 }])).toEqual([
      { channel: 'email', count: 4, cost: 0, statuses: { sent: 3, failed: 1 } },
      { channel: 'incentive', count: 1, cost: 9, statuses: { sent: 1 } },
    ]);
    expect([breakdownLabel('version', '2'), breakdownLabel('cluster', 'question_mark'), breakdownLabel('stage', 'retain_develop'), breakdownLabel('cluster', null)]).toEqual(['v2', 'Question mark', 'Retain develop', 'not set']);
  });
});

describe('backtest shaping', () => {
  it('progress', () => {
    expect(progressPercent({ customers: 5, totalCustomers: 20 }, 'running')).toBe(25);
    expect(progressPercent({ customers: 0, totalCustomers: 0 }, 'running')).toBe(0);
    expect(progressPercent({ customers: 0, totalCustomers: 0 }, 'done')).toBe(100);
  });

  it('compares nodes and channels and marks the differences', () => {
    const rows = nodeComparison(
      { a: { entered: 10, waiting: 0, exited: { next: 10 } }, b: { entered: 4, waiting: 1, exited: { yes: 3 } } },
      { a: { entered: 10, waiting: 0, exited: { next: 10 } }, b: { entered: 6, waiting: 0, exited: { yes: 6 } }, old: { entered: 2, waiting: 0, exited: {} } },
      [{ id: 'a', label: 'Start' }, { id: 'b' }],
    );
    expect(rows.map((r) => [r.nodeId, r.enteredDelta, r.changed])).toEqual([
      ['a', 0, false],
      ['b', -2, true],
      ['old', -2, true],
    ]);
    expect(rows[2]?.label).toBe('old (not in the draft)');
    expect(overlayFromRows(rows, true).b).toEqual({ entered: 4, waiting: 1, exited: 3, delta: -2 });
    expect(overlayFromRows(nodeComparison({ a: { entered: 1, waiting: 0, exited: {} } }, null, []), false).a?.delta).toBeNull();
    expect(channelComparison({ email: { count: 3, cost: 0 }, incentive: { count: 2, cost: 8 } }, { incentive: { count: 2, cost: 18 } })).toEqual([
      { channel: 'email', candidate: { count: 3, cost: 0 }, baseline: { count: 0, cost: 0 }, costDelta: 0, changed: true },
      { channel: 'incentive', candidate: { count: 2, cost: 8 }, baseline: { count: 2, cost: 18 }, costDelta: -10, changed: true },
    ]);
  });
});
