import { createTransport } from 'nodemailer';
import { z } from 'zod';
import type { JsonValue } from '../../workflows/index.js';
import { DeliveryError, parsePayload, type ChannelAdapter, type DeliveryContext, type EffectToPerform } from './adapter.js';
import { consentWithheld, loadCustomer, stringTrait } from './consent.js';
import { deliverToMailbox } from './mailbox.js';
import { listUnsubscribeHeaders, unsubscribeUrl } from './unsubscribe.js';

/** The `send_email` effect payload (workflows/nodes/actions/send-email.ts). */
const emailPayload = z.object({
  to: z.string().nullable(),
  from: z.string().nullable().optional(),
  subject: z.string(),
  body: z.string(),
});

export interface OutgoingEmail {
  to: string;
  from: string;
  subject: string;
  body: string;
  /** The one-click unsubscribe link (RFC 8058), sent as `List-Unsubscribe` and `List-Unsubscribe-Post`. */
  unsubscribeUrl: string;
}
/** Where a ready email goes: an SMTP server or the development mailbox. */
export type EmailSink = (effect: EffectToPerform, email: OutgoingEmail, ctx: DeliveryContext) => Promise<Record<string, JsonValue>>;

/**
 * Email effects: consent is checked on the customer as it is at send time (`consent.email === false`
 * → skipped), the address falls back to the current `traits.email` when the step had none, and
 * `from` defaults to SMTP_FROM. Every email carries a one-click unsubscribe link for its customer.
 */
export const emailAdapter = (sink: EmailSink): ChannelAdapter => ({
  async perform(effect, ctx) {
    const payload = parsePayload('email', emailPayload, effect.payload);
    const customer = await loadCustomer(ctx.services.db, effect.workspaceId, effect.customerId);
    if (consentWithheld(customer, 'email')) return { result: { consent: false }, skipped: 'no consent' };
    const to = payload.to ?? stringTrait(customer, 'email');
    if (!to) throw new DeliveryError('customer has no email address (traits.email)', { retryable: false });
    const link = await unsubscribeUrl(ctx.services, ctx.services.config, { workspaceId: effect.workspaceId, customerId: effect.customerId, channel: 'email' });
    const email = { to, from: payload.from ?? ctx.services.config.SMTP_FROM, subject: payload.subject, body: payload.body, unsubscribeUrl: link };
    return { result: await sink(effect, email, ctx) };
  },
});

export const mailboxEmail: EmailSink = (effect, email, ctx) =>
  deliverToMailbox(effect, { channel: 'email', recipient: email.to, subject: email.subject, body: email.body }, ctx);

/**
 * A deterministic Message-ID from the idempotency key, so a resent email is recognisably the same
 * message (receiving systems and the SMTP relay can drop duplicates). Characters a Message-ID may
 * not hold (e.g. ":" in "run:seq:index") are written as "=XX".
 */
export const messageIdFor = (idempotencyKey: string): string => {
  const local = [...Buffer.from(idempotencyKey, 'utf8')]
    .map((byte) => {
      const char = String.fromCharCode(byte);
      return /^[A-Za-z0-9_-]$/.test(char) ? char : `=${byte.toString(16).toUpperCase().padStart(2, '0')}`;
    })
    .join('');
  return `<${local}@rapport>`;
};

/** Sends through the SMTP server at `smtpUrl` ("smtp://user:pass@host:587", "smtps://…"). */
export const smtpEmail = (smtpUrl: string): EmailSink => {
  const transport = createTransport({ url: smtpUrl, connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000, dnsTimeout: 10_000 });
  return async (effect, email, ctx) => {
    try {
      const info = await transport.sendMail({
        from: email.from,
        to: email.to,
        subject: email.subject,
        text: email.body,
        messageId: messageIdFor(effect.idempotencyKey),
        headers: { 'X-Rapport-Idempotency-Key': effect.idempotencyKey, ...listUnsubscribeHeaders(email.unsubscribeUrl) },
        signal: ctx.signal,
      });
      return {
        messageId: info.messageId,
        accepted: (info.accepted ?? []).map(String),
        rejected: (info.rejected ?? []).map(String),
        response: info.response ?? null,
      };
    } catch (error) {
      throw smtpProblem(error);
    }
  };
};

/**
 * SMTP reply codes say whether to retry (RFC 5321): 5xx is a permanent rejection (503, bad
 * sequence, is not), 4xx (greylisting, mailbox busy) and connection failures are transient. An
 * envelope nodemailer refuses before talking to the server (no valid recipient) is permanent.
 * Authentication and configuration failures are retried: the operator fixes them, the mail waits.
 */
const smtpProblem = (error: unknown): DeliveryError => {
  const { code, responseCode, message } = error as { code?: unknown; responseCode?: unknown; message?: unknown };
  const text = `SMTP: ${typeof message === 'string' ? message : String(error)}`;
  if (typeof responseCode === 'number') return new DeliveryError(text, { retryable: !(responseCode >= 500 && responseCode < 600 && responseCode !== 503) });
  return new DeliveryError(text, { retryable: code !== 'EENVELOPE' });
};
