import { and, asc, eq, like } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { customers, events, runs, stageChanges, workspaceSettings } from '../drizzle/schema.js';
import { settleClusterRecomputes } from '../server/runtime/clusters.js';
import type { ClusterDefinition } from '../workflows/clusters.js';
import type { JourneyGraphInput } from '../workflows/index.js';
import { json, startHarness, writeKey, type Harness } from './support/harness.js';
import { publishDirect, storeEvent } from './support/journeys.js';

const DAY = 86_400_000;

interface ErrorBody {
  error: { code: string; message: string; details?: { path?: (string | number)[]; message: string; code?: string }[] };
}

const vipModel = {
  stages: [
    { id: 'prospect', label: 'Prospect' },
    { id: 'customer', label: 'Customer' },
    { id: 'vip', label: 'VIP' },
    { id: 'lapsed', label: 'Lapsed' },
  ],
  note: 'our own lifecycle',
};

const promote = (stage: string): JourneyGraphInput => ({
  id: `promote-${stage.replace(/_/g, '-')}`,
  name: `Promote to ${stage}`,
  nodes: [
    { id: 'start', kind: 'trigger_event', params: { event: 'Big Order' } },
    { id: 'move', kind: 'set_stage', params: { stage } },
    { id: 'done', kind: 'exit', params: {} },
  ],
  edges: [
    { id: 'e1', source: 'start', outcome: 'next', target: 'move' },
    { id: 'e2', source: 'move', outcome: 'next', target: 'done' },
  ],
});

describe('CRM domain: the stage model per workspace and the stage overview', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  }, 60_000);
  afterAll(async () => h.close());

  it('serves the default model until one is saved', async () => {
    const model = await json<{ version: number | null; stages: { id: string }[] }>(await h.admin('/v1/settings/stages'), 200);
    expect(model.version).toBeNull();
    expect(model.stages.map((s) => s.id)).toEqual(['selection', 'identify_attract', 'retain_develop', 'expand', 'keep_reactivate', 'win_back', 'phased_out']);
  });

  it.each<[string, unknown, (string | number)[]]>([
    ['one stage', { stages: [{ id: 'only', label: 'Only' }] }, ['stages']],
    ['a duplicate id', { stages: [{ id: 'a', label: 'A' }, { id: 'a', label: 'Again' }] }, ['stages', 1, 'id']],
    ['an id that is not lower_snake_case', { stages: [{ id: 'Retain-Develop', label: 'R' }, { id: 'b', label: 'B' }] }, ['stages', 0, 'id']],
    ['an empty label', { stages: [{ id: 'a', label: ' ' }, { id: 'b', label: 'B' }] }, ['stages', 0, 'label']],
    ['no stages', {}, ['stages']],
  ])('refuses %s with the field path, saving nothing', async (_, body, path) => {
    const error = await json<ErrorBody>(await h.admin('/v1/settings/stages', { method: 'PUT', json: body }), 400);
    expect(error.error.code).toBe('invalid_request');
    expect(error.error.details?.[0]?.path).toEqual(path);
    expect(await h.services.db.select().from(workspaceSettings).where(eq(workspaceSettings.key, 'stages'))).toEqual([]);
  });

  it('needs an admin key to save', async () => {
    const response = await h.request('/v1/settings/stages', { method: 'PUT', json: vipModel }, `Bearer ${writeKey}`);
    expect(response.status).toBe(403);
  });

  it('saves versions; the latest is in force', async () => {
    const first = await json<{ version: number }>(await h.admin('/v1/settings/stages', { method: 'PUT', json: { stages: vipModel.stages.slice(0, 2) } }), 200);
    expect(first.version).toBe(1);
    const second = await json<{ version: number; note: string }>(await h.admin('/v1/settings/stages', { method: 'PUT', json: vipModel }), 200);
    expect(second).toMatchObject({ version: 2, note: 'our own lifecycle' });
    const current = await json<{ version: number; stages: unknown[] }>(await h.admin('/v1/settings/stages'), 200);
    expect(current).toMatchObject({ version: 2, stages: vipModel.stages });
  });

  it("validates and publishes journeys against the workspace's stages", async () => {
    const old = promote('retain_develop');
    await json(await h.admin('/v1/journeys', { method: 'POST', json: old }), 201);
    const validation = await json<{ valid: boolean; findings: { code: string; nodeId?: string; message: string }[] }>(await h.admin(`/v1/journeys/${old.id}/validate`, { method: 'POST' }), 200);
    expect(validation.valid).toBe(false);
    expect(validation.findings).toContainEqual(expect.objectContaining({ code: 'unknown_stage', nodeId: 'move', message: expect.stringContaining('prospect, customer, vip, lapsed') }));
    const refused = await json<ErrorBody>(await h.admin(`/v1/journeys/${old.id}/publish`, { method: 'POST', json: { note: 'try' } }), 422);
    expect(refused.error.details).toContainEqual(expect.objectContaining({ code: 'unknown_stage', nodeId: 'move' }));

    const vip = promote('vip');
    await json(await h.admin('/v1/journeys', { method: 'POST', json: vip }), 201);
    expect(await json<{ valid: boolean }>(await h.admin(`/v1/journeys/${vip.id}/validate`, { method: 'POST' }), 200)).toMatchObject({ valid: true });
    await json(await h.admin(`/v1/journeys/${vip.id}/publish`, { method: 'POST', json: { note: 'first' } }), 201);
  });

  it('counts customers per stage now and the moves in a period, as the rows say', async () => {
    const t0 = h.clock.now();
    // A journey move (audited by the worker), plus customers and audit rows written directly.
    await storeEvent(h, 'journey-mover', 'track', { properties: {} }, { name: 'Big Order' });
    await h.drain();
    const put = async (id: string, stage: string | null) =>
      h.services.db.insert(customers).values({ workspaceId: h.workspaceId, id, stage, createdAt: t0, updatedAt: t0 }).onConflictDoUpdate({ target: [customers.workspaceId, customers.id], set: { stage } });
    const move = async (id: string, from: string | null, to: string, at: number) =>
      h.services.db.insert(stageChanges).values({ workspaceId: h.workspaceId, customerId: id, fromStage: from, toStage: to, cause: 'test', at });
    await put('a', 'prospect');
    await put('b', 'customer');
    await put('c', 'customer');
    await put('d', 'lapsed');
    await put('e', null);
    await put('f', 'retain_develop');
    await move('b', 'prospect', 'customer', t0 - 10 * DAY);
    await move('c', 'prospect', 'customer', t0 - 5 * DAY);
    await move('d', 'customer', 'lapsed', t0 - 2 * DAY);
    await move('a', null, 'prospect', t0 - 40 * DAY);
    await move('c', 'customer', 'vip', t0 + 5 * DAY);

    const from = t0 - 30 * DAY;
    const to = t0 + DAY;
    const overview = await json<{
      from: number;
      to: number;
      stages: { id: string; label: string; customers: number }[];
      otherStages: { id: string; customers: number }[];
      unstaged: number;
      moves: { from: string | null; to: string; count: number }[];
    }>(await h.admin(`/v1/stages/overview?from=${from}&to=${new Date(to).toISOString()}`), 200);

    // Independently, from the rows.
    const allCustomers = await h.services.db.select().from(customers).where(eq(customers.workspaceId, h.workspaceId));
    const perStage = new Map<string | null, number>();
    for (const c of allCustomers) perStage.set(c.stage, (perStage.get(c.stage) ?? 0) + 1);
    const audit = await h.services.db.select().from(stageChanges).where(eq(stageChanges.workspaceId, h.workspaceId));
    const perMove = new Map<string, number>();
    for (const row of audit.filter((r) => r.at >= from && r.at < to)) perMove.set(`${row.fromStage}>${row.toStage}`, (perMove.get(`${row.fromStage}>${row.toStage}`) ?? 0) + 1);

    expect(overview).toMatchObject({ from, to });
    expect(overview.stages.map((s) => s.id)).toEqual(vipModel.stages.map((s) => s.id));
    for (const stage of overview.stages) expect(stage.customers, stage.id).toBe(perStage.get(stage.id) ?? 0);
    expect(overview.otherStages).toEqual([{ id: 'retain_develop', customers: 1 }]);
    expect(overview.unstaged).toBe(perStage.get(null) ?? 0);
    expect(new Map(overview.moves.map((m) => [`${m.from}>${m.to}`, m.count]))).toEqual(perMove);
    // The concrete numbers, so the two computations cannot agree by both being empty.
    expect(overview.stages.find((s) => s.id === 'customer')?.customers).toBe(2);
    expect(overview.stages.find((s) => s.id === 'vip')?.customers).toBe(1);
    expect(overview.moves).toContainEqual({ from: 'prospect', to: 'customer', count: 2 });
    expect(overview.moves).toContainEqual({ from: null, to: 'vip', count: 1 });
    expect(overview.moves.some((m) => m.to === 'prospect' || (m.from === 'customer' && m.to === 'vip'))).toBe(false);
  });

  it('refuses a bad period', async () => {
    expect((await h.admin('/v1/stages/overview?from=yesterday')).status).toBe(400);
    expect((await h.admin('/v1/stages/overview?from=2000&to=1000')).status).toBe(400);
  });
});

const definition: ClusterDefinition = {
  contribution: { type: 'event_sum', event: 'Order Completed', property: 'revenue', withinDays: 365 },
  lifetimeValue: { type: 'trait', trait: 'lifetime_value' },
  thresholds: { contribution: 100, lifetimeValue: 1000 },
};

/** Reacts to a customer becoming a star (the rule sees the event and the updated profile). */
const welcomeStar: JourneyGraphInput = {
  id: 'welcome-star',
  name: 'Welcome, star',
  nodes: [
    {
      id: 'became-star',
      kind: 'trigger_event',
      params: {
        event: 'Cluster Changed',
        rule: {
          kind: 'group',
          combinator: 'and',
          rules: [
            { kind: 'condition', field: 'event.properties.to', operator: 'eq', value: 'star' },
            { kind: 'condition', field: 'customer.cluster', operator: 'eq', value: 'star' },
          ],
        },
      },
    },
    { id: 'thanks', kind: 'send_email', params: { subject: 'You are a star', body: 'Thank you' } },
    { id: 'done', kind: 'exit', params: {} },
  ],
  edges: [
    { id: 'e1', source: 'became-star', outcome: 'next', target: 'thanks' },
    { id: 'e2', source: 'thanks', outcome: 'next', target: 'done' },
  ],
};

describe('CRM domain: value clusters', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
    await publishDirect(h, welcomeStar);
  }, 60_000);
  afterAll(async () => h.close());

  const clusterOf = async (id: string) => (await h.services.db.select({ cluster: customers.cluster }).from(customers).where(and(eq(customers.workspaceId, h.workspaceId), eq(customers.id, id))))[0]?.cluster;
  const changes = async (id: string) =>
    (await h.services.db.select().from(events).where(and(eq(events.customerId, id), eq(events.name, 'Cluster Changed'))).orderBy(asc(events.seq))).map((e) => ({
      messageId: e.messageId,
      type: e.type,
      ...(e.payload['properties'] as { from: string | null; to: string | null }),
    }));

  it('has no definition at first, and leaves clusters alone without one', async () => {
    expect(await json(await h.admin('/v1/settings/clusters'), 200)).toMatchObject({ version: null, definition: null, counts: { customers: 0 } });
    await storeEvent(h, 'early', 'identify', { traits: { lifetime_value: 5000 } });
    await h.drain();
    expect(await clusterOf('early')).toBeNull();
  });

  it.each<[string, unknown, (string | number)[]]>([
    ['an unknown measure', { ...definition, contribution: { type: 'eval', code: 'x' } }, ['contribution', 'type']],
    ['a negative window', { ...definition, contribution: { ...definition.contribution, withinDays: -1 } }, ['contribution', 'withinDays']],
    ['a threshold that is not a number', { ...definition, thresholds: { contribution: '100', lifetimeValue: 1 } }, ['thresholds', 'contribution']],
    ['a formula without operands', { ...definition, lifetimeValue: { type: 'formula', op: 'add', of: [] } }, ['lifetimeValue', 'of']],
  ])('refuses %s with the field path', async (_, body, path) => {
    const error = await json<ErrorBody>(await h.admin('/v1/settings/clusters', { method: 'PUT', json: body }), 400);
    expect(error.error.details?.[0]?.path).toEqual(path);
    const preview = await json<ErrorBody>(await h.admin('/v1/settings/clusters/preview', { method: 'POST', json: body }), 400);
    expect(preview.error.details?.[0]?.path).toEqual(path);
  });

  it('previews counts without saving anything', async () => {
    await storeEvent(h, 'p1', 'identify', { traits: { lifetime_value: 50 } });
    await storeEvent(h, 'p2', 'identify', { traits: {} });
    await storeEvent(h, 'p2', 'track', { properties: { revenue: 500 } }, { name: 'Order Completed' });
    await h.drain();
    const { preview } = await json<{ preview: Record<string, number> }>(await h.admin('/v1/settings/clusters/preview', { method: 'POST', json: definition }), 200);
    // early: no orders (0) and LTV 5000 → question mark; p1: dog; p2: no LTV trait → unclustered.
    expect(preview).toEqual({ customers: 3, star: 0, question_mark: 1, cash_cow: 0, dog: 1, unclustered: 1 });
    const looser = await json<{ preview: Record<string, number> }>(
      await h.admin('/v1/settings/clusters/preview', { method: 'POST', json: { ...definition, lifetimeValue: { type: 'formula', op: 'max', of: [{ type: 'trait', trait: 'lifetime_value' }, { type: 'event_sum', event: 'Order Completed', property: 'revenue', withinDays: 365 }] } } }),
      200,
    );
    expect(looser.preview).toEqual({ customers: 3, star: 0, question_mark: 1, cash_cow: 1, dog: 1, unclustered: 0 });
    expect(await h.services.db.select().from(workspaceSettings).where(eq(workspaceSettings.key, 'clusters'))).toEqual([]);
    expect(await clusterOf('p1')).toBeNull();
  });

  it('saves a version, answers with its preview, and recomputes every customer in the background', async () => {
    const saved = await json<{ version: number; preview: Record<string, number> }>(await h.admin('/v1/settings/clusters', { method: 'PUT', json: { ...definition, note: 'first' } }), 200);
    expect(saved).toMatchObject({ version: 1, preview: { customers: 3, question_mark: 1, dog: 1, unclustered: 1 } });
    await settleClusterRecomputes(h.services);
    expect(await clusterOf('early')).toBe('question_mark');
    expect(await clusterOf('p1')).toBe('dog');
    expect(await clusterOf('p2')).toBeNull();
    expect(await changes('p1')).toEqual([{ messageId: 'cluster:p1:v1', type: 'track', from: null, to: 'dog', contribution: 0, lifetimeValue: 50, definitionVersion: 1 }]);
    expect(await changes('p2')).toEqual([]);
    await h.drain();
    // Processing the change events does not change anything again.
    expect(await changes('p1')).toHaveLength(1);
    const current = await json<{ version: number; definition: unknown; counts: Record<string, number> }>(await h.admin('/v1/settings/clusters'), 200);
    expect(current).toMatchObject({ version: 1, definition, counts: { customers: 3, question_mark: 1, dog: 1, unclustered: 1 } });
  });

  it('recomputes as events arrive: orders push a dog to cash cow, a trait push makes a star, and journeys react', async () => {
    await storeEvent(h, 'ada', 'identify', { traits: { lifetime_value: 200, email: 'ada@example.com' } });
    await h.drain();
    expect(await clusterOf('ada')).toBe('dog');

    await storeEvent(h, 'ada', 'track', { properties: { revenue: 60 } }, { name: 'Order Completed' });
    await h.drain();
    expect(await clusterOf('ada')).toBe('dog');
    await storeEvent(h, 'ada', 'track', { properties: { revenue: 45 } }, { name: 'Order Completed' });
    await h.drain();
    expect(await clusterOf('ada')).toBe('cash_cow');
    expect(await h.services.db.select().from(runs).where(eq(runs.customerId, 'ada'))).toEqual([]);

    await storeEvent(h, 'ada', 'identify', { traits: { lifetime_value: 5000 } });
    await h.drain();
    expect(await clusterOf('ada')).toBe('star');
    const announced = await changes('ada');
    expect(announced.map(({ from, to }) => [from, to])).toEqual([
      [null, 'dog'],
      ['dog', 'cash_cow'],
      ['cash_cow', 'star'],
    ]);
    expect(new Set(announced.map((a) => a.messageId)).size).toBe(3);
    expect(announced.every((a) => a.messageId.startsWith('cluster:ada:'))).toBe(true);
    const started = await h.services.db.select().from(runs).where(eq(runs.customerId, 'ada'));
    expect(started).toHaveLength(1);
    expect(started[0]).toMatchObject({ journeyId: 'welcome-star', status: 'done' });
    const pending = await h.services.db.select().from(events).where(and(eq(events.customerId, 'ada'), like(events.messageId, 'cluster:%')));
    expect(pending.every((e) => e.processedAt !== null && e.error === null)).toBe(true);
  });

  it('recomputes everyone when a new definition is saved', async () => {
    const saved = await json<{ version: number; preview: Record<string, number> }>(
      await h.admin('/v1/settings/clusters', { method: 'PUT', json: { ...definition, thresholds: { contribution: 1000, lifetimeValue: 100 } } }),
      200,
    );
    expect(saved.version).toBe(2);
    await settleClusterRecomputes(h.services);
    // ada: 105 revenue, LTV 5000 → question mark; p1: LTV 50 → dog; early: LTV 5000 → question mark.
    expect(await clusterOf('ada')).toBe('question_mark');
    expect(await clusterOf('p1')).toBe('dog');
    expect(await clusterOf('early')).toBe('question_mark');
    expect((await changes('ada')).at(-1)).toEqual({ messageId: 'cluster:ada:v2', type: 'track', from: 'star', to: 'question_mark', contribution: 105, lifetimeValue: 5000, definitionVersion: 2 });
    expect(await changes('p1')).toHaveLength(1);
    expect(saved.preview).toMatchObject({ customers: 4, question_mark: 2, dog: 1, unclustered: 1 });
    await h.drain();
    expect(await h.services.db.select().from(runs).where(eq(runs.customerId, 'ada'))).toHaveLength(1);
  });
});
