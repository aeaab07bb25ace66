import { z } from 'zod';
import type { JsonValue } from '../../workflows/index.js';
import { DeliveryError, parsePayload, type ChannelAdapter, type DeliveryContext, type EffectToPerform } from './adapter.js';
import { consentWithheld, stringTrait } from './consent.js';
import { postJson } from './http.js';
import { deliverToMailbox } from './mailbox.js';

/** The `send_sms` effect payload (workflows/nodes/actions/send-sms.ts). */
const smsPayload = z.object({ to: z.string().nullable(), body: z.string() });

export interface OutgoingSms {
  to: string;
  body: string;
}
export type SmsSink = (effect: EffectToPerform, sms: OutgoingSms, ctx: DeliveryContext) => Promise<Record<string, JsonValue>>;

/** SMS effects: consent (`consent.sms === false` → skipped) and number checked at send time. */
export const smsAdapter = (sink: SmsSink): ChannelAdapter => ({
  async perform(effect, ctx) {
    const payload = parsePayload('sms', smsPayload, effect.payload);
    const customer = await ctx.round.customer(effect.workspaceId, effect.customerId);
    if (consentWithheld(customer, 'sms')) return { result: { consent: false }, skipped: 'no consent' };
    const to = payload.to ?? stringTrait(customer, 'phone');
    if (!to) throw new DeliveryError('customer has no phone number (traits.phone)', { retryable: false });
    return { result: await sink(effect, { to, body: payload.body }, ctx) };
  },
});

/** POSTs `{ to, body, idempotencyKey }` to the SMS provider's webhook (SMS_WEBHOOK_URL). */
export const webhookSms =
  (url: string): SmsSink =>
  (effect, sms, ctx) =>
    postJson(url, { to: sms.to, body: sms.body, idempotencyKey: effect.idempotencyKey }, effect.idempotencyKey, ctx);

export const mailboxSms: SmsSink = (effect, sms, ctx) =>
  deliverToMailbox(effect, { channel: 'sms', recipient: sms.to, subject: null, body: sms.body }, ctx);
