import { z } from 'zod';
import { stageIdSchema } from '../../domain.js';
import { updateState } from '../fragments.js';
import { defineNodeKind } from '../kind.js';

export const setStage = defineNodeKind({
  kind: 'set_stage',
  category: 'action',
  label: 'Set lifecycle stage',
  description: 'Moves the customer to a lifecycle stage (audited).',
  docs: 'Sets the customer\'s lifecycle stage to `stage`. The change is recorded with its cause (this journey step) and previous stage, and other journeys see a `stage_changed` event. Outcome: `next`.',
  params: z.object({ stage: stageIdSchema }),
  example: { stage: 'retain_develop' },
  outcomes: () => ['next'],
  summary: (p) => `Set stage to ${p.stage}`,
  compile: (p, ctx) => updateState(ctx, { stage: p.stage }),
  customerUpdate: (p) => ({ stage: p.stage }),
  references: (p) => [{ type: 'stage', id: p.stage, path: ['stage'] }],
});
