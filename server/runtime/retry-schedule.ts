/**
 * When an effect that failed is tried again. Modelled on the established webhook services (Svix,
 * Stripe, GitHub): the first attempt goes out at once, then the waits grow — quickly at first, for
 * short outages, then hours apart — so the default 16 attempts (RAPPORT_MAX_ATTEMPTS) cover about
 * a day (25 hours). Past the table every wait is the last one. Each wait is jittered by ±10 % so
 * effects that failed together do not all come back in the same second, and is never shorter than
 * what the provider asked for with `Retry-After` (itself capped at a day). Pure: the randomness
 * comes in as a function.
 */
const second = 1_000;
const minute = 60 * second;
const hour = 60 * minute;

/** The wait after attempt 1, 2, …: 5 s, 30 s, 2 min, 5 min, 10 min, 20 min, 30 min, 1 h, 1 h, 2 h, 2 h, 3 h, 4 h, 5 h, 6 h. */
export const retrySchedule: readonly number[] = [
  5 * second, 30 * second, 2 * minute, 5 * minute, 10 * minute, 20 * minute, 30 * minute,
  hour, hour, 2 * hour, 2 * hour, 3 * hour, 4 * hour, 5 * hour, 6 * hour,
];
export const retryJitter = 0.1;
/** The longest `Retry-After` honoured. */
export const backoffCapMs = 24 * hour;

/** The wait before attempt `attempts + 1` after `attempts` failed ones; `random` in [0, 1) (0.5: exactly the schedule). */
export const retryDelayMs = (attempts: number, random: () => number, retryAfterMs?: number): number => {
  const index = Math.min(Math.max(attempts, 1), retrySchedule.length) - 1;
  const scheduled = retrySchedule[index] ?? backoffCapMs;
  const jittered = Math.round(scheduled * (1 - retryJitter + 2 * retryJitter * random()));
  return retryAfterMs === undefined ? jittered : Math.max(jittered, Math.min(retryAfterMs, backoffCapMs));
};
