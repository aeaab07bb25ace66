import { createHmac, randomBytes } from 'node:crypto';
import type { Config } from '../config.js';

/**
 * Standard Webhooks signing (https://www.standardwebhooks.com): receivers verify
 * `webhook-signature` = "v1," + base64(HMAC-SHA256(secret, `${webhook-id}.${webhook-timestamp}.${body}`)).
 * A request to a registered endpoint is signed with that endpoint's secrets (runtime/webhook-endpoints.ts);
 * during a rotation with each live one, space-separated, newest first.
 *
 * Other URLs are signed with the workspace's default secret: `RAPPORT_WEBHOOK_SECRET` ("whsec_" +
 * base64 of 24–64 random bytes), which `npm start` fills from the secret kept (sealed) in the
 * database. When neither is there (tests, embedded use), a secret is generated for this process only:
 * signatures then change on every restart and differ between processes.
 */
export interface WebhookSecret {
  /** The secret as receivers configure it ("whsec_…"). */
  secret: string;
  /** The HMAC key bytes. */
  key: Buffer;
  /** True when the secret was generated because none was configured. */
  generated: boolean;
}

const prefix = 'whsec_';
const secrets = new WeakMap<Config, WebhookSecret>();

/** The signing secret for `config` (stable for the life of the config object). */
export const webhookSecret = (config: Config): WebhookSecret => {
  const known = secrets.get(config);
  if (known) return known;
  const configured = config.RAPPORT_WEBHOOK_SECRET;
  let secret: WebhookSecret;
  if (configured) {
    const encoded = configured.startsWith(prefix) ? configured.slice(prefix.length) : configured;
    const key = Buffer.from(encoded, 'base64');
    if (key.length < 16 || key.toString('base64').replace(/=+$/, '') !== encoded.replace(/=+$/, '')) {
      throw new Error('RAPPORT_WEBHOOK_SECRET must be "whsec_" followed by the base64 of at least 16 random bytes, e.g. whsec_' + randomBytes(32).toString('base64'));
    }
    secret = { secret: `${prefix}${encoded}`, key, generated: false };
  } else {
    const key = randomBytes(32);
    secret = { secret: `${prefix}${key.toString('base64')}`, key, generated: true };
  }
  secrets.set(config, secret);
  return secret;
};

/** One `v1,` signature of a request. */
export const signWebhook = (key: Buffer, id: string, timestampSeconds: number, body: string): string =>
  `v1,${createHmac('sha256', key).update(`${id}.${timestampSeconds}.${body}`).digest('base64')}`;

/** The `webhook-signature` header value: one signature per key, space-separated (Standard Webhooks allows several). */
export const signatureHeader = (keys: readonly Buffer[], id: string, timestampSeconds: number, body: string): string =>
  keys.map((key) => signWebhook(key, id, timestampSeconds, body)).join(' ');
