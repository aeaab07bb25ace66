import type { JsonValue } from '../../workflows/index.js';
import type { DeliveryContext, EffectToPerform } from './adapter.js';

/**
 * The development mailbox: when no provider is configured (SMTP_URL, SMS_WEBHOOK_URL,
 * CHAT_WEBHOOK_URL), messages are stored in table `mailbox` and listed by `GET /v1/mailbox`.
 * One row per idempotency key, so a retried effect never shows up twice. The rows of a
 * dispatcher round are written with one statement (round.ts).
 */
export interface MailboxMessage {
  channel: 'email' | 'sms' | 'chat';
  recipient: string | null;
  subject: string | null;
  body: string;
}

export const deliverToMailbox = async (effect: EffectToPerform, message: MailboxMessage, ctx: DeliveryContext): Promise<Record<string, JsonValue>> => {
  const { mailboxId, duplicate } = await ctx.round.mailbox({ workspaceId: effect.workspaceId, idempotencyKey: effect.idempotencyKey, ...message });
  return { mailbox: true, mailboxId, duplicate };
};
