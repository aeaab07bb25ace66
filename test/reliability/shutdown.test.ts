import { Agent } from 'node:http';
import type postgres from 'postgres';
import { connectPostgres } from '../../drizzle/db.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { leaseMs } from '../../server/runtime/dispatcher.js';
import { createTestDatabase, postgresUrl, type TestDatabase } from '../support/database.js';
import { backlog, publishReliabilityJourney, roundsOfEvents, verifyOutcome, waitUntilIdle, type Sql } from './support/scenario.js';
import { freePort, killAllServers, openBatchRequest, postBatch, sleep, startServer, type ServerProcess } from './support/server-process.js';
import { startSink, type Sink } from './support/sink.js';

/**
 * Graceful shutdown of the real server process: SIGTERM while it works through a large batch (and
 * while another large batch is being posted) must end the process with exit code 0 within a few
 * seconds, keep everything it acknowledged, leave no effect stuck in a lease, and a restarted
 * process must finish the work.
 */

const customersPerBatch = 200; // one /v1/batch = 200 × (Signed Up + Confirmed) = 400 events (~45 KB)
const exitWithinMs = 5_000;
// Worker transactions of 50 customers: a large batch takes many of them, and SIGTERM waits for one.
const env = { RAPPORT_BATCH_CUSTOMERS: '50' };

// PostgreSQL only: the process is stopped and a new one continues on the same database, and PGlite
// is an in-process database one process owns. (Skipped on the embedded PGlite run.)
describe.runIf(postgresUrl)('shutdown: SIGTERM while a large batch is being processed', () => {
  let database: TestDatabase;
  let sql: Sql;
  let sink: Sink;
  let server: ServerProcess | undefined;

  beforeAll(async () => {
    database = await createTestDatabase();
    sql = connectPostgres(database.url ?? '', { max: 2, onnotice: () => undefined });
    sink = await startSink();
  });
  afterAll(async () => {
    await killAllServers();
    await sink?.close();
    await sql?.end();
    await database?.drop();
  });

  it('exits 0 within a few seconds, loses nothing acknowledged, and a restart completes the work', async () => {
    const started = performance.now();
    const port = await freePort();
    const start = () => startServer({ databaseUrl: database.url ?? '', port, env });
    server = await start();
    const url = server.url;
    await publishReliabilityJourney(url, sink.url);

    const customers = (batch: string) => Array.from({ length: customersPerBatch }, (_, i) => `${batch}-c${String(i).padStart(3, '0')}`);
    const first = roundsOfEvents(customers('first'), 1);
    const second = roundsOfEvents(customers('second'), 1);
    const acknowledged = new Set<string>();
    expect(await postBatch(url, first)).toBe(200);
    for (const call of first) acknowledged.add(call.messageId);

    // Wait (bounded) until the worker is part-way through the first batch.
    const deadline = performance.now() + 10_000;
    while ((await backlog(sql)).pending_events === first.length) {
      if (performance.now() > deadline) throw new Error('the worker did not start on the batch within 10 s');
      await sleep(5);
    }
    // SIGTERM while the second batch's request is in flight (headers and half the body received).
    // `Connection: close` here: the keep-alive case is the next test.
    const agent = new Agent({ keepAlive: false });
    const posting = openBatchRequest(url, second, agent);
    await posting.sent;
    await sleep(50);
    const atSignal = await backlog(sql);
    const current = server;
    const exiting = current.signal('SIGTERM', 15_000);
    await sleep(100);
    const secondAnswer = await posting.finish();
    const exit = await exiting;
    server = undefined;
    agent.destroy();
    expect(exit, current.output()).toMatchObject({ code: 0, signal: null });
    expect(exit.ms, 'time from SIGTERM to exit').toBeLessThan(exitWithinMs);
    expect(current.errorLines(), 'errors logged while shutting down').toEqual([]);
    // The signal really came while work was in progress.
    expect(atSignal.pending_events, JSON.stringify(atSignal)).toBeGreaterThan(0);

    // A request in flight when the signal came is completed, not cut off.
    expect(secondAnswer, 'answer to the batch in flight at SIGTERM').toBe(200);
    for (const call of second) acknowledged.add(call.messageId);

    // Nothing acknowledged is lost, and nothing is left leased by the process that stopped.
    const afterExit = await backlog(sql);
    const stored = new Set((await sql<{ message_id: string }[]>`select message_id from events`).map((r) => r.message_id));
    expect([...acknowledged].filter((id) => !stored.has(id)), 'acknowledged events missing after shutdown').toEqual([]);
    const [leased] = await sql<{ n: number }[]>`select count(*)::int as n from effects where status = 'pending' and next_attempt_at > ${Date.now() + leaseMs / 2}`;
    expect(leased?.n, 'effects still claimed by the stopped process').toBe(0);

    // A restarted process finishes the work.
    server = await start();
    const idleAfterMs = await waitUntilIdle(sql, 45_000);
    const summary = await verifyOutcome(sql, [...first, ...second], acknowledged, sink);
    expect(summary).toMatchObject({ events: 800, runs: 400, steps: 1_200, effects: 1_200 });

    const last = server;
    const finalExit = await last.signal('SIGTERM', 15_000);
    server = undefined;
    expect(finalExit, last.output()).toMatchObject({ code: 0, signal: null });
    expect(finalExit.ms).toBeLessThan(exitWithinMs);
    expect(last.errorLines()).toEqual([]);
    console.info(
      `shutdown test: SIGTERM with ${JSON.stringify(atSignal)}, exit ${exit.code} after ${exit.ms} ms, second batch answered ${secondAnswer}; ` +
        `left for the restart: ${JSON.stringify(afterExit)}; idle ${idleAfterMs} ms after restart; final exit after ${finalExit.ms} ms; ` +
        `${JSON.stringify(summary)}; ${Math.round(performance.now() - started)} ms`,
    );
  }, 85_000);

  it('does not wait for an idle keep-alive connection after answering the request in flight at SIGTERM', async () => {
    // A client (or load balancer) that keeps its connection open, as Node's and most HTTP clients do.
    const port = await freePort();
    server = await startServer({ databaseUrl: database.url ?? '', port });
    const agent = new Agent({ keepAlive: true });
    const calls = Array.from({ length: 50 }, (_, i) => ({ type: 'track', userId: `keep-alive-c${i}`, event: 'Page Viewed', messageId: `keep-alive-${i}`, properties: {} }));
    const posting = openBatchRequest(server.url, calls, agent);
    await posting.sent;
    await sleep(100);
    const current = server;
    const exiting = current.signal('SIGTERM', 15_000);
    await sleep(100);
    const answer = await posting.finish();
    const exit = await exiting;
    server = undefined;
    agent.destroy();
    expect(answer, 'answer to the request in flight at SIGTERM').toBe(200);
    expect(exit, current.output()).toMatchObject({ code: 0, signal: null });
    const [stored] = await sql<{ n: number }[]>`select count(*)::int as n from events where message_id like 'keep-alive-%'`;
    expect(stored?.n).toBe(calls.length);
    // Nothing else is left to do here; waiting for the client to drop its idle connection (or for
    // Node's 5 s keepAliveTimeout) is not graceful shutdown, it is a stall.
    expect(exit.ms, 'time from SIGTERM to exit with an idle keep-alive connection open').toBeLessThan(3_000);
  }, 30_000);
});
