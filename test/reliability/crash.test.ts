import type postgres from 'postgres';
import { connectPostgres } from '../../drizzle/db.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, postgresUrl, type TestDatabase } from '../support/database.js';
import { backlog, chunk, expireLeasesOfDeadProcess, publishReliabilityJourney, roundsOfEvents, verifyOutcome, waitUntilIdle, type Sql } from './support/scenario.js';
import { freePort, killAllServers, postBatch, sleep, startServer, type ServerProcess } from './support/server-process.js';
import { seededRandom, startSink, type Sink } from './support/sink.js';

/**
 * Crash safety of the real server process: SIGKILL it at random moments while clients send events
 * (and while it steps runs and dispatches webhooks), restart it on the same database and port,
 * resend batches it already acknowledged, then check that nothing acknowledged was lost, nothing
 * was applied twice, and the webhook sink saw every effect (and only those) at least once.
 */

const customers = Array.from({ length: 30 }, (_, i) => `crash-c${String(i).padStart(2, '0')}`);
const rounds = 5; // 30 customers × 5 rounds × (Signed Up + Confirmed) = 300 events, 150 runs, 450 effects
const chunkSize = 10;

// PostgreSQL only: every restarted server process must reach the same database, and PGlite is an
// in-process database one process owns. (Skipped on the embedded PGlite run.)
describe.runIf(postgresUrl)('crash: SIGKILL and restart the server while it ingests, steps and dispatches', () => {
  const seed = Number(process.env.RAPPORT_CHAOS_SEED ?? Math.floor(Math.random() * 2 ** 31));
  const random = seededRandom(seed);
  let database: TestDatabase;
  let sql: Sql;
  let sink: Sink;
  let server: ServerProcess | undefined;

  beforeAll(async () => {
    database = await createTestDatabase();
    sql = connectPostgres(database.url ?? '', { max: 2, onnotice: () => undefined });
    sink = await startSink({ failFirst: 0.1, random });
  });
  afterAll(async () => {
    await killAllServers();
    await sink?.close();
    await sql?.end();
    await database?.drop();
  });

  it('loses no acknowledged event, applies no step twice and sends every effect (seed in the log)', async () => {
    const started = performance.now();
    const port = await freePort();
    const start = () => startServer({ databaseUrl: database.url ?? '', port });
    server = await start();
    const url = server.url;
    await publishReliabilityJourney(url, sink.url);

    const calls = roundsOfEvents(customers, rounds);
    const chunks = chunk(calls, chunkSize);
    const acknowledged = new Set<string>();
    const ackedChunks: number[] = [];
    const stats = { unanswered: 0, duplicateBatches: 0, leasesExpired: 0, killedWith: [] as string[], errorLines: [] as string[] };
    let sending = true;
    let heldWebhookId: string | undefined;

    // A Segment-like client: sends chunks in order, one at a time, retrying one until it gets a 200.
    const send = async () => {
      const deadline = performance.now() + 45_000;
      for (const [index, batch] of chunks.entries()) {
        for (;;) {
          const status = await postBatch(url, batch, 5_000);
          if (status === 200) break;
          stats.unanswered += 1;
          if (performance.now() > deadline) throw new Error(`batch ${index} still not acknowledged after 45 s (last answer: ${status})`);
          await sleep(50);
        }
        for (const call of batch) acknowledged.add(call.messageId);
        ackedChunks.push(index);
        await sleep(15 + random() * 45);
      }
      sending = false;
    };

    // Chaos: 3–5 SIGKILLs at random moments, each followed by a restart and resent acknowledged batches.
    const chaos = async () => {
      const kills = 3 + Math.floor(random() * 3);
      for (let k = 0; k < kills; k += 1) {
        await sleep(150 + random() * 650);
        // The second kill lands after the sink has taken a webhook and before the server hears back.
        const midDelivery = k === 1 ? await sink.hold(10_000) : null;
        if (k === 1) heldWebhookId = midDelivery?.webhookId ?? 'no delivery within 10 s';
        const before = await backlog(sql);
        const current = server;
        if (!current) throw new Error('no server to kill');
        const exit = await current.signal('SIGKILL');
        expect(exit.signal).toBe('SIGKILL');
        stats.errorLines.push(...current.errorLines());
        stats.killedWith.push(`${midDelivery ? `mid-delivery of ${midDelivery.webhookId}, ` : ''}${sending ? 'sending' : 'after sending'}: ${before.events} stored, ${before.pending_events} unprocessed, ${before.pending_effects} effects pending`);
        // No process is alive now: the dead one's effect leases may run out at once.
        stats.leasesExpired += await expireLeasesOfDeadProcess(sql, Date.now());
        await sleep(random() * 200);
        server = await start();
        // Resend one or two acknowledged batches, as a client that lost the answers would.
        const resend = Math.min(ackedChunks.length, 1 + Math.floor(random() * 2));
        for (let r = 0; r < resend; r += 1) {
          const batch = chunks[ackedChunks[Math.floor(random() * ackedChunks.length)] ?? 0] ?? [];
          expect(await postBatch(url, batch)).toBe(200);
          stats.duplicateBatches += 1;
        }
      }
    };

    await Promise.all([send(), chaos()]);
    expect(acknowledged.size).toBe(calls.length);

    const idleAfterMs = await waitUntilIdle(sql, 40_000);
    const summary = await verifyOutcome(sql, calls, acknowledged, sink);
    expect(summary).toMatchObject({ events: 300, runs: 150, steps: 450, effects: 450 });
    // The webhook the sink took just before the second kill was sent again, under the same webhook-id.
    expect(sink.accepted().get(heldWebhookId ?? '')?.length, `deliveries of ${heldWebhookId}`).toBeGreaterThanOrEqual(2);

    const last = server;
    if (!last) throw new Error('no server');
    stats.errorLines.push(...last.errorLines());
    const exit = await last.signal('SIGTERM');
    expect(exit, last.output()).toMatchObject({ code: 0, signal: null });
    server = undefined;
    expect(stats.errorLines, 'errors logged by the server processes').toEqual([]);

    console.info(
      `crash test (seed ${seed}): ${stats.killedWith.length} kills [${stats.killedWith.join('; ')}], ${stats.unanswered} unanswered batch posts, ` +
        `${stats.duplicateBatches} acknowledged batches resent, ${stats.leasesExpired} leased effects of dead processes released, idle ${idleAfterMs} ms after the last restart; ` +
        `${JSON.stringify(summary)}; ${Math.round(performance.now() - started)} ms`,
    );
  }, 85_000);
});
