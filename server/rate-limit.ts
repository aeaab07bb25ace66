import type { Config } from './config.js';
import { ApiError } from './errors.js';
import type { Services } from './services.js';

/**
 * Per-key rate limits: a token bucket per API key (and per inbound webhook source) in each
 * process's memory. Ingest keys and webhook sources get RAPPORT_RATE_LIMIT_PER_SECOND with bursts
 * of RAPPORT_RATE_BURST; management calls get the lower RAPPORT_MANAGEMENT_RATE_* limits. With N
 * processes behind a load balancer the effective limit is up to N times higher (no shared state, by
 * design: a limit must not cost a database round trip per request).
 *
 * Buckets run on a monotonic wall clock, not the injectable `services.now`, so tests that move
 * the product's clock do not refill or drain them.
 */
export type RateClass = 'ingest' | 'management';

export interface RateLimit {
  perSecond: number;
  burst: number;
}

export type RateDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/** Buckets that have been full this long are forgotten, keeping the map small. */
const idleForgetMs = 60_000;

export const createRateLimiter = (limits: Record<RateClass, RateLimit>, clock: () => number = () => performance.now()) => {
  const buckets = new Map<string, { tokens: number; at: number; limit: RateLimit }>();
  let sweptAt = clock();
  const sweep = (t: number) => {
    if (t - sweptAt < idleForgetMs) return;
    sweptAt = t;
    for (const [key, bucket] of buckets) {
      if (bucket.tokens + ((t - bucket.at) / 1000) * bucket.limit.perSecond >= bucket.limit.burst && t - bucket.at > idleForgetMs) buckets.delete(key);
    }
  };
  return {
    /** Takes one token from the bucket of `key` in `rateClass`. */
    take(rateClass: RateClass, key: string): RateDecision {
      const t = clock();
      sweep(t);
      const limit = limits[rateClass];
      const id = `${rateClass}\u0000${key}`;
      const bucket = buckets.get(id) ?? { tokens: limit.burst, at: t, limit };
      bucket.tokens = Math.min(limit.burst, bucket.tokens + ((t - bucket.at) / 1000) * limit.perSecond);
      bucket.at = t;
      buckets.set(id, bucket);
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        return { allowed: true };
      }
      return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - bucket.tokens) / limit.perSecond)) };
    },
  };
};
export type RateLimiter = ReturnType<typeof createRateLimiter>;

export const rateLimitsOf = (config: Config): Record<RateClass, RateLimit> => ({
  ingest: { perSecond: config.RAPPORT_RATE_LIMIT_PER_SECOND, burst: config.RAPPORT_RATE_BURST },
  management: { perSecond: config.RAPPORT_MANAGEMENT_RATE_LIMIT_PER_SECOND, burst: config.RAPPORT_MANAGEMENT_RATE_BURST },
});

const limiters = new WeakMap<Services, RateLimiter>();

/** The limiter of this process's services (one per `Services`, so each test harness has its own). */
export const rateLimiterFor = (services: Services): RateLimiter => {
  let limiter = limiters.get(services);
  if (!limiter) {
    limiter = createRateLimiter(rateLimitsOf(services.config));
    limiters.set(services, limiter);
  }
  return limiter;
};

/** Throws 429 with Retry-After when `key` has used up its bucket. */
export const enforceRateLimit = (services: Services, rateClass: RateClass, key: string, who: string): void => {
  const decision = rateLimiterFor(services).take(rateClass, key);
  if (decision.allowed) return;
  const limit = rateLimitsOf(services.config)[rateClass];
  throw new ApiError(
    429,
    'rate_limited',
    `${who} sent more than ${limit.perSecond} requests per second (bursts of ${limit.burst}); retry after ${decision.retryAfterSeconds} s${rateClass === 'ingest' ? ' or send batches (POST /v1/batch)' : ''}`,
    [],
    { 'Retry-After': String(decision.retryAfterSeconds) },
  );
};
