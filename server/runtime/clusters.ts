import { and, asc, eq, gt, inArray, isNull, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Executor } from '../../drizzle/db.js';
import { customers, events } from '../../drizzle/schema.js';
import {
  checkDefinitionDepth,
  clusterChangedEvent,
  clusterDefinitionFields,
  clusterDefinitionSchema,
  clusterOf,
  definitionEventNames,
  definitionWindowDays,
  nextPlacementChange,
  type ClusterDefinition,
  type ClusterPlacement,
} from '../../workflows/clusters.js';
import type { CustomerProfile, EventView, JsonValue, ValueCluster } from '../../workflows/index.js';
import type { Services } from '../services.js';
import { recordAudit, type ActorKeyId } from './audit.js';
import { runInBackground, settleBackground } from './background.js';
import { eventRow } from './event-rows.js';
import { keyOf } from './load.js';
import { scheduleReevaluations, type DueReevaluation } from './reevaluation-rows.js';
import { listSettingVersions, loadSetting, saveSetting, type StoredSetting } from './settings.js';

/**
 * Value clusters at run time. The definition in force is the latest version of
 * `workspace_settings` key "clusters" (no saved definition: clusters are left alone).
 *
 * - Incrementally: after the worker advanced a batch, `refreshClusters` recomputes each customer of
 *   the batch from their traits and events within the definition's longest window, in the batch's
 *   transaction, and writes `customers.cluster`.
 * - As time passes: with event windows in the definition, the moment an event leaving a window
 *   would move the customer is kept in `reevaluations` (subject "clusters"); the customer is
 *   recomputed then (server/runtime/reevaluations.ts).
 * - On save: every customer of the workspace is recomputed in the background, in pages.
 *
 * A change is announced as a `track` event "Cluster Changed" with properties `{ from, to, … }`,
 * stored as a new, unprocessed events row: the worker picks the customer up again in its next batch
 * and journeys react to it like to any track event (trigger, wait, goal). The customer's profile
 * already carries the new cluster by then.
 */
export const clustersKey = 'clusters';
const DAY = 86_400_000;
const PAGE = 500;

export const clusterSettingsRequestSchema = z
  .object({ ...clusterDefinitionFields, note: z.string().trim().min(1).max(500).optional() })
  .strict()
  .superRefine(checkDefinitionDepth);
export type ClusterSettingsRequest = z.infer<typeof clusterSettingsRequestSchema>;

export interface StoredClusterDefinition {
  version: number;
  definition: ClusterDefinition;
  note: string | null;
  createdAt: number;
}

const parseClusterDefinition = (stored: StoredSetting): StoredClusterDefinition => {
  const parsed = clusterDefinitionSchema.safeParse(stored.value);
  if (!parsed.success) throw new Error(`stored cluster definition version ${stored.version} no longer validates: ${parsed.error.message}`);
  return { version: stored.version, definition: parsed.data, note: stored.note, createdAt: stored.createdAt };
};

export const loadClusterDefinition = async (db: Executor, workspaceId: string): Promise<StoredClusterDefinition | null> => {
  const stored = await loadSetting(db, workspaceId, clustersKey);
  return stored ? parseClusterDefinition(stored) : null;
};

/** Every saved version of the cluster definition, newest first. */
export const clusterDefinitionVersions = async (db: Executor, workspaceId: string): Promise<StoredClusterDefinition[]> =>
  (await listSettingVersions(db, workspaceId, clustersKey)).map(parseClusterDefinition);

/** The events the definition reads, per customer, within its longest window (applied events only). */
const loadClusterHistory = async (db: Executor, workspaceId: string, customerIds: readonly string[], definition: ClusterDefinition, now: number): Promise<Map<string, EventView[]>> => {
  const names = definitionEventNames(definition);
  const history = new Map<string, EventView[]>();
  if (names.length === 0 || customerIds.length === 0) return history;
  const since = now - definitionWindowDays(definition) * DAY;
  const rows = await db
    .select({ customerId: events.customerId, name: events.name, payload: events.payload, at: events.at })
    .from(events)
    .where(
      and(
        eq(events.workspaceId, workspaceId),
        inArray(events.customerId, [...customerIds]),
        inArray(events.type, ['track', 'webhook']),
        inArray(events.name, names),
        gt(events.at, since),
        isNull(events.error),
      ),
    )
    .orderBy(asc(events.seq));
  for (const row of rows) {
    const list = history.get(row.customerId) ?? [];
    list.push({ name: row.name ?? '', properties: (row.payload['properties'] ?? {}) as Record<string, JsonValue>, at: Number(row.at) });
    history.set(row.customerId, list);
  }
  return history;
};

type ClusterSubject = Pick<CustomerProfile, 'id' | 'traits' | 'cluster'>;

interface Placed {
  placements: Map<string, ClusterPlacement>;
  /** With event windows in the definition: when time alone would next move each customer (null: never). */
  due: DueReevaluation[];
}

const placeAll = async (db: Executor, workspaceId: string, subjects: readonly ClusterSubject[], definition: ClusterDefinition, now: number): Promise<Placed> => {
  const history = await loadClusterHistory(db, workspaceId, subjects.map((s) => s.id), definition, now);
  const windowed = definitionWindowDays(definition) > 0;
  return {
    placements: new Map(subjects.map((s) => [s.id, clusterOf(definition, s, history.get(s.id) ?? [], now)])),
    due: windowed ? subjects.map((s) => ({ workspaceId, customerId: s.id, dueAt: nextPlacementChange(definition, s, history.get(s.id) ?? [], now) })) : [],
  };
};

/** Writes a changed cluster and queues its "Cluster Changed" event (a repeated message id is a no-op). */
const applyChange = async (tx: Executor, workspaceId: string, subject: ClusterSubject, placement: ClusterPlacement, version: number, messageId: string, now: number): Promise<void> => {
  await tx.update(customers).set({ cluster: placement.cluster, updatedAt: now }).where(and(eq(customers.workspaceId, workspaceId), eq(customers.id, subject.id)));
  const properties: Record<string, JsonValue> = {
    from: subject.cluster,
    to: placement.cluster,
    contribution: placement.contribution,
    lifetimeValue: placement.lifetimeValue,
    definitionVersion: version,
  };
  await tx
    .insert(events)
    .values(eventRow('track', { workspaceId, customerId: subject.id, messageId, name: clusterChangedEvent, at: now, receivedAt: now }, { properties }))
    .onConflictDoNothing();
};

export interface ClusterRefresh {
  workspaceId: string;
  /** The customer as the batch left them (traits after this batch's identify calls). */
  customer: CustomerProfile;
  /** The last event row of the customer the batch processed (the change event's message id), null for timers only. */
  seq: number | null;
}

export interface ClusterRefreshResult {
  /** The new cluster of each customer whose cluster changed, by customer key (`keyOf`). */
  changed: Map<string, ValueCluster | null>;
  /** When time alone would next move each customer, for workspaces whose definition has event windows. */
  due: DueReevaluation[];
}

/**
 * Inside the caller's transaction (the customers' rows held): recomputes the cluster of every given
 * customer from the definition in force, writes changes and queues their "Cluster Changed" events.
 * The worker calls it after a batch; due re-evaluations when a window edge passes.
 */
export const refreshClusters = async (tx: Executor, items: readonly ClusterRefresh[], now: number): Promise<ClusterRefreshResult> => {
  const result: ClusterRefreshResult = { changed: new Map(), due: [] };
  const byWorkspace = new Map<string, ClusterRefresh[]>();
  for (const item of items) byWorkspace.set(item.workspaceId, [...(byWorkspace.get(item.workspaceId) ?? []), item]);
  for (const [workspaceId, list] of byWorkspace) {
    const stored = await loadClusterDefinition(tx, workspaceId);
    if (!stored) continue;
    const { placements, due } = await placeAll(tx, workspaceId, list.map((i) => i.customer), stored.definition, now);
    result.due.push(...due);
    for (const item of list) {
      const placement = placements.get(item.customer.id);
      if (!placement || placement.cluster === item.customer.cluster) continue;
      const messageId = `cluster:${item.customer.id}:${item.seq ?? `t${now}`}`;
      await applyChange(tx, workspaceId, item.customer, placement, stored.version, messageId, now);
      result.changed.set(keyOf({ workspaceId, customerId: item.customer.id }), placement.cluster);
    }
  }
  return result;
};

export type ClusterCounts = Record<ValueCluster | 'unclustered', number> & { customers: number };

const emptyCounts = (): ClusterCounts => ({ customers: 0, star: 0, question_mark: 0, cash_cow: 0, dog: 0, unclustered: 0 });

const customerPage = (db: Executor, workspaceId: string, after: string | null, lock: boolean) => {
  const query = db
    .select({ id: customers.id, traits: customers.traits, cluster: customers.cluster })
    .from(customers)
    .where(after === null ? eq(customers.workspaceId, workspaceId) : and(eq(customers.workspaceId, workspaceId), gt(customers.id, after)))
    .orderBy(asc(customers.id))
    .limit(PAGE);
  return lock ? query.for('update') : query;
};

/** How many customers each cluster would hold under `definition` now (nothing is written). */
export const previewClusters = async (services: Services, workspaceId: string, definition: ClusterDefinition): Promise<ClusterCounts> => {
  const counts = emptyCounts();
  const now = services.now();
  let after: string | null = null;
  for (;;) {
    const page: ClusterSubject[] = await customerPage(services.db, workspaceId, after, false);
    if (page.length === 0) break;
    const { placements } = await placeAll(services.db, workspaceId, page, definition, now);
    for (const placement of placements.values()) counts[placement.cluster ?? 'unclustered'] += 1;
    counts.customers += page.length;
    after = page[page.length - 1]?.id ?? null;
    if (page.length < PAGE) break;
  }
  return counts;
};

/**
 * Recomputes every customer of the workspace under definition `version`, one transaction per page
 * of customers (their rows locked, so the worker never interleaves). Stops when a newer version is
 * saved meanwhile (its own recomputation takes over). Returns the counts and how many changed.
 */
export const recomputeAllClusters = async (services: Services, workspaceId: string, version: number): Promise<{ counts: ClusterCounts; changed: number; superseded: boolean }> => {
  const counts = emptyCounts();
  let changed = 0;
  let after: string | null = null;
  for (;;) {
    const page = await services.db.transaction(async (tx) => {
      const stored = await loadClusterDefinition(tx, workspaceId);
      if (!stored || stored.version !== version) return null;
      const now = services.now();
      const rows: ClusterSubject[] = await customerPage(tx, workspaceId, after, true);
      const { placements, due } = await placeAll(tx, workspaceId, rows, stored.definition, now);
      // Every customer of the page, so a definition without windows clears older due times.
      const dueOf = new Map(due.map((d) => [d.customerId, d.dueAt]));
      await scheduleReevaluations(tx, 'clusters', rows.map((row) => ({ workspaceId, customerId: row.id, dueAt: dueOf.get(row.id) ?? null })));
      for (const row of rows) {
        const placement = placements.get(row.id);
        if (!placement) continue;
        counts[placement.cluster ?? 'unclustered'] += 1;
        if (placement.cluster === row.cluster) continue;
        await applyChange(tx, workspaceId, row, placement, version, `cluster:${row.id}:v${version}`, now);
        changed += 1;
      }
      counts.customers += rows.length;
      return rows;
    });
    if (page === null) return { counts, changed, superseded: true };
    if (changed > 0) services.wake();
    if (page.length < PAGE) break;
    after = page[page.length - 1]?.id ?? null;
  }
  services.log.info({ workspaceId, version, changed, customers: counts.customers }, 'value clusters recomputed');
  return { counts, changed, superseded: false };
};

/** Tests wait for background recomputations with this (any background work of the services, in fact). */
export const settleClusterRecomputes = settleBackground;

const startRecompute = (services: Services, workspaceId: string, version: number): void =>
  runInBackground(services, 'value cluster recomputation', { workspaceId, version }, () => recomputeAllClusters(services, workspaceId, version));

export interface SavedClusterDefinition extends StoredClusterDefinition {
  /** Counts under the new definition at save time; customers are updated in the background. */
  preview: ClusterCounts;
}

/** Saves a validated definition as the next version, then recomputes every customer in the background. */
export const saveClusterDefinition = async (services: Services, workspaceId: string, request: ClusterSettingsRequest, actor: ActorKeyId): Promise<SavedClusterDefinition> => {
  const { note, ...definition } = request;
  const at = services.now();
  const saved = await services.db.transaction(async (tx) => {
    const stored = await saveSetting(tx, workspaceId, clustersKey, definition as unknown as Record<string, JsonValue>, note ?? null, at);
    await recordAudit(tx, { workspaceId, actorKeyId: actor, action: 'settings.update', targetType: 'settings', targetId: clustersKey, details: { version: stored.version }, at });
    return stored;
  });
  const preview = await previewClusters(services, workspaceId, definition);
  startRecompute(services, workspaceId, saved.version);
  return { version: saved.version, definition, note: saved.note, createdAt: at, preview };
};

/** For the API: customers per cluster as stored now. */
export const storedClusterCounts = async (db: Executor, workspaceId: string): Promise<ClusterCounts> => {
  const rows = await db
    .select({ cluster: customers.cluster, count: sql<number>`count(*)::int` })
    .from(customers)
    .where(eq(customers.workspaceId, workspaceId))
    .groupBy(customers.cluster);
  const counts = emptyCounts();
  for (const row of rows) {
    counts[row.cluster ?? 'unclustered'] += Number(row.count);
    counts.customers += Number(row.count);
  }
  return counts;
};
