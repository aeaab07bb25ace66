import { z } from 'zod';
import { defineNodeKind } from '../kind.js';

export const exit = defineNodeKind({
  kind: 'exit',
  category: 'flow',
  label: 'Exit',
  description: 'Ends the run without a conversion.',
  docs: 'Ends the run with outcome `exited` and the optional `reason` (shown in reports). No outcomes.',
  params: z.object({ reason: z.string().max(200).optional() }),
  example: { reason: 'farewell sent' },
  outcomes: () => [],
  summary: (p) => `Exit${p.reason ? `: ${p.reason}` : ''}`,
  compile: () => ({ type: 'final' }),
  final: (p) => ({ outcome: 'exited', reason: p.reason ?? 'exit node' }),
});
