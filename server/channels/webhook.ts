import { z } from 'zod';
import { parsePayload, type ChannelAdapter } from './adapter.js';
import { sendHttp } from './http.js';

/** The `send_webhook` effect payload (workflows/nodes/actions/send-webhook.ts). */
const webhookPayload = z.object({
  method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']),
  url: z.string(),
  headers: z.record(z.string(), z.string()).default({}),
  body: z.string().nullable().default(null),
});

/** Outbound webhooks: the journey's request, signed, with the effect's idempotency key. */
export const webhookAdapter: ChannelAdapter = {
  async perform(effect, ctx) {
    const payload = parsePayload('webhook', webhookPayload, effect.payload);
    return { result: await sendHttp({ ...payload, idempotencyKey: effect.idempotencyKey }, ctx) };
  },
};
