import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from './config.js';
import { createSecretBox, generateSecretKey, parseSecretKey, secretKeyCommand, type SecretBox } from './secret-box.js';

/**
 * Where the key that seals secrets at rest comes from:
 * - `RAPPORT_SECRET_KEY` (with `RAPPORT_SECRET_KEY_PREVIOUS` for keys being retired) — production;
 * - on PostgreSQL without it: no start. The key must live apart from the data it protects (a database
 *   dump or backup that carries its own key protects nothing), so Rapport will not invent one and
 *   keep it in the database;
 * - on the embedded database (PGlite) without it: a key generated on first start and kept in the data
 *   directory (`rapport-secret.key`, mode 0600), so `npm start` works on a bare machine — a
 *   development convenience: copying the directory copies the key;
 * - on an in-memory database: a key for this process (the data goes with it).
 */
export interface SecretKeySource {
  box: SecretBox;
  origin: 'setting' | 'data-directory' | 'memory';
  /** The key file (origin `data-directory`). */
  file?: string;
  /** Writes a newly generated key file; call before anything is sealed with the key. No-op otherwise. */
  persist(): void;
  /** True when the key file did not exist and was generated now. */
  generated: boolean;
}

export const secretKeyFileName = 'rapport-secret.key';

const keyOrThrow = (text: string, where: string): Buffer => {
  const key = parseSecretKey(text);
  if (typeof key === 'string') throw new Error(`${where}: ${key}`);
  return key;
};

export const missingKeyMessage = `RAPPORT_SECRET_KEY is not set. With DATABASE_URL (PostgreSQL) Rapport seals webhook secrets with a key kept outside the database: make one with ${secretKeyCommand}, keep it in your secret store, and set RAPPORT_SECRET_KEY to it on every process. (Only the embedded database, without DATABASE_URL, generates a key by itself, in its data directory.)`;

export const resolveSecretKey = (config: Config): SecretKeySource => {
  const previous = config.RAPPORT_SECRET_KEY_PREVIOUS.split(',')
    .filter((k) => k.trim() !== '')
    .map((k) => keyOrThrow(k, 'RAPPORT_SECRET_KEY_PREVIOUS'));
  const none = () => undefined;
  if (config.RAPPORT_SECRET_KEY) {
    return { box: createSecretBox(keyOrThrow(config.RAPPORT_SECRET_KEY, 'RAPPORT_SECRET_KEY'), previous), origin: 'setting', persist: none, generated: false };
  }
  if (config.DATABASE_URL) throw new Error(missingKeyMessage);
  if (config.RAPPORT_DATA_DIR.startsWith('memory://')) {
    return { box: createSecretBox(keyOrThrow(generateSecretKey(), 'generated key'), previous), origin: 'memory', persist: none, generated: false };
  }
  const file = join(config.RAPPORT_DATA_DIR, secretKeyFileName);
  if (existsSync(file)) {
    return { box: createSecretBox(keyOrThrow(readFileSync(file, 'utf8'), file), previous), origin: 'data-directory', file, persist: none, generated: false };
  }
  const text = generateSecretKey();
  let written = false;
  return {
    box: createSecretBox(keyOrThrow(text, 'generated key'), previous),
    origin: 'data-directory',
    file,
    generated: true,
    persist: () => {
      if (written) return;
      // "wx": never overwrite a key file another start wrote meanwhile.
      writeFileSync(file, `${text}\n`, { mode: 0o600, flag: 'wx' });
      written = true;
    },
  };
};
