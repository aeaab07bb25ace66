import { createMiddleware } from 'hono/factory';
import { ApiError } from './errors.js';
import type { AppEnv } from './services.js';
import type { KeyScope } from './keys.js';
import { enforceRateLimit } from './rate-limit.js';

const unauthorized = (message: string) =>
  new ApiError(401, 'unauthorized', message, [], { 'WWW-Authenticate': 'Basic realm="rapport", Bearer' });

/** The key from `Authorization: Basic base64(key:)` (Segment's way) or `Authorization: Bearer key`. */
const presentedKey = (header: string | undefined): string | null => {
  if (!header) return null;
  const [scheme, value] = header.split(' ', 2);
  if (!value) return null;
  if (scheme?.toLowerCase() === 'bearer') return value.trim();
  if (scheme?.toLowerCase() === 'basic') {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const user = decoded.split(':', 1)[0];
    return user ? user : null;
  }
  return null;
};

/**
 * Requires a key with one of `scopes`; admin keys may do everything. Then takes a token from the
 * key's rate-limit bucket: ingest routes (those a write key may call) use the ingest limits, the
 * others the management limits.
 */
export const requireKey = (...scopes: KeyScope[]) =>
  createMiddleware<AppEnv>(async (c, next) => {
    const key = presentedKey(c.req.header('authorization'));
    if (!key) throw unauthorized('send your key: "Authorization: Bearer <admin key>" for management, or HTTP Basic with the write key as user name for ingest');
    const identity = await c.var.services.keys.identify(key);
    if (!identity) throw unauthorized('this key is not valid (wrong, revoked, or from another installation)');
    if (identity.scope !== 'admin' && !scopes.includes(identity.scope)) {
      throw new ApiError(403, 'forbidden', `a ${identity.scope} key cannot call this route; use a key with scope ${scopes.join(' or ')}`);
    }
    enforceRateLimit(c.var.services, scopes.includes('write') ? 'ingest' : 'management', identity.keyId, `key ${identity.keyId}`);
    c.set('identity', identity);
    await next();
  });
