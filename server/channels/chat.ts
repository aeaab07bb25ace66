import { z } from 'zod';
import type { JsonValue } from '../../workflows/index.js';
import { parsePayload, type ChannelAdapter, type DeliveryContext, type EffectToPerform } from './adapter.js';
import { postJson } from './http.js';
import { deliverToMailbox } from './mailbox.js';

/** The `notify_team` effect payload (workflows/nodes/actions/notify-team.ts). */
const chatPayload = z.object({ via: z.enum(['chat', 'webhook']), target: z.string().min(1), text: z.string(), customerId: z.string().optional() });

/** Where a `via: "chat"` message goes: the chat provider's webhook or the development mailbox. */
export type ChatSink = (effect: EffectToPerform, message: { channel: string; text: string }, ctx: DeliveryContext) => Promise<Record<string, JsonValue>>;

/**
 * Internal notifications. `via: "chat"` posts `{ channel, text }` to CHAT_WEBHOOK_URL (e.g. a
 * Slack/Teams relay); `via: "webhook"` posts `{ text }` to the journey's own URL (`target`).
 */
export const chatAdapter = (chat: ChatSink): ChannelAdapter => ({
  async perform(effect, ctx) {
    const payload = parsePayload('chat', chatPayload, effect.payload);
    if (payload.via === 'webhook') return { result: await postJson(payload.target, { text: payload.text }, effect.idempotencyKey, ctx) };
    return { result: await chat(effect, { channel: payload.target, text: payload.text }, ctx) };
  },
});

export const webhookChat =
  (url: string): ChatSink =>
  (effect, message, ctx) =>
    postJson(url, { channel: message.channel, text: message.text }, effect.idempotencyKey, ctx);

export const mailboxChat: ChatSink = (effect, message, ctx) =>
  deliverToMailbox(effect, { channel: 'chat', recipient: message.channel, subject: null, body: message.text }, ctx);
