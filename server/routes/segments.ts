import { Hono } from 'hono';
import { requireKey } from '../auth.js';
import { readBody, readQuery } from '../errors.js';
import type { AppEnv } from '../services.js';
import { periodQuerySchema } from '../runtime/period.js';
import { listSegmentMembers, memberQuerySchema, previewSegment, segmentCounts, segmentPreviewRequestSchema } from '../runtime/segment-reports.js';
import { checkAgainstWorkspace, createSegment, deleteSegment, getSegment, listSegments, updateSegment } from '../runtime/segments.js';
import { segmentRequestSchema, segmentUpdateSchema } from '../../workflows/segments.js';

/** Dynamic segments: definitions, a preview before saving, members and counts over time. */

const read = requireKey('read');
const admin = requireKey('admin');

export const segmentRoutes = new Hono<AppEnv>()
  .get('/', read, async (c) => c.json({ segments: await listSegments(c.var.services, c.var.identity.workspaceId) }))
  .post('/', admin, async (c) => {
    const request = await readBody(c, segmentRequestSchema);
    return c.json(await createSegment(c.var.services, c.var.identity.workspaceId, request, c.var.identity.keyId), 201);
  })
  .post('/preview', admin, async (c) => {
    const { definition } = await readBody(c, segmentPreviewRequestSchema);
    await checkAgainstWorkspace(c.var.services.db, c.var.identity.workspaceId, definition, ['definition']);
    return c.json(await previewSegment(c.var.services, c.var.identity.workspaceId, definition));
  })
  .get('/:id', read, async (c) => c.json(await getSegment(c.var.services, c.var.identity.workspaceId, c.req.param('id'))))
  .patch('/:id', admin, async (c) => {
    const update = await readBody(c, segmentUpdateSchema);
    return c.json(await updateSegment(c.var.services, c.var.identity.workspaceId, c.req.param('id'), update, c.var.identity.keyId));
  })
  .delete('/:id', admin, async (c) => c.json(await deleteSegment(c.var.services, c.var.identity.workspaceId, c.req.param('id'), c.var.identity.keyId)))
  .get('/:id/members', read, async (c) =>
    c.json(await listSegmentMembers(c.var.services, c.var.identity.workspaceId, c.req.param('id'), readQuery(c, memberQuerySchema))),
  )
  .get('/:id/counts', read, async (c) => c.json(await segmentCounts(c.var.services, c.var.identity.workspaceId, c.req.param('id'), readQuery(c, periodQuerySchema))));
