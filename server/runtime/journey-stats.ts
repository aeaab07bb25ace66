import { and, eq, sql } from 'drizzle-orm';
import { journeys, runSteps, runs } from '../../drizzle/schema.js';
import { notFound } from '../errors.js';
import type { Services } from '../services.js';

/**
 * Live counts for the editor's live view: per node, how many recorded steps entered it and how many
 * active runs wait there; per journey, active, converted and exited runs. Counts cover every
 * version of the journey (node ids usually carry over between versions).
 */
export interface JourneyStats {
  /** The live version (null while the journey is a draft). */
  version: number | null;
  nodes: Record<string, { entered: number; waiting: number }>;
  activeRuns: number;
  converted: number;
  exited: number;
}

export const journeyStats = async (services: Services, workspaceId: string, journeyId: string): Promise<JourneyStats> => {
  const { db } = services;
  const [journey] = await db
    .select({ liveVersion: journeys.liveVersion })
    .from(journeys)
    .where(and(eq(journeys.workspaceId, workspaceId), eq(journeys.id, journeyId)));
  if (!journey) throw notFound(`journey "${journeyId}"`);
  const ofJourney = and(eq(runs.workspaceId, workspaceId), eq(runs.journeyId, journeyId));

  // A step whose path enters a node twice (a loop) counts once for it.
  const entered = db
    .select({ nodeId: sql<string>`entered.node_id`.as('node_id'), steps: sql<number>`count(*)`.mapWith(Number).as('steps') })
    .from(
      db
        .selectDistinct({ runId: runSteps.runId, seq: runSteps.seq, nodeId: sql<string>`jsonb_array_elements_text(${runSteps.step}->'path')`.as('node_id') })
        .from(runSteps)
        .innerJoin(runs, eq(runs.id, runSteps.runId))
        .where(ofJourney)
        .as('entered'),
    )
    .groupBy(sql`entered.node_id`);

  const [enteredRows, waitingRows, totals] = await Promise.all([
    entered,
    db
      .select({ nodeId: runs.currentNode, runs: sql<number>`count(*)`.mapWith(Number) })
      .from(runs)
      .where(and(ofJourney, eq(runs.status, 'active')))
      .groupBy(runs.currentNode),
    db
      .select({
        active: sql<number>`count(*) filter (where ${runs.status} = 'active')`.mapWith(Number),
        converted: sql<number>`count(*) filter (where ${runs.outcome} = 'converted')`.mapWith(Number),
        exited: sql<number>`count(*) filter (where ${runs.outcome} = 'exited')`.mapWith(Number),
      })
      .from(runs)
      .where(ofJourney),
  ]);

  const nodes: JourneyStats['nodes'] = {};
  const at = (nodeId: string) => (nodes[nodeId] ??= { entered: 0, waiting: 0 });
  for (const row of enteredRows) at(row.nodeId).entered = row.steps;
  // Runs that have not entered a node yet (or ended in a journey-wide goal/exit) wait at "@…" states: not nodes.
  for (const row of waitingRows) if (!row.nodeId.startsWith('@')) at(row.nodeId).waiting = row.runs;
  const total = totals[0];
  return { version: journey.liveVersion, nodes, activeRuns: total?.active ?? 0, converted: total?.converted ?? 0, exited: total?.exited ?? 0 };
};
