import type { JsonValue } from '../../workflows/index.js';
import type { Config } from '../config.js';
import { disableEndpoint, endpointKey, findDisabledEndpoint } from '../runtime/endpoints.js';
import { endpointSecretsFor } from '../runtime/webhook-endpoints.js';
import { secretKey } from '../runtime/webhooks/signatures.js';
import { DeliveryError, type DeliveryContext } from './adapter.js';
import { allowsAddress, allowsHost, parseAllowList, parseIp, refusal, withArticle, type AllowList } from './addresses.js';
import { requestPinned, systemResolver, type PinnedResponse, type ResolvedAddress } from './pinned-request.js';
import { signatureHeader, webhookSecret } from './signing.js';
import { timeoutSignal } from './timeout-signal.js';

/**
 * Every outbound HTTP call Rapport makes goes through `sendHttp`: signed (Standard Webhooks, with the
 * secrets of the registered endpoint the URL falls under, else the workspace's default secret),
 * idempotent (`Idempotency-Key` and `webhook-id` = the effect's idempotency key), bounded in time
 * (RAPPORT_OUTBOUND_TIMEOUT_MS, 10 s) and in what is read back (64 KB), never following redirects. `checkTarget` is the one
 * outbound address policy (SSRF protection): the host is resolved, every address must be public
 * (or allow-listed by RAPPORT_OUTBOUND_ALLOW), and the connection is pinned to the checked address.
 * An endpoint that answers 410 Gone is disabled for the workspace (see runtime/endpoints.ts).
 */
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface OutboundRequest {
  method: HttpMethod;
  url: string;
  headers?: Record<string, string>;
  body?: string | null;
  idempotencyKey: string;
}

export const responseBodyLimit = 64 * 1024;
/** How much of an answer the attempt log keeps. */
const attemptResponseLimit = 2_000;
const userAgent = 'Rapport-Webhooks/0.1 (+https://www.standardwebhooks.com)';

/** Sends a request; resolves with the result to store when the answer is 2xx, else throws `DeliveryError`. */
export const sendHttp = async (request: OutboundRequest, ctx: DeliveryContext): Promise<Record<string, JsonValue>> => {
  const url = parseTarget(request.url);
  const endpoint = endpointKey(url);
  const disabled = await findDisabledEndpoint(ctx.services.db, ctx.workspaceId, endpoint);
  if (disabled) {
    throw new DeliveryError(
      `endpoint ${endpoint} is disabled since ${new Date(disabled.disabledAt).toISOString()} (${disabled.reason}); re-enable it with DELETE /v1/endpoints/disabled?url=${encodeURIComponent(endpoint)}`,
      { retryable: false },
    );
  }
  const body = request.body ?? '';
  if (body !== '' && request.method === 'GET') throw new DeliveryError('a GET request cannot have a body; use POST or remove the body', { retryable: false });
  const headers = buildHeaders(request, body, ctx, await signingKeys(ctx, url));
  const timeoutMs = ctx.services.config.RAPPORT_OUTBOUND_TIMEOUT_MS;
  const deadline = timeoutSignal(timeoutMs);
  const signal = AbortSignal.any([ctx.signal, deadline.signal]);
  const started = performance.now();
  let response: PinnedResponse;
  let answer: { text: string; truncated: boolean };
  try {
    const pin = await checkTarget(url, ctx, signal);
    response = await requestPinned(url, pin, { method: request.method, headers, body, signal });
    answer = await response.read(responseBodyLimit);
  } catch (error) {
    if (error instanceof DeliveryError) throw error;
    throw new DeliveryError(`${request.method} ${url.host}: ${networkProblem(error, timeoutMs)}`, { retryable: true });
  } finally {
    deadline.clear();
  }
  const durationMs = Math.round(performance.now() - started);
  const status = response.status;
  if (status >= 200 && status < 300) {
    return { status, durationMs, responseBody: answer.text, ...(answer.truncated ? { responseTruncated: true } : {}) };
  }
  const snippet = answer.text.trim().slice(0, 200);
  const said = `${request.method} ${url.host} answered ${status}${snippet ? `: ${snippet}` : ''}`;
  const logged = { statusCode: status, response: answer.text.slice(0, attemptResponseLimit) };
  if (status >= 300 && status < 400) {
    throw new DeliveryError(`${said} (redirect to ${response.headers.get('location') ?? 'nowhere'} not followed; configure the final URL)`, { retryable: false, ...logged });
  }
  if (status === 408 || status === 429 || status >= 500) {
    const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'), ctx.services.now());
    throw new DeliveryError(said, { retryable: true, ...logged, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) });
  }
  if (status === 410) {
    await disableEndpoint(ctx.services, ctx.workspaceId, endpoint, `answered 410 Gone to ${request.method}`);
    throw new DeliveryError(
      `endpoint gone (410): ${request.method} ${url.host} no longer accepts requests; the endpoint is disabled (re-enable it with DELETE /v1/endpoints/disabled?url=${encodeURIComponent(endpoint)})`,
      { retryable: false, ...logged },
    );
  }
  throw new DeliveryError(said, { retryable: false, ...logged });
};

/** POSTs a JSON document through `sendHttp`. */
export const postJson = (url: string, document: Record<string, JsonValue>, idempotencyKey: string, ctx: DeliveryContext) =>
  sendHttp({ method: 'POST', url, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(document), idempotencyKey }, ctx);

/** The URL, if it is one Rapport may call at all (http or https). */
const parseTarget = (target: string): URL => {
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    throw new DeliveryError(`"${target.slice(0, 200)}" is not a valid URL`, { retryable: false });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new DeliveryError(`only http:// and https:// URLs can be called, not ${url.protocol}`, { retryable: false });
  }
  if (url.username || url.password) throw new DeliveryError('URLs with credentials (user:password@) are not called; send them in a header', { retryable: false });
  return url;
};

/** `promise`, or a rejection when `signal` aborts first (DNS lookups take no signal of their own). */
const abortable = <T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> => {
  if (!signal) return promise;
  return new Promise<T>((resolve, reject) => {
    const abort = () => reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
    if (signal.aborted) return abort();
    signal.addEventListener('abort', abort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', abort));
  });
};

const allowLists = new WeakMap<Config, AllowList>();
const allowListOf = (config: Config): AllowList => {
  let list = allowLists.get(config);
  if (!list) {
    list = parseAllowList(config.RAPPORT_OUTBOUND_ALLOW);
    allowLists.set(config, list);
  }
  return list;
};

/**
 * The outbound address policy, run for every request just before it connects. The host of the
 * (WHATWG-normalised) URL is either an IP literal, checked as it is, or a name, resolved to all its
 * addresses, each of which must pass. Returns the address to connect to (the connection is pinned to
 * it); a refused target fails at once (not retryable), a name that does not resolve is retried.
 */
export const checkTarget = async (url: URL, ctx: Pick<DeliveryContext, 'services' | 'resolveHost'>, signal?: AbortSignal): Promise<ResolvedAddress> => {
  const allow = allowListOf(ctx.services.config);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const literal = parseIp(host);
  let addresses: ResolvedAddress[];
  if (literal) {
    addresses = [{ address: host, family: literal.family }];
  } else {
    try {
      addresses = await abortable((ctx.resolveHost ?? systemResolver)(host), signal);
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      throw new DeliveryError(`${url.host}: the host name does not resolve (${typeof code === 'string' ? code : (error as Error).message})`, { retryable: true });
    }
    if (addresses.length === 0) throw new DeliveryError(`${url.host}: the host name resolves to no address`, { retryable: true });
  }
  const byName = !literal && allowsHost(allow, host);
  for (const { address } of addresses) {
    const reason = refusal(address);
    if (reason && !byName && !allowsAddress(allow, address)) {
      const via = literal ? '' : ` resolves to ${address}, which`;
      throw new DeliveryError(
        `refused to call ${url.host}: it${via} is ${withArticle(reason)}; outbound calls go to public addresses only (add the host to RAPPORT_OUTBOUND_ALLOW for a self-hosted target)`,
        { retryable: false },
      );
    }
  }
  return addresses[0] as ResolvedAddress;
};

/** The keys to sign a request to `url` with: its endpoint's live secrets (newest first), else the workspace's default secret. */
const signingKeys = async (ctx: DeliveryContext, url: URL): Promise<Buffer[]> => {
  const endpoint = await endpointSecretsFor(ctx.services, ctx.workspaceId, url);
  if (!endpoint) return [webhookSecret(ctx.services.config).key];
  const keys = endpoint.secrets.flatMap((secret) => secretKey('standard', secret) ?? []);
  if (keys.length === 0) throw new DeliveryError(`endpoint ${endpoint.endpointId} has no usable secret; rotate it (POST /v1/endpoints/${endpoint.endpointId}/rotate)`, { retryable: false });
  return keys;
};

const buildHeaders = (request: OutboundRequest, body: string, ctx: DeliveryContext, keys: readonly Buffer[]): Headers => {
  const timestamp = Math.floor(ctx.services.now() / 1000);
  try {
    const headers = new Headers(request.headers ?? {});
    if (!headers.has('user-agent')) headers.set('user-agent', userAgent);
    // Ours come last so a journey's headers cannot replace the signature or the idempotency key.
    headers.set('idempotency-key', request.idempotencyKey);
    headers.set('webhook-id', request.idempotencyKey);
    headers.set('webhook-timestamp', String(timestamp));
    headers.set('webhook-signature', signatureHeader(keys, request.idempotencyKey, timestamp, body));
    return headers;
  } catch (error) {
    throw new DeliveryError(`invalid request header: ${(error as Error).message}`, { retryable: false });
  }
};

const networkProblem = (error: unknown, timeoutMs: number): string => {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) return `no answer within ${timeoutMs / 1000} s`;
  const { code, cause } = (error ?? {}) as { code?: unknown; cause?: { code?: unknown; message?: unknown } };
  const detail =
    typeof code === 'string' ? code : typeof cause?.code === 'string' ? cause.code : typeof cause?.message === 'string' ? cause.message : error instanceof Error ? error.message : String(error);
  return `request failed (${detail})`;
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
