import type postgres from 'postgres';
import { connectPostgres } from '../../drizzle/db.js';

/**
 * The raw PostgreSQL ceiling the runtime is compared with: postgres.js alone, no engine. Per event:
 * insert the event row, update the run's snapshot row, insert an effect row — either many events
 * per transaction (one multi-row statement each, as the worker batches) or one transaction per
 * event. Tables live in their own schema of the benchmark database and are dropped afterwards.
 */
export interface CeilingResult {
  mode: 'batched' | 'per-event';
  connections: number;
  batchSize: number;
  events: number;
  seconds: number;
  perSecond: number;
}

const schema = 'bench_ceiling';
const snapshotsPerConnection = 20_000;

/** A run snapshot about the size of the runtime's (RunState JSON of the bench journey). */
const snapshotState = (id: string, seq: number) => ({
  runId: id,
  journeyId: 'bench-orders',
  snapshot: {
    value: 'wait',
    context: {
      journeyId: 'bench-orders',
      journeyName: 'Bench: orders',
      runId: id,
      triggerNodeId: 'signup',
      trigger: { name: 'Signed Up', properties: { plan: 'pro' }, at: 1_790_000_000_000 },
      enteredAt: 1_790_000_000_000,
      timeZoneFallback: 'UTC',
      lastEvent: { name: 'Order Completed', properties: { orderId: `o${seq}`, total: 42.5 }, at: 1_790_000_000_000 + seq },
    },
  },
  timers: [{ id: 'wait.timeout', dueAt: 1_792_592_000_000 + seq, event: { type: 'xstate.after.wait.timeout' } }],
  status: 'active',
  outcome: null,
  reason: null,
  seq,
});

export const setUpCeiling = async (url: string, connections: number): Promise<void> => {
  const sql = connectPostgres(url, { max: 1, onnotice: () => undefined });
  await sql.unsafe(`
    drop schema if exists ${schema} cascade;
    create schema ${schema};
    create table ${schema}.events (seq bigserial primary key, workspace_id text not null, customer_id text not null, message_id text not null,
      type text not null, name text, payload jsonb not null, at bigint not null, received_at bigint not null, processed_at bigint);
    create unique index on ${schema}.events (workspace_id, message_id);
    create index on ${schema}.events (workspace_id, customer_id, seq);
    create table ${schema}.snapshots (id text primary key, state jsonb not null, current_node text not null);
    create table ${schema}.effects (id bigserial primary key, customer_id text not null, run_id text not null, idempotency_key text not null,
      channel text not null, payload jsonb not null, status text not null, next_attempt_at bigint not null, created_at bigint not null);
    create unique index on ${schema}.effects (idempotency_key);
    create index on ${schema}.effects (next_attempt_at) where status = 'pending';
  `);
  const total = snapshotsPerConnection * connections;
  for (let start = 0; start < total; start += 2_000) {
    const rows = Array.from({ length: Math.min(2_000, total - start) }, (_, i) => {
      const id = `run-${start + i}`;
      return { id, state: JSON.stringify(snapshotState(id, 1)), current_node: 'wait' };
    });
    await sql`insert into ${sql(schema)}.snapshots ${sql(rows.map((r) => ({ ...r })))}`;
  }
  await sql.unsafe(`analyze ${schema}.snapshots`);
  await sql.end();
};

export const tearDownCeiling = async (url: string): Promise<void> => {
  const sql = connectPostgres(url, { max: 1, onnotice: () => undefined });
  await sql.unsafe(`drop schema if exists ${schema} cascade`);
  await sql.end();
};

interface EventWrite {
  customerId: string;
  runId: string;
  messageId: string;
  payload: string;
  state: string;
  effectKey: string;
  effectPayload: string;
}

export const measureCeiling = async (
  url: string,
  options: { mode: 'batched' | 'per-event'; connections: number; batchSize: number; seconds: number },
): Promise<CeilingResult> => {
  const { mode, connections, seconds } = options;
  const batchSize = mode === 'batched' ? options.batchSize : 1;
  const sql = connectPostgres(url, { max: connections, onnotice: () => undefined });
  let counter = 0;
  const writes = (lane: number, n: number): EventWrite[] =>
    Array.from({ length: n }, () => {
      counter += 1;
      const slot = lane * snapshotsPerConnection + (counter % snapshotsPerConnection);
      const runId = `run-${slot}`;
      const seq = counter;
      return {
        customerId: `c${slot}`,
        runId,
        messageId: `${mode}-${connections}-${counter}`,
        payload: JSON.stringify({ properties: { orderId: `o${counter}`, total: 42.5, currency: 'EUR' }, context: { library: { name: 'bench' } } }),
        state: JSON.stringify(snapshotState(runId, seq)),
        effectKey: `${runId}:${seq}:0:${mode}:${connections}`,
        effectPayload: JSON.stringify({ to: `c${slot}@example.com`, from: null, subject: `Order o${counter} confirmed`, body: 'Thank you for your order.' }),
      };
    });
  const writeBatch = async (batch: EventWrite[]): Promise<void> => {
    const now = Date.now();
    await sql.begin(async (tx) => {
      await tx`insert into ${tx(schema)}.events (workspace_id, customer_id, message_id, type, name, payload, at, received_at)
        values ${tx(batch.map((w) => ['default', w.customerId, w.messageId, 'track', 'Order Completed', w.payload, now, now]))}`;
      await tx`update ${tx(schema)}.snapshots s set state = v.state::jsonb, current_node = 'wait'
        from (values ${tx(batch.map((w) => [w.runId, w.state]))}) as v(id, state) where s.id = v.id`;
      await tx`insert into ${tx(schema)}.effects (customer_id, run_id, idempotency_key, channel, payload, status, next_attempt_at, created_at)
        values ${tx(batch.map((w) => [w.customerId, w.runId, w.effectKey, 'email', w.effectPayload, 'pending', now, now]))}`;
    });
  };
  const started = performance.now();
  const deadline = started + seconds * 1000;
  let events = 0;
  await Promise.all(
    Array.from({ length: connections }, async (_, lane) => {
      while (performance.now() < deadline) {
        await writeBatch(writes(lane, batchSize));
        events += batchSize;
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  await sql.end();
  return { mode, connections, batchSize, events, seconds: elapsed, perSecond: events / elapsed };
};
