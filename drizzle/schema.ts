import { sql } from 'drizzle-orm';
import { bigint, bigserial, boolean, index, integer, jsonb, pgTable, primaryKey, real, text, uniqueIndex } from 'drizzle-orm/pg-core';
import type { CompiledJourney, JourneyGraphInput, JsonValue, RunState, Step, Timer } from '../workflows/index.js';
import type { SegmentDefinition } from '../workflows/segments.js';

/**
 * Rapport's storage. Times are epoch milliseconds (`bigint`, mode number) like everywhere in the
 * pure core. Every hot table carries `workspace_id` and `customer_id` in its key or first index so
 * it can later be partitioned by customer.
 */
const ms = (name: string) => bigint(name, { mode: 'number' });

export const workspaces = pgTable('workspaces', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  /**
   * The default Standard Webhooks secret ("whsec_…") for outbound calls to URLs of no registered
   * endpoint; generated at first start. Sealed like every stored secret (`v1.<key id>.…`); a value
   * in clear (written before encryption at rest) is sealed at the next start.
   */
  webhookSecret: text('webhook_secret'),
  createdAt: ms('created_at').notNull(),
});

export const apiKeys = pgTable(
  'api_keys',
  {
    id: text('id').primaryKey(),
    workspaceId: text('workspace_id').notNull().references(() => workspaces.id),
    scope: text('scope', { enum: ['admin', 'write', 'read'] }).notNull(),
    /** SHA-256 of the key; the key itself is shown once and never stored. */
    hash: text('hash').notNull(),
    /** First characters, to recognise a key in lists. */
    prefix: text('prefix').notNull(),
    name: text('name').notNull(),
    createdAt: ms('created_at').notNull(),
    lastUsedAt: ms('last_used_at'),
    revokedAt: ms('revoked_at'),
  },
  (t) => [uniqueIndex('api_keys_hash').on(t.hash)],
);

export const customers = pgTable(
  'customers',
  {
    workspaceId: text('workspace_id').notNull(),
    id: text('id').notNull(),
    traits: jsonb('traits').$type<Record<string, JsonValue>>().notNull().default({}),
    stage: text('stage'),
    cluster: text('cluster', { enum: ['star', 'question_mark', 'cash_cow', 'dog'] }),
    timezone: text('timezone'),
    consent: jsonb('consent').$type<Record<string, boolean>>().notNull().default({}),
    tags: jsonb('tags').$type<string[]>().notNull().default([]),
    createdAt: ms('created_at').notNull(),
    updatedAt: ms('updated_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.id] })],
);

/** Audit of lifecycle stage changes: when, from what, and why. */
export const stageChanges = pgTable(
  'stage_changes',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    workspaceId: text('workspace_id').notNull(),
    customerId: text('customer_id').notNull(),
    fromStage: text('from_stage'),
    toStage: text('to_stage').notNull(),
    cause: text('cause').notNull(),
    at: ms('at').notNull(),
  },
  (t) => [index('stage_changes_customer').on(t.workspaceId, t.customerId, t.at)],
);

/** Append-only inbound events, in arrival order per customer (`seq`). */
export const events = pgTable(
  'events',
  {
    seq: bigserial('seq', { mode: 'number' }).primaryKey(),
    workspaceId: text('workspace_id').notNull(),
    customerId: text('customer_id').notNull(),
    messageId: text('message_id').notNull(),
    /** identify | track | stage | enrol | webhook | segment_entered | segment_left | date_reached */
    type: text('type').notNull(),
    name: text('name'),
    /** The call as accepted (properties, traits, context, …). */
    payload: jsonb('payload').$type<Record<string, JsonValue>>().notNull(),
    /** The event's own time (Segment `timestamp`, else receipt). */
    at: ms('at').notNull(),
    receivedAt: ms('received_at').notNull(),
    processedAt: ms('processed_at'),
    /** Why the event could not be applied (it is then kept, processed, with this reason). */
    error: text('error'),
  },
  (t) => [
    uniqueIndex('events_message_id').on(t.workspaceId, t.messageId),
    index('events_customer').on(t.workspaceId, t.customerId, t.seq),
    index('events_pending').on(t.seq).where(sql`processed_at is null`),
  ],
);

export const journeys = pgTable(
  'journeys',
  {
    workspaceId: text('workspace_id').notNull(),
    id: text('id').notNull(),
    name: text('name').notNull(),
    status: text('status', { enum: ['draft', 'live', 'paused', 'archived'] }).notNull(),
    draft: jsonb('draft').$type<JourneyGraphInput>().notNull(),
    liveVersion: integer('live_version'),
    createdAt: ms('created_at').notNull(),
    updatedAt: ms('updated_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.id] })],
);

/** Immutable published versions. */
export const journeyVersions = pgTable(
  'journey_versions',
  {
    workspaceId: text('workspace_id').notNull(),
    journeyId: text('journey_id').notNull(),
    version: integer('version').notNull(),
    graph: jsonb('graph').$type<JourneyGraphInput>().notNull(),
    compiled: jsonb('compiled').$type<CompiledJourney>().notNull(),
    compilerVersion: text('compiler_version').notNull(),
    note: text('note').notNull(),
    publishedAt: ms('published_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.journeyId, t.version] })],
);

export const runs = pgTable(
  'runs',
  {
    id: text('id').primaryKey(),
    workspaceId: text('workspace_id').notNull(),
    customerId: text('customer_id').notNull(),
    journeyId: text('journey_id').notNull(),
    version: integer('version').notNull(),
    status: text('status', { enum: ['active', 'done'] }).notNull(),
    outcome: text('outcome', { enum: ['converted', 'exited'] }),
    reason: text('reason'),
    currentNode: text('current_node').notNull(),
    /** The stepper's RunState (snapshot, pending timers, seq) as plain JSON. */
    state: jsonb('state').$type<RunState>().notNull(),
    enteredAt: ms('entered_at').notNull(),
    endedAt: ms('ended_at'),
  },
  (t) => [
    index('runs_customer').on(t.workspaceId, t.customerId, t.status),
    index('runs_journey').on(t.workspaceId, t.journeyId, t.status),
  ],
);

/** Append-only trace: one row per step, the simulator's `Step` verbatim. */
export const runSteps = pgTable(
  'run_steps',
  {
    runId: text('run_id').notNull(),
    seq: integer('seq').notNull(),
    workspaceId: text('workspace_id').notNull(),
    customerId: text('customer_id').notNull(),
    at: ms('at').notNull(),
    stateBefore: text('state_before'),
    stateAfter: text('state_after').notNull(),
    step: jsonb('step').$type<Step>().notNull(),
  },
  (t) => [primaryKey({ columns: [t.runId, t.seq] }), index('run_steps_customer').on(t.workspaceId, t.customerId, t.at)],
);

export const timers = pgTable(
  'timers',
  {
    runId: text('run_id').notNull(),
    timerId: text('timer_id').notNull(),
    workspaceId: text('workspace_id').notNull(),
    customerId: text('customer_id').notNull(),
    dueAt: ms('due_at').notNull(),
    event: jsonb('event').$type<Timer['event']>().notNull(),
  },
  (t) => [primaryKey({ columns: [t.runId, t.timerId] }), index('timers_due').on(t.dueAt)],
);

/** The outbox: one row per effect, performed by the dispatcher. */
export const effects = pgTable(
  'effects',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    workspaceId: text('workspace_id').notNull(),
    customerId: text('customer_id').notNull(),
    runId: text('run_id').notNull(),
    stepSeq: integer('step_seq').notNull(),
    actionIndex: integer('action_index').notNull(),
    nodeId: text('node_id').notNull(),
    idempotencyKey: text('idempotency_key').notNull(),
    channel: text('channel').notNull(),
    payload: jsonb('payload').$type<Record<string, JsonValue>>().notNull(),
    cost: real('cost'),
    status: text('status', { enum: ['pending', 'sent', 'failed', 'skipped'] }).notNull(),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: ms('next_attempt_at').notNull(),
    lastError: text('last_error'),
    result: jsonb('result').$type<Record<string, JsonValue>>(),
    createdAt: ms('created_at').notNull(),
    sentAt: ms('sent_at'),
  },
  (t) => [
    uniqueIndex('effects_idempotency').on(t.idempotencyKey),
    index('effects_due').on(t.nextAttemptAt).where(sql`status = 'pending'`),
    index('effects_run').on(t.runId),
    // The contact strategy counts a customer's marketing messages sent in a period (frequency cap, budget).
    index('effects_sent').on(t.workspaceId, t.customerId, t.sentAt).where(sql`status = 'sent'`),
  ],
);

/**
 * When each date-relative trigger next fires for a customer (one row per customer, journey and
 * trigger node). Recomputed whenever the customer is processed; due rows become `date_reached` events.
 */
export const dateSchedules = pgTable(
  'date_schedules',
  {
    workspaceId: text('workspace_id').notNull(),
    customerId: text('customer_id').notNull(),
    journeyId: text('journey_id').notNull(),
    nodeId: text('node_id').notNull(),
    trait: text('trait').notNull(),
    dueAt: ms('due_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.customerId, t.journeyId, t.nodeId] }), index('date_schedules_due').on(t.dueAt)],
);

/** Tasks created by journeys for people or teams. */
export const tasks = pgTable(
  'tasks',
  {
    id: text('id').primaryKey(),
    workspaceId: text('workspace_id').notNull(),
    customerId: text('customer_id').notNull(),
    runId: text('run_id').notNull(),
    assigneeType: text('assignee_type').notNull(),
    assigneeId: text('assignee_id').notNull(),
    title: text('title').notNull(),
    description: text('description'),
    /** The lines the person follows: the contact strategy's script `scriptName` for the customer's cluster, else the step's own lines. */
    script: jsonb('script').$type<string[]>().notNull(),
    /** The strategy script the step asked for by name (null: the step has only its own lines). */
    scriptName: text('script_name'),
    /** Whose rules the lines came from (a cluster, or `default`); null when they are the step's own lines. */
    scriptCluster: text('script_cluster'),
    dueAt: ms('due_at').notNull(),
    done: boolean('done').notNull().default(false),
    createdAt: ms('created_at').notNull(),
  },
  (t) => [index('tasks_assignee').on(t.workspaceId, t.assigneeType, t.assigneeId)],
);

/** The development mailbox: messages "sent" when no provider is configured (email, SMS, chat). */
export const mailbox = pgTable(
  'mailbox',
  {
    id: text('id').primaryKey(),
    workspaceId: text('workspace_id').notNull(),
    channel: text('channel').notNull(),
    recipient: text('recipient'),
    subject: text('subject'),
    body: text('body').notNull(),
    idempotencyKey: text('idempotency_key').notNull(),
    sentAt: ms('sent_at').notNull(),
  },
  (t) => [uniqueIndex('mailbox_idempotency').on(t.idempotencyKey)],
);


/** Settings of the plain shared-secret HMAC scheme (`hmac_sha256`): where the signature is and how it is written. */
export interface HmacSchemeSettings {
  /** Request header carrying the signature, e.g. "x-hub-signature-256" (matched case-insensitively). */
  header: string;
  encoding: 'hex' | 'base64';
  /** Text before the signature in the header, e.g. "sha256=" (GitHub); "" for none. */
  prefix: string;
  /** Request header with the provider's delivery id (deduplication); without it the body's SHA-256 is the id. */
  idHeader: string | null;
}

/** How a delivery's JSON becomes an event: each a JSON path ("$.customer.id"), a Liquid template, or (event only) a constant name. */
export interface WebhookMapping {
  customerId: string;
  event: string;
  /** A JSON path to an object; absent means the whole payload. */
  properties?: string;
}

/**
 * A signing secret as stored (sources and outbound endpoints): `sealed` with AES-256-GCM under
 * RAPPORT_SECRET_KEY (server/secret-box.ts). Rows written before secrets were encrypted hold the
 * secret in clear (`secret`); they are read as they are and sealed at the next start
 * (server/runtime/stored-secrets.ts). Shown once, when created.
 */
export type StoredSecret = ({ sealed: string } | { secret: string }) & {
  createdAt: number;
  /** After a rotation, older secrets stay valid until this time (null: no end, the newest secret). */
  expiresAt: number | null;
};

/** Inbound webhook sources: a provider (shop, billing, forms) that posts signed deliveries to `/v1/hooks/:id`. */
export const webhookSources = pgTable(
  'webhook_sources',
  {
    /** Globally unique: the hook URL carries only this id. */
    id: text('id').primaryKey(),
    workspaceId: text('workspace_id').notNull(),
    name: text('name').notNull(),
    scheme: text('scheme', { enum: ['standard', 'hmac_sha256'] }).notNull(),
    hmac: jsonb('hmac').$type<HmacSchemeSettings>(),
    /** Newest first. */
    secrets: jsonb('secrets').$type<StoredSecret[]>().notNull(),
    mapping: jsonb('mapping').$type<WebhookMapping>().notNull(),
    createdAt: ms('created_at').notNull(),
    updatedAt: ms('updated_at').notNull(),
    disabledAt: ms('disabled_at'),
  },
  (t) => [index('webhook_sources_workspace').on(t.workspaceId, t.createdAt)],
);

/** Every request to a source's hook URL with its verdict: what came in and why it was accepted or rejected. */
export const webhookDeliveries = pgTable(
  'webhook_deliveries',
  {
    /** Arrival order. */
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    workspaceId: text('workspace_id').notNull(),
    sourceId: text('source_id').notNull(),
    /** The sender's delivery id (`webhook-id`, or the scheme's id header / body hash); null when the request had none. */
    webhookId: text('webhook_id'),
    receivedAt: ms('received_at').notNull(),
    /** Request headers without secret-bearing ones (signatures and credentials are redacted). */
    headers: jsonb('headers').$type<Record<string, string>>().notNull(),
    /** The raw body as text, cut at 64 KB (`bodyTruncated`). */
    body: text('body').notNull(),
    bodyTruncated: boolean('body_truncated').notNull().default(false),
    verdict: text('verdict', { enum: ['accepted', 'rejected', 'duplicate'] }).notNull(),
    /** The HTTP status the sender got. */
    status: integer('status').notNull(),
    reason: text('reason'),
    /** The event the mapping produced (accepted and duplicate deliveries). */
    event: jsonb('event').$type<{ customerId: string; name: string; properties: Record<string, JsonValue> }>(),
    /** The `events` row's message id: `hook:<sourceId>:<webhookId>`. */
    messageId: text('message_id'),
  },
  (t) => [index('webhook_deliveries_source').on(t.sourceId, t.id)],
);

/** One row per delivery attempt of an effect (the dispatcher's log), shown on the run. */
export const effectAttempts = pgTable(
  'effect_attempts',
  {
    effectId: bigint('effect_id', { mode: 'number' }).notNull(),
    attempt: integer('attempt').notNull(),
    workspaceId: text('workspace_id').notNull(),
    customerId: text('customer_id').notNull(),
    at: ms('at').notNull(),
    durationMs: integer('duration_ms').notNull(),
    outcome: text('outcome', { enum: ['sent', 'skipped', 'retry', 'failed'] }).notNull(),
    /** The HTTP status the provider answered (HTTP channels), else null. */
    statusCode: integer('status_code'),
    error: text('error'),
    /** The start of the provider's answer (2 KB). */
    response: text('response'),
  },
  (t) => [primaryKey({ columns: [t.effectId, t.attempt] })],
);

/**
 * Outbound webhook endpoints: a receiver registered with its URL (scheme, host, port and path
 * prefix), signing requests to it with its own Standard Webhooks secret instead of the workspace's
 * default one.
 */
export const webhookEndpoints = pgTable(
  'webhook_endpoints',
  {
    id: text('id').primaryKey(),
    workspaceId: text('workspace_id').notNull(),
    name: text('name').notNull(),
    /** Normalised, without query or fragment: requests whose URL starts with it (at a "/") are signed with its secrets. */
    url: text('url').notNull(),
    /** Newest first; during a rotation's grace period every live secret signs. */
    secrets: jsonb('secrets').$type<StoredSecret[]>().notNull(),
    createdAt: ms('created_at').notNull(),
    updatedAt: ms('updated_at').notNull(),
  },
  (t) => [uniqueIndex('webhook_endpoints_url').on(t.workspaceId, t.url)],
);

/** Outbound URLs that answered 410 Gone: effects to them fail at once until re-enabled. */
export const disabledEndpoints = pgTable(
  'disabled_endpoints',
  {
    workspaceId: text('workspace_id').notNull(),
    /** The URL as called, without its fragment. */
    url: text('url').notNull(),
    disabledAt: ms('disabled_at').notNull(),
    reason: text('reason').notNull(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.url] })],
);

/** Who changed what: keys, sources, journeys, endpoints, settings. Details never hold secrets. */
export const auditLog = pgTable(
  'audit_log',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    workspaceId: text('workspace_id').notNull(),
    at: ms('at').notNull(),
    /** The API key that made the change; null for the system (CLI, first start, the dispatcher). */
    actorKeyId: text('actor_key_id'),
    /** e.g. "key.create", "source.rotate", "journey.publish", "endpoint.enable". */
    action: text('action').notNull(),
    targetType: text('target_type').notNull(),
    targetId: text('target_id').notNull(),
    details: jsonb('details').$type<Record<string, JsonValue>>().notNull().default({}),
  },
  (t) => [index('audit_log_workspace').on(t.workspaceId, t.id)],
);

/**
 * Versioned workspace settings as validated JSON: the lifecycle stage model, value-cluster
 * definitions, the contact strategy. Each save is a new version; the latest one is in force.
 */
export const workspaceSettings = pgTable(
  'workspace_settings',
  {
    workspaceId: text('workspace_id').notNull(),
    /** "stages" | "clusters" | "contact_strategy" */
    key: text('key').notNull(),
    version: integer('version').notNull(),
    value: jsonb('value').$type<Record<string, JsonValue>>().notNull(),
    note: text('note'),
    createdAt: ms('created_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.key, t.version] })],
);

/**
 * Customers deleted for privacy: only a hash of their id is kept, so re-ingestion of that id is
 * refused until the suppression is lifted. No personal data.
 */
export const customerSuppressions = pgTable(
  'customer_suppressions',
  {
    workspaceId: text('workspace_id').notNull(),
    customerHash: text('customer_hash').notNull(),
    reason: text('reason').notNull(),
    at: ms('at').notNull(),
    liftedAt: ms('lifted_at'),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.customerHash] })],
);

/** Dynamic segments: a rule over customers and their recent events (see workflows/segments.ts). */
export const segments = pgTable(
  'segments',
  {
    workspaceId: text('workspace_id').notNull(),
    id: text('id').notNull(),
    name: text('name').notNull(),
    description: text('description'),
    definition: jsonb('definition').$type<SegmentDefinition>().notNull(),
    /** 1 at creation, +1 with every change of the definition (a backfill of an older version stops). */
    version: integer('version').notNull(),
    /** The version every existing customer has been evaluated under (null until the first backfill finishes). */
    evaluatedVersion: integer('evaluated_version'),
    createdAt: ms('created_at').notNull(),
    updatedAt: ms('updated_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.id] })],
);

/** Who is in each segment now; maintained incrementally by the worker and by due re-evaluations. */
export const segmentMembers = pgTable(
  'segment_members',
  {
    workspaceId: text('workspace_id').notNull(),
    segmentId: text('segment_id').notNull(),
    customerId: text('customer_id').notNull(),
    enteredAt: ms('entered_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.segmentId, t.customerId] }), index('segment_members_customer').on(t.workspaceId, t.customerId)],
);

/** Every entry into and exit from a segment, with its cause, for analytics (append-only). */
export const segmentChanges = pgTable(
  'segment_changes',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    workspaceId: text('workspace_id').notNull(),
    segmentId: text('segment_id').notNull(),
    customerId: text('customer_id').notNull(),
    change: text('change', { enum: ['entered', 'left'] }).notNull(),
    /** event: the customer's data changed; time: a window expired; definition: the segment was created or changed. */
    cause: text('cause', { enum: ['event', 'time', 'definition'] }).notNull(),
    at: ms('at').notNull(),
  },
  (t) => [index('segment_changes_segment').on(t.workspaceId, t.segmentId, t.at), index('segment_changes_customer').on(t.workspaceId, t.customerId)],
);

/**
 * When a customer's segment membership or value cluster must be looked at again because time alone
 * changes it (an event leaves a window, a relative date passes): one row per customer and subject,
 * claimed when due with SKIP LOCKED.
 */
export const reevaluations = pgTable(
  'reevaluations',
  {
    workspaceId: text('workspace_id').notNull(),
    customerId: text('customer_id').notNull(),
    subject: text('subject', { enum: ['segments', 'clusters'] }).notNull(),
    dueAt: ms('due_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.customerId, t.subject] }), index('reevaluations_due').on(t.dueAt)],
);
