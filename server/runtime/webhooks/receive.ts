import { and, eq } from 'drizzle-orm';
import type { Executor } from '../../../drizzle/db.js';
import { events, webhookDeliveries, webhookSources } from '../../../drizzle/schema.js';
import type { JsonValue } from '../../../workflows/index.js';
import { ApiError, notFound } from '../../errors.js';
import type { Services } from '../../services.js';
import { appendEvent } from '../customers.js';
import { suppressedIds } from '../privacy.js';
import { eventRow } from '../event-rows.js';
import { openSecrets, secretContext } from '../secret-list.js';
import { applyMapping, type MappedEvent } from './mapping.js';
import { verifyDelivery } from './signatures.js';

/**
 * `POST /v1/hooks/:sourceId`: the signature is the authentication. Every request to a known source is
 * stored as a delivery with its verdict:
 * - bad or missing signature, stale timestamp → 401 `rejected`, nothing processed;
 * - a delivery this source received before (same `webhook-id`; for schemes that sign only the body,
 *   the same body) → 200 `duplicate`, nothing processed;
 * - a body that is not JSON → 400, a mapping that finds no customer id (or name) → 422, `rejected`;
 * - otherwise the delivery and an `events` row of type `webhook` (message id
 *   `hook:<sourceId>:<replay key>`, customer created if new) are committed in one transaction → 202.
 */
export const storedBodyLimit = 64 * 1024;
const redacted = '[redacted]';
const secretHeaders = /^(authorization|proxy-authorization|cookie|set-cookie)$|secret|token|password|api[-_]?key|signature|hmac|auth/i;

type SourceRow = typeof webhookSources.$inferSelect;
type Verdict = (typeof webhookDeliveries.$inferInsert)['verdict'];

export interface IncomingDelivery {
  headers: Headers;
  /** The raw body, or null when it was larger than the limit (then not read). */
  body: Buffer | null;
  maxBodyBytes: number;
}

export interface ReceivedDelivery {
  status: 200 | 202;
  response: { accepted: true; duplicate: boolean; deliveryId: number; messageId: string };
}

/** The source a hook URL names (any workspace: source ids are global). 404 unknown, 410 disabled. */
export const findHookSource = async (db: Executor, sourceId: string): Promise<SourceRow> => {
  const [row] = await db.select().from(webhookSources).where(eq(webhookSources.id, sourceId)).limit(1);
  if (!row) throw notFound(`webhook source "${sourceId}"`);
  if (row.disabledAt !== null) throw new ApiError(410, 'source_disabled', `webhook source "${sourceId}" is disabled; stop sending to it or create a new source`);
  return row;
};

/** Request headers as stored and as templates see them: lower-case, credentials and signatures redacted. */
export const deliveryHeaders = (headers: Headers, source: Pick<SourceRow, 'hmac'>): Record<string, string> => {
  const kept: Record<string, string> = {};
  headers.forEach((value, name) => {
    const secret = secretHeaders.test(name) || name === source.hmac?.header;
    kept[name] = secret ? redacted : value.slice(0, 1_000);
  });
  return kept;
};

export const receiveDelivery = async (services: Services, source: SourceRow, incoming: IncomingDelivery): Promise<ReceivedDelivery> => {
  const { db, now: clock, metrics } = services;
  const now = clock();
  const headers = deliveryHeaders(incoming.headers, source);
  const body = incoming.body ?? Buffer.alloc(0);
  const base = {
    workspaceId: source.workspaceId,
    sourceId: source.id,
    receivedAt: now,
    headers,
    body: body.subarray(0, storedBodyLimit).toString('utf8'),
    bodyTruncated: body.length > storedBodyLimit,
  };
  const store = async (executor: Executor, verdict: Verdict, status: number, fields: { webhookId?: string | null; reason?: string; event?: MappedEvent; messageId?: string }) => {
    const [row] = await executor
      .insert(webhookDeliveries)
      .values({ ...base, verdict, status, webhookId: fields.webhookId ?? null, reason: fields.reason ?? null, event: fields.event ?? null, messageId: fields.messageId ?? null })
      .returning({ id: webhookDeliveries.id });
    metrics.inc('rapport_webhook_deliveries_total', { verdict });
    return row?.id ?? 0;
  };
  const reject = async (status: 400 | 401 | 413 | 422, code: string, reason: string, webhookId: string | null = null): Promise<never> => {
    await store(db, 'rejected', status, { webhookId, reason });
    throw new ApiError(status, code, reason);
  };

  if (incoming.body === null) return reject(413, 'body_too_large', `the body is larger than ${incoming.maxBodyBytes} bytes`);
  const secrets = openSecrets(services.secrets, secretContext.source(source.id), source.secrets, now);
  const verification = verifyDelivery({ scheme: source.scheme, hmac: source.hmac, secrets }, incoming.headers, body, now);
  if (!verification.ok) return reject(401, 'invalid_signature', verification.reason);
  const { webhookId } = verification;
  const messageId = `hook:${source.id}:${verification.replayKey}`;
  const seenBefore = source.scheme === 'standard' ? 'this webhook-id was delivered before; nothing was processed' : 'this body was delivered before (the scheme signs only the body, so a repeat is a replay); nothing was processed';

  const [seen] = await db.select({ seq: events.seq }).from(events).where(and(eq(events.workspaceId, source.workspaceId), eq(events.messageId, messageId))).limit(1);
  if (seen) {
    const deliveryId = await store(db, 'duplicate', 200, { webhookId, reason: seenBefore, messageId });
    return { status: 200, response: { accepted: true, duplicate: true, deliveryId, messageId } };
  }

  let payload: JsonValue;
  try {
    payload = JSON.parse(body.toString('utf8')) as JsonValue;
  } catch (error) {
    return reject(400, 'invalid_payload', `the body is not JSON: ${(error as Error).message}`, webhookId);
  }
  const mapped = applyMapping(source.mapping, { payload, headers });
  if (!mapped.ok) return reject(422, 'mapping_failed', mapped.reason, webhookId);
  const event = mapped.event;
  if ((await suppressedIds(db, source.workspaceId, [event.customerId])).size > 0) {
    // Deleted for privacy: keep nothing that names them (no body, headers or event), and answer 200 so the provider does not retry.
    const [row] = await db
      .insert(webhookDeliveries)
      .values({ ...base, headers: {}, body: '', bodyTruncated: false, verdict: 'rejected', status: 200, webhookId: null, reason: 'the customer was deleted for privacy (suppressed id); nothing was stored', event: null, messageId: null })
      .returning({ id: webhookDeliveries.id });
    metrics.inc('rapport_webhook_deliveries_total', { verdict: 'rejected' });
    return { status: 200, response: { accepted: true, duplicate: false, deliveryId: row?.id ?? 0, messageId } };
  }

  const result = await db.transaction(async (tx) => {
    const row = eventRow(
      'webhook',
      { workspaceId: source.workspaceId, customerId: event.customerId, messageId, name: event.name, at: now, receivedAt: now },
      { sourceId: source.id, properties: event.properties },
    );
    // The unique message id makes a concurrent repeat of the same delivery a duplicate, not a second event.
    const fresh = await appendEvent(tx, row);
    const deliveryId = fresh
      ? await store(tx, 'accepted', 202, { webhookId, event, messageId })
      : await store(tx, 'duplicate', 200, { webhookId, event, messageId, reason: seenBefore });
    return { fresh, deliveryId };
  });
  if (result.fresh) {
    metrics.inc('rapport_events_ingested_total');
    services.wake();
  }
  return { status: result.fresh ? 202 : 200, response: { accepted: true, duplicate: !result.fresh, deliveryId: result.deliveryId, messageId } };
};
