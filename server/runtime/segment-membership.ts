import { sql } from 'drizzle-orm';
import { queryRows, type Executor } from '../../drizzle/db.js';
import { events } from '../../drizzle/schema.js';
import type { CustomerProfile, EventView, JsonValue } from '../../workflows/index.js';
import {
  isMember,
  nextMembershipChange,
  segmentDefinitionSchema,
  segmentEventNames,
  segmentIsTimeDependent,
  segmentWindowDays,
  type SegmentDefinition,
} from '../../workflows/segments.js';
import { anyKey, customerKeys, recordset, rowsCte } from './batch-statements.js';
import { eventRow } from './event-rows.js';
import { keyOf } from './load.js';

/**
 * Segment membership at run time: for a set of customers of a workspace (locked by the caller),
 * evaluates every segment of the workspace, writes who entered and who left (`segment_members`,
 * `segment_changes`) and queues a `segment_entered` / `segment_left` event per change for the
 * worker, so `trigger_segment_entered` / `trigger_segment_left` journeys start. Answers, per
 * customer, the earliest moment time alone could change their membership (for `reevaluations`).
 *
 * Called by the worker after a batch (cause "event"), by due re-evaluations ("time"), by the
 * backfill after a definition changed ("definition") and after a consent change. A workspace
 * without segments costs one indexed read per batch.
 */
const DAY = 86_400_000;

export type SegmentChangeCause = 'event' | 'time' | 'definition';

export interface ActiveSegment {
  id: string;
  version: number;
  definition: SegmentDefinition;
}

/** Parsed definitions by workspace, id, version and creation (a deleted and recreated id starts at version 1 again). */
const parsed = new Map<string, SegmentDefinition>();

const definitionOf = (row: { workspace_id: string; id: string; version: number; created_at: number; definition: unknown }): SegmentDefinition => {
  const key = `${row.workspace_id}/${row.id}@${row.version}/${row.created_at}`;
  const cached = parsed.get(key);
  if (cached) return cached;
  const result = segmentDefinitionSchema.safeParse(row.definition);
  if (!result.success) throw new Error(`stored definition of segment "${row.id}" version ${row.version} no longer validates: ${result.error.message}`);
  if (parsed.size > 10_000) parsed.clear();
  parsed.set(key, result.data);
  return result.data;
};

/** The segments of the given workspaces (one statement). */
export const loadActiveSegments = async (db: Executor, workspaceIds: readonly string[]): Promise<Map<string, ActiveSegment[]>> => {
  const bySpace = new Map<string, ActiveSegment[]>();
  if (workspaceIds.length === 0) return bySpace;
  const rows = await queryRows<{ workspace_id: string; id: string; version: number; created_at: number; definition: unknown }>(
    db,
    sql`select s.workspace_id, s.id, s.version, s.created_at::float8 as created_at, s.definition
      from segments s join ${recordset(workspaceIds.map((id) => ({ workspace_id: id })), 'w', 'workspace_id text')} on s.workspace_id = w.workspace_id
      order by s.workspace_id, s.id`,
  );
  for (const row of rows) {
    const list = bySpace.get(row.workspace_id) ?? [];
    list.push({ id: row.id, version: row.version, definition: definitionOf(row) });
    bySpace.set(row.workspace_id, list);
  }
  return bySpace;
};

/** Applied track and webhook events of `names` after `since`, per customer id. */
export const loadSegmentHistory = async (db: Executor, workspaceId: string, customerIds: readonly string[], names: readonly string[], since: number): Promise<Map<string, EventView[]>> => {
  const history = new Map<string, EventView[]>();
  if (names.length === 0 || customerIds.length === 0) return history;
  const rows = await queryRows<{ customer_id: string; name: string | null; payload: Record<string, JsonValue>; at: number }>(
    db,
    sql`select e.customer_id, e.name, e.payload, e.at::float8 as at
      from ${customerKeys(customerIds.map((customerId) => ({ workspaceId, customerId })))} cross join lateral (
        select e.* from events e where e.workspace_id = k.workspace_id and e.customer_id = k.customer_id
          and e.type in ('track', 'webhook') and e.processed_at is not null and e.error is null and e.at > ${since}
          and e.name in (select n from json_array_elements_text(${JSON.stringify(names)}::json) as x(n)) offset 0
      ) e
      order by e.seq`,
  );
  for (const row of rows) {
    const list = history.get(row.customer_id) ?? [];
    list.push({ name: row.name ?? '', properties: (row.payload['properties'] ?? {}) as Record<string, JsonValue>, at: row.at });
    history.set(row.customer_id, list);
  }
  return history;
};

/** What the workspace's segments need loaded: event names and the longest window. */
const needs = (segments: readonly ActiveSegment[]) => ({
  names: [...new Set(segments.flatMap((s) => segmentEventNames(s.definition)))],
  days: Math.max(0, ...segments.map((s) => segmentWindowDays(s.definition))),
  timed: segments.filter((s) => segmentIsTimeDependent(s.definition)),
});

export interface MembershipChange {
  segmentId: string;
  customerId: string;
  change: 'entered' | 'left';
  cause: SegmentChangeCause;
}

/** Enters and leaves the customers as `changes` say, records each change and queues its journey event. */
const writeChanges = async (tx: Executor, workspaceId: string, changes: readonly MembershipChange[], now: number): Promise<void> => {
  if (changes.length === 0) return;
  const rows = changes.map((c) => ({ workspace_id: workspaceId, segment_id: c.segmentId, customer_id: c.customerId, change: c.change, cause: c.cause }));
  const entered = rows.filter((r) => r.change === 'entered');
  const left = rows.filter((r) => r.change === 'left');
  const columns = 'workspace_id text, segment_id text, customer_id text, change text, cause text';
  if (entered.length > 0) {
    await tx.execute(sql`insert into segment_members (workspace_id, segment_id, customer_id, entered_at)
      select workspace_id, segment_id, customer_id, ${now}::bigint from ${recordset(entered, 'x', columns)} on conflict do nothing`);
  }
  if (left.length > 0) {
    await tx.execute(sql`with ${rowsCte('x', left, columns)}
      delete from segment_members m using x
      where m.workspace_id = x.workspace_id and m.segment_id = x.segment_id and m.customer_id = x.customer_id
        and m.workspace_id = ${anyKey('x', 'workspace_id')} and m.segment_id = ${anyKey('x', 'segment_id')}`);
  }
  const recorded = await queryRows<{ id: number; segment_id: string; customer_id: string; change: 'entered' | 'left' }>(
    tx,
    sql`insert into segment_changes (workspace_id, segment_id, customer_id, change, cause, at)
      select workspace_id, segment_id, customer_id, change, cause, ${now}::bigint from ${recordset(rows, 'x', columns)}
      returning id::float8 as id, segment_id, customer_id, change`,
  );
  await tx.insert(events).values(
    recorded.map((r) =>
      eventRow(`segment_${r.change}`, { workspaceId, customerId: r.customer_id, messageId: `segment:${r.id}`, at: now, receivedAt: now }, { segmentId: r.segment_id }),
    ),
  );
};

export interface SegmentSubjectRow {
  workspaceId: string;
  /** The customer as they are now (after the batch, with their new cluster). */
  customer: CustomerProfile;
}

/**
 * Re-evaluates every segment of the customers' workspaces for them (the caller holds their rows)
 * and writes the changes, recorded with `cause` (changes of `redefined`, a segment whose definition
 * just changed, with cause "definition"). Returns the next moment time alone could change
 * membership, per customer key, for customers of workspaces with time-dependent segments (null: never).
 */
export const refreshSegments = async (
  tx: Executor,
  subjects: readonly SegmentSubjectRow[],
  now: number,
  cause: SegmentChangeCause,
  redefined?: string,
): Promise<Map<string, number | null>> => {
  const due = new Map<string, number | null>();
  if (subjects.length === 0) return due;
  const byWorkspace = new Map<string, CustomerProfile[]>();
  for (const s of subjects) byWorkspace.set(s.workspaceId, [...(byWorkspace.get(s.workspaceId) ?? []), s.customer]);
  const segmentsOf = await loadActiveSegments(tx, [...byWorkspace.keys()]);
  for (const [workspaceId, list] of byWorkspace) {
    const segments = segmentsOf.get(workspaceId) ?? [];
    if (segments.length === 0) continue;
    const ids = list.map((c) => c.id);
    const { names, days, timed } = needs(segments);
    const [memberRows, history] = await Promise.all([
      queryRows<{ customer_id: string; segment_id: string }>(
        tx,
        sql`select m.customer_id, m.segment_id from ${customerKeys(ids.map((customerId) => ({ workspaceId, customerId })))}
          cross join lateral (select m.* from segment_members m where m.workspace_id = k.workspace_id and m.customer_id = k.customer_id offset 0) m`,
      ),
      loadSegmentHistory(tx, workspaceId, ids, names, now - days * DAY),
    ]);
    const memberOf = new Set(memberRows.map((r) => `${r.segment_id}\u0000${r.customer_id}`));
    const changes: MembershipChange[] = [];
    for (const customer of list) {
      const subject = { customer, history: history.get(customer.id) ?? [] };
      for (const segment of segments) {
        const inside = isMember(segment.definition, subject, now);
        const was = memberOf.has(`${segment.id}\u0000${customer.id}`);
        if (inside !== was) changes.push({ segmentId: segment.id, customerId: customer.id, change: inside ? 'entered' : 'left', cause: segment.id === redefined ? 'definition' : cause });
      }
      if (timed.length > 0) {
        const moments = timed.map((s) => nextMembershipChange(s.definition, subject, now)).filter((t): t is number => t !== null);
        due.set(keyOf({ workspaceId, customerId: customer.id }), moments.length > 0 ? Math.min(...moments) : null);
      }
    }
    await writeChanges(tx, workspaceId, changes, now);
  }
  return due;
};
