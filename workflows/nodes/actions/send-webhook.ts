import { z } from 'zod';
import { renderTemplate } from '../../template.js';
import { effectState } from '../fragments.js';
import { defineNodeKind, type NodeReference } from '../kind.js';

export const sendWebhook = defineNodeKind({
  kind: 'send_webhook',
  category: 'action',
  label: 'Outbound webhook',
  description: 'Calls an HTTP endpoint (audience sync, CRM update, …), signed and retried.',
  docs: 'Emits an HTTP request effect. `url`, header values and `body` are Liquid templates. Requests are signed with the Standard Webhooks scheme, carry the effect\'s idempotency key as `webhook-id`, and are retried with backoff; private addresses are refused unless allow-listed. Outcome: `next`.',
  params: z.object({
    method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']).default('POST'),
    url: z.string().min(1, 'enter the URL').max(2000).regex(/^https?:\/\//, 'the URL starts with http:// or https://'),
    headers: z.record(z.string().regex(/^[A-Za-z0-9-]{1,100}$/, 'a header name has letters, digits and "-"'), z.string().max(2000)).default({}),
    body: z.string().max(20_000).optional(),
  }),
  example: {
    method: 'POST',
    url: 'https://ads.example.com/audiences/product-viewers',
    headers: { 'Content-Type': 'application/json' },
    body: '{"customer_id": "{{ customer.id }}", "product": "{{ trigger.properties.sku }}"}',
  },
  outcomes: () => ['next'],
  summary: (p) => `${p.method} ${p.url}`,
  compile: (p, ctx) => effectState(ctx, 'send_webhook', p),
  effect: (p, scope) => ({
    channel: 'webhook',
    payload: {
      method: p.method,
      url: renderTemplate(p.url, scope),
      headers: Object.fromEntries(Object.entries(p.headers).map(([name, value]) => [name, renderTemplate(value, scope)])),
      body: p.body === undefined ? null : renderTemplate(p.body, scope),
    },
  }),
  references: (p) => [
    { type: 'template', source: p.url, path: ['url'] },
    ...Object.entries(p.headers).map(([name, value]): NodeReference => ({ type: 'template', source: value, path: ['headers', name] })),
    ...(p.body === undefined ? [] : [{ type: 'template' as const, source: p.body, path: ['body'] }]),
  ],
});
