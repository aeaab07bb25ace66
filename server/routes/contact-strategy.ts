import { Hono } from 'hono';
import { z } from 'zod';
import { contactStrategySchema } from '../../workflows/contact-policy.js';
import { dialogueScriptNames } from '../../workflows/dialogue-scripts.js';
import { requireKey } from '../auth.js';
import { invalidBody, notFound, readJson } from '../errors.js';
import { contactStrategyVersions, loadContactStrategy, saveContactStrategy } from '../runtime/contact-strategy.js';
import type { AppEnv } from '../services.js';

export const contactStrategyRequestSchema = z.object({ strategy: contactStrategySchema, note: z.string().max(500).optional() }).strict();

/** The contact strategy in force (per value cluster), and saving a new version of it. */
export const contactStrategyRoutes = new Hono<AppEnv>()
  .get('/', requireKey('read'), async (c) => {
    const stored = await loadContactStrategy(c.var.services.db, c.var.identity.workspaceId);
    if (!stored) throw notFound('a contact strategy (none saved yet: marketing messages are not restricted; PUT one)');
    return c.json(stored);
  })
  // The script names `create_task` steps can pick, with the rules that define each (empty while no strategy is saved).
  .get('/scripts', requireKey('read'), async (c) => {
    const stored = await loadContactStrategy(c.var.services.db, c.var.identity.workspaceId);
    return c.json({ version: stored?.version ?? null, scripts: dialogueScriptNames(stored?.strategy ?? null) });
  })
  .get('/versions', requireKey('read'), async (c) => c.json({ versions: await contactStrategyVersions(c.var.services.db, c.var.identity.workspaceId) }))
  .put('/', requireKey('admin'), async (c) => {
    const parsed = contactStrategyRequestSchema.safeParse(await readJson(c));
    if (!parsed.success) throw invalidBody(parsed.error);
    return c.json(await saveContactStrategy(c.var.services, c.var.identity.workspaceId, parsed.data.strategy, parsed.data.note ?? null, c.var.identity.keyId));
  });
