import { randomUUID } from 'node:crypto';
import { and, asc, eq, gt, gte, inArray, lte, sql } from 'drizzle-orm';
import { z } from 'zod';
import { customers, events, journeys } from '../../drizzle/schema.js';
import {
  backtestReport,
  bindJourney,
  checkedRuleSchema,
  compareBacktests,
  compile,
  emptyBacktest,
  evaluateRule,
  historyWindowDays,
  resolveTimeZone,
  type BacktestAccumulator,
  type BacktestComparison,
  type BacktestReport,
  type BoundJourney,
  type EventView,
  type JsonValue,
  type SimulationEvent,
} from '../../workflows/index.js';
import { ApiError, notFound } from '../errors.js';
import type { Services } from '../services.js';
import { createBacktestPool, type BacktestCustomerInput, type BacktestPool } from './backtest/pool.js';
import { simulationEventFromRow } from './event-rows.js';
import { toProfile } from './load.js';

/**
 * What-if simulations over stored history. A backtest runs in the process that started it, a
 * page of customers at a time (yielding between pages so the API stays responsive), can be polled
 * for progress and cancelled, and performs no effects: everything happens in the pure simulator.
 */

const DAY = 86_400_000;
const PAGE = 250;

export const backtestRequestSchema = z
  .object({
    /** Start and end of the history window (ISO 8601 or epoch ms). */
    from: z.union([z.iso.datetime({ offset: true }), z.number().int()]),
    to: z.union([z.iso.datetime({ offset: true }), z.number().int()]),
    /** What to simulate: the draft (default) or a published version. */
    version: z.union([z.literal('draft'), z.number().int().positive()]).default('draft'),
    /** Also run the live version over the same history and compare (default: when there is one). */
    compare: z.boolean().optional(),
    /** Only customers for whom this rule holds (on `customer.*`, as they are now). */
    customers: checkedRuleSchema.optional(),
    /** Stop after this many customers. */
    limit: z.number().int().positive().max(10_000_000).optional(),
  })
  .refine((r) => toMs(r.from) < toMs(r.to), { message: '"from" must be before "to"', path: ['to'] });
export type BacktestRequest = z.infer<typeof backtestRequestSchema>;

const toMs = (value: string | number): number => (typeof value === 'number' ? value : Date.parse(value));

export interface BacktestJob {
  id: string;
  workspaceId: string;
  journeyId: string;
  status: 'running' | 'done' | 'cancelled' | 'failed';
  request: { from: number; to: number; version: 'draft' | number; baselineVersion: number | null };
  startedAt: number;
  finishedAt: number | null;
  progress: { customers: number; totalCustomers: number; events: number; eventsPerSecond: number };
  error: string | null;
  candidate: BacktestAccumulator;
  baseline: BacktestAccumulator | null;
  cancel: boolean;
}

export interface BacktestView {
  id: string;
  journeyId: string;
  status: BacktestJob['status'];
  request: BacktestJob['request'];
  startedAt: number;
  finishedAt: number | null;
  progress: BacktestJob['progress'];
  error: string | null;
  candidate: BacktestReport;
  baseline: BacktestReport | null;
  comparison: BacktestComparison | null;
}

/** Jobs of this process (a backtest is not shared between runtime processes). */
const registries = new WeakMap<Services, Map<string, BacktestJob>>();
const jobsOf = (services: Services): Map<string, BacktestJob> => {
  let jobs = registries.get(services);
  if (!jobs) registries.set(services, (jobs = new Map()));
  return jobs;
};

export const viewBacktest = (job: BacktestJob): BacktestView => {
  const candidate = backtestReport(job.candidate);
  const baseline = job.baseline ? backtestReport(job.baseline) : null;
  return {
    id: job.id,
    journeyId: job.journeyId,
    status: job.status,
    request: job.request,
    startedAt: job.startedAt,
    finishedAt: job.finishedAt,
    progress: job.progress,
    error: job.error,
    candidate,
    baseline,
    comparison: baseline ? compareBacktests(candidate, baseline) : null,
  };
};

const machineOf = async (services: Services, workspaceId: string, journeyId: string, version: 'draft' | number): Promise<BoundJourney> => {
  if (version !== 'draft') return services.versions.machine(workspaceId, journeyId, version).catch(() => {
    throw notFound(`version ${version} of journey "${journeyId}"`);
  });
  const [row] = await services.db.select({ draft: journeys.draft }).from(journeys).where(and(eq(journeys.workspaceId, workspaceId), eq(journeys.id, journeyId)));
  if (!row) throw notFound(`journey "${journeyId}"`);
  const result = compile(row.draft);
  if (!result.ok) {
    throw new ApiError(422, 'journey_invalid', `the draft does not compile (${result.errors.length} error${result.errors.length === 1 ? '' : 's'}); fix it before simulating`, result.errors.map((f) => ({ code: f.code, message: f.message, ...(f.nodeId ? { nodeId: f.nodeId } : {}), ...(f.edgeId ? { edgeId: f.edgeId } : {}), ...(f.path ? { path: f.path } : {}) })));
  }
  return bindJourney(result.journey);
};

/** Starts a backtest; returns at once with the job (poll `getBacktest`). */
export const startBacktest = async (services: Services, workspaceId: string, journeyId: string, request: BacktestRequest): Promise<BacktestView> => {
  const [journey] = await services.db.select().from(journeys).where(and(eq(journeys.workspaceId, workspaceId), eq(journeys.id, journeyId)));
  if (!journey) throw notFound(`journey "${journeyId}"`);
  const candidate = await machineOf(services, workspaceId, journeyId, request.version);
  const liveVersion = journey.liveVersion;
  const compare = request.compare ?? liveVersion !== null;
  if (compare && liveVersion === null) throw new ApiError(409, 'no_live_version', `journey "${journeyId}" has no published version to compare with; publish it or pass "compare": false`);
  const baselineVersion = compare && liveVersion !== null && request.version !== liveVersion ? liveVersion : null;
  const baseline = baselineVersion === null ? null : await services.versions.machine(workspaceId, journeyId, baselineVersion);
  const from = toMs(request.from);
  const to = toMs(request.to);
  const job: BacktestJob = {
    id: randomUUID(),
    workspaceId,
    journeyId,
    status: 'running',
    request: { from, to, version: request.version, baselineVersion },
    startedAt: services.now(),
    finishedAt: null,
    progress: { customers: 0, totalCustomers: 0, events: 0, eventsPerSecond: 0 },
    error: null,
    candidate: emptyBacktest(),
    baseline: baseline ? emptyBacktest() : null,
    cancel: false,
  };
  jobsOf(services).set(job.id, job);
  void runBacktest(services, job, candidate, baseline, request).catch((error: unknown) => {
    job.status = 'failed';
    job.error = error instanceof Error ? error.message : String(error);
    job.finishedAt = services.now();
    services.log.error({ err: error, backtest: job.id }, 'backtest failed');
  });
  return viewBacktest(job);
};

const runBacktest = async (services: Services, job: BacktestJob, candidate: BoundJourney, baseline: BoundJourney | null, request: BacktestRequest): Promise<void> => {
  const pool = createBacktestPool();
  try {
    await simulateHistory(services, job, candidate, baseline, request, pool);
  } finally {
    await pool.close();
  }
};

const simulateHistory = async (
  services: Services,
  job: BacktestJob,
  candidate: BoundJourney,
  baseline: BoundJourney | null,
  request: BacktestRequest,
  pool: BacktestPool,
): Promise<void> => {
  const { db } = services;
  const { workspaceId } = job;
  const { from, to } = job.request;
  const inWindow = and(eq(events.workspaceId, workspaceId), gte(events.at, from), lte(events.at, to));
  const [total] = await db.select({ n: sql<number>`count(distinct ${events.customerId})::int` }).from(events).where(inWindow);
  job.progress.totalCustomers = Math.min(total?.n ?? 0, request.limit ?? Number.POSITIVE_INFINITY);
  const historyDays = Math.max(historyWindowDays(candidate.compiled), baseline ? historyWindowDays(baseline.compiled) : 0);
  const started = performance.now();
  const inFlight = new Set<Promise<void>>();
  let after = '';
  let queued = 0;
  let taken = 0;
  while (queued < job.progress.totalCustomers) {
    if (job.cancel) break;
    const ids = (
      await db
        .selectDistinct({ id: events.customerId })
        .from(events)
        .where(and(inWindow, gt(events.customerId, after)))
        .orderBy(asc(events.customerId))
        .limit(PAGE)
    ).map((r) => r.id);
    if (ids.length === 0) break;
    after = ids[ids.length - 1] as string;
    queued += ids.length;
    const [profiles, rows, earlier] = await Promise.all([
      db.select().from(customers).where(and(eq(customers.workspaceId, workspaceId), inArray(customers.id, ids))),
      db.select().from(events).where(and(inWindow, inArray(events.customerId, ids))).orderBy(asc(events.seq)),
      historyDays > 0
        ? db
            .select({ customerId: events.customerId, name: events.name, payload: events.payload, at: events.at })
            .from(events)
            .where(and(eq(events.workspaceId, workspaceId), inArray(events.customerId, ids), inArray(events.type, ['track', 'webhook']), gte(events.at, from - historyDays * DAY), sql`${events.at} < ${from}`))
            .orderBy(asc(events.seq))
        : Promise.resolve([]),
    ]);
    const byCustomer = new Map<string, SimulationEvent[]>();
    for (const row of rows) {
      const event = simulationEventFromRow(row);
      if (!event) continue;
      const list = byCustomer.get(row.customerId) ?? [];
      list.push(event);
      byCustomer.set(row.customerId, list);
    }
    const historyOf = new Map<string, EventView[]>();
    for (const row of earlier) {
      const list = historyOf.get(row.customerId) ?? [];
      list.push({ name: row.name ?? '', properties: (row.payload.properties ?? {}) as Record<string, JsonValue>, at: row.at });
      historyOf.set(row.customerId, list);
    }
    const page: BacktestCustomerInput[] = [];
    let pageEvents = 0;
    for (const row of profiles) {
      if (taken >= job.progress.totalCustomers) break;
      taken += 1;
      const customer = toProfile(row);
      if (request.customers) {
        const env = { now: to, timeZone: resolveTimeZone(customer.timezone, candidate.compiled.timeZoneFallback) };
        if (!evaluateRule(request.customers, { customer }, env).result) {
          job.progress.customers += 1;
          continue;
        }
      }
      const events = byCustomer.get(row.id) ?? [];
      pageEvents += events.length;
      page.push({ customer, events, history: historyOf.get(row.id) ?? [] });
    }
    // Simulate on the worker threads while the next page loads; at most one page per thread in flight.
    const into = job.baseline ? [job.candidate, job.baseline] : [job.candidate];
    const running = pool
      .run({ journeys: baseline ? [candidate.compiled, baseline.compiled] : [candidate.compiled], window: { from, to }, customers: page }, into)
      .then(() => {
        job.progress.customers += page.length;
        job.progress.events += pageEvents;
        job.progress.eventsPerSecond = Math.round(job.progress.events / Math.max(0.001, (performance.now() - started) / 1000));
      });
    inFlight.add(running);
    void running.finally(() => inFlight.delete(running));
    if (inFlight.size >= pool.size) await Promise.race(inFlight);
  }
  await Promise.all(inFlight);
  if (job.cancel) {
    job.status = 'cancelled';
    job.finishedAt = services.now();
    return;
  }
  job.status = 'done';
  job.finishedAt = services.now();
};

export const getBacktest = (services: Services, workspaceId: string, id: string): BacktestView => {
  const job = jobsOf(services).get(id);
  if (!job || job.workspaceId !== workspaceId) throw notFound(`backtest "${id}" (backtests live in the process that started them)`);
  return viewBacktest(job);
};

export const cancelBacktest = (services: Services, workspaceId: string, id: string): BacktestView => {
  const job = jobsOf(services).get(id);
  if (!job || job.workspaceId !== workspaceId) throw notFound(`backtest "${id}"`);
  if (job.status === 'running') job.cancel = true;
  return viewBacktest(job);
};

export const listBacktests = (services: Services, workspaceId: string, journeyId?: string) =>
  [...jobsOf(services).values()]
    .filter((job) => job.workspaceId === workspaceId && (journeyId === undefined || job.journeyId === journeyId))
    .map((job) => ({ id: job.id, journeyId: job.journeyId, status: job.status, progress: job.progress, startedAt: job.startedAt, finishedAt: job.finishedAt }));

