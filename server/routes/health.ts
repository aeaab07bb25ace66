import { Hono } from 'hono';
import { sql } from '../../drizzle/db.js';
import type { AppEnv } from '../services.js';

export const healthRoutes = new Hono<AppEnv>()
  .get('/healthz', async (c) => {
    await c.var.services.db.execute(sql`select 1`);
    return c.json({ status: 'ok' });
  })
  .get('/metrics', (c) => c.text(c.var.services.metrics.render(), 200, { 'Content-Type': 'text/plain; version=0.0.4' }));
