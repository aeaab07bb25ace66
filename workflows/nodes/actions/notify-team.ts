import { z } from 'zod';
import { renderTemplate } from '../../template.js';
import { effectState } from '../fragments.js';
import { defineNodeKind } from '../kind.js';

export const notifyTeam = defineNodeKind({
  kind: 'notify_team',
  category: 'action',
  label: 'Notify team',
  description: 'Posts a message to a team chat channel or webhook.',
  docs: 'Sends an internal notification (not to the customer): `via: "chat"` posts `message` to the configured chat provider\'s `target` channel, `via: "webhook"` posts it to the `target` URL. `message` is a Liquid template. Outcome: `next`.',
  params: z.object({
    via: z.enum(['chat', 'webhook']),
    target: z.string().min(1, 'name the channel or URL').max(2000),
    message: z.string().min(1, 'write the message').max(4000),
  }),
  example: { via: 'chat', target: '#vip-alerts', message: 'Star customer {{ customer.id }} complained: {{ trigger.properties.subject }}' },
  outcomes: () => ['next'],
  summary: (p) => `Notify ${p.target}`,
  compile: (p, ctx) => effectState(ctx, 'notify_team', p),
  effect: (p, scope) => ({
    channel: 'chat',
    payload: { via: p.via, target: p.target, text: renderTemplate(p.message, scope), customerId: scope.customer.id },
  }),
  references: (p) => [{ type: 'template', source: p.message, path: ['message'] }],
});
