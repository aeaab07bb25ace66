import type { JsonValue } from '../../workflows/index.js';
import { DeliveryError, type DeliveryContext } from './adapter.js';
import { signWebhook, webhookSecret } from './signing.js';

/**
 * Every outbound HTTP call Rapport makes goes through `sendHttp`: signed (Standard Webhooks),
 * idempotent (`Idempotency-Key` and `webhook-id` = the effect's idempotency key), bounded in time
 * (10 s) and in what is read back (64 KB), never following redirects. Outbound address checks
 * (SSRF protection, `RAPPORT_OUTBOUND_ALLOW`) belong in `checkTarget` below, the one place every
 * request passes.
 */
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface OutboundRequest {
  method: HttpMethod;
  url: string;
  headers?: Record<string, string>;
  body?: string | null;
  idempotencyKey: string;
}

export const httpTimeoutMs = 10_000;
export const responseBodyLimit = 64 * 1024;
const userAgent = 'Rapport-Webhooks/0.1 (+https://www.standardwebhooks.com)';

/** Sends a request; resolves with the result to store when the answer is 2xx, else throws `DeliveryError`. */
export const sendHttp = async (request: OutboundRequest, ctx: DeliveryContext): Promise<Record<string, JsonValue>> => {
  const url = checkTarget(request.url);
  const body = request.body ?? '';
  if (body !== '' && request.method === 'GET') throw new DeliveryError('a GET request cannot have a body; use POST or remove the body', { retryable: false });
  const headers = buildHeaders(request, body, ctx);
  const started = performance.now();
  let response: Response;
  try {
    response = await fetch(url, {
      method: request.method,
      headers,
      ...(body === '' ? {} : { body }),
      redirect: 'manual',
      signal: AbortSignal.any([ctx.signal, AbortSignal.timeout(httpTimeoutMs)]),
    });
  } catch (error) {
    throw new DeliveryError(`${request.method} ${url.host}: ${networkProblem(error)}`, { retryable: true });
  }
  const answer = await readCapped(response);
  const durationMs = Math.round(performance.now() - started);
  const status = response.status;
  if (status >= 200 && status < 300) {
    return { status, durationMs, responseBody: answer.text, ...(answer.truncated ? { responseTruncated: true } : {}) };
  }
  const snippet = answer.text.trim().slice(0, 200);
  const said = `${request.method} ${url.host} answered ${status}${snippet ? `: ${snippet}` : ''}`;
  if (status >= 300 && status < 400) {
    throw new DeliveryError(`${said} (redirect to ${response.headers.get('location') ?? 'nowhere'} not followed; configure the final URL)`, { retryable: false });
  }
  if (status === 408 || status === 429 || status >= 500) {
    const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'), ctx.services.now());
    throw new DeliveryError(said, { retryable: true, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) });
  }
  if (status === 410) throw new DeliveryError(`endpoint gone (410): ${request.method} ${url.host} no longer accepts requests`, { retryable: false });
  throw new DeliveryError(said, { retryable: false });
};

/** POSTs a JSON document through `sendHttp`. */
export const postJson = (url: string, document: Record<string, JsonValue>, idempotencyKey: string, ctx: DeliveryContext) =>
  sendHttp({ method: 'POST', url, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(document), idempotencyKey }, ctx);

/** The place for outbound address policy (SSRF protection); today it only checks the URL's form. */
const checkTarget = (target: string): URL => {
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    throw new DeliveryError(`"${target.slice(0, 200)}" is not a valid URL`, { retryable: false });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new DeliveryError(`only http:// and https:// URLs can be called, not ${url.protocol}`, { retryable: false });
  }
  return url;
};

const buildHeaders = (request: OutboundRequest, body: string, ctx: DeliveryContext): Headers => {
  const timestamp = Math.floor(ctx.services.now() / 1000);
  const { key } = webhookSecret(ctx.services.config);
  try {
    const headers = new Headers(request.headers ?? {});
    if (!headers.has('user-agent')) headers.set('user-agent', userAgent);
    // Ours come last so a journey's headers cannot replace the signature or the idempotency key.
    headers.set('idempotency-key', request.idempotencyKey);
    headers.set('webhook-id', request.idempotencyKey);
    headers.set('webhook-timestamp', String(timestamp));
    headers.set('webhook-signature', signWebhook(key, request.idempotencyKey, timestamp, body));
    return headers;
  } catch (error) {
    throw new DeliveryError(`invalid request header: ${(error as Error).message}`, { retryable: false });
  }
};

const networkProblem = (error: unknown): string => {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) return `no answer within ${httpTimeoutMs / 1000} s`;
  const cause = error instanceof Error ? (error.cause as { code?: unknown; message?: unknown } | undefined) : undefined;
  const detail = typeof cause?.code === 'string' ? cause.code : typeof cause?.message === 'string' ? cause.message : error instanceof Error ? error.message : String(error);
  return `request failed (${detail})`;
};

/** Reads at most `responseBodyLimit` bytes of the answer; a body that fails mid-way counts as empty. */
const readCapped = async (response: Response): Promise<{ text: string; truncated: boolean }> => {
  if (!response.body) return { text: '', truncated: false };
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return { text: Buffer.concat(chunks).toString('utf8'), truncated: false };
      const room = responseBodyLimit - size;
      if (value.byteLength > room) {
        chunks.push(value.subarray(0, room));
        await reader.cancel().catch(() => undefined);
        return { text: Buffer.concat(chunks).toString('utf8'), truncated: true };
      }
      chunks.push(value);
      size += value.byteLength;
    }
  } catch {
    return { text: Buffer.concat(chunks).toString('utf8'), truncated: true };
  }
};

/** `Retry-After` as milliseconds from `now`: delta-seconds or an HTTP-date; undefined when absent or invalid. */
export const parseRetryAfter = (value: string | null, now: number): number | undefined => {
  if (value === null) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
};
