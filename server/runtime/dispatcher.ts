import { and, asc, eq, inArray, lte, sql } from 'drizzle-orm';
import { effects } from '../../drizzle/schema.js';
import { channelSchema } from '../../workflows/index.js';
import { DeliveryError, type ChannelAdapter, type EffectToPerform } from '../channels/adapter.js';
import { channelTargets, createChannelAdapters, type ChannelAdapters } from '../channels/index.js';
import type { HostResolver } from '../channels/pinned-request.js';
import { createDispatchRound, type DispatchRound } from '../channels/round.js';
import { webhookSecret } from '../channels/signing.js';
import { timeoutSignal } from '../channels/timeout-signal.js';
import type { Services } from '../services.js';
import type { ContactDecision } from '../../workflows/contact-policy.js';
import { checkContactStrategy } from './contact-strategy.js';
import { recordAttempts, recordOutcomes, type EffectRow, type Outcome, type PerformedEffect } from './effect-outcomes.js';
import { anyKey, rowsCte } from './batch-statements.js';
import { leaseMs } from './handoff.js';
import { queryRows } from '../../drizzle/db.js';

export { backoffCapMs, retryDelayMs } from './retry-schedule.js';

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
 *    Send-time reads (the contact strategy, the customer, their recent messages, the unsubscribe
 *    key) and development mailbox writes are batched across the round (server/channels/round.ts):
 *    a round of 200 emails costs a handful of statements. Tasks get the strategy's dialogue
 *    script for the customer's cluster at this moment (server/channels/task.ts).
 * 3. Record, when the round's effects are performed, in one statement: sent / skipped / retry later
 *    (the schedule in retry-schedule.ts, at least what the provider's Retry-After asked) /
 *    failed (server/runtime/effect-outcomes.ts), and the attempt log in another.
 */
export { leaseMs } from './handoff.js';
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

const lastTableClaim = new WeakMap<Services, number>();

/** Claims, performs and records one batch of due effects. */
export const dispatchBatch = async (services: Services, options: DispatchOptions = {}): Promise<DispatchTally> => {
  const adapters = options.adapters ?? channelAdaptersFor(services);
  // Effects this process's worker just wrote leased to us first, then due ones from the table.
  const batch = services.config.RAPPORT_DISPATCH_BATCH;
  const handed = services.handoff.take(batch, services.now()).map((row) => ({ ...row, attempts: row.attempts + 1 }));
  const handedIds = new Set(handed.map((row) => row.id));
  // While the worker keeps handing effects over, the table (retries, deferrals, other processes'
  // leftovers) is looked at once per poll interval rather than in every round.
  const lastClaim = lastTableClaim.get(services) ?? -Infinity;
  const lookAtTable = handed.length < batch && (handed.length === 0 || performance.now() - lastClaim >= services.config.RAPPORT_POLL_MS);
  if (lookAtTable) lastTableClaim.set(services, performance.now());
  const claimed = [...handed, ...(lookAtTable ? await claimDueEffects(services, batch - handed.length) : [])];
  const tally: DispatchTally = { claimed: claimed.length, sent: 0, failed: 0, retried: 0, skipped: 0, deferred: 0 };
  if (claimed.length === 0) return tally;
  const round = createDispatchRound(services);
  const byCustomer = new Map<string, EffectRow[]>();
  // In outbox order per customer (UPDATE … RETURNING does not keep the claim's ORDER BY on PostgreSQL).
  for (const row of [...claimed].sort((a, b) => a.id - b.id)) {
    const key = `${row.workspaceId}\u0000${row.customerId}`;
    const list = byCustomer.get(key);
    if (list) list.push(row);
    else byCustomer.set(key, [row]);
  }
  const performed: PerformedEffect[] = [];
  await Promise.all(
    [...byCustomer.values()].map(async (rows) => {
      for (const row of rows) {
        const startedAt = services.now();
        const started = performance.now();
        try {
          const outcome = await perform(services, adapters, row, options.resolveHost, round);
          performed.push({ row, outcome, fence: handedIds.has(row.id) ? row.attempts - 1 : row.attempts, startedAt, durationMs: Math.round(performance.now() - started) });
        } catch (error) {
          // A bug, not a delivery problem: the effect stays claimed and is retried when its lease runs out.
          services.log.error({ err: error, effectId: row.id }, 'could not perform an effect');
        }
      }
    }),
  );
  // Outcomes and the attempt log are independent: written side by side.
  const [recorded] = await Promise.all([
    recordOutcomes(services, performed, options.random ?? Math.random).catch((error: unknown) => {
      // The effects stay claimed and are retried when their lease runs out (sinks drop the repeat by its key).
      services.log.error({ err: error, effects: performed.length }, 'could not record effect outcomes');
      return [];
    }),
    recordAttempts(services, performed),
  ]);
  for (const { outcome } of recorded) {
    if (outcome.status === 'retry') tally.retried += 1;
    else tally[outcome.status] += 1;
  }
  return tally;
};

/**
 * One statement, so one short transaction: lock due rows other claimers have not locked, count the
 * attempt and push them a lease ahead. Rows another process holds are skipped, never waited for.
 */
const claimDueEffects = async (services: Services, limit: number): Promise<EffectRow[]> => {
  const { db, now } = services;
  const at = now();
  const due = db
    .select({ id: effects.id })
    .from(effects)
    .where(and(eq(effects.status, 'pending'), lte(effects.nextAttemptAt, at)))
    .orderBy(asc(effects.nextAttemptAt), asc(effects.id))
    .limit(limit)
    .for('update', { skipLocked: true });
  return db
    .update(effects)
    .set({ attempts: sql`${effects.attempts} + 1`, nextAttemptAt: at + leaseMs })
    .where(inArray(effects.id, due))
    .returning();
};

const perform = async (
  services: Services,
  adapters: ChannelAdapters,
  row: EffectRow,
  resolveHost: HostResolver | undefined,
  round: DispatchRound,
): Promise<Outcome> => {
  const channel = channelSchema.safeParse(row.channel);
  const adapter: ChannelAdapter | undefined = channel.success ? adapters[channel.data] : undefined;
  if (!adapter) return { status: 'failed', error: new DeliveryError(`no adapter for channel "${row.channel}"`, { retryable: false }) };
  let contact: ContactDecision | null;
  try {
    contact = await checkContactStrategy(services, row, round);
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
  // The delivery must end well inside the lease, or another process could claim the effect meanwhile.
  const deadline = timeoutSignal(leaseMs - 10_000);
  try {
    const delivery = await adapter.perform(effect, {
      services,
      workspaceId: row.workspaceId,
      signal: deadline.signal,
      round,
      ...(resolveHost ? { resolveHost } : {}),
    });
    if (delivery.skipped !== undefined) return { status: 'skipped', result: delivery.result, reason: delivery.skipped };
    // A marketing message books the channel's cost per contact (unless the effect brought its own).
    const cost = contact?.action === 'send' && row.cost === null ? contact.cost : undefined;
    if (contact?.action === 'send') round.noteSent(row.workspaceId, row.customerId, cost ?? row.cost ?? 0);
    return { status: 'sent', result: delivery.result, ...(cost === undefined ? {} : { cost }) };
  } catch (error) {
    // Anything that is not a DeliveryError (a database hiccup, a bug) is retried: better late than lost.
    const problem = error instanceof DeliveryError ? error : new DeliveryError(error instanceof Error ? error.message : String(error), { retryable: true });
    const retry = problem.retryable && row.attempts < services.config.RAPPORT_MAX_ATTEMPTS;
    return { status: retry ? 'retry' : 'failed', error: problem };
  } finally {
    deadline.clear();
  }
};

/**
 * At shutdown, after the loops stopped: effects handed over by the worker but not performed are
 * given back — due at once, for any process to claim — instead of waiting out their lease.
 */
export const releaseHandedOver = async (services: Services): Promise<number> => {
  const rows = services.handoff.drain();
  if (rows.length === 0) return 0;
  const released = await queryRows<{ id: number }>(
    services.db,
    sql`with ${rowsCte('x', rows.map((r) => ({ id: r.id, leased_until: r.nextAttemptAt })), 'id bigint, leased_until bigint')}
      update effects e set next_attempt_at = ${services.now()}
      from x
      where e.id = x.id and e.id = ${anyKey('x', 'id')} and e.status = 'pending' and e.attempts = 0 and e.next_attempt_at = x.leased_until
      returning e.id`,
  );
  return released.length;
};

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
