import { and, asc, eq, type SQL } from 'drizzle-orm';
import { Hono } from 'hono';
import { z } from 'zod';
import { tasks } from '../../drizzle/schema.js';
import { requireKey } from '../auth.js';
import { badRequest, notFound, zodDetails } from '../errors.js';
import type { AppEnv } from '../services.js';

const taskQuerySchema = z.object({
  assigneeType: z.string().min(1).max(50).optional(),
  assigneeId: z.string().min(1).max(200).optional(),
  done: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

/** Tasks journeys created for people and teams (`create_task`): the work list, earliest due first. */
export const taskRoutes = new Hono<AppEnv>()
  .get('/', requireKey('read'), async (c) => {
    const query = taskQuerySchema.safeParse(c.req.query());
    if (!query.success) {
      const details = zodDetails(query.error, ['query']);
      throw badRequest(`invalid query: ${details[0]?.message ?? 'malformed'} at ${details[0]?.path?.join('.') ?? 'query'}`, details);
    }
    const { assigneeType, assigneeId, done, limit } = query.data;
    const filters: SQL[] = [eq(tasks.workspaceId, c.var.identity.workspaceId)];
    if (assigneeType) filters.push(eq(tasks.assigneeType, assigneeType));
    if (assigneeId) filters.push(eq(tasks.assigneeId, assigneeId));
    if (done !== undefined) filters.push(eq(tasks.done, done));
    const rows = await c.var.services.db
      .select()
      .from(tasks)
      .where(and(...filters))
      .orderBy(asc(tasks.dueAt), asc(tasks.id))
      .limit(limit);
    return c.json({ tasks: rows });
  })
  .post('/:id/done', requireKey('admin'), async (c) => {
    const [task] = await c.var.services.db
      .update(tasks)
      .set({ done: true })
      .where(and(eq(tasks.workspaceId, c.var.identity.workspaceId), eq(tasks.id, c.req.param('id'))))
      .returning();
    if (!task) throw notFound(`task "${c.req.param('id')}"`);
    return c.json(task);
  });
