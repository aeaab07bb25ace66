import type postgres from 'postgres';
import { connectPostgres } from '../../drizzle/db.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, postgresUrl, type TestDatabase } from '../support/database.js';
import { chunk, publishReliabilityJourney, roundsOfEvents, verifyOutcome, waitUntilIdle, type Sql, type TrackCall } from './support/scenario.js';
import { freePort, killAllServers, postBatch, readMetric, sleep, startServer, type ServerProcess } from './support/server-process.js';
import { seededRandom, startSink, type Sink } from './support/sink.js';

/**
 * Scale-out: two server processes (API + worker + dispatcher each) on one database. Clients send
 * every customer's events to both, alternately; every event must be applied exactly once, in
 * per-customer order, and every effect delivered once — no crash here, so not even a redelivery.
 */

const lanes = 4; // concurrent clients, each owning a disjoint set of customers (so per-customer order is defined)
const customersPerLane = 10;
const rounds = 3; // 40 customers × 3 rounds × 2 = 240 events, 120 runs, 360 effects
const chunkSize = 6;

// PostgreSQL only: two processes must share one database, and PGlite is an in-process database one
// process owns. (Skipped on the embedded PGlite run.)
describe.runIf(postgresUrl)('two server processes on one database', () => {
  const seed = Math.floor(Math.random() * 2 ** 31);
  let database: TestDatabase;
  let sql: Sql;
  let sink: Sink;
  const servers: ServerProcess[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    sql = connectPostgres(database.url ?? '', { max: 2, onnotice: () => undefined });
    sink = await startSink({ failFirst: 0.1, random: seededRandom(seed) });
  });
  afterAll(async () => {
    await killAllServers();
    await sink?.close();
    await sql?.end();
    await database?.drop();
  });

  it('applies every event once, in per-customer order, and delivers every effect once', async () => {
    const started = performance.now();
    // Small claims so the two workers and dispatchers interleave on many transactions.
    const env = { RAPPORT_BATCH_CUSTOMERS: '5', RAPPORT_DISPATCH_BATCH: '5' };
    // One after the other: starting both at once on a fresh database is the next test.
    const a = await startServer({ databaseUrl: database.url ?? '', port: await freePort(), env });
    servers.push(a);
    const b = await startServer({ databaseUrl: database.url ?? '', port: await freePort(), env });
    servers.push(b);
    await publishReliabilityJourney(a.url, sink.url);
    // The other process re-reads the live journeys within a second (entry-point cache TTL).
    await sleep(1_100);

    const sent: TrackCall[] = [];
    const acknowledged = new Set<string>();
    const lane = async (index: number) => {
      const customers = Array.from({ length: customersPerLane }, (_, i) => `two-l${index}-c${i}`);
      const calls = roundsOfEvents(customers, rounds);
      for (const [n, batch] of chunk(calls, chunkSize).entries()) {
        const target = (n + index) % 2 === 0 ? a : b;
        const status = await postBatch(target.url, batch);
        expect(status, `batch ${n} of lane ${index} to ${target.url}`).toBe(200);
        sent.push(...batch);
        for (const call of batch) acknowledged.add(call.messageId);
      }
    };
    await Promise.all(Array.from({ length: lanes }, (_, i) => lane(i)));

    const idleAfterMs = await waitUntilIdle(sql, 40_000);
    const summary = await verifyOutcome(sql, sent, acknowledged, sink);
    expect(summary).toMatchObject({ events: 240, runs: 120, steps: 360, effects: 360, redelivered: 0 });

    // Both processes did part of the work, and together each step and each sent effect exactly once.
    const steps = await Promise.all(servers.map((s) => readMetric(s.url, 'rapport_steps_total')));
    const sentEffects = await Promise.all(servers.map((s) => readMetric(s.url, 'rapport_effects_total{channel="webhook",status="sent"}')));
    const processed = await Promise.all(servers.map((s) => readMetric(s.url, 'rapport_events_processed_total')));
    expect(steps.reduce((x, y) => x + y, 0)).toBe(360);
    expect(sentEffects.reduce((x, y) => x + y, 0)).toBe(360);
    expect(processed.reduce((x, y) => x + y, 0)).toBe(240);
    expect(steps.every((n) => n > 0), `steps per process: ${steps.join(', ')}`).toBe(true);
    expect(sentEffects.every((n) => n > 0), `effects sent per process: ${sentEffects.join(', ')}`).toBe(true);

    for (const server of servers) {
      const exit = await server.signal('SIGTERM');
      expect(exit, server.output()).toMatchObject({ code: 0, signal: null });
      expect(server.errorLines(), `errors logged by ${server.url}`).toEqual([]);
    }
    console.info(
      `two processes (seed ${seed}): steps ${steps.join(' + ')}, events ${processed.join(' + ')}, effects sent ${sentEffects.join(' + ')}; ` +
        `idle ${idleAfterMs} ms after the last batch; ${JSON.stringify(summary)}; ${Math.round(performance.now() - started)} ms`,
    );
  }, 60_000);

  it('starts three processes at once on a fresh database (as replicas of a new deployment do)', async () => {
    const attempts = 2;
    const failures: string[] = [];
    for (let attempt = 1; attempt <= attempts; attempt += 1) {
      const fresh = await createTestDatabase();
      try {
        const ports = [await freePort(), await freePort(), await freePort()];
        const started = await Promise.allSettled(ports.map((port) => startServer({ databaseUrl: fresh.url ?? '', port })));
        for (const result of started) {
          if (result.status === 'fulfilled') {
            const exit = await result.value.signal('SIGTERM');
            if (exit.code !== 0) failures.push(`attempt ${attempt}: exit ${JSON.stringify(exit)} after SIGTERM`);
          } else {
            const reason = result.reason instanceof Error ? result.reason.message : String(result.reason);
            const cause = /duplicate key value[^\n]*|[^\n"]*already exists[^\n"]*/.exec(reason)?.[0] ?? reason.slice(0, 300);
            failures.push(`attempt ${attempt}: a process exited while starting: ${cause}`);
          }
        }
      } finally {
        await fresh.drop();
      }
    }
    expect(failures, 'processes that could not start next to each other').toEqual([]);
  }, 60_000);
});
