import { Hono } from 'hono';
import { requireKey } from '../auth.js';
import { badRequest, invalidBody, readJson, zodDetails } from '../errors.js';
import type { AppEnv } from '../services.js';
import { getRunDetail, listRuns, runListQuerySchema } from '../runtime/runs.js';
import { replayStoredRun } from '../runtime/replay.js';
import { performSurgery, surgeryRequestSchema } from '../runtime/surgery.js';

/** Runs: the list (filters, keyset pagination), one run with its steps, effects and pending timers, and replay. */
export const runRoutes = new Hono<AppEnv>()
  .use(requireKey('read'))
  .get('/', async (c) => {
    const query = runListQuerySchema.safeParse(c.req.query());
    if (!query.success) {
      const details = zodDetails(query.error, ['query']);
      throw badRequest(`invalid query: ${details[0]?.message ?? 'malformed'} at ${details[0]?.path?.join('.') ?? 'query'}`, details);
    }
    return c.json(await listRuns(c.var.services, c.var.identity.workspaceId, query.data));
  })
  .get('/:id', async (c) => c.json(await getRunDetail(c.var.services, c.var.identity.workspaceId, c.req.param('id'))))
  .post('/:id/surgery', requireKey('admin'), async (c) => {
    const parsed = surgeryRequestSchema.safeParse(await readJson(c));
    if (!parsed.success) throw invalidBody(parsed.error);
    return c.json(await performSurgery(c.var.services, c.var.identity.workspaceId, c.req.param('id'), parsed.data, { keyId: c.var.identity.keyId }));
  })
  .post('/:id/replay', async (c) => c.json(await replayStoredRun(c.var.services, c.var.identity.workspaceId, c.req.param('id'))));
