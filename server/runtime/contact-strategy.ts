import { and, eq, gte, inArray, sql } from 'drizzle-orm';
import type { Executor } from '../../drizzle/db.js';
import { customers, effects } from '../../drizzle/schema.js';
import { contactStrategySchema, decideContact, historyWindows, isMarketingChannel, strategyFor, type ContactDecision, type ContactStrategy } from '../../workflows/contact-policy.js';
import type { JsonValue } from '../../workflows/index.js';
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

/** Strategies looked up during one dispatcher round, per workspace (one query per workspace and round). */
export type StrategyCache = Map<string, Promise<StoredContactStrategy | null>>;

export interface MarketingEffect {
  id: number;
  workspaceId: string;
  customerId: string;
  channel: string;
}

/**
 * The contact-strategy verdict for one effect about to be performed, or null when the strategy does
 * not apply (not a marketing channel, no strategy saved). Counts the customer's marketing messages
 * already `sent` in the cap and budget periods (effects of every journey).
 */
export const checkContactStrategy = async (services: Services, effect: MarketingEffect, cache: StrategyCache): Promise<ContactDecision | null> => {
  if (!isMarketingChannel(effect.channel)) return null;
  let pending = cache.get(effect.workspaceId);
  if (!pending) {
    pending = loadContactStrategy(services.db, effect.workspaceId);
    cache.set(effect.workspaceId, pending);
  }
  const stored = await pending;
  if (!stored) return null;
  const { db } = services;
  const now = services.now();
  const [customer] = await db
    .select({ cluster: customers.cluster, timezone: customers.timezone })
    .from(customers)
    .where(and(eq(customers.workspaceId, effect.workspaceId), eq(customers.id, effect.customerId)))
    .limit(1);
  const cluster = customer?.cluster ?? null;
  const { capSince, budgetSince } = historyWindows(strategyFor(stored.strategy, cluster), now);
  const sentSince = async (since: number | null) => {
    if (since === null) return { count: 0, cost: 0 };
    const [row] = await db
      .select({ count: sql<number>`count(*)::int`, cost: sql<number>`coalesce(sum(${effects.cost}), 0)::float8` })
      .from(effects)
      .where(
        and(
          eq(effects.workspaceId, effect.workspaceId),
          eq(effects.customerId, effect.customerId),
          inArray(effects.channel, ['email', 'sms']),
          eq(effects.status, 'sent'),
          gte(effects.sentAt, since),
        ),
      );
    return { count: Number(row?.count ?? 0), cost: Number(row?.cost ?? 0) };
  };
  const [cap, budget] = await Promise.all([sentSince(capSince), sentSince(budgetSince)]);
  return decideContact(stored.strategy, {
    channel: effect.channel,
    cluster,
    timezone: customer?.timezone ?? null,
    now,
    sentInCapPeriod: cap.count,
    spentInBudgetPeriod: budget.cost,
  });
};
