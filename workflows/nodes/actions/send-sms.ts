import { z } from 'zod';
import { renderTemplate } from '../../template.js';
import { effectState } from '../fragments.js';
import { defineNodeKind } from '../kind.js';

export const sendSms = defineNodeKind({
  kind: 'send_sms',
  category: 'action',
  label: 'Send SMS',
  description: 'Sends a text message rendered from a Liquid template.',
  docs: 'Emits an SMS effect to the customer\'s `traits.phone`, with `body` rendered as a Liquid template. Sent through the configured SMS provider; consent and quiet hours are checked at send time. Outcome: `next`.',
  params: z.object({ body: z.string().min(1, 'write the message').max(1600) }),
  example: { body: 'Hi {{ customer.traits.first_name }}, your parcel has arrived.' },
  outcomes: () => ['next'],
  summary: (p) => `SMS: ${p.body.slice(0, 40)}${p.body.length > 40 ? '…' : ''}`,
  compile: (p, ctx) => effectState(ctx, 'send_sms', p),
  message: true,
  effect: (p, scope) => ({
    channel: 'sms',
    payload: {
      to: typeof scope.customer.traits.phone === 'string' ? scope.customer.traits.phone : null,
      body: renderTemplate(p.body, scope),
    },
  }),
  references: (p) => [{ type: 'template', source: p.body, path: ['body'] }],
});
