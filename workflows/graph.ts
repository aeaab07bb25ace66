import { z } from 'zod';
import { nodeKindSchema } from './nodes/kinds.js';
import { journeySettingsSchema } from './settings.js';

/** Node and edge ids become XState state ids: letters, digits, `_` and `-` only. */
export const elementIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,64}$/, 'an id has 1–64 letters, digits, "_" or "-" (no dots, "#" or spaces)');

/**
 * A node as the editor saves it. `params` is checked against the node kind's own schema by the
 * validator (so a half-finished draft can still be saved and shows precise errors).
 */
export const journeyNodeSchema = z.object({
  id: elementIdSchema,
  kind: nodeKindSchema,
  params: z.record(z.string(), z.unknown()).default({}),
  position: z.object({ x: z.number().finite(), y: z.number().finite() }).default({ x: 0, y: 0 }),
  /** Optional label shown on the canvas instead of the generated summary. */
  label: z.string().max(200).optional(),
});
export type JourneyNode = z.infer<typeof journeyNodeSchema>;

/** An edge leaves `source` through one of its named outcomes and enters `target`. */
export const journeyEdgeSchema = z.object({
  id: elementIdSchema,
  source: elementIdSchema,
  outcome: z.string().min(1).max(64),
  target: elementIdSchema,
});
export type JourneyEdge = z.infer<typeof journeyEdgeSchema>;

export const journeyGraphSchema = z.object({
  /** Stable journey id; also used for deterministic split assignment. */
  id: elementIdSchema,
  name: z.string().min(1).max(200),
  description: z.string().max(2000).optional(),
  nodes: z.array(journeyNodeSchema).max(1000),
  edges: z.array(journeyEdgeSchema).max(4000),
  settings: journeySettingsSchema.default({ entry: { mode: 'once' }, exit: [], timeZone: { use: 'customer', fallback: 'UTC' } }),
});
export type JourneyGraph = z.infer<typeof journeyGraphSchema>;
/** The graph as authored (defaults not yet applied). */
export type JourneyGraphInput = z.input<typeof journeyGraphSchema>;
