/**
 * `npm run bench:backtest`: what-if simulation throughput. Simulates synthetic customers' histories
 * through two example journeys with the pure backtest core (what `POST /v1/journeys/:id/backtests`
 * runs per customer) and prints events per second. Target: ≥ 20,000 events/s on 2 cores.
 *   --customers N   customers per journey (default 20,000)
 *   --events N      events per customer (default 10)
 */
import { complaintHandlingJourney } from '../../workflows/examples/complaint-handling.js';
import { winBackJourney } from '../../workflows/examples/win-back.js';
import { createBacktestPool } from '../../server/runtime/backtest/pool.js';
import { backtestCustomer, backtestReport, bindJourney, compile, emptyBacktest, type JourneyGraphInput, type SimulationEvent, type ValueCluster } from '../../workflows/index.js';

const arg = (name: string, fallback: number): number => {
  const index = process.argv.indexOf(`--${name}`);
  const value = index >= 0 ? Number(process.argv[index + 1]) : fallback;
  return Number.isFinite(value) && value > 0 ? value : fallback;
};
const customers = arg('customers', 20_000);
const perCustomer = arg('events', 10);
const DAY = 86_400_000;
const T0 = Date.UTC(2026, 2, 1);
const clusters: ValueCluster[] = ['star', 'question_mark', 'cash_cow', 'dog'];

const history = (journey: JourneyGraphInput, c: number): SimulationEvent[] => {
  const trigger = journey === winBackJourney ? 'Inactive 60 Days' : 'Complaint Filed';
  const names = [trigger, 'Page Viewed', 'Product Viewed', 'Order Completed', 'Discount Requested', 'Complaint Resolved'];
  return Array.from({ length: perCustomer }, (_, i) => ({
    type: 'track' as const,
    name: names[(c + i * 7) % names.length] as string,
    properties: { i, total: (c % 300) + 1 },
    at: T0 + i * 3 * DAY + (c % 1000) * 60_000,
  }));
};

const rows: string[][] = [];
let allEvents = 0;
let allMs = 0;
for (const journey of [winBackJourney, complaintHandlingJourney]) {
  const compiled = compile(journey);
  if (!compiled.ok) throw new Error(`${journey.id} does not compile`);
  const bound = bindJourney(compiled.journey);
  const acc = emptyBacktest();
  const inputs = Array.from({ length: customers }, (_, c) => history(journey, c));
  const started = performance.now();
  inputs.forEach((events, c) => {
    const profile = { id: `c${c}`, traits: { first_name: `C${c}`, email: `c${c}@example.com` }, stage: null, cluster: clusters[c % 4] ?? null, tags: [], timezone: null, consent: {} };
    backtestCustomer(acc, bound, profile, events, { from: T0, to: T0 + 40 * DAY });
  });
  const ms = performance.now() - started;
  const report = backtestReport(acc);
  allEvents += report.events;
  allMs += ms;
  rows.push([journey.id, String(report.customers), String(report.events), String(report.runs), String(report.steps), `${Math.round(ms)} ms`, `${Math.round((report.events / ms) * 1000).toLocaleString('en')} events/s`]);
}
// The same work spread over worker threads, as POST /v1/journeys/:id/backtests runs it.
const pool = createBacktestPool();
let poolEvents = 0;
const poolStarted = performance.now();
for (const journey of [winBackJourney, complaintHandlingJourney]) {
  const compiled = compile(journey);
  if (!compiled.ok) throw new Error(`${journey.id} does not compile`);
  const into = [emptyBacktest()];
  const pages: Promise<void>[] = [];
  for (let first = 0; first < customers; first += 500) {
    const page = Array.from({ length: Math.min(500, customers - first) }, (_, i) => {
      const c = first + i;
      return { customer: { id: `c${c}`, traits: { first_name: `C${c}`, email: `c${c}@example.com` }, stage: null, cluster: clusters[c % 4] ?? null, tags: [], timezone: null, consent: {} }, events: history(journey, c), history: [] };
    });
    pages.push(pool.run({ journeys: [compiled.journey], window: { from: T0, to: T0 + 40 * DAY }, customers: page }, into));
  }
  await Promise.all(pages);
  poolEvents += backtestReport(into[0] as (typeof into)[number]).events;
}
const poolMs = performance.now() - poolStarted;
await pool.close();

const header = ['journey', 'customers', 'events', 'runs', 'steps', 'time', 'throughput'];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
const line = (cells: string[]) => cells.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  ');
process.stdout.write(`${line(header)}\n${rows.map(line).join('\n')}\n`);
const overall = Math.round((allEvents / allMs) * 1000);
const parallel = Math.round((poolEvents / poolMs) * 1000);
process.stdout.write(`\none thread: ${overall.toLocaleString('en')} events/s\n`);
process.stdout.write(`backtest throughput with ${pool.size} worker threads (as the API runs it): ${parallel.toLocaleString('en')} events/s (target ≥ 20,000 events/s) on ${process.platform} ${process.arch}, node ${process.version}\n`);
