import { parseArgs } from 'node:util';
import { mkdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import type postgres from 'postgres';
import { connectPostgres } from '../../drizzle/db.js';
import { createApp } from '../../server/app.js';
import { bootstrapWorkspace } from '../../server/bootstrap.js';
import { testConfig } from '../../server/config.js';
import { dispatchBatch } from '../../server/runtime/dispatcher.js';
import { processBatch } from '../../server/runtime/worker.js';
import { createServices } from '../../server/services-factory.js';
import { benchJourney, order, signUp } from './journey.js';
import { postgresUsage } from './postgres-usage.js';
import type { SegmentCall } from './load.js';
import { sleep } from './load.js';

/**
 * `npm run bench:stages`: the cost of each stage of the pipeline on its own, in process, on
 * PostgreSQL — ingest (the app's `/v1/batch` handler through `app.request()`: validation and the
 * commit), the worker (claim, rehydrate, step, write) and the dispatcher (claim, contact checks,
 * development mailbox, outcome). Each stage drains all the work of a round before the next starts,
 * so its figures are its own: CPU per event of this process and of the PostgreSQL backends serving
 * it, statements' row writes per event, and the stage's rate when it has the machine to itself.
 * The end-to-end figure (HTTP, all stages at once) is `npm run bench`.
 *
 *   npm run bench:stages -- --customers 5000 --rounds 4
 */
const { values: args } = parseArgs({
  options: {
    customers: { type: 'string', default: '5000' },
    rounds: { type: 'string', default: '3' },
    'batch-size': { type: 'string', default: '250' },
    /** Write a V8 CPU profile of each measured stage (last round) to this directory. */
    profile: { type: 'string' },
  },
});
const customers = Number(args.customers);
const rounds = Number(args.rounds);
const batchSize = Number(args['batch-size']);

process.env.DATABASE_URL ??= 'postgres://postgres@127.0.0.1:5432/postgres';
const { createTestDatabase } = await import('../support/database.js');
const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

const adminKey = 'rk_admin_stages_0123456789abcdef';
const writeKey = 'rk_write_stages_0123456789abcdef';

const main = async () => {
  const database = await createTestDatabase();
  const url = database.url ?? '';
  const handle = await createServices(testConfig({ RAPPORT_DATA_DIR: 'memory://', DATABASE_URL: url, RAPPORT_ADMIN_KEY: adminKey, RAPPORT_WRITE_KEY: writeKey }));
  const { services } = handle;
  const probe = connectPostgres(url, { max: 1, connection: { application_name: 'rapport-bench' }, onnotice: () => undefined });
  try {
    await bootstrapWorkspace(services, { admin: adminKey, write: writeKey });
    const app = createApp(services);
    const call = async (path: string, body: unknown, authorization: string) => {
      const res = await app.request(path, { method: 'POST', headers: { authorization, 'content-type': 'application/json' }, body: JSON.stringify(body) });
      if (res.status >= 300) throw new Error(`${path} → ${res.status}: ${await res.text()}`);
    };
    await call('/v1/journeys', benchJourney, `Bearer ${adminKey}`);
    await call(`/v1/journeys/${benchJourney.id}/publish`, { note: 'stages bench' }, `Bearer ${adminKey}`);
    const basic = `Basic ${Buffer.from(`${writeKey}:`).toString('base64')}`;

    const ingest = async (calls: SegmentCall[]) => {
      for (let i = 0; i < calls.length; i += batchSize) await call('/v1/batch', { batch: calls.slice(i, i + batchSize) }, basic);
    };
    const work = async () => {
      while ((await processBatch(services)).customers > 0);
    };
    const dispatch = async () => {
      while ((await dispatchBatch(services)).claimed > 0);
    };

    const snapshot = async () => {
      const { postgresMs, rowWrites } = await postgresUsage(probe);
      const cpu = process.cpuUsage();
      return { nodeMs: (cpu.user + cpu.system) / 1000, postgresMs, rowWrites, wall: performance.now() };
    };
    type Totals = { nodeMs: number; postgresMs: number; rowWrites: number; wallMs: number; events: number };
    const totals = new Map<string, Totals>();
    const inspector = args.profile ? new Session() : null;
    if (inspector && args.profile) {
      inspector.connect();
      await inspector.post('Profiler.enable');
      mkdirSync(args.profile, { recursive: true });
    }
    const measure = async (stage: string, events: number, run: () => Promise<void>, profile = false) => {
      // Statistics reach pg_stat_user_tables when backends report them (at most once a second).
      await sleep(1_200);
      if (profile && inspector) await inspector.post('Profiler.start');
      const before = await snapshot();
      await run();
      const after = await snapshot();
      if (profile && inspector && args.profile) writeFileSync(`${args.profile}/${stage}.cpuprofile`, JSON.stringify((await inspector.post('Profiler.stop')).profile));
      await sleep(1_200);
      const flushed = await snapshot();
      const t = totals.get(stage) ?? { nodeMs: 0, postgresMs: 0, rowWrites: 0, wallMs: 0, events: 0 };
      t.nodeMs += after.nodeMs - before.nodeMs;
      t.postgresMs += after.postgresMs - before.postgresMs;
      t.rowWrites += flushed.rowWrites - before.rowWrites;
      t.wallMs += after.wall - before.wall;
      t.events += events;
      totals.set(stage, t);
    };

    console.log(`setting up ${fmt(customers)} waiting runs`);
    await ingest(Array.from({ length: customers }, (_, i) => signUp(i)).flat());
    await work();
    await dispatch();
    await probe`vacuum analyze`;

    for (let round = 1; round <= rounds; round += 1) {
      const calls = Array.from({ length: customers }, (_, i) => order(i).call);
      const last = round === rounds;
      await measure('ingest', calls.length, () => ingest(calls), last);
      await measure('worker', calls.length, work, last);
      await measure('dispatcher', calls.length, dispatch, last);
      await probe`vacuum analyze`;
      console.log(`round ${round} of ${rounds} done`);
    }

    console.log(`\n${fmt(customers)} Order Completed events per round, ${rounds} rounds, ${batchSize} calls per ingest request, PostgreSQL`);
    console.log(`${'stage'.padEnd(12)}${'events/s'.padStart(10)}${'node ms/ev'.padStart(12)}${'pg ms/ev'.padStart(10)}${'rows/ev'.padStart(9)}`);
    let sum = { nodeMs: 0, postgresMs: 0, rowWrites: 0, wallMs: 0 };
    for (const [stage, t] of totals) {
      console.log(
        `${stage.padEnd(12)}${fmt((t.events * 1000) / t.wallMs).padStart(10)}${fmt(t.nodeMs / t.events, 3).padStart(12)}${fmt(t.postgresMs / t.events, 3).padStart(10)}${fmt(t.rowWrites / t.events, 1).padStart(9)}`,
      );
      sum = { nodeMs: sum.nodeMs + t.nodeMs / t.events, postgresMs: sum.postgresMs + t.postgresMs / t.events, rowWrites: sum.rowWrites + t.rowWrites / t.events, wallMs: sum.wallMs + t.wallMs / t.events };
    }
    const [sizes] = await probe<{ state: number; step: number; payload: number }[]>`
      select (select avg(octet_length(state::text)) from runs)::float8 as state,
        (select avg(octet_length(step::text)) from run_steps)::float8 as step,
        (select avg(octet_length(payload::text)) from effects)::float8 as payload`;
    console.log(`${'all'.padEnd(12)}${fmt(1000 / sum.wallMs).padStart(10)}${fmt(sum.nodeMs, 3).padStart(12)}${fmt(sum.postgresMs, 3).padStart(10)}${fmt(sum.rowWrites, 1).padStart(9)}`);
    console.log(`\naverage sizes as JSON text: run state ${fmt(sizes?.state ?? 0)} B, step ${fmt(sizes?.step ?? 0)} B, effect payload ${fmt(sizes?.payload ?? 0)} B`);
  } finally {
    await probe.end();
    await handle.database.close();
    await database.drop();
  }
};

await main();
