import { z } from 'zod';
import { passThrough } from '../fragments.js';
import { defineNodeKind } from '../kind.js';

export const triggerManual = defineNodeKind({
  kind: 'trigger_manual',
  category: 'trigger',
  label: 'Manual / API enrolment',
  description: 'Starts when a person, the API or another journey enrols the customer.',
  docs: 'Starts a run when the customer is enrolled explicitly: from the API, the editor, or another journey\'s "Enrol in journey" action. Properties passed with the enrolment are available as `event.properties.*`. Outcome: `next`.',
  params: z.object({ note: z.string().max(500).optional() }),
  example: {},
  outcomes: () => ['next'],
  summary: () => 'When enrolled manually or by API',
  compile: (_p, ctx) => passThrough(ctx),
  trigger: {
    eventTypes: ['enrol'],
    matches: (_p, event, ctx) => ({ result: event.type === 'enrol' && event.journeyId === ctx.journeyId, seen: [] }),
    repeatable: () => true,
  },
});
