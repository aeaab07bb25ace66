import { hc } from 'hono/client';
import type { AppType } from '../../../server/app.js';
import { clearKey, readKey } from './session.js';

/**
 * The typed API client (`hc<AppType>`): routes, params and JSON bodies are checked against the
 * server's route tree at compile time. Every call goes through `call()`, which turns an error
 * response into an `ApiFailure` carrying the server's message, and a 401 into a signed-out editor.
 */
export const authHeaders = (): Record<string, string> => {
  const key = readKey();
  return key ? { Authorization: `Bearer ${key}` } : {};
};

export const api = hc<AppType>(typeof window === 'undefined' ? 'http://localhost' : window.location.origin, { headers: authHeaders });

/**
 * Options for a call with a JSON body the route reads itself (not through a validator `hc` can
 * see). `init` replaces fetch's headers, so the key goes along here too.
 */
export const jsonBody = (body: unknown) => ({
  headers: () => ({ ...authHeaders(), 'Content-Type': 'application/json' }),
  init: { body: JSON.stringify(body) },
});

export interface ErrorDetail {
  path?: (string | number)[];
  message: string;
  nodeId?: string;
  edgeId?: string;
  code?: string;
}

export class ApiFailure extends Error {
  override name = 'ApiFailure';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: ErrorDetail[] = [],
  ) {
    super(message);
  }
}

interface ErrorBody {
  error?: { code?: string; message?: string; details?: ErrorDetail[] };
}

/** Awaits a client call; returns its JSON on 2xx, throws `ApiFailure` with the server's message otherwise. */
export const call = async <T>(request: Promise<{ ok: boolean; status: number; json(): Promise<T> }>): Promise<T> => {
  let response: { ok: boolean; status: number; json(): Promise<T> };
  try {
    response = await request;
  } catch (error) {
    throw new ApiFailure(0, 'network', `the server did not answer (${(error as Error).message}); is Rapport running?`);
  }
  if (response.ok) return response.json();
  let body: ErrorBody = {};
  try {
    body = (await response.json()) as ErrorBody;
  } catch {
    body = {};
  }
  const failure = new ApiFailure(response.status, body.error?.code ?? 'http_error', body.error?.message ?? `the server answered ${response.status}`, body.error?.details ?? []);
  if (response.status === 401) clearKey(failure.message);
  throw failure;
};

export const errorMessage = (error: unknown): string => (error instanceof Error ? error.message : String(error));
