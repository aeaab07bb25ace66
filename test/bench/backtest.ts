/**
 * `npm run bench:backtest`: what-if simulation throughput. Simulates synthetic customers' histories
 * through two example journeys with the pure backtest core (what `POST /v1/journeys/:id/backtests`
 * runs per customer), first on this thread, then spread over the worker threads the API uses, and
 * prints events per second, CPU time per event and the machine's load (the CPU figure is the
 * steadier one on a shared machine). Target: ≥ 20,000 events/s on 2 cores.
 *   --customers N   customers per journey (default 20,000)
 *   --events N      events per customer (default 10)
 */
import { loadavg } from 'node:os';
import { numberArg } from './args.js';
import { complaintHandlingJourney } from '../../workflows/examples/complaint-handling.js';
import { winBackJourney } from '../../workflows/examples/win-back.js';
import { createBacktestPool } from '../../server/runtime/backtest/pool.js';
import { backtestCustomer, backtestReport, bindJourney, compile, emptyBacktest, type CustomerProfile, type JourneyGraphInput, type SimulationEvent, type ValueCluster } from '../../workflows/index.js';

const customers = numberArg('customers', 20_000);
const perCustomer = numberArg('events', 10);
const DAY = 86_400_000;
const T0 = Date.UTC(2026, 2, 1);
const window = { from: T0, to: T0 + 40 * DAY };
const clusters: ValueCluster[] = ['star', 'question_mark', 'cash_cow', 'dog'];
const journeys = [winBackJourney, complaintHandlingJourney];

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
const profile = (c: number): CustomerProfile => ({ id: `c${c}`, traits: { first_name: `C${c}`, email: `c${c}@example.com` }, stage: null, cluster: clusters[c % 4] ?? null, tags: [], timezone: null, consent: {} });
const compiledOf = (journey: JourneyGraphInput) => {
  const compiled = compile(journey);
  if (!compiled.ok) throw new Error(`${journey.id} does not compile`);
  return compiled.journey;
};

/** Wall and CPU time (this process: every thread) of `work`. */
const measure = async (work: () => Promise<number> | number): Promise<{ events: number; ms: number; cpuMs: number }> => {
  const cpu = process.cpuUsage();
  const started = performance.now();
  const events = await work();
  const ms = performance.now() - started;
  const used = process.cpuUsage(cpu);
  return { events, ms, cpuMs: (used.user + used.system) / 1000 };
};
const perSecond = (events: number, ms: number) => `${Math.round((events / ms) * 1000).toLocaleString('en')} events/s`;
const cpuPerEvent = (cpuMs: number, events: number) => `${((cpuMs * 1000) / events).toFixed(1)} µs CPU/event`;
const load = () => loadavg().map((l) => l.toFixed(2)).join(', ');

const loadBefore = load();
const rows: string[][] = [];
let single = { events: 0, ms: 0, cpuMs: 0 };
for (const journey of journeys) {
  const bound = bindJourney(compiledOf(journey));
  const inputs = Array.from({ length: customers }, (_, c) => history(journey, c));
  const acc = emptyBacktest();
  const m = await measure(() => {
    inputs.forEach((events, c) => backtestCustomer(acc, bound, profile(c), events, window));
    return backtestReport(acc).events;
  });
  const report = backtestReport(acc);
  single = { events: single.events + m.events, ms: single.ms + m.ms, cpuMs: single.cpuMs + m.cpuMs };
  rows.push([journey.id, String(report.customers), String(report.events), String(report.runs), String(report.steps), `${Math.round(m.ms)} ms`, perSecond(m.events, m.ms), cpuPerEvent(m.cpuMs, m.events)]);
}

// The same work spread over worker threads, in pages, as POST /v1/journeys/:id/backtests runs it.
// The threads' start-up (loading the journey language) is timed on its own: it is paid once per backtest.
const pool = createBacktestPool();
const startup = await measure(async () => {
  const warm = { journeys: [compiledOf(winBackJourney)], window, customers: [{ customer: profile(0), events: history(winBackJourney, 0), history: [] }] };
  await Promise.all(Array.from({ length: pool.size }, () => pool.run(warm, [emptyBacktest()])));
  return 0;
});
const pages = journeys.map((journey) => {
  const compiled = compiledOf(journey);
  const list = [];
  for (let first = 0; first < customers; first += 500) {
    list.push({ journeys: [compiled], window, customers: Array.from({ length: Math.min(500, customers - first) }, (_, i) => ({ customer: profile(first + i), events: history(journey, first + i), history: [] })) });
  }
  return list;
});
const parallel = await measure(async () => {
  let events = 0;
  for (const list of pages) {
    const into = [emptyBacktest()];
    await Promise.all(list.map((page) => pool.run(page, into)));
    events += backtestReport(into[0] as (typeof into)[number]).events;
  }
  return events;
});
await pool.close();
const loadAfter = load();

const header = ['journey', 'customers', 'events', 'runs', 'steps', 'time', 'throughput', 'CPU'];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
const line = (cells: string[]) => cells.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  ');
process.stdout.write(`${line(header)}\n${rows.map(line).join('\n')}\n\n`);
process.stdout.write(`one thread: ${perSecond(single.events, single.ms)}, ${cpuPerEvent(single.cpuMs, single.events)}\n`);
process.stdout.write(`${pool.size} worker threads: start-up ${Math.round(startup.ms)} ms (${Math.round(startup.cpuMs)} ms CPU), then ${cpuPerEvent(parallel.cpuMs, parallel.events)} (all threads)\n`);
const verdict = parallel.events / parallel.ms * 1000 >= 20_000 ? 'meets' : 'below';
process.stdout.write(`backtest throughput with ${pool.size} worker threads (as the API runs it): ${perSecond(parallel.events, parallel.ms)} — ${verdict} the target of ≥ 20,000 events/s — on ${process.platform} ${process.arch}, node ${process.version}\n`);
process.stdout.write(`load average (1, 5, 15 min): ${loadBefore} before, ${loadAfter} after (the machine's cores are shared; CPU per event is the steadier figure)\n`);
