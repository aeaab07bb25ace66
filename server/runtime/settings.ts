import { and, desc, eq, sql } from 'drizzle-orm';
import type { Executor } from '../../drizzle/db.js';
import { workspaceSettings } from '../../drizzle/schema.js';
import type { JsonValue } from '../../workflows/index.js';

/**
 * Versioned workspace settings (`workspace_settings`): every save is a new version of the key, the
 * latest one is in force. Values are validated by the caller before they are saved.
 */
export interface StoredSetting {
  version: number;
  value: Record<string, JsonValue>;
  note: string | null;
  createdAt: number;
}

export const loadSetting = async (db: Executor, workspaceId: string, key: string): Promise<StoredSetting | null> => {
  const [row] = await db
    .select()
    .from(workspaceSettings)
    .where(and(eq(workspaceSettings.workspaceId, workspaceId), eq(workspaceSettings.key, key)))
    .orderBy(desc(workspaceSettings.version))
    .limit(1);
  return row ? { version: row.version, value: row.value, note: row.note, createdAt: row.createdAt } : null;
};

/** Saves `value` as the next version of `key` (concurrent saves: the primary key makes the loser fail, never overwrite). */
export const saveSetting = async (tx: Executor, workspaceId: string, key: string, value: Record<string, JsonValue>, note: string | null, at: number): Promise<StoredSetting> => {
  const [latest] = await tx
    .select({ version: sql<number>`coalesce(max(${workspaceSettings.version}), 0)` })
    .from(workspaceSettings)
    .where(and(eq(workspaceSettings.workspaceId, workspaceId), eq(workspaceSettings.key, key)));
  const version = Number(latest?.version ?? 0) + 1;
  await tx.insert(workspaceSettings).values({ workspaceId, key, version, value, note, createdAt: at });
  return { version, value, note, createdAt: at };
};

/** How many versions a history read returns at most (newest first). */
export const settingHistoryLimit = 50;

/** The stored versions of `key`, newest first (at most `settingHistoryLimit`). */
export const listSettingVersions = async (db: Executor, workspaceId: string, key: string): Promise<StoredSetting[]> => {
  const rows = await db
    .select()
    .from(workspaceSettings)
    .where(and(eq(workspaceSettings.workspaceId, workspaceId), eq(workspaceSettings.key, key)))
    .orderBy(desc(workspaceSettings.version))
    .limit(settingHistoryLimit);
  return rows.map((row) => ({ version: row.version, value: row.value, note: row.note, createdAt: row.createdAt }));
};
