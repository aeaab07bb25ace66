import { and, desc, eq, lt, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import type { Executor } from '../../drizzle/db.js';
import { auditLog } from '../../drizzle/schema.js';
import type { JsonValue } from '../../workflows/index.js';
import { badRequest } from '../errors.js';

/**
 * The audit log: who changed keys, webhook sources, journeys, endpoints and settings, and when. Written in the
 * transaction of the change where there is one. `details` is what helps a reader (names, versions,
 * scopes), never a secret or a key.
 */
export type AuditAction =
  | 'key.create'
  | 'key.revoke'
  | 'source.create'
  | 'source.update'
  | 'source.rotate'
  | 'source.secret_delete'
  | 'source.disable'
  | 'journey.create'
  | 'journey.update'
  | 'journey.import'
  | 'journey.publish'
  | 'journey.pause'
  | 'journey.resume'
  | 'journey.archive'
  | 'endpoint.create'
  | 'endpoint.update'
  | 'endpoint.rotate'
  | 'endpoint.secret_delete'
  | 'endpoint.delete'
  | 'endpoint.disable'
  | 'endpoint.enable'
  | 'settings.update'
  | 'customer.consent'
  | 'customer.delete'
  | 'suppression.lift'
  | 'run.surgery'
  | 'segment.create'
  | 'segment.update'
  | 'segment.delete';

/** Who acts: the API key of the request, or null for the system (CLI, first start, the dispatcher). */
export type ActorKeyId = string | null;

export interface AuditEntry {
  workspaceId: string;
  actorKeyId: ActorKeyId;
  action: AuditAction;
  targetType: 'key' | 'source' | 'journey' | 'endpoint' | 'settings' | 'customer' | 'suppression' | 'run' | 'segment';
  targetId: string;
  details?: Record<string, JsonValue>;
  at: number;
}

export const recordAudit = async (db: Executor, entry: AuditEntry): Promise<void> => {
  await db.insert(auditLog).values({ ...entry, details: entry.details ?? {} });
};

export const auditQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(100),
  cursor: z.string().regex(/^\d+$/, 'pass nextCursor from the previous page unchanged').optional(),
  action: z.string().min(1).max(50).optional(),
  targetType: z.enum(['key', 'source', 'journey', 'endpoint', 'settings', 'customer', 'suppression', 'run', 'segment']).optional(),
  targetId: z.string().min(1).max(200).optional(),
});
export type AuditQuery = z.infer<typeof auditQuerySchema>;

/** Newest first, keyset-paginated on the entry id. */
export const listAudit = async (db: Executor, workspaceId: string, query: AuditQuery) => {
  const conditions: SQL[] = [eq(auditLog.workspaceId, workspaceId)];
  if (query.cursor) {
    const id = Number(query.cursor);
    if (!Number.isSafeInteger(id)) throw badRequest('the cursor is not one this API returned', [{ path: ['query', 'cursor'], message: 'invalid cursor' }]);
    conditions.push(lt(auditLog.id, id));
  }
  if (query.action) conditions.push(eq(auditLog.action, query.action));
  if (query.targetType) conditions.push(eq(auditLog.targetType, query.targetType));
  if (query.targetId) conditions.push(eq(auditLog.targetId, query.targetId));
  const rows = await db
    .select()
    .from(auditLog)
    .where(and(...conditions))
    .orderBy(desc(auditLog.id))
    .limit(query.limit + 1);
  const page = rows.slice(0, query.limit).map(({ workspaceId: _workspace, ...entry }) => entry);
  const last = page[page.length - 1];
  return { entries: page, nextCursor: rows.length > query.limit && last ? String(last.id) : null };
};
