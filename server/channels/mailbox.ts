import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { mailbox } from '../../drizzle/schema.js';
import type { JsonValue } from '../../workflows/index.js';
import type { DeliveryContext, EffectToPerform } from './adapter.js';

/**
 * The development mailbox: when no provider is configured (SMTP_URL, SMS_WEBHOOK_URL,
 * CHAT_WEBHOOK_URL), messages are stored in table `mailbox` and listed by `GET /v1/mailbox`.
 * One row per idempotency key, so a retried effect never shows up twice.
 */
export interface MailboxMessage {
  channel: 'email' | 'sms' | 'chat';
  recipient: string | null;
  subject: string | null;
  body: string;
}

export const deliverToMailbox = async (effect: EffectToPerform, message: MailboxMessage, ctx: DeliveryContext): Promise<Record<string, JsonValue>> => {
  const { db, now } = ctx.services;
  const inserted = await db
    .insert(mailbox)
    .values({ id: `msg_${randomUUID()}`, workspaceId: effect.workspaceId, ...message, idempotencyKey: effect.idempotencyKey, sentAt: now() })
    .onConflictDoNothing({ target: mailbox.idempotencyKey })
    .returning({ id: mailbox.id });
  const first = inserted[0];
  if (first) return { mailbox: true, mailboxId: first.id, duplicate: false };
  const [existing] = await db.select({ id: mailbox.id }).from(mailbox).where(eq(mailbox.idempotencyKey, effect.idempotencyKey)).limit(1);
  return { mailbox: true, mailboxId: existing?.id ?? null, duplicate: true };
};
