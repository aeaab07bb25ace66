import { createHash } from 'node:crypto';
import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';
import { queryRows, type Executor } from '../../drizzle/db.js';
import {
  customerSuppressions,
  customers,
  dateSchedules,
  effectAttempts,
  effects,
  events,
  mailbox,
  reevaluations,
  runSteps,
  runs,
  segmentChanges,
  segmentMembers,
  stageChanges,
  tasks,
  timers,
  webhookDeliveries,
} from '../../drizzle/schema.js';
import { ApiError, notFound } from '../errors.js';
import type { Services } from '../services.js';
import { recordAudit, type ActorKeyId } from './audit.js';
import { recordset } from './batch-statements.js';

/**
 * Privacy: deleting a customer and suppressing their id. A deleted customer leaves no row carrying
 * their id; only `customer_suppressions` keeps a SHA-256 of workspace and id, so that ingest can
 * recognise the id and store nothing for it until the suppression is lifted.
 */

/** SHA-256 (hex) of workspace and customer id, NUL-separated: the only trace a deleted customer leaves. */
export const customerHash = (workspaceId: string, customerId: string): string => createHash('sha256').update(`${workspaceId}\u0000${customerId}`).digest('hex');

/** Of `customerIds`, those whose suppression is in force. */
export const suppressedIds = async (db: Executor, workspaceId: string, customerIds: readonly string[]): Promise<Set<string>> => {
  const unique = [...new Set(customerIds)];
  if (unique.length === 0) return new Set();
  // One fixed-shape statement whatever the number of ids (batch-statements.ts).
  const rows = await queryRows<{ id: string }>(
    db,
    sql`select k.id from ${recordset(unique.map((id) => ({ id, hash: customerHash(workspaceId, id) })), 'k', 'id text, hash text')}
      where exists (select 1 from customer_suppressions s where s.workspace_id = ${workspaceId} and s.customer_hash = k.hash and s.lifted_at is null)`,
  );
  return new Set(rows.map((row) => row.id));
};

export const customerSuppressed = (workspaceId: string, customerId: string): ApiError =>
  new ApiError(409, 'customer_suppressed', `customer "${customerId}" was deleted for privacy and is suppressed; lift it with DELETE /v1/suppressions/${encodeURIComponent(customerId)} first`);

export interface CustomerDeletion {
  deleted: true;
  customerHash: string;
  /** Rows removed per table. */
  removed: Record<string, number>;
}

/**
 * Removes everything carrying the customer's id, in one transaction, and suppresses the id. The
 * customer row is locked first, so a worker batch holding it finishes before, and ingest of the id
 * that starts later waits and then sees the suppression. Effects in flight at a provider cannot be
 * recalled; their outcome is then not recorded (the row is gone). Idempotent: deleting again (or an
 * id never seen) removes nothing and keeps the suppression.
 */
export const deleteCustomer = async (services: Services, workspaceId: string, customerId: string, actorKeyId: ActorKeyId): Promise<CustomerDeletion> => {
  const at = services.now();
  const hash = customerHash(workspaceId, customerId);
  return services.db.transaction(async (tx) => {
    await tx.select({ id: customers.id }).from(customers).where(and(eq(customers.workspaceId, workspaceId), eq(customers.id, customerId))).for('update');
    const removed: Record<string, number> = {};
    const count = (table: string, rows: unknown[]) => void (removed[table] = rows.length);
    const ofCustomer = (table: { workspaceId: PgColumn; customerId: PgColumn }) => and(eq(table.workspaceId, workspaceId), eq(table.customerId, customerId));

    const effectKeys = await tx.select({ key: effects.idempotencyKey }).from(effects).where(ofCustomer(effects));
    if (effectKeys.length > 0) {
      const keys = effectKeys.map((row) => row.key);
      for (let i = 0; i < keys.length; i += 1_000) {
        count('mailbox', await tx.delete(mailbox).where(and(eq(mailbox.workspaceId, workspaceId), inArray(mailbox.idempotencyKey, keys.slice(i, i + 1_000)))).returning({ id: mailbox.id }));
      }
    } else removed['mailbox'] = 0;
    count('effect_attempts', await tx.delete(effectAttempts).where(ofCustomer(effectAttempts)).returning({ id: effectAttempts.effectId }));
    count('effects', await tx.delete(effects).where(ofCustomer(effects)).returning({ id: effects.id }));
    count('timers', await tx.delete(timers).where(ofCustomer(timers)).returning({ id: timers.runId }));
    count('run_steps', await tx.delete(runSteps).where(ofCustomer(runSteps)).returning({ id: runSteps.runId }));
    count('runs', await tx.delete(runs).where(ofCustomer(runs)).returning({ id: runs.id }));
    count('tasks', await tx.delete(tasks).where(ofCustomer(tasks)).returning({ id: tasks.id }));
    count('date_schedules', await tx.delete(dateSchedules).where(ofCustomer(dateSchedules)).returning({ id: dateSchedules.nodeId }));
    count('stage_changes', await tx.delete(stageChanges).where(ofCustomer(stageChanges)).returning({ id: stageChanges.id }));
    // Memberships go without segment_left events: the customer is gone, not leaving.
    count('segment_members', await tx.delete(segmentMembers).where(ofCustomer(segmentMembers)).returning({ id: segmentMembers.segmentId }));
    count('segment_changes', await tx.delete(segmentChanges).where(ofCustomer(segmentChanges)).returning({ id: segmentChanges.id }));
    count('reevaluations', await tx.delete(reevaluations).where(ofCustomer(reevaluations)).returning({ id: reevaluations.subject }));
    count('events', await tx.delete(events).where(ofCustomer(events)).returning({ seq: events.seq }));
    // Best effort: deliveries whose mapping produced this customer (the raw body may name them elsewhere too).
    count(
      'webhook_deliveries',
      await tx
        .delete(webhookDeliveries)
        .where(and(eq(webhookDeliveries.workspaceId, workspaceId), sql`${webhookDeliveries.event} ->> 'customerId' = ${customerId}`))
        .returning({ id: webhookDeliveries.id }),
    );
    count('customers', await tx.delete(customers).where(and(eq(customers.workspaceId, workspaceId), eq(customers.id, customerId))).returning({ id: customers.id }));
    await tx
      .insert(customerSuppressions)
      .values({ workspaceId, customerHash: hash, reason: 'deleted', at })
      .onConflictDoUpdate({ target: [customerSuppressions.workspaceId, customerSuppressions.customerHash], set: { reason: 'deleted', at, liftedAt: null } });
    await recordAudit(tx, { workspaceId, actorKeyId, action: 'customer.delete', targetType: 'customer', targetId: hash, details: { removed }, at });
    return { deleted: true as const, customerHash: hash, removed };
  });
};

/** Lets the id be ingested again (a new, empty customer). 404 when the id is not suppressed. */
export const liftSuppression = async (services: Services, workspaceId: string, customerId: string, actorKeyId: ActorKeyId): Promise<{ lifted: true; customerHash: string }> => {
  const at = services.now();
  const hash = customerHash(workspaceId, customerId);
  return services.db.transaction(async (tx) => {
    const lifted = await tx
      .update(customerSuppressions)
      .set({ liftedAt: at })
      .where(and(eq(customerSuppressions.workspaceId, workspaceId), eq(customerSuppressions.customerHash, hash), isNull(customerSuppressions.liftedAt)))
      .returning({ hash: customerSuppressions.customerHash });
    if (lifted.length === 0) throw notFound('a suppression of this customer id');
    await recordAudit(tx, { workspaceId, actorKeyId, action: 'suppression.lift', targetType: 'suppression', targetId: hash, at });
    return { lifted: true as const, customerHash: hash };
  });
};
