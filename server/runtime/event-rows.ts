import { z } from 'zod';
import { jsonValueSchema, stageIdSchema, type JsonValue, type SimulationEvent, type Work } from '../../workflows/index.js';

/**
 * What an `events` row holds per type, and how the worker turns it into work for `advance()`.
 * Every producer (ingest, journeys API, dispatcher, webhooks) builds rows with `eventRow`.
 */
const record = z.record(z.string(), jsonValueSchema);

export const eventPayloadSchemas = {
  identify: z.object({ traits: record, timezone: z.string().nullable().optional(), context: record.optional() }),
  track: z.object({ properties: record, context: record.optional() }),
  enrol: z.object({ journeyId: z.string(), properties: record, by: z.string().optional() }),
  stage: z.object({ stage: stageIdSchema, cause: z.string() }),
  webhook: z.object({ sourceId: z.string(), properties: record }),
  segment_entered: z.object({ segmentId: z.string() }),
  segment_left: z.object({ segmentId: z.string() }),
  date_reached: z.object({ journeyId: z.string(), nodeId: z.string(), trait: z.string() }),
  /** Accepted for Segment compatibility (group, alias) and stored, but no journey reacts to them. */
  ignored: z.object({ call: z.string() }).passthrough(),
} as const;
export type EventRowType = keyof typeof eventPayloadSchemas;
export type EventPayload<T extends EventRowType> = z.infer<(typeof eventPayloadSchemas)[T]>;

export interface NewEventRow {
  workspaceId: string;
  customerId: string;
  messageId: string;
  type: EventRowType;
  name: string | null;
  payload: Record<string, JsonValue>;
  at: number;
  receivedAt: number;
  processedAt: number | null;
}

export const eventRow = <T extends EventRowType>(
  type: T,
  fields: { workspaceId: string; customerId: string; messageId: string; name?: string | null; at: number; receivedAt: number },
  payload: EventPayload<T>,
): NewEventRow => ({
  workspaceId: fields.workspaceId,
  customerId: fields.customerId,
  messageId: fields.messageId,
  type,
  name: fields.name ?? null,
  payload: payload as Record<string, JsonValue>,
  at: fields.at,
  receivedAt: fields.receivedAt,
  processedAt: type === 'ignored' ? fields.receivedAt : null,
});

export interface StoredEventRow {
  seq: number;
  type: string;
  name: string | null;
  messageId: string;
  payload: Record<string, JsonValue>;
  at: number;
}

/** The work an unprocessed event row stands for; null for rows no journey reacts to. */
export const workFromRow = (row: StoredEventRow): Work | null => {
  const type = row.type as EventRowType;
  switch (type) {
    case 'identify': {
      const p = eventPayloadSchemas.identify.parse(row.payload);
      return { kind: 'identify', traits: p.traits, ...(p.timezone !== undefined ? { timezone: p.timezone } : {}), at: row.at };
    }
    case 'track': {
      const p = eventPayloadSchemas.track.parse(row.payload);
      return { kind: 'event', event: { type: 'track', name: row.name ?? '', properties: p.properties, at: row.at, messageId: row.messageId } };
    }
    case 'enrol': {
      const p = eventPayloadSchemas.enrol.parse(row.payload);
      return { kind: 'event', event: { type: 'enrol', journeyId: p.journeyId, properties: p.properties, at: row.at, ...(p.by ? { by: p.by } : {}) } };
    }
    case 'stage': {
      const p = eventPayloadSchemas.stage.parse(row.payload);
      return { kind: 'event', event: { type: 'stage_changed', from: null, to: p.stage, at: row.at } };
    }
    case 'webhook': {
      const p = eventPayloadSchemas.webhook.parse(row.payload);
      return { kind: 'event', event: { type: 'webhook', sourceId: p.sourceId, name: row.name ?? '', properties: p.properties, at: row.at } };
    }
    case 'segment_entered':
    case 'segment_left': {
      const p = eventPayloadSchemas[type].parse(row.payload);
      return { kind: 'event', event: { type, segmentId: p.segmentId, at: row.at } };
    }
    case 'date_reached': {
      const p = eventPayloadSchemas.date_reached.parse(row.payload);
      return { kind: 'event', event: { type: 'date_reached', journeyId: p.journeyId, nodeId: p.nodeId, trait: p.trait, at: row.at } };
    }
    case 'ignored':
      return null;
  }
};

/** A stored event as the simulator takes it (backtests): identify calls stay identify calls. */
export const simulationEventFromRow = (row: StoredEventRow): SimulationEvent | null => {
  const work = workFromRow(row);
  if (!work) return null;
  switch (work.kind) {
    case 'identify':
      return { type: 'identify', traits: work.traits, ...(work.timezone !== undefined ? { timezone: work.timezone } : {}), at: row.at };
    case 'event':
      // Stored date_reached events belong to the version that scheduled them; the simulator schedules its own.
      return work.event.type === 'date_reached' ? null : { ...work.event, at: row.at };
    case 'timer':
      return null;
  }
};
