import { Hono } from 'hono';
import { requireKey } from '../auth.js';
import { badRequest, zodDetails } from '../errors.js';
import {
  createSource,
  createSourceSchema,
  deleteSourceSecret,
  deliveryQuerySchema,
  disableSource,
  getSource,
  listDeliveries,
  listSources,
  previewMapping,
  previewSchema,
  rotateSource,
  rotateSourceSchema,
  updateSource,
  updateSourceSchema,
} from '../runtime/webhooks/sources.js';
import type { AppEnv } from '../services.js';
import { parseBody as body, parseSecretIndex } from './parse.js';

/** Inbound webhook sources: secrets shown once, mappings, rotation, deliveries, mapping preview. */

const read = requireKey('read');
const admin = requireKey('admin');

export const sourceRoutes = new Hono<AppEnv>()
  .get('/', read, async (c) => c.json({ sources: await listSources(c.var.services, c.var.identity.workspaceId) }))
  .post('/', admin, async (c) => {
    const input = await body(c, createSourceSchema);
    return c.json(await createSource(c.var.services, c.var.identity.workspaceId, input, c.var.identity.keyId), 201);
  })
  .get('/:id', read, async (c) => c.json(await getSource(c.var.services, c.var.identity.workspaceId, c.req.param('id'))))
  .patch('/:id', admin, async (c) => {
    const update = await body(c, updateSourceSchema);
    return c.json(await updateSource(c.var.services, c.var.identity.workspaceId, c.req.param('id'), update, c.var.identity.keyId));
  })
  .delete('/:id', admin, async (c) => c.json(await disableSource(c.var.services, c.var.identity.workspaceId, c.req.param('id'), c.var.identity.keyId)))
  .post('/:id/rotate', admin, async (c) => {
    const request = await body(c, rotateSourceSchema, {});
    return c.json(await rotateSource(c.var.services, c.var.identity.workspaceId, c.req.param('id'), request, c.var.identity.keyId));
  })
  .delete('/:id/secrets/:index', admin, async (c) => {
    const index = parseSecretIndex(c, `/v1/sources/${c.req.param('id')}`);
    return c.json(await deleteSourceSecret(c.var.services, c.var.identity.workspaceId, c.req.param('id'), index, c.var.identity.keyId));
  })
  .get('/:id/deliveries', read, async (c) => {
    const query = deliveryQuerySchema.safeParse(c.req.query());
    if (!query.success) {
      const details = zodDetails(query.error, ['query']);
      throw badRequest(`invalid query: ${details[0]?.message ?? 'malformed'} at ${details[0]?.path?.join('.') ?? 'query'}`, details);
    }
    return c.json(await listDeliveries(c.var.services, c.var.identity.workspaceId, c.req.param('id'), query.data));
  })
  .post('/:id/preview', admin, async (c) => {
    const request = await body(c, previewSchema);
    return c.json(await previewMapping(c.var.services, c.var.identity.workspaceId, c.req.param('id'), request));
  });
