import { randomUUID } from 'node:crypto';
import { and, asc, eq, isNull, ne } from 'drizzle-orm';
import { z } from 'zod';
import { apiKeys } from '../../drizzle/schema.js';
import { ApiError, notFound } from '../errors.js';
import { generateKey, hashKey } from '../keys.js';
import type { Services } from '../services.js';
import { recordAudit, type ActorKeyId } from './audit.js';

/**
 * API keys of a workspace: scopes `write` (ingest only), `read` (management GETs), `admin`
 * (everything). A key is shown once when created and stored as its SHA-256; lists show its id,
 * name, scope and first characters. Revoking takes effect at once in this process and within the
 * key cache's TTL (5 s) in others. The last active admin key cannot be revoked.
 */
export const createKeySchema = z
  .object({
    name: z.string().trim().min(1).max(200).describe('what the key is for, e.g. "shop backend"'),
    scope: z.enum(['admin', 'write', 'read']),
  })
  .strict();
export type CreateKey = z.infer<typeof createKeySchema>;

const keyView = {
  id: apiKeys.id,
  name: apiKeys.name,
  scope: apiKeys.scope,
  prefix: apiKeys.prefix,
  createdAt: apiKeys.createdAt,
  lastUsedAt: apiKeys.lastUsedAt,
  revokedAt: apiKeys.revokedAt,
};

export const listKeys = (services: Services, workspaceId: string) =>
  services.db.select(keyView).from(apiKeys).where(eq(apiKeys.workspaceId, workspaceId)).orderBy(asc(apiKeys.createdAt), asc(apiKeys.id));

export const createKey = async (services: Services, workspaceId: string, input: CreateKey, actor: ActorKeyId) => {
  const key = generateKey(input.scope);
  const now = services.now();
  return services.db.transaction(async (tx) => {
    const [row] = await tx
      .insert(apiKeys)
      .values({ id: randomUUID(), workspaceId, scope: input.scope, hash: hashKey(key), prefix: key.slice(0, 12), name: input.name, createdAt: now })
      .returning(keyView);
    const created = row as NonNullable<typeof row>;
    await recordAudit(tx, { workspaceId, actorKeyId: actor, action: 'key.create', targetType: 'key', targetId: created.id, details: { name: created.name, scope: created.scope, prefix: created.prefix }, at: now });
    return { ...created, key };
  });
};

export const revokeKey = async (services: Services, workspaceId: string, keyId: string, actor: ActorKeyId) => {
  const now = services.now();
  const result = await services.db.transaction(async (tx) => {
    const [row] = await tx.select().from(apiKeys).where(and(eq(apiKeys.workspaceId, workspaceId), eq(apiKeys.id, keyId))).for('update');
    if (!row) throw notFound(`key "${keyId}"`);
    if (row.revokedAt !== null) return row;
    if (row.scope === 'admin') {
      const others = await tx
        .select({ id: apiKeys.id })
        .from(apiKeys)
        .where(and(eq(apiKeys.workspaceId, workspaceId), eq(apiKeys.scope, 'admin'), isNull(apiKeys.revokedAt), ne(apiKeys.id, keyId)))
        .limit(1)
        .for('update');
      if (others.length === 0) throw new ApiError(409, 'last_admin_key', 'this is the last active admin key; create another admin key first, or nobody could manage the workspace');
    }
    const [revoked] = await tx.update(apiKeys).set({ revokedAt: now }).where(eq(apiKeys.id, keyId)).returning();
    await recordAudit(tx, { workspaceId, actorKeyId: actor, action: 'key.revoke', targetType: 'key', targetId: keyId, details: { name: row.name, scope: row.scope, prefix: row.prefix }, at: now });
    return revoked as NonNullable<typeof revoked>;
  });
  services.keys.forget(keyId);
  const { hash: _hash, workspaceId: _workspace, ...view } = result;
  return view;
};
