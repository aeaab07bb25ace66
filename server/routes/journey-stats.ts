import { Hono } from 'hono';
import { requireKey } from '../auth.js';
import type { AppEnv } from '../services.js';
import { journeyStats } from '../runtime/journey-stats.js';

/** `GET /v1/journeys/:id/stats`: per-node live counts for the editor's live view. */
export const journeyStatsRoutes = new Hono<AppEnv>().get('/:id/stats', requireKey('read'), async (c) =>
  c.json(await journeyStats(c.var.services, c.var.identity.workspaceId, c.req.param('id'))),
);
