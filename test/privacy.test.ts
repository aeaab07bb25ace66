import { is } from 'drizzle-orm';
import { PgTable } from 'drizzle-orm/pg-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as schema from '../drizzle/schema.js';
import { customers, dateSchedules, events, webhookDeliveries } from '../drizzle/schema.js';
import { dispatchBatch } from '../server/runtime/dispatcher.js';
import { settleBackground } from '../server/runtime/background.js';
import { customerHash } from '../server/runtime/privacy.js';
import type { JourneyGraphInput } from '../workflows/index.js';
import { json, startHarness, type Harness } from './support/harness.js';

/** Manual enrolment → task → email → wait a day (a timer) → exit: rows in runs, steps, effects, attempts, tasks, mailbox, timers. */
const followUp: JourneyGraphInput = {
  id: 'follow-up',
  name: 'Follow-up',
  nodes: [
    { id: 'start', kind: 'trigger_manual', params: {} },
    { id: 'call', kind: 'create_task', params: { assignee: { type: 'team', id: 'service' }, title: 'Call {{ customer.id }}', due: { amount: 30, unit: 'minutes' }, script: ['Apologise'] } },
    { id: 'sorry', kind: 'send_email', params: { subject: 'Sorry', body: 'We are on it, {{ customer.id }}.' } },
    { id: 'wait', kind: 'wait_delay', params: { duration: { amount: 1, unit: 'days' } } },
    { id: 'done', kind: 'exit', params: {} },
  ],
  edges: [
    { id: 'e1', source: 'start', outcome: 'next', target: 'call' },
    { id: 'e2', source: 'call', outcome: 'next', target: 'sorry' },
    { id: 'e3', source: 'sorry', outcome: 'next', target: 'wait' },
    { id: 'e4', source: 'wait', outcome: 'next', target: 'done' },
  ],
  settings: { entry: { mode: 'every_time' } },
};

const ada = 'cust-ada-7f3e';
const grace = 'cust-grace-2b9c';
const tables = Object.entries(schema as Record<string, unknown>).flatMap(([name, value]) => (is(value, PgTable) ? [[name, value] as const] : []));

describe('deleting a customer (privacy)', () => {
  let h: Harness;
  /** Every row of every table in drizzle/schema.ts that mentions `id` anywhere (any column, JSON included). */
  const rowsNaming = async (id: string) => {
    const found: Record<string, number> = {};
    for (const [name, table] of tables) {
      const rows = await h.services.db.select().from(table);
      const hits = rows.filter((row) => JSON.stringify(row).includes(id)).length;
      if (hits > 0) found[name] = hits;
    }
    return found;
  };
  const ingestCount = async (id: string) => (await h.services.db.select().from(events)).filter((e) => e.customerId === id).length;

  beforeAll(async () => {
    h = await startHarness({ RAPPORT_POLL_MS: 60_000 });
    await json(await h.admin('/v1/journeys', { method: 'POST', json: followUp }), 201);
    await json(await h.admin('/v1/journeys/follow-up/publish', { method: 'POST', json: { note: 'v1' } }), 201);
    // A segment with a window: members get segment_members, segment_changes and reevaluations rows.
    await json(await h.admin('/v1/segments', { method: 'POST', json: { id: 'buyers', name: 'Buyers', definition: { rule: { kind: 'event_history', event: 'Order Completed', atLeast: 1, withinDays: 30 } } } }), 201);
    await settleBackground(h.services);
    for (const id of [ada, grace]) {
      await json(await h.ingest('/v1/identify', { userId: id, traits: { email: `${id}@example.com`, first_name: id } }), 200);
      await json(await h.ingest('/v1/track', { userId: id, event: 'Order Completed', properties: { revenue: 10 } }), 200);
      await json(await h.admin(`/v1/customers/${id}/stage`, { method: 'POST', json: { stage: 'retain_develop' } }), 202);
      await json(await h.admin('/v1/journeys/follow-up/enrol', { method: 'POST', json: { customerId: id } }), 202);
      await json(await h.admin(`/v1/customers/${id}/consent`, { method: 'PUT', json: { sms: false } }), 200);
      await h.services.db.insert(dateSchedules).values({ workspaceId: h.workspaceId, customerId: id, journeyId: 'birthday', nodeId: 'start', trait: 'birthday', dueAt: h.clock.now() + 86_400_000 });
      await h.services.db.insert(webhookDeliveries).values({
        workspaceId: h.workspaceId, sourceId: 'shop', webhookId: `wh-${id}`, receivedAt: h.clock.now(), headers: {}, body: JSON.stringify({ customer: id }), verdict: 'accepted', status: 202,
        event: { customerId: id, name: 'Order Paid', properties: {} }, messageId: `hook:shop:wh-${id}`,
      });
    }
    await h.drain();
    expect((await dispatchBatch(h.services)).sent).toBeGreaterThanOrEqual(4);
  }, 60_000);
  afterAll(async () => h.close());

  it('removes every row carrying the id, in every table, keeps other customers, and audits only a hash', async () => {
    const before = await rowsNaming(ada);
    for (const table of ['customers', 'events', 'runs', 'runSteps', 'timers', 'effects', 'effectAttempts', 'tasks', 'mailbox', 'stageChanges', 'dateSchedules', 'webhookDeliveries', 'segmentMembers', 'segmentChanges', 'reevaluations']) {
      expect(before[table], `${table} should hold rows of the customer before the deletion`).toBeGreaterThan(0);
    }
    const graceBefore = await rowsNaming(grace);

    const deletion = await json<{ deleted: boolean; customerHash: string; removed: Record<string, number> }>(await h.admin(`/v1/customers/${ada}`, { method: 'DELETE' }), 200);
    expect(deletion).toMatchObject({ deleted: true, customerHash: customerHash(h.workspaceId, ada) });
    expect(deletion.removed).toMatchObject({ customers: 1, runs: 1, tasks: 1, mailbox: 1, segment_members: 1, segment_changes: 1, reevaluations: 1 });

    expect(tables.length).toBeGreaterThanOrEqual(25);
    expect(await rowsNaming(ada)).toEqual({});
    expect(await rowsNaming(grace)).toEqual(graceBefore);
    const audit = await json<{ entries: { action: string; targetType: string; targetId: string }[] }>(await h.admin('/v1/audit?action=customer.delete'), 200);
    expect(audit.entries).toEqual([expect.objectContaining({ action: 'customer.delete', targetType: 'customer', targetId: deletion.customerHash })]);
    expect((await h.admin(`/v1/customers/${ada}`)).status).toBe(404);
  });

  it('stores nothing for the id while it is suppressed (ingest still answers 200), until the suppression is lifted', async () => {
    await json(await h.ingest('/v1/identify', { userId: ada, traits: { email: 'again@example.com' } }), 200);
    await json(await h.ingest('/v1/batch', { batch: [{ type: 'track', userId: ada, event: 'Viewed' }, { type: 'track', userId: grace, event: 'Viewed' }] }), 200);
    expect(await ingestCount(ada)).toBe(0);
    expect((await h.services.db.select().from(customers)).map((c) => c.id)).not.toContain(ada);
    expect(await ingestCount(grace)).toBeGreaterThan(2);
    const enrol = await h.admin('/v1/journeys/follow-up/enrol', { method: 'POST', json: { customerId: ada } });
    expect(enrol.status).toBe(409);
    expect(await rowsNaming(ada)).toEqual({});

    await json(await h.admin(`/v1/suppressions/${ada}`, { method: 'DELETE' }), 200);
    expect((await h.admin(`/v1/suppressions/${ada}`, { method: 'DELETE' })).status).toBe(404);
    await json(await h.ingest('/v1/identify', { userId: ada, traits: { email: 'back@example.com' } }), 200);
    expect(await ingestCount(ada)).toBe(1);
  });

  it('is idempotent and admin only', async () => {
    expect((await h.request(`/v1/customers/${grace}`, { method: 'DELETE' })).status).toBe(401);
    await json(await h.admin('/v1/customers/never-seen', { method: 'DELETE' }), 200);
    const again = await json<{ removed: Record<string, number> }>(await h.admin('/v1/customers/never-seen', { method: 'DELETE' }), 200);
    expect(Object.values(again.removed).every((n) => n === 0)).toBe(true);
  });
});
