import { z } from 'zod';
import { eventView } from '../../events.js';
import { checkedRuleSchema } from '../../rule.js';
import { matchNamedEvent, noMatch, passThrough } from '../fragments.js';
import { defineNodeKind } from '../kind.js';

export const triggerWebhook = defineNodeKind({
  kind: 'trigger_webhook',
  category: 'trigger',
  label: 'Inbound webhook',
  description: 'Starts when a signed webhook from a configured source arrives for the customer.',
  docs: 'Starts a run when a verified delivery from the inbound webhook source `sourceId` is mapped to this customer. `event` optionally narrows to one mapped event name; the optional rule looks at `event.properties.*`. Outcome: `next`.',
  params: z.object({
    sourceId: z.string().min(1, 'pick a webhook source').max(200),
    event: z.string().min(1).max(200).optional(),
    rule: checkedRuleSchema.optional(),
  }),
  example: { sourceId: 'shop', event: 'Delivery Confirmed' },
  outcomes: () => ['next'],
  summary: (p) => `When webhook ${p.sourceId}${p.event ? ` sends "${p.event}"` : ' delivers'}`,
  compile: (_p, ctx) => passThrough(ctx),
  trigger: {
    eventTypes: ['webhook'],
    matches: (p, event, ctx) =>
      event.type === 'webhook' && event.sourceId === p.sourceId
        ? matchNamedEvent(event, eventView(event), p.event, p.rule, ctx.customer, ctx.now, ctx.timeZone)
        : noMatch,
    repeatable: () => true,
  },
});
