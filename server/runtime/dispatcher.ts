import { and, asc, eq, inArray, lte, sql } from 'drizzle-orm';
import { effectAttempts, effects } from '../../drizzle/schema.js';
import { channelSchema, type JsonValue } from '../../workflows/index.js';
import { DeliveryError, type ChannelAdapter, type EffectToPerform } from '../channels/adapter.js';
import { channelTargets, createChannelAdapters, type ChannelAdapters } from '../channels/index.js';
import type { HostResolver } from '../channels/pinned-request.js';
import { webhookSecret } from '../channels/signing.js';
import type { Services } from '../services.js';
import type { ContactDecision } from '../../workflows/contact-policy.js';
import { checkContactStrategy, type StrategyCache } from './contact-strategy.js';
import { retryDelayMs } from './retry-schedule.js';

/**
 * The dispatcher performs the outbox (`effects`). Delivery is at-least-once; providers see each
 * effect once because every call carries the effect's idempotency key.
 *
 * 1. Claim: one short statement picks due pending effects with `FOR UPDATE SKIP LOCKED`, counts the
 *    attempt and moves `next_attempt_at` a lease ahead. Other processes skip the rows while the
 *    statement runs and find them not due afterwards; a process that dies mid-send leaves the row
 *    to be retried when the lease runs out.
 * 2. Perform, outside any transaction, all claimed effects through their adapters: different
 *    customers concurrently, one customer's effects in order (so the contact strategy's frequency
 *    cap and budget see the message sent just before). Marketing messages (email, SMS) are first
 *    checked against the contact strategy (server/runtime/contact-strategy.ts): skipped, deferred
 *    past quiet hours (still pending, the attempt not counted), or sent with the channel's cost.
 *    Each attempt is bounded well inside the lease: HTTP 10 s, SMTP 10–30 s.
 * 3. Record: sent / skipped / retry later (the schedule in retry-schedule.ts, at least what the
 *    provider's Retry-After asked) / failed. The update is fenced on the attempt number, so a slow
 *    process whose lease ran out cannot overwrite a newer attempt's outcome.
 */
export const leaseMs = 60_000;
export { backoffCapMs, retryDelayMs } from './retry-schedule.js';
const lastErrorLimit = 2_000;

export interface DispatchOptions {
  /** Adapters to use instead of those configured from `services.config` (tests). */
  adapters?: ChannelAdapters;
  /** Source of jitter in [0, 1); `Math.random` unless a test pins it. */
  random?: () => number;
  /** DNS for outbound HTTP (tests play DNS with it); the system resolver otherwise. */
  resolveHost?: HostResolver;
}

export interface DispatchTally {
  claimed: number;
  sent: number;
  failed: number;
  retried: number;
  skipped: number;
  /** Marketing messages moved past the customer's quiet hours (still pending). */
  deferred: number;
}

type EffectRow = typeof effects.$inferSelect;
type Outcome =
  | { status: 'sent'; result: Record<string, JsonValue>; cost?: number }
  | { status: 'deferred'; until: number; reason: string }
  | { status: 'skipped'; result: Record<string, JsonValue>; reason: string }
  | { status: 'failed' | 'retry'; error: DeliveryError };

const adaptersByServices = new WeakMap<Services, ChannelAdapters>();

/** The configured adapters for `services`, built once (the SMTP transport is reused). */
export const channelAdaptersFor = (services: Services): ChannelAdapters => {
  let adapters = adaptersByServices.get(services);
  if (!adapters) {
    adapters = createChannelAdapters(services.config);
    adaptersByServices.set(services, adapters);
    if (webhookSecret(services.config).generated) {
      services.log.warn('RAPPORT_WEBHOOK_SECRET is not set: outbound webhooks are signed with a secret generated for this process, which receivers cannot know and which changes on restart. Set RAPPORT_WEBHOOK_SECRET=whsec_… to make signatures verifiable.');
    }
    services.log.info({ channels: channelTargets(services.config) }, 'effect channels');
  }
  return adapters;
};

/** Claims, performs and records one batch of due effects. */
export const dispatchBatch = async (services: Services, options: DispatchOptions = {}): Promise<DispatchTally> => {
  const adapters = options.adapters ?? channelAdaptersFor(services);
  const claimed = await claimDueEffects(services);
  const tally: DispatchTally = { claimed: claimed.length, sent: 0, failed: 0, retried: 0, skipped: 0, deferred: 0 };
  const attempts: (typeof effectAttempts.$inferInsert)[] = [];
  const strategies: StrategyCache = new Map();
  const byCustomer = new Map<string, EffectRow[]>();
  // In outbox order per customer (UPDATE … RETURNING does not keep the claim's ORDER BY on PostgreSQL).
  for (const row of [...claimed].sort((a, b) => a.id - b.id)) {
    const key = JSON.stringify([row.workspaceId, row.customerId]);
    byCustomer.set(key, [...(byCustomer.get(key) ?? []), row]);
  }
  const performOne = async (row: EffectRow) => {
    const startedAt = services.now();
    const started = performance.now();
    const outcome = await perform(services, adapters, row, options.resolveHost, strategies);
    // A deferral is not an attempt: it gives the attempt back and leaves no row in the attempt log.
    if (outcome.status !== 'deferred') attempts.push(attemptRow(row, outcome, startedAt, Math.round(performance.now() - started)));
    const recorded = await record(services, row, outcome, options.random ?? Math.random);
    if (!recorded) return;
    if (outcome.status === 'retry') tally.retried += 1;
    else tally[outcome.status] += 1;
  };
  await Promise.all(
    [...byCustomer.values()].map(async (rows) => {
      for (const row of rows) {
        try {
          await performOne(row);
        } catch (error) {
          // The effect stays claimed and is retried when its lease runs out.
          services.log.error({ err: error }, 'could not record an effect outcome');
        }
      }
    }),
  );
  await recordAttempts(services, attempts);
  return tally;
};

const attemptResponseLimit = 2_000;

/** One row of the attempt log: when, how long, and what the provider said (status, error, the start of its answer). */
const attemptRow = (row: EffectRow, outcome: Exclude<Outcome, { status: 'deferred' }>, at: number, durationMs: number): typeof effectAttempts.$inferInsert => {
  const base = { effectId: row.id, attempt: row.attempts, workspaceId: row.workspaceId, customerId: row.customerId, at, durationMs, outcome: outcome.status };
  if (outcome.status === 'sent' || outcome.status === 'skipped') {
    const { status, responseBody } = outcome.result;
    const response = typeof responseBody === 'string' ? responseBody : JSON.stringify(outcome.result);
    return { ...base, statusCode: typeof status === 'number' ? status : null, error: outcome.status === 'skipped' ? outcome.reason : null, response: response.slice(0, attemptResponseLimit) };
  }
  return { ...base, statusCode: outcome.error.statusCode ?? null, error: truncate(outcome.error.message), response: outcome.error.response?.slice(0, attemptResponseLimit) ?? null };
};

/** Appends a round's attempts in one statement. The log is for people: losing it must not stop dispatching. */
const recordAttempts = async (services: Services, attempts: (typeof effectAttempts.$inferInsert)[]): Promise<void> => {
  if (attempts.length === 0) return;
  try {
    await services.db.insert(effectAttempts).values(attempts).onConflictDoNothing();
  } catch (error) {
    services.log.error({ err: error, attempts: attempts.length }, 'could not record effect attempts');
  }
};

/**
 * One statement, so one short transaction: lock due rows other claimers have not locked, count the
 * attempt and push them a lease ahead. Rows another process holds are skipped, never waited for.
 */
const claimDueEffects = async (services: Services): Promise<EffectRow[]> => {
  const { db, now, config } = services;
  const at = now();
  const due = db
    .select({ id: effects.id })
    .from(effects)
    .where(and(eq(effects.status, 'pending'), lte(effects.nextAttemptAt, at)))
    .orderBy(asc(effects.nextAttemptAt), asc(effects.id))
    .limit(config.RAPPORT_DISPATCH_BATCH)
    .for('update', { skipLocked: true });
  return db
    .update(effects)
    .set({ attempts: sql`${effects.attempts} + 1`, nextAttemptAt: at + leaseMs })
    .where(inArray(effects.id, due))
    .returning();
};

const perform = async (services: Services, adapters: ChannelAdapters, row: EffectRow, resolveHost: HostResolver | undefined, strategies: StrategyCache): Promise<Outcome> => {
  const channel = channelSchema.safeParse(row.channel);
  const adapter: ChannelAdapter | undefined = channel.success ? adapters[channel.data] : undefined;
  if (!adapter) return { status: 'failed', error: new DeliveryError(`no adapter for channel "${row.channel}"`, { retryable: false }) };
  let contact: ContactDecision | null;
  try {
    contact = await checkContactStrategy(services, row, strategies);
  } catch (error) {
    const problem = new DeliveryError(`contact strategy check failed: ${error instanceof Error ? error.message : String(error)}`, { retryable: true });
    return { status: row.attempts < services.config.RAPPORT_MAX_ATTEMPTS ? 'retry' : 'failed', error: problem };
  }
  if (contact?.action === 'skip') return { status: 'skipped', result: { contactStrategy: contact.reason }, reason: contact.reason };
  if (contact?.action === 'defer') return { status: 'deferred', until: contact.until, reason: contact.reason };
  const effect: EffectToPerform = {
    id: row.id,
    workspaceId: row.workspaceId,
    customerId: row.customerId,
    runId: row.runId,
    nodeId: row.nodeId,
    idempotencyKey: row.idempotencyKey,
    channel: row.channel,
    payload: row.payload,
    attempts: row.attempts,
    createdAt: row.createdAt,
  };
  try {
    const delivery = await adapter.perform(effect, {
      services,
      workspaceId: row.workspaceId,
      signal: AbortSignal.timeout(leaseMs - 10_000),
      ...(resolveHost ? { resolveHost } : {}),
    });
    if (delivery.skipped !== undefined) return { status: 'skipped', result: delivery.result, reason: delivery.skipped };
    // A marketing message books the channel's cost per contact (unless the effect brought its own).
    return { status: 'sent', result: delivery.result, ...(contact?.action === 'send' && row.cost === null ? { cost: contact.cost } : {}) };
  } catch (error) {
    // Anything that is not a DeliveryError (a database hiccup, a bug) is retried: better late than lost.
    const problem = error instanceof DeliveryError ? error : new DeliveryError(error instanceof Error ? error.message : String(error), { retryable: true });
    const retry = problem.retryable && row.attempts < services.config.RAPPORT_MAX_ATTEMPTS;
    return { status: retry ? 'retry' : 'failed', error: problem };
  }
};

/** Stores the outcome of one attempt; false when a newer attempt owns the effect (our lease ran out). */
const record = async (services: Services, row: EffectRow, outcome: Outcome, random: () => number): Promise<boolean> => {
  const { db, now, log, metrics } = services;
  const at = now();
  const fence = and(eq(effects.id, row.id), eq(effects.attempts, row.attempts), eq(effects.status, 'pending'));
  const context = { effectId: row.id, channel: row.channel, idempotencyKey: row.idempotencyKey, attempts: row.attempts };
  let changed: { id: number }[];
  switch (outcome.status) {
    case 'sent':
      changed = await db
        .update(effects)
        .set({ status: 'sent', sentAt: at, result: outcome.result, lastError: null, ...(outcome.cost === undefined ? {} : { cost: outcome.cost }) })
        .where(fence)
        .returning({ id: effects.id });
      log.debug(context, 'effect sent');
      break;
    case 'skipped':
      changed = await db.update(effects).set({ status: 'skipped', result: outcome.result, lastError: outcome.reason }).where(fence).returning({ id: effects.id });
      log.info({ ...context, reason: outcome.reason }, 'effect skipped');
      break;
    case 'deferred':
      // Still pending, due when the quiet hours end; the claim's attempt is given back.
      changed = await db
        .update(effects)
        .set({ attempts: row.attempts - 1, nextAttemptAt: outcome.until, lastError: truncate(outcome.reason) })
        .where(fence)
        .returning({ id: effects.id });
      log.info({ ...context, until: outcome.until }, 'effect deferred (quiet hours)');
      break;
    case 'retry': {
      const delay = retryDelayMs(row.attempts, random, outcome.error.retryAfterMs);
      const lastError = truncate(`${outcome.error.message} (attempt ${row.attempts} of ${services.config.RAPPORT_MAX_ATTEMPTS}; next in ${Math.round(delay / 1000)} s)`);
      changed = await db.update(effects).set({ nextAttemptAt: at + delay, lastError }).where(fence).returning({ id: effects.id });
      log.warn({ ...context, error: outcome.error.message, retryInMs: delay }, 'effect failed, will retry');
      break;
    }
    case 'failed': {
      const reason = outcome.error.retryable ? `gave up after ${row.attempts} attempts` : 'not retryable';
      const lastError = truncate(`${outcome.error.message} (${reason})`);
      changed = await db.update(effects).set({ status: 'failed', lastError }).where(fence).returning({ id: effects.id });
      log.warn({ ...context, error: outcome.error.message }, 'effect failed');
      break;
    }
  }
  if (changed.length === 0) {
    log.warn({ ...context, outcome: outcome.status }, 'effect outcome not recorded: its lease ran out and another attempt took it over');
    return false;
  }
  if (outcome.status !== 'retry' && outcome.status !== 'deferred') metrics.inc('rapport_effects_total', { channel: row.channel, status: outcome.status });
  return true;
};

const truncate = (text: string): string => (text.length <= lastErrorLimit ? text : `${text.slice(0, lastErrorLimit - 1)}…`);

export interface RunDispatcherOptions extends DispatchOptions {
  /** Registers a listener that `services.wake()` calls (`ServicesHandle.onWake`), to skip the idle sleep. */
  onWake?: (listener: () => void) => void;
}

/**
 * Dispatches until `signal` aborts: straight on while there is work, sleeping RAPPORT_POLL_MS when
 * idle (woken early by `services.wake()`), backing off when the database fails. An abort lets the
 * batch in flight finish and be recorded before the promise resolves.
 */
export const runDispatcher = async (services: Services, signal: AbortSignal, options: RunDispatcherOptions = {}): Promise<void> => {
  let woken = false;
  let interrupt: (() => void) | null = null;
  const wake = () => {
    woken = true;
    interrupt?.();
  };
  options.onWake?.(wake);
  signal.addEventListener('abort', wake, { once: true });
  let failures = 0;
  while (!signal.aborted) {
    woken = false;
    let claimed = 0;
    try {
      claimed = (await dispatchBatch(services, options)).claimed;
      failures = 0;
    } catch (error) {
      failures += 1;
      services.log.error({ err: error }, 'dispatcher round failed');
    }
    if (signal.aborted) break;
    if (failures === 0 && (claimed > 0 || woken)) continue;
    const idleMs = failures === 0 ? services.config.RAPPORT_POLL_MS : Math.min(30_000, Math.max(services.config.RAPPORT_POLL_MS, 250) * 2 ** failures);
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        interrupt = null;
        resolve();
      };
      const timer = setTimeout(done, idleMs);
      interrupt = done;
    });
  }
};
