import pino from 'pino';
import { openDatabase, type DatabaseHandle } from '../drizzle/db.js';
import type { Config } from './config.js';
import { createKeyStore } from './keys.js';
import { createMetrics } from './metrics.js';
import { prepareStoredSecrets } from './runtime/stored-secrets.js';
import { resolveSecretKey } from './secret-key.js';
import { createEffectHandoff } from './runtime/handoff.js';
import { createVersionCache } from './runtime/versions.js';
import type { Services } from './services.js';

export interface ServicesHandle {
  services: Services;
  database: DatabaseHandle;
  /** Registers the function `wake()` calls (the runtime loops set it). */
  onWake(listener: () => void): void;
}

/** Opens the database (migrating it), checks and seals the stored secrets, and builds the services for the app and the runtime. */
export const createServices = async (config: Config, options: { now?: () => number } = {}): Promise<ServicesHandle> => {
  const now = options.now ?? (() => Date.now());
  // Before the database: on PostgreSQL without RAPPORT_SECRET_KEY nothing is opened or migrated.
  const secretKey = resolveSecretKey(config);
  const database = await openDatabase({
    url: config.DATABASE_URL,
    dataDir: config.RAPPORT_DATA_DIR,
  });
  const log = pino({ level: config.LOG_LEVEL, base: { service: 'rapport' } });
  try {
    await prepareStoredSecrets(database.db, secretKey, log);
  } catch (error) {
    await database.close();
    throw error;
  }
  const listeners: (() => void)[] = [];
  const metrics = createMetrics();
  metrics.describe('rapport_events_ingested_total', 'counter', 'Events accepted by the ingest API');
  metrics.describe('rapport_webhook_deliveries_total', 'counter', 'Inbound webhook deliveries by verdict (accepted, rejected, duplicate)');
  metrics.describe('rapport_events_processed_total', 'counter', 'Events applied to customers and runs');
  metrics.describe('rapport_steps_total', 'counter', 'Run steps recorded');
  metrics.describe('rapport_runs_started_total', 'counter', 'Runs started');
  metrics.describe('rapport_effects_total', 'counter', 'Effects by final status');
  metrics.describe('rapport_timer_lateness_ms', 'histogram', 'How late timers fired, ms after due time');
  metrics.describe('rapport_queue_depth', 'gauge', 'Pending work by queue');
  const services: Services = {
    db: database.db,
    config,
    log,
    now,
    keys: createKeyStore(database.db, now),
    secrets: secretKey.box,
    metrics,
    versions: createVersionCache(database.db, now),
    // A few rounds' worth: beyond that the dispatcher is behind and effects wait in the table.
    handoff: createEffectHandoff(config.RAPPORT_DISPATCH_BATCH * 10),
    wake: () => listeners.forEach((listener) => listener()),
  };
  return { services, database, onWake: (listener) => void listeners.push(listener) };
};
