import { z } from 'zod';
import { checkedRuleSchema } from '../../rule.js';
import { toJson } from '../fragments.js';
import { defineNodeKind } from '../kind.js';

export const conditionEventHistory = defineNodeKind({
  kind: 'condition_event_history',
  category: 'condition',
  label: 'Event history',
  description: 'Did the customer do X at least N times in the last D days?',
  docs: 'Counts the customer\'s `event` events (track calls and webhook deliveries) in the last `withinDays` days up to now, optionally only those whose properties satisfy `rule` (`event.properties.*`). Outcome `yes` when the count is at least `atLeast`, else `no`. The count is recorded in the step.',
  params: z.object({
    event: z.string().min(1, 'name the event').max(200),
    rule: checkedRuleSchema.optional(),
    atLeast: z.number().int().min(1).max(1_000_000),
    withinDays: z.number().int().min(1).max(3650),
  }),
  example: { event: 'Product Viewed', atLeast: 3, withinDays: 7 },
  outcomes: () => ['yes', 'no'],
  summary: (p) => `Did "${p.event}" ≥ ${p.atLeast}× in ${p.withinDays} days`,
  compile: (p, ctx) => ({
    always: [
      {
        guard: { type: 'rapport.event_count', params: toJson({ nodeId: ctx.nodeId, event: p.event, rule: p.rule, atLeast: p.atLeast, withinDays: p.withinDays }) },
        target: ctx.target('yes'),
      },
      { target: ctx.target('no') },
    ],
  }),
});
