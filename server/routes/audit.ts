import { Hono } from 'hono';
import { requireKey } from '../auth.js';
import { badRequest, zodDetails } from '../errors.js';
import { auditQuerySchema, listAudit } from '../runtime/audit.js';
import type { AppEnv } from '../services.js';

/** The audit log (admin): who changed keys, sources, journeys and endpoints, newest first. */
export const auditRoutes = new Hono<AppEnv>().get('/', requireKey('admin'), async (c) => {
  const query = auditQuerySchema.safeParse(c.req.query());
  if (!query.success) {
    const details = zodDetails(query.error, ['query']);
    throw badRequest(`invalid query: ${details[0]?.message ?? 'malformed'} at ${details[0]?.path?.join('.') ?? 'query'}`, details);
  }
  return c.json(await listAudit(c.var.services.db, c.var.identity.workspaceId, query.data));
});
