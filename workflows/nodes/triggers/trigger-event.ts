import { z } from 'zod';
import { eventView } from '../../events.js';
import { checkedRuleSchema } from '../../rule.js';
import { matchNamedEvent, noMatch, passThrough } from '../fragments.js';
import { defineNodeKind } from '../kind.js';
import { describeRule } from '../../rule-text.js';

export const triggerEvent = defineNodeKind({
  kind: 'trigger_event',
  category: 'trigger',
  label: 'Event received',
  description: 'Starts when the customer does something (a track call), optionally only if a rule on its properties holds.',
  docs: 'Starts a run when a `track` event with this name arrives for the customer. The optional rule can look at `event.properties.*` and at the customer (`customer.traits.*`, `customer.stage`, …). Outcome: `next`.',
  params: z.object({
    event: z.string().min(1, 'name the event, e.g. "Order Completed"').max(200),
    rule: checkedRuleSchema.optional(),
  }),
  example: { event: 'E-book Downloaded' },
  outcomes: () => ['next'],
  summary: (p) => `When "${p.event}" happens${p.rule ? `, if ${describeRule(p.rule)}` : ''}`,
  compile: (_p, ctx) => passThrough(ctx),
  trigger: {
    eventTypes: ['track'],
    matches: (p, event, ctx) =>
      event.type === 'track' ? matchNamedEvent(event, eventView(event), p.event, p.rule, ctx.customer, ctx.now, ctx.timeZone) : noMatch,
    repeatable: () => true,
  },
});
