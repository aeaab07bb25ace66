import { Hono } from 'hono';
import { requireKey } from '../auth.js';
import { invalidBody, readJson } from '../errors.js';
import { backtestRequestSchema, cancelBacktest, getBacktest, listBacktests, startBacktest } from '../runtime/backtests.js';
import type { AppEnv } from '../services.js';

/** `POST /v1/journeys/:id/backtests`: start a what-if simulation of the draft or a version over stored history. */
export const journeyBacktestRoutes = new Hono<AppEnv>().post('/:id/backtests', requireKey('read'), async (c) => {
  const parsed = backtestRequestSchema.safeParse(await readJson(c));
  if (!parsed.success) throw invalidBody(parsed.error);
  return c.json(await startBacktest(c.var.services, c.var.identity.workspaceId, c.req.param('id'), parsed.data), 202);
});

/** Backtests of this process: progress, results and comparison, cancellation. */
export const backtestRoutes = new Hono<AppEnv>()
  .use(requireKey('read'))
  .get('/', (c) => c.json({ backtests: listBacktests(c.var.services, c.var.identity.workspaceId, c.req.query('journeyId')) }))
  .get('/:id', (c) => c.json(getBacktest(c.var.services, c.var.identity.workspaceId, c.req.param('id'))))
  .delete('/:id', (c) => c.json(cancelBacktest(c.var.services, c.var.identity.workspaceId, c.req.param('id'))));
