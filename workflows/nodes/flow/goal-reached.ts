import { z } from 'zod';
import { defineNodeKind } from '../kind.js';

export const goalReached = defineNodeKind({
  kind: 'goal_reached',
  category: 'flow',
  label: 'Goal reached',
  description: 'Ends the run as converted.',
  docs: 'Ends the run with outcome `converted`. Use it where a path counts as success (for a goal defined by an event anywhere in the journey, use the journey\'s goal setting). No outcomes.',
  params: z.object({ label: z.string().max(200).optional() }),
  example: {},
  outcomes: () => [],
  summary: (p) => `Goal reached${p.label ? `: ${p.label}` : ''}`,
  compile: () => ({ type: 'final' }),
  final: (p) => ({ outcome: 'converted', reason: p.label ?? 'goal node' }),
});
