import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { ApiError, errorResponse } from './errors.js';
import type { AppEnv, Services } from './services.js';
import { healthRoutes } from './routes/health.js';

/** The HTTP app. Every resource is a sub-app mounted here; one error path for all of them. */
export const createApp = (services: Services) => {
  const app = new Hono<AppEnv>();
  app.use('*', async (c, next) => {
    c.set('services', services);
    await next();
  });
  app.route('/', healthRoutes);
  app.notFound((c) => c.json({ error: { code: 'not_found', message: `no route ${c.req.method} ${c.req.path}; see GET /openapi.json` } }, 404));
  app.onError((error, c) => {
    if (error instanceof ApiError) return errorResponse(c, error);
    if (error instanceof HTTPException) {
      return errorResponse(c, new ApiError(error.status === 413 ? 413 : error.status, error.status === 413 ? 'body_too_large' : 'http_error', error.message || 'request failed'));
    }
    services.log.error({ err: error, path: c.req.path }, 'unhandled error');
    return c.json({ error: { code: 'internal', message: 'internal error; the request was not applied. See the server log for details.' } }, 500);
  });
  return app;
};
export type App = ReturnType<typeof createApp>;
