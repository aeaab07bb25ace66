import { z } from 'zod';
import { sql } from 'drizzle-orm';
import { queryRows, type Database, type Executor } from '../../drizzle/db.js';
import { isValidTimeZone, jsonValueSchema, type JsonValue } from '../../workflows/index.js';
import { eventRow, type NewEventRow } from './event-rows.js';
import { recordset } from './batch-statements.js';
import { suppressedIds } from './privacy.js';

/**
 * Segment HTTP Tracking API → event rows. The schemas accept what Segment and RudderStack
 * libraries send (extra fields such as `_metadata`, `channel` or `writeKey` are dropped, `null`
 * means "not given"); the mapping is pure, and `storeEvents` commits a request's rows at once.
 */
export const segmentCalls = ['identify', 'track', 'page', 'screen', 'group', 'alias'] as const;
export type SegmentCallType = (typeof segmentCalls)[number];
export const maxBatchCalls = 2_500;
const maxIdLength = 200;

type JsonObject = Record<string, JsonValue>;
/** Properties, traits, context: an object, or null / absent for none. */
const jsonObject = z.record(z.string(), jsonValueSchema).nullish();

/** Ids may be strings or numbers (as in Segment); numbers become strings. */
const idField = (field: string) =>
  z
    .union([z.string(), z.number()], { error: `${field} must be a string or a number` })
    .transform(String)
    .pipe(z.string().max(maxIdLength, `${field} is at most ${maxIdLength} characters`));

const isoTime = (field: string) =>
  z.iso.datetime({ offset: true, local: true, error: `${field} must be an ISO 8601 date-time such as "2026-01-05T09:00:00.000Z"` });

const common = {
  userId: idField('userId').nullish(),
  anonymousId: idField('anonymousId').nullish(),
  timestamp: isoTime('timestamp').nullish(),
  sentAt: isoTime('sentAt').nullish(),
  messageId: z.string().min(1, 'messageId must not be empty; leave it out to have one generated').max(maxIdLength, `messageId is at most ${maxIdLength} characters`).nullish(),
  context: jsonObject,
};

const eventName = z
  .string({
    error: (issue) =>
      issue.input === undefined || issue.input === null
        ? 'event is required on track calls: the name of the action, e.g. "Order Completed"'
        : `event must be a string (got ${Array.isArray(issue.input) ? 'an array' : typeof issue.input}): the name of the action, e.g. "Order Completed"`,
  })
  .min(1, 'event must not be empty; name the action, e.g. "Order Completed"')
  .max(200, 'event is at most 200 characters');

/** `userId ?? anonymousId`, where an empty string counts as absent. */
const customerIdOf = (call: { userId?: string | null | undefined; anonymousId?: string | null | undefined }): string | null =>
  call.userId || call.anonymousId || null;

const identified = { error: 'userId or anonymousId is required: who did this?', path: ['userId'] };
const viewed = { name: z.string().max(200, 'name is at most 200 characters').nullish(), category: z.string().max(200).nullish(), properties: jsonObject };

export const segmentCallSchema = z.discriminatedUnion(
  'type',
  [
    z.object({ type: z.literal('identify'), ...common, traits: jsonObject }).refine((c) => customerIdOf(c) !== null, identified),
    z.object({ type: z.literal('track'), ...common, event: eventName, properties: jsonObject }).refine((c) => customerIdOf(c) !== null, identified),
    z.object({ type: z.literal('page'), ...common, ...viewed }).refine((c) => customerIdOf(c) !== null, identified),
    z.object({ type: z.literal('screen'), ...common, ...viewed }).refine((c) => customerIdOf(c) !== null, identified),
    z.object({ type: z.literal('group'), ...common, groupId: idField('groupId'), traits: jsonObject }).refine((c) => customerIdOf(c) !== null, identified),
    z.object({ type: z.literal('alias'), ...common, previousId: idField('previousId') }).refine((c) => customerIdOf(c) !== null, identified),
  ],
  { error: (issue) => (issue.code === 'invalid_union' ? `type must be one of ${segmentCalls.join(', ')}` : undefined) },
);
export type SegmentCall = z.infer<typeof segmentCallSchema>;

export const segmentBatchSchema = z.object({
  batch: z
    .array(segmentCallSchema, { error: 'batch must be an array of calls' })
    .max(maxBatchCalls, `a batch holds at most ${maxBatchCalls} calls; split it`),
  /** Merged under each call's own context. */
  context: jsonObject,
});

export interface SegmentRequest {
  calls: SegmentCall[];
  context: JsonObject | null;
}

/** Validates a body for `/v1/batch` or a single-call endpoint (whose `type` comes from the path). */
export const parseSegmentRequest = (endpoint: SegmentCallType | 'batch', body: Record<string, unknown>) => {
  if (endpoint === 'batch') {
    const parsed = segmentBatchSchema.safeParse(body);
    return parsed.success ? { success: true as const, data: { calls: parsed.data.batch, context: parsed.data.context ?? null } } : parsed;
  }
  const parsed = segmentCallSchema.safeParse({ ...body, type: endpoint });
  return parsed.success ? { success: true as const, data: { calls: [parsed.data], context: null } } : parsed;
};

/** Epoch ms of a validated ISO date-time; one without an offset is read as UTC, not as server time. */
export const instantOf = (iso: string): number => Date.parse(/(Z|[+-]\d{2}:\d{2})$/i.test(iso) ? iso : `${iso}Z`);

export interface IngestScope {
  workspaceId: string;
  receivedAt: number;
  /** Message id for calls that bring none (a UUID in production). */
  newMessageId: () => string;
}

const viewedProperties = (call: { name?: string | null | undefined; category?: string | null | undefined; properties?: JsonObject | null | undefined }): JsonObject => ({
  ...(call.category != null ? { category: call.category } : {}),
  ...(call.name != null ? { name: call.name } : {}),
  ...(call.properties ?? {}),
});

/** One event row for one Segment call: page/screen become "Page Viewed"/"Screen Viewed" tracks, group/alias are stored as `ignored`. */
export const eventRowFromCall = (call: SegmentCall, batchContext: JsonObject | null, scope: IngestScope): NewEventRow => {
  const fields = {
    workspaceId: scope.workspaceId,
    customerId: customerIdOf(call) ?? '',
    messageId: call.messageId ?? scope.newMessageId(),
    at: call.timestamp ? instantOf(call.timestamp) : scope.receivedAt,
    receivedAt: scope.receivedAt,
  };
  const context: JsonObject = { ...(batchContext ?? {}), ...(call.context ?? {}) };
  const withContext = Object.keys(context).length > 0 ? { context } : {};
  switch (call.type) {
    case 'identify': {
      const timezone = context['timezone'];
      const knownZone = typeof timezone === 'string' && isValidTimeZone(timezone) ? { timezone } : {};
      return eventRow('identify', fields, { traits: call.traits ?? {}, ...knownZone, ...withContext });
    }
    case 'track':
      return eventRow('track', { ...fields, name: call.event }, { properties: call.properties ?? {}, ...withContext });
    case 'page':
      return eventRow('track', { ...fields, name: 'Page Viewed' }, { properties: viewedProperties(call), ...withContext });
    case 'screen':
      return eventRow('track', { ...fields, name: 'Screen Viewed' }, { properties: viewedProperties(call), ...withContext });
    case 'group':
      return eventRow('ignored', fields, { call: 'group', groupId: call.groupId, traits: call.traits ?? {}, ...withContext });
    case 'alias':
      return eventRow('ignored', fields, { call: 'alias', previousId: call.previousId, ...withContext });
  }
};

export const eventRowsFromRequest = (request: SegmentRequest, scope: IngestScope): NewEventRow[] =>
  request.calls.map((call) => eventRowFromCall(call, request.context, scope));

/** A retryable conflict: a customer of the request was deleted while it was being stored (Segment libraries retry). */
export class SuppressedDuringIngest extends Error {}

/** Of the customers named, those suppressed (deleted for privacy), as `JSON.stringify([workspaceId, customerId])`. */
const suppressedKeys = async (db: Executor, named: readonly { workspaceId: string; customerId: string }[]): Promise<Set<string>> => {
  const byWorkspace = new Map<string, string[]>();
  for (const { workspaceId, customerId } of named) byWorkspace.set(workspaceId, [...(byWorkspace.get(workspaceId) ?? []), customerId]);
  const suppressed = new Set<string>();
  for (const [workspaceId, ids] of byWorkspace) {
    for (const id of await suppressedIds(db, workspaceId, ids)) suppressed.add(JSON.stringify([workspaceId, id]));
  }
  return suppressed;
};

/**
 * Commits rows in one transaction: creates missing customers (traits come later, from the worker
 * applying identify events), then appends the events, skipping message ids already stored (also
 * repeats within `rows`, first wins). Calls for customers deleted for privacy (suppressed ids) are
 * dropped: nothing is stored for them. Returns how many events are new.
 */
export const storeEvents = async (db: Database, allRows: readonly NewEventRow[]): Promise<number> => {
  const suppressed = await suppressedKeys(db, allRows);
  const rows = suppressed.size === 0 ? allRows : allRows.filter((row) => !suppressed.has(JSON.stringify([row.workspaceId, row.customerId])));
  const byMessage = new Map<string, NewEventRow>();
  for (const row of rows) {
    const key = JSON.stringify([row.workspaceId, row.messageId]);
    if (!byMessage.has(key)) byMessage.set(key, row);
  }
  if (byMessage.size === 0) return 0;
  const newCustomers = new Map<string, { workspaceId: string; id: string; createdAt: number }>();
  for (const row of byMessage.values()) {
    const key = JSON.stringify([row.workspaceId, row.customerId]);
    if (!newCustomers.has(key)) newCustomers.set(key, { workspaceId: row.workspaceId, id: row.customerId, createdAt: row.receivedAt });
  }
  // A fixed order of customer inserts (`order by` in the statement) keeps concurrent requests for the same new customers from deadlocking.
  const customerRows = [...newCustomers.values()];
  return db.transaction(async (tx) => {
    await tx.execute(sql`
      insert into customers (workspace_id, id, created_at, updated_at)
      select workspace_id, id, created_at, created_at
      from ${recordset(customerRows.map((c) => ({ workspace_id: c.workspaceId, id: c.id, created_at: c.createdAt })), 'x', 'workspace_id text, id text, created_at bigint')}
      order by workspace_id, id
      on conflict (workspace_id, id) do nothing`);
    // Arrival order is kept: `seq` is the per-customer order the worker applies events in.
    const stored = await queryRows<{ seq: number }>(
      tx,
      sql`insert into events (workspace_id, customer_id, message_id, type, name, payload, at, received_at, processed_at)
        select workspace_id, customer_id, message_id, type, name, payload, at, received_at, processed_at
        from ${recordset(
          [...byMessage.values()].map((e, ord) => ({
            ord,
            workspace_id: e.workspaceId,
            customer_id: e.customerId,
            message_id: e.messageId,
            type: e.type,
            name: e.name,
            payload: e.payload,
            at: e.at,
            received_at: e.receivedAt,
            processed_at: e.processedAt,
          })),
          'x',
          'ord integer, workspace_id text, customer_id text, message_id text, type text, name text, payload jsonb, at bigint, received_at bigint, processed_at bigint',
        )}
        order by ord
        on conflict (workspace_id, message_id) do nothing
        returning seq`,
    );
    const inserted = stored.length;
    // A deletion that committed while this request waited on a customer row it had locked: roll back
    // (the caller answers 503 and the sender retries; the retry finds the id suppressed).
    if ((await suppressedKeys(tx, customerRows.map((c) => ({ workspaceId: c.workspaceId, customerId: c.id })))).size > 0) {
      throw new SuppressedDuringIngest('a customer of this request was deleted while it was being stored');
    }
    return inserted;
  });
};
