import { sql } from 'drizzle-orm';
import { queryRows, type Executor } from '../../drizzle/db.js';
import type { CustomerProfile } from '../../workflows/index.js';
import type { Services } from '../services.js';
import { anyKey, customerKeys, rowsCte } from './batch-statements.js';
import { refreshClusters } from './clusters.js';
import { keyOf, toProfile, type CustomerRow } from './load.js';
import { scheduleReevaluations, type DueReevaluation } from './reevaluation-rows.js';
import { refreshSegments, type SegmentChangeCause } from './segment-membership.js';

/**
 * A customer's standing — value cluster and segment membership — kept current as data arrives and
 * as time passes. `refreshStanding` is what the worker calls after a batch (and what a due
 * re-evaluation calls): clusters first, then segments with the new cluster, then the next moment
 * time alone changes either is written to `reevaluations`. `processDueReevaluations` claims due
 * rows (FOR UPDATE SKIP LOCKED), locks their customers (SKIP LOCKED: a customer the worker holds is
 * re-evaluated by the worker anyway) and refreshes them. No periodic rebuilds: nobody is looked at
 * unless their data changed or one of their windows ends.
 */

export interface StandingRefresh {
  workspaceId: string;
  /** The customer as the batch left them. */
  customer: CustomerProfile;
  /** The last event row of the customer the batch processed (names the Cluster Changed event), null otherwise. */
  seq: number | null;
}

const dueOf = (due: Map<string, number | null>, subjects: readonly { workspaceId: string; customer: CustomerProfile }[]): DueReevaluation[] =>
  subjects.flatMap(({ workspaceId, customer }) => {
    const key = keyOf({ workspaceId, customerId: customer.id });
    return due.has(key) ? [{ workspaceId, customerId: customer.id, dueAt: due.get(key) ?? null }] : [];
  });

/** Segments only (after a segment definition or a consent change): membership, changes, due times. */
export const refreshSegmentStanding = async (
  tx: Executor,
  subjects: readonly { workspaceId: string; customer: CustomerProfile }[],
  now: number,
  cause: SegmentChangeCause,
  redefined?: string,
): Promise<void> => {
  const due = await refreshSegments(tx, subjects, now, cause, redefined);
  if (due.size > 0) await scheduleReevaluations(tx, 'segments', dueOf(due, subjects));
};

/** Clusters, then segments (seeing the new cluster), then due times; inside the caller's transaction, customers held. */
export const refreshStanding = async (tx: Executor, items: readonly StandingRefresh[], now: number, cause: 'event' | 'time' = 'event'): Promise<void> => {
  if (items.length === 0) return;
  const clusters = await refreshClusters(tx, items, now);
  if (clusters.due.length > 0) await scheduleReevaluations(tx, 'clusters', clusters.due);
  const subjects = items.map(({ workspaceId, customer }) => {
    const key = keyOf({ workspaceId, customerId: customer.id });
    return { workspaceId, customer: clusters.changed.has(key) ? { ...customer, cluster: clusters.changed.get(key) ?? null } : customer };
  });
  await refreshSegmentStanding(tx, subjects, now, cause);
};

interface LockedCustomer {
  workspace_id: string;
  id: string;
  traits: CustomerRow['traits'];
  stage: string | null;
  cluster: CustomerRow['cluster'];
  timezone: string | null;
  consent: Record<string, boolean>;
  tags: string[];
}

/**
 * Re-evaluates customers whose re-evaluation is due, up to `limit` per call, in one transaction.
 * Returns how many customers were re-evaluated. Changes are queued as events for the worker.
 */
export const processDueReevaluations = async (services: Services, limit = services.config.RAPPORT_BATCH_CUSTOMERS): Promise<number> => {
  const now = services.now();
  const done = await services.db.transaction(async (tx) => {
    const due = await queryRows<{ workspace_id: string; customer_id: string }>(
      tx,
      sql`select workspace_id, customer_id from reevaluations where due_at <= ${now} order by due_at limit ${limit} for update skip locked`,
    );
    if (due.length === 0) return 0;
    const keys = [...new Map(due.map((d) => [keyOf({ workspaceId: d.workspace_id, customerId: d.customer_id }), { workspaceId: d.workspace_id, customerId: d.customer_id }])).values()];
    const locked = await queryRows<LockedCustomer>(
      tx,
      sql`with ${rowsCte('k', keys.map((k) => ({ workspace_id: k.workspaceId, customer_id: k.customerId })), 'workspace_id text, customer_id text')}
        select c.workspace_id, c.id, c.traits, c.stage, c.cluster, c.timezone, c.consent, c.tags
        from customers c
        where c.workspace_id = ${anyKey('k', 'workspace_id')} and c.id = ${anyKey('k', 'customer_id')}
          and (c.workspace_id, c.id) in (select workspace_id, customer_id from k)
        for update of c skip locked`,
    );
    const items = locked.map((row) => ({
      workspaceId: row.workspace_id,
      customer: toProfile({ workspaceId: row.workspace_id, id: row.id, traits: row.traits, stage: row.stage, cluster: row.cluster, timezone: row.timezone, consent: row.consent, tags: row.tags, createdAt: 0, updatedAt: 0 }),
      seq: null,
    }));
    await refreshStanding(tx, items, now, 'time');
    // Rows still due now were not rescheduled (no definition needs them any more), or belong to customers that no longer exist.
    const handled = customerKeys(items.map((i) => ({ workspaceId: i.workspaceId, customerId: i.customer.id })));
    await tx.execute(sql`delete from reevaluations r using ${handled} where r.workspace_id = k.workspace_id and r.customer_id = k.customer_id and r.due_at <= ${now}`);
    await tx.execute(sql`delete from reevaluations r using ${customerKeys(keys)}
      where r.workspace_id = k.workspace_id and r.customer_id = k.customer_id and r.due_at <= ${now}
        and not exists (select 1 from customers c where c.workspace_id = r.workspace_id and c.id = r.customer_id)`);
    return items.length;
  });
  if (done > 0) services.wake();
  return done;
};
