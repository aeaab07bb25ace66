import { createHash } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { effects, events, mailbox, tasks } from '../drizzle/schema.js';
import { backoffCapMs, dispatchBatch, leaseMs, retryDelayMs, runDispatcher } from '../server/runtime/dispatcher.js';
import { createChannelAdapters } from '../server/channels/index.js';
import type { ChannelAdapter } from '../server/channels/adapter.js';
import { parseRetryAfter } from '../server/channels/http.js';
import { messageIdFor } from '../server/channels/email.js';
import { effectById, insertCustomer, insertEffect, resetEffect } from './support/effects.js';
import { startHarness, type Harness } from './support/harness.js';

describe('retry schedule', () => {
  it('goes out at once, then waits longer and longer, covering about a day over the default 16 attempts', () => {
    const exact = () => 0.5;
    expect([1, 2, 3, 4, 5].map((attempts) => retryDelayMs(attempts, exact))).toEqual([5_000, 30_000, 120_000, 300_000, 600_000]);
    const waits = Array.from({ length: 15 }, (_, i) => retryDelayMs(i + 1, exact));
    for (let i = 1; i < waits.length; i += 1) expect(waits[i], `wait ${i + 1}`).toBeGreaterThanOrEqual(waits[i - 1] ?? 0);
    const total = waits.reduce((a, b) => a + b, 0);
    expect(total / 3_600_000).toBeGreaterThan(22);
    expect(total / 3_600_000).toBeLessThan(28);
    // Past the table the last wait repeats.
    expect(retryDelayMs(40, exact)).toBe(6 * 3_600_000);
  });

  it('jitters each wait by at most 10 % either way', () => {
    expect(retryDelayMs(1, () => 0)).toBe(4_500);
    expect(retryDelayMs(1, () => 0.999999)).toBe(5_500);
    expect(retryDelayMs(2, () => 0.25)).toBe(28_500);
  });

  it('waits at least what Retry-After asks, capped at 24 h', () => {
    expect(retryDelayMs(1, () => 0.5, 30_000)).toBe(30_000);
    expect(retryDelayMs(4, () => 0.5, 1_000)).toBe(300_000);
    expect(retryDelayMs(1, () => 0, 10 * backoffCapMs)).toBe(backoffCapMs);
  });

  it('reads Retry-After as seconds or an HTTP date', () => {
    const now = Date.UTC(2026, 0, 5, 9, 0, 0);
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter('Mon, 05 Jan 2026 09:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Mon, 05 Jan 2026 08:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });

  it('makes a valid, deterministic Message-ID from the idempotency key', () => {
    expect(messageIdFor('run_ab12:3:0')).toBe('<run_ab12=3A3=3A0@rapport>');
    expect(messageIdFor('run_ab12:3:0')).toBe(messageIdFor('run_ab12:3:0'));
  });
});

describe('dispatcher: development mailbox and internal channels', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ RAPPORT_POLL_MS: 60_000 });
    await insertCustomer(h, 'c_ada', { email: 'ada@example.com', phone: '+4915100000001' });
    await insertCustomer(h, 'c_no_mail', { email: 'nomail@example.com', phone: '+4915100000002' }, { email: false, sms: false });
    await insertCustomer(h, 'c_no_address', { first_name: 'Grace' });
  }, 60_000);
  afterAll(async () => h.close());
  beforeEach(async () => {
    await h.services.db.delete(effects);
  });

  const mailboxRows = (key: string) => h.services.db.select().from(mailbox).where(eq(mailbox.idempotencyKey, key));

  it('puts email into the mailbox once, even when the effect is performed again', async () => {
    const effect = await insertEffect(h, 'email', { to: 'ada@example.com', from: null, subject: 'Welcome', body: 'Hi Ada' });
    expect(await dispatchBatch(h.services)).toEqual({ claimed: 1, sent: 1, failed: 0, retried: 0, skipped: 0, deferred: 0 });
    const sent = await effectById(h, effect.id);
    expect(sent).toMatchObject({ status: 'sent', attempts: 1, sentAt: h.clock.now(), lastError: null, result: { mailbox: true, duplicate: false } });

    await resetEffect(h, effect.id);
    expect((await dispatchBatch(h.services)).sent).toBe(1);
    expect((await effectById(h, effect.id)).result).toMatchObject({ mailbox: true, duplicate: true });
    const rows = await mailboxRows(effect.idempotencyKey);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ channel: 'email', recipient: 'ada@example.com', subject: 'Welcome', body: 'Hi Ada', workspaceId: h.workspaceId });
  });

  it('uses the address the customer has now when the step had none', async () => {
    const effect = await insertEffect(h, 'email', { to: null, from: null, subject: 'Hello', body: 'Hello again' });
    await dispatchBatch(h.services);
    expect((await effectById(h, effect.id)).status).toBe('sent');
    expect((await mailboxRows(effect.idempotencyKey))[0]?.recipient).toBe('ada@example.com');
  });

  it('skips email and SMS when the customer withdrew consent, checked at send time', async () => {
    const email = await insertEffect(h, 'email', { to: 'nomail@example.com', from: null, subject: 'Offer', body: '15% off' }, { customerId: 'c_no_mail' });
    const sms = await insertEffect(h, 'sms', { to: '+4915100000002', body: '15% off' }, { customerId: 'c_no_mail' });
    expect(await dispatchBatch(h.services)).toMatchObject({ claimed: 2, skipped: 2, sent: 0 });
    for (const id of [email.id, sms.id]) expect(await effectById(h, id)).toMatchObject({ status: 'skipped', lastError: 'no consent', sentAt: null });
    expect(await mailboxRows(email.idempotencyKey)).toHaveLength(0);
    expect(await mailboxRows(sms.idempotencyKey)).toHaveLength(0);
  });

  it('fails at once when the customer has no email address', async () => {
    const effect = await insertEffect(h, 'email', { to: null, from: null, subject: 'Hi', body: 'Hi' }, { customerId: 'c_no_address' });
    expect(await dispatchBatch(h.services)).toMatchObject({ claimed: 1, failed: 1, retried: 0 });
    const failed = await effectById(h, effect.id);
    expect(failed).toMatchObject({ status: 'failed', attempts: 1 });
    expect(failed.lastError).toContain('customer has no email address (traits.email)');
  });

  it('sends SMS and chat to the mailbox without providers', async () => {
    const sms = await insertEffect(h, 'sms', { to: '+4915100000001', body: 'Your parcel has arrived' });
    const chat = await insertEffect(h, 'chat', { via: 'chat', target: '#vip-alerts', text: 'Star customer c_ada complained', customerId: 'c_ada' });
    expect(await dispatchBatch(h.services)).toMatchObject({ claimed: 2, sent: 2 });
    expect((await mailboxRows(sms.idempotencyKey))[0]).toMatchObject({ channel: 'sms', recipient: '+4915100000001', subject: null, body: 'Your parcel has arrived' });
    expect((await mailboxRows(chat.idempotencyKey))[0]).toMatchObject({ channel: 'chat', recipient: '#vip-alerts', body: 'Star customer c_ada complained' });
  });

  it('never claims effects that failed when they were created (template errors)', async () => {
    const effect = await insertEffect(h, 'email', {}, { status: 'failed', lastError: 'template error: unknown filter' });
    expect((await dispatchBatch(h.services)).claimed).toBe(0);
    expect(await effectById(h, effect.id)).toMatchObject({ status: 'failed', attempts: 0 });
  });

  it('does not claim effects before they are due', async () => {
    const effect = await insertEffect(h, 'conversion', { name: 'later', value: null, customerId: 'c_ada' }, { nextAttemptAt: h.clock.now() + 1_000 });
    expect((await dispatchBatch(h.services)).claimed).toBe(0);
    h.clock.advance(1_000);
    expect((await dispatchBatch(h.services)).sent).toBe(1);
    expect((await effectById(h, effect.id)).result).toEqual({ recorded: true, name: 'later', value: null });
  });

  it('fails effects whose payload does not fit their channel, without retrying', async () => {
    const effect = await insertEffect(h, 'sms', { body: 42 });
    await dispatchBatch(h.services);
    const failed = await effectById(h, effect.id);
    expect(failed.status).toBe('failed');
    expect(failed.lastError).toContain('invalid sms effect payload');
  });

  it('creates a task once and lists it through the API', async () => {
    const dueAt = h.clock.now() + 30 * 60_000;
    const payload = { assignee: { type: 'team', id: 'customer-service' }, customerId: 'c_ada', title: 'Call Ada about the complaint', description: null, dueAt, script: ['Apologise', 'Explain', 'Offer'] };
    const effect = await insertEffect(h, 'task', payload);
    await dispatchBatch(h.services);
    await resetEffect(h, effect.id);
    await dispatchBatch(h.services);
    const rows = await h.services.db.select().from(tasks).where(eq(tasks.id, effect.idempotencyKey));
    expect(rows).toHaveLength(1);
    expect(await effectById(h, effect.id)).toMatchObject({ status: 'sent', result: { taskId: effect.idempotencyKey, duplicate: true } });

    const listed = await h.admin('/v1/tasks?assigneeType=team&assigneeId=customer-service&done=false');
    expect(listed.status).toBe(200);
    const { tasks: open } = (await listed.json()) as { tasks: { id: string; title: string; script: string[]; dueAt: number; runId: string; done: boolean }[] };
    expect(open).toEqual([expect.objectContaining({ id: effect.idempotencyKey, title: 'Call Ada about the complaint', script: ['Apologise', 'Explain', 'Offer'], dueAt, runId: effect.runId, done: false })]);

    const done = await h.admin(`/v1/tasks/${encodeURIComponent(effect.idempotencyKey)}/done`, { method: 'POST' });
    expect(done.status).toBe(200);
    expect(await done.json()).toMatchObject({ id: effect.idempotencyKey, done: true });
    const after = (await (await h.admin('/v1/tasks?assigneeType=team&assigneeId=customer-service&done=false')).json()) as { tasks: unknown[] };
    expect(after.tasks).toEqual([]);
    expect((await h.admin('/v1/tasks/nope/done', { method: 'POST' })).status).toBe(404);
    expect((await h.admin('/v1/tasks?done=maybe')).status).toBe(400);
    expect((await h.request('/v1/tasks')).status).toBe(401);
  });

  it('issues incentives with a code derived from the idempotency key', async () => {
    const generated = await insertEffect(h, 'incentive', { customerId: 'c_ada', type: 'percent_discount', code: null, value: 15, currency: 'EUR', expiresAt: null }, { cost: 12 });
    const fixed = await insertEffect(h, 'incentive', { customerId: 'c_ada', type: 'coupon', code: 'WELCOME10', value: 10, currency: 'EUR', expiresAt: null });
    await dispatchBatch(h.services);
    const expected = `RAP-${createHash('sha256').update(generated.idempotencyKey).digest('hex').slice(0, 8).toUpperCase()}`;
    expect((await effectById(h, generated.id)).result).toMatchObject({ code: expected, type: 'percent_discount', value: 15 });
    expect((await effectById(h, fixed.id)).result).toMatchObject({ code: 'WELCOME10' });
    await resetEffect(h, generated.id);
    await dispatchBatch(h.services);
    expect((await effectById(h, generated.id)).result).toMatchObject({ code: expected });
  });

  it('enrols into another journey with one event, even when dispatched twice', async () => {
    const effect = await insertEffect(h, 'journey', { journeyId: 'expansion-cross-sell', customerId: 'c_ada', properties: { sku: 'A-1' } });
    let wakes = 0;
    const wake = h.services.wake;
    h.services.wake = () => void (wakes += 1);
    try {
      await dispatchBatch(h.services);
      await resetEffect(h, effect.id);
      await dispatchBatch(h.services);
    } finally {
      h.services.wake = wake;
    }
    const rows = await h.services.db
      .select()
      .from(events)
      .where(and(eq(events.workspaceId, h.workspaceId), eq(events.messageId, `enrol:${effect.idempotencyKey}`)));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ type: 'enrol', customerId: 'c_ada', processedAt: null, payload: { journeyId: 'expansion-cross-sell', properties: { sku: 'A-1' }, by: `run:${effect.runId}` } });
    expect(wakes).toBe(1);
    expect((await effectById(h, effect.id)).result).toMatchObject({ duplicate: true });
  });

  it('lists the mailbox newest first, filtered by channel and recipient', async () => {
    const first = await insertEffect(h, 'email', { to: 'list@example.com', from: null, subject: 'First', body: '1' });
    await dispatchBatch(h.services);
    h.clock.advance(1_000);
    await insertEffect(h, 'email', { to: 'list@example.com', from: null, subject: 'Second', body: '2' });
    await insertEffect(h, 'sms', { to: 'list@example.com', body: 'not an email' });
    await dispatchBatch(h.services);
    const response = await h.admin('/v1/mailbox?channel=email&recipient=list%40example.com');
    expect(response.status).toBe(200);
    const { messages } = (await response.json()) as { messages: { subject: string; idempotencyKey: string }[] };
    expect(messages.map((m) => m.subject)).toEqual(['Second', 'First']);
    const limited = (await (await h.admin('/v1/mailbox?recipient=list%40example.com&limit=1')).json()) as { messages: unknown[] };
    expect(limited.messages).toHaveLength(1);
    expect(messages[1]?.idempotencyKey).toBe(first.idempotencyKey);
    expect((await h.admin('/v1/mailbox?channel=pigeon')).status).toBe(400);
    expect((await h.request('/v1/mailbox')).status).toBe(401);
  });

  it('counts final outcomes in rapport_effects_total', async () => {
    await insertEffect(h, 'conversion', { name: 'referral_sent', value: 5, customerId: 'c_ada' });
    await dispatchBatch(h.services);
    const text = h.services.metrics.render();
    expect(text).toMatch(/rapport_effects_total\{channel="conversion",status="sent"\} \d+/);
    expect(text).toMatch(/rapport_effects_total\{channel="email",status="skipped"\} 1/);
    expect(text).toMatch(/rapport_effects_total\{channel="email",status="failed"\} \d+/);
  });

  it('retries an effect whose sender died after its lease, and ignores the late sender\'s outcome', async () => {
    let release: () => void = () => undefined;
    const calls: number[] = [];
    const stuck: ChannelAdapter = {
      perform: async (effect) => {
        calls.push(effect.attempts);
        if (effect.attempts === 1) await new Promise<void>((resolve) => (release = resolve));
        return { result: { attempt: effect.attempts } };
      },
    };
    const adapters = { ...createChannelAdapters(h.services.config), conversion: stuck };
    const effect = await insertEffect(h, 'conversion', { name: 'slow', value: null, customerId: 'c_ada' });
    const first = dispatchBatch(h.services, { adapters });
    for (let i = 0; i < 100 && calls.length === 0; i += 1) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(await effectById(h, effect.id)).toMatchObject({ status: 'pending', attempts: 1, nextAttemptAt: h.clock.now() + leaseMs });
    expect((await dispatchBatch(h.services, { adapters })).claimed).toBe(0);

    h.clock.advance(leaseMs);
    expect(await dispatchBatch(h.services, { adapters })).toMatchObject({ claimed: 1, sent: 1 });
    release();
    expect(await first).toMatchObject({ claimed: 1, sent: 0 });
    expect(calls).toEqual([1, 2]);
    expect(await effectById(h, effect.id)).toMatchObject({ status: 'sent', attempts: 2, result: { attempt: 2 } });
  });

  it('runs as a loop that wakes up on new work and stops after finishing it', async () => {
    const listeners: (() => void)[] = [];
    const controller = new AbortController();
    const loop = runDispatcher(h.services, controller.signal, { onWake: (listener) => void listeners.push(listener) });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const effect = await insertEffect(h, 'conversion', { name: 'woken', value: null, customerId: 'c_ada' });
    listeners.forEach((listener) => listener());
    for (let i = 0; i < 100 && (await effectById(h, effect.id)).status === 'pending'; i += 1) await new Promise((resolve) => setTimeout(resolve, 20));
    expect((await effectById(h, effect.id)).status).toBe('sent');
    controller.abort();
    await loop;
  });
});
