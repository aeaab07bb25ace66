import { Hono } from 'hono';
import { requireKey } from '../auth.js';
import { badRequest } from '../errors.js';
import { enableEndpoint, listDisabledEndpoints } from '../runtime/endpoints.js';
import {
  createEndpoint,
  createEndpointSchema,
  deleteEndpoint,
  deleteEndpointSecret,
  getEndpoint,
  listEndpoints,
  rotateEndpoint,
  rotateEndpointSchema,
  updateEndpoint,
  updateEndpointSchema,
} from '../runtime/webhook-endpoints.js';
import type { AppEnv } from '../services.js';
import { parseBody, parseSecretIndex } from './parse.js';

/**
 * Outbound webhook endpoints: receivers with their own signing secret (shown once, rotatable), and
 * the URLs disabled after a 410 Gone (`/disabled`, registered first so it is not taken for an id).
 */
const read = requireKey('read');
const admin = requireKey('admin');

export const endpointRoutes = new Hono<AppEnv>()
  .get('/disabled', read, async (c) => c.json({ endpoints: await listDisabledEndpoints(c.var.services, c.var.identity.workspaceId) }))
  .delete('/disabled', admin, async (c) => {
    const url = c.req.query('url');
    if (!url) throw badRequest('name the endpoint to re-enable: DELETE /v1/endpoints/disabled?url=<url as listed>', [{ path: ['query', 'url'], message: 'required' }]);
    return c.json(await enableEndpoint(c.var.services, c.var.identity.workspaceId, url, c.var.identity.keyId));
  })
  .get('/', read, async (c) => c.json({ endpoints: await listEndpoints(c.var.services, c.var.identity.workspaceId) }))
  .post('/', admin, async (c) => {
    const input = await parseBody(c, createEndpointSchema);
    return c.json(await createEndpoint(c.var.services, c.var.identity.workspaceId, input, c.var.identity.keyId), 201);
  })
  .get('/:id', read, async (c) => c.json(await getEndpoint(c.var.services, c.var.identity.workspaceId, c.req.param('id'))))
  .patch('/:id', admin, async (c) => {
    const update = await parseBody(c, updateEndpointSchema);
    return c.json(await updateEndpoint(c.var.services, c.var.identity.workspaceId, c.req.param('id'), update, c.var.identity.keyId));
  })
  .delete('/:id', admin, async (c) => c.json(await deleteEndpoint(c.var.services, c.var.identity.workspaceId, c.req.param('id'), c.var.identity.keyId)))
  .post('/:id/rotate', admin, async (c) => {
    const request = await parseBody(c, rotateEndpointSchema, {});
    return c.json(await rotateEndpoint(c.var.services, c.var.identity.workspaceId, c.req.param('id'), request, c.var.identity.keyId));
  })
  .delete('/:id/secrets/:index', admin, async (c) => {
    const index = parseSecretIndex(c, `/v1/endpoints/${c.req.param('id')}`);
    return c.json(await deleteEndpointSecret(c.var.services, c.var.identity.workspaceId, c.req.param('id'), index, c.var.identity.keyId));
  });
