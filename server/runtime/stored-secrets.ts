import { eq } from 'drizzle-orm';
import type { Logger } from 'pino';
import { sql, type Database, type Executor } from '../../drizzle/db.js';
import { webhookEndpoints, webhookSources, workspaces, type StoredSecret } from '../../drizzle/schema.js';
import { SecretBoxError, sealedKeyId, type SecretBox } from '../secret-box.js';
import type { SecretKeySource } from '../secret-key.js';
import { secretContext } from './secret-list.js';

/**
 * Run at every start, before anything is served: every stored secret is checked against the key,
 * and secrets in clear (written before encryption at rest) or sealed under a previous key
 * (RAPPORT_SECRET_KEY_PREVIOUS) are sealed with the current key — in one transaction under an
 * advisory lock, so processes starting together do it once and a crash leaves nothing half done.
 *
 * A secret sealed with a key this process does not have stops the start with the key ids (a wrong
 * or missing RAPPORT_SECRET_KEY would otherwise make every signature fail). A newly generated key
 * file is written only after that check and before anything is sealed with it.
 */
const sealLockKey = 0x7261_7070_7365;

export interface SealReport {
  /** Secrets that were in clear and are sealed now. */
  sealed: number;
  /** Secrets sealed under a previous key and sealed again under the current one. */
  resealed: number;
  /** Sealed secrets that do not open (altered or copied between rows); left as they are, logged. */
  broken: string[];
}

type Check = { action: 'keep' } | { action: 'seal'; plaintext: string; resealed: boolean };

const checkValue = (box: SecretBox, value: string, context: string, broken: string[], unknown: string[]): Check => {
  const keyId = sealedKeyId(value);
  if (keyId === null) return { action: 'seal', plaintext: value, resealed: false };
  try {
    const plaintext = box.open(value, context);
    return keyId === box.keyId ? { action: 'keep' } : { action: 'seal', plaintext, resealed: true };
  } catch (error) {
    if (error instanceof SecretBoxError && error.reason === 'unknown_key') unknown.push(`${context} (key ${keyId})`);
    else broken.push(error instanceof Error ? error.message : String(error));
    return { action: 'keep' };
  }
};

export const prepareStoredSecrets = async (db: Database, key: SecretKeySource, log: Logger): Promise<SealReport> => {
  const { box } = key;
  const report: SealReport = { sealed: 0, resealed: 0, broken: [] };
  const unknown: string[] = [];
  const updates: ((tx: Executor) => Promise<unknown>)[] = [];
  const count = (check: Check) => {
    if (check.action === 'seal') report[check.resealed ? 'resealed' : 'sealed'] += 1;
  };
  const sealList = (list: readonly StoredSecret[], context: string): StoredSecret[] | null => {
    let changed = false;
    const next = list.map((entry): StoredSecret => {
      const check = checkValue(box, 'sealed' in entry ? entry.sealed : entry.secret, context, report.broken, unknown);
      count(check);
      if (check.action === 'keep') return entry;
      changed = true;
      return { sealed: box.seal(check.plaintext, context), createdAt: entry.createdAt, expiresAt: entry.expiresAt };
    });
    return changed ? next : null;
  };

  await db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${sealLockKey})`);
    for (const row of await tx.select({ id: workspaces.id, secret: workspaces.webhookSecret }).from(workspaces).for('update')) {
      if (row.secret === null) continue;
      const context = secretContext.workspace(row.id);
      const check = checkValue(box, row.secret, context, report.broken, unknown);
      count(check);
      if (check.action === 'seal') {
        const sealed = box.seal(check.plaintext, context);
        updates.push((t) => t.update(workspaces).set({ webhookSecret: sealed }).where(eq(workspaces.id, row.id)));
      }
    }
    for (const row of await tx.select({ id: webhookSources.id, secrets: webhookSources.secrets }).from(webhookSources).for('update')) {
      const next = sealList(row.secrets, secretContext.source(row.id));
      if (next) updates.push((t) => t.update(webhookSources).set({ secrets: next }).where(eq(webhookSources.id, row.id)));
    }
    for (const row of await tx.select({ id: webhookEndpoints.id, secrets: webhookEndpoints.secrets }).from(webhookEndpoints).for('update')) {
      const next = sealList(row.secrets, secretContext.endpoint(row.id));
      if (next) updates.push((t) => t.update(webhookEndpoints).set({ secrets: next }).where(eq(webhookEndpoints.id, row.id)));
    }
    if (unknown.length > 0) {
      const lost = key.generated ? ` The key file ${key.file} did not exist and a new key would not open them: restore the original file, or set RAPPORT_SECRET_KEY.` : '';
      throw new Error(
        `${unknown.length} stored secret${unknown.length === 1 ? ' was' : 's were'} sealed with a key this process does not have (it has ${box.keyIds.join(', ')}): ${unknown.slice(0, 3).join('; ')}${unknown.length > 3 ? '; …' : ''}. Set RAPPORT_SECRET_KEY to the key they were sealed with, or add it to RAPPORT_SECRET_KEY_PREVIOUS.${lost}`,
      );
    }
    // The key must be on disk before the first value sealed with it is committed.
    key.persist();
    for (const update of updates) await update(tx);
  });
  if (key.generated) log.warn({ file: key.file }, 'generated a secret key for the embedded database and kept it in its data directory; set RAPPORT_SECRET_KEY in production');
  if (report.sealed + report.resealed > 0) log.info({ sealed: report.sealed, resealed: report.resealed, keyId: box.keyId }, 'stored secrets sealed with the current secret key');
  for (const problem of report.broken) log.error({ problem }, 'a stored secret does not open');
  return report;
};
