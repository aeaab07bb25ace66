import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { Executor } from '../../drizzle/db.js';
import { workspaces } from '../../drizzle/schema.js';
import type { Config } from '../config.js';
import { openWorkspaceSecret } from '../runtime/secret-list.js';
import type { SecretBox } from '../secret-box.js';

/**
 * One-click unsubscribe (RFC 8058) without a table: the link carries a token that names the
 * workspace in clear and the customer and channel sealed with AES-256-GCM under a key derived
 * (HKDF-SHA256) from the workspace's default signing secret (`workspaces.webhook_secret`, kept
 * sealed across restarts). The GCM tag authenticates the token (a forged or altered one is refused) and the
 * customer id is not readable in the link (it may be an email address), so links in mail logs
 * and proxies do not leak it.
 */
export type UnsubscribeChannel = 'email' | 'sms';
export interface UnsubscribeTarget {
  workspaceId: string;
  customerId: string;
  channel: UnsubscribeChannel;
}

/** What token functions need: the database and the box that opens the workspace's sealed secret. */
export interface TokenServices {
  db: Executor;
  secrets: SecretBox;
}

const keys = new Map<string, Buffer>();

/** The token key of a workspace (cached per stored secret; a workspace whose secret changes gets new links, old ones stop working). */
export const tokenKey = async ({ db, secrets }: TokenServices, workspaceId: string): Promise<Buffer | null> => {
  const [row] = await db.select({ secret: workspaces.webhookSecret }).from(workspaces).where(eq(workspaces.id, workspaceId)).limit(1);
  if (!row?.secret) return null;
  const known = keys.get(row.secret);
  if (known) return known;
  const key = Buffer.from(hkdfSync('sha256', openWorkspaceSecret(secrets, workspaceId, row.secret), 'rapport', 'unsubscribe-token-v1', 32));
  if (keys.size > 1_000) keys.clear();
  keys.set(row.secret, key);
  return key;
};

const missingSecret = (workspaceId: string) => new Error(`workspace "${workspaceId}" has no signing secret; restart once to generate it`);

/** Seals a target into a token under the workspace's token key (`tokenKey`). */
export const sealUnsubscribeToken = (key: Buffer, target: UnsubscribeTarget): string => {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(target.workspaceId, 'utf8'));
  const sealed = Buffer.concat([cipher.update(JSON.stringify([target.customerId, target.channel]), 'utf8'), cipher.final()]);
  return `${Buffer.from(target.workspaceId, 'utf8').toString('base64url')}.${Buffer.concat([iv, sealed, cipher.getAuthTag()]).toString('base64url')}`;
};

export const unsubscribeToken = async (services: TokenServices, target: UnsubscribeTarget): Promise<string> => {
  const key = await tokenKey(services, target.workspaceId);
  if (!key) throw missingSecret(target.workspaceId);
  return sealUnsubscribeToken(key, target);
};

/** The target of a token, or null when it is malformed, forged or from another installation. */
export const readUnsubscribeToken = async (services: TokenServices, token: string): Promise<UnsubscribeTarget | null> => {
  const match = /^([A-Za-z0-9_-]{1,200})\.([A-Za-z0-9_-]{40,1000})$/.exec(token);
  if (!match?.[1] || !match[2]) return null;
  const workspaceId = Buffer.from(match[1], 'base64url').toString('utf8');
  const key = await tokenKey(services, workspaceId);
  if (!key) return null;
  const bytes = Buffer.from(match[2], 'base64url');
  if (bytes.length < 12 + 16 + 1) return null;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, 12));
    decipher.setAAD(Buffer.from(workspaceId, 'utf8'));
    decipher.setAuthTag(bytes.subarray(bytes.length - 16));
    const plain = Buffer.concat([decipher.update(bytes.subarray(12, bytes.length - 16)), decipher.final()]).toString('utf8');
    const parsed: unknown = JSON.parse(plain);
    if (!Array.isArray(parsed) || parsed.length !== 2) return null;
    const [customerId, channel] = parsed as unknown[];
    if (typeof customerId !== 'string' || (channel !== 'email' && channel !== 'sms')) return null;
    return { workspaceId, customerId, channel };
  } catch {
    return null;
  }
};

/** Where the runtime is reachable from the outside: RAPPORT_PUBLIC_URL, else http://HOST:PORT. */
export const publicBaseUrl = (config: Config): string => (config.RAPPORT_PUBLIC_URL ?? `http://${config.HOST}:${config.PORT}`).replace(/\/+$/, '');

/** The one-click link for `target`, sealed under `key` (the workspace's `tokenKey`). */
export const unsubscribeUrl = (config: Config, key: Buffer | null, target: UnsubscribeTarget): string => {
  if (!key) throw missingSecret(target.workspaceId);
  return `${publicBaseUrl(config)}/u/${sealUnsubscribeToken(key, target)}`;
};

/** The RFC 8058 headers of a marketing email to the customer. */
export const listUnsubscribeHeaders = (url: string): Record<string, string> => ({
  'List-Unsubscribe': `<${url}>`,
  'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
});
