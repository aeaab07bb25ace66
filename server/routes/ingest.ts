import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { createMiddleware } from 'hono/factory';
import { requireKey } from '../auth.js';
import { ApiError, badRequest, invalidBody, readJson } from '../errors.js';
import { eventRowsFromRequest, parseSegmentRequest, segmentCalls, storeEvents, SuppressedDuringIngest, type SegmentCallType } from '../runtime/ingest.js';
import type { AppEnv } from '../services.js';

/**
 * Segment-compatible ingest (HTTP Tracking API): `POST /v1/{identify,track,page,screen,group,alias,batch}`
 * with the write key as HTTP Basic user name. A 200 `{ success: true }` means every call of the
 * request is committed; a request with one invalid call stores nothing. Calls for a customer id
 * deleted for privacy (suppressed) are answered 200 like the others but nothing is stored for them:
 * an error would only make Segment libraries retry them.
 */
const limitBody = createMiddleware<AppEnv>(async (c, next) => {
  const maxSize = c.var.services.config.RAPPORT_MAX_BODY_BYTES;
  const limit = bodyLimit({
    maxSize,
    onError: () => {
      throw new ApiError(413, 'body_too_large', `the request body is larger than ${maxSize} bytes; split the batch`);
    },
  });
  await limit(c, next);
});

const gunzipAsync = promisify(gunzip);

/** Segment's API takes `Content-Encoding: gzip` (some libraries compress); the limit holds for the unpacked body too. */
const gunzipBody = createMiddleware<AppEnv>(async (c, next) => {
  const encoding = c.req.header('content-encoding')?.trim().toLowerCase();
  if (encoding && encoding !== 'identity') {
    if (encoding !== 'gzip') throw new ApiError(415, 'unsupported_encoding', `Content-Encoding "${encoding}" is not supported; send gzip or uncompressed JSON`);
    const maxSize = c.var.services.config.RAPPORT_MAX_BODY_BYTES;
    // Read from the raw request (not c.req) so the unpacked body replaces it without a stale cache.
    const packed = new Uint8Array(await c.req.raw.arrayBuffer());
    const unpacked = await gunzipAsync(packed, { maxOutputLength: maxSize }).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ERR_BUFFER_TOO_LARGE') throw new ApiError(413, 'body_too_large', `the unpacked request body is larger than ${maxSize} bytes; split the batch`);
      throw badRequest(`the request body is not valid gzip (Content-Encoding: gzip): ${error.message}`);
    });
    const headers = new Headers(c.req.raw.headers);
    headers.delete('content-encoding');
    headers.delete('content-length');
    c.req.raw = new Request(c.req.raw, { headers, body: new Uint8Array(unpacked) });
  }
  await next();
});

const accept = async (c: Context<AppEnv>, endpoint: SegmentCallType | 'batch') => {
  const body = await readJson(c);
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw badRequest(endpoint === 'batch' ? 'the request body must be a JSON object: {"batch": [{"type": "track", …}]}' : 'the request body must be a JSON object, e.g. {"userId": "u1", …}');
  }
  const parsed = parseSegmentRequest(endpoint, body as Record<string, unknown>);
  if (!parsed.success) throw invalidBody(parsed.error);
  const { services, identity } = c.var;
  const rows = eventRowsFromRequest(parsed.data, { workspaceId: identity.workspaceId, receivedAt: services.now(), newMessageId: randomUUID });
  const inserted = await storeEvents(services.db, rows).catch((error: unknown) => {
    if (error instanceof SuppressedDuringIngest) throw new ApiError(503, 'retry', `${error.message}; nothing was stored, send the request again`);
    throw error;
  });
  services.metrics.inc('rapport_events_ingested_total', {}, inserted);
  if (inserted > 0) services.wake();
  return c.json({ success: true });
};

export const ingestRoutes = new Hono<AppEnv>().post('/v1/batch', requireKey('write'), limitBody, gunzipBody, (c) => accept(c, 'batch'));
for (const call of segmentCalls) ingestRoutes.post(`/v1/${call}`, requireKey('write'), limitBody, gunzipBody, (c) => accept(c, call));
