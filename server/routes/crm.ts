import { Hono } from 'hono';
import { requireKey } from '../auth.js';
import { badRequest, readBody as body, zodDetails } from '../errors.js';
import type { AppEnv } from '../services.js';
import { clusterDefinitionSchema } from '../../workflows/clusters.js';
import { clusterDefinitionVersions, clusterSettingsRequestSchema, loadClusterDefinition, previewClusters, saveClusterDefinition, storedClusterCounts } from '../runtime/clusters.js';
import { loadStageModel, saveStageModel, stageModelVersions, stageModelRequestSchema, stageOverview, stageOverviewQuerySchema } from '../runtime/stages.js';

/** The CRM domain settings: the lifecycle stage model, the stage overview and value-cluster definitions. */

const read = requireKey('read');
const admin = requireKey('admin');

export const crmRoutes = new Hono<AppEnv>()
  .get('/settings/stages', read, async (c) => c.json(await loadStageModel(c.var.services.db, c.var.identity.workspaceId)))
  .put('/settings/stages', admin, async (c) => {
    const request = await body(c, stageModelRequestSchema);
    return c.json(await saveStageModel(c.var.services, c.var.identity.workspaceId, request, c.var.identity.keyId));
  })
  .get('/settings/stages/versions', read, async (c) => c.json({ versions: await stageModelVersions(c.var.services.db, c.var.identity.workspaceId) }))
  .get('/stages/overview', read, async (c) => {
    const query = stageOverviewQuerySchema.safeParse(c.req.query());
    if (!query.success) throw badRequest('invalid query: from and to are ISO 8601 times or epoch milliseconds', zodDetails(query.error, ['query']));
    return c.json(await stageOverview(c.var.services, c.var.identity.workspaceId, query.data));
  })
  .get('/settings/clusters', read, async (c) => {
    const { db } = c.var.services;
    const workspaceId = c.var.identity.workspaceId;
    const stored = await loadClusterDefinition(db, workspaceId);
    const counts = await storedClusterCounts(db, workspaceId);
    return c.json(stored ? { ...stored, counts } : { version: null, definition: null, note: null, createdAt: null, counts });
  })
  .get('/settings/clusters/versions', read, async (c) => c.json({ versions: await clusterDefinitionVersions(c.var.services.db, c.var.identity.workspaceId) }))
  .put('/settings/clusters', admin, async (c) => {
    const request = await body(c, clusterSettingsRequestSchema);
    return c.json(await saveClusterDefinition(c.var.services, c.var.identity.workspaceId, request, c.var.identity.keyId));
  })
  .post('/settings/clusters/preview', admin, async (c) => {
    const definition = await body(c, clusterDefinitionSchema);
    return c.json({ preview: await previewClusters(c.var.services, c.var.identity.workspaceId, definition) });
  });
