import type { Executor } from '../../drizzle/db.js';
import { contactStrategySchema, decideContact, historyWindows, isMarketingChannel, strategyFor, type ContactDecision, type ContactStrategy } from '../../workflows/contact-policy.js';
import { exampleContactStrategy } from '../../workflows/examples/contact-strategy.js';
import type { JsonValue, ValueCluster } from '../../workflows/index.js';
import type { DispatchRound } from '../channels/round.js';
import type { Services } from '../services.js';
import { recordAudit, type ActorKeyId } from './audit.js';
import { listSettingVersions, loadSetting, saveSetting, type StoredSetting } from './settings.js';

/**
 * The stored contact strategy (`workspace_settings`, key "contact_strategy": every save is a new
 * version, the latest is in force) and the dispatcher's check of a marketing effect against it.
 */
export const contactStrategyKey = 'contact_strategy';

export interface StoredContactStrategy {
  version: number;
  strategy: ContactStrategy;
  note: string | null;
  createdAt: number;
}

/** The strategy in force, or null when none was ever saved (then nothing is restricted). */
const parseContactStrategy = (stored: StoredSetting): StoredContactStrategy => {
  // Stored values were validated when saved; parsing again fills defaults added since.
  const parsed = contactStrategySchema.safeParse(stored.value);
  if (!parsed.success) throw new Error(`stored contact strategy version ${stored.version} no longer validates: ${parsed.error.message}`);
  return { version: stored.version, strategy: parsed.data, note: stored.note, createdAt: stored.createdAt };
};

export const loadContactStrategy = async (db: Executor, workspaceId: string): Promise<StoredContactStrategy | null> => {
  const stored = await loadSetting(db, workspaceId, contactStrategyKey);
  return stored ? parseContactStrategy(stored) : null;
};

/** Every saved version of the contact strategy, newest first. */
export const contactStrategyVersions = async (db: Executor, workspaceId: string): Promise<StoredContactStrategy[]> =>
  (await listSettingVersions(db, workspaceId, contactStrategyKey)).map(parseContactStrategy);

/** Saves a validated strategy as the next version, audited. */
export const saveContactStrategy = async (services: Services, workspaceId: string, strategy: ContactStrategy, note: string | null, actorKeyId: ActorKeyId): Promise<StoredContactStrategy> => {
  const at = services.now();
  return services.db.transaction(async (tx) => {
    const { version } = await saveSetting(tx, workspaceId, contactStrategyKey, strategy as unknown as Record<string, JsonValue>, note, at);
    await recordAudit(tx, { workspaceId, actorKeyId, action: 'settings.update', targetType: 'settings', targetId: contactStrategyKey, details: { version }, at });
    return { version, strategy, note, createdAt: at };
  });
};

/**
 * First start with the examples: saves the example strategy (a "complaint" dialogue script per
 * cluster, which the complaint-handling example picks by name) unless one is saved already.
 */
export const importExampleContactStrategy = async (services: Services, workspaceId: string): Promise<StoredContactStrategy | null> => {
  if (await loadContactStrategy(services.db, workspaceId)) return null;
  return saveContactStrategy(services, workspaceId, contactStrategySchema.parse(exampleContactStrategy), 'example contact strategy', null);
};

export interface MarketingEffect {
  id: number;
  workspaceId: string;
  customerId: string;
  channel: string;
}

/**
 * The contact-strategy verdict for one effect about to be performed, or null when the strategy does
 * not apply (not a marketing channel, no strategy saved). Counts the customer's marketing messages
 * already `sent` in the cap and budget periods (effects of every journey), including those sent
 * earlier in the same dispatcher round.
 */
export const checkContactStrategy = async (services: Services, effect: MarketingEffect, round: DispatchRound): Promise<ContactDecision | null> => {
  if (!isMarketingChannel(effect.channel)) return null;
  const stored = await round.contactStrategy(effect.workspaceId);
  if (!stored) return null;
  const now = services.now();
  const customer = await round.customer(effect.workspaceId, effect.customerId);
  const cluster = (customer?.cluster ?? null) as ValueCluster | null;
  const history = await round.sentHistory(effect.workspaceId, effect.customerId, historyWindows(strategyFor(stored.strategy, cluster), now));
  return decideContact(stored.strategy, { channel: effect.channel, cluster, timezone: customer?.timezone ?? null, now, ...history });
};
