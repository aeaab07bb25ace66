import { z } from 'zod';
import { durationMs, durationSchema, formatDuration } from '../../duration.js';
import { checkedRuleSchema } from '../../rule.js';
import { eventMatchesGuard, namedEventTypes } from '../fragments.js';
import { defineNodeKind } from '../kind.js';

export const waitForEvent = defineNodeKind({
  kind: 'wait_for_event',
  category: 'wait',
  label: 'Wait for event',
  description: 'Waits for the customer to do something, with a required timeout.',
  docs: 'Waits until an event named `event` (a track call or a webhook delivery) arrives whose properties satisfy the optional `rule`, or until `timeout` passes. Outcomes: `received` (the event becomes `event.*` for later nodes and templates) and `timed_out`. A timeout is required so no customer waits forever.',
  params: z.object({
    event: z.string().min(1, 'name the event to wait for').max(200),
    rule: checkedRuleSchema.optional(),
    timeout: durationSchema,
  }),
  example: { event: 'Order Completed', timeout: { amount: 14, unit: 'days' } },
  outcomes: () => ['received', 'timed_out'],
  summary: (p) => `Wait up to ${formatDuration(p.timeout)} for "${p.event}"`,
  compile: (p, ctx) => {
    const received = [
      {
        guard: eventMatchesGuard('wait', p.event, p.rule, ctx.nodeId),
        target: ctx.target('received'),
        actions: [{ type: 'rapport.remember_event' }],
      },
    ];
    return {
      on: Object.fromEntries(namedEventTypes.map((type) => [type, received])),
      after: { [ctx.delay('timeout', { type: 'rapport.duration', params: { ms: durationMs(p.timeout) } })]: [{ target: ctx.target('timed_out') }] },
    };
  },
  waits: true,
});
