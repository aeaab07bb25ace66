import { z } from 'zod';
import { stageIdSchema } from '../../domain.js';
import { passThrough } from '../fragments.js';
import { defineNodeKind } from '../kind.js';

export const triggerStageChanged = defineNodeKind({
  kind: 'trigger_stage_changed',
  category: 'trigger',
  label: 'Lifecycle stage changed',
  description: 'Starts when the customer moves between lifecycle stages.',
  docs: 'Starts a run when the customer\'s lifecycle stage changes (by an API call, a rule or another journey). `from` and `to` are optional stage ids; leave both out to react to every move. Outcome: `next`.',
  params: z.object({ from: stageIdSchema.optional(), to: stageIdSchema.optional() }),
  example: { to: 'keep_reactivate' },
  outcomes: () => ['next'],
  summary: (p) => `When stage changes${p.from ? ` from ${p.from}` : ''}${p.to ? ` to ${p.to}` : ''}`,
  compile: (_p, ctx) => passThrough(ctx),
  trigger: {
    eventTypes: ['stage_changed'],
    matches: (p, event) => {
      if (event.type !== 'stage_changed') return { result: false, seen: [] };
      const result = (p.from === undefined || event.from === p.from) && (p.to === undefined || event.to === p.to);
      return { result, seen: [{ field: 'customer.stage', value: event.to }] };
    },
    repeatable: () => true,
  },
  references: (p) => [
    ...(p.from ? [{ type: 'stage' as const, id: p.from, path: ['from'] }] : []),
    ...(p.to ? [{ type: 'stage' as const, id: p.to, path: ['to'] }] : []),
  ],
});
