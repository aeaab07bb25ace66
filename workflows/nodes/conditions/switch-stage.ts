import { z } from 'zod';
import { stageIdSchema } from '../../domain.js';
import { defineNodeKind } from '../kind.js';
import { stageLabel } from '../../rule-text.js';

export const switchStage = defineNodeKind({
  kind: 'switch_stage',
  category: 'condition',
  label: 'Switch by lifecycle stage',
  description: 'One branch per chosen lifecycle stage and a default.',
  docs: 'Routes the customer by their current lifecycle stage. Each stage id in `stages` becomes an outcome of the same name; everyone else leaves through `default`.',
  params: z.object({
    stages: z
      .array(stageIdSchema)
      .min(1, 'pick at least one stage')
      .max(20)
      .refine((list) => new Set(list).size === list.length, 'each stage can appear once')
      .refine((list) => !list.includes('default'), '"default" is the name of the fallback outcome, not a stage'),
  }),
  example: { stages: ['retain_develop', 'keep_reactivate'] },
  outcomes: (p) => [...p.stages, 'default'],
  summary: (p) => `Switch by stage: ${p.stages.map(stageLabel).join(', ')}`,
  compile: (p, ctx) => ({
    always: [
      ...p.stages.map((stage) => ({
        guard: { type: 'rapport.stage_is', params: { nodeId: ctx.nodeId, stage } },
        target: ctx.target(stage),
      })),
      { target: ctx.target('default') },
    ],
  }),
  references: (p) => p.stages.map((id, i) => ({ type: 'stage' as const, id, path: ['stages', i] })),
});
