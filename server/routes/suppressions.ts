import { Hono } from 'hono';
import { requireKey } from '../auth.js';
import { liftSuppression } from '../runtime/privacy.js';
import type { AppEnv } from '../services.js';

/** Suppressed customer ids (deleted for privacy): lifting one lets the id be ingested again. */
export const suppressionRoutes = new Hono<AppEnv>().delete('/:customerId', requireKey('admin'), async (c) =>
  c.json(await liftSuppression(c.var.services, c.var.identity.workspaceId, c.req.param('customerId'), c.var.identity.keyId)),
);
