import type { Logger } from 'pino';
import type { Database } from '../drizzle/db.js';
import type { Config } from './config.js';
import type { KeyIdentity, KeyStore } from './keys.js';
import type { Metrics } from './metrics.js';
import type { SecretBox } from './secret-box.js';
import type { EffectHandoff } from './runtime/handoff.js';
import type { VersionCache } from './runtime/versions.js';

/** What routes and runtime loops get instead of globals. */
export interface Services {
  db: Database;
  config: Config;
  log: Logger;
  /** The wall clock, injected so tests can move time. */
  now: () => number;
  keys: KeyStore;
  /** Seals and opens secrets at rest (RAPPORT_SECRET_KEY; see server/secret-key.ts). */
  secrets: SecretBox;
  metrics: Metrics;
  versions: VersionCache;
  /** Effects the worker hands straight to this process's dispatcher (handoff.ts). */
  handoff: EffectHandoff;
  /** Wakes the worker/dispatcher after a write (no polling delay for fresh work). */
  wake: () => void;
}

export interface AppEnv {
  Variables: {
    services: Services;
    identity: KeyIdentity;
  };
}
