import { Hono } from 'hono';
import { requireKey } from '../auth.js';
import { badRequest } from '../errors.js';
import { enableEndpoint, listDisabledEndpoints } from '../runtime/endpoints.js';
import type { AppEnv } from '../services.js';

/** Outbound endpoints disabled after a 410 Gone: list them, and re-enable one (`?url=` as listed). */
export const endpointRoutes = new Hono<AppEnv>()
  .get('/disabled', requireKey('read'), async (c) => c.json({ endpoints: await listDisabledEndpoints(c.var.services, c.var.identity.workspaceId) }))
  .delete('/disabled', requireKey('admin'), async (c) => {
    const url = c.req.query('url');
    if (!url) throw badRequest('name the endpoint to re-enable: DELETE /v1/endpoints/disabled?url=<url as listed>', [{ path: ['query', 'url'], message: 'required' }]);
    return c.json(await enableEndpoint(c.var.services, c.var.identity.workspaceId, url, c.var.identity.keyId));
  });
