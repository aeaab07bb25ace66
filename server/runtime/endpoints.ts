import { and, asc, eq } from 'drizzle-orm';
import type { Executor } from '../../drizzle/db.js';
import { disabledEndpoints } from '../../drizzle/schema.js';
import { badRequest, notFound } from '../errors.js';
import type { Services } from '../services.js';
import { recordAudit, type ActorKeyId } from './audit.js';

/**
 * Disabled endpoints: an outbound URL that answered 410 Gone is disabled for its workspace, and
 * effects to it fail at once until an admin re-enables it (`DELETE /v1/endpoints/disabled?url=`).
 * An endpoint is the exact URL called (scheme, host, port, path and query), without its fragment.
 */
export const endpointKey = (url: URL): string => {
  const copy = new URL(url.href);
  copy.hash = '';
  return copy.href;
};

export const findDisabledEndpoint = async (db: Executor, workspaceId: string, url: string) => {
  const [row] = await db
    .select()
    .from(disabledEndpoints)
    .where(and(eq(disabledEndpoints.workspaceId, workspaceId), eq(disabledEndpoints.url, url)))
    .limit(1);
  return row;
};

/** Records that `url` is gone (audited once, as the system). */
export const disableEndpoint = async (services: Services, workspaceId: string, url: string, reason: string): Promise<void> => {
  const now = services.now();
  await services.db.transaction(async (tx) => {
    const inserted = await tx.insert(disabledEndpoints).values({ workspaceId, url, disabledAt: now, reason }).onConflictDoNothing().returning({ url: disabledEndpoints.url });
    if (inserted.length > 0) await recordAudit(tx, { workspaceId, actorKeyId: null, action: 'endpoint.disable', targetType: 'endpoint', targetId: url, details: { reason }, at: now });
  });
  services.log.warn({ workspaceId, url, reason }, 'outbound endpoint disabled');
};

export const listDisabledEndpoints = async (services: Services, workspaceId: string) =>
  services.db
    .select({ url: disabledEndpoints.url, disabledAt: disabledEndpoints.disabledAt, reason: disabledEndpoints.reason })
    .from(disabledEndpoints)
    .where(eq(disabledEndpoints.workspaceId, workspaceId))
    .orderBy(asc(disabledEndpoints.disabledAt), asc(disabledEndpoints.url));

/** Re-enables a disabled endpoint; later effects to it are sent again. */
export const enableEndpoint = async (services: Services, workspaceId: string, url: string, actor: ActorKeyId) => {
  let key: string;
  try {
    key = endpointKey(new URL(url));
  } catch {
    throw badRequest(`"${url.slice(0, 200)}" is not a URL; pass the url exactly as GET /v1/endpoints/disabled lists it`, [{ path: ['query', 'url'], message: 'not a URL' }]);
  }
  const now = services.now();
  return services.db.transaction(async (tx) => {
    const [removed] = await tx
      .delete(disabledEndpoints)
      .where(and(eq(disabledEndpoints.workspaceId, workspaceId), eq(disabledEndpoints.url, key)))
      .returning();
    if (!removed) throw notFound(`disabled endpoint "${key}"`);
    await recordAudit(tx, { workspaceId, actorKeyId: actor, action: 'endpoint.enable', targetType: 'endpoint', targetId: key, details: { disabledAt: removed.disabledAt, reason: removed.reason }, at: now });
    return { url: key, enabled: true as const };
  });
};
