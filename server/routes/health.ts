import { Hono } from 'hono';
import { queryRows, sql } from '../../drizzle/db.js';
import type { AppEnv } from '../services.js';

export const healthRoutes = new Hono<AppEnv>()
  .get('/healthz', async (c) => {
    await c.var.services.db.execute(sql`select 1`);
    return c.json({ status: 'ok' });
  })
  .get('/metrics', async (c) => {
    const { db, metrics, now } = c.var.services;
    // Queue depths are read at scrape time (cheap: each count uses a partial or due-time index).
    const [depths] = await queryRows<{ events: number; timers: number; effects: number; runs: number }>(
      db,
      sql`select
        (select count(*) from events where processed_at is null)::int as events,
        (select count(*) from timers where due_at <= ${now()})::int as timers,
        (select count(*) from effects where status = 'pending')::int as effects,
        (select count(*) from runs where status = 'active')::int as runs`,
    );
    if (depths) {
      metrics.set('rapport_queue_depth', { queue: 'events_unprocessed' }, depths.events);
      metrics.set('rapport_queue_depth', { queue: 'timers_due' }, depths.timers);
      metrics.set('rapport_queue_depth', { queue: 'effects_pending' }, depths.effects);
      metrics.set('rapport_queue_depth', { queue: 'runs_active' }, depths.runs);
    }
    return c.text(metrics.render(), 200, { 'Content-Type': 'text/plain; version=0.0.4' });
  });
