import { randomUUID } from 'node:crypto';
import { and, asc, desc, eq, max } from 'drizzle-orm';
import { z } from 'zod';
import type { Executor } from '../../drizzle/db.js';
import { journeys, journeyVersions, segments } from '../../drizzle/schema.js';
import {
  bindJourney,
  compile,
  compilerVersion,
  elementIdSchema,
  jsonValueSchema,
  journeyGraphSchema,
  validateJourney,
  type Finding,
  type JourneyGraph,
  type JourneyGraphInput,
  type WorkspaceContext,
} from '../../workflows/index.js';
import { exampleJourneys } from '../../workflows/examples/index.js';
import { ApiError, badRequest, notFound, type ErrorDetail } from '../errors.js';
import type { Services } from '../services.js';
import { recordAudit, type ActorKeyId } from './audit.js';
import { appendEvent } from './customers.js';
import { eventRow } from './event-rows.js';
import { endRunsOfJourney, migrateRuns, runCountsByJourney } from './runs.js';
import { loadStageModel } from './stages.js';
import { loadContactStrategy } from './contact-strategy.js';
import { dialogueScriptNames } from '../../workflows/dialogue-scripts.js';

/**
 * Journeys: drafts, immutable published versions, lifecycle (live / paused / archived), import and
 * export, manual enrolment. Route handlers and the CLI both call these; inputs are already parsed
 * with the schemas below. Every write is one transaction.
 */

export type JourneyStatus = (typeof journeys.$inferSelect)['status'];

/** A draft as sent by the editor or an import: a journey graph whose id may be left out. */
export const journeyDraftSchema = journeyGraphSchema.extend({ id: elementIdSchema.optional() });
export type JourneyDraft = z.infer<typeof journeyDraftSchema>;

export const exportFormat = 'rapport.journey/v1';
export const journeyDocumentSchema = z.object({ format: z.literal(exportFormat), journey: journeyDraftSchema });

export const publishRequestSchema = z.object({
  note: z.string().trim().min(1, 'say what changed in this version').max(500),
  migration: z.object({ mapping: z.record(z.string().min(1), elementIdSchema) }).optional(),
});
export type PublishRequest = z.infer<typeof publishRequestSchema>;

export const enrolRequestSchema = z.object({
  customerId: z.string().min(1).max(200),
  properties: z.record(z.string(), jsonValueSchema).default({}),
  messageId: z.string().min(1).max(200).optional(),
});
export type EnrolRequest = z.infer<typeof enrolRequestSchema>;

type JourneyRow = typeof journeys.$inferSelect;

const journeyIds = async (db: Executor, workspaceId: string): Promise<string[]> =>
  (await db.select({ id: journeys.id }).from(journeys).where(eq(journeys.workspaceId, workspaceId))).map((r) => r.id);

const segmentIds = async (db: Executor, workspaceId: string): Promise<string[]> =>
  (await db.select({ id: segments.id }).from(segments).where(eq(segments.workspaceId, workspaceId))).map((r) => r.id);

/** What the validator checks references against: journeys, segments, the stage model and the contact strategy's script names. */
export const workspaceContext = async (db: Executor, workspaceId: string): Promise<WorkspaceContext> => ({
  journeys: await journeyIds(db, workspaceId),
  segments: await segmentIds(db, workspaceId),
  stages: (await loadStageModel(db, workspaceId)).stages.map((s) => s.id),
  scripts: dialogueScriptNames((await loadContactStrategy(db, workspaceId))?.strategy ?? null).map((s) => s.name),
});

const loadJourney = async (db: Executor, workspaceId: string, journeyId: string, lock = false): Promise<JourneyRow> => {
  const query = db.select().from(journeys).where(and(eq(journeys.workspaceId, workspaceId), eq(journeys.id, journeyId)));
  const [row] = lock ? await query.for('update') : await query;
  if (!row) throw notFound(`journey "${journeyId}"`);
  return row;
};

/** "Win back: lapsed stars!" → "win-back-lapsed-stars" (ids allow letters, digits, "_" and "-"). */
export const slugify = (name: string): string =>
  name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 56)
    .replace(/-+$/, '') || 'journey';

const findingsDetails = (findings: readonly Finding[]): ErrorDetail[] =>
  findings.map((f) => ({
    code: f.code,
    message: f.message,
    ...(f.nodeId !== undefined ? { nodeId: f.nodeId } : {}),
    ...(f.edgeId !== undefined ? { edgeId: f.edgeId } : {}),
    ...(f.path !== undefined ? { path: f.path } : {}),
  }));

const versionSummary = {
  version: journeyVersions.version,
  note: journeyVersions.note,
  compilerVersion: journeyVersions.compilerVersion,
  publishedAt: journeyVersions.publishedAt,
};

const versionsOf = (db: Executor, workspaceId: string, journeyId: string) =>
  db
    .select(versionSummary)
    .from(journeyVersions)
    .where(and(eq(journeyVersions.workspaceId, workspaceId), eq(journeyVersions.journeyId, journeyId)))
    .orderBy(desc(journeyVersions.version));

const detail = async (db: Executor, row: JourneyRow) => {
  const findings = validateJourney(row.draft, await workspaceContext(db, row.workspaceId)).findings;
  return {
    id: row.id,
    name: row.name,
    status: row.status,
    liveVersion: row.liveVersion,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    draft: row.draft,
    versions: await versionsOf(db, row.workspaceId, row.id),
    valid: findings.every((f) => f.severity !== 'error'),
    findings,
  };
};
export type JourneyDetail = Awaited<ReturnType<typeof detail>>;

export const listJourneys = async (services: Services, workspaceId: string) => {
  const rows = await services.db
    .select({ id: journeys.id, name: journeys.name, status: journeys.status, liveVersion: journeys.liveVersion, updatedAt: journeys.updatedAt })
    .from(journeys)
    .where(eq(journeys.workspaceId, workspaceId))
    .orderBy(desc(journeys.updatedAt), asc(journeys.id));
  const counts = await runCountsByJourney(services.db, workspaceId);
  return rows.map((row) => ({ ...row, ...(counts.get(row.id) ?? { activeRuns: 0, conversions: 0 }) }));
};

export const getJourney = async (services: Services, workspaceId: string, journeyId: string): Promise<JourneyDetail> =>
  detail(services.db, await loadJourney(services.db, workspaceId, journeyId));

/**
 * Stores a new draft. Without an id, one is derived from the name (made unique with "-2", "-3", …);
 * an explicit id that is taken is a 409 `journey_exists`.
 */
export const createJourney = async (
  services: Services,
  workspaceId: string,
  draft: JourneyDraft,
  actor: ActorKeyId = null,
  action: 'journey.create' | 'journey.import' = 'journey.create',
): Promise<JourneyDetail> => {
  const now = services.now();
  const base = draft.id ?? slugify(draft.name);
  for (let attempt = 1; attempt <= 1000; attempt += 1) {
    const id = draft.id ?? (attempt === 1 ? base : `${base}-${attempt}`);
    const graph: JourneyGraph = { ...draft, id };
    const row = await services.db.transaction(async (tx) => {
      const [inserted] = await tx
        .insert(journeys)
        .values({ workspaceId, id, name: graph.name, status: 'draft', draft: graph, liveVersion: null, createdAt: now, updatedAt: now })
        .onConflictDoNothing()
        .returning();
      if (inserted) await recordAudit(tx, { workspaceId, actorKeyId: actor, action, targetType: 'journey', targetId: id, details: { name: graph.name }, at: now });
      return inserted;
    });
    if (row) return detail(services.db, row);
    if (draft.id) throw new ApiError(409, 'journey_exists', `a journey with id "${id}" already exists; choose another id, or PUT /v1/journeys/${id} to replace its draft`);
  }
  throw new ApiError(409, 'journey_exists', `too many journeys are named like "${draft.name}"; give this one an explicit id`);
};

const assertNotArchived = (row: JourneyRow): void => {
  if (row.status === 'archived') throw new ApiError(409, 'journey_archived', `journey "${row.id}" is archived and cannot be changed; create or import a new journey instead`);
};

const checkBodyId = (journeyId: string, draft: JourneyDraft): void => {
  if (draft.id !== undefined && draft.id !== journeyId) {
    throw badRequest(`the body's id "${draft.id}" does not match the journey "${journeyId}" in the path; leave id out or make them equal`, [{ path: ['id'], message: `expected "${journeyId}"` }]);
  }
};

/** Replaces the draft (published versions are untouched). */
export const replaceDraft = async (
  services: Services,
  workspaceId: string,
  journeyId: string,
  draft: JourneyDraft,
  actor: ActorKeyId = null,
  action: 'journey.update' | 'journey.import' = 'journey.update',
): Promise<JourneyDetail> => {
  checkBodyId(journeyId, draft);
  return services.db.transaction(async (tx) => {
    const row = await loadJourney(tx, workspaceId, journeyId, true);
    assertNotArchived(row);
    const graph: JourneyGraph = { ...draft, id: journeyId };
    const [updated] = await tx
      .update(journeys)
      .set({ draft: graph, name: graph.name, updatedAt: services.now() })
      .where(and(eq(journeys.workspaceId, workspaceId), eq(journeys.id, journeyId)))
      .returning();
    await recordAudit(tx, { workspaceId, actorKeyId: actor, action, targetType: 'journey', targetId: journeyId, details: { name: graph.name }, at: services.now() });
    return detail(tx, updated as JourneyRow);
  });
};

/** Validates the draft, or `graph` when given (any JSON: shape problems are findings too). */
export const validateDraft = async (services: Services, workspaceId: string, journeyId: string, graph?: unknown) => {
  const row = await loadJourney(services.db, workspaceId, journeyId);
  const input = graph === undefined ? row.draft : typeof graph === 'object' && graph !== null && !Array.isArray(graph) ? { id: journeyId, ...graph } : graph;
  const { findings } = validateJourney(input, await workspaceContext(services.db, workspaceId));
  return { valid: findings.every((f) => f.severity !== 'error'), findings };
};

/**
 * Compiles the draft into a new immutable version and makes it live. With a migration mapping,
 * active runs on older versions waiting in a mapped state move to the new version in the same
 * transaction; otherwise runs stay pinned to the version they started on.
 */
export const publishJourney = async (services: Services, workspaceId: string, journeyId: string, request: PublishRequest, actor: ActorKeyId = null) => {
  const now = services.now();
  const result = await services.db.transaction(async (tx) => {
    const row = await loadJourney(tx, workspaceId, journeyId, true);
    assertNotArchived(row);
    const compiled = compile(row.draft, await workspaceContext(tx, workspaceId));
    if (!compiled.ok) {
      throw new ApiError(422, 'journey_invalid', `the draft has ${compiled.errors.length} error(s); fix them and publish again (nothing was published)`, findingsDetails(compiled.errors));
    }
    const mapping = request.migration?.mapping ?? {};
    const { machine, triggers } = compiled.journey;
    const badTargets = Object.entries(mapping).filter(([, target]) => !machine.states[target] || triggers.some((t) => t.nodeId === target));
    if (badTargets.length > 0) {
      throw new ApiError(
        422,
        'migration_invalid',
        `the migration maps to nodes the new version cannot take runs into: ${badTargets.map(([, t]) => `"${t}"`).join(', ')}; map to a non-trigger node of the draft`,
        badTargets.map(([from, target]) => ({
          path: ['migration', 'mapping', from],
          message: machine.states[target] ? `"${target}" is a trigger; runs can only be moved to nodes after the triggers` : `node "${target}" does not exist in the new version`,
        })),
      );
    }
    const [previous] = await tx
      .select({ version: max(journeyVersions.version) })
      .from(journeyVersions)
      .where(and(eq(journeyVersions.workspaceId, workspaceId), eq(journeyVersions.journeyId, journeyId)));
    const version = (previous?.version ?? 0) + 1;
    const [stored] = await tx
      .insert(journeyVersions)
      .values({ workspaceId, journeyId, version, graph: row.draft, compiled: compiled.journey, compilerVersion, note: request.note, publishedAt: now })
      .returning(versionSummary);
    await tx.update(journeys).set({ status: 'live', liveVersion: version, updatedAt: now }).where(and(eq(journeys.workspaceId, workspaceId), eq(journeys.id, journeyId)));
    const migrated = await migrateRuns(tx, { workspaceId, journeyId, toVersion: version, bound: bindJourney(compiled.journey), mapping, note: request.note, now });
    await recordAudit(tx, { workspaceId, actorKeyId: actor, action: 'journey.publish', targetType: 'journey', targetId: journeyId, details: { version, note: request.note, migrated }, at: now });
    return { journeyId, ...(stored as NonNullable<typeof stored>), warnings: compiled.warnings, migrated };
  });
  services.versions.invalidate(workspaceId);
  if (result.migrated > 0) {
    services.metrics.inc('rapport_steps_total', {}, result.migrated);
    services.wake();
  }
  return result;
};

type Transition = 'pause' | 'resume' | 'archive';
const transitions: Record<Transition, { from: readonly JourneyStatus[]; to: JourneyStatus; allowed: string }> = {
  pause: { from: ['live'], to: 'paused', allowed: 'only a live journey can be paused' },
  resume: { from: ['paused'], to: 'live', allowed: 'only a paused journey can be resumed' },
  archive: { from: ['draft', 'live', 'paused'], to: 'archived', allowed: 'a journey can be archived once' },
};

/** pause (live → paused), resume (paused → live), archive (→ archived, ending its active runs). */
export const changeJourneyStatus = async (services: Services, workspaceId: string, journeyId: string, transition: Transition, actor: ActorKeyId = null) => {
  const rule = transitions[transition];
  const now = services.now();
  const result = await services.db.transaction(async (tx) => {
    const row = await loadJourney(tx, workspaceId, journeyId, true);
    if (!rule.from.includes(row.status)) {
      throw new ApiError(409, 'invalid_transition', `cannot ${transition} journey "${journeyId}": it is ${row.status}; ${rule.allowed} (allowed from: ${rule.from.join(', ')})`);
    }
    const [updated] = await tx
      .update(journeys)
      .set({ status: rule.to, updatedAt: now })
      .where(and(eq(journeys.workspaceId, workspaceId), eq(journeys.id, journeyId)))
      .returning();
    const endedRuns = transition === 'archive' ? await endRunsOfJourney(tx, workspaceId, journeyId, now) : 0;
    await recordAudit(tx, { workspaceId, actorKeyId: actor, action: `journey.${transition}`, targetType: 'journey', targetId: journeyId, details: { from: row.status, to: rule.to, endedRuns }, at: now });
    const journey = updated as JourneyRow;
    return { id: journey.id, status: journey.status, liveVersion: journey.liveVersion, updatedAt: journey.updatedAt, endedRuns };
  });
  services.versions.invalidate(workspaceId);
  services.metrics.inc('rapport_steps_total', {}, result.endedRuns);
  return result;
};

export const listVersions = async (services: Services, workspaceId: string, journeyId: string) => {
  const row = await loadJourney(services.db, workspaceId, journeyId);
  const versions = await versionsOf(services.db, workspaceId, journeyId);
  return versions.map((v) => ({ ...v, live: v.version === row.liveVersion }));
};

export const getVersion = async (services: Services, workspaceId: string, journeyId: string, version: number) => {
  await loadJourney(services.db, workspaceId, journeyId);
  const [row] = await services.db
    .select()
    .from(journeyVersions)
    .where(and(eq(journeyVersions.workspaceId, workspaceId), eq(journeyVersions.journeyId, journeyId), eq(journeyVersions.version, version)));
  if (!row) throw notFound(`version ${version} of journey "${journeyId}"`);
  const { workspaceId: _workspace, ...rest } = row;
  return rest;
};

export const exportJourney = async (services: Services, workspaceId: string, journeyId: string): Promise<{ format: typeof exportFormat; journey: JourneyGraphInput }> => {
  const row = await loadJourney(services.db, workspaceId, journeyId);
  return { format: exportFormat, journey: row.draft };
};

/** The schema an import body is checked against: a document from `exportJourney` (it has `format`), or a bare graph. */
export const importSchemaFor = (body: unknown) =>
  typeof body === 'object' && body !== null && 'format' in body ? journeyDocumentSchema.transform((document) => document.journey) : journeyDraftSchema;

/** Imports a draft: new journey, or (with `replace`) the draft of an existing one. */
export const importJourney = async (services: Services, workspaceId: string, draft: JourneyDraft, options: { replace: boolean }, actor: ActorKeyId = null) => {
  if (draft.id !== undefined && options.replace) {
    const [existing] = await services.db.select({ id: journeys.id }).from(journeys).where(and(eq(journeys.workspaceId, workspaceId), eq(journeys.id, draft.id)));
    if (existing) return { replaced: true, journey: await replaceDraft(services, workspaceId, draft.id, draft, actor, 'journey.import') };
  }
  return { replaced: false, journey: await createJourney(services, workspaceId, draft, actor, 'journey.import') };
};

/** Queues a manual/API enrolment for the worker; the journey must be live. */
export const enrolCustomer = async (services: Services, workspaceId: string, journeyId: string, request: EnrolRequest, by?: string) => {
  const row = await loadJourney(services.db, workspaceId, journeyId);
  if (row.status !== 'live') {
    throw new ApiError(409, 'journey_not_live', `journey "${journeyId}" is ${row.status} and takes no new entries; ${row.status === 'paused' ? 'resume it' : row.status === 'draft' ? 'publish it' : 'import it as a new journey'} first`);
  }
  const live = await services.versions.machine(workspaceId, journeyId, row.liveVersion as number);
  if (!live.compiled.triggers.some((t) => t.kind === 'trigger_manual')) {
    throw new ApiError(409, 'journey_not_enrollable', `journey "${journeyId}" (version ${row.liveVersion}) has no "Manual / API enrolment" trigger, so an enrolment would start nothing; add one and publish`);
  }
  const now = services.now();
  const messageId = request.messageId ?? `enrol:${randomUUID()}`;
  const event = eventRow(
    'enrol',
    { workspaceId, customerId: request.customerId, messageId, at: now, receivedAt: now },
    { journeyId, properties: request.properties, ...(by ? { by } : {}) },
  );
  const inserted = await services.db.transaction((tx) => appendEvent(tx, event));
  services.wake();
  return { accepted: true as const, messageId, duplicate: !inserted };
};

/**
 * First start: imports and publishes every example journey that does not exist yet. All drafts
 * are stored first so examples may enrol into each other. An example that does not compile stays a
 * draft and is reported with its findings instead of stopping the start.
 */
export const importExampleJourneys = async (services: Services, workspaceId: string) => {
  const existing = new Set(await journeyIds(services.db, workspaceId));
  const missing = exampleJourneys.map((graph) => journeyDraftSchema.parse(graph)).filter((graph) => graph.id !== undefined && !existing.has(graph.id));
  const created = [];
  for (const graph of missing) created.push(await createJourney(services, workspaceId, graph));
  const report: { journeyId: string; version: number | null; errors: Finding[] }[] = [];
  for (const journey of created) {
    try {
      const published = await publishJourney(services, workspaceId, journey.id, { note: 'example journey' });
      report.push({ journeyId: journey.id, version: published.version, errors: [] });
    } catch (error) {
      if (!(error instanceof ApiError) || error.code !== 'journey_invalid') throw error;
      report.push({ journeyId: journey.id, version: null, errors: journey.findings.filter((f) => f.severity === 'error') });
      services.log.warn({ journeyId: journey.id, details: error.details }, 'example journey does not compile; left as a draft');
    }
  }
  return report;
};
