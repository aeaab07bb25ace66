import type postgres from 'postgres';
import type { BenchClient } from './server.js';

/**
 * The load generator: Segment-style `/v1/batch` calls over a few keep-alive connections, either
 * closed-loop (as fast as the engine finishes work, with a bounded backlog) or open-loop (a fixed
 * rate, on a schedule, so a slow server cannot hide latency by slowing the sender down).
 */
export type SegmentCall = Record<string, unknown>;

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Work not finished yet: committed events the worker has not processed plus effects not dispatched. */
export const backlog = async (sql: postgres.Sql): Promise<number> => {
  const [row] = await sql<{ n: number }[]>`select
    (select count(*) from events where processed_at is null)::int + (select count(*) from effects where status = 'pending')::int as n`;
  return row?.n ?? 0;
};

/** Waits until every event is processed and every effect dispatched (or `timeoutMs` passes). */
export const drained = async (sql: postgres.Sql, timeoutMs: number): Promise<boolean> => {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if ((await backlog(sql)) === 0) return true;
    await sleep(50);
  }
  return false;
};

export interface DriveResult {
  sent: number;
  requests: number;
  seconds: number;
  /** Time from sending a request to its 200 (events committed), ms, per request. */
  ackMs: number[];
}

/**
 * Closed loop: `connections` senders post batches from `next()` while the backlog (polled from the
 * database) plus events in flight stays under `window`, for `seconds` or until `next()` runs dry.
 */
export const driveClosed = async (
  client: BenchClient,
  sql: postgres.Sql,
  options: { connections: number; seconds: number; window: number; next: () => SegmentCall[] | null },
): Promise<DriveResult> => {
  const started = performance.now();
  const deadline = started + options.seconds * 1000;
  let pending = 0;
  let inFlight = 0;
  let sent = 0;
  let requests = 0;
  let stopped = false;
  const ackMs: number[] = [];
  const poller = (async () => {
    while (!stopped) {
      pending = await backlog(sql);
      await sleep(25);
    }
  })();
  await Promise.all(
    Array.from({ length: options.connections }, async () => {
      while (performance.now() < deadline) {
        if (pending + inFlight >= options.window) {
          await sleep(2);
          continue;
        }
        const calls = options.next();
        if (!calls) return;
        inFlight += calls.length;
        const at = performance.now();
        await client.batch(calls);
        ackMs.push(performance.now() - at);
        inFlight -= calls.length;
        // Counted as backlog until the poller sees them committed.
        pending += calls.length;
        sent += calls.length;
        requests += 1;
      }
    }),
  );
  stopped = true;
  await poller;
  return { sent, requests, seconds: (performance.now() - started) / 1000, ackMs };
};

/**
 * Open loop: every `tickMs` a batch of `rate × tick` calls is due; each is sent at its due time
 * (late ones at once, never skipped) and `onSend` gets the due time, so latency counts from when
 * the event should have been sent.
 */
export const driveOpen = async (
  client: BenchClient,
  options: { rate: number; seconds: number; tickMs: number; next: (count: number, dueAt: number) => SegmentCall[] },
): Promise<DriveResult> => {
  const started = performance.now();
  const startedWall = Date.now();
  const ticks = Math.floor((options.seconds * 1000) / options.tickMs);
  const perTick = (options.rate * options.tickMs) / 1000;
  const requests: Promise<void>[] = [];
  const failures: unknown[] = [];
  const ackMs: number[] = [];
  let owed = 0;
  let sent = 0;
  for (let tick = 0; tick < ticks; tick += 1) {
    const dueOffset = tick * options.tickMs;
    const wait = started + dueOffset - performance.now();
    if (wait > 0) await sleep(wait);
    owed += perTick;
    const count = Math.floor(owed);
    if (count === 0) continue;
    owed -= count;
    const calls = options.next(count, startedWall + dueOffset);
    sent += calls.length;
    const at = performance.now();
    requests.push(
      client.batch(calls).then(
        () => void ackMs.push(performance.now() - at),
        (error: unknown) => void failures.push(error),
      ),
    );
  }
  await Promise.all(requests);
  if (failures.length > 0) throw new Error(`${failures.length} of ${requests.length} requests failed, e.g. ${String(failures[0])}`);
  return { sent, requests: requests.length, seconds: (performance.now() - started) / 1000, ackMs };
};

export const percentile = (values: readonly number[], p: number): number => {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? Number.NaN;
};
