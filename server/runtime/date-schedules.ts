import { and, asc, eq, gt, lte, sql } from 'drizzle-orm';
import type { Executor } from '../../drizzle/db.js';
import { customers, dateSchedules, events } from '../../drizzle/schema.js';
import { nextDateTriggers, type BoundJourney, type CustomerProfile, type EntryPoint } from '../../workflows/index.js';
import type { Services } from '../services.js';
import { eventRow } from './event-rows.js';
import { toProfile } from './load.js';

/**
 * Date-relative triggers ("30 days before renewal_date at 09:00", "every birthday"). For each
 * customer and live journey with such a trigger, `date_schedules` holds when it next fires. Rows
 * are recomputed whenever the customer is processed (their traits may have changed), filled in for
 * existing customers when a journey goes live, and turned into `date_reached` events when due.
 */

const hasDateTrigger = (bound: BoundJourney): boolean => bound.compiled.triggers.some((t) => t.kind === 'trigger_date');

export interface ScheduleTarget {
  workspaceId: string;
  customer: CustomerProfile;
}

/** Replaces the customers' schedule rows for the given live journeys (inside the caller's transaction). */
export const refreshDateSchedules = async (
  tx: Executor,
  targets: readonly ScheduleTarget[],
  liveMachines: (workspaceId: string) => readonly { entry: EntryPoint; bound: BoundJourney }[],
  now: number,
): Promise<void> => {
  const rows: (typeof dateSchedules.$inferInsert)[] = [];
  const cleared: ScheduleTarget[] = [];
  for (const target of targets) {
    const journeys = liveMachines(target.workspaceId).filter((m) => hasDateTrigger(m.bound));
    if (journeys.length === 0) continue;
    cleared.push(target);
    for (const { entry, bound } of journeys) {
      for (const due of nextDateTriggers(bound.compiled, target.customer, () => now)) {
        rows.push({ workspaceId: target.workspaceId, customerId: target.customer.id, journeyId: entry.journeyId, nodeId: due.nodeId, trait: due.trait, dueAt: due.at });
      }
    }
  }
  for (const target of cleared) {
    await tx.delete(dateSchedules).where(and(eq(dateSchedules.workspaceId, target.workspaceId), eq(dateSchedules.customerId, target.customer.id)));
  }
  if (rows.length > 0) await tx.insert(dateSchedules).values(rows).onConflictDoNothing();
};

/** Turns due schedule rows into `date_reached` events (idempotent by message id) and removes them. */
export const emitDueDateEvents = async (services: Services, limit = 500): Promise<number> => {
  const now = services.now();
  return services.db.transaction(async (tx) => {
    const due = await tx
      .select()
      .from(dateSchedules)
      .where(lte(dateSchedules.dueAt, now))
      .orderBy(asc(dateSchedules.dueAt))
      .limit(limit)
      .for('update', { skipLocked: true });
    if (due.length === 0) return 0;
    await tx
      .insert(events)
      .values(
        due.map((row) =>
          eventRow(
            'date_reached',
            {
              workspaceId: row.workspaceId,
              customerId: row.customerId,
              messageId: `date:${row.journeyId}:${row.nodeId}:${row.customerId}:${row.dueAt}`,
              at: row.dueAt,
              receivedAt: now,
            },
            { journeyId: row.journeyId, nodeId: row.nodeId, trait: row.trait },
          ),
        ),
      )
      .onConflictDoNothing();
    for (const row of due) {
      await tx
        .delete(dateSchedules)
        .where(
          and(
            eq(dateSchedules.workspaceId, row.workspaceId),
            eq(dateSchedules.customerId, row.customerId),
            eq(dateSchedules.journeyId, row.journeyId),
            eq(dateSchedules.nodeId, row.nodeId),
            eq(dateSchedules.dueAt, row.dueAt),
          ),
        );
    }
    return due.length;
  });
};

/**
 * Fills in schedules for customers who have not been processed since a date-triggered journey
 * version went live, a page at a time. `done` remembers finished (journey, version) pairs per
 * process; repeating the work after a restart is harmless (rows are recomputed identically).
 */
export const backfillDateSchedules = async (services: Services, done: Set<string>, pageSize = 1_000): Promise<number> => {
  const { db, versions } = services;
  const workspaces = await db.selectDistinct({ id: customers.workspaceId }).from(customers);
  let written = 0;
  for (const { id: workspaceId } of workspaces) {
    for (const entry of await versions.entryPoints(workspaceId)) {
      const key = `${workspaceId}/${entry.journeyId}@${entry.version}`;
      if (done.has(key)) continue;
      const bound = await versions.machine(workspaceId, entry.journeyId, entry.version);
      if (!hasDateTrigger(bound)) {
        done.add(key);
        continue;
      }
      let after = '';
      for (;;) {
        const page = await db
          .select()
          .from(customers)
          .where(and(eq(customers.workspaceId, workspaceId), gt(customers.id, after)))
          .orderBy(asc(customers.id))
          .limit(pageSize);
        if (page.length === 0) break;
        const now = services.now();
        await db.transaction(async (tx) => {
          const rows = page.flatMap((row) =>
            nextDateTriggers(bound.compiled, toProfile(row), () => now).map((due) => ({
              workspaceId,
              customerId: row.id,
              journeyId: entry.journeyId,
              nodeId: due.nodeId,
              trait: due.trait,
              dueAt: due.at,
            })),
          );
          if (rows.length > 0) {
            await tx
              .insert(dateSchedules)
              .values(rows)
              .onConflictDoUpdate({
                target: [dateSchedules.workspaceId, dateSchedules.customerId, dateSchedules.journeyId, dateSchedules.nodeId],
                set: { dueAt: sql`excluded.due_at`, trait: sql`excluded.trait` },
              });
          }
          written += rows.length;
        });
        after = (page[page.length - 1] as { id: string }).id;
      }
      done.add(key);
    }
  }
  return written;
};

