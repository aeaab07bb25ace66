import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { ApiError, errorResponse } from './errors.js';
import type { AppEnv, Services } from './services.js';
import { healthRoutes } from './routes/health.js';
import { backtestRoutes, journeyBacktestRoutes } from './routes/backtests.js';
import { analyticsRoutes } from './routes/analytics.js';
import { mailboxRoutes } from './routes/mailbox.js';
import { taskRoutes } from './routes/tasks.js';
import { customerRoutes } from './routes/customers.js';
import { journeyRoutes } from './routes/journeys.js';
import { runRoutes } from './routes/runs.js';
import { ingestRoutes } from './routes/ingest.js';
import { journeyStatsRoutes } from './routes/journey-stats.js';
import { editorRoutes } from './routes/editor.js';
import { docsRoutes } from './routes/docs.js';
import { sourceRoutes } from './routes/sources.js';
import { hookRoutes } from './routes/hooks.js';
import { keyRoutes } from './routes/keys.js';
import { auditRoutes } from './routes/audit.js';
import { endpointRoutes } from './routes/endpoints.js';
import { crmRoutes } from './routes/crm.js';
import { segmentRoutes } from './routes/segments.js';
import { contactStrategyRoutes } from './routes/contact-strategy.js';
import { suppressionRoutes } from './routes/suppressions.js';
import { unsubscribeRoutes } from './routes/unsubscribe.js';

/** The HTTP app. Every resource is a sub-app mounted here; one error path for all of them. */
export const createApp = (services: Services) => {
  const app = new Hono<AppEnv>();
  app.use('*', async (c, next) => {
    c.set('services', services);
    await next();
  });
  // Chained so the route types add up: the editor's API client is typed from `AppType`.
  const routes = app
    .route('/', healthRoutes)
    .route('/v1/mailbox', mailboxRoutes)
    .route('/v1/tasks', taskRoutes)
    .route('/v1/journeys', journeyRoutes)
    .route('/v1/journeys', journeyStatsRoutes)
    .route('/v1/journeys', journeyBacktestRoutes)
    .route('/v1/journeys', analyticsRoutes)
    .route('/v1/backtests', backtestRoutes)
    .route('/v1/runs', runRoutes)
    .route('/v1/customers', customerRoutes)
    .route('/', ingestRoutes)
    .route('/v1/sources', sourceRoutes)
    .route('/v1/hooks', hookRoutes)
    .route('/v1/keys', keyRoutes)
    .route('/v1/audit', auditRoutes)
    .route('/v1/endpoints', endpointRoutes)
    .route('/v1', crmRoutes)
    .route('/v1/segments', segmentRoutes)
    .route('/v1/settings/contact-strategy', contactStrategyRoutes)
    .route('/v1/suppressions', suppressionRoutes)
    .route('/', unsubscribeRoutes)
    .route('/', docsRoutes)
    // Last: the editor answers every other GET (SPA fallback), never API paths.
    .route('/', editorRoutes);
  app.notFound((c) => c.json({ error: { code: 'not_found', message: `no route ${c.req.method} ${c.req.path}; see GET /openapi.json` } }, 404));
  app.onError((error, c) => {
    if (error instanceof ApiError) return errorResponse(c, error);
    if (error instanceof HTTPException) {
      return errorResponse(c, new ApiError(error.status === 413 ? 413 : error.status, error.status === 413 ? 'body_too_large' : 'http_error', error.message || 'request failed'));
    }
    services.log.error({ err: error, path: c.req.path }, 'unhandled error');
    return c.json({ error: { code: 'internal', message: 'internal error; the request was not applied. See the server log for details.' } }, 500);
  });
  return routes;
};
export type App = ReturnType<typeof createApp>;
/** The typed route tree, for `hc<AppType>()` clients. */
export type AppType = App;
