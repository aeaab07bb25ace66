import { sql } from 'drizzle-orm';
import { queryRows } from '../../drizzle/db.js';
import type { effects } from '../../drizzle/schema.js';
import type { JsonValue } from '../../workflows/index.js';
import type { DeliveryError } from '../channels/adapter.js';
import type { Services } from '../services.js';
import { anyKey, recordset, rowsCte } from './batch-statements.js';
import { retryDelayMs } from './retry-schedule.js';

/**
 * What became of a round's attempts, stored together: one fenced UPDATE for every effect of the
 * round and one INSERT into the attempt log. The update only takes an effect still `pending` at the
 * attempt number its claim counted, so a slow process whose lease ran out cannot overwrite a newer
 * attempt's outcome.
 */
export type EffectRow = typeof effects.$inferSelect;

export type Outcome =
  | { status: 'sent'; result: Record<string, JsonValue>; cost?: number }
  | { status: 'deferred'; until: number; reason: string }
  | { status: 'skipped'; result: Record<string, JsonValue>; reason: string }
  | { status: 'failed' | 'retry'; error: DeliveryError };

export interface PerformedEffect {
  /** The effect with this attempt counted (`attempts` is this attempt's number). */
  row: EffectRow;
  /** `attempts` as the table holds it while the attempt runs: the outcome is stored only if it still does. */
  fence: number;
  outcome: Outcome;
  /** When the attempt started (the services' clock) and how long it took. */
  startedAt: number;
  durationMs: number;
}

const lastErrorLimit = 2_000;
const attemptResponseLimit = 2_000;

export const truncate = (text: string): string => (text.length <= lastErrorLimit ? text : `${text.slice(0, lastErrorLimit - 1)}…`);

interface OutcomeWrite {
  id: number;
  fence: number;
  status: 'pending' | 'sent' | 'skipped' | 'failed';
  attempts: number;
  next_attempt_at: number | null;
  sent_at: number | null;
  result: Record<string, JsonValue> | null;
  last_error: string | null;
  cost: number | null;
}

/** The column values an outcome stores (null: keep the stored value, except `last_error`). */
const outcomeWrite = ({ row, outcome, fence }: PerformedEffect, at: number, maxAttempts: number, random: () => number): OutcomeWrite => {
  // A claim counted the attempt in the table already; an effect handed over by the worker counts it here.
  const base = { id: row.id, fence, attempts: row.attempts, next_attempt_at: null, sent_at: null, result: null, cost: null };
  switch (outcome.status) {
    case 'sent':
      return { ...base, status: 'sent', sent_at: at, result: outcome.result, last_error: null, cost: outcome.cost ?? null };
    case 'skipped':
      return { ...base, status: 'skipped', result: outcome.result, last_error: outcome.reason };
    case 'deferred':
      // Still pending, due when the quiet hours end; the claim's attempt is given back.
      return { ...base, status: 'pending', attempts: row.attempts - 1, next_attempt_at: outcome.until, last_error: truncate(outcome.reason) };
    case 'retry': {
      const delay = retryDelayMs(row.attempts, random, outcome.error.retryAfterMs);
      const lastError = truncate(`${outcome.error.message} (attempt ${row.attempts} of ${maxAttempts}; next in ${Math.round(delay / 1000)} s)`);
      return { ...base, status: 'pending', next_attempt_at: at + delay, last_error: lastError };
    }
    case 'failed': {
      const reason = outcome.error.retryable ? `gave up after ${row.attempts} attempts` : 'not retryable';
      return { ...base, status: 'failed', last_error: truncate(`${outcome.error.message} (${reason})`) };
    }
  }
};

/**
 * Stores the outcomes of a round in one statement and logs each; returns the effects whose outcome
 * was stored (the others were taken over by a newer attempt after our lease ran out).
 */
export const recordOutcomes = async (services: Services, performed: readonly PerformedEffect[], random: () => number): Promise<PerformedEffect[]> => {
  if (performed.length === 0) return [];
  const { db, log, metrics, config } = services;
  const at = services.now();
  const writes = performed.map((effect) => outcomeWrite(effect, at, config.RAPPORT_MAX_ATTEMPTS, random));
  const changed = await queryRows<{ id: number }>(
    db,
    sql`with ${rowsCte('x', writes, 'id bigint, fence integer, status text, attempts integer, next_attempt_at bigint, sent_at bigint, result jsonb, last_error text, cost real')}
      update effects e set status = x.status,
        attempts = coalesce(x.attempts, e.attempts),
        next_attempt_at = coalesce(x.next_attempt_at, e.next_attempt_at),
        sent_at = coalesce(x.sent_at, e.sent_at),
        result = coalesce(x.result, e.result),
        last_error = x.last_error,
        cost = coalesce(x.cost, e.cost)
      from x
      where e.id = x.id and e.id = ${anyKey('x', 'id')} and e.attempts = x.fence and e.status = 'pending'
      returning e.id::float8 as id`,
  );
  const stored = new Set(changed.map((r) => Number(r.id)));
  const recorded: PerformedEffect[] = [];
  for (const effect of performed) {
    const { row, outcome } = effect;
    const context = { effectId: row.id, channel: row.channel, idempotencyKey: row.idempotencyKey, attempts: row.attempts };
    if (!stored.has(row.id)) {
      log.warn({ ...context, outcome: outcome.status }, 'effect outcome not recorded: its lease ran out and another attempt took it over');
      continue;
    }
    recorded.push(effect);
    switch (outcome.status) {
      case 'sent':
        log.debug(context, 'effect sent');
        break;
      case 'skipped':
        log.info({ ...context, reason: outcome.reason }, 'effect skipped');
        break;
      case 'deferred':
        log.info({ ...context, until: outcome.until }, 'effect deferred (quiet hours)');
        break;
      case 'retry':
        log.warn({ ...context, error: outcome.error.message }, 'effect failed, will retry');
        break;
      case 'failed':
        log.warn({ ...context, error: outcome.error.message }, 'effect failed');
        break;
    }
    if (outcome.status !== 'retry' && outcome.status !== 'deferred') metrics.inc('rapport_effects_total', { channel: row.channel, status: outcome.status });
  }
  return recorded;
};

interface AttemptWrite {
  effect_id: number;
  attempt: number;
  workspace_id: string;
  customer_id: string;
  at: number;
  duration_ms: number;
  outcome: 'sent' | 'skipped' | 'retry' | 'failed';
  status_code: number | null;
  error: string | null;
  response: string | null;
}

/** One row of the attempt log: when, how long, and what the provider said (status, error, the start of its answer). */
const attemptRow = ({ row, outcome, startedAt, durationMs }: PerformedEffect): AttemptWrite | null => {
  // A deferral is not an attempt: it gives the attempt back and leaves no row in the attempt log.
  if (outcome.status === 'deferred') return null;
  const base = { effect_id: row.id, attempt: row.attempts, workspace_id: row.workspaceId, customer_id: row.customerId, at: startedAt, duration_ms: durationMs, outcome: outcome.status };
  if (outcome.status === 'sent' || outcome.status === 'skipped') {
    const { status, responseBody } = outcome.result;
    const response = typeof responseBody === 'string' ? responseBody : JSON.stringify(outcome.result);
    return { ...base, status_code: typeof status === 'number' ? status : null, error: outcome.status === 'skipped' ? outcome.reason : null, response: response.slice(0, attemptResponseLimit) };
  }
  return { ...base, status_code: outcome.error.statusCode ?? null, error: truncate(outcome.error.message), response: outcome.error.response?.slice(0, attemptResponseLimit) ?? null };
};

/** Appends a round's attempts in one statement. The log is for people: losing it must not stop dispatching. */
export const recordAttempts = async (services: Services, performed: readonly PerformedEffect[]): Promise<void> => {
  const rows = performed.map(attemptRow).filter((row) => row !== null);
  if (rows.length === 0) return;
  try {
    await services.db.execute(sql`
      insert into effect_attempts (effect_id, attempt, workspace_id, customer_id, at, duration_ms, outcome, status_code, error, response)
      select effect_id, attempt, workspace_id, customer_id, at, duration_ms, outcome, status_code, error, response
      from ${recordset(rows, 'x', 'effect_id bigint, attempt integer, workspace_id text, customer_id text, at bigint, duration_ms integer, outcome text, status_code integer, error text, response text')}
      on conflict do nothing`);
  } catch (error) {
    services.log.error({ err: error, attempts: rows.length }, 'could not record effect attempts');
  }
};
