import type { effects } from '../../drizzle/schema.js';

/**
 * Effects the worker hands straight to its own process's dispatcher. The worker writes such an
 * effect already leased to this process (`next_attempt_at` a lease ahead, as a dispatcher claim
 * would leave it, its attempt not yet counted) in the same transaction as its step, and after the
 * commit puts the row here: the dispatcher performs it without a claim statement and without
 * waiting for a poll. Other processes skip the row until the lease runs out, so if this process
 * dies first the effect is simply claimed again then, like any effect whose sender died.
 *
 * The queue is bounded: when the dispatcher falls behind, new effects are written due at once
 * instead, for any process to claim. A row whose lease is close to running out is not handed
 * over any more (`take`), so it cannot be performed here and by a claimer elsewhere at once.
 */
export type EffectRow = typeof effects.$inferSelect;

/** How long a claimed (or handed-over) effect is reserved for the process that holds it. */
export const leaseMs = 60_000;
/** A handed-over effect is performed here only while at least this much of its lease is left. */
export const handoffMarginMs = 20_000;

export interface EffectHandoff {
  /** How many more effects the queue takes now. */
  room(): number;
  push(rows: readonly EffectRow[]): void;
  /** Up to `limit` handed-over effects, oldest first, whose lease has the margin left at `now`. */
  take(limit: number, now: number): EffectRow[];
  /** Empties the queue (shutdown: the rows are given back to the table). */
  drain(): EffectRow[];
  size(): number;
}

export const createEffectHandoff = (capacity: number): EffectHandoff => {
  let queue: EffectRow[] = [];
  return {
    room: () => Math.max(0, capacity - queue.length),
    push: (rows) => {
      if (rows.length > 0) queue.push(...rows);
    },
    take: (limit, now) => {
      const fresh = queue.filter((row) => row.nextAttemptAt - now >= handoffMarginMs);
      const taken = fresh.slice(0, limit);
      queue = fresh.slice(limit);
      return taken;
    },
    drain: () => {
      const all = queue;
      queue = [];
      return all;
    },
    size: () => queue.length,
  };
};
