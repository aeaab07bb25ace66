import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { HmacSchemeSettings } from '../../../drizzle/schema.js';
import { liveSecrets, type SigningSecret } from '../secret-list.js';

/**
 * Verifying inbound deliveries. Pure: the clock comes in as `now`, the secrets as values.
 *
 * - `standard` — Standard Webhooks (https://www.standardwebhooks.com): headers `webhook-id`,
 *   `webhook-timestamp` (seconds; at most 5 minutes old or ahead) and `webhook-signature`, a
 *   space-separated list of `v1,<base64 HMAC-SHA256(key, "<id>.<timestamp>.<raw body>")>`. The key
 *   is the base64 after "whsec_".
 * - `hmac_sha256` — a plain shared secret: the header `settings.header` holds
 *   `<prefix><hex or base64 HMAC-SHA256(secret as UTF-8, raw body)>` (GitHub, Shopify and most
 *   shops). Only the body is signed — no timestamp, no id — so the body's SHA-256 is the replay key:
 *   a captured delivery sent again, even under a new delivery-id header, is a duplicate. The
 *   provider's id (`settings.idHeader`) is kept as the delivery's `webhookId`, for people.
 *
 * Any live secret of the source may match (rotation). Comparisons are constant-time
 * (`crypto.timingSafeEqual` on equal-length digests) and every candidate is compared, matched or not.
 */
export type SignatureScheme = 'standard' | 'hmac_sha256';
export const signatureSchemes = ['standard', 'hmac_sha256'] as const satisfies readonly SignatureScheme[];

export const timestampToleranceSeconds = 5 * 60;
/** More signatures than this in one header are ignored (bounds the work an attacker can cause). */
const maxSignatures = 8;
const standardPrefix = 'whsec_';

/**
 * `webhookId`: the sender's delivery id, as shown; `replayKey`: what makes a delivery unique (the
 * signed `webhook-id`, or the body hash for schemes that sign only the body).
 */
export type Verification = { ok: true; webhookId: string; replayKey: string; secretIndex: number } | { ok: false; reason: string };

/** Header lookup; names are matched case-insensitively by the caller's `get` (e.g. `Headers#get`). */
export interface HeaderReader {
  get(name: string): string | null;
}

/** The HMAC key of a secret under a scheme; null when a standard secret is not "whsec_" + base64. */
export const secretKey = (scheme: SignatureScheme, secret: string): Buffer | null => {
  if (scheme === 'hmac_sha256') return Buffer.from(secret, 'utf8');
  const encoded = secret.startsWith(standardPrefix) ? secret.slice(standardPrefix.length) : secret;
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encoded)) return null;
  const key = Buffer.from(encoded, 'base64');
  return key.length >= 16 ? key : null;
};

/** Why a secret someone supplies cannot be used (null when it can). */
export const secretProblem = (scheme: SignatureScheme, secret: string): string | null => {
  if (scheme === 'standard') {
    return secretKey(scheme, secret) === null ? 'a Standard Webhooks secret is "whsec_" followed by the base64 of at least 16 random bytes' : null;
  }
  if (secret.length < 16 || secret.length > 512) return 'a shared HMAC secret has 16 to 512 characters';
  return null;
};

/** A fresh secret: "whsec_" + base64 of 32 random bytes (standard), 64 hex characters (hmac_sha256). */
export const generateSecret = (scheme: SignatureScheme): string =>
  scheme === 'standard' ? `${standardPrefix}${randomBytes(32).toString('base64')}` : randomBytes(32).toString('hex');

/** Index of the first key whose digest equals `candidate`, comparing against every key (no early exit). */
const matchDigest = (candidate: Buffer, digests: readonly Buffer[]): number => {
  let found = -1;
  digests.forEach((digest, index) => {
    if (candidate.length === digest.length && timingSafeEqual(candidate, digest) && found < 0) found = index;
  });
  return found;
};

const hmac = (key: Buffer, ...parts: (string | Buffer)[]): Buffer => {
  const mac = createHmac('sha256', key);
  for (const part of parts) mac.update(part);
  return mac.digest();
};

export const verifyStandard = (headers: HeaderReader, body: Buffer, keys: readonly Buffer[], nowMs: number): Verification => {
  const id = headers.get('webhook-id');
  const timestamp = headers.get('webhook-timestamp');
  const signature = headers.get('webhook-signature');
  const missing = [!id && 'webhook-id', !timestamp && 'webhook-timestamp', !signature && 'webhook-signature'].filter(Boolean);
  if (!id || !timestamp || !signature) return { ok: false, reason: `unsigned: missing ${missing.join(', ')} header${missing.length > 1 ? 's' : ''} (Standard Webhooks)` };
  if (id.length > 200) return { ok: false, reason: 'webhook-id is longer than 200 characters' };
  if (!/^\d{1,12}$/.test(timestamp.trim())) return { ok: false, reason: `webhook-timestamp "${timestamp.slice(0, 40)}" is not a whole number of seconds` };
  const sentAt = Number(timestamp.trim());
  const now = Math.floor(nowMs / 1000);
  if (sentAt < now - timestampToleranceSeconds) return { ok: false, reason: `webhook-timestamp is ${now - sentAt} s old (more than ${timestampToleranceSeconds} s): stale or replayed` };
  if (sentAt > now + timestampToleranceSeconds) return { ok: false, reason: `webhook-timestamp is ${sentAt - now} s in the future (more than ${timestampToleranceSeconds} s)` };
  const candidates = signature
    .split(' ')
    .filter((part) => part.startsWith('v1,'))
    .slice(0, maxSignatures)
    .map((part) => Buffer.from(part.slice(3), 'base64'));
  if (candidates.length === 0) return { ok: false, reason: 'webhook-signature holds no "v1,<base64>" signature' };
  const digests = keys.map((key) => hmac(key, `${id}.${timestamp}.`, body));
  for (const candidate of candidates) {
    const index = matchDigest(candidate, digests);
    if (index >= 0) return { ok: true, webhookId: id, replayKey: id, secretIndex: index };
  }
  return { ok: false, reason: 'bad signature: no webhook-signature matches a current secret of this source (wrong secret or a changed body)' };
};

const decodeDigest = (text: string, encoding: HmacSchemeSettings['encoding']): Buffer | null => {
  if (encoding === 'hex') return /^[0-9a-fA-F]{64}$/.test(text) ? Buffer.from(text, 'hex') : null;
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(text)) return null;
  const bytes = Buffer.from(text, 'base64');
  return bytes.length === 32 ? bytes : null;
};

export const verifyHmac = (headers: HeaderReader, body: Buffer, keys: readonly Buffer[], settings: HmacSchemeSettings): Verification => {
  const value = headers.get(settings.header)?.trim();
  if (!value) return { ok: false, reason: `unsigned: missing ${settings.header} header` };
  if (!value.startsWith(settings.prefix)) return { ok: false, reason: `${settings.header} does not start with "${settings.prefix}"` };
  const candidate = decodeDigest(value.slice(settings.prefix.length), settings.encoding);
  if (!candidate) return { ok: false, reason: `${settings.header} is not a ${settings.encoding} HMAC-SHA256` };
  const index = matchDigest(candidate, keys.map((key) => hmac(key, body)));
  if (index < 0) return { ok: false, reason: `bad signature: ${settings.header} matches no current secret of this source (wrong secret or a changed body)` };
  const replayKey = `sha256:${createHash('sha256').update(body).digest('hex')}`;
  const providerId = settings.idHeader ? headers.get(settings.idHeader)?.trim() : undefined;
  return { ok: true, webhookId: providerId && providerId.length <= 200 ? providerId : replayKey, replayKey, secretIndex: index };
};

/** Verifies a delivery against a source's live secrets (opened) under its scheme. */
export const verifyDelivery = (
  source: { scheme: SignatureScheme; hmac: HmacSchemeSettings | null; secrets: readonly SigningSecret[] },
  headers: HeaderReader,
  body: Buffer,
  now: number,
): Verification => {
  const keys = liveSecrets(source.secrets, now).flatMap((s) => {
    const key = secretKey(source.scheme, s.secret);
    return key ? [key] : [];
  });
  if (keys.length === 0) return { ok: false, reason: 'the source has no current secret; rotate it to make one' };
  if (source.scheme === 'standard') return verifyStandard(headers, body, keys, now);
  if (!source.hmac) return { ok: false, reason: 'the source has no HMAC settings' };
  return verifyHmac(headers, body, keys, source.hmac);
};
