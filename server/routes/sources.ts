import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { requireKey } from '../auth.js';
import { badRequest, invalidBody, readJson, zodDetails } from '../errors.js';
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

/** Inbound webhook sources: secrets shown once, mappings, rotation, deliveries, mapping preview. */

const read = requireKey('read');
const admin = requireKey('admin');

const body = async <S extends z.ZodType>(c: Context, schema: S, empty?: unknown): Promise<z.output<S>> => {
  const json = empty !== undefined && (await c.req.text()).trim() === '' ? empty : await readJson(c);
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw invalidBody(parsed.error);
  return parsed.data;
};

const secretIndex = z.coerce.number().int().min(0).max(100);

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
    const index = secretIndex.safeParse(c.req.param('index'));
    if (!index.success) throw badRequest(`"${c.req.param('index')}" is not a secret index; GET /v1/sources/${c.req.param('id')} lists them (0 is the newest)`, zodDetails(index.error, ['index']));
    return c.json(await deleteSourceSecret(c.var.services, c.var.identity.workspaceId, c.req.param('id'), index.data, c.var.identity.keyId));
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
