import { describe, expect, it } from 'vitest';
import { exampleJourneys } from './examples/index.js';
import { bindJourney, compile, firstDifference, replayRun, simulate, type SimulationEvent } from './index.js';

const T0 = Date.UTC(2026, 0, 5, 10);
const DAY = 86_400_000;

describe('replay of simulated runs', () => {
  // Every example journey, driven by a mix of events that touches most of its nodes.
  const events: SimulationEvent[] = [
    { type: 'identify', traits: { first_name: 'Ada', email: 'ada@example.com', phone: '+1 555 0100', ltv: 900 }, at: T0 - 1 },
    ...['E-book Downloaded', 'Product Viewed', 'Complaint Filed', 'Inactive 60 Days', 'Order Completed', 'Order Delivered'].map(
      (name, i): SimulationEvent => ({ type: 'track', name, properties: { total: 250, title: 'CRM basics', score: 10 }, at: T0 + i * 60_000 }),
    ),
    { type: 'stage_changed', from: null, to: 'keep_reactivate', at: T0 + DAY },
    { type: 'track', name: 'Survey Answered', properties: { score: 10 }, at: T0 + 3 * DAY },
    { type: 'track', name: 'Order Completed', properties: { total: 90, category: 'accessories' }, at: T0 + 5 * DAY },
  ];

  for (const graph of exampleJourneys) {
    it(`${graph.id}: every run replays exactly`, () => {
      const result = compile(graph);
      if (!result.ok) throw new Error('example does not compile');
      const bound = bindJourney(result.journey);
      const simulation = simulate(bound, { id: 'ada', cluster: 'star' }, events, { until: T0 + 40 * DAY });
      expect(simulation.steps.length).toBeGreaterThan(0);
      for (const run of simulation.runs) {
        const steps = JSON.parse(JSON.stringify(simulation.steps.filter((s) => s.runId === run.runId)));
        expect(replayRun(() => bindJourney(result.journey), steps, 0)).toEqual({ runId: run.runId, steps: steps.length, matched: true, divergence: null });
      }
    });
  }
});

describe('firstDifference', () => {
  it('finds the first differing path, keys in order, arrays by index', () => {
    expect(firstDifference({ a: 1, b: [1, 2] }, { a: 1, b: [1, 2] })).toBeNull();
    expect(firstDifference({ a: 1, b: [1, 2] }, { a: 1, b: [1, 3] })).toEqual({ path: 'b.1', recorded: 2, replayed: 3 });
    expect(firstDifference({ a: { x: 1 } }, { a: { x: 1, y: 2 } })).toEqual({ path: 'a.y', recorded: undefined, replayed: 2 });
    expect(firstDifference([1], { 0: 1 })).toEqual({ path: '', recorded: [1], replayed: { 0: 1 } });
  });
});
