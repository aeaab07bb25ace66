import { and, asc, eq, gt, inArray, isNull, ne, or, sql } from 'drizzle-orm';
import type { Executor } from '../../drizzle/db.js';
import { customers, journeys, journeyVersions, segmentChanges, segmentMembers, segments } from '../../drizzle/schema.js';
import { nodeKindDefinition, nodeKindSchema, type JourneyGraphInput } from '../../workflows/index.js';
import { segmentStageProblems, type SegmentDefinition, type SegmentRequest, type SegmentUpdate } from '../../workflows/segments.js';
import { ApiError, badRequest, notFound } from '../errors.js';
import type { Services } from '../services.js';
import { recordAudit, type ActorKeyId } from './audit.js';
import { runInBackground } from './background.js';
import { slugify } from './journeys.js';
import { toProfile } from './load.js';
import { refreshSegmentStanding } from './reevaluations.js';
import { loadStageModel } from './stages.js';

/**
 * Segment definitions per workspace (`segments`): create, read, change, delete. Creating a segment
 * or changing its definition evaluates every existing customer once, in the background, in pages
 * (the backfill); from then on membership is maintained incrementally (segment-membership.ts). A
 * backfill interrupted by a restart is resumed by the worker (`resumeSegmentBackfills`), because
 * `evaluated_version` only reaches `version` when the last page is done.
 */
const PAGE = 500;


type SegmentRow = typeof segments.$inferSelect;

export interface SegmentSummary {
  id: string;
  name: string;
  description: string | null;
  definition: SegmentDefinition;
  version: number;
  /** Customers in the segment now, as stored. */
  members: number;
  /** Every existing customer has been evaluated under this version (false while the backfill runs). */
  upToDate: boolean;
  createdAt: number;
  updatedAt: number;
}

const memberCounts = async (db: Executor, workspaceId: string, segmentId?: string): Promise<Map<string, number>> => {
  const rows = await db
    .select({ segmentId: segmentMembers.segmentId, count: sql<number>`count(*)::int` })
    .from(segmentMembers)
    .where(segmentId === undefined ? eq(segmentMembers.workspaceId, workspaceId) : and(eq(segmentMembers.workspaceId, workspaceId), eq(segmentMembers.segmentId, segmentId)))
    .groupBy(segmentMembers.segmentId);
  return new Map(rows.map((r) => [r.segmentId, Number(r.count)]));
};

const summary = (row: SegmentRow, members: number): SegmentSummary => ({
  id: row.id,
  name: row.name,
  description: row.description,
  definition: row.definition,
  version: row.version,
  members,
  upToDate: row.evaluatedVersion === row.version,
  createdAt: row.createdAt,
  updatedAt: row.updatedAt,
});

export const loadSegment = async (db: Executor, workspaceId: string, segmentId: string, lock = false): Promise<SegmentRow> => {
  const query = db.select().from(segments).where(and(eq(segments.workspaceId, workspaceId), eq(segments.id, segmentId)));
  const [row] = lock ? await query.for('update') : await query;
  if (!row) throw notFound(`segment "${segmentId}"`);
  return row;
};

export const listSegments = async (services: Services, workspaceId: string): Promise<SegmentSummary[]> => {
  const [rows, counts] = await Promise.all([
    services.db.select().from(segments).where(eq(segments.workspaceId, workspaceId)).orderBy(asc(segments.name), asc(segments.id)),
    memberCounts(services.db, workspaceId),
  ]);
  return rows.map((row) => summary(row, counts.get(row.id) ?? 0));
};

export const getSegment = async (services: Services, workspaceId: string, segmentId: string): Promise<SegmentSummary> => {
  const row = await loadSegment(services.db, workspaceId, segmentId);
  return summary(row, (await memberCounts(services.db, workspaceId, segmentId)).get(segmentId) ?? 0);
};

/** Stage values are checked against the workspace's stage model (a typo would silently match nobody). */
export const checkAgainstWorkspace = async (db: Executor, workspaceId: string, definition: SegmentDefinition, path: (string | number)[]): Promise<void> => {
  const stages = (await loadStageModel(db, workspaceId)).stages.map((s) => s.id);
  const problems = segmentStageProblems(definition.rule, stages, [...path, 'rule']);
  const first = problems[0];
  if (first) throw badRequest(`invalid segment definition: ${first.message} at ${first.path.join('.')}`, problems);
};

// ---------------------------------------------------------------------------------------------
// Backfill: every existing customer under a new definition

/** Backfills running in this process, by services, as "<workspace>/<segment>@<version>". */
const running = new WeakMap<Services, Set<string>>();

/**
 * Evaluates every customer of the workspace under `version` of the segment, one transaction per
 * page of customers (their rows locked, so the worker never interleaves). Stops when the segment is
 * changed again or deleted (the newer backfill takes over). Returns how many customers it saw.
 */
export const backfillSegment = async (services: Services, workspaceId: string, segmentId: string, version: number): Promise<{ customers: number; superseded: boolean }> => {
  let after: string | null = null;
  let seen = 0;
  for (;;) {
    const page = await services.db.transaction(async (tx) => {
      const [row] = await tx.select({ version: segments.version }).from(segments).where(and(eq(segments.workspaceId, workspaceId), eq(segments.id, segmentId)));
      if (!row || row.version !== version) return null;
      const now = services.now();
      const rows = await tx
        .select()
        .from(customers)
        .where(after === null ? eq(customers.workspaceId, workspaceId) : and(eq(customers.workspaceId, workspaceId), gt(customers.id, after)))
        .orderBy(asc(customers.id))
        .limit(PAGE)
        .for('update');
      await refreshSegmentStanding(tx, rows.map((r) => ({ workspaceId, customer: toProfile(r) })), now, 'time', segmentId);
      if (rows.length < PAGE) {
        await tx.update(segments).set({ evaluatedVersion: version }).where(and(eq(segments.workspaceId, workspaceId), eq(segments.id, segmentId), eq(segments.version, version)));
      }
      return rows;
    });
    if (page === null) return { customers: seen, superseded: true };
    seen += page.length;
    services.wake();
    if (page.length < PAGE) break;
    after = page[page.length - 1]?.id ?? null;
  }
  services.log.info({ workspaceId, segmentId, version, customers: seen }, 'segment evaluated for every customer');
  return { customers: seen, superseded: false };
};

const startBackfill = (services: Services, workspaceId: string, segmentId: string, version: number): void => {
  const key = `${workspaceId}/${segmentId}@${version}`;
  const set = running.get(services) ?? new Set<string>();
  running.set(services, set);
  if (set.has(key)) return;
  set.add(key);
  runInBackground(services, 'segment backfill', { workspaceId, segmentId, version }, () => backfillSegment(services, workspaceId, segmentId, version).finally(() => set.delete(key)));
};

/** Starts the backfill of every segment whose current version has not been evaluated for every customer (after a restart). */
export const resumeSegmentBackfills = async (services: Services): Promise<number> => {
  const pending = await services.db
    .select({ workspaceId: segments.workspaceId, id: segments.id, version: segments.version })
    .from(segments)
    .where(or(isNull(segments.evaluatedVersion), ne(segments.evaluatedVersion, segments.version)));
  for (const s of pending) startBackfill(services, s.workspaceId, s.id, s.version);
  return pending.length;
};

// ---------------------------------------------------------------------------------------------
// Writes

export const createSegment = async (services: Services, workspaceId: string, request: SegmentRequest, actor: ActorKeyId): Promise<SegmentSummary> => {
  await checkAgainstWorkspace(services.db, workspaceId, request.definition, ['definition']);
  const now = services.now();
  const base = request.id ?? slugify(request.name);
  for (let attempt = 1; attempt <= 1000; attempt += 1) {
    const id = request.id ?? (attempt === 1 ? base : `${base}-${attempt}`);
    const row = await services.db.transaction(async (tx) => {
      const [inserted] = await tx
        .insert(segments)
        .values({ workspaceId, id, name: request.name, description: request.description ?? null, definition: request.definition, version: 1, evaluatedVersion: null, createdAt: now, updatedAt: now })
        .onConflictDoNothing()
        .returning();
      if (inserted) await recordAudit(tx, { workspaceId, actorKeyId: actor, action: 'segment.create', targetType: 'segment', targetId: id, details: { name: request.name, version: 1 }, at: now });
      return inserted;
    });
    if (row) {
      startBackfill(services, workspaceId, id, 1);
      return summary(row, 0);
    }
    if (request.id) throw new ApiError(409, 'segment_exists', `a segment with id "${id}" already exists; choose another id, or PATCH /v1/segments/${id} to change it`);
  }
  throw new ApiError(409, 'segment_exists', `too many segments are named like "${request.name}"; give this one an explicit id`);
};

export const updateSegment = async (services: Services, workspaceId: string, segmentId: string, update: SegmentUpdate, actor: ActorKeyId): Promise<SegmentSummary> => {
  if (update.definition) await checkAgainstWorkspace(services.db, workspaceId, update.definition, ['definition']);
  const now = services.now();
  const row = await services.db.transaction(async (tx) => {
    const current = await loadSegment(tx, workspaceId, segmentId, true);
    const redefined = update.definition !== undefined && JSON.stringify(update.definition) !== JSON.stringify(current.definition);
    const version = redefined ? current.version + 1 : current.version;
    const [updated] = await tx
      .update(segments)
      .set({
        ...(update.name !== undefined ? { name: update.name } : {}),
        ...(update.description !== undefined ? { description: update.description } : {}),
        ...(redefined && update.definition ? { definition: update.definition } : {}),
        version,
        updatedAt: now,
      })
      .where(and(eq(segments.workspaceId, workspaceId), eq(segments.id, segmentId)))
      .returning();
    await recordAudit(tx, { workspaceId, actorKeyId: actor, action: 'segment.update', targetType: 'segment', targetId: segmentId, details: { version, redefined }, at: now });
    return updated as SegmentRow;
  });
  if (row.evaluatedVersion !== row.version) startBackfill(services, workspaceId, segmentId, row.version);
  return summary(row, (await memberCounts(services.db, workspaceId, segmentId)).get(segmentId) ?? 0);
};

/** Live and paused journeys whose version in force starts on this segment (they would never start again). */
const journeysUsing = async (db: Executor, workspaceId: string, segmentId: string): Promise<string[]> => {
  const rows = await db
    .select({ id: journeys.id, graph: journeyVersions.graph })
    .from(journeys)
    .innerJoin(journeyVersions, and(eq(journeyVersions.workspaceId, journeys.workspaceId), eq(journeyVersions.journeyId, journeys.id), eq(journeyVersions.version, journeys.liveVersion)))
    .where(and(eq(journeys.workspaceId, workspaceId), inArray(journeys.status, ['live', 'paused'])));
  const uses = (graph: JourneyGraphInput): boolean =>
    graph.nodes.some((node) => {
      const kind = nodeKindSchema.safeParse(node.kind);
      if (!kind.success) return false;
      const definition = nodeKindDefinition(kind.data);
      const params = definition.params.safeParse(node.params ?? {});
      return params.success && (definition.references?.(params.data) ?? []).some((ref) => ref.type === 'segment' && ref.id === segmentId);
    });
  return rows.filter((r) => uses(r.graph)).map((r) => r.id);
};

/**
 * Deletes the segment with its members and change history. Refused (409) while a live or paused
 * journey starts on it. Members do not get a `segment_left` event: the segment is gone, not left.
 */
export const deleteSegment = async (services: Services, workspaceId: string, segmentId: string, actor: ActorKeyId): Promise<{ deleted: true; id: string; members: number }> => {
  const now = services.now();
  return services.db.transaction(async (tx) => {
    await loadSegment(tx, workspaceId, segmentId, true);
    const using = await journeysUsing(tx, workspaceId, segmentId);
    if (using.length > 0) {
      throw new ApiError(409, 'segment_in_use', `segment "${segmentId}" starts the live journey(s) ${using.map((id) => `"${id}"`).join(', ')}; archive them or publish versions without it first`, using.map((id) => ({ path: ['journeys', id], message: 'uses this segment in a trigger' })));
    }
    const removed = await tx.delete(segmentMembers).where(and(eq(segmentMembers.workspaceId, workspaceId), eq(segmentMembers.segmentId, segmentId))).returning({ id: segmentMembers.customerId });
    await tx.delete(segmentChanges).where(and(eq(segmentChanges.workspaceId, workspaceId), eq(segmentChanges.segmentId, segmentId)));
    await tx.delete(segments).where(and(eq(segments.workspaceId, workspaceId), eq(segments.id, segmentId)));
    await recordAudit(tx, { workspaceId, actorKeyId: actor, action: 'segment.delete', targetType: 'segment', targetId: segmentId, details: { members: removed.length }, at: now });
    return { deleted: true as const, id: segmentId, members: removed.length };
  });
};
