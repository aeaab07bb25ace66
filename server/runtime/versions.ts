import { and, eq } from 'drizzle-orm';
import type { Database, Executor } from '../../drizzle/db.js';
import { journeys, journeyVersions } from '../../drizzle/schema.js';
import { bindJourney, machineKey, unknownReferences, type BoundJourney, type EntryPoint } from '../../workflows/index.js';

/**
 * Bound machines by journey version. Versions are immutable, so a loaded one is kept (up to
 * `limit`, least recently used evicted). The list of live journeys per workspace is re-read after
 * `entryTtlMs`, and at once in the process that published or paused.
 */
export const createVersionCache = (database: Database, now: () => number, options: { limit?: number; entryTtlMs?: number } = {}) => {
  const limit = options.limit ?? 500;
  const entryTtlMs = options.entryTtlMs ?? 1_000;
  const machines = new Map<string, BoundJourney>();
  const entries = new Map<string, { until: number; points: EntryPoint[] }>();

  /** `db` may be the caller's transaction (PGlite has one connection: reading outside it would wait forever). */
  const machine = async (workspaceId: string, journeyId: string, version: number, db: Executor = database): Promise<BoundJourney> => {
    const key = `${workspaceId}/${machineKey(journeyId, version)}`;
    const cached = machines.get(key);
    if (cached) {
      machines.delete(key);
      machines.set(key, cached);
      return cached;
    }
    const [row] = await db
      .select({ compiled: journeyVersions.compiled })
      .from(journeyVersions)
      .where(and(eq(journeyVersions.workspaceId, workspaceId), eq(journeyVersions.journeyId, journeyId), eq(journeyVersions.version, version)));
    if (!row) throw new Error(`journey ${journeyId} version ${version} does not exist`);
    const problems = unknownReferences(row.compiled);
    if (problems.length > 0) throw new Error(`journey ${journeyId} version ${version} cannot run on this Rapport: ${problems.join('; ')}`);
    const bound = bindJourney(row.compiled);
    machines.set(key, bound);
    if (machines.size > limit) machines.delete(machines.keys().next().value as string);
    return bound;
  };

  return {
    machine,
    /** Journeys that take new entries (status live) in a workspace. */
    async entryPoints(workspaceId: string, db: Executor = database): Promise<EntryPoint[]> {
      const cached = entries.get(workspaceId);
      if (cached && cached.until > now()) return cached.points;
      const rows = await db
        .select({ journeyId: journeys.id, version: journeys.liveVersion })
        .from(journeys)
        .where(and(eq(journeys.workspaceId, workspaceId), eq(journeys.status, 'live')));
      const points = rows.filter((r): r is EntryPoint => r.version !== null).sort((a, b) => (a.journeyId < b.journeyId ? -1 : 1));
      entries.set(workspaceId, { until: now() + entryTtlMs, points });
      return points;
    },
    invalidate(workspaceId: string): void {
      entries.delete(workspaceId);
    },
  };
};
export type VersionCache = ReturnType<typeof createVersionCache>;
