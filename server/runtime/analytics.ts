import { and, eq, gte, lt, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { queryRows } from '../../drizzle/db.js';
import { effects, journeys, runSteps, runs } from '../../drizzle/schema.js';
import { goalBuckets } from '../../workflows/index.js';
import { notFound } from '../errors.js';
import type { Services } from '../services.js';

/**
 * The journey report: how a journey (and so a contact strategy) performs — goals reached, in what
 * time, at what cost — by version, by value cluster and by lifecycle stage at entry, over a period.
 * Computed in SQL over runs, steps and effects; "at entry" is the customer as the run's first step
 * recorded them.
 */

export const reportQuerySchema = z.object({
  /** Runs that entered in [from, to) — ISO 8601 or epoch ms; default the last 30 days. */
  from: z.union([z.iso.datetime({ offset: true }), z.coerce.number().int()]).optional(),
  to: z.union([z.iso.datetime({ offset: true }), z.coerce.number().int()]).optional(),
  version: z.coerce.number().int().positive().optional(),
});
export type ReportQuery = z.infer<typeof reportQuerySchema>;

const toMs = (value: string | number): number => (typeof value === 'number' ? value : Date.parse(value));

export interface Breakdown {
  key: string | null;
  runs: number;
  converted: number;
  exited: number;
  active: number;
  conversionRate: number;
  medianTimeToGoalMs: number | null;
  cost: number;
  costPerConversion: number | null;
}

export interface JourneyReport {
  journeyId: string;
  period: { from: number; to: number };
  version: number | null;
  totals: Breakdown;
  funnel: { nodeId: string; entered: number }[];
  timeToGoal: { label: string; upToMs: number | null; count: number }[];
  effects: { channel: string; status: string; count: number; cost: number }[];
  byVersion: Breakdown[];
  byCluster: Breakdown[];
  byStage: Breakdown[];
  conversionsByDay: { day: string; converted: number }[];
}

const buckets = goalBuckets;

interface BreakdownRow {
  key: string | null;
  runs: number;
  converted: number;
  exited: number;
  active: number;
  median: number | null;
  cost: number | null;
}

const finishBreakdown = (row: BreakdownRow): Breakdown => ({
  key: row.key,
  runs: Number(row.runs),
  converted: Number(row.converted),
  exited: Number(row.exited),
  active: Number(row.active),
  conversionRate: Number(row.runs) === 0 ? 0 : Number(row.converted) / Number(row.runs),
  medianTimeToGoalMs: row.median === null ? null : Math.round(Number(row.median)),
  cost: Number(row.cost ?? 0),
  costPerConversion: Number(row.converted) === 0 ? null : Number(row.cost ?? 0) / Number(row.converted),
});

export const assertJourneyExists = async (services: Services, workspaceId: string, journeyId: string): Promise<void> => {
  const [journey] = await services.db.select({ id: journeys.id }).from(journeys).where(and(eq(journeys.workspaceId, workspaceId), eq(journeys.id, journeyId)));
  if (!journey) throw notFound(`journey "${journeyId}"`);
};

export const journeyReport = async (services: Services, workspaceId: string, journeyId: string, query: ReportQuery): Promise<JourneyReport> => {
  const { db } = services;
  await assertJourneyExists(services, workspaceId, journeyId);
  const to = query.to === undefined ? services.now() : toMs(query.to);
  const from = query.from === undefined ? to - 30 * 86_400_000 : toMs(query.from);
  const inScope: SQL = and(
    eq(runs.workspaceId, workspaceId),
    eq(runs.journeyId, journeyId),
    gte(runs.enteredAt, from),
    lt(runs.enteredAt, to),
    ...(query.version === undefined ? [] : [eq(runs.version, query.version)]),
  ) as SQL;

  // One row per run in scope: outcome, time to goal, cost of its effects that were (or will be) sent,
  // and the customer's cluster and stage as its first step saw them.
  const scoped = sql`
    select runs.id, runs.version, runs.status, runs.outcome,
      case when runs.outcome = 'converted' then runs.ended_at - runs.entered_at end as took,
      coalesce((select sum(e.cost) from ${effects} e where e.run_id = runs.id and e.status in ('pending', 'sent')), 0) as cost,
      s.step -> 'customer' ->> 'cluster' as cluster,
      s.step -> 'customer' ->> 'stage' as stage
    from ${runs}
    left join ${runSteps} s on s.run_id = runs.id and s.seq = 1
    where ${inScope}`;
  const breakdown = (key: SQL) =>
    queryRows<BreakdownRow>(
      db,
      sql`with scoped as (${scoped})
        select ${key} as key, count(*)::int as runs,
          count(*) filter (where outcome = 'converted')::int as converted,
          count(*) filter (where outcome = 'exited')::int as exited,
          count(*) filter (where status = 'active')::int as active,
          percentile_cont(0.5) within group (order by took) filter (where took is not null) as median,
          sum(cost)::float8 as cost
        from scoped group by 1 order by 1`,
    );
  const [totalsRows, byVersion, byCluster, byStage] = await Promise.all([
    breakdown(sql`null::text`),
    breakdown(sql`version::text`),
    breakdown(sql`cluster`),
    breakdown(sql`stage`),
  ]);
  const funnel = await queryRows<{ nodeId: string; entered: number }>(
    db,
    sql`select node as "nodeId", count(*)::int as entered
      from ${runSteps} s join ${runs} on runs.id = s.run_id, jsonb_array_elements_text(s.step -> 'path') as node
      where ${inScope} group by node order by entered desc, node`,
  );
  const tookRows = await queryRows<{ took: number }>(db, sql`with scoped as (${scoped}) select took::float8 as took from scoped where took is not null`);
  const timeToGoal = buckets.map((b, i) => {
    const lower = i === 0 ? Number.NEGATIVE_INFINITY : (buckets[i - 1]?.upToMs ?? Number.POSITIVE_INFINITY);
    return { ...b, count: tookRows.filter((r) => Number(r.took) > lower && (b.upToMs === null || Number(r.took) <= b.upToMs)).length };
  });
  const effectRows = await queryRows<{ channel: string; status: string; count: number; cost: number }>(
    db,
    sql`select e.channel, e.status, count(*)::int as count, coalesce(sum(e.cost), 0)::float8 as cost
      from ${effects} e join ${runs} on runs.id = e.run_id where ${inScope} group by 1, 2 order by 1, 2`,
  );
  const conversionsByDay = await queryRows<{ day: string; converted: number }>(
    db,
    sql`select to_char(to_timestamp(runs.ended_at / 1000.0) at time zone 'UTC', 'YYYY-MM-DD') as day, count(*)::int as converted
      from ${runs} where ${inScope} and runs.outcome = 'converted' group by 1 order by 1`,
  );
  const totals = totalsRows[0] ?? { key: null, runs: 0, converted: 0, exited: 0, active: 0, median: null, cost: 0 };
  return {
    journeyId,
    period: { from, to },
    version: query.version ?? null,
    totals: finishBreakdown(totals),
    funnel: funnel.map((f) => ({ nodeId: f.nodeId, entered: Number(f.entered) })),
    timeToGoal,
    effects: effectRows.map((e) => ({ channel: e.channel, status: e.status, count: Number(e.count), cost: Number(e.cost) })),
    byVersion: byVersion.map(finishBreakdown),
    byCluster: byCluster.map(finishBreakdown),
    byStage: byStage.map(finishBreakdown),
    conversionsByDay: conversionsByDay.map((d) => ({ day: d.day, converted: Number(d.converted) })),
  };
};

// ── Exports (CSV and NDJSON) ────────────────────────────────────────────────────────────────

export const exportFormatSchema = z.enum(['csv', 'ndjson']).default('ndjson');

const csvCell = (value: unknown): string => {
  if (value === null || value === undefined) return '';
  const text = typeof value === 'object' ? JSON.stringify(value) : String(value);
  // Quote when needed; a leading =, +, -, @ is prefixed so spreadsheets do not run it as a formula.
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
};

export const toCsv = (columns: readonly string[], rows: readonly Record<string, unknown>[]): string =>
  [columns.join(','), ...rows.map((row) => columns.map((c) => csvCell(row[c])).join(','))].join('\n') + '\n';

export const toNdjson = (rows: readonly unknown[]): string => rows.map((row) => JSON.stringify(row)).join('\n') + (rows.length > 0 ? '\n' : '');

/** The report flattened to rows (one per breakdown line), for CSV. */
export const reportRows = (report: JourneyReport): Record<string, unknown>[] => [
  { dimension: 'total', ...report.totals },
  ...report.byVersion.map((b) => ({ dimension: 'version', ...b })),
  ...report.byCluster.map((b) => ({ dimension: 'cluster', ...b })),
  ...report.byStage.map((b) => ({ dimension: 'stage', ...b })),
];
export const reportColumns = ['dimension', 'key', 'runs', 'converted', 'exited', 'active', 'conversionRate', 'medianTimeToGoalMs', 'cost', 'costPerConversion'] as const;

export const runColumns = ['id', 'journeyId', 'version', 'customerId', 'status', 'outcome', 'reason', 'currentNode', 'enteredAt', 'endedAt'] as const;
export const stepColumns = ['runId', 'seq', 'at', 'customerId', 'stateBefore', 'stateAfter', 'input', 'path', 'guards', 'effects', 'outcome'] as const;

/** Runs (and their steps) of a journey that entered in the period, for export. */
export const exportRows = async (services: Services, workspaceId: string, journeyId: string, what: 'runs' | 'steps', query: ReportQuery) => {
  const { db } = services;
  const to = query.to === undefined ? services.now() : toMs(query.to);
  const from = query.from === undefined ? to - 30 * 86_400_000 : toMs(query.from);
  const inScope = and(eq(runs.workspaceId, workspaceId), eq(runs.journeyId, journeyId), gte(runs.enteredAt, from), lt(runs.enteredAt, to), ...(query.version === undefined ? [] : [eq(runs.version, query.version)]));
  if (what === 'runs') {
    return db
      .select({ id: runs.id, journeyId: runs.journeyId, version: runs.version, customerId: runs.customerId, status: runs.status, outcome: runs.outcome, reason: runs.reason, currentNode: runs.currentNode, enteredAt: runs.enteredAt, endedAt: runs.endedAt })
      .from(runs)
      .where(inScope)
      .orderBy(runs.enteredAt, runs.id);
  }
  const rows = await db.select({ step: runSteps.step, customerId: runSteps.customerId }).from(runSteps).innerJoin(runs, eq(runs.id, runSteps.runId)).where(inScope).orderBy(runSteps.runId, runSteps.seq);
  return rows.map(({ step, customerId }) => ({
    runId: step.runId,
    seq: step.seq,
    at: step.at,
    customerId,
    stateBefore: step.stateBefore,
    stateAfter: step.stateAfter,
    input: step.input,
    path: step.path,
    guards: step.guards,
    effects: step.effects,
    outcome: step.outcome,
  }));
};
