import { sql, type SQL } from 'drizzle-orm';
import type { Executor } from '../../drizzle/db.js';
import { recordset } from './batch-statements.js';

/**
 * `reevaluations`: when each customer's segment membership or value cluster must be looked at again
 * because time alone changes it. Written by whoever evaluated the customer (worker, due
 * re-evaluation, backfill), in their transaction; a row that would not change is not rewritten.
 */
export type ReevaluationSubject = 'segments' | 'clusters';

export interface DueReevaluation {
  workspaceId: string;
  customerId: string;
  /** null: time alone never changes it (the row is removed). */
  dueAt: number | null;
}

const columns = 'workspace_id text, customer_id text, subject text, due_at bigint';

/** Sets (or clears) the due time of `subject` for each customer: at most two statements, whatever the count. */
export const scheduleReevaluations = async (tx: Executor, subject: ReevaluationSubject, due: readonly DueReevaluation[]): Promise<void> => {
  const set = due.filter((d) => d.dueAt !== null).map((d) => ({ workspace_id: d.workspaceId, customer_id: d.customerId, subject, due_at: d.dueAt }));
  const cleared = due.filter((d) => d.dueAt === null).map((d) => ({ workspace_id: d.workspaceId, customer_id: d.customerId, subject, due_at: null }));
  const statements: SQL[] = [];
  if (set.length > 0) {
    statements.push(sql`insert into reevaluations (workspace_id, customer_id, subject, due_at)
      select workspace_id, customer_id, subject, due_at from ${recordset(set, 'x', columns)}
      on conflict (workspace_id, customer_id, subject) do update set due_at = excluded.due_at where reevaluations.due_at <> excluded.due_at`);
  }
  if (cleared.length > 0) {
    statements.push(sql`delete from reevaluations r using ${recordset(cleared, 'x', columns)}
      where r.workspace_id = x.workspace_id and r.customer_id = x.customer_id and r.subject = x.subject`);
  }
  for (const statement of statements) await tx.execute(statement);
};
