import { describe, expect, it } from 'vitest';
import { simulate } from '../simulator.js';
import type { Step } from '../stepper.js';
import { expansionJourney } from './expansion.js';
import { DAY, HOUR, T0, compileExample, effectsOf, route, runOf, stepAt, track } from './test-kit.js';

const journey = compileExample(expansionJourney);

const customer = (id: string) => ({ id, traits: { first_name: 'Ken', email: `${id}@example.com` }, stage: 'retain_develop' });
const order = (at: number, total: number, category = 'shoes') =>
  track('Order Completed', at, { order_id: `O-${at}`, total, product_name: 'Trail Running Shoes', category });

const SPLIT_AT = T0 + 3 * DAY;
const DEADLINE = SPLIT_AT + 14 * DAY;

/**
 * FNV-1a (32 bit) of "journey|node|customer", bucket = (hash mod 10,000) / 100 — the assignment the
 * split documents, written out here independently (BigInt arithmetic) to hand-check buckets.
 */
const referenceBucket = (customerId: string): number => {
  let hash = 2166136261n;
  for (const char of `expansion-cross-sell|variant-split|${customerId}`) {
    hash ^= BigInt(char.charCodeAt(0));
    hash = (hash * 16777619n) % 2n ** 32n;
  }
  return Number(hash % 10000n) / 100;
};

const splitStep = (customerId: string): Step => stepAt(simulate(journey, customer(customerId), [order(T0, 249)], { until: SPLIT_AT }), SPLIT_AT);
const bucketSeen = (step: Step): unknown => step.guards.find((g) => g.nodeId === 'variant-split')?.seen[0]?.value;

describe('expansion: the split is deterministic', () => {
  it.each([
    ['cus-0001', 4.77, 'variant_a', 'cross-sell-mail-a'],
    ['cus-0012', 50.33, 'variant_b', 'cross-sell-mail-b'],
    ['cus-0002', 76.2, 'variant_b', 'cross-sell-mail-b'],
    ['cus-0009', 95.25, 'holdout', 'holdout-exit'],
  ])('%s has bucket %s → %s', (id, bucket, _branch, next) => {
    expect(referenceBucket(id)).toBe(bucket);
    const step = splitStep(id);
    expect(bucketSeen(step)).toBe(bucket);
    expect(step.path[1]).toBe(next);
    expect(splitStep(id)).toEqual(step);
  });

  it('records the bucket for each guard it checks: A is [0, 50), B is [50, 90), the holdout the rest', () => {
    const question = (from: number, to: number, branch: string) => `split bucket in [${from}, ${to}) → branch ${branch}`;
    const guard = (bucket: number, from: number, to: number, branch: string, result: boolean) => ({
      nodeId: 'variant-split',
      guard: 'split',
      question: question(from, to, branch),
      result,
      seen: [{ field: 'split.bucket', value: bucket }],
    });
    expect(splitStep('cus-0001').guards).toEqual([guard(4.77, 0, 50, 'variant_a', true)]);
    expect(splitStep('cus-0002').guards).toEqual([guard(76.2, 0, 50, 'variant_a', false), guard(76.2, 50, 90, 'variant_b', true)]);
    expect(splitStep('cus-0009').guards).toEqual([guard(95.25, 0, 50, 'variant_a', false), guard(95.25, 50, 90, 'variant_b', false)]);
  });

  it('assigns 200 customers by bucket, in roughly the configured shares', () => {
    const counts: Record<string, number> = {};
    for (let i = 1; i <= 200; i += 1) {
      const id = `cus-${String(i).padStart(4, '0')}`;
      const step = splitStep(id);
      const bucket = referenceBucket(id);
      expect(bucketSeen(step)).toBe(bucket);
      const expected = bucket < 50 ? 'cross-sell-mail-a' : bucket < 90 ? 'cross-sell-mail-b' : 'holdout-exit';
      expect(step.path[1], id).toBe(expected);
      counts[expected] = (counts[expected] ?? 0) + 1;
    }
    expect(counts['cross-sell-mail-a']).toBeGreaterThan(80);
    expect(counts['cross-sell-mail-b']).toBeGreaterThan(60);
    expect(counts['holdout-exit']).toBeGreaterThan(8);
    expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(200);
  });
});

describe('expansion: variant A', () => {
  const accessoriesAt = SPLIT_AT + 4 * DAY;
  const result = simulate(journey, customer('cus-0001'), [order(T0, 249), order(accessoriesAt, 35, 'accessories')]);

  it('waits 3 days, sends "complete the look" and waits 14 days for an accessories order', () => {
    expect(stepAt(result, T0).path).toEqual(['order-trigger', 'settle-delay']);
    expect(stepAt(result, T0).timersSet.map((t) => t.dueAt)).toEqual([SPLIT_AT]);
    const split = stepAt(result, SPLIT_AT);
    expect(split.path).toEqual(['variant-split', 'cross-sell-mail-a', 'cross-sell-wait']);
    expect(split.effects.map((e) => [e.nodeId, e.channel])).toEqual([['cross-sell-mail-a', 'email']]);
    expect(split.effects[0]?.payload).toEqual({
      to: 'cus-0001@example.com',
      from: 'hello@rapport.example',
      subject: 'Complete the look, Ken',
      body: 'Accessories picked to go with your Trail Running Shoes: https://shop.example.com/accessories?utm_content=variant_a',
    });
    expect(split.timersSet.map((t) => t.dueAt)).toEqual([DEADLINE]);
  });

  it('moves the customer to "expand" on an accessories order (goal reached)', () => {
    expect(route(result)).toEqual([
      { at: T0, path: ['order-trigger', 'settle-delay'] },
      { at: SPLIT_AT, path: ['variant-split', 'cross-sell-mail-a', 'cross-sell-wait'] },
      { at: accessoriesAt, path: ['expand-stage', 'cross-sell-goal'] },
    ]);
    const won = stepAt(result, accessoriesAt);
    expect(won.guards).toEqual([
      {
        nodeId: 'cross-sell-wait',
        guard: 'event_matches:wait',
        question: 'awaited event "Order Completed"',
        result: true,
        seen: [{ field: 'event.properties.category', value: 'accessories' }],
      },
    ]);
    expect(won.customerUpdates).toEqual([{ nodeId: 'expand-stage', update: { stage: 'expand' } }]);
    expect(won).toMatchObject({ status: 'done', outcome: 'converted', reason: 'cross-sold' });
    expect(result.customer.stage).toBe('expand');
    // The small accessories order does not qualify as a new entry (total not over 100), so nothing is rejected.
    expect(result.rejectedEntries).toEqual([]);
  });
});

describe('expansion: variant B and holdout', () => {
  it('variant B gets "customers also bought"', () => {
    const result = simulate(journey, customer('cus-0002'), [order(T0, 249)], { until: SPLIT_AT });
    expect(effectsOf(result, 'send_email').map((e) => [e.at, e.nodeId, e.payload.subject])).toEqual([
      [SPLIT_AT, 'cross-sell-mail-b', 'Customers who bought Trail Running Shoes also bought…'],
    ]);
    expect(effectsOf(result, 'send_email')[0]?.payload.body).toBe(
      'Hi Ken, these accessories are the favourites of customers like you: https://shop.example.com/accessories?utm_content=variant_b',
    );
  });

  it('the holdout customer gets no message at all and leaves at the split', () => {
    const result = simulate(journey, customer('cus-0009'), [order(T0, 249), order(SPLIT_AT + DAY, 40, 'accessories')]);
    expect(route(result)).toEqual([
      { at: T0, path: ['order-trigger', 'settle-delay'] },
      { at: SPLIT_AT, path: ['variant-split', 'holdout-exit'] },
    ]);
    expect(result.effects).toEqual([]);
    expect(runOf(result)).toMatchObject({ status: 'done', outcome: 'exited', reason: 'holdout' });
    expect(result.customer.stage).toBe('retain_develop');
  });
});

describe('expansion: no cross-sell', () => {
  it('an order of another category does not count; the run times out at exactly 14 days after the email', () => {
    const otherAt = SPLIT_AT + 2 * DAY;
    const result = simulate(journey, customer('cus-0001'), [order(T0, 249), order(otherAt, 60, 'socks')]);
    const other = result.steps.find((s) => s.at === otherAt);
    expect(other?.path).toEqual([]);
    expect(other?.guards).toEqual([
      {
        nodeId: 'cross-sell-wait',
        guard: 'event_matches:wait',
        question: 'awaited event "Order Completed"',
        result: false,
        seen: [{ field: 'event.properties.category', value: 'socks' }],
      },
    ]);
    expect(route(result).at(-1)).toEqual({ at: DEADLINE, path: ['no-cross-sell-exit'] });
    expect(runOf(result)).toMatchObject({ status: 'done', outcome: 'exited', reason: 'no accessories order within 14 days' });
  });

  it('leaves when the order is refunded (exit criterion)', () => {
    const result = simulate(journey, customer('cus-0001'), [order(T0, 249), track('Order Refunded', T0 + DAY, { order_id: `O-${T0}` })]);
    expect(runOf(result)).toMatchObject({ status: 'done', outcome: 'exited', reason: 'exit event "Order Refunded"', timers: [] });
    expect(result.effects).toEqual([]);
  });
});

describe('expansion: trigger rule and entry policy', () => {
  it.each([
    [100, false],
    [100.01, true],
    [80, false],
  ])('an order totalling %s starts a run: %s', (total, starts) => {
    const result = simulate(journey, customer('cus-0001'), [order(T0, total)], { until: T0 + HOUR });
    expect(result.runs.length === 1).toBe(starts);
    expect(result.rejectedEntries).toEqual([]);
  });

  it('turns away a qualifying order within 30 days (it still reaches the active run), and takes one at exactly 30 days', () => {
    const secondAt = SPLIT_AT + DAY;
    const result = simulate(journey, customer('cus-0001'), [order(T0, 249), order(secondAt, 180, 'accessories'), order(T0 + 30 * DAY, 120)], {
      until: T0 + 31 * DAY,
    });
    expect(result.rejectedEntries).toEqual([
      { at: secondAt, triggerNodeId: 'order-trigger', reason: 'entry policy "every time": still within the cooldown of the last entry' },
    ]);
    expect(stepAt(result, secondAt)).toMatchObject({ path: ['expand-stage', 'cross-sell-goal'], outcome: 'converted' });
    expect(result.runs.map((r) => [r.runId, r.snapshot.context.enteredAt, r.status])).toEqual([
      ['sim-1', T0, 'done'],
      ['sim-2', T0 + 30 * DAY, 'active'],
    ]);
  });
});
