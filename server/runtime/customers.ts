import { randomUUID } from 'node:crypto';
import { and, desc, eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Executor } from '../../drizzle/db.js';
import { customers, events, runs, stageChanges } from '../../drizzle/schema.js';
import { defaultLifecycleStages, type CustomerProfile } from '../../workflows/index.js';
import { notFound } from '../errors.js';
import type { Services } from '../services.js';
import { eventRow, type NewEventRow } from './event-rows.js';
import { toProfile } from './load.js';
import { runSummary } from './runs.js';
import { customerSuppressed, suppressedIds } from './privacy.js';

/** Customers as the management API and the CLI see them: detail reads, stage requests, event rows. */

const stageIds = defaultLifecycleStages.map((s) => s.id);

export const stageRequestSchema = z.object({
  stage: z.string().refine((id) => (stageIds as readonly string[]).includes(id), { message: `not a lifecycle stage; use one of ${stageIds.join(', ')}` }),
  cause: z.string().min(1).max(500).optional(),
});
export type StageRequest = z.infer<typeof stageRequestSchema>;

/** Creates the customer row if it does not exist yet (like ingest: insert, on conflict do nothing). */
export const ensureCustomer = async (tx: Executor, workspaceId: string, customerId: string, now: number): Promise<void> => {
  await tx.insert(customers).values({ workspaceId, id: customerId, createdAt: now, updatedAt: now }).onConflictDoNothing();
};

/**
 * Appends an event for the worker, creating the customer row first so the worker can claim it.
 * A message id seen before is ignored (the write is idempotent); returns whether the row is new.
 * A customer deleted for privacy (suppressed id) is refused with 409 `customer_suppressed`.
 */
export const appendEvent = async (tx: Executor, row: NewEventRow): Promise<boolean> => {
  await ensureCustomer(tx, row.workspaceId, row.customerId, row.receivedAt);
  // Checked after the customer insert: it waits for a deletion holding the row, whose suppression is then visible.
  if ((await suppressedIds(tx, row.workspaceId, [row.customerId])).size > 0) throw customerSuppressed(row.workspaceId, row.customerId);
  const inserted = await tx.insert(events).values(row).onConflictDoNothing().returning({ seq: events.seq });
  return inserted.length > 0;
};

/** Writes a profile changed outside the worker (e.g. by a publish-time migration) and audits its stage. */
export const saveProfileChange = async (
  tx: Executor,
  workspaceId: string,
  before: CustomerProfile,
  after: CustomerProfile,
  cause: string,
  now: number,
): Promise<void> => {
  if (JSON.stringify(before) === JSON.stringify(after)) return;
  await tx
    .update(customers)
    .set({ traits: after.traits, stage: after.stage, tags: after.tags, timezone: after.timezone, consent: after.consent, updatedAt: now })
    .where(and(eq(customers.workspaceId, workspaceId), eq(customers.id, after.id)));
  if (after.stage !== null && after.stage !== before.stage) {
    await tx.insert(stageChanges).values({ workspaceId, customerId: after.id, fromStage: before.stage, toStage: after.stage, cause, at: now });
  }
};

/** The profile of a customer whose row is missing (runs are only created for stored customers; this is a fallback). */
export const emptyProfile = (customerId: string): CustomerProfile => ({
  id: customerId,
  traits: {},
  stage: null,
  cluster: null,
  tags: [],
  timezone: null,
  consent: {},
});

const DETAIL_LIMIT = 50;

export const getCustomerDetail = async (services: Services, workspaceId: string, customerId: string) => {
  const { db } = services;
  const [row] = await db.select().from(customers).where(and(eq(customers.workspaceId, workspaceId), eq(customers.id, customerId)));
  if (!row) throw notFound(`customer "${customerId}"`);
  const [customerRuns, recentEvents, stageHistory] = await Promise.all([
    db
      .select(runSummary)
      .from(runs)
      .where(and(eq(runs.workspaceId, workspaceId), eq(runs.customerId, customerId)))
      .orderBy(desc(runs.enteredAt), desc(runs.id))
      .limit(DETAIL_LIMIT),
    db
      .select({
        seq: events.seq,
        type: events.type,
        name: events.name,
        messageId: events.messageId,
        payload: events.payload,
        at: events.at,
        receivedAt: events.receivedAt,
        processedAt: events.processedAt,
        error: events.error,
      })
      .from(events)
      .where(and(eq(events.workspaceId, workspaceId), eq(events.customerId, customerId)))
      .orderBy(desc(events.seq))
      .limit(DETAIL_LIMIT),
    db
      .select({ fromStage: stageChanges.fromStage, toStage: stageChanges.toStage, cause: stageChanges.cause, at: stageChanges.at })
      .from(stageChanges)
      .where(and(eq(stageChanges.workspaceId, workspaceId), eq(stageChanges.customerId, customerId)))
      .orderBy(desc(stageChanges.at), desc(stageChanges.id)),
  ]);
  const profile = toProfile(row);
  return {
    ...profile,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    runs: customerRuns,
    events: recentEvents,
    stageHistory,
  };
};
export type CustomerDetail = Awaited<ReturnType<typeof getCustomerDetail>>;

/** Queues a stage change for the worker (which applies it in order with the customer's other events). */
export const requestStageChange = async (services: Services, workspaceId: string, customerId: string, request: StageRequest): Promise<{ accepted: true; messageId: string }> => {
  const now = services.now();
  const messageId = `stage:${randomUUID()}`;
  const row = eventRow('stage', { workspaceId, customerId, messageId, at: now, receivedAt: now }, { stage: request.stage, cause: request.cause ?? 'api' });
  await services.db.transaction((tx) => appendEvent(tx, row));
  services.wake();
  return { accepted: true, messageId };
};
