import type { z } from 'zod';
import type { Channel, JsonValue } from '../../workflows/index.js';
import type { Services } from '../services.js';
import type { HostResolver } from './pinned-request.js';
import type { DispatchRound } from './round.js';

/** An effect as the dispatcher hands it to an adapter: a claimed outbox row. */
export interface EffectToPerform {
  id: number;
  workspaceId: string;
  customerId: string;
  runId: string;
  nodeId: string;
  idempotencyKey: string;
  channel: string;
  payload: Record<string, JsonValue>;
  /** This attempt's number, 1 for the first. */
  attempts: number;
  createdAt: number;
}

export interface DeliveryContext {
  services: Services;
  /** The workspace of the effect (disabled endpoints are per workspace). */
  workspaceId: string;
  /** Aborts when the attempt has run too long for its lease; adapters pass it to their I/O. */
  signal: AbortSignal;
  /** DNS for outbound HTTP; the system resolver unless a test plays DNS. */
  resolveHost?: HostResolver;
  /** Send-time reads and mailbox writes, batched across the dispatcher round (round.ts). */
  round: DispatchRound;
}

export interface Delivery {
  /** What the provider answered (status, ids, generated codes); stored on the effect row. */
  result: Record<string, JsonValue>;
  /** Set when the effect was deliberately not performed (e.g. "no consent"); the row becomes `skipped`. */
  skipped?: string;
}

/** Performs one channel's effects. Throws `DeliveryError` when the effect was not delivered. */
export interface ChannelAdapter {
  perform(effect: EffectToPerform, ctx: DeliveryContext): Promise<Delivery>;
}

export interface DeliveryErrorOptions {
  /** Whether trying again later may succeed (timeouts, 5xx, 429) or never will (4xx, no address). */
  retryable: boolean;
  /** The provider asked us to wait at least this long (HTTP `Retry-After`). */
  retryAfterMs?: number;
  /** The HTTP status the provider answered, for the attempt log. */
  statusCode?: number;
  /** The start of the provider's answer, for the attempt log. */
  response?: string;
}

export class DeliveryError extends Error {
  readonly retryable: boolean;
  readonly retryAfterMs: number | undefined;
  readonly statusCode: number | undefined;
  readonly response: string | undefined;
  constructor(message: string, options: DeliveryErrorOptions) {
    super(message);
    this.name = 'DeliveryError';
    this.retryable = options.retryable;
    this.retryAfterMs = options.retryAfterMs;
    this.statusCode = options.statusCode;
    this.response = options.response;
  }
}

/** A payload that does not match its channel's shape is a bug upstream; retrying will not fix it. */
export const invalidPayload = (channel: Channel, problem: string): DeliveryError =>
  new DeliveryError(`invalid ${channel} effect payload: ${problem}`, { retryable: false });

/** Parses an effect payload with its channel's schema; a mismatch fails the effect at once. */
export const parsePayload = <T>(channel: Channel, schema: z.ZodType<T>, payload: unknown): T => {
  const parsed = schema.safeParse(payload);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw invalidPayload(channel, issue ? `${issue.path.map(String).join('.') || '(root)'}: ${issue.message}` : 'malformed');
};
