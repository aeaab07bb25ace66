import type { Channel } from '../../workflows/index.js';
import type { Config } from '../config.js';
import type { ChannelAdapter } from './adapter.js';
import { chatAdapter, mailboxChat, webhookChat } from './chat.js';
import { conversionAdapter } from './conversion.js';
import { emailAdapter, mailboxEmail, smtpEmail } from './email.js';
import { incentiveAdapter } from './incentive.js';
import { journeyAdapter } from './journey.js';
import { mailboxSms, smsAdapter, webhookSms } from './sms.js';
import { taskAdapter } from './task.js';
import { webhookAdapter } from './webhook.js';

export { DeliveryError, type ChannelAdapter, type Delivery, type DeliveryContext, type EffectToPerform } from './adapter.js';
export { webhookSecret } from './signing.js';

/**
 * One adapter per channel. A new channel in `channelSchema` fails to compile here until it has an
 * adapter. Email, SMS and chat go to the development mailbox when their provider is not configured.
 */
export const createChannelAdapters = (config: Config) =>
  ({
    email: emailAdapter(config.SMTP_URL ? smtpEmail(config.SMTP_URL) : mailboxEmail),
    sms: smsAdapter(config.SMS_WEBHOOK_URL ? webhookSms(config.SMS_WEBHOOK_URL) : mailboxSms),
    chat: chatAdapter(config.CHAT_WEBHOOK_URL ? webhookChat(config.CHAT_WEBHOOK_URL) : mailboxChat),
    webhook: webhookAdapter,
    task: taskAdapter,
    incentive: incentiveAdapter,
    journey: journeyAdapter,
    conversion: conversionAdapter,
  }) satisfies Record<Channel, ChannelAdapter>;
export type ChannelAdapters = Record<Channel, ChannelAdapter>;

/** Where each channel's messages go under `config`, for the startup log. */
export const channelTargets = (config: Config): Record<'email' | 'sms' | 'chat', string> => ({
  email: config.SMTP_URL ? 'smtp' : 'development mailbox',
  sms: config.SMS_WEBHOOK_URL ? 'webhook' : 'development mailbox',
  chat: config.CHAT_WEBHOOK_URL ? 'webhook' : 'development mailbox',
});
