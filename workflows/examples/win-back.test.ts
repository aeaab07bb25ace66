import { describe, expect, it } from 'vitest';
import { simulate } from '../simulator.js';
import { DAY, HOUR, T0, compileExample, effectsOf, route, runOf, stepAt, track } from './test-kit.js';
import { winBackJourney } from './win-back.js';

const journey = compileExample(winBackJourney);
const lapsed = { id: 'cus-linus', traits: { first_name: 'Linus', email: 'linus@example.com' }, stage: 'retain_develop', cluster: 'cash_cow' as const };
const inactive = (at: number) => track('Inactive 60 Days', at, { last_order_at: '2025-11-06' });
const order = (at: number) => track('Order Completed', at, { order_id: 'W-77', total: 64.5 });

const START_PATH = ['inactive-trigger', 'win-back-stage', 'comeback-coupon', 'comeback-mail', 'order-wait'];
const TIMEOUT_ID = 'xstate.after.order-wait:timeout.order-wait';

describe('win back: the offer', () => {
  it('moves the customer to win back, issues the 15 % code and emails it, then waits 14 days', () => {
    const result = simulate(journey, lapsed, [inactive(T0)], { until: T0 + DAY });
    const start = stepAt(result, T0);
    expect(start.path).toEqual(START_PATH);
    expect(start.customerUpdates).toEqual([{ nodeId: 'win-back-stage', update: { stage: 'win_back' } }]);
    expect(start.effects.map((e) => [e.index, e.nodeId, e.channel, e.cost, e.idempotencyKey])).toEqual([
      [0, 'comeback-coupon', 'incentive', 9, 'sim-1:1:0'],
      [1, 'comeback-mail', 'email', null, 'sim-1:1:1'],
    ]);
    expect(start.effects[0]?.payload).toEqual({
      customerId: 'cus-linus',
      type: 'percent_discount',
      code: 'COMEBACK15',
      value: 15,
      currency: 'EUR',
      expiresAt: T0 + 14 * DAY,
    });
    expect(start.effects[1]?.payload).toEqual({
      to: 'linus@example.com',
      from: 'hello@rapport.example',
      subject: 'We miss you, Linus: 15 % off your next order',
      body: 'Hi Linus,\n\nit has been a while. Use the code COMEBACK15 for 15 % off your next order; it is valid for 14 days.',
    });
    expect(start.timersSet).toEqual([{ id: TIMEOUT_ID, dueAt: T0 + 14 * DAY, event: { type: TIMEOUT_ID } }]);
    expect(result.customer.stage).toBe('win_back');
    expect(runOf(result)).toMatchObject({ status: 'active', snapshot: { value: 'order-wait' } });
  });
});

describe('win back: an order within 14 days', () => {
  it('wins the customer back: stage retain & develop, goal reached, timeout cancelled', () => {
    const orderAt = T0 + 5 * DAY + 3 * HOUR;
    const result = simulate(journey, lapsed, [inactive(T0), order(orderAt)]);
    expect(route(result)).toEqual([
      { at: T0, path: START_PATH },
      { at: orderAt, path: ['won-back-stage', 'won-back-goal'] },
    ]);
    const won = stepAt(result, orderAt);
    expect(won.guards).toEqual([
      { nodeId: 'order-wait', guard: 'event_matches:wait', question: 'awaited event "Order Completed"', result: true, seen: [] },
    ]);
    expect(won.customerUpdates).toEqual([{ nodeId: 'won-back-stage', update: { stage: 'retain_develop' } }]);
    expect(won).toMatchObject({ stateAfter: 'won-back-goal', status: 'done', outcome: 'converted', reason: 'won back', timersCancelled: [TIMEOUT_ID] });
    expect(result.customer.stage).toBe('retain_develop');
    expect(effectsOf(result, 'send_email').map((e) => e.nodeId)).toEqual(['comeback-mail']);
  });

  it('counts an order one minute before the deadline', () => {
    const result = simulate(journey, lapsed, [inactive(T0), order(T0 + 14 * DAY - 60_000)]);
    expect(runOf(result)).toMatchObject({ outcome: 'converted', reason: 'won back' });
  });
});

describe('win back: no order', () => {
  const result = simulate(journey, lapsed, [inactive(T0), track('Page Viewed', T0 + 3 * DAY), order(T0 + 14 * DAY + HOUR)]);

  it('times out at exactly 14 days, says a graceful goodbye and phases the customer out', () => {
    expect(route(result)).toEqual([
      { at: T0, path: START_PATH },
      { at: T0 + 14 * DAY, path: ['farewell-mail', 'phased-out-stage', 'farewell-exit'] },
    ]);
    const end = stepAt(result, T0 + 14 * DAY);
    expect(end.input).toEqual({ type: 'timer', timerId: TIMEOUT_ID, event: { type: TIMEOUT_ID } });
    expect(end.effects.map((e) => [e.nodeId, e.payload.subject])).toEqual([['farewell-mail', 'Goodbye for now, Linus']]);
    expect(end.effects[0]?.payload.body).toContain('we will stop sending you offers');
    expect(end.customerUpdates).toEqual([{ nodeId: 'phased-out-stage', update: { stage: 'phased_out' } }]);
    expect(end).toMatchObject({ status: 'done', outcome: 'exited', reason: 'no order within 14 days; phased out' });
    expect(result.customer.stage).toBe('phased_out');
  });

  it('ignores an order after the deadline (the run is over)', () => {
    expect(result.runs).toHaveLength(1);
    expect(result.steps.filter((s) => s.at > T0 + 14 * DAY)).toEqual([]);
  });

  it('does not chase a phased-out customer again (trigger rule), not even after the cooldown', () => {
    const later = simulate(journey, { ...lapsed, stage: 'phased_out' }, [inactive(T0 + 400 * DAY)]);
    expect(later.runs).toEqual([]);
    expect(later.rejectedEntries).toEqual([]);
  });
});

describe('win back: entry policy (every time, 180-day cooldown)', () => {
  it('gives one comeback discount per half year', () => {
    const result = simulate(journey, lapsed, [inactive(T0), order(T0 + DAY), inactive(T0 + 100 * DAY), inactive(T0 + 180 * DAY)]);
    expect(result.rejectedEntries).toEqual([
      { at: T0 + 100 * DAY, triggerNodeId: 'inactive-trigger', reason: 'entry policy "every time": still within the cooldown of the last entry' },
    ]);
    expect(result.runs.map((r) => [r.runId, r.snapshot.context.enteredAt, r.status, r.outcome])).toEqual([
      ['sim-1', T0, 'done', 'converted'],
      ['sim-2', T0 + 180 * DAY, 'done', 'exited'],
    ]);
    expect(effectsOf(result, 'give_incentive').map((e) => [e.runId, e.cost])).toEqual([
      ['sim-1', 9],
      ['sim-2', 9],
    ]);
    expect(result.customer.stage).toBe('phased_out');
  });
});
