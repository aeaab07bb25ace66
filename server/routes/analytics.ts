import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { requireKey } from '../auth.js';
import { badRequest, zodDetails } from '../errors.js';
import {
  assertJourneyExists,
  exportRows,
  journeyReport,
  reportColumns,
  reportQuerySchema,
  reportRows,
  runColumns,
  stepColumns,
  toCsv,
  toNdjson,
} from '../runtime/analytics.js';
import type { AppEnv } from '../services.js';

const reportQuery = reportQuerySchema.extend({ format: z.enum(['json', 'csv']).default('json') });
const exportQuery = reportQuerySchema.extend({ format: z.enum(['csv', 'ndjson']).default('ndjson') });

const parse = <S extends z.ZodType>(c: Context<AppEnv>, schema: S): z.infer<S> => {
  const parsed = schema.safeParse(c.req.query());
  if (!parsed.success) {
    const details = zodDetails(parsed.error, ['query']);
    throw badRequest(`invalid query: ${details[0]?.message ?? 'malformed'} at ${details[0]?.path?.join('.') ?? 'query'}`, details);
  }
  return parsed.data;
};

const download = (c: Context<AppEnv>, body: string, format: 'csv' | 'ndjson', name: string) =>
  c.body(body, 200, {
    'Content-Type': format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson',
    'Content-Disposition': `attachment; filename="${name}.${format}"`,
  });

const exportOf = async (c: Context<AppEnv>, what: 'runs' | 'steps') => {
  const { format, ...query } = parse(c, exportQuery);
  const journeyId = c.req.param('id') ?? '';
  await assertJourneyExists(c.var.services, c.var.identity.workspaceId, journeyId);
  const rows = await exportRows(c.var.services, c.var.identity.workspaceId, journeyId, what, query);
  const body = format === 'csv' ? toCsv(what === 'runs' ? runColumns : stepColumns, rows) : toNdjson(rows);
  return download(c, body, format, `${journeyId}-${what}`);
};

/** The journey report (JSON or CSV) and exports of runs and steps (CSV or NDJSON). */
export const analyticsRoutes = new Hono<AppEnv>()
  .get('/:id/report', requireKey('read'), async (c) => {
    const { format, ...query } = parse(c, reportQuery);
    const report = await journeyReport(c.var.services, c.var.identity.workspaceId, c.req.param('id'), query);
    return format === 'csv' ? download(c, toCsv(reportColumns, reportRows(report)), 'csv', `${report.journeyId}-report`) : c.json(report);
  })
  .get('/:id/export/runs', requireKey('read'), (c) => exportOf(c, 'runs'))
  .get('/:id/export/steps', requireKey('read'), (c) => exportOf(c, 'steps'));
