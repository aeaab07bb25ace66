import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, effects, runs, timers } from '../drizzle/schema.js';
import { winBackJourney } from '../workflows/examples/win-back.js';
import { json, startHarness, writeKey, type Harness } from './support/harness.js';
import { publishDirect, storeEvent } from './support/journeys.js';

const DAY = 86_400_000;

interface RunBody {
  id: string;
  status: string;
  outcome: string | null;
  reason: string | null;
  currentNode: string;
  steps: { seq: number; input: { type: string; by?: string; reason?: string; dueAt?: number | null }; path: string[] }[];
  timers: { timerId: string; dueAt: number }[];
}

describe('run surgery: cancel, move, fire / reschedule / drop a timer — audited steps that replay', () => {
  let h: Harness;
  const runOf = async (customerId: string) => {
    const [row] = await h.services.db.select().from(runs).where(eq(runs.customerId, customerId));
    if (!row) throw new Error(`no run for ${customerId}`);
    return json<RunBody>(await h.admin(`/v1/runs/${row.id}`), 200);
  };
  const surgery = (runId: string, body: unknown) => h.admin(`/v1/runs/${runId}/surgery`, { method: 'POST', json: body });

  beforeAll(async () => {
    h = await startHarness();
    await publishDirect(h, winBackJourney);
    for (const id of ['ann', 'ben', 'cat', 'dan']) {
      await storeEvent(h, id, 'identify', { traits: { first_name: id, email: `${id}@example.com` } });
      await storeEvent(h, id, 'track', { properties: {} }, { name: 'Inactive 60 Days' });
    }
    await h.drain();
  }, 60_000);
  afterAll(async () => h.close());

  it('cancels a run with the reason, drops its timers, and audits who did it', async () => {
    const run = await runOf('ann');
    expect(run.currentNode).toBe('order-wait');
    const result = await json<{ step: { input: { type: string; reason: string } } }>(await surgery(run.id, { action: 'cancel', reason: 'customer asked us to stop' }), 200);
    expect(result.step.input).toMatchObject({ type: 'end', reason: 'cancelled: customer asked us to stop', by: expect.stringMatching(/^key "/) });
    expect(await runOf('ann')).toMatchObject({ status: 'done', outcome: 'exited', reason: 'cancelled: customer asked us to stop', timers: [] });
    expect(await h.services.db.select().from(timers).where(eq(timers.runId, run.id))).toEqual([]);
    const audit = await h.services.db.select().from(auditLog).where(eq(auditLog.targetId, run.id));
    expect(audit).toMatchObject([{ action: 'run.surgery', targetType: 'run', details: { action: 'cancel', reason: 'customer asked us to stop' } }]);
    expect((await surgery(run.id, { action: 'cancel', reason: 'again' })).status).toBe(409);
  });

  it('fires a pending timer now: the run times out and says goodbye', async () => {
    const run = await runOf('ben');
    const timerId = run.timers[0]?.timerId as string;
    await json(await surgery(run.id, { action: 'fire_timer', timerId, reason: 'testing the farewell' }), 200);
    const after = await runOf('ben');
    expect(after).toMatchObject({ status: 'done', outcome: 'exited', currentNode: 'farewell-exit' });
    expect(after.steps.at(-1)?.path).toEqual(['farewell-mail', 'phased-out-stage', 'farewell-exit']);
    // The step says who fired it and why (the key by its name and first characters).
    expect(after.steps.at(-1)?.input).toMatchObject({ type: 'timer', timerId, reason: 'testing the farewell', by: expect.stringMatching(/^key ".+" \(rk_admin_.*…\)$/) });
    const mails = await h.services.db.select().from(effects).where(eq(effects.customerId, 'ben'));
    expect(mails.map((m) => m.nodeId)).toContain('farewell-mail');
  });

  it('reschedules a timer, and drops one: the worker honours both', async () => {
    const cat = await runOf('cat');
    const catTimer = cat.timers[0]?.timerId as string;
    const dueAt = h.clock.now() + DAY;
    await json(await surgery(cat.id, { action: 'reschedule_timer', timerId: catTimer, dueAt, reason: 'give them a day only' }), 200);
    expect((await runOf('cat')).timers).toEqual([expect.objectContaining({ timerId: catTimer, dueAt })]);
    h.clock.advance(DAY);
    await h.drain();
    expect(await runOf('cat')).toMatchObject({ status: 'done', currentNode: 'farewell-exit' });

    const dan = await runOf('dan');
    await json(await surgery(dan.id, { action: 'skip_timer', timerId: dan.timers[0]?.timerId, reason: 'wait for the order however long it takes' }), 200);
    h.clock.advance(30 * DAY);
    await h.drain();
    expect(await runOf('dan')).toMatchObject({ status: 'active', currentNode: 'order-wait', timers: [] });
  });

  it('moves a run to another node, entering it as if reached normally', async () => {
    const dan = await runOf('dan');
    await json(await surgery(dan.id, { action: 'move', nodeId: 'won-back-stage', reason: 'ordered by phone' }), 200);
    expect(await runOf('dan')).toMatchObject({ status: 'done', outcome: 'converted', currentNode: 'won-back-goal' });
  });

  it('refuses bad requests clearly', async () => {
    await storeEvent(h, 'eve', 'track', { properties: {} }, { name: 'Inactive 60 Days' });
    await h.drain();
    const eve = await runOf('eve');
    const unknownNode = await surgery(eve.id, { action: 'move', nodeId: 'nowhere', reason: 'x' });
    expect(unknownNode.status).toBe(422);
    expect(((await unknownNode.json()) as { error: { message: string } }).error.message).toContain('does not exist');
    expect((await surgery(eve.id, { action: 'fire_timer', timerId: 'nope', reason: 'x' })).status).toBe(404);
    const noReason = await surgery(eve.id, { action: 'cancel' });
    expect(noReason.status).toBe(400);
    expect(((await noReason.json()) as { error: { details: { path: string[] }[] } }).error.details[0]?.path).toEqual(['reason']);
    expect((await h.request(`/v1/runs/${eve.id}/surgery`, { method: 'POST', json: { action: 'cancel', reason: 'x' } }, `Bearer ${writeKey}`)).status).toBe(403);
    expect((await surgery('nope', { action: 'cancel', reason: 'x' })).status).toBe(404);
  });
});
