import { Hono } from 'hono';
import { requireKey } from '../auth.js';
import { invalidBody, readJson } from '../errors.js';
import { createKey, createKeySchema, listKeys, revokeKey } from '../runtime/api-keys.js';
import type { AppEnv } from '../services.js';

/** API keys (admin): list without secrets, create (the key is shown once), revoke. */
export const keyRoutes = new Hono<AppEnv>()
  .use(requireKey('admin'))
  .get('/', async (c) => c.json({ keys: await listKeys(c.var.services, c.var.identity.workspaceId) }))
  .post('/', async (c) => {
    const parsed = createKeySchema.safeParse(await readJson(c));
    if (!parsed.success) throw invalidBody(parsed.error);
    return c.json(await createKey(c.var.services, c.var.identity.workspaceId, parsed.data, c.var.identity.keyId), 201);
  })
  .delete('/:id', async (c) => c.json(await revokeKey(c.var.services, c.var.identity.workspaceId, c.req.param('id'), c.var.identity.keyId)));
