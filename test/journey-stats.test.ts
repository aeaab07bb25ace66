import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiKeys } from '../drizzle/schema.js';
import { hashKey } from '../server/keys.js';
import type { JourneyGraphInput } from '../workflows/index.js';
import { json, startHarness, type Harness } from './support/harness.js';

const DAY = 86_400_000;
const readKey = 'rk_read_stats_0123456789abcdef';

/** Signed up → wait a day → welcome mail → VIP? → exit (goal: "Order Completed"). */
const onboarding: JourneyGraphInput = {
  id: 'onboarding',
  name: 'Onboarding',
  nodes: [
    { id: 'signed-up', kind: 'trigger_event', params: { event: 'Signed Up' } },
    { id: 'wait', kind: 'wait_delay', params: { duration: { amount: 1, unit: 'days' } } },
    { id: 'welcome', kind: 'send_email', params: { subject: 'Welcome', body: 'Hi {{ customer.traits.first_name }}' } },
    { id: 'vip', kind: 'condition_rule', params: { rule: { kind: 'condition', field: 'customer.traits.vip', operator: 'is_true' } } },
    { id: 'bye', kind: 'exit', params: { reason: 'onboarded' } },
  ],
  edges: [
    { id: 'e1', source: 'signed-up', outcome: 'next', target: 'wait' },
    { id: 'e2', source: 'wait', outcome: 'next', target: 'welcome' },
    { id: 'e3', source: 'welcome', outcome: 'next', target: 'vip' },
    { id: 'e4', source: 'vip', outcome: 'yes', target: 'bye' },
    { id: 'e5', source: 'vip', outcome: 'no', target: 'bye' },
  ],
  settings: { goal: { event: 'Order Completed' } },
};

interface Stats {
  version: number | null;
  nodes: Record<string, { entered: number; waiting: number }>;
  activeRuns: number;
  converted: number;
  exited: number;
}

describe('GET /v1/journeys/:id/stats', () => {
  let h: Harness;
  const stats = async (id = 'onboarding') => json<Stats>(await h.admin(`/v1/journeys/${id}/stats`), 200);
  const signUp = (userId: string) => h.ingest('/v1/track', { userId, event: 'Signed Up', messageId: `signup-${userId}` });

  beforeAll(async () => {
    h = await startHarness();
    await h.services.db.insert(apiKeys).values({ id: randomUUID(), workspaceId: h.workspaceId, scope: 'read', hash: hashKey(readKey), prefix: readKey.slice(0, 12), name: 'read', createdAt: h.clock.now() });
    await json(await h.admin('/v1/journeys', { method: 'POST', json: onboarding }), 201);
  }, 60_000);
  afterAll(async () => h.close());

  it('answers zeros for a draft (no version yet) and 404 for an unknown journey', async () => {
    expect(await stats()).toEqual({ version: null, nodes: {}, activeRuns: 0, converted: 0, exited: 0 });
    const missing = await h.admin('/v1/journeys/nope/stats');
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: { code: string } }).error.code).toBe('not_found');
  });

  it('needs a key, and a read key is enough', async () => {
    expect((await h.request('/v1/journeys/onboarding/stats')).status).toBe(401);
    expect((await h.request('/v1/journeys/onboarding/stats', {}, `Bearer ${readKey}`)).status).toBe(200);
  });

  it('counts runs waiting at a node and steps that entered each node', async () => {
    await json(await h.admin('/v1/journeys/onboarding/publish', { method: 'POST', json: { note: 'first' } }), 201);
    for (const id of ['ada', 'bob', 'cy']) await json(await signUp(id), 200);
    await h.drain();
    expect(await stats()).toEqual({
      version: 1,
      nodes: { 'signed-up': { entered: 3, waiting: 0 }, wait: { entered: 3, waiting: 3 } },
      activeRuns: 3,
      converted: 0,
      exited: 0,
    });

    // One converts through the journey-wide goal while waiting; the others finish after the delay.
    await json(await h.ingest('/v1/track', { userId: 'ada', event: 'Order Completed', messageId: 'order-ada' }), 200);
    await h.drain();
    h.clock.advance(DAY + 1000);
    await h.drain();
    const after = await stats();
    expect(after).toMatchObject({ version: 1, activeRuns: 0, converted: 1, exited: 2 });
    expect(after.nodes).toEqual({
      'signed-up': { entered: 3, waiting: 0 },
      wait: { entered: 3, waiting: 0 },
      welcome: { entered: 2, waiting: 0 },
      vip: { entered: 2, waiting: 0 },
      bye: { entered: 2, waiting: 0 },
    });
  });

  it('does not shadow the other journey routes', async () => {
    expect((await h.admin('/v1/journeys/onboarding')).status).toBe(200);
    expect((await h.admin('/v1/journeys/onboarding/versions')).status).toBe(200);
    expect((await h.admin('/v1/journeys/onboarding/stats/extra')).status).toBe(404);
  });
});
