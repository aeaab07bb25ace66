import { describe, expect, it } from 'vitest';
import { clusterDefinitionSchema, clusterOf, definitionEventNames, definitionWindowDays, maxPlacementScan, measure, nextPlacementChange, placeCluster, type ClusterDefinition, type Measure } from './clusters.js';
import type { EventView } from './events.js';

const DAY = 86_400_000;
const now = Date.UTC(2025, 5, 1);
const order = (revenue: unknown, daysAgo: number): EventView => ({ name: 'Order Completed', properties: { revenue: revenue as number }, at: now - daysAgo * DAY });
const thresholds = { contribution: 100, lifetimeValue: 1000 };

describe('placeCluster: contribution × lifetime value, at or above a threshold is high', () => {
  it.each([
    [100, 1000, 'star'],
    [5000, 5000, 'star'],
    [99.99, 1000, 'question_mark'],
    [0, 2000, 'question_mark'],
    [100, 999, 'cash_cow'],
    [250, 0, 'cash_cow'],
    [0, 0, 'dog'],
    [-5, -5, 'dog'],
    [null, 2000, null],
    [250, null, null],
    [null, null, null],
  ] as const)('contribution %s, lifetime value %s → %s', (contribution, lifetimeValue, cluster) => {
    expect(placeCluster(contribution, lifetimeValue, thresholds)).toBe(cluster);
  });
});

describe('measure', () => {
  const traits = { ltv: 1200, nested: { score: 3 }, text: '12', nan: Number.NaN };
  const history: EventView[] = [order(50, 1), order(70.5, 100), order(1000, 400), order('12', 2), { name: 'Order Completed', properties: {}, at: now - DAY }, { name: 'Page Viewed', properties: { revenue: 9 }, at: now }];
  it.each<[string, Measure, number | null]>([
    ['a number trait', { type: 'trait', trait: 'ltv' }, 1200],
    ['a nested trait', { type: 'trait', trait: 'nested.score' }, 3],
    ['a text trait is no data', { type: 'trait', trait: 'text' }, null],
    ['a missing trait is no data', { type: 'trait', trait: 'missing' }, null],
    ['NaN is no data', { type: 'trait', trait: 'nan' }, null],
    ['sum within the window, numeric values only', { type: 'event_sum', event: 'Order Completed', property: 'revenue', withinDays: 365 }, 120.5],
    ['sum over a shorter window', { type: 'event_sum', event: 'Order Completed', property: 'revenue', withinDays: 30 }, 50],
    ['sum over no events is 0', { type: 'event_sum', event: 'Refund', property: 'amount', withinDays: 30 }, 0],
    ['count within the window', { type: 'event_count', event: 'Order Completed', withinDays: 365 }, 4],
    ['count over the whole history', { type: 'event_count', event: 'Order Completed', withinDays: 3650 }, 5],
    ['add skips missing operands', { type: 'formula', op: 'add', of: [{ type: 'trait', trait: 'ltv' }, { type: 'trait', trait: 'missing' }, { type: 'event_count', event: 'Order Completed', withinDays: 30 }] }, 1203],
    ['add of only missing operands is no data', { type: 'formula', op: 'add', of: [{ type: 'trait', trait: 'missing' }] }, null],
    ['multiply with a factor', { type: 'formula', op: 'multiply', of: [{ type: 'trait', trait: 'nested.score' }, { type: 'event_count', event: 'Order Completed', withinDays: 30 }], factor: 2 }, 18],
    ['multiply with a missing operand is no data', { type: 'formula', op: 'multiply', of: [{ type: 'trait', trait: 'ltv' }, { type: 'trait', trait: 'missing' }] }, null],
    ['max', { type: 'formula', op: 'max', of: [{ type: 'trait', trait: 'ltv' }, { type: 'event_sum', event: 'Order Completed', property: 'revenue', withinDays: 3650 }] }, 1200],
    ['min, nested', { type: 'formula', op: 'min', of: [{ type: 'trait', trait: 'ltv' }, { type: 'formula', op: 'add', of: [{ type: 'trait', trait: 'nested.score' }], factor: 10 }] }, 30],
  ])('%s', (_, m, expected) => {
    expect(measure(m, { traits }, history, now)).toBe(expected);
  });

  it('ignores events after now (not yet happened at the clock)', () => {
    expect(measure({ type: 'event_count', event: 'Order Completed', withinDays: 10 }, { traits: {} }, [order(5, -1)], now)).toBe(0);
  });
});

describe('cluster definitions', () => {
  const definition: ClusterDefinition = {
    contribution: { type: 'event_sum', event: 'Order Completed', property: 'revenue', withinDays: 365 },
    lifetimeValue: { type: 'formula', op: 'max', of: [{ type: 'trait', trait: 'ltv' }, { type: 'event_count', event: 'Visit', withinDays: 30 }], factor: 1 },
    thresholds,
  };

  it('validates, and knows which events and window it reads', () => {
    expect(clusterDefinitionSchema.parse(definition)).toEqual(definition);
    expect(definitionEventNames(definition).sort()).toEqual(['Order Completed', 'Visit']);
    expect(definitionWindowDays(definition)).toBe(365);
  });

  it('places a customer by stream: dog, then orders make a cash cow, a lifetime value trait makes a star', () => {
    const traits = { ltv: 200 };
    expect(clusterOf(definition, { traits }, [], now)).toEqual({ contribution: 0, lifetimeValue: 200, cluster: 'dog' });
    expect(clusterOf(definition, { traits }, [order(60, 3), order(60, 1)], now).cluster).toBe('cash_cow');
    expect(clusterOf(definition, { traits: { ltv: 5000 } }, [order(60, 3), order(60, 1)], now).cluster).toBe('star');
    expect(clusterOf(definition, { traits: { ltv: 5000 } }, [], now).cluster).toBe('question_mark');
    // Orders age out of the window: back to a dog.
    expect(clusterOf(definition, { traits }, [order(60, 3), order(60, 1)], now + 365 * DAY).cluster).toBe('dog');
  });

  it.each<[string, unknown, (string | number)[]]>([
    ['an unknown measure type', { ...definition, contribution: { type: 'script', code: '1+1' } }, ['contribution', 'type']],
    ['a window of 0 days', { ...definition, contribution: { type: 'event_count', event: 'X', withinDays: 0 } }, ['contribution', 'withinDays']],
    ['an empty formula', { ...definition, lifetimeValue: { type: 'formula', op: 'add', of: [] } }, ['lifetimeValue', 'of']],
    ['an unknown formula op', { ...definition, lifetimeValue: { type: 'formula', op: 'pow', of: [{ type: 'trait', trait: 'x' }] } }, ['lifetimeValue', 'op']],
    ['a missing threshold', { ...definition, thresholds: { contribution: 1 } }, ['thresholds', 'lifetimeValue']],
    ['an unknown field', { ...definition, eval: 'x' }, []],
  ])('refuses %s with the field path', (_, input, path) => {
    const result = clusterDefinitionSchema.safeParse(input);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(path);
  });

  it('refuses formulas nested more than 5 deep', () => {
    let m: Measure = { type: 'trait', trait: 'x' };
    for (let i = 0; i < 6; i += 1) m = { type: 'formula', op: 'add', of: [m] };
    const result = clusterDefinitionSchema.safeParse({ ...definition, lifetimeValue: m });
    expect(result.error?.issues[0]).toMatchObject({ path: ['lifetimeValue'], message: expect.stringContaining('5 deep') });
  });
});

describe('nextPlacementChange: when windows expiring would move the customer', () => {
  const yearly: ClusterDefinition = {
    contribution: { type: 'event_sum', event: 'Order Completed', property: 'revenue', withinDays: 365 },
    lifetimeValue: { type: 'trait', trait: 'ltv' },
    thresholds,
  };

  it('is the moment the order that keeps the customer high ages out, skipping age-outs that change nothing', () => {
    const traits = { ltv: 5000 };
    expect(clusterOf(yearly, { traits }, [order(60, 300), order(50, 100)], now).cluster).toBe('star');
    expect(nextPlacementChange(yearly, { traits }, [order(60, 300), order(50, 100)], now)).toBe(now + 65 * DAY);
    // 500 + 150 + 20: losing the 500 leaves 170 (still high); losing the 150 too leaves 20.
    const history = [order(500, 300), order(150, 200), order(20, 10)];
    expect(nextPlacementChange(yearly, { traits }, history, now)).toBe(now + 165 * DAY);
    expect(clusterOf(yearly, { traits }, history, now + 165 * DAY).cluster).toBe('question_mark');
    expect(clusterOf(yearly, { traits }, history, now + 165 * DAY - 1).cluster).toBe('star');
  });

  it('is null when time alone cannot move the customer', () => {
    expect(nextPlacementChange(yearly, { traits: { ltv: 5000 } }, [], now)).toBeNull();
    expect(nextPlacementChange(yearly, { traits: { ltv: 5000 } }, [order(20, 10)], now)).toBeNull();
    const traitsOnly: ClusterDefinition = { contribution: { type: 'trait', trait: 'spend' }, lifetimeValue: { type: 'trait', trait: 'ltv' }, thresholds };
    expect(nextPlacementChange(traitsOnly, { traits: { spend: 1, ltv: 1 } }, [order(500, 1)], now)).toBeNull();
  });

  it('sees a future-dated order coming into the window', () => {
    expect(nextPlacementChange(yearly, { traits: { ltv: 5000 } }, [order(500, -2)], now)).toBe(now + 2 * DAY);
  });

  it(`evaluates at most ${maxPlacementScan} edges, then answers the next one`, () => {
    const many = Array.from({ length: 100 }, (_, i) => order(500, i / 24));
    const edges = many.map((e) => e.at + 365 * DAY).sort((a, b) => a - b);
    expect(nextPlacementChange(yearly, { traits: { ltv: 5000 } }, many, now)).toBe(edges[maxPlacementScan]);
  });
});
