import { parseArgs } from 'node:util';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import type postgres from 'postgres';
import { connectPostgres } from '../../drizzle/db.js';
import { measureCeiling, setUpCeiling, tearDownCeiling, type CeilingResult } from './ceiling.js';
import { backlog, driveClosed, driveOpen, drained, percentile, sleep, type SegmentCall } from './load.js';
import { createClient, startBenchServer, type BenchServer } from './server.js';
import { postgresUsage } from './postgres-usage.js';
import { seedWaitingRuns } from './seed.js';
import { benchJourney as journey, customerId, order, signUp } from './journey.js';
import { autovacuumIsOn, startVacuumStandIn, vacuumScaleFactor, vacuumThreshold, type VacuumStandIn } from './vacuum.js';

/**
 * `npm run bench`: the runtime end to end on PostgreSQL — HTTP ingest → committed → worker →
 * outbox → dispatcher (development mailbox) — next to the raw PostgreSQL ceiling measured in the
 * same run. Creates a fresh database (DATABASE_URL names the server, default the local one), starts
 * the real server as a subprocess, prints a table and drops everything.
 *
 *   npm run bench -- --runs 10000,100000,1000000 --seconds 20
 *
 * Phases: (1) the raw ceiling; (2) server + journey (condition, email, wait-for-event) published
 * through the API; (3) the first `--runs` level of waiting runs created over HTTP (identify + Signed
 * Up each), RSS; (4) sustained throughput, closed loop: `--connections` senders post
 * `--batch-size` Order Completed calls while fewer than `--window` events are unfinished (each event
 * rehydrates a run, sends an email, re-arms the run's timeout); (5) latency at half that rate, open
 * loop; (6) timer lateness: `--timers` runs get their timeout brought forward; then each further
 * `--runs` level is cloned in SQL (seed.ts) and loaded again, RSS at each.
 *
 * RAPPORT_* variables in the environment are passed to the server (e.g. RAPPORT_BATCH_CUSTOMERS).
 */
const { values: args } = parseArgs({
  options: {
    runs: { type: 'string', default: '10000,100000' },
    seconds: { type: 'string', default: '20' },
    warmup: { type: 'string', default: '4' },
    connections: { type: 'string', default: '4' },
    'batch-size': { type: 'string', default: '250' },
    window: { type: 'string', default: '3000' },
    timers: { type: 'string', default: '2000' },
    'ceiling-seconds': { type: 'string', default: '8' },
    'latency-rate': { type: 'string' },
    'skip-ceiling': { type: 'boolean', default: false },
    /** Write a V8 CPU profile of the server to this directory (open it in Chrome DevTools). */
    'server-profile': { type: 'string' },
  },
});
const num = (name: keyof typeof args): number => {
  const value = Number(args[name]);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} must be a positive number`);
  return value;
};
const runLevels = String(args.runs).split(',').map(Number).filter((n) => n > 0).sort((a, b) => a - b);
const seconds = num('seconds');
const warmup = num('warmup');
const connections = num('connections');
const batchSize = num('batch-size');
const window = num('window');
const timerCount = num('timers');
const workerBatch = Number(process.env.RAPPORT_BATCH_CUSTOMERS ?? 200);
if (runLevels.length === 0) throw new Error('--runs needs at least one count, e.g. --runs 10000,100000');

// Before test/support/database.ts is loaded: it reads DATABASE_URL once, when imported.
process.env.DATABASE_URL ??= 'postgres://postgres@127.0.0.1:5432/postgres';
const { createTestDatabase } = await import('../support/database.js');
const rows: { figure: string; value: string; target: string }[] = [];
const report = (figure: string, value: string, note?: string, target = '') => {
  rows.push({ figure, value, target });
  console.log(`  ${figure}: ${value}${note ? `  (${note})` : ''}`);
};
const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

interface CpuSnapshot {
  /** Rows inserted, updated and deleted so far in the benchmark database (all tables). */
  rowWrites: number;
  serverMs: number;
  postgresMs: number;
  idleTicks: number;
  totalTicks: number;
}

/** CPU used so far by the server process and by the PostgreSQL backends serving it, and the machine's idle time. */
const cpuSnapshot = async (sql: postgres.Sql, server: BenchServer): Promise<CpuSnapshot> => {
  const { postgresMs, rowWrites } = await postgresUsage(sql);
  const cpu = (readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '').split(/\s+/).slice(1).map(Number);
  return { rowWrites, serverMs: server.cpuMs(), postgresMs, idleTicks: (cpu[3] ?? 0) + (cpu[4] ?? 0), totalTicks: cpu.reduce((a, b) => a + b, 0) };
};

const main = async () => {
  console.log(`Rapport runtime benchmark — ${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'unknown CPU'}), ${fmt(os.totalmem() / 2 ** 30, 1)} GiB, Node ${process.version}; load average ${os.loadavg().map((l) => fmt(l, 1)).join(' ')}`);
  const database = await createTestDatabase();
  const url = database.url;
  if (!url) throw new Error('no database');
  const sql = connectPostgres(url, { max: 2, onnotice: () => undefined, connection: { application_name: 'rapport-bench' } });
  const [pgVersion] = await sql<{ v: string }[]>`select current_setting('server_version') as v`;
  console.log(`PostgreSQL ${pgVersion?.v ?? '?'} at ${new URL(url).host}; worker batch ${workerBatch} customers × ${process.env.RAPPORT_WORKER_CONCURRENCY ?? 'default'} loops, dispatch batch ${process.env.RAPPORT_DISPATCH_BATCH ?? 'default'}; load: ${connections} connections × ${batchSize} calls/request`);
  let server: BenchServer | null = null;
  let client: ReturnType<typeof createClient> | null = null;
  const vacuumSql = connectPostgres(url, { max: 1, onnotice: () => undefined, connection: { application_name: 'rapport-bench-vacuum' } });
  let vacuum: VacuumStandIn | null = null;
  let cleaning: Promise<void> | null = null;
  const cleanUp = () =>
    (cleaning ??= (async () => {
      await vacuum?.stop();
      await vacuumSql.end();
      client?.close();
      await server?.stop();
      await sql.end();
      await database.drop();
    })());
  // Ctrl-C: stop the server and drop the database rather than leave them behind.
  process.once('SIGINT', () => void cleanUp().finally(() => process.exit(130)));
  process.once('unhandledRejection', (error) => {
    console.error(error);
    void cleanUp().finally(() => process.exit(1));
  });
  try {
    // 1. The raw ceiling, before the server exists (nothing else competes for the two cores).
    const ceilings: CeilingResult[] = [];
    if (!args['skip-ceiling']) {
      console.log('\n[1/6] raw PostgreSQL ceiling (postgres.js, no engine: insert event + update snapshot + insert effect)');
      const ceilingSeconds = num('ceiling-seconds');
      await setUpCeiling(url, 4);
      for (const [mode, lanes] of [['batched', 1], ['batched', 4], ['per-event', 1], ['per-event', 4]] as const) {
        const result = await measureCeiling(url, { mode, connections: lanes, batchSize: workerBatch, seconds: ceilingSeconds });
        ceilings.push(result);
        report(`ceiling ${mode}${mode === 'batched' ? ` (${workerBatch}/tx)` : ''}, ${lanes} connection${lanes > 1 ? 's' : ''}`, `${fmt(result.perSecond)} events/s`);
      }
      await tearDownCeiling(url);
    }
    const ceiling = Math.max(0, ...ceilings.filter((c) => c.mode === 'batched').map((c) => c.perSecond));

    // 2. The server, the journey.
    console.log('\n[2/6] server and journey');
    server = await startBenchServer(url, { profileDir: args['server-profile'] });
    client = createClient(server.url, connections);
    await client.admin('POST', '/v1/journeys', journey);
    await client.admin('POST', `/v1/journeys/${journey.id}/publish`, { note: 'benchmark' });
    console.log(`  server pid ${server.pid} at ${server.url}; RSS ${fmt(server.memory().rssMiB)} MiB idle`);
    if (!(await autovacuumIsOn(sql))) {
      vacuum = startVacuumStandIn(vacuumSql);
      console.log(
        `  autovacuum is off on this server: the bench vacuums/analyzes tables itself every 5 s past ${vacuumThreshold} + ${vacuumScaleFactor} × live rows changed (its CPU counts as PostgreSQL's)`,
      );
    }

    // 3. Waiting runs, level by level; RSS at each.
    let created = 0;
    const populate = async (target: number) => {
      const started = performance.now();
      const from = created;
      const result = await driveClosed(client as NonNullable<typeof client>, sql, {
        connections,
        seconds: 3_600,
        window,
        next: () => {
          if (created >= target) return null;
          const calls: SegmentCall[] = [];
          while (calls.length < batchSize && created < target) calls.push(...signUp(created++));
          return calls;
        },
      });
      if (!(await drained(sql, 300_000))) throw new Error('the server did not finish creating runs within 5 minutes');
      const elapsed = (performance.now() - started) / 1000;
      const [active] = await sql<{ n: number }[]>`select count(*)::int as n from runs where status = 'active'`;
      report(
        `runs created ${fmt(from)} → ${fmt(target)} (identify + Signed Up → welcome email each)`,
        `${fmt(result.sent / elapsed)} events/s`,
        `${fmt(target - from)} runs in ${fmt(elapsed, 1)} s; ${fmt(active?.n ?? 0)} waiting`,
      );
      await sleep(1_000);
      const memory = (server as BenchServer).memory();
      report(`server RSS with ${fmt(active?.n ?? 0)} waiting runs`, `${fmt(memory.rssMiB)} MiB`, `peak so far ${fmt(memory.peakMiB)} MiB`, 'flat');
    };

    /**
     * Customers whose run waits for an order: index ranges [from, to). Orders go to them in a
     * scattered order (a stride coprime to the count), so a large population is touched all over,
     * not just at its hot start.
     */
    const waiting: [number, number][] = [];
    let cursor = 0;
    const nextWaiting = (): number => {
      const total = waiting.reduce((n, [from, to]) => n + to - from, 0);
      let k = (cursor++ * 7_919) % total;
      for (const [from, to] of waiting) {
        if (k < to - from) return from + k;
        k -= to - from;
      }
      throw new Error('no waiting runs');
    };

    /** Closed-loop Order Completed to waiting runs: every event rehydrates a run, sends an email and re-arms its timeout. */
    const sustained = async (label: string, phaseSeconds: number): Promise<number> => {
      const wallStart = Date.now();
      let before: CpuSnapshot | null = null;
      const warm = setTimeout(() => void cpuSnapshot(sql, server as BenchServer).then((snap) => (before = snap)), warmup * 1000);
      const result = await driveClosed(client as NonNullable<typeof client>, sql, {
        connections,
        seconds: phaseSeconds,
        window,
        next: () => Array.from({ length: batchSize }, () => order(nextWaiting()).call),
      });
      const wallEnd = Date.now();
      clearTimeout(warm);
      const after = await cpuSnapshot(sql, server as BenchServer);
      await drained(sql, 120_000);
      const from = wallStart + warmup * 1000;
      const [counts] = await sql<{ dispatched: number; processed: number; ingested: number }[]>`select
        (select count(*) from effects where node_id = 'thanks' and sent_at >= ${from} and sent_at < ${wallEnd})::int as dispatched,
        (select count(*) from events where processed_at >= ${from} and processed_at < ${wallEnd})::int as processed,
        (select count(*) from events where received_at >= ${from} and received_at < ${wallEnd})::int as ingested`;
      const windowSeconds = (wallEnd - from) / 1000;
      const dispatched = counts?.dispatched ?? 0;
      const rate = dispatched / windowSeconds;
      report(
        `${label}: sustained end to end (Order Completed → email dispatched)`,
        `${fmt(rate)} events/s`,
        `ingested ${fmt((counts?.ingested ?? 0) / windowSeconds)}/s, worker ${fmt((counts?.processed ?? 0) / windowSeconds)}/s; ${fmt(result.sent)} events in ${fmt(result.seconds, 1)} s, measured after ${warmup} s warm-up; ack p50 ${fmt(percentile(result.ackMs, 50))} ms p99 ${fmt(percentile(result.ackMs, 99))} ms per ${batchSize}-call request`,
        '≥ 4,000 events/s',
      );
      if (before && dispatched > 0) {
        const b: CpuSnapshot = before;
        report(
          `${label}: CPU per event`,
          `server ${fmt((after.serverMs - b.serverMs) / dispatched, 3)} ms, PostgreSQL ${fmt((after.postgresMs - b.postgresMs) / dispatched, 3)} ms`,
          `machine busy ${fmt(100 * (1 - (after.idleTicks - b.idleTicks) / Math.max(1, after.totalTicks - b.totalTicks)))} % over ${os.cpus().length} cores; ${fmt((after.rowWrites - b.rowWrites) / dispatched, 1)} row writes per event (the ceiling makes 3)`,
        );
      }
      return rate;
    };

    console.log(`\n[3/6] ${fmt(runLevels[0] ?? 0)} waiting runs`);
    await populate(runLevels[0] ?? 0);
    const timerPoolStart = Math.max(0, created - Math.min(timerCount, Math.floor(created / 2)));
    waiting.push([0, timerPoolStart]);

    // 4. Sustained throughput (closed loop), then latency at half of it (open loop).
    console.log(`\n[4/6] sustained throughput over ${fmt(timerPoolStart)} waiting runs, ${seconds} s`);
    const rate = await sustained(`${fmt(created)} runs`, seconds);
    if (ceiling > 0) report('end to end ÷ raw batched ceiling', `${fmt((100 * rate) / ceiling)} %`, undefined, '≥ 50 %');
    const memoryAfterLoad = server.memory();
    report('server RSS after the sustained phase', `${fmt(memoryAfterLoad.rssMiB)} MiB`, `peak ${fmt(memoryAfterLoad.peakMiB)} MiB`);

    const latencyRate = args['latency-rate'] ? num('latency-rate') : Math.max(50, Math.floor(rate / 2));
    // Open loop: a request every 20 ms, each on a free connection (up to 32), as many independent senders would.
    console.log(`\n[5/6] latency at ${fmt(latencyRate)} events/s (open loop, a request every 20 ms, ${seconds} s)`);
    const sentAt = new Map<string, number>();
    const phaseStart = Date.now();
    const senders = createClient(server.url, 32);
    const open = await driveOpen(senders, {
      rate: latencyRate,
      seconds,
      tickMs: 20,
      next: (count, dueAt) =>
        Array.from({ length: count }, () => {
          const { orderId, call } = order(nextWaiting());
          sentAt.set(orderId, dueAt);
          return call;
        }),
    });
    senders.close();
    if (!(await drained(sql, 120_000))) console.log('  (backlog did not drain within 2 minutes)');
    const confirmations = await sql<{ subject: string; sent_at: number }[]>`
      select payload->>'subject' as subject, sent_at::float8 as sent_at from effects where node_id = 'thanks' and created_at >= ${phaseStart} and status = 'sent'`;
    const latencies: number[] = [];
    for (const row of confirmations) {
      const orderId = /^Order (\S+) confirmed$/.exec(row.subject)?.[1];
      const due = orderId === undefined ? undefined : sentAt.get(orderId);
      if (due !== undefined) latencies.push(row.sent_at - due);
    }
    report(
      `latency ingest → email dispatched at ${fmt(latencyRate)} events/s`,
      `p50 ${fmt(percentile(latencies, 50))} ms, p99 ${fmt(percentile(latencies, 99))} ms`,
      `${fmt(latencies.length)} of ${fmt(open.sent)} events, max ${fmt(percentile(latencies, 100))} ms; ack p50 ${fmt(percentile(open.ackMs, 50))} ms p99 ${fmt(percentile(open.ackMs, 99))} ms`,
      'p99 ≤ 100 ms',
    );
    // Where that time goes: committed → applied by the worker, and the email's step → dispatched.
    const [stages] = await sql<{ worker: number[]; dispatch: number[] }[]>`
      select
        (select array_agg((processed_at - received_at)::float8) from events where name = 'Order Completed' and received_at >= ${phaseStart}) as worker,
        (select array_agg((sent_at - created_at)::float8) from effects where node_id = 'thanks' and created_at >= ${phaseStart} and status = 'sent') as dispatch`;
    const worker = stages?.worker ?? [];
    const dispatch = stages?.dispatch ?? [];
    report(
      '  of which committed → step recorded (worker)',
      `p50 ${fmt(percentile(worker, 50))} ms, p99 ${fmt(percentile(worker, 99))} ms`,
      `and step → email dispatched: p50 ${fmt(percentile(dispatch, 50))} ms, p99 ${fmt(percentile(dispatch, 99))} ms`,
    );

    // 6. Timers: bring the timeouts of the runs held back forward, spread over a few seconds, and see when they fire.
    const timerRuns = created - timerPoolStart;
    console.log(`\n[6/6] timer lateness: ${fmt(timerRuns)} timeouts brought forward to fire over 10 s`);
    if (timerRuns > 0) {
      const ids = Array.from({ length: timerRuns }, (_, i) => customerId(timerPoolStart + i));
      const base = Date.now() + 1_000;
      await sql`create table bench_timer_due as
        select run_id, timer_id, (${base}::bigint + ((row_number() over (order by run_id)) * 10000 / ${timerRuns}))::bigint as due_at
        from timers where customer_id = any(${ids})`;
      await sql`update timers t set due_at = d.due_at from bench_timer_due d where t.run_id = d.run_id and t.timer_id = d.timer_id`;
      await sleep(11_000);
      await drained(sql, 120_000);
      while ((await sql`select 1 from timers where due_at <= ${Date.now()} limit 1`).length > 0) await sleep(100);
      await drained(sql, 120_000);
      const fired = await sql<{ late: number; dispatched: number | null }[]>`
        select (s.at - d.due_at)::float8 as late, (e.sent_at - d.due_at)::float8 as dispatched
        from bench_timer_due d
        join run_steps s on s.run_id = d.run_id and s.step->'input'->>'type' = 'timer'
        left join effects e on e.run_id = d.run_id and e.node_id = 'farewell'`;
      const late = fired.map((f) => f.late);
      const dispatched = fired.flatMap((f) => (f.dispatched === null ? [] : [f.dispatched]));
      report(
        'timer lateness (due → step recorded)',
        `p50 ${fmt(percentile(late, 50))} ms, p99 ${fmt(percentile(late, 99))} ms`,
        `${fmt(fired.length)} of ${fmt(timerRuns)} fired, max ${fmt(percentile(late, 100))} ms; due → farewell email dispatched p50 ${fmt(percentile(dispatched, 50))} ms p99 ${fmt(percentile(dispatched, 99))} ms`,
      );
      await sql`drop table bench_timer_due`;
    }

    // More waiting runs: RSS must stay flat and throughput should not depend on how many runs wait.
    for (const level of runLevels.slice(1)) {
      console.log(`\n[+] ${fmt(level)} waiting runs`);
      const started = performance.now();
      await seedWaitingRuns(sql, customerId(0), created, level);
      waiting.push([created, level]);
      console.log(`  ${fmt(level - created)} waiting runs cloned from c0's in ${fmt((performance.now() - started) / 1000, 1)} s (SQL; see test/bench/seed.ts)`);
      created = level;
      await sustained(`${fmt(level)} runs`, Math.min(seconds, 15));
      const memory = server.memory();
      report(`server RSS after load over ${fmt(level)} waiting runs`, `${fmt(memory.rssMiB)} MiB`, `peak ${fmt(memory.peakMiB)} MiB`, 'flat');
    }
    const left = await backlog(sql);
    if (left > 0) console.log(`  (backlog at the end: ${left})`);
  } finally {
    await cleanUp();
  }

  console.log(`\nload average at the end: ${os.loadavg().map((l) => fmt(l, 1)).join(' ')} (other processes on the machine compete for the ${os.cpus().length} cores)`);
  const width = Math.max(...rows.map((r) => r.figure.length));
  const valueWidth = Math.max(...rows.map((r) => r.value.length));
  console.log(`\n${'figure'.padEnd(width)}  ${'measured'.padEnd(valueWidth)}  target\n${'-'.repeat(width)}  ${'-'.repeat(valueWidth)}  ------`);
  for (const row of rows) console.log(`${row.figure.padEnd(width)}  ${row.value.padEnd(valueWidth)}  ${row.target}`);
};

await main();
