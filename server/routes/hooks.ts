import { Hono } from 'hono';
import { enforceRateLimit } from '../rate-limit.js';
import { findHookSource, receiveDelivery } from '../runtime/webhooks/receive.js';
import type { AppEnv } from '../services.js';

/**
 * `POST /v1/hooks/:sourceId`: where providers deliver. No API key: the signature is the
 * authentication (see runtime/webhooks/receive.ts). The raw body is read up to
 * RAPPORT_MAX_BODY_BYTES, because signatures are over the exact bytes sent.
 */
const readRaw = async (request: Request, limit: number): Promise<Buffer | null> => {
  const declared = Number(request.headers.get('content-length') ?? NaN);
  if (Number.isFinite(declared) && declared > limit) return null;
  if (!request.body) return Buffer.alloc(0);
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of request.body as unknown as AsyncIterable<Uint8Array>) {
    size += chunk.byteLength;
    if (size > limit) return null;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
};

export const hookRoutes = new Hono<AppEnv>().post('/:sourceId', async (c) => {
  const { services } = c.var;
  const source = await findHookSource(services.db, c.req.param('sourceId'));
  enforceRateLimit(services, 'ingest', `source:${source.id}`, `webhook source ${source.id}`);
  const maxBodyBytes = services.config.RAPPORT_MAX_BODY_BYTES;
  const body = await readRaw(c.req.raw, maxBodyBytes);
  const received = await receiveDelivery(services, source, { headers: c.req.raw.headers, body, maxBodyBytes });
  return c.json(received.response, received.status);
});
