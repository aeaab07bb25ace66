import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { requireKey } from '../auth.js';
import { badRequest, invalidBody, readJson, zodDetails } from '../errors.js';
import type { AppEnv } from '../services.js';
import { replayJourney } from '../runtime/replay.js';
import {
  changeJourneyStatus,
  createJourney,
  enrolCustomer,
  enrolRequestSchema,
  exportJourney,
  getJourney,
  getVersion,
  importJourney,
  importSchemaFor,
  journeyDraftSchema,
  listJourneys,
  listVersions,
  publishJourney,
  publishRequestSchema,
  replaceDraft,
  validateDraft,
} from '../runtime/journeys.js';

/** Journey management: drafts, validation, publishing, lifecycle, versions, import/export, enrolment. */

const read = requireKey('read');
const admin = requireKey('admin');

const body = async <S extends z.ZodType>(c: Context, schema: S): Promise<z.output<S>> => {
  const parsed = schema.safeParse(await readJson(c));
  if (!parsed.success) throw invalidBody(parsed.error);
  return parsed.data;
};

const versionParam = z.coerce.number().int().positive();
const replayQuery = z.object({ version: z.coerce.number().int().positive().optional(), limit: z.coerce.number().int().positive().max(100_000).optional() });
const importQuery = z.object({ replace: z.enum(['true', 'false']).default('false') });

export const journeyRoutes = new Hono<AppEnv>()
  .get('/', read, async (c) => c.json({ journeys: await listJourneys(c.var.services, c.var.identity.workspaceId) }))
  .post('/', admin, async (c) => {
    const draft = await body(c, journeyDraftSchema);
    return c.json(await createJourney(c.var.services, c.var.identity.workspaceId, draft, c.var.identity.keyId), 201);
  })
  .post('/import', admin, async (c) => {
    const query = importQuery.safeParse(c.req.query());
    if (!query.success) throw badRequest('invalid query: replace is "true" or "false"', zodDetails(query.error, ['query']));
    const json = await readJson(c);
    const parsed = importSchemaFor(json).safeParse(json);
    if (!parsed.success) throw invalidBody(parsed.error);
    const result = await importJourney(c.var.services, c.var.identity.workspaceId, parsed.data, { replace: query.data.replace === 'true' }, c.var.identity.keyId);
    return c.json(result, 201);
  })
  .get('/:id', read, async (c) => c.json(await getJourney(c.var.services, c.var.identity.workspaceId, c.req.param('id'))))
  .put('/:id', admin, async (c) => {
    const draft = await body(c, journeyDraftSchema);
    return c.json(await replaceDraft(c.var.services, c.var.identity.workspaceId, c.req.param('id'), draft, c.var.identity.keyId));
  })
  .post('/:id/validate', admin, async (c) => {
    const graph = (await c.req.text()).trim() === '' ? undefined : await readJson(c);
    return c.json(await validateDraft(c.var.services, c.var.identity.workspaceId, c.req.param('id'), graph));
  })
  .post('/:id/publish', admin, async (c) => {
    const request = await body(c, publishRequestSchema);
    return c.json(await publishJourney(c.var.services, c.var.identity.workspaceId, c.req.param('id'), request, c.var.identity.keyId), 201);
  })
  .post('/:id/pause', admin, async (c) => c.json(await changeJourneyStatus(c.var.services, c.var.identity.workspaceId, c.req.param('id'), 'pause', c.var.identity.keyId)))
  .post('/:id/resume', admin, async (c) => c.json(await changeJourneyStatus(c.var.services, c.var.identity.workspaceId, c.req.param('id'), 'resume', c.var.identity.keyId)))
  .post('/:id/archive', admin, async (c) => c.json(await changeJourneyStatus(c.var.services, c.var.identity.workspaceId, c.req.param('id'), 'archive', c.var.identity.keyId)))
  .post('/:id/replay', read, async (c) => {
    const query = replayQuery.safeParse(c.req.query());
    if (!query.success) throw badRequest('invalid query: version and limit are positive whole numbers', zodDetails(query.error, ['query']));
    await getJourney(c.var.services, c.var.identity.workspaceId, c.req.param('id'));
    return c.json(await replayJourney(c.var.services, c.var.identity.workspaceId, c.req.param('id'), query.data));
  })
  .get('/:id/versions', read, async (c) => c.json({ versions: await listVersions(c.var.services, c.var.identity.workspaceId, c.req.param('id')) }))
  .get('/:id/versions/:version', read, async (c) => {
    const version = versionParam.safeParse(c.req.param('version'));
    if (!version.success) throw badRequest(`"${c.req.param('version')}" is not a version number; versions are 1, 2, 3, …`, zodDetails(version.error, ['version']));
    return c.json(await getVersion(c.var.services, c.var.identity.workspaceId, c.req.param('id'), version.data));
  })
  .get('/:id/export', read, async (c) => c.json(await exportJourney(c.var.services, c.var.identity.workspaceId, c.req.param('id'))))
  .post('/:id/enrol', admin, async (c) => {
    const request = await body(c, enrolRequestSchema);
    const identity = c.var.identity;
    return c.json(await enrolCustomer(c.var.services, identity.workspaceId, c.req.param('id'), request, `api key ${identity.keyId}`), 202);
  });
