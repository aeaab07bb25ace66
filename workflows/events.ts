import { z } from 'zod';
import { jsonValueSchema, stageIdSchema, type JsonValue } from './domain.js';

/**
 * Journey events: what a run can react to. The runtime turns ingested Segment calls,
 * webhook deliveries, segment changes and due date triggers into these; the simulator
 * takes them directly. `at` is epoch milliseconds.
 */
const at = z.number().int().nonnegative();
const properties = z.record(z.string(), jsonValueSchema).default({});

export const journeyEventSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('track'), name: z.string().min(1).max(200), properties, at, messageId: z.string().optional() }),
  z.object({ type: z.literal('trait_changed'), trait: z.string().min(1), from: jsonValueSchema.optional(), to: jsonValueSchema.optional(), at }),
  z.object({ type: z.literal('stage_changed'), from: stageIdSchema.nullable(), to: stageIdSchema, at }),
  z.object({ type: z.literal('segment_entered'), segmentId: z.string().min(1), at }),
  z.object({ type: z.literal('segment_left'), segmentId: z.string().min(1), at }),
  z.object({ type: z.literal('date_reached'), journeyId: z.string().min(1), nodeId: z.string().min(1), trait: z.string().min(1), at }),
  z.object({ type: z.literal('webhook'), sourceId: z.string().min(1), name: z.string().min(1), properties, at }),
  z.object({ type: z.literal('enrol'), journeyId: z.string().min(1), properties, at, by: z.string().optional() }),
]);
export type JourneyEvent = z.infer<typeof journeyEventSchema>;
export type JourneyEventType = JourneyEvent['type'];
export const journeyEventTypes = journeyEventSchema.options.map((o) => o.shape.type.value) as JourneyEventType[];

/** How a rule sees an event: `event.name`, `event.properties.*`, `event.at`. */
export interface EventView {
  name: string;
  properties: Record<string, JsonValue>;
  at: number;
}

export const eventView = (event: JourneyEvent): EventView => {
  switch (event.type) {
    case 'track':
    case 'webhook':
      return { name: event.name, properties: event.properties, at: event.at };
    case 'enrol':
      return { name: 'enrol', properties: event.properties, at: event.at };
    case 'trait_changed':
      return { name: 'trait_changed', properties: { trait: event.trait, from: event.from ?? null, to: event.to ?? null }, at: event.at };
    case 'stage_changed':
      return { name: 'stage_changed', properties: { from: event.from, to: event.to }, at: event.at };
    case 'segment_entered':
    case 'segment_left':
      return { name: event.type, properties: { segmentId: event.segmentId }, at: event.at };
    case 'date_reached':
      return { name: 'date_reached', properties: { trait: event.trait }, at: event.at };
  }
};
