import { z } from 'zod';
import { events } from '../../drizzle/schema.js';
import { jsonValueSchema } from '../../workflows/index.js';
import { eventRow } from '../runtime/event-rows.js';
import { parsePayload, type ChannelAdapter } from './adapter.js';

/** The `enrol_journey` effect payload (workflows/nodes/actions/enrol-journey.ts). */
const journeyPayload = z.object({
  journeyId: z.string().min(1),
  customerId: z.string().optional(),
  properties: z.record(z.string(), jsonValueSchema).default({}),
});

/**
 * Enrols the customer in another journey by appending an `enrol` event; the worker starts the run
 * (the other journey's entry policy applies there). The message id comes from the idempotency key,
 * so a retried effect is deduplicated by the events table like any resent event.
 */
export const journeyAdapter: ChannelAdapter = {
  async perform(effect, ctx) {
    const payload = parsePayload('journey', journeyPayload, effect.payload);
    const { db, now } = ctx.services;
    const at = now();
    const messageId = `enrol:${effect.idempotencyKey}`;
    const row = eventRow(
      'enrol',
      { workspaceId: effect.workspaceId, customerId: payload.customerId ?? effect.customerId, messageId, at, receivedAt: at },
      { journeyId: payload.journeyId, properties: payload.properties, by: `run:${effect.runId}` },
    );
    const inserted = await db.insert(events).values(row).onConflictDoNothing({ target: [events.workspaceId, events.messageId] }).returning({ seq: events.seq });
    if (inserted.length === 0) return { result: { messageId, eventSeq: null, duplicate: true } };
    ctx.services.wake();
    return { result: { messageId, eventSeq: inserted[0]?.seq ?? null, duplicate: false } };
  },
};
