import { z } from 'zod';
import packageJson from '../package.json' with { type: 'json' };
import { customerProfileSchema, findingSchema, journeyGraphSchema, jsonValueSchema, ruleGroupSchema, ruleSchema } from '../workflows/index.js';
import type { ErrorDetail } from './errors.js';
import { stageRequestSchema } from './runtime/customers.js';
import { consentRequestSchema } from './runtime/consent.js';
import { contactStrategyRequestSchema } from './routes/contact-strategy.js';
import type { JourneyStats } from './runtime/journey-stats.js';
import { backtestRequestSchema } from './runtime/backtests.js';
import { surgeryRequestSchema } from './runtime/surgery.js';
import { reportQuerySchema } from './runtime/analytics.js';
import type { BulkReplay, replayStoredRun } from './runtime/replay.js';
import { maxBatchCalls, segmentBatchSchema, segmentCallSchema, segmentCalls, type SegmentCallType } from './runtime/ingest.js';
import { enrolRequestSchema, exportFormat, journeyDocumentSchema, journeyDraftSchema, publishRequestSchema } from './runtime/journeys.js';
import { runListQuerySchema } from './runtime/runs.js';
import { createKeySchema } from './runtime/api-keys.js';
import { auditQuerySchema } from './runtime/audit.js';
import type { ReceivedDelivery } from './runtime/webhooks/receive.js';
import { createSourceSchema, deliveryQuerySchema, previewSchema, rotateSourceSchema, updateSourceSchema } from './runtime/webhooks/sources.js';
import { createEndpointSchema, rotateEndpointSchema, updateEndpointSchema, type EndpointView } from './runtime/webhook-endpoints.js';
import { secretIndexSchema } from './runtime/secret-list.js';
import { stageModelRequestSchema, stageOverviewQuerySchema } from './runtime/stages.js';
import { clusterSettingsRequestSchema } from './runtime/clusters.js';
import { clusterChangedEvent, clusterDefinitionSchema, measureSchema } from '../workflows/clusters.js';
import { eventHistoryConditionSchema, segmentRuleGroupSchema, segmentRuleSchema } from '../workflows/rule.js';
import { segmentDefinitionSchema, segmentRequestSchema, segmentUpdateSchema } from '../workflows/segments.js';
import { periodQuerySchema } from './runtime/period.js';
import { memberQuerySchema, segmentPreviewRequestSchema, type SegmentCounts, type SegmentMember } from './runtime/segment-reports.js';
import type { SegmentSummary } from './runtime/segments.js';

/**
 * The OpenAPI 3.1 document of every route the app serves. Request bodies and query parameters are
 * generated with `z.toJSONSchema` from the zod schemas the routes validate with; response schemas
 * below describe what the handlers return (they are not validated at run time, so
 * test/openapi.test.ts checks them against real responses). `test/openapi.test.ts` also fails when a
 * route is registered without an operation here.
 */

export type JsonSchema = { [key: string]: unknown };
export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';
export interface OpenApiParameter { name: string; in: 'path' | 'query'; required: boolean; description: string; schema: JsonSchema }
export interface OpenApiMedia { schema: JsonSchema }
export interface OpenApiResponse { description: string; content?: Record<string, OpenApiMedia> }
export type Ref = { $ref: string };
export interface OpenApiOperation {
  operationId: string;
  tags: string[];
  summary: string;
  description: string;
  security: Record<string, string[]>[];
  parameters: OpenApiParameter[];
  requestBody?: { required: boolean; description: string; content: Record<string, OpenApiMedia> };
  responses: Record<string, OpenApiResponse | Ref>;
}
export interface SecurityScheme { type: 'http'; scheme: 'basic' | 'bearer'; description: string }
export interface OpenApiDocument {
  openapi: '3.1.0';
  info: { title: string; version: string; description: string };
  tags: { name: string; description: string }[];
  paths: Record<string, Partial<Record<HttpMethod, OpenApiOperation>>>;
  components: { schemas: Record<string, JsonSchema>; responses: Record<string, OpenApiResponse>; securitySchemes: Record<string, SecurityScheme> };
}

// ── Schemas the routes define inline and do not export: mirrored here, keep them in step ──────────
/** server/routes/mailbox.ts `mailboxQuerySchema`. */
const mailboxQuery = z.object({ channel: z.enum(['email', 'sms', 'chat']).optional(), recipient: z.string().min(1).max(320).optional(), limit: z.coerce.number().int().min(1).max(500).default(50) });
/** server/routes/tasks.ts `taskQuerySchema`. */
const taskQuery = z.object({
  assigneeType: z.string().min(1).max(50).optional(),
  assigneeId: z.string().min(1).max(200).optional(),
  done: z.enum(['true', 'false']).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
/** server/routes/journeys.ts `importQuery` and `versionParam`. */
const importQuery = z.object({ replace: z.enum(['true', 'false']).default('false') });
const versionParam = z.coerce.number().int().positive();
/** server/routes/journeys.ts `replayQuery`. */
const replayQuery = z.object({ version: z.coerce.number().int().positive().optional(), limit: z.coerce.number().int().positive().max(100_000).optional() });
/** The `url` query server/routes/endpoints.ts checks by hand. */
const endpointQuery = z.object({ url: z.string().min(1) });
/** server/routes/backtests.ts reads `journeyId` from the query. */
const backtestListQuery = z.object({ journeyId: z.string().optional() });

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
const responseParts = { Finding: findingSchema, JourneyGraph: journeyGraphSchema, RunSummary: runSummary, Effect: effect, MailboxMessage: mailboxMessage };

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

// ── Components ───────────────────────────────────────────────────────────────────────────────
const callNames = { identify: 'Identify', track: 'Track', page: 'Page', screen: 'Screen', group: 'Group', alias: 'Alias' } satisfies Record<SegmentCallType, string>;
/** Named so recursive schemas get stable component names instead of zod's generated ones. */
const sharedComponents = { JsonValue: jsonValueSchema, Rule: ruleSchema, RuleGroup: ruleGroupSchema };
type CallName = (typeof callNames)[SegmentCallType];
/** Each option of the call union, as `IdentifyCall`, `TrackCall`, … (the batch items). */
const callComponents = Object.fromEntries(segmentCallSchema.options.map((option) => [`${callNames[option.shape.type.value]}Call`, option])) as Record<`${CallName}Call`, z.ZodType>;
const requestComponents = {
  ...sharedComponents,
  ...callComponents,
  SegmentCall: segmentCallSchema,
  SegmentBatch: segmentBatchSchema,
  JourneyDraft: journeyDraftSchema,
  JourneyDocument: journeyDocumentSchema,
  PublishRequest: publishRequestSchema,
  CreateSourceRequest: createSourceSchema,
  UpdateSourceRequest: updateSourceSchema,
  RotateSourceRequest: rotateSourceSchema,
  PreviewRequest: previewSchema,
  CreateKeyRequest: createKeySchema,
  CreateEndpointRequest: createEndpointSchema,
  UpdateEndpointRequest: updateEndpointSchema,
  RotateEndpointRequest: rotateEndpointSchema,
  /** server/routes/hooks.ts reads raw bytes (the signature is over them); the route has no zod body schema. */
  HookPayload: z.unknown(),
  EnrolRequest: enrolRequestSchema,
  StageRequest: stageRequestSchema,
  ConsentRequest: consentRequestSchema,
  ContactStrategyRequest: contactStrategyRequestSchema,
  StageModelRequest: stageModelRequestSchema,
  Measure: measureSchema,
  ClusterDefinition: clusterDefinitionSchema,
  ClusterSettingsRequest: clusterSettingsRequestSchema,
  SegmentRule: segmentRuleSchema,
  SegmentRuleGroup: segmentRuleGroupSchema,
  EventHistoryCondition: eventHistoryConditionSchema,
  SegmentDefinition: segmentDefinitionSchema,
  SegmentRequest: segmentRequestSchema,
  SegmentUpdate: segmentUpdateSchema,
  SegmentPreviewRequest: segmentPreviewRequestSchema,
} satisfies Record<string, z.ZodType>;
export type RequestSchemaName = keyof typeof requestComponents | `${CallName}Request`;

const safeInt = Number.MAX_SAFE_INTEGER;
/** Drops generator noise: `$schema`/`$id`, safe-integer bounds and (for responses, which may gain fields) `additionalProperties: false`. */
const tidy = (value: unknown, io: 'input' | 'output'): unknown => {
  if (Array.isArray(value)) return value.map((item) => tidy(item, io));
  if (typeof value !== 'object' || value === null) return value;
  const entries = Object.entries(value).filter(
    ([key, v]) => key !== '$schema' && key !== '$id' && !(key === 'minimum' && v === -safeInt) && !(key === 'maximum' && v === safeInt) && !(io === 'output' && key === 'additionalProperties' && v === false),
  );
  return Object.fromEntries(entries.map(([key, v]) => [key, tidy(v, io)]));
};
const asSchema = (value: unknown): JsonSchema => (typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as JsonSchema) : {});
export const schemaRef = (name: string): Ref => ({ $ref: `#/components/schemas/${name}` });

const generate = (components: Record<string, z.ZodType>, io: 'input' | 'output'): Record<string, JsonSchema> => {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of Object.entries(components)) registry.add(schema, { id });
  const { schemas } = z.toJSONSchema(registry, { io, uri: (id) => schemaRef(id).$ref });
  if ('__shared' in schemas) {
    throw new Error(`a recursive schema has no component name (zod put it under __shared: ${JSON.stringify(Object.keys(asSchema(asSchema(schemas['__shared'])['$defs'])))}); add it to sharedComponents in server/openapi.ts`);
  }
  return Object.fromEntries(Object.entries(schemas).map(([id, schema]) => [id, asSchema(tidy(schema, io))]));
};

const componentSchemas = (): Record<string, JsonSchema> => {
  const requests = generate(requestComponents, 'input');
  const responses = generate({ ...sharedComponents, ...responseParts, ...responseSchemas, Error: errorSchema }, 'output');
  for (const name of Object.keys(requests).filter((name) => name in responses)) {
    if (JSON.stringify(requests[name]) !== JSON.stringify(responses[name])) throw new Error(`component ${name} differs between requests (input) and responses (output); give the two forms different names in server/openapi.ts`);
  }
  const identified = 'userId or anonymousId is required (who did this?); ids may be strings or numbers.';
  for (const type of segmentCalls) {
    const name = callNames[type];
    const call = requests[`${name}Call`];
    if (!call) throw new Error(`segment call "${type}" has no component; is it an option of segmentCallSchema?`);
    requests[`${name}Call`] = { ...call, description: `A ${type} call in a batch. ${identified}` };
    // The single-call endpoints take `type` from the path (parseSegmentRequest), so the body may leave it out.
    const required = Array.isArray(call['required']) ? call['required'].filter((field) => field !== 'type') : [];
    requests[`${name}Request`] = { ...call, required, description: `The body of POST /v1/${type}. ${identified} \`type\` may be left out: it is taken from the path.` };
  }
  requests['SegmentBatch'] = { ...requests['SegmentBatch'], description: `Up to ${maxBatchCalls} calls, committed all or nothing; \`context\` is merged under each call's own context.` };
  requests['HookPayload'] = { description: "Any payload the provider sends (JSON for the mapping's paths), at most RAPPORT_MAX_BODY_BYTES; the signature headers of the source's scheme are required." };
  requests['JourneyDocument'] = { ...requests['JourneyDocument'], description: `An exported journey (format "${exportFormat}").` };
  return { ...requests, ...responses };
};

// ── Operations ───────────────────────────────────────────────────────────────────────────────
const tags = {
  Ingest: 'Segment-compatible HTTP Tracking API. The write key is the HTTP Basic user name (as Segment libraries send it); a 200 means every call of the request is committed.',
  Journeys: 'Drafts, validation, immutable published versions, lifecycle (live, paused, archived), import and export, manual enrolment.',
  Runs: 'One run per customer and journey version, with every recorded step, its effects and pending timers.',
  Analytics: 'How journeys perform: reports by version, value cluster and lifecycle stage, and exports of runs and steps.',
  Backtests: 'What-if simulations of a draft or version over stored history, compared with the live version; no effects are performed.',
  Customers: 'Customer profiles with lifecycle stage, value cluster and consent; stage changes requested by people.',
  Mailbox: 'The development mailbox: what email, SMS and chat would have sent while no provider is configured.',
  Tasks: 'Work for people and teams that journeys create (`create_task`).',
  Webhooks: 'Inbound webhook sources: a provider posts to /v1/hooks/{sourceId}, signed with the source\'s secret; a mapping turns each delivery into a track event.',
  CRM: 'The CRM domain: the lifecycle stage model of the workspace and how customers move between stages, value-cluster definitions (contribution × lifetime value) with previews.',
  Endpoints: 'Outbound webhook endpoints: receivers registered with their URL and their own signing secret (shown once, rotatable), and URLs disabled after a 410 Gone.',
  Administration: 'API keys and the audit log of who changed what.',
  Segments: 'Dynamic segments: rules over traits, lifecycle stage, value cluster, tags, consent and event history, with membership kept current as events arrive and as windows expire; entering and leaving start journeys (trigger_segment_entered / trigger_segment_left).',
  Operations: 'Health check and Prometheus metrics for operators. No key.',
  Reference: 'This document and its HTML rendering. No key.',
};
type Tag = keyof typeof tags;
type Auth = 'write' | 'read' | 'admin' | 'none';
type ErrorStatus = 400 | 401 | 404 | 409 | 410 | 413 | 415 | 422 | 429 | 500;

interface OperationSpec {
  method: HttpMethod;
  /** OpenAPI form: `{id}`, not Hono's `:id`. */
  path: string;
  tag: Tag;
  summary: string;
  description: string;
  auth: Auth;
  query?: z.ZodType;
  /** Descriptions of query parameters, over the shared ones in `queryHelp`. */
  queryHelp?: Record<string, string>;
  body?: { schema: RequestSchemaName | RequestSchemaName[]; required?: boolean; description: string };
  ok: { status: 200 | 201 | 202; description: string; schema?: ResponseSchemaName; media?: { type: string; schema: JsonSchema } };
  /** A second success status with the same body (e.g. 200 for a repeated delivery, 202 for a new one). */
  alsoOk?: { status: 200 | 201 | 202; description: string };
  errors?: ErrorStatus[];
}

const errorResponses = {
  400: ['BadRequest', 'Invalid input (malformed JSON, a failed field check with its path in details, or a bad query parameter).'],
  401: ['Unauthorized', 'No key, or a key that is wrong or revoked.'],
  403: ['Forbidden', 'The key lacks the scope: a write key on a management route, a read key on a write.'],
  404: ['NotFound', 'The journey, version, run, customer or task does not exist in this workspace.'],
  409: ['Conflict', 'The request conflicts with the current state (id taken, journey archived or not live, transition not allowed).'],
  413: ['PayloadTooLarge', 'The body (or the unpacked gzip body) is larger than RAPPORT_MAX_BODY_BYTES; split the batch.'],
  415: ['UnsupportedEncoding', 'A Content-Encoding other than gzip or identity.'],
  410: ['Gone', 'The webhook source is disabled; stop sending to it.'],
  422: ['Unprocessable', 'The draft does not compile, or the migration maps runs to nodes they cannot enter; details carry the findings with node ids.'],
  429: ['TooManyRequests', 'The key (or webhook source) sent more requests per second than its rate limit allows; retry after the Retry-After header.'],
  500: ['InternalError', 'Internal error; nothing of the request was applied.'],
} as const;

const idMeaning: Record<Tag, string> = {
  Ingest: '', Journeys: 'the journey id', Runs: 'the run id', Backtests: 'the backtest id (under /v1/journeys: the journey id)', Analytics: 'the journey id', Customers: 'the customer id (the userId, or anonymousId, it was tracked with)', Mailbox: '', Tasks: 'the task id',
  Webhooks: 'the webhook source id (as in its hook path)', Endpoints: 'the endpoint id ("ep_…")', CRM: '', Segments: 'the segment id', Administration: 'the key id', Operations: '', Reference: '',
};
const queryHelp: Record<string, string> = {
  journeyId: 'only runs of this journey', customerId: 'only runs of this customer', status: 'only runs with this status', cursor: 'nextCursor from the previous page, unchanged',
  limit: 'how many to return', channel: 'only messages of this channel', recipient: 'only messages to this address or number', assigneeType: 'only tasks for this assignee type (person or team)',
  assigneeId: 'only tasks for this assignee', done: 'only done (true) or open (false) tasks', replace: 'true replaces the draft of the journey with the same id instead of creating a new one',
  verdict: 'only deliveries with this verdict', action: 'only entries of this action, e.g. "key.create"', targetType: 'only entries about this kind of thing', targetId: 'only entries about this id',
  url: 'the endpoint exactly as GET /v1/endpoints/disabled lists it',
};

const ingestCalls: Record<SegmentCallType, { summary: string; description: string }> = {
  identify: { summary: 'Identify a customer', description: "Sets traits on the customer named by userId (or anonymousId); context.timezone sets the customer's time zone. Journeys triggered by trait changes react to it." },
  track: { summary: 'Track an event', description: 'Records an action the customer took, e.g. "Order Completed", with its properties. Journeys triggered by, waiting for or converting on the event react to it.' },
  page: { summary: 'Record a page view', description: 'Stored as a track event "Page Viewed"; name and category become properties.' },
  screen: { summary: 'Record a screen view', description: 'Stored as a track event "Screen Viewed"; name and category become properties.' },
  group: { summary: 'Accept a group call', description: 'Accepted and stored for Segment compatibility; no journey reacts to it.' },
  alias: { summary: 'Accept an alias call', description: 'Accepted and stored for Segment compatibility; no journey reacts to it.' },
};
const ingestOk = { status: 200, description: 'Every call of the request is committed (a repeated messageId is a no-op).', schema: 'IngestAccepted' } as const;
const ingestErrors: ErrorStatus[] = [400, 413, 415];

const operations: OperationSpec[] = [
  { method: 'post', path: '/v1/batch', tag: 'Ingest', auth: 'write', summary: 'Send a batch of calls',
    description: `Stores up to ${maxBatchCalls} identify, track, page, screen, group and alias calls at once, all or nothing: one invalid call is a 400 naming it and nothing is stored.`,
    body: { schema: 'SegmentBatch', description: 'The calls, each with its type.' }, ok: ingestOk, errors: ingestErrors },
  ...segmentCalls.map((call): OperationSpec => ({ method: 'post', path: `/v1/${call}`, tag: 'Ingest', auth: 'write', ...ingestCalls[call],
    body: { schema: `${callNames[call]}Request`, description: `One ${call} call.` },
    ok: ingestOk, errors: ingestErrors })),

  { method: 'get', path: '/v1/journeys', tag: 'Journeys', auth: 'read', summary: 'List journeys',
    description: 'Every journey with its status (draft, live, paused, archived), live version, active runs and conversions, most recently changed first.',
    ok: { status: 200, description: 'The journeys.', schema: 'JourneyList' } },
  { method: 'post', path: '/v1/journeys', tag: 'Journeys', auth: 'admin', summary: 'Create a journey draft',
    description: "Stores a journey graph as a new draft; without an id one is derived from the name. The response carries the validator's findings, so a half-finished draft can be saved.",
    body: { schema: 'JourneyDraft', description: 'The graph as the editor saves it.' }, ok: { status: 201, description: 'The new journey.', schema: 'JourneyDetail' }, errors: [400, 409] },
  { method: 'post', path: '/v1/journeys/import', tag: 'Journeys', auth: 'admin', query: importQuery, summary: 'Import a journey',
    description: `Imports an exported document ({ "format": "${exportFormat}", "journey": … }) or a bare graph as a new draft; with replace=true it replaces the draft of the journey with the same id.`,
    body: { schema: ['JourneyDocument', 'JourneyDraft'], description: 'An exported document or a bare graph.' }, ok: { status: 201, description: 'The imported journey, and whether an existing draft was replaced.', schema: 'ImportResult' }, errors: [400, 409] },
  { method: 'get', path: '/v1/journeys/{id}', tag: 'Journeys', auth: 'read', summary: 'Get a journey',
    description: "The draft, status and versions of a journey, with the draft's findings.",
    ok: { status: 200, description: 'The journey.', schema: 'JourneyDetail' }, errors: [404] },
  { method: 'put', path: '/v1/journeys/{id}', tag: 'Journeys', auth: 'admin', summary: 'Replace the draft',
    description: 'Replaces the journey\'s draft; published versions and the runs on them are untouched. An archived journey cannot be changed.',
    body: { schema: 'JourneyDraft', description: 'The new draft; its id, when given, must match the path.' }, ok: { status: 200, description: 'The journey with its new draft.', schema: 'JourneyDetail' }, errors: [400, 404, 409] },
  { method: 'post', path: '/v1/journeys/{id}/validate', tag: 'Journeys', auth: 'admin', summary: 'Validate a draft',
    description: "Returns the validator's findings for the stored draft, or for a graph sent in the body (any JSON: shape problems are findings too). Nothing is stored.",
    body: { schema: 'JourneyDraft', required: false, description: 'Optional: a graph to check instead of the stored draft.' }, ok: { status: 200, description: 'The findings.', schema: 'Validation' }, errors: [400, 404] },
  { method: 'post', path: '/v1/journeys/{id}/publish', tag: 'Journeys', auth: 'admin', summary: 'Publish a version',
    description: 'Compiles the draft into a new immutable version and makes it live. Runs in flight stay on their version unless the migration mapping moves them; each move is a recorded step.',
    body: { schema: 'PublishRequest', description: 'What changed, and optionally which old states map to which new nodes.' }, ok: { status: 201, description: 'The new version, its warnings and how many runs were migrated.', schema: 'PublishResult' }, errors: [400, 404, 409, 422] },
  { method: 'post', path: '/v1/journeys/{id}/pause', tag: 'Journeys', auth: 'admin', summary: 'Pause a journey',
    description: 'Stops new entries into a live journey.',
    ok: { status: 200, description: 'The new status.', schema: 'StatusChange' }, errors: [404, 409] },
  { method: 'post', path: '/v1/journeys/{id}/resume', tag: 'Journeys', auth: 'admin', summary: 'Resume a journey',
    description: 'Makes a paused journey live again, taking new entries.',
    ok: { status: 200, description: 'The new status.', schema: 'StatusChange' }, errors: [404, 409] },
  { method: 'post', path: '/v1/journeys/{id}/archive', tag: 'Journeys', auth: 'admin', summary: 'Archive a journey',
    description: 'Archives the journey for good and ends every active run (outcome exited, reason "journey archived").',
    ok: { status: 200, description: 'The new status and how many runs were ended.', schema: 'StatusChange' }, errors: [404, 409] },
  { method: 'post', path: '/v1/journeys/{id}/replay', tag: 'Journeys', auth: 'read', query: replayQuery, queryHelp: { version: 'only runs on this version', limit: 'replay at most this many runs (default 10,000)' }, summary: "Replay a journey's runs",
    description: 'Feeds every stored run of the journey (or of one version) back through the version it ran on and checks that each step comes out exactly as recorded: the regression check after an upgrade. Nothing is changed.',
    ok: { status: 200, description: 'How many runs matched, and the first difference of each run that did not.', schema: 'JourneyReplay' }, errors: [400, 404] },
  { method: 'get', path: '/v1/journeys/{id}/versions', tag: 'Journeys', auth: 'read', summary: 'List versions',
    description: 'The published versions of a journey, newest first, with their notes and which one is live.',
    ok: { status: 200, description: 'The version history.', schema: 'VersionList' }, errors: [404] },
  { method: 'get', path: '/v1/journeys/{id}/versions/{version}', tag: 'Journeys', auth: 'read', summary: 'Get a version',
    description: 'One published version with the graph it was compiled from and the compiled machine definition.',
    ok: { status: 200, description: 'The version.', schema: 'JourneyVersion' }, errors: [400, 404] },
  { method: 'get', path: '/v1/journeys/{id}/stats', tag: 'Journeys', auth: 'read', summary: 'Live counts of a journey',
    description: "Per node, how many recorded steps entered it and how many active runs wait there; per journey, active, converted and exited runs, across every version. The editor's live view shows them on the canvas.",
    ok: { status: 200, description: 'The counts.', schema: 'JourneyStats' }, errors: [404] },
  { method: 'get', path: '/v1/journeys/{id}/export', tag: 'Journeys', auth: 'read', summary: 'Export a journey',
    description: 'The draft as a portable document, for POST /v1/journeys/import in another workspace or installation.',
    ok: { status: 200, description: 'The export document.', schema: 'JourneyExport' }, errors: [404] },
  { method: 'post', path: '/v1/journeys/{id}/enrol', tag: 'Journeys', auth: 'admin', summary: 'Enrol a customer',
    description: 'Queues the customer for the journey\'s "Manual / API enrolment" trigger; the worker starts the run in order with the customer\'s other events. The journey must be live and have that trigger.',
    body: { schema: 'EnrolRequest', description: 'Who to enrol, with trigger properties; a repeated messageId is a no-op.' }, ok: { status: 202, description: 'The enrolment is queued.', schema: 'EnrolAccepted' }, errors: [400, 404, 409] },

  { method: 'get', path: '/v1/runs', tag: 'Runs', auth: 'read', query: runListQuerySchema, summary: 'List runs',
    description: 'Runs, newest first, filtered by journey, customer or status, with keyset pagination: pass nextCursor as cursor for the next page.',
    ok: { status: 200, description: 'One page of runs.', schema: 'RunList' }, errors: [400] },
  { method: 'get', path: '/v1/runs/{id}', tag: 'Runs', auth: 'read', summary: 'Get a run',
    description: 'One run with every recorded step, its effects (status, attempts, errors) and its pending timers.',
    ok: { status: 200, description: 'The run.', schema: 'RunDetail' }, errors: [404] },

  { method: 'get', path: '/v1/journeys/{id}/report', tag: 'Analytics', auth: 'read', query: reportQuerySchema.extend({ format: z.enum(['json', 'csv']).default('json') }),
    queryHelp: { from: 'runs that entered from (ISO 8601 or epoch ms; default 30 days before to)', to: 'runs that entered before (default now)', version: 'only runs of this version', format: 'json (default) or csv' },
    summary: 'Journey report', description: 'Goals reached, in what time and at what cost: totals, the funnel by node, time to goal, effects by channel and status, and breakdowns by version, by value cluster and by lifecycle stage at entry, over a period.',
    ok: { status: 200, description: 'The report (JSON, or CSV with one line per breakdown).', schema: 'JourneyReport' }, errors: [400, 404] },
  { method: 'get', path: '/v1/journeys/{id}/export/runs', tag: 'Analytics', auth: 'read', query: reportQuerySchema.extend({ format: z.enum(['csv', 'ndjson']).default('ndjson') }),
    queryHelp: { from: 'runs that entered from', to: 'runs that entered before', version: 'only runs of this version', format: 'ndjson (default) or csv' },
    summary: 'Export runs', description: 'Every run that entered in the period, as NDJSON or CSV.', ok: { status: 200, description: 'The runs, one per line.', schema: 'ExportRows' }, errors: [400, 404] },
  { method: 'get', path: '/v1/journeys/{id}/export/steps', tag: 'Analytics', auth: 'read', query: reportQuerySchema.extend({ format: z.enum(['csv', 'ndjson']).default('ndjson') }),
    queryHelp: { from: 'runs that entered from', to: 'runs that entered before', version: 'only runs of this version', format: 'ndjson (default) or csv' },
    summary: 'Export steps', description: 'Every recorded step of those runs (input, path, guards with the values they saw, effects), as NDJSON or CSV.', ok: { status: 200, description: 'The steps, one per line.', schema: 'ExportRows' }, errors: [400, 404] },
  { method: 'post', path: '/v1/journeys/{id}/backtests', tag: 'Backtests', auth: 'read', summary: 'Start a what-if simulation',
    description: 'Runs the draft (or a version) for every customer with events in the window, on a virtual clock with no effects performed, and by default the live version over the same history for comparison. Returns at once; poll GET /v1/backtests/{id}.',
    body: { schema: 'BacktestRequest', description: 'The window, what to simulate and which customers.' }, ok: { status: 202, description: 'The backtest has started.', schema: 'Backtest' }, errors: [400, 404, 409, 422] },
  { method: 'get', path: '/v1/backtests', tag: 'Backtests', auth: 'read', summary: 'List backtests', query: backtestListQuery, queryHelp: {},
    description: 'Backtests started in this process, newest last.', ok: { status: 200, description: 'The backtests.', schema: 'BacktestList' } },
  { method: 'get', path: '/v1/backtests/{id}', tag: 'Backtests', auth: 'read', summary: 'Get a backtest',
    description: 'Progress while running; the reports and the comparison with the live version (partial while running, final when done).', ok: { status: 200, description: 'The backtest.', schema: 'Backtest' }, errors: [404] },
  { method: 'delete', path: '/v1/backtests/{id}', tag: 'Backtests', auth: 'read', summary: 'Cancel a backtest',
    description: 'Stops a running backtest after the page of customers in progress; the partial reports stay readable.', ok: { status: 200, description: 'The backtest, being cancelled.', schema: 'Backtest' }, errors: [404] },

  { method: 'post', path: '/v1/runs/{id}/surgery', tag: 'Runs', auth: 'admin', summary: 'Change a run by hand',
    description: 'Cancel a run, move it to another node, or fire, reschedule or drop one of its pending timers. Recorded as a step of the run (replayable) and in the audit log with the key and the reason.',
    body: { schema: 'SurgeryRequest', description: 'What to do and why.' }, ok: { status: 200, description: 'The step that was recorded.', schema: 'SurgeryResult' }, errors: [400, 404, 409, 422] },
  { method: 'post', path: '/v1/runs/{id}/replay', tag: 'Runs', auth: 'read', summary: 'Replay a run',
    description: "Feeds the run's recorded inputs back through the version(s) it ran on and compares every step with the record; the first difference is reported with the step and the field. Nothing is changed.",
    ok: { status: 200, description: 'Whether the replay matched, and the first difference.', schema: 'RunReplay' }, errors: [404] },

  { method: 'get', path: '/v1/customers/{id}', tag: 'Customers', auth: 'read', summary: 'Get a customer',
    description: "The customer's profile (traits, lifecycle stage, value cluster, consent, tags, time zone) with their runs, recent events and stage history.",
    ok: { status: 200, description: 'The customer.', schema: 'CustomerDetail' }, errors: [404] },
  { method: 'post', path: '/v1/customers/{id}/stage', tag: 'Customers', auth: 'admin', summary: "Change a customer's lifecycle stage",
    description: "Queues a stage change; the worker applies it in order with the customer's other events, audits it in the stage history and journeys see a stage_changed event.",
    body: { schema: 'StageRequest', description: 'The new stage and why.' }, ok: { status: 202, description: 'The stage change is queued.', schema: 'StageAccepted' }, errors: [400] },

  { method: 'put', path: '/v1/customers/{id}/consent', tag: 'Customers', auth: 'admin', summary: "Set a customer's consent",
    description: 'Sets consent per channel (`false` withholds it) in the customer profile, at once (not through the worker); the dispatcher checks it, with the identify traits `consent.<channel>` and `unsubscribed`, when each message is sent. Audited under a hash of the id.',
    body: { schema: 'ConsentRequest', description: 'At least one of email, sms.' }, ok: { status: 200, description: 'The consent after the change.', schema: 'Consent' }, errors: [400, 404] },
  { method: 'delete', path: '/v1/customers/{id}', tag: 'Customers', auth: 'admin', summary: 'Delete a customer (privacy)',
    description: "Removes, in one transaction, the customer's profile, events, runs, steps, timers, date schedules, effects and their attempts, development-mailbox messages, stage changes, segment memberships and their history, due re-evaluations, tasks and the webhook deliveries mapped to them, and suppresses the id: ingest then answers 200 but stores nothing for it until the suppression is lifted. Audited with a hash of the id only. Idempotent.",
    ok: { status: 200, description: 'What was removed.', schema: 'CustomerDeletion' } },
  { method: 'delete', path: '/v1/suppressions/{customerId}', tag: 'Customers', auth: 'admin', summary: 'Lift a suppression',
    description: 'Lets a customer id deleted for privacy be ingested again (as a new, empty customer). Audited with a hash of the id.',
    ok: { status: 200, description: 'The suppression is lifted.', schema: 'SuppressionLifted' }, errors: [404] },
  { method: 'get', path: '/u/{token}', tag: 'Customers', auth: 'none', summary: 'Unsubscribe page',
    description: 'The page an unsubscribe link opens: asks for confirmation with one button (link scanners must not unsubscribe anyone). No key: the token is the authorisation.',
    ok: { status: 200, description: 'An HTML page with the confirmation button.', media: { type: 'text/html', schema: { type: 'string' } } }, errors: [404] },
  { method: 'post', path: '/u/{token}', tag: 'Customers', auth: 'none', summary: 'One-click unsubscribe',
    description: 'RFC 8058 one-click unsubscribe (the mail client POSTs `List-Unsubscribe=One-Click`, or the page\'s button): sets `consent.<channel> = false` for the customer the token names. No key.',
    ok: { status: 200, description: 'An HTML confirmation.', media: { type: 'text/html', schema: { type: 'string' } } }, errors: [404] },
  { method: 'get', path: '/v1/settings/contact-strategy', tag: 'CRM', auth: 'read', summary: 'Get the contact strategy',
    description: 'The contact strategy in force (its latest version): per value cluster and a default, the goal, allowed marketing channels with cost per contact, budget, frequency cap and quiet hours. 404 while none was saved (then nothing is restricted).',
    ok: { status: 200, description: 'The strategy in force.', schema: 'ContactStrategy' }, errors: [404] },
  { method: 'get', path: '/v1/settings/contact-strategy/scripts', tag: 'CRM', auth: 'read', summary: 'Dialogue script names',
    description: 'The dialogue script names of the strategy in force, sorted, each with the rules (default, clusters) that define it: what a `create_task` step can pick as `scriptName`. Empty while none is saved.',
    ok: { status: 200, description: 'The script names.', schema: 'DialogueScriptNames' } },
  { method: 'get', path: '/v1/settings/contact-strategy/versions', tag: 'CRM', auth: 'read', summary: 'Contact strategy history',
    description: 'Every saved version of the contact strategy (at most the latest 50), newest first, each `{ version, strategy, note, createdAt }`.',
    ok: { status: 200, description: '`{ "versions": [...] }` (empty while none was saved).' } },
  { method: 'put', path: '/v1/settings/contact-strategy', tag: 'CRM', auth: 'admin', summary: 'Save the contact strategy',
    description: 'Validates and saves the strategy as a new version; the dispatcher enforces it on every email and SMS from then on, across all journeys. Audited.',
    body: { schema: 'ContactStrategyRequest', description: '`{ "strategy": { "default", "star"?, "question_mark"?, "cash_cow"?, "dog"?, "fallbackTimeZone"? }, "note"? }`.' },
    ok: { status: 200, description: 'The saved version.', schema: 'ContactStrategy' }, errors: [400] },

  { method: 'get', path: '/v1/mailbox', tag: 'Mailbox', auth: 'read', query: mailboxQuery, summary: 'List mailbox messages',
    description: 'What email, SMS and chat would have sent while no provider is configured, newest first.',
    ok: { status: 200, description: 'The messages.', schema: 'MailboxList' }, errors: [400] },
  { method: 'get', path: '/v1/tasks', tag: 'Tasks', auth: 'read', query: taskQuery, summary: 'List tasks',
    description: 'Tasks journeys created for people and teams, earliest due first.',
    ok: { status: 200, description: 'The tasks.', schema: 'TaskList' }, errors: [400] },
  { method: 'post', path: '/v1/tasks/{id}/done', tag: 'Tasks', auth: 'admin', summary: 'Complete a task',
    description: 'Marks the task done.',
    ok: { status: 200, description: 'The task.', schema: 'Task' }, errors: [404] },

  { method: 'get', path: '/v1/sources', tag: 'Webhooks', auth: 'read', summary: 'List webhook sources',
    description: 'Every inbound webhook source with its signature scheme, mapping, hook path and live secrets (by index and dates, never their value).',
    ok: { status: 200, description: '`{ "sources": [...] }`.' } },
  { method: 'post', path: '/v1/sources', tag: 'Webhooks', auth: 'admin', summary: 'Create a webhook source',
    description: 'Creates a source with its signature scheme and mapping; the secret is generated (or taken from the request) and shown once in the response.',
    body: { schema: 'CreateSourceRequest', description: 'Name, scheme, mapping, optional id, HMAC settings and secret.' }, ok: { status: 201, description: 'The source, with `secret` shown this once.' }, errors: [400, 409] },
  { method: 'get', path: '/v1/sources/{id}', tag: 'Webhooks', auth: 'read', summary: 'Get a webhook source',
    description: 'One source with its mapping, hook path and live secrets (never their value).',
    ok: { status: 200, description: 'The source.' }, errors: [404] },
  { method: 'patch', path: '/v1/sources/{id}', tag: 'Webhooks', auth: 'admin', summary: 'Update a webhook source',
    description: 'Changes the name, the mapping or the HMAC settings of a source; the change is audited.',
    body: { schema: 'UpdateSourceRequest', description: 'At least one of name, mapping, hmac.' }, ok: { status: 200, description: 'The updated source.' }, errors: [400, 404] },
  { method: 'delete', path: '/v1/sources/{id}', tag: 'Webhooks', auth: 'admin', summary: 'Disable a webhook source',
    description: 'Disables the source: later deliveries to its hook path get 410 Gone.',
    ok: { status: 200, description: 'The disabled source.' }, errors: [404] },
  { method: 'post', path: '/v1/sources/{id}/rotate', tag: 'Webhooks', auth: 'admin', summary: 'Rotate the secret',
    description: 'Adds a new secret (shown once); older secrets stay valid for the grace period, 24 hours unless told otherwise, so the provider can switch without lost deliveries.',
    body: { schema: 'RotateSourceRequest', required: false, description: 'Optional: the new secret and the grace period.' }, ok: { status: 200, description: 'The source, with the new `secret` shown this once.' }, errors: [400, 404] },
  { method: 'delete', path: '/v1/sources/{id}/secrets/{index}', tag: 'Webhooks', auth: 'admin', summary: 'Delete an old secret',
    description: 'Ends an older secret now instead of at the end of its grace period; the newest secret (index 0) cannot be deleted.',
    ok: { status: 200, description: 'The source.' }, errors: [400, 404, 409] },
  { method: 'get', path: '/v1/sources/{id}/deliveries', tag: 'Webhooks', auth: 'read', query: deliveryQuerySchema, queryHelp: { limit: 'how many to return' }, summary: 'List deliveries',
    description: 'What the provider sent, newest first, with the verdict (accepted, rejected with the reason, duplicate) and the event it became; keyset pagination with nextCursor.',
    ok: { status: 200, description: '`{ "deliveries": [...], "nextCursor" }`.' }, errors: [400, 404] },
  { method: 'post', path: '/v1/sources/{id}/preview', tag: 'Webhooks', auth: 'admin', summary: 'Preview a mapping',
    description: "Maps a test payload with the source's mapping (or one sent along) and shows the event it would become, or why it would be rejected. Nothing is stored.",
    body: { schema: 'PreviewRequest', description: 'A test payload and headers, optionally a mapping to try.' }, ok: { status: 200, description: '`{ "ok": true, "event" }` or `{ "ok": false, "reason" }`.' }, errors: [400, 404] },
  { method: 'post', path: '/v1/hooks/{sourceId}', tag: 'Webhooks', auth: 'none', summary: 'Receive a webhook delivery',
    description: "Where providers deliver. No API key: the signature over the exact body bytes (Standard Webhooks, or HMAC-SHA256 in a configured header) is the authentication; the mapping turns the delivery into a track event for the worker.",
    body: { schema: 'HookPayload', description: 'The payload as the provider sends it, signed with the source\'s secret.' },
    ok: { status: 202, description: 'The delivery is stored and its event queued.', schema: 'HookAccepted' }, alsoOk: { status: 200, description: 'The delivery id was received before: a no-op.' }, errors: [400, 401, 404, 410, 413, 422, 429, 500] },

  { method: 'get', path: '/v1/keys', tag: 'Administration', auth: 'admin', summary: 'List API keys',
    description: "The workspace's keys with id, name, scope, first characters and when each was created, last used and revoked; never the key itself.",
    ok: { status: 200, description: '`{ "keys": [...] }`.' } },
  { method: 'post', path: '/v1/keys', tag: 'Administration', auth: 'admin', summary: 'Create an API key',
    description: 'Creates a write, read or admin key; the key is shown once in the response and stored as its SHA-256.',
    body: { schema: 'CreateKeyRequest', description: 'What the key is for, and its scope.' }, ok: { status: 201, description: 'The key, shown this once.' }, errors: [400] },
  { method: 'delete', path: '/v1/keys/{id}', tag: 'Administration', auth: 'admin', summary: 'Revoke an API key',
    description: 'Revokes the key at once (within seconds in other processes); the last active admin key cannot be revoked.',
    ok: { status: 200, description: 'The revoked key.' }, errors: [404, 409] },
  { method: 'get', path: '/v1/audit', tag: 'Administration', auth: 'admin', query: auditQuerySchema, summary: 'Read the audit log',
    description: 'Who changed keys, webhook sources, outbound endpoints, journeys, runs, customers and settings, and when, newest first; keyset pagination with nextCursor.',
    ok: { status: 200, description: 'One page of audit entries and nextCursor.' }, errors: [400] },
  { method: 'get', path: '/v1/endpoints', tag: 'Endpoints', auth: 'read', summary: 'List outbound endpoints',
    description: 'Every registered receiver with its URL and live secrets (by index and dates, never their value).',
    ok: { status: 200, description: 'The endpoints.', schema: 'EndpointList' } },
  { method: 'post', path: '/v1/endpoints', tag: 'Endpoints', auth: 'admin', summary: 'Register an outbound endpoint',
    description: 'Registers a receiver: requests journeys make to its URL, or below its path, are signed with its own Standard Webhooks secret instead of the workspace default. The secret is generated (or taken from the request) and shown once.',
    body: { schema: 'CreateEndpointRequest', description: 'Name, URL (no query or fragment), optional secret.' }, ok: { status: 201, description: 'The endpoint, with `secret` shown this once.', schema: 'EndpointWithSecret' }, errors: [400, 409] },
  { method: 'get', path: '/v1/endpoints/{id}', tag: 'Endpoints', auth: 'read', summary: 'Get an outbound endpoint',
    description: 'One endpoint with its URL and live secrets (never their value).',
    ok: { status: 200, description: 'The endpoint.', schema: 'Endpoint' }, errors: [404] },
  { method: 'patch', path: '/v1/endpoints/{id}', tag: 'Endpoints', auth: 'admin', summary: 'Update an outbound endpoint',
    description: 'Changes the name or the URL of an endpoint; the secrets stay. Audited.',
    body: { schema: 'UpdateEndpointRequest', description: 'At least one of name, url.' }, ok: { status: 200, description: 'The updated endpoint.', schema: 'Endpoint' }, errors: [400, 404, 409] },
  { method: 'delete', path: '/v1/endpoints/{id}', tag: 'Endpoints', auth: 'admin', summary: 'Remove an outbound endpoint',
    description: "Removes the endpoint and its secrets: requests to its URL are signed with the workspace's default secret again.",
    ok: { status: 200, description: 'The endpoint is gone.', schema: 'EndpointDeleted' }, errors: [404] },
  { method: 'post', path: '/v1/endpoints/{id}/rotate', tag: 'Endpoints', auth: 'admin', summary: "Rotate an endpoint's secret",
    description: 'Adds a new secret (shown once). During the grace period (24 hours unless told otherwise) every request carries a signature with the new and with each older live secret, so the receiver can switch whenever it likes.',
    body: { schema: 'RotateEndpointRequest', required: false, description: 'Optional: the new secret and the grace period.' }, ok: { status: 200, description: 'The endpoint, with the new `secret` shown this once.', schema: 'EndpointWithSecret' }, errors: [400, 404] },
  { method: 'delete', path: '/v1/endpoints/{id}/secrets/{index}', tag: 'Endpoints', auth: 'admin', summary: 'Stop an old endpoint secret',
    description: 'Stops an older secret signing now instead of at the end of its grace period; the newest secret (index 0) stays.',
    ok: { status: 200, description: 'The endpoint.', schema: 'Endpoint' }, errors: [400, 404, 409] },
  { method: 'get', path: '/v1/endpoints/disabled', tag: 'Endpoints', auth: 'read', summary: 'List disabled endpoints',
    description: 'Outbound webhook endpoints Rapport stopped sending to after they answered 410 Gone, with when and why.',
    ok: { status: 200, description: '`{ "endpoints": [{ "url", "disabledAt", "reason" }] }`.' } },
  { method: 'delete', path: '/v1/endpoints/disabled', tag: 'Endpoints', auth: 'admin', query: endpointQuery, summary: 'Re-enable an endpoint',
    description: 'Removes an endpoint from the disabled list; later effects to it are sent again.',
    ok: { status: 200, description: 'The endpoint that was re-enabled.' }, errors: [400, 404] },

  { method: 'get', path: '/v1/settings/stages', tag: 'CRM', auth: 'read', summary: 'Get the stage model',
    description: 'The lifecycle stages journeys may use (set_stage, stage conditions and triggers), in order, with labels; the default model (selection … phased_out) with version null until one is saved.',
    ok: { status: 200, description: 'The stage model in force.', schema: 'StageModel' } },
  { method: 'put', path: '/v1/settings/stages', tag: 'CRM', auth: 'admin', summary: 'Save the stage model',
    description: 'Saves a new version of the stage model: at least 2 stages, ids lower_snake_case and unique. From then on validating and publishing a journey refuses stages outside the model (runs already live are not changed).',
    body: { schema: 'StageModelRequest', description: '`{ "stages": [{ "id", "label" }], "note"? }`.' }, ok: { status: 200, description: 'The saved model with its version.', schema: 'StageModel' }, errors: [400] },
  { method: 'get', path: '/v1/settings/stages/versions', tag: 'CRM', auth: 'read', summary: 'Stage model history',
    description: 'Every saved version of the stage model (at most the latest 50), newest first, each `{ version, stages, note, createdAt }`; empty while the default model is in force.',
    ok: { status: 200, description: '`{ "versions": [...] }`.' } },
  { method: 'get', path: '/v1/stages/overview', tag: 'CRM', auth: 'read', query: stageOverviewQuerySchema, queryHelp: { from: 'moves recorded at or after this time (ISO 8601 or epoch ms; default 30 days before to)', to: 'moves recorded before this time (default now)' }, summary: 'Stage overview',
    description: 'How many customers are in each stage now, and how many moved from which stage to which in [from, to) (from the stage change audit).',
    ok: { status: 200, description: 'Counts per stage and per move.', schema: 'StageOverview' }, errors: [400] },
  { method: 'get', path: '/v1/settings/clusters', tag: 'CRM', auth: 'read', summary: 'Get the value-cluster definition',
    description: 'The definition in force (`{ version, definition: { contribution, lifetimeValue, thresholds }, note, createdAt }`; all null before the first save) and `counts`: customers per cluster as stored now.',
    ok: { status: 200, description: 'The definition and the stored counts per cluster.' } },
  { method: 'get', path: '/v1/settings/clusters/versions', tag: 'CRM', auth: 'read', summary: 'Value-cluster definition history',
    description: 'Every saved version of the value-cluster definition (at most the latest 50), newest first, each `{ version, definition, note, createdAt }`.',
    ok: { status: 200, description: '`{ "versions": [...] }` (empty before the first save).' } },
  { method: 'put', path: '/v1/settings/clusters', tag: 'CRM', auth: 'admin', summary: 'Save the value-cluster definition',
    description: `Validates and saves a new version, answers with \`{ version, definition, note, createdAt, preview }\` (preview: customers per cluster under the new definition) and recomputes every customer in the background, in pages; each change is queued as a track event "${clusterChangedEvent}" with properties { from, to, contribution, lifetimeValue, definitionVersion }.`,
    body: { schema: 'ClusterSettingsRequest', description: 'Contribution and lifetime-value measures (trait, event_sum, event_count, formula), thresholds, and an optional note.' },
    ok: { status: 200, description: 'The saved version and its preview.' }, errors: [400] },
  { method: 'post', path: '/v1/settings/clusters/preview', tag: 'CRM', auth: 'admin', summary: 'Preview a value-cluster definition',
    description: 'How many customers each cluster would hold under this definition now; nothing is saved.',
    body: { schema: 'ClusterDefinition', description: 'A definition as PUT /v1/settings/clusters takes it (without note).' },
    ok: { status: 200, description: 'Customers per cluster.', schema: 'ClusterPreview' }, errors: [400] },

  { method: 'get', path: '/v1/segments', tag: 'Segments', auth: 'read', summary: 'List segments',
    description: 'Every segment of the workspace by name, with its definition, version, how many customers are in it now and whether every existing customer has been evaluated under the current version.',
    ok: { status: 200, description: 'The segments.', schema: 'SegmentList' } },
  { method: 'post', path: '/v1/segments', tag: 'Segments', auth: 'admin', summary: 'Create a segment',
    description: 'Validates and stores a segment (id derived from the name when absent; 409 if taken) and evaluates every existing customer in the background, in pages (`upToDate` turns true when done); each customer who qualifies enters, with a segment_entered event. From then on membership is maintained as events arrive and as windows expire. Audited.',
    body: { schema: 'SegmentRequest', description: '`{ "id"?, "name", "description"?, "definition": { "rule" } }`; stage values are checked against the stage model.' },
    ok: { status: 201, description: 'The new segment (members 0 until the backfill has run).', schema: 'Segment' }, errors: [400, 409] },
  { method: 'post', path: '/v1/segments/preview', tag: 'Segments', auth: 'admin', summary: 'Preview a segment definition',
    description: 'How many customers a definition would hold now, with up to 20 of them; nothing is saved.',
    body: { schema: 'SegmentPreviewRequest', description: '`{ "definition": { "rule" } }`.' }, ok: { status: 200, description: 'The count now.', schema: 'SegmentPreview' }, errors: [400] },
  { method: 'get', path: '/v1/segments/{id}', tag: 'Segments', auth: 'read', summary: 'Get a segment',
    description: 'One segment with its definition, version and member count.', ok: { status: 200, description: 'The segment.', schema: 'Segment' }, errors: [404] },
  { method: 'patch', path: '/v1/segments/{id}', tag: 'Segments', auth: 'admin', summary: 'Change a segment',
    description: 'Changes the name, description or definition. A changed definition is a new version and every existing customer is evaluated again in the background (who no longer qualifies leaves, with a segment_left event). Audited.',
    body: { schema: 'SegmentUpdate', description: 'At least one of name, description, definition.' }, ok: { status: 200, description: 'The segment after the change.', schema: 'Segment' }, errors: [400, 404] },
  { method: 'delete', path: '/v1/segments/{id}', tag: 'Segments', auth: 'admin', summary: 'Delete a segment',
    description: 'Deletes the segment, its memberships and its change history (members get no segment_left event). Refused with 409 segment_in_use while the version in force of a live or paused journey starts on it. Audited.',
    ok: { status: 200, description: 'The segment is gone.', schema: 'SegmentDeletion' }, errors: [404, 409] },
  { method: 'get', path: '/v1/segments/{id}/members', tag: 'Segments', auth: 'read', query: memberQuerySchema, queryHelp: { cursor: 'nextCursor from the previous page (the last customer id), unchanged' }, summary: 'List members',
    description: 'The customers in the segment now, by customer id, with when they entered and their stage and cluster; keyset pagination with nextCursor.',
    ok: { status: 200, description: 'One page of members.', schema: 'SegmentMembers' }, errors: [400, 404] },
  { method: 'get', path: '/v1/segments/{id}/counts', tag: 'Segments', auth: 'read', query: periodQuerySchema, queryHelp: { from: 'changes recorded at or after this time (ISO 8601 or epoch ms; default 30 days before to)', to: 'changes recorded before this time (default now)' }, summary: 'Segment counts',
    description: 'Members now, and the entries and exits recorded in [from, to), in all and per UTC day.',
    ok: { status: 200, description: 'The counts.', schema: 'SegmentCounts' }, errors: [400, 404] },

  { method: 'get', path: '/healthz', tag: 'Operations', auth: 'none', summary: 'Health check',
    description: 'Answers ok when the database answers; a 500 otherwise.',
    ok: { status: 200, description: 'The database answers.', schema: 'Health' }, errors: [500] },
  { method: 'get', path: '/metrics', tag: 'Operations', auth: 'none', summary: 'Prometheus metrics',
    description: 'Events ingested and processed, steps, runs started, effects by channel and status, timer lateness, in the Prometheus text format.',
    ok: { status: 200, description: 'Prometheus text format 0.0.4.', media: { type: 'text/plain', schema: { type: 'string' } } } },
  { method: 'get', path: '/openapi.json', tag: 'Reference', auth: 'none', summary: 'OpenAPI document',
    description: 'This document: OpenAPI 3.1, generated from the zod schemas the routes validate with.',
    ok: { status: 200, description: 'The OpenAPI document.', media: { type: 'application/json', schema: { type: 'object' } } } },
  { method: 'get', path: '/reference', tag: 'Reference', auth: 'none', summary: 'API reference',
    description: 'This reference as a self-contained HTML page, rendered from the OpenAPI document.',
    ok: { status: 200, description: 'An HTML page.', media: { type: 'text/html', schema: { type: 'string' } } } },
];

const security: Record<Auth, Record<string, string[]>[]> = { write: [{ writeKey: [] }], read: [{ readKey: [] }, { adminKey: [] }], admin: [{ adminKey: [] }], none: [] };

const parametersOf = (spec: OperationSpec): OpenApiParameter[] => {
  const path = [...spec.path.matchAll(/\{(\w+)\}/g)].map(([, name = '']): OpenApiParameter => {
    if (name === 'index') return { name, in: 'path', required: true, description: `the secret index as GET ${spec.path.replace(/\/secrets\/\{index\}$/, '')} lists it (0 is the newest)`, schema: asSchema(tidy(z.toJSONSchema(secretIndexSchema, { io: 'input' }), 'input')) };
    if (name === 'version') return { name, in: 'path', required: true, description: 'the version number (1, 2, 3, …)', schema: asSchema(tidy(z.toJSONSchema(versionParam, { io: 'input' }), 'input')) };
    if (name === 'token') return { name, in: 'path', required: true, description: 'the token of the unsubscribe link, as sent in List-Unsubscribe', schema: { type: 'string' } };
    if (name === 'customerId') return { name, in: 'path', required: true, description: idMeaning.Customers, schema: { type: 'string' } };
    return { name, in: 'path', required: true, description: name === 'sourceId' ? idMeaning.Webhooks : idMeaning[spec.tag], schema: { type: 'string' } };
  });
  if (!spec.query) return path;
  const query = asSchema(tidy(z.toJSONSchema(spec.query, { io: 'input' }), 'input'));
  const required = new Set(Array.isArray(query['required']) ? query['required'] : []);
  const queryParameters = Object.entries(asSchema(query['properties'])).map(([name, schema]): OpenApiParameter => ({ name, in: 'query', required: required.has(name), description: spec.queryHelp?.[name] ?? queryHelp[name] ?? '', schema: asSchema(schema) }));
  return [...path, ...queryParameters];
};

const operationOf = (spec: OperationSpec): OpenApiOperation => {
  const content = spec.ok.schema ? { 'application/json': { schema: schemaRef(spec.ok.schema) } } : spec.ok.media ? { [spec.ok.media.type]: { schema: spec.ok.media.schema } } : undefined;
  const success = [spec.ok, ...(spec.alsoOk ? [spec.alsoOk] : [])].map(({ status, description }): [string, OpenApiResponse] => [String(status), { description, ...(content ? { content } : {}) }]);
  const statuses = [...new Set([...(spec.errors ?? []), ...(spec.auth === 'none' ? [] : ([401, 403, 429, 500] as const))])].sort((a, b) => a - b);
  const bodySchemas = spec.body ? (Array.isArray(spec.body.schema) ? spec.body.schema : [spec.body.schema]) : [];
  return {
    operationId: spec.method + spec.path.replace(/[{}]/g, '').split(/[/_-]/).filter(Boolean).map((part) => part.charAt(0).toUpperCase() + part.slice(1)).join(''),
    tags: [spec.tag],
    summary: spec.summary,
    description: spec.description,
    security: security[spec.auth],
    parameters: parametersOf(spec),
    ...(spec.body
      ? { requestBody: { required: spec.body.required ?? true, description: spec.body.description, content: { 'application/json': { schema: bodySchemas.length === 1 ? schemaRef(bodySchemas[0] ?? '') : { oneOf: bodySchemas.map(schemaRef) } } } } }
      : {}),
    responses: { ...Object.fromEntries(success), ...Object.fromEntries(statuses.map((status) => [String(status), { $ref: `#/components/responses/${errorResponses[status][0]}` }])) },
  };
};

const buildDocument = (): OpenApiDocument => {
  const paths: OpenApiDocument['paths'] = {};
  for (const spec of operations) {
    const item = (paths[spec.path] ??= {});
    if (item[spec.method]) throw new Error(`${spec.method.toUpperCase()} ${spec.path} is described twice in server/openapi.ts`);
    item[spec.method] = operationOf(spec);
  }
  const errorContent = { 'application/json': { schema: schemaRef('Error') } };
  return {
    openapi: '3.1.0',
    info: {
      title: 'Rapport API',
      version: packageJson.version,
      description:
        'Rapport is a customer-journey engine for CRM teams: events arrive through a Segment-compatible ingest API, journeys are managed, published and inspected through the management API. ' +
        'Every error has one shape, { "error": { "code", "message", "details"? } }; times are epoch milliseconds.',
    },
    tags: Object.entries(tags).map(([name, description]) => ({ name, description })),
    paths,
    components: {
      schemas: componentSchemas(),
      responses: Object.fromEntries(Object.values(errorResponses).map(([name, description]) => [name, { description, content: errorContent }])),
      securitySchemes: {
        writeKey: { type: 'http', scheme: 'basic', description: 'The write key as the HTTP Basic user name with an empty password, as Segment libraries send it. Admin keys work too.' },
        readKey: { type: 'http', scheme: 'bearer', description: '`Authorization: Bearer <read key>`: may call every GET of the management API.' },
        adminKey: { type: 'http', scheme: 'bearer', description: '`Authorization: Bearer <admin key>`: may do everything.' },
      },
    },
  };
};

let document: OpenApiDocument | undefined;
/** The document, built on first use (it does not change while the process runs). */
export const openApiDocument = (): OpenApiDocument => (document ??= buildDocument());
