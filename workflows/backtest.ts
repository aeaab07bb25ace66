import type { CustomerProfile } from './domain.js';
import type { BoundJourney } from './implementations.js';
import type { EventView } from './events.js';
import { simulate, type SimulationEvent, type SimulationResult } from './simulator.js';

/**
 * What-if simulation over history ("backtest"): run one journey version or draft for many
 * customers against their recorded events on a virtual clock, with no effects performed, and sum
 * up what would have happened. Pure: the server feeds customers in, one at a time, and reads the
 * running report.
 */

export interface NodeCounts {
  /** Runs that entered the node. */
  entered: number;
  /** Runs still waiting there when the window ended. */
  waiting: number;
  /** Runs that left through each outcome (or ended there, under "ended"). */
  exited: Record<string, number>;
}

export interface BacktestReport {
  customers: number;
  events: number;
  runs: number;
  steps: number;
  nodes: Record<string, NodeCounts>;
  effects: Record<string, { count: number; cost: number }>;
  outcomes: { converted: number; exited: number; active: number };
  /** Runs ended early by an exit criterion (journey-wide exit events or rules), by reason. */
  exitedEarly: Record<string, number>;
  /** Time from entry to conversion, ms: median and a histogram by bucket label. */
  timeToGoal: { count: number; medianMs: number | null; histogram: { label: string; upToMs: number | null; count: number }[] };
  /** Customers whose simulation hit the step limit (their numbers are partial). */
  truncatedCustomers: number;
}

/** Time-to-goal histogram buckets, shared by backtests and journey reports. */
export const goalBuckets: readonly { label: string; upToMs: number | null }[] = [
  { label: '≤ 1 hour', upToMs: 3_600_000 },
  { label: '≤ 1 day', upToMs: 86_400_000 },
  { label: '≤ 3 days', upToMs: 3 * 86_400_000 },
  { label: '≤ 7 days', upToMs: 7 * 86_400_000 },
  { label: '≤ 14 days', upToMs: 14 * 86_400_000 },
  { label: '≤ 30 days', upToMs: 30 * 86_400_000 },
  { label: 'longer', upToMs: null },
];

export interface BacktestAccumulator {
  report: BacktestReport;
  /** Conversion times so far (for the median). */
  goalTimes: number[];
}

export const emptyBacktest = (): BacktestAccumulator => ({
  report: {
    customers: 0,
    events: 0,
    runs: 0,
    steps: 0,
    nodes: {},
    effects: {},
    outcomes: { converted: 0, exited: 0, active: 0 },
    exitedEarly: {},
    timeToGoal: { count: 0, medianMs: null, histogram: goalBuckets.map((b) => ({ ...b, count: 0 })) },
    truncatedCustomers: 0,
  },
  goalTimes: [],
});

const bump = (record: Record<string, number>, key: string, by = 1): void => {
  record[key] = (record[key] ?? 0) + by;
};

const nodeOf = (report: BacktestReport, nodeId: string): NodeCounts => (report.nodes[nodeId] ??= { entered: 0, waiting: 0, exited: {} });

/** Adds one customer's simulation to the report. */
export const addSimulation = (acc: BacktestAccumulator, bound: BoundJourney, result: SimulationResult, events: number): void => {
  const { report } = acc;
  const { compiled } = bound;
  report.customers += 1;
  report.events += events;
  report.runs += result.runs.length;
  report.steps += result.steps.length;
  if (result.truncated) report.truncatedCustomers += 1;
  // Where runs went from each node: consecutive nodes along each run's whole path (all its steps).
  const pathOf = new Map<string, string[]>();
  for (const step of result.steps) {
    const path = pathOf.get(step.runId) ?? [];
    path.push(...step.path);
    pathOf.set(step.runId, path);
    for (const nodeId of step.path) nodeOf(report, nodeId).entered += 1;
    for (const effect of step.effects) {
      const channel = (report.effects[effect.channel] ??= { count: 0, cost: 0 });
      channel.count += 1;
      channel.cost += effect.cost ?? 0;
    }
  }
  for (const path of pathOf.values()) {
    path.forEach((nodeId, i) => {
      const next = path[i + 1];
      if (next !== undefined) bump(nodeOf(report, nodeId).exited, `→ ${next}`);
    });
  }
  for (const run of result.runs) {
    if (run.status === 'active') {
      report.outcomes.active += 1;
      nodeOf(report, run.snapshot.value).waiting += 1;
      continue;
    }
    const last = run.snapshot.value;
    if (compiled.machine.states[last]?.type === 'final' && !last.startsWith('@')) bump(nodeOf(report, last).exited, 'ended');
    if (run.outcome === 'converted') {
      report.outcomes.converted += 1;
      const steps = result.steps.filter((s) => s.runId === run.runId);
      const endedAt = steps[steps.length - 1]?.at ?? run.snapshot.context.enteredAt;
      const took = endedAt - run.snapshot.context.enteredAt;
      acc.goalTimes.push(took);
      const bucket = report.timeToGoal.histogram.find((b) => b.upToMs === null || took <= b.upToMs);
      if (bucket) bucket.count += 1;
    } else {
      report.outcomes.exited += 1;
      if (last.startsWith('@exit')) bump(report.exitedEarly, run.reason ?? last);
    }
  }
};

/** The report with the time-to-goal median filled in (call when reading progress or at the end). */
export const backtestReport = (acc: BacktestAccumulator): BacktestReport => {
  const times = [...acc.goalTimes].sort((a, b) => a - b);
  return {
    ...acc.report,
    timeToGoal: { ...acc.report.timeToGoal, count: times.length, medianMs: times.length === 0 ? null : (times[Math.floor((times.length - 1) / 2)] as number) },
  };
};

/** Simulates one customer for a backtest window (no effects are performed; none leave the process). */
export const backtestCustomer = (
  acc: BacktestAccumulator,
  bound: BoundJourney,
  customer: CustomerProfile,
  events: readonly SimulationEvent[],
  window: { from: number; to: number },
  history: readonly EventView[] = [],
  maxSteps = 2_000,
): void => {
  const result = simulate(bound, customer, events, { start: window.from, until: window.to, history, maxSteps, runIdPrefix: `${customer.id}:` });
  addSimulation(acc, bound, result, events.length);
};

export interface BacktestComparison {
  nodes: Record<string, { a: NodeCounts | null; b: NodeCounts | null; enteredDelta: number }>;
  effects: Record<string, { a: number; b: number; costDelta: number }>;
  conversions: { a: number; b: number; delta: number };
}

/** Side-by-side differences of two reports over the same history (a = candidate, b = baseline). */
export const compareBacktests = (a: BacktestReport, b: BacktestReport): BacktestComparison => {
  const nodes: BacktestComparison['nodes'] = {};
  for (const id of [...new Set([...Object.keys(a.nodes), ...Object.keys(b.nodes)])].sort()) {
    const left = a.nodes[id] ?? null;
    const right = b.nodes[id] ?? null;
    nodes[id] = { a: left, b: right, enteredDelta: (left?.entered ?? 0) - (right?.entered ?? 0) };
  }
  const effects: BacktestComparison['effects'] = {};
  for (const channel of [...new Set([...Object.keys(a.effects), ...Object.keys(b.effects)])].sort()) {
    const left = a.effects[channel];
    const right = b.effects[channel];
    effects[channel] = { a: left?.count ?? 0, b: right?.count ?? 0, costDelta: (left?.cost ?? 0) - (right?.cost ?? 0) };
  }
  return { nodes, effects, conversions: { a: a.outcomes.converted, b: b.outcomes.converted, delta: a.outcomes.converted - b.outcomes.converted } };
};

/** Adds `other` into `acc` (partial results from parallel workers). */
export const mergeBacktests = (acc: BacktestAccumulator, other: BacktestAccumulator): void => {
  const a = acc.report;
  const b = other.report;
  a.customers += b.customers;
  a.events += b.events;
  a.runs += b.runs;
  a.steps += b.steps;
  a.truncatedCustomers += b.truncatedCustomers;
  a.outcomes.converted += b.outcomes.converted;
  a.outcomes.exited += b.outcomes.exited;
  a.outcomes.active += b.outcomes.active;
  for (const [reason, n] of Object.entries(b.exitedEarly)) bump(a.exitedEarly, reason, n);
  for (const [nodeId, counts] of Object.entries(b.nodes)) {
    const target = nodeOf(a, nodeId);
    target.entered += counts.entered;
    target.waiting += counts.waiting;
    for (const [to, n] of Object.entries(counts.exited)) bump(target.exited, to, n);
  }
  for (const [channel, totals] of Object.entries(b.effects)) {
    const target = (a.effects[channel] ??= { count: 0, cost: 0 });
    target.count += totals.count;
    target.cost += totals.cost;
  }
  a.timeToGoal.histogram.forEach((bucket, i) => {
    bucket.count += b.timeToGoal.histogram[i]?.count ?? 0;
  });
  acc.goalTimes.push(...other.goalTimes);
};
