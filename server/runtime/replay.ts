import { and, asc, eq, gt } from 'drizzle-orm';
import { runSteps, runs } from '../../drizzle/schema.js';
import { replayRun, startVersion, type ReplayResult } from '../../workflows/index.js';
import { notFound } from '../errors.js';
import type { Services } from '../services.js';

/** Replays one stored run through its pinned version(s) and compares every step with the record. */
export const replayStoredRun = async (services: Services, workspaceId: string, runId: string): Promise<ReplayResult & { journeyId: string; version: number }> => {
  const { db, versions } = services;
  const [run] = await db.select({ journeyId: runs.journeyId, version: runs.version }).from(runs).where(and(eq(runs.workspaceId, workspaceId), eq(runs.id, runId)));
  if (!run) throw notFound(`run "${runId}"`);
  const rows = await db.select({ step: runSteps.step }).from(runSteps).where(eq(runSteps.runId, runId)).orderBy(asc(runSteps.seq));
  const steps = rows.map((r) => r.step);
  // Load every version the run has been on (it may have been moved by a publish-time migration).
  const needed = new Set([startVersion(steps, run.version), run.version]);
  for (const s of steps) if (s.input.type === 'move' && s.input.toVersion !== null) needed.add(s.input.toVersion);
  const machines = new Map(await Promise.all([...needed].map(async (v) => [v, await versions.machine(workspaceId, run.journeyId, v)] as const)));
  const result = replayRun(
    (version) => {
      const bound = machines.get(version);
      if (!bound) throw new Error(`version ${version} of journey ${run.journeyId} is not loaded`);
      return bound;
    },
    steps,
    startVersion(steps, run.version),
  );
  return { ...result, journeyId: run.journeyId, version: run.version };
};

export interface BulkReplay {
  journeyId: string;
  runs: number;
  matched: number;
  diverged: (ReplayResult & { version: number })[];
}

/** Replays every run of a journey (optionally one version): the regression check after an upgrade. */
export const replayJourney = async (
  services: Services,
  workspaceId: string,
  journeyId: string,
  options: { version?: number | undefined; limit?: number | undefined } = {},
): Promise<BulkReplay> => {
  const limit = options.limit ?? 10_000;
  const report: BulkReplay = { journeyId, runs: 0, matched: 0, diverged: [] };
  let after = '';
  while (report.runs < limit) {
    const page = await services.db
      .select({ id: runs.id })
      .from(runs)
      .where(and(eq(runs.workspaceId, workspaceId), eq(runs.journeyId, journeyId), gt(runs.id, after), ...(options.version !== undefined ? [eq(runs.version, options.version)] : [])))
      .orderBy(asc(runs.id))
      .limit(Math.min(500, limit - report.runs));
    if (page.length === 0) break;
    for (const { id } of page) {
      const result = await replayStoredRun(services, workspaceId, id);
      report.runs += 1;
      if (result.matched) report.matched += 1;
      else report.diverged.push(result);
    }
    after = (page[page.length - 1] as { id: string }).id;
  }
  return report;
};

/** Replays every run in the database (all workspaces); the test harness runs this after each test file. */
export const replayEverything = async (services: Services): Promise<{ runs: number; diverged: ReplayResult[] }> => {
  const all = await services.db.select({ id: runs.id, workspaceId: runs.workspaceId }).from(runs).orderBy(asc(runs.id));
  const diverged: ReplayResult[] = [];
  for (const run of all) {
    const result = await replayStoredRun(services, run.workspaceId, run.id);
    if (!result.matched) diverged.push(result);
  }
  return { runs: all.length, diverged };
};
