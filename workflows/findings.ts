import { z } from 'zod';

/** Every validator finding code; each is documented in the README ("Validator findings"). */
export const findingCodes = [
  // errors
  'invalid_graph', 'duplicate_id', 'invalid_params', 'wait_without_timeout', 'split_weights_invalid',
  'edge_unknown_node', 'edge_unknown_outcome', 'edge_into_trigger', 'outcome_connected_twice',
  'no_trigger', 'unconnected_outcome', 'unreachable_node', 'cycle_without_wait',
  'invalid_template', 'unknown_template_variable', 'unknown_journey', 'unknown_segment', 'unknown_stage',
  'invalid_time_zone',
  // warnings
  'message_without_wait', 'no_goal', 'unknown_script',
] as const;
export const findingCodeSchema = z.enum(findingCodes);
export type FindingCode = z.infer<typeof findingCodeSchema>;

export const findingSchema = z.object({
  code: findingCodeSchema,
  severity: z.enum(['error', 'warning']),
  message: z.string(),
  nodeId: z.string().optional(),
  edgeId: z.string().optional(),
  /** Path inside the node's params (or the graph, for `invalid_graph`). */
  path: z.array(z.union([z.string(), z.number()])).optional(),
});
export type Finding = z.infer<typeof findingSchema>;

export const errorsOf = (findings: readonly Finding[]): Finding[] => findings.filter((f) => f.severity === 'error');
export const warningsOf = (findings: readonly Finding[]): Finding[] => findings.filter((f) => f.severity === 'warning');
