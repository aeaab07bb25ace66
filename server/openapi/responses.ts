import { z } from 'zod';
import { customerProfileSchema, findingSchema, journeyGraphSchema, jsonValueSchema } from '../../workflows/index.js';
import type { ErrorDetail } from '../errors.js';
import type { JourneyStats } from '../runtime/journey-stats.js';
import { backtestRequestSchema } from '../runtime/backtests.js';
import { surgeryRequestSchema } from '../runtime/surgery.js';
import type { BulkReplay, replayStoredRun } from '../runtime/replay.js';
import { type SegmentCallType } from '../runtime/ingest.js';
import { journeyDocumentSchema } from '../runtime/journeys.js';
import type { ReceivedDelivery } from '../runtime/webhooks/receive.js';
import { type EndpointView } from '../runtime/webhook-endpoints.js';
import { type SegmentCounts, type SegmentMember } from '../runtime/segment-reports.js';
import type { SegmentSummary } from '../runtime/segments.js';

/** Response schemas of the OpenAPI document: what the handlers return (checked against real responses by test/openapi.test.ts), and the query schemas routes define inline. */

// ── Schemas the routes define inline and do not export: mirrored here, keep them in step ──────────
/** server/routes/mailbox.ts `mailboxQuerySchema`. */
export const mailboxQuery = z.object({ channel: z.enum(['email', 'sms', 'chat']).optional(), recipient: z.string().min(1).max(320).optional(), limit: z.coerce.number().int().min(1).max(500).default(50) });
/** server/routes/tasks.ts `taskQuerySchema`. */
export const taskQuery = z.object({
  assigneeType: z.string().min(1).max(50).optional(),
  assigneeId: z.string().min(1).max(200).optional(),
  done: z.enum(['true', 'false']).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
/** server/routes/journeys.ts `importQuery` and `versionParam`. */
export const importQuery = z.object({ replace: z.enum(['true', 'false']).default('false') });
export const versionParam = z.coerce.number().int().positive();
/** server/routes/journeys.ts `replayQuery`. */
export const replayQuery = z.object({ version: z.coerce.number().int().positive().optional(), limit: z.coerce.number().int().positive().max(100_000).optional() });
/** The `url` query server/routes/endpoints.ts checks by hand. */
export const endpointQuery = z.object({ url: z.string().min(1) });
/** server/routes/backtests.ts reads `journeyId` from the query. */
export const backtestListQuery = z.object({ journeyId: z.string().optional() });

// ── The error shape (server/errors.ts) ─────────────────────────────────────────────────────────
const errorDetailSchema = z.object({
  path: z.array(z.union([z.string(), z.number()])).optional().describe('where in the request (e.g. ["batch", 3, "event"]) or in the journey graph'),
  message: z.string(),
  nodeId: z.string().optional().describe('the journey node a finding is about, so the editor can point at it'),
  edgeId: z.string().optional(),
  code: z.string().optional(),
});
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
/** Fails to compile when `ErrorDetail` in server/errors.ts changes and this schema does not. */
const errorDetailMatches: Same<z.infer<typeof errorDetailSchema>, ErrorDetail> = true;
void errorDetailMatches;
export const errorSchema = z.object({ error: z.object({ code: z.string().describe('machine-readable, e.g. invalid_request, journey_invalid'), message: z.string().describe('what went wrong and how to fix it'), details: z.array(errorDetailSchema).optional() }) });

// ── Response schemas (output shapes of the handlers) ─────────────────────────────────────────────
const epochMs = z.number().int().describe('epoch milliseconds');
const count = z.number().int().min(0);
const jsonObject = z.record(z.string(), jsonValueSchema);
const journeyStatus = z.enum(['draft', 'live', 'paused', 'archived']);
const versionSummary = z.object({ version: z.number().int().min(1), note: z.string(), compilerVersion: z.string(), publishedAt: epochMs });
const journeyDetail = z.object({
  id: z.string(), name: z.string(), status: journeyStatus, liveVersion: z.number().int().nullable(), createdAt: epochMs, updatedAt: epochMs,
  draft: journeyGraphSchema, versions: z.array(versionSummary), valid: z.boolean().describe('true when the draft has no error findings'), findings: z.array(findingSchema),
});
const runSummary = z.object({
  id: z.string(), customerId: z.string(), journeyId: z.string(), version: z.number().int(), status: z.enum(['active', 'done']),
  outcome: z.enum(['converted', 'exited']).nullable(), reason: z.string().nullable(), currentNode: z.string(), enteredAt: epochMs, endedAt: epochMs.nullable(),
});
const effect = z.object({
  id: z.number().int(), stepSeq: z.number().int(), actionIndex: z.number().int(), nodeId: z.string(), channel: z.string(), idempotencyKey: z.string(), payload: jsonObject,
  cost: z.number().nullable(), status: z.enum(['pending', 'sent', 'failed', 'skipped']), attempts: count, lastError: z.string().nullable(),
  result: jsonObject.nullable().describe('what the channel answered once performed (provider ids and status; for a task its id and the dialogue script it got, or `scriptMissing`)'), createdAt: epochMs, sentAt: epochMs.nullable(),
});
const mailboxMessage = z.object({ id: z.string(), workspaceId: z.string(), channel: z.string(), recipient: z.string().nullable(), subject: z.string().nullable(), body: z.string(), idempotencyKey: z.string(), sentAt: epochMs });
const task = z.object({
  id: z.string(), workspaceId: z.string(), customerId: z.string(), runId: z.string(), assigneeType: z.string(), assigneeId: z.string(), title: z.string(),
  description: z.string().nullable(), script: z.array(z.string()).describe('dialogue script lines for the person doing the task'),
  scriptName: z.string().nullable().describe('the contact-strategy script the step asked for by name (null: the step has only its own lines)'),
  scriptCluster: z.string().nullable().describe('whose rules the lines came from (star, question_mark, cash_cow, dog or default); null when they are the step\'s own lines'),
  dueAt: epochMs, done: z.boolean(), createdAt: epochMs,
});
const journeyStats = z.object({
  version: z.number().int().nullable().describe('the live version; null while the journey is a draft'),
  nodes: z.record(z.string(), z.object({ entered: count.describe('recorded steps that entered the node'), waiting: count.describe('active runs waiting there') })),
  activeRuns: count, converted: count, exited: count,
});
/** Fails to compile when `JourneyStats` in server/runtime/journey-stats.ts changes and this schema does not. */
const journeyStatsMatches: Same<z.infer<typeof journeyStats>, JourneyStats> = true;
void journeyStatsMatches;
const divergence = z.object({
  seq: z.number().int(), path: z.string().describe('where in the step they differ, e.g. "effects.0.payload.subject"'),
  // Absent from the JSON when that side has no value there (undefined).
  recorded: z.unknown().optional(), replayed: z.unknown().optional(), message: z.string(),
});
const replayResult = z.object({ runId: z.string(), steps: count, matched: z.boolean().describe('every replayed step equals the recorded one'), divergence: divergence.nullable().describe('the first difference') });
const runReplay = replayResult.extend({ journeyId: z.string(), version: z.number().int() });
const journeyReplay = z.object({ journeyId: z.string(), runs: count, matched: count, diverged: z.array(replayResult.extend({ version: z.number().int() })) });
/** Fail to compile when the replay results in server/runtime/replay.ts change and these schemas do not (`Required`: JSON drops undefined). */
type Replayed<T extends { divergence: unknown }> = Omit<T, 'divergence'> & { divergence: Required<NonNullable<T['divergence']>> | null };
type ReplayChecks = [
  Same<Replayed<z.infer<typeof runReplay>>, Replayed<Awaited<ReturnType<typeof replayStoredRun>>>>,
  Same<Replayed<z.infer<typeof journeyReplay>['diverged'][number]>, Replayed<BulkReplay['diverged'][number]>>,
  Same<Omit<z.infer<typeof journeyReplay>, 'diverged'>, Omit<BulkReplay, 'diverged'>>,
];
const replayMatches: ReplayChecks = [true, true, true];
void replayMatches;
const hookAccepted = z.object({ accepted: z.literal(true), duplicate: z.boolean().describe('this delivery id was received before (nothing new was queued)'), deliveryId: z.number().int(), messageId: z.string() });
/** Fails to compile when the hook response in server/runtime/webhooks/receive.ts changes and this schema does not. */
const hookAcceptedMatches: Same<z.infer<typeof hookAccepted>, ReceivedDelivery['response']> = true;
void hookAcceptedMatches;
const secretDates = z.array(z.object({ index: count.describe('0 is the newest'), createdAt: epochMs, expiresAt: epochMs.nullable().describe('when an older secret stops (null: the newest, no end)') }));
const endpoint = z.object({
  id: z.string(), name: z.string(), url: z.string().describe('requests to this URL or below its path are signed with its secrets'),
  secrets: secretDates.describe('the live secrets (never their value); during a rotation each of them signs'), createdAt: epochMs, updatedAt: epochMs,
});
/** Fails to compile when the endpoint view in server/runtime/webhook-endpoints.ts changes and this schema does not. */
const endpointMatches: Same<z.infer<typeof endpoint>, EndpointView> = true;
void endpointMatches;
const accepted = z.object({ accepted: z.literal(true), messageId: z.string().describe('the queued event; repeat it to make the request idempotent') });

const clusterCounts = z.object({ customers: count, star: count, question_mark: count, cash_cow: count, dog: count, unclustered: count.describe('customers missing either measure') });

const segmentSummary = z.object({
  id: z.string(), name: z.string(), description: z.string().nullable(),
  definition: z.record(z.string(), z.unknown()).describe('the definition as saved: { rule } (see SegmentDefinition)'),
  version: z.number().int().min(1).describe('1 at creation, +1 with every change of the definition'),
  members: count.describe('customers in the segment now'),
  upToDate: z.boolean().describe('every existing customer has been evaluated under this version (false while the backfill after a change runs)'),
  createdAt: epochMs, updatedAt: epochMs,
});
const segmentMember = z.object({ customerId: z.string(), enteredAt: epochMs, stage: z.string().nullable(), cluster: z.enum(['star', 'question_mark', 'cash_cow', 'dog']).nullable() });
const segmentCounts = z.object({
  segmentId: z.string(), members: count.describe('members now'), from: epochMs, to: epochMs,
  entered: count.describe('entries recorded in [from, to)'), left: count.describe('exits recorded in [from, to)'),
  days: z.array(z.object({ day: epochMs.describe('start of the UTC day'), entered: count, left: count })).describe('per UTC day with changes, oldest first'),
});
/** Fail to compile when the segment responses in server/runtime change and these schemas do not (definitions are typed loosely here). */
type SegmentChecks = [
  Same<Omit<z.infer<typeof segmentSummary>, 'definition'>, Omit<SegmentSummary, 'definition'>>,
  Same<z.infer<typeof segmentMember>, SegmentMember>,
  Same<z.infer<typeof segmentCounts>, SegmentCounts>,
];
const segmentMatches: SegmentChecks = [true, true, true];
void segmentMatches;

/** Parts several responses share, named so they appear once under components. */
export const responseParts = { Finding: findingSchema, JourneyGraph: journeyGraphSchema, RunSummary: runSummary, Effect: effect, MailboxMessage: mailboxMessage };

export const responseSchemas = {
  IngestAccepted: z.object({ success: z.literal(true) }),
  HookAccepted: hookAccepted,
  Endpoint: endpoint,
  EndpointWithSecret: endpoint.extend({ secret: z.string().describe('the Standard Webhooks secret ("whsec_…"), shown this once: give it to the receiver') }),
  EndpointList: z.object({ endpoints: z.array(endpoint) }),
  EndpointDeleted: z.object({ id: z.string(), deleted: z.literal(true) }),
  Health: z.object({ status: z.literal('ok') }),
  JourneyList: z.object({ journeys: z.array(z.object({ id: z.string(), name: z.string(), status: journeyStatus, liveVersion: z.number().int().nullable(), updatedAt: epochMs, activeRuns: count, conversions: count })) }),
  JourneyDetail: journeyDetail,
  ImportResult: z.object({ replaced: z.boolean(), journey: journeyDetail }),
  Validation: z.object({ valid: z.boolean(), findings: z.array(findingSchema) }),
  PublishResult: versionSummary.extend({ journeyId: z.string(), warnings: z.array(findingSchema), migrated: count.describe('runs moved to the new version by the migration mapping') }),
  StatusChange: z.object({ id: z.string(), status: journeyStatus, liveVersion: z.number().int().nullable(), updatedAt: epochMs, endedRuns: count }),
  VersionList: z.object({ versions: z.array(versionSummary.extend({ live: z.boolean() })) }),
  JourneyVersion: versionSummary.extend({ journeyId: z.string(), graph: journeyGraphSchema, compiled: z.record(z.string(), z.unknown()).describe('the compiled journey: XState machine definition as JSON, triggers and references') }),
  JourneyExport: journeyDocumentSchema,
  JourneyStats: journeyStats,
  JourneyReplay: journeyReplay,
  RunReplay: runReplay,
  BacktestRequest: backtestRequestSchema,
  SurgeryRequest: surgeryRequestSchema,
  SurgeryResult: z.object({ runId: z.string(), step: z.record(z.string(), z.unknown()) }),
  JourneyReport: z.record(z.string(), z.unknown()).describe('journeyId, period, version, totals, funnel, timeToGoal, effects, byVersion, byCluster, byStage, conversionsByDay; each breakdown has runs, converted, exited, active, conversionRate, medianTimeToGoalMs, cost, costPerConversion'),
  ExportRows: z.string().describe('NDJSON (one JSON object per line) or CSV with a header line'),
  Backtest: z.object({
    id: z.string(), journeyId: z.string(), status: z.enum(['running', 'done', 'cancelled', 'failed']),
    request: z.object({ from: epochMs, to: epochMs, version: z.union([z.literal('draft'), z.number().int()]), baselineVersion: z.number().int().nullable() }),
    startedAt: epochMs, finishedAt: epochMs.nullable(),
    progress: z.object({ customers: count, totalCustomers: count, events: count, eventsPerSecond: count }),
    error: z.string().nullable(),
    candidate: z.record(z.string(), z.unknown()).describe('the report: customers, events, runs, per-node entered/waiting/exited, effects by channel with cost, outcomes, early exits, time to goal'),
    baseline: z.record(z.string(), z.unknown()).nullable().describe('the same report for the live version over the same history'),
    comparison: z.record(z.string(), z.unknown()).nullable().describe('per node, per channel and conversion differences (candidate − baseline)'),
  }),
  BacktestList: z.object({ backtests: z.array(z.object({ id: z.string(), journeyId: z.string(), status: z.string(), progress: z.record(z.string(), z.unknown()), startedAt: epochMs, finishedAt: epochMs.nullable() })) }),
  EnrolAccepted: accepted.extend({ duplicate: z.boolean().describe('true when this messageId was enrolled before (nothing new was queued)') }),
  RunList: z.object({ runs: z.array(runSummary), nextCursor: z.string().nullable().describe('pass as cursor for the next page; null on the last page') }),
  RunDetail: runSummary.extend({
    state: z.record(z.string(), z.unknown()).describe('the stepper state: machine snapshot, pending timers, step sequence'),
    steps: z.array(z.record(z.string(), z.unknown())).describe('every recorded step: input, guards evaluated with the values they saw, state before and after, actions'),
    effects: z.array(effect),
    timers: z.array(z.object({ timerId: z.string(), dueAt: epochMs, event: z.record(z.string(), z.unknown()) })),
  }),
  CustomerDetail: customerProfileSchema.extend({
    createdAt: epochMs, updatedAt: epochMs, runs: z.array(runSummary),
    events: z.array(z.object({ seq: z.number().int(), type: z.string(), name: z.string().nullable(), messageId: z.string(), payload: jsonObject, at: epochMs, receivedAt: epochMs, processedAt: epochMs.nullable(), error: z.string().nullable() })),
    stageHistory: z.array(z.object({ fromStage: z.string().nullable(), toStage: z.string(), cause: z.string(), at: epochMs })),
  }),
  StageAccepted: accepted,
  Consent: z.object({ customerId: z.string(), consent: z.record(z.string(), z.boolean()).describe('consent per channel after the change') }),
  CustomerDeletion: z.object({ deleted: z.literal(true), customerHash: z.string().describe('SHA-256 of workspace and customer id: the only trace kept (suppression, audit)'), removed: z.record(z.string(), count).describe('rows removed per table') }),
  SuppressionLifted: z.object({ lifted: z.literal(true), customerHash: z.string() }),
  ContactStrategy: z.object({ version: z.number().int().min(1), strategy: z.record(z.string(), z.unknown()).describe('default and per-cluster rules: goal, channels with costPerContact, budget, frequencyCap, quietHours; fallbackTimeZone'), note: z.string().nullable(), createdAt: epochMs }),
  DialogueScriptNames: z.object({
    version: z.number().int().min(1).nullable().describe('the strategy version in force; null while none is saved'),
    scripts: z.array(z.object({ name: z.string(), clusters: z.array(z.string()).describe('the rules that define it: default first, then clusters') })),
  }),
  StageModel: z.object({
    version: z.number().int().min(1).nullable().describe('null while the default model is in force (nothing saved yet)'),
    stages: z.array(z.object({ id: z.string(), label: z.string() })), note: z.string().nullable(), createdAt: epochMs.nullable(),
  }),
  StageOverview: z.object({
    from: epochMs, to: epochMs,
    stages: z.array(z.object({ id: z.string(), label: z.string(), customers: count })).describe('every stage of the model, in order, with the customers in it now'),
    otherStages: z.array(z.object({ id: z.string(), customers: count })).describe('customers in stages the model no longer has'),
    unstaged: count.describe('customers without a stage'),
    moves: z.array(z.object({ from: z.string().nullable(), to: z.string(), count })).describe('stage changes recorded in [from, to), per (from → to); from is null for a first stage'),
  }),
  ClusterPreview: z.object({ preview: clusterCounts }),
  Segment: segmentSummary,
  SegmentList: z.object({ segments: z.array(segmentSummary) }),
  SegmentPreview: z.object({ customers: count.describe('customers of the workspace looked at'), members: count.describe('how many the definition holds now'), sample: z.array(z.string()).max(20).describe('up to 20 of them, by id') }),
  SegmentMembers: z.object({ members: z.array(segmentMember), nextCursor: z.string().nullable().describe('pass as cursor for the next page; null on the last page') }),
  SegmentCounts: segmentCounts,
  SegmentDeletion: z.object({ deleted: z.literal(true), id: z.string(), members: count.describe('memberships removed (no segment_left events are sent)') }),
  MailboxList: z.object({ messages: z.array(mailboxMessage) }),
  TaskList: z.object({ tasks: z.array(task) }),
  Task: task,
} satisfies Record<string, z.ZodType>;
export type ResponseSchemaName = keyof typeof responseSchemas;

/** Segment call types by their component name (IdentifyCall, TrackRequest, …). */
export const callNames = { identify: 'Identify', track: 'Track', page: 'Page', screen: 'Screen', group: 'Group', alias: 'Alias' } satisfies Record<SegmentCallType, string>;
export type CallName = (typeof callNames)[SegmentCallType];
