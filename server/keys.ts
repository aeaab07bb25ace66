import { createHash, randomBytes } from 'node:crypto';
import { and, eq, isNull } from 'drizzle-orm';
import type { Database } from '../drizzle/db.js';
import { apiKeys } from '../drizzle/schema.js';

export type KeyScope = 'admin' | 'write' | 'read';

export const hashKey = (key: string): string => createHash('sha256').update(key).digest('hex');

/** A new random key, e.g. "rk_write_3kT…"; shown once, stored only as a hash. */
export const generateKey = (scope: KeyScope): string => `rk_${scope}_${randomBytes(24).toString('base64url')}`;

export interface KeyIdentity {
  keyId: string;
  workspaceId: string;
  scope: KeyScope;
}

/**
 * Looks keys up by hash with a short cache, and records last-used time at most once a minute per
 * key. A revocation through this process clears its cache at once (`forget`); other processes
 * notice within `ttlMs`.
 */
export const createKeyStore = (db: Database, now: () => number, ttlMs = 5_000) => {
  const cache = new Map<string, { identity: KeyIdentity | null; until: number; touchedAt: number }>();
  return {
    async identify(key: string): Promise<KeyIdentity | null> {
      const hash = hashKey(key);
      const cached = cache.get(hash);
      const t = now();
      if (cached && cached.until > t) {
        if (cached.identity && t - cached.touchedAt > 60_000) {
          cached.touchedAt = t;
          await db.update(apiKeys).set({ lastUsedAt: t }).where(eq(apiKeys.id, cached.identity.keyId));
        }
        return cached.identity;
      }
      const [row] = await db.select().from(apiKeys).where(and(eq(apiKeys.hash, hash), isNull(apiKeys.revokedAt))).limit(1);
      const identity = row ? { keyId: row.id, workspaceId: row.workspaceId, scope: row.scope } : null;
      cache.set(hash, { identity, until: t + ttlMs, touchedAt: t });
      if (identity) await db.update(apiKeys).set({ lastUsedAt: t }).where(eq(apiKeys.id, identity.keyId));
      return identity;
    },
    /** Drops the cached identity of a key (after it was revoked), so the next request looks it up again. */
    forget(keyId: string): void {
      for (const [hash, entry] of cache) if (entry.identity?.keyId === keyId) cache.delete(hash);
    },
  };
};
export type KeyStore = ReturnType<typeof createKeyStore>;
