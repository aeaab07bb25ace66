import { z } from 'zod';
import { allowListProblem } from './channels/addresses.js';
import { generateSecretKey, parseSecretKey } from './secret-box.js';

/** Every setting, from the environment. Documented in the README ("Settings"). */
const int = (fallback: number) => z.coerce.number().int().positive().default(fallback);
const rate = (fallback: number) => z.coerce.number().positive().max(1_000_000).default(fallback);
const secretKey = (value: string, ctx: z.RefinementCtx) => {
  const parsed = parseSecretKey(value);
  if (typeof parsed === 'string') ctx.addIssue({ code: 'custom', message: parsed });
};
const secretKeys = (value: string, ctx: z.RefinementCtx) => {
  for (const key of value.split(',').filter((k) => k.trim() !== '')) secretKey(key, ctx);
};

export const configSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('127.0.0.1'),
  /** PostgreSQL connection string; without it the embedded PGlite database is used. */
  DATABASE_URL: z.string().url().optional(),
  /** PGlite data directory (ignored with DATABASE_URL). */
  RAPPORT_DATA_DIR: z.string().default('./.rapport/data'),
  /** Fixed keys for automation; otherwise first start generates and prints them once. */
  RAPPORT_ADMIN_KEY: z.string().min(16).optional(),
  RAPPORT_WRITE_KEY: z.string().min(16).optional(),
  /** Import and publish the example journeys on first start ("false" to skip). */
  RAPPORT_EXAMPLES: z.enum(['true', 'false']).default('true'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Largest accepted request body, bytes (Segment's limit is 500 KB per batch). */
  RAPPORT_MAX_BODY_BYTES: int(512_000),
  /** Customers claimed per worker transaction. */
  RAPPORT_BATCH_CUSTOMERS: int(200),
  /** Worker loops per process (each claims its own batches; see "Performance"). */
  RAPPORT_WORKER_CONCURRENCY: int(2),
  /** Events per customer per transaction. */
  RAPPORT_BATCH_EVENTS: int(100),
  /** Worker idle poll interval, ms. */
  RAPPORT_POLL_MS: int(100),
  /** Effects claimed per dispatcher round. */
  RAPPORT_DISPATCH_BATCH: int(200),
  /** Attempts before an effect is failed: 16 spreads retries over roughly a day (5 s doubling, capped at 24 h). */
  RAPPORT_MAX_ATTEMPTS: int(16),
  /** SMTP server for email ("smtp://user:pass@host:587"); without it mail goes to the development mailbox. */
  SMTP_URL: z.string().optional(),
  SMTP_FROM: z.string().default('Rapport <no-reply@rapport.local>'),
  /** The runtime's address as recipients reach it (unsubscribe links); defaults to http://HOST:PORT. */
  RAPPORT_PUBLIC_URL: z.string().url().optional(),
  /** HTTP endpoints for SMS and chat providers (JSON POST); without them messages go to the development mailbox. */
  SMS_WEBHOOK_URL: z.string().url().optional(),
  CHAT_WEBHOOK_URL: z.string().url().optional(),
  /** Secret for signing outbound webhooks (Standard Webhooks, "whsec_" + base64). Generated at first start when absent. */
  RAPPORT_WEBHOOK_SECRET: z.string().optional(),
  /**
   * Key that seals secrets at rest (AES-256-GCM): 32 bytes as base64 or hex. Required with DATABASE_URL;
   * without it the embedded database keeps a generated key in its data directory.
   */
  RAPPORT_SECRET_KEY: z.string().superRefine(secretKey).optional(),
  /** Comma-separated older keys: secrets sealed with them are opened and sealed again with RAPPORT_SECRET_KEY at start. */
  RAPPORT_SECRET_KEY_PREVIOUS: z.string().default('').superRefine(secretKeys),
  /** How long an outbound HTTP call may take, connecting to reading the answer, ms (within the dispatcher's lease). */
  RAPPORT_OUTBOUND_TIMEOUT_MS: z.coerce.number().int().min(100).max(45_000).default(10_000),
  /** Comma-separated host names ("hooks.internal", "*.corp.example"), IPs and CIDRs outbound calls may reach although private (self-hosted targets). */
  RAPPORT_OUTBOUND_ALLOW: z.string().default('').superRefine((value, ctx) => {
    const problem = allowListProblem(value);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  }),
  /** Per-key token bucket for ingest keys and per inbound webhook source: requests per second, and burst size. */
  RAPPORT_RATE_LIMIT_PER_SECOND: rate(2_000),
  RAPPORT_RATE_BURST: rate(4_000),
  /** The same for management calls (admin and read keys). */
  RAPPORT_MANAGEMENT_RATE_LIMIT_PER_SECOND: rate(200),
  RAPPORT_MANAGEMENT_RATE_BURST: rate(400),
});
export type Config = z.infer<typeof configSchema>;

export const loadConfig = (env: Record<string, string | undefined> = process.env): Config => {
  const parsed = configSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`invalid settings: ${problems}`);
  }
  return parsed.data;
};

/** One secret key per test process, so every harness of the process (and a second process on its database) opens the same secrets. */
const testSecretKey = generateSecretKey();

/** Settings for tests: embedded in-memory database unless DATABASE_URL is set, quiet logs. */
export const testConfig = (overrides: Partial<Config> = {}): Config =>
  ({ ...configSchema.parse({ LOG_LEVEL: 'silent', RAPPORT_EXAMPLES: 'false', RAPPORT_SECRET_KEY: testSecretKey }), ...overrides });
