import { and, asc, eq, gt, gte, lt, sql } from 'drizzle-orm';
import { z } from 'zod';
import { customers, segmentChanges, segmentMembers } from '../../drizzle/schema.js';
import { isMember, segmentDefinitionSchema, segmentEventNames, segmentWindowDays, type SegmentDefinition } from '../../workflows/segments.js';
import type { ValueCluster } from '../../workflows/index.js';
import type { Services } from '../services.js';
import { toProfile } from './load.js';
import { resolvePeriod, type PeriodQuery } from './period.js';
import { loadSegmentHistory } from './segment-membership.js';
import { loadSegment } from './segments.js';

/** What the API answers about segments besides their definitions: previews, members, counts over time. */
const DAY = 86_400_000;
const PAGE = 500;
const SAMPLE = 20;

export const segmentPreviewRequestSchema = z.object({ definition: segmentDefinitionSchema }).strict();

export interface SegmentPreview {
  /** Customers of the workspace looked at. */
  customers: number;
  /** How many of them the definition holds now. */
  members: number;
  /** Up to 20 of them, by id. */
  sample: string[];
}

/** How many customers `definition` would hold now; nothing is written. */
export const previewSegment = async (services: Services, workspaceId: string, definition: SegmentDefinition): Promise<SegmentPreview> => {
  const now = services.now();
  const names = segmentEventNames(definition);
  const since = now - segmentWindowDays(definition) * DAY;
  const preview: SegmentPreview = { customers: 0, members: 0, sample: [] };
  let after: string | null = null;
  for (;;) {
    const page = await services.db
      .select()
      .from(customers)
      .where(after === null ? eq(customers.workspaceId, workspaceId) : and(eq(customers.workspaceId, workspaceId), gt(customers.id, after)))
      .orderBy(asc(customers.id))
      .limit(PAGE);
    const history = await loadSegmentHistory(services.db, workspaceId, page.map((c) => c.id), names, since);
    for (const row of page) {
      if (!isMember(definition, { customer: toProfile(row), history: history.get(row.id) ?? [] }, now)) continue;
      preview.members += 1;
      if (preview.sample.length < SAMPLE) preview.sample.push(row.id);
    }
    preview.customers += page.length;
    if (page.length < PAGE) break;
    after = page[page.length - 1]?.id ?? null;
  }
  return preview;
};

export const memberQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(100),
  cursor: z.string().min(1).max(200).optional(),
});
export type MemberQuery = z.infer<typeof memberQuerySchema>;

export interface SegmentMember {
  customerId: string;
  enteredAt: number;
  stage: string | null;
  cluster: ValueCluster | null;
}

/** The members by customer id, keyset-paginated (`cursor` is the last id of the previous page). */
export const listSegmentMembers = async (services: Services, workspaceId: string, segmentId: string, query: MemberQuery): Promise<{ members: SegmentMember[]; nextCursor: string | null }> => {
  await loadSegment(services.db, workspaceId, segmentId);
  const rows = await services.db
    .select({ customerId: segmentMembers.customerId, enteredAt: segmentMembers.enteredAt, stage: customers.stage, cluster: customers.cluster })
    .from(segmentMembers)
    .innerJoin(customers, and(eq(customers.workspaceId, segmentMembers.workspaceId), eq(customers.id, segmentMembers.customerId)))
    .where(
      and(
        eq(segmentMembers.workspaceId, workspaceId),
        eq(segmentMembers.segmentId, segmentId),
        ...(query.cursor !== undefined ? [gt(segmentMembers.customerId, query.cursor)] : []),
      ),
    )
    .orderBy(asc(segmentMembers.customerId))
    .limit(query.limit + 1);
  const members = rows.slice(0, query.limit);
  return { members, nextCursor: rows.length > query.limit ? (members.at(-1)?.customerId ?? null) : null };
};

export interface SegmentCounts {
  segmentId: string;
  /** Members now. */
  members: number;
  from: number;
  to: number;
  /** Entries and exits recorded in [from, to). */
  entered: number;
  left: number;
  /** The same per UTC day (only days with changes), oldest first; `day` is the day's start in epoch ms. */
  days: { day: number; entered: number; left: number }[];
}

export const segmentCounts = async (services: Services, workspaceId: string, segmentId: string, query: PeriodQuery): Promise<SegmentCounts> => {
  const { from, to } = resolvePeriod(query, services.now());
  await loadSegment(services.db, workspaceId, segmentId);
  const [members, changes] = await Promise.all([
    services.db
      .select({ count: sql<number>`count(*)::int` })
      .from(segmentMembers)
      .where(and(eq(segmentMembers.workspaceId, workspaceId), eq(segmentMembers.segmentId, segmentId))),
    services.db
      .select({ day: sql<number>`(floor(${segmentChanges.at} / ${DAY}) * ${DAY})::float8`, change: segmentChanges.change, count: sql<number>`count(*)::int` })
      .from(segmentChanges)
      .where(and(eq(segmentChanges.workspaceId, workspaceId), eq(segmentChanges.segmentId, segmentId), gte(segmentChanges.at, from), lt(segmentChanges.at, to)))
      .groupBy(sql`1`, segmentChanges.change),
  ]);
  const days = new Map<number, { day: number; entered: number; left: number }>();
  for (const row of changes) {
    const day = Number(row.day);
    const entry = days.get(day) ?? { day, entered: 0, left: 0 };
    entry[row.change] += Number(row.count);
    days.set(day, entry);
  }
  const series = [...days.values()].sort((a, b) => a.day - b.day);
  return {
    segmentId,
    members: Number(members[0]?.count ?? 0),
    from,
    to,
    entered: series.reduce((n, d) => n + d.entered, 0),
    left: series.reduce((n, d) => n + d.left, 0),
    days: series,
  };
};
