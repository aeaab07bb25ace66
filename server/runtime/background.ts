import type { Services } from '../services.js';

/**
 * Work started by a request that outlives it (recomputing every customer after a definition
 * changed). Failures are logged, never thrown at the caller; tests wait for the work with
 * `settleBackground`.
 */
const inFlight = new WeakMap<Services, Set<Promise<unknown>>>();

export const runInBackground = (services: Services, what: string, context: Record<string, unknown>, work: () => Promise<unknown>): void => {
  const set = inFlight.get(services) ?? new Set<Promise<unknown>>();
  inFlight.set(services, set);
  const job: Promise<unknown> = work()
    .catch((error: unknown) => services.log.error({ err: error, ...context }, `${what} failed`))
    .finally(() => set.delete(job));
  set.add(job);
};

/** Resolves when no background work of these services is running (including work started meanwhile). */
export const settleBackground = async (services: Services): Promise<void> => {
  for (;;) {
    const pending = [...(inFlight.get(services) ?? [])];
    if (pending.length === 0) return;
    await Promise.allSettled(pending);
  }
};
