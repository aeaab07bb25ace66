import { and, asc, desc, eq, inArray, isNotNull, isNull, lte, sql, type SQL } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import type { Executor } from '../../drizzle/db.js';
import { customers, events, runs, timers } from '../../drizzle/schema.js';
import type { CustomerProfile, EventView, JsonValue, RunState, Timer, ValueCluster } from '../../workflows/index.js';

/** Reads for one worker batch. Customers are identified by (workspace id, customer id). */
export interface CustomerKey {
  workspaceId: string;
  customerId: string;
}

export const keyOf = (k: CustomerKey): string => `${k.workspaceId}\u0000${k.customerId}`;

const tupleIn = (workspaceColumn: AnyPgColumn, idColumn: AnyPgColumn, keys: readonly CustomerKey[]): SQL =>
  sql`(${workspaceColumn}, ${idColumn}) in (${sql.join(keys.map((k) => sql`(${k.workspaceId}, ${k.customerId})`), sql`, `)})`;

/** Customers with unprocessed events or due timers, oldest work first (not locked yet). */
export const findCandidates = async (db: Executor, now: number, limit: number): Promise<CustomerKey[]> => {
  const fromEvents = await db
    .select({ workspaceId: events.workspaceId, customerId: events.customerId })
    .from(events)
    .where(isNull(events.processedAt))
    .orderBy(asc(events.seq))
    .limit(limit * 4);
  const fromTimers = await db
    .select({ workspaceId: timers.workspaceId, customerId: timers.customerId })
    .from(timers)
    .where(lte(timers.dueAt, now))
    .orderBy(asc(timers.dueAt))
    .limit(limit * 4);
  const seen = new Map<string, CustomerKey>();
  for (const key of [...fromTimers, ...fromEvents]) if (!seen.has(keyOf(key))) seen.set(keyOf(key), key);
  return [...seen.values()].slice(0, limit * 2);
};

export type CustomerRow = typeof customers.$inferSelect;

/** Locks the candidates' customer rows; rows another worker holds are skipped (FOR UPDATE SKIP LOCKED). */
export const lockCustomers = async (db: Executor, keys: readonly CustomerKey[], limit: number): Promise<CustomerRow[]> => {
  if (keys.length === 0) return [];
  return db
    .select()
    .from(customers)
    .where(tupleIn(customers.workspaceId, customers.id, keys))
    .limit(limit)
    .for('update', { skipLocked: true });
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

export const loadPendingEvents = (db: Executor, keys: readonly CustomerKey[], limit: number) =>
  db
    .select({
      seq: events.seq,
      workspaceId: events.workspaceId,
      customerId: events.customerId,
      type: events.type,
      name: events.name,
      messageId: events.messageId,
      payload: events.payload,
      at: events.at,
      receivedAt: events.receivedAt,
    })
    .from(events)
    .where(and(isNull(events.processedAt), tupleIn(events.workspaceId, events.customerId, keys)))
    .orderBy(asc(events.seq))
    .limit(limit);

export const loadDueTimers = (db: Executor, keys: readonly CustomerKey[], now: number) =>
  db
    .select()
    .from(timers)
    .where(and(lte(timers.dueAt, now), tupleIn(timers.workspaceId, timers.customerId, keys)))
    .orderBy(asc(timers.dueAt), asc(timers.timerId));

export const loadActiveRuns = (db: Executor, keys: readonly CustomerKey[]) =>
  db
    .select({ id: runs.id, workspaceId: runs.workspaceId, customerId: runs.customerId, journeyId: runs.journeyId, version: runs.version, state: runs.state })
    .from(runs)
    .where(and(eq(runs.status, 'active'), tupleIn(runs.workspaceId, runs.customerId, keys)));

/** The latest ended run per (customer, journey): what entry policies need besides the active runs. */
export const loadLatestEndedRuns = (db: Executor, keys: readonly CustomerKey[]) =>
  db
    .selectDistinctOn([runs.workspaceId, runs.customerId, runs.journeyId], {
      workspaceId: runs.workspaceId,
      customerId: runs.customerId,
      journeyId: runs.journeyId,
      enteredAt: runs.enteredAt,
    })
    .from(runs)
    .where(and(eq(runs.status, 'done'), tupleIn(runs.workspaceId, runs.customerId, keys)))
    .orderBy(runs.workspaceId, runs.customerId, runs.journeyId, desc(runs.enteredAt));

/** Named events already processed within the window, for event-history conditions. */
export const loadHistory = async (db: Executor, keys: readonly CustomerKey[], since: number): Promise<Map<string, EventView[]>> => {
  const rows = await db
    .select({ workspaceId: events.workspaceId, customerId: events.customerId, name: events.name, payload: events.payload, at: events.at })
    .from(events)
    .where(
      and(
        inArray(events.type, ['track', 'webhook']),
        isNotNull(events.processedAt),
        sql`${events.at} > ${since}`,
        tupleIn(events.workspaceId, events.customerId, keys),
      ),
    )
    .orderBy(asc(events.seq));
  const history = new Map<string, EventView[]>();
  for (const row of rows) {
    const list = history.get(keyOf(row)) ?? [];
    list.push({ name: row.name ?? '', properties: (row.payload.properties ?? {}) as Record<string, JsonValue>, at: row.at });
    history.set(keyOf(row), list);
  }
  return history;
};

export type ActiveRunRow = Awaited<ReturnType<typeof loadActiveRuns>>[number];
export type { RunState, Timer };
