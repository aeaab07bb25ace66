import { sql } from 'drizzle-orm';
import { queryRows, type Executor } from '../../drizzle/db.js';
import type { customers } from '../../drizzle/schema.js';
import type { CustomerProfile, EventView, JsonValue, RunState, Timer, ValueCluster } from '../../workflows/index.js';
import { customerKeys } from './batch-statements.js';

/**
 * Reads for one worker batch. Customers are identified by (workspace id, customer id). Every read
 * is one fixed-shape statement (keys travel as one JSON parameter, see batch-statements.ts), so
 * postgres.js prepares each once per connection and the worker's parallel reads are pipelined.
 * Bigint columns are read as float8 (epoch ms and sequence numbers are far below 2^53) so both
 * drivers return numbers.
 */
export interface CustomerKey {
  workspaceId: string;
  customerId: string;
}

export const keyOf = (k: CustomerKey): string => `${k.workspaceId}\u0000${k.customerId}`;

export type CustomerRow = typeof customers.$inferSelect;

interface CustomerRecord {
  workspace_id: string;
  id: string;
  traits: Record<string, JsonValue>;
  stage: string | null;
  cluster: CustomerRow['cluster'];
  timezone: string | null;
  consent: Record<string, boolean>;
  tags: string[];
  created_at: number;
  updated_at: number;
}

const customerRow = (r: CustomerRecord): CustomerRow => ({
  workspaceId: r.workspace_id,
  id: r.id,
  traits: r.traits,
  stage: r.stage,
  cluster: r.cluster,
  timezone: r.timezone,
  consent: r.consent,
  tags: r.tags,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

/**
 * Claims up to `limit` customers with unprocessed events or due timers (oldest work first among
 * the candidates) by locking their rows; rows another worker holds are skipped (FOR UPDATE SKIP
 * LOCKED). One statement: candidates and locks (each candidate's row by its key, see batch-statements.ts). The caller must read the customers' work in later
 * statements (a fresh snapshot, taken while holding the locks), never in this one.
 */
export const claimCustomers = async (db: Executor, now: number, limit: number): Promise<CustomerRow[]> => {
  const rows = await queryRows<CustomerRecord>(
    db,
    sql`with candidate as (
      (select workspace_id, customer_id from timers where due_at <= ${now} order by due_at limit ${limit * 4})
      union
      (select workspace_id, customer_id from events where processed_at is null order by seq limit ${limit * 4})
    )
    select c.workspace_id, c.id, c.traits, c.stage, c.cluster, c.timezone, c.consent, c.tags,
      c.created_at::float8 as created_at, c.updated_at::float8 as updated_at
    from candidate k cross join lateral (
      select c.* from customers c where c.workspace_id = k.workspace_id and c.id = k.customer_id offset 0 for update skip locked
    ) c
    limit ${limit}`,
  );
  return rows.map(customerRow);
};

export const toProfile = (row: CustomerRow): CustomerProfile => ({
  id: row.id,
  traits: row.traits,
  stage: row.stage,
  cluster: row.cluster as ValueCluster | null,
  tags: row.tags,
  timezone: row.timezone,
  consent: row.consent,
});

export interface PendingEventRow {
  seq: number;
  workspaceId: string;
  customerId: string;
  type: string;
  name: string | null;
  messageId: string;
  payload: Record<string, JsonValue>;
  at: number;
  receivedAt: number;
}

/** The customers' unprocessed events in arrival order, at most `limit` in all. */
export const loadPendingEvents = async (db: Executor, keys: readonly CustomerKey[], limit: number): Promise<PendingEventRow[]> => {
  const rows = await queryRows<{
    seq: number;
    workspace_id: string;
    customer_id: string;
    type: string;
    name: string | null;
    message_id: string;
    payload: Record<string, JsonValue>;
    at: number;
    received_at: number;
  }>(
    db,
    sql`select e.seq::float8 as seq, e.workspace_id, e.customer_id, e.type, e.name, e.message_id, e.payload,
        e.at::float8 as at, e.received_at::float8 as received_at
      from events e join ${customerKeys(keys)} on e.workspace_id = k.workspace_id and e.customer_id = k.customer_id
      where e.processed_at is null
      order by e.seq
      limit ${limit}`,
  );
  return rows.map((r) => ({
    seq: r.seq,
    workspaceId: r.workspace_id,
    customerId: r.customer_id,
    type: r.type,
    name: r.name,
    messageId: r.message_id,
    payload: r.payload,
    at: r.at,
    receivedAt: r.received_at,
  }));
};

export interface DueTimerRow {
  runId: string;
  timerId: string;
  workspaceId: string;
  customerId: string;
  dueAt: number;
  event: Timer['event'];
}

export const loadDueTimers = async (db: Executor, keys: readonly CustomerKey[], now: number): Promise<DueTimerRow[]> => {
  const rows = await queryRows<{ run_id: string; timer_id: string; workspace_id: string; customer_id: string; due_at: number; event: Timer['event'] }>(
    db,
    sql`select t.run_id, t.timer_id, t.workspace_id, t.customer_id, t.due_at::float8 as due_at, t.event
      from timers t join ${customerKeys(keys)} on t.workspace_id = k.workspace_id and t.customer_id = k.customer_id
      where t.due_at <= ${now}
      order by t.due_at, t.timer_id`,
  );
  return rows.map((r) => ({ runId: r.run_id, timerId: r.timer_id, workspaceId: r.workspace_id, customerId: r.customer_id, dueAt: r.due_at, event: r.event }));
};

export interface ActiveRunRow {
  id: string;
  workspaceId: string;
  customerId: string;
  journeyId: string;
  version: number;
  state: RunState;
}

export const loadActiveRuns = async (db: Executor, keys: readonly CustomerKey[]): Promise<ActiveRunRow[]> => {
  const rows = await queryRows<{ id: string; workspace_id: string; customer_id: string; journey_id: string; version: number; state: RunState }>(
    db,
    sql`select r.id, r.workspace_id, r.customer_id, r.journey_id, r.version, r.state
      from ${customerKeys(keys)} cross join lateral (
        select r.* from runs r where r.workspace_id = k.workspace_id and r.customer_id = k.customer_id and r.status = 'active' offset 0
      ) r`,
  );
  return rows.map((r) => ({ id: r.id, workspaceId: r.workspace_id, customerId: r.customer_id, journeyId: r.journey_id, version: r.version, state: r.state }));
};

/** The latest ended run per (customer, journey): what entry policies need besides the active runs. */
export const loadLatestEndedRuns = async (db: Executor, keys: readonly CustomerKey[]) => {
  const rows = await queryRows<{ workspace_id: string; customer_id: string; journey_id: string; entered_at: number }>(
    db,
    sql`select distinct on (r.workspace_id, r.customer_id, r.journey_id) r.workspace_id, r.customer_id, r.journey_id, r.entered_at::float8 as entered_at
      from ${customerKeys(keys)} cross join lateral (
        select r.* from runs r where r.workspace_id = k.workspace_id and r.customer_id = k.customer_id and r.status = 'done' offset 0
      ) r
      order by r.workspace_id, r.customer_id, r.journey_id, r.entered_at desc`,
  );
  return rows.map((r) => ({ workspaceId: r.workspace_id, customerId: r.customer_id, journeyId: r.journey_id, enteredAt: r.entered_at }));
};

/** Named events already processed within the window, for event-history conditions. */
export const loadHistory = async (db: Executor, keys: readonly CustomerKey[], since: number): Promise<Map<string, EventView[]>> => {
  const rows = await queryRows<{ workspace_id: string; customer_id: string; name: string | null; payload: Record<string, JsonValue>; at: number }>(
    db,
    sql`select e.workspace_id, e.customer_id, e.name, e.payload, e.at::float8 as at
      from ${customerKeys(keys)} cross join lateral (
        select e.* from events e where e.workspace_id = k.workspace_id and e.customer_id = k.customer_id
          and e.type in ('track', 'webhook') and e.processed_at is not null and e.at > ${since} offset 0
      ) e
      order by e.seq`,
  );
  const history = new Map<string, EventView[]>();
  for (const row of rows) {
    const key = keyOf({ workspaceId: row.workspace_id, customerId: row.customer_id });
    const list = history.get(key) ?? [];
    list.push({ name: row.name ?? '', properties: (row.payload.properties ?? {}) as Record<string, JsonValue>, at: row.at });
    history.set(key, list);
  }
  return history;
};

export type { RunState, Timer };
