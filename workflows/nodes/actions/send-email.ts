import { z } from 'zod';
import { renderTemplate } from '../../template.js';
import { effectState } from '../fragments.js';
import { defineNodeKind } from '../kind.js';

export const sendEmail = defineNodeKind({
  kind: 'send_email',
  category: 'action',
  label: 'Send email',
  description: 'Sends an email rendered from Liquid templates for subject and body.',
  docs: 'Emits an email effect to the customer\'s `traits.email`. `subject` and `body` are Liquid templates over `customer`, `event`, `trigger`, `journey` and `run` (e.g. `Hi {{ customer.traits.first_name | default: "there" }}`). Consent, suppression and the contact policy are checked when the email is sent. Outcome: `next`.',
  params: z.object({
    subject: z.string().min(1, 'write a subject').max(500),
    body: z.string().min(1, 'write a body').max(20_000),
    from: z.string().max(320).optional(),
  }),
  example: { subject: 'Hi {{ customer.traits.first_name | default: "there" }}', body: 'Thanks for downloading {{ trigger.properties.title }}.' },
  outcomes: () => ['next'],
  summary: (p) => `Email: ${p.subject}`,
  compile: (p, ctx) => effectState(ctx, 'send_email', p),
  message: true,
  effect: (p, scope) => ({
    channel: 'email',
    payload: {
      to: typeof scope.customer.traits.email === 'string' ? scope.customer.traits.email : null,
      from: p.from ?? null,
      subject: renderTemplate(p.subject, scope),
      body: renderTemplate(p.body, scope),
    },
  }),
  references: (p) => [
    { type: 'template', source: p.subject, path: ['subject'] },
    { type: 'template', source: p.body, path: ['body'] },
  ],
});
