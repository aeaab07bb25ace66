import { and, eq, gte, lt, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Executor } from '../../drizzle/db.js';
import { customers, stageChanges } from '../../drizzle/schema.js';
import { defaultLifecycleStages, stageIdSchema, type JsonValue } from '../../workflows/index.js';
import type { Services } from '../services.js';
import { recordAudit, type ActorKeyId } from './audit.js';
import { periodQuerySchema, resolvePeriod, type PeriodQuery } from './period.js';
import { listSettingVersions, loadSetting, saveSetting, type StoredSetting } from './settings.js';

/**
 * The lifecycle stage model of a workspace (`workspace_settings`, key "stages"): the stage ids
 * journeys may use, with labels. Without a saved model the default model (workflows/domain.ts)
 * is in force. The stage overview counts customers per stage and the moves between stages.
 */
export const stagesKey = 'stages';

export const stageSchema = z.object({ id: stageIdSchema, label: z.string().trim().min(1).max(100) }).strict();
export type Stage = z.infer<typeof stageSchema>;

export const stageModelRequestSchema = z
  .object({
    stages: z
      .array(stageSchema)
      .min(2, 'a stage model has at least 2 stages')
      .max(50)
      .superRefine((stages, ctx) => {
        const seen = new Set<string>();
        stages.forEach((stage, index) => {
          if (seen.has(stage.id)) ctx.addIssue({ code: 'custom', path: [index, 'id'], message: `stage id "${stage.id}" is used twice; ids are unique` });
          seen.add(stage.id);
        });
      }),
    note: z.string().trim().min(1).max(500).optional(),
  })
  .strict();
export type StageModelRequest = z.infer<typeof stageModelRequestSchema>;

export interface StageModel {
  /** null while the default model is in force (nothing saved). */
  version: number | null;
  stages: Stage[];
  note: string | null;
  createdAt: number | null;
}

const storedSchema = z.object({ stages: z.array(stageSchema) });

export const defaultStageModel = (): StageModel => ({ version: null, stages: defaultLifecycleStages.map((s) => ({ id: s.id, label: s.label })), note: null, createdAt: null });

const parseStageModel = (stored: StoredSetting): StageModel => {
  const parsed = storedSchema.safeParse(stored.value);
  if (!parsed.success) throw new Error(`stored stage model version ${stored.version} no longer validates: ${parsed.error.message}`);
  return { version: stored.version, stages: parsed.data.stages, note: stored.note, createdAt: stored.createdAt };
};

export const loadStageModel = async (db: Executor, workspaceId: string): Promise<StageModel> => {
  const stored = await loadSetting(db, workspaceId, stagesKey);
  return stored ? parseStageModel(stored) : defaultStageModel();
};

/** Every saved version of the stage model, newest first (empty while the default is in force). */
export const stageModelVersions = async (db: Executor, workspaceId: string): Promise<StageModel[]> => (await listSettingVersions(db, workspaceId, stagesKey)).map(parseStageModel);

export const saveStageModel = async (services: Services, workspaceId: string, request: StageModelRequest, actor: ActorKeyId): Promise<StageModel> => {
  const at = services.now();
  return services.db.transaction(async (tx) => {
    const saved = await saveSetting(tx, workspaceId, stagesKey, { stages: request.stages as unknown as JsonValue }, request.note ?? null, at);
    await recordAudit(tx, { workspaceId, actorKeyId: actor, action: 'settings.update', targetType: 'settings', targetId: stagesKey, details: { version: saved.version }, at });
    return { version: saved.version, stages: request.stages, note: saved.note, createdAt: at };
  });
};

/** `from` / `to`: ISO 8601 or epoch ms; default the last 30 days up to now. */
export const stageOverviewQuerySchema = periodQuerySchema;
export type StageOverviewQuery = PeriodQuery;

export interface StageOverview {
  from: number;
  to: number;
  /** Every stage of the model, in model order, with how many customers are in it now. */
  stages: { id: string; label: string; customers: number }[];
  /** Customers in a stage the model no longer has (e.g. after the model changed). */
  otherStages: { id: string; customers: number }[];
  /** Customers without a stage. */
  unstaged: number;
  /** Stage changes recorded in [from, to), per (from → to); `from` null for a first stage. */
  moves: { from: string | null; to: string; count: number }[];
}

export const stageOverview = async (services: Services, workspaceId: string, query: StageOverviewQuery): Promise<StageOverview> => {
  const { from, to } = resolvePeriod(query, services.now());
  const db = services.db;
  const [model, current, moves] = await Promise.all([
    loadStageModel(db, workspaceId),
    db
      .select({ stage: customers.stage, count: sql<number>`count(*)::int` })
      .from(customers)
      .where(eq(customers.workspaceId, workspaceId))
      .groupBy(customers.stage),
    db
      .select({ from: stageChanges.fromStage, to: stageChanges.toStage, count: sql<number>`count(*)::int` })
      .from(stageChanges)
      .where(and(eq(stageChanges.workspaceId, workspaceId), gte(stageChanges.at, from), lt(stageChanges.at, to)))
      .groupBy(stageChanges.fromStage, stageChanges.toStage),
  ]);
  const counts = new Map(current.map((r) => [r.stage, Number(r.count)]));
  const known = new Set(model.stages.map((s) => s.id));
  return {
    from,
    to,
    stages: model.stages.map((s) => ({ id: s.id, label: s.label, customers: counts.get(s.id) ?? 0 })),
    otherStages: current
      .filter((r): r is { stage: string; count: number } => r.stage !== null && !known.has(r.stage))
      .map((r) => ({ id: r.stage, customers: Number(r.count) }))
      .sort((a, b) => a.id.localeCompare(b.id)),
    unstaged: counts.get(null) ?? 0,
    moves: moves
      .map((m) => ({ from: m.from, to: m.to, count: Number(m.count) }))
      .sort((a, b) => b.count - a.count || String(a.from).localeCompare(String(b.from)) || a.to.localeCompare(b.to)),
  };
};
