import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { customers, effectAttempts } from '../drizzle/schema.js';
import { unsubscribeToken } from '../server/channels/unsubscribe.js';
import { dispatchBatch } from '../server/runtime/dispatcher.js';
import type { ContactStrategyInput } from '../workflows/contact-policy.js';
import { effectById, insertCustomer, insertEffect } from './support/effects.js';
import { json, startHarness, type Harness } from './support/harness.js';

const strategy = {
  default: {
    goal: 'keep in touch',
    channels: { email: { costPerContact: 0.01 }, sms: { costPerContact: 0.09 } },
    frequencyCap: { max: 2, periodDays: 7 },
    quietHours: { from: '22:00', to: '08:00' },
  },
  star: { goal: 'delight', channels: { sms: { costPerContact: 0.09 }, email: { costPerContact: 0.01 } }, budget: { amount: 0.2, periodDays: 30 } },
  dog: { goal: 'phase out', channels: { email: { costPerContact: 0.01 } } },
} satisfies ContactStrategyInput;

describe('contact strategy and consent at send time', () => {
  let h: Harness;
  const customer = async (id: string, fields: Partial<typeof customers.$inferInsert> = {}, traits: Record<string, unknown> = { email: `${id}@example.com`, phone: '+4915100000001' }) => {
    await insertCustomer(h, id, traits as Record<string, string>);
    if (Object.keys(fields).length > 0) await h.services.db.update(customers).set(fields).where(and(eq(customers.workspaceId, h.workspaceId), eq(customers.id, id)));
  };
  const email = (customerId: string, runId: string) =>
    insertEffect(h, 'email', { to: null, from: null, subject: 'Offer', body: 'Offer' }, { customerId, runId, idempotencyKey: `${runId}:1:0:${customerId}` });
  const sms = (customerId: string, runId: string) => insertEffect(h, 'sms', { to: null, body: 'Offer' }, { customerId, runId, idempotencyKey: `${runId}:1:0:${customerId}` });

  beforeAll(async () => {
    h = await startHarness({ RAPPORT_POLL_MS: 60_000 });
  }, 60_000);
  afterAll(async () => h.close());

  it('is saved as versions through the API (admin), validated, and read back', async () => {
    expect((await h.admin('/v1/settings/contact-strategy')).status).toBe(404);
    const invalid = await h.admin('/v1/settings/contact-strategy', { method: 'PUT', json: { strategy: { default: { channels: {}, quietHours: { from: '25:00', to: '08:00' } } } } });
    expect(invalid.status).toBe(400);
    const first = await json<{ version: number }>(await h.admin('/v1/settings/contact-strategy', { method: 'PUT', json: { strategy: { default: { channels: {} } } } }), 200);
    expect(first.version).toBe(1);
    const saved = await json<{ version: number; strategy: { star: { budget: unknown }; default: { budget: unknown } } }>(
      await h.admin('/v1/settings/contact-strategy', { method: 'PUT', json: { strategy, note: 'Q2 plan' } }),
      200,
    );
    expect(saved.version).toBe(2);
    const read = await json<{ version: number; note: string; strategy: typeof saved.strategy }>(await h.admin('/v1/settings/contact-strategy'), 200);
    expect(read).toMatchObject({ version: 2, note: 'Q2 plan', strategy: { star: { budget: { amount: 0.2, periodDays: 30 } }, default: { budget: null } } });
    const audit = await json<{ entries: { action: string; targetId: string }[] }>(await h.admin('/v1/audit?action=settings.update'), 200);
    expect(audit.entries.map((e) => e.targetId)).toEqual(['contact_strategy', 'contact_strategy']);
  });

  it('caps marketing messages across journeys: the third in the week is skipped with the reason', async () => {
    await customer('c_cap');
    const fromWelcome = await email('c_cap', 'run_welcome');
    const fromNewsletter = await sms('c_cap', 'run_newsletter');
    const third = await email('c_cap', 'run_winback');
    const notMarketing = await insertEffect(h, 'conversion', { name: 'x', value: null, customerId: 'c_cap' }, { customerId: 'c_cap', runId: 'run_winback', idempotencyKey: 'run_winback:2:0' });
    expect(await dispatchBatch(h.services)).toMatchObject({ claimed: 4, sent: 3, skipped: 1 });
    expect(await effectById(h, fromWelcome.id)).toMatchObject({ status: 'sent', cost: 0.01 });
    expect(await effectById(h, fromNewsletter.id)).toMatchObject({ status: 'sent', cost: expect.closeTo(0.09, 6) });
    expect(await effectById(h, notMarketing.id)).toMatchObject({ status: 'sent' });
    const skipped = await effectById(h, third.id);
    expect(skipped.status).toBe('skipped');
    expect(skipped.lastError).toMatch(/frequency cap of 2 marketing message\(s\) per 7 day\(s\) reached \(2 sent\)/);
    // A week later the cap has room again.
    h.clock.advance(7 * 86_400_000 + 1);
    const later = await email('c_cap', 'run_later');
    await dispatchBatch(h.services);
    expect((await effectById(h, later.id)).status).toBe('sent');
  });

  it('keeps within the budget of the cluster', async () => {
    await customer('c_star', { cluster: 'star' });
    const effects = [await sms('c_star', 'run_b1'), await sms('c_star', 'run_b2'), await sms('c_star', 'run_b3'), await email('c_star', 'run_b4')];
    expect(await dispatchBatch(h.services)).toMatchObject({ claimed: 4, sent: 3, skipped: 1 });
    const rows = await Promise.all(effects.map((e) => effectById(h, e.id)));
    expect(rows.map((r) => r.status)).toEqual(['sent', 'sent', 'skipped', 'sent']);
    expect(rows[2]?.lastError).toMatch(/budget of 0.2 per 30 day\(s\) would be exceeded \(0.18 spent \+ 0.09 for sms\)/);
  });

  it('skips a channel the cluster does not allow', async () => {
    await customer('c_dog', { cluster: 'dog' });
    const text = await sms('c_dog', 'run_d1');
    const mail = await email('c_dog', 'run_d2');
    await dispatchBatch(h.services);
    expect(await effectById(h, text.id)).toMatchObject({ status: 'skipped', lastError: 'contact strategy: channel sms is not allowed for cluster dog' });
    expect((await effectById(h, mail.id)).status).toBe('sent');
  });

  it('defers a message in quiet hours to their end in the customer time zone, across a DST change, without counting an attempt', async () => {
    await customer('c_berlin', { timezone: 'Europe/Berlin' });
    h.clock.set(Date.parse('2026-03-28T22:00:00Z')); // 23:00 CET, the night clocks spring forward
    const effect = await email('c_berlin', 'run_quiet');
    expect(await dispatchBatch(h.services)).toMatchObject({ claimed: 1, deferred: 1, sent: 0 });
    const deferred = await effectById(h, effect.id);
    expect(deferred).toMatchObject({ status: 'pending', attempts: 0, nextAttemptAt: Date.parse('2026-03-29T06:00:00Z'), sentAt: null });
    expect(deferred.lastError).toContain('quiet hours 22:00–08:00 (Europe/Berlin)');
    expect(await h.services.db.select().from(effectAttempts).where(eq(effectAttempts.effectId, effect.id))).toEqual([]);
    h.clock.set(Date.parse('2026-03-29T05:59:00Z'));
    expect((await dispatchBatch(h.services)).claimed).toBe(0);
    h.clock.set(Date.parse('2026-03-29T06:00:00Z')); // 08:00 CEST
    expect(await dispatchBatch(h.services)).toMatchObject({ claimed: 1, sent: 1 });
    expect(await effectById(h, effect.id)).toMatchObject({ status: 'sent', attempts: 1, lastError: null });
    h.clock.set(Date.parse('2026-03-30T12:00:00Z'));
  });

  it('skips an email when the customer unsubscribed through the link between scheduling and sending', async () => {
    await customer('c_unsub');
    const effect = await email('c_unsub', 'run_unsub');
    const token = await unsubscribeToken(h.services, { workspaceId: h.workspaceId, customerId: 'c_unsub', channel: 'email' });
    expect((await h.request(`/u/${token}`, { method: 'POST', body: 'List-Unsubscribe=One-Click', headers: { 'content-type': 'application/x-www-form-urlencoded' } })).status).toBe(200);
    expect(await dispatchBatch(h.services)).toMatchObject({ claimed: 1, skipped: 1 });
    expect(await effectById(h, effect.id)).toMatchObject({ status: 'skipped', lastError: 'no consent' });
    const detail = await json<{ consent: Record<string, boolean> }>(await h.admin('/v1/customers/c_unsub'), 200);
    expect(detail.consent).toEqual({ email: false });
  });

  it('honours consent traits (`unsubscribed`, `consent.<channel>`) and consent set through the API', async () => {
    await customer('c_trait_unsub', {}, { email: 'a@example.com', unsubscribed: true });
    await customer('c_trait_sms', {}, { phone: '+4915100000003', consent: { sms: false } });
    await customer('c_api');
    const a = await email('c_trait_unsub', 'run_t1');
    const b = await sms('c_trait_sms', 'run_t2');
    const c = await sms('c_api', 'run_t3');
    const put = await json<{ consent: Record<string, boolean> }>(await h.admin('/v1/customers/c_api/consent', { method: 'PUT', json: { sms: false } }), 200);
    expect(put.consent).toEqual({ sms: false });
    expect((await h.admin('/v1/customers/nobody/consent', { method: 'PUT', json: { sms: false } })).status).toBe(404);
    expect((await h.admin('/v1/customers/c_api/consent', { method: 'PUT', json: {} })).status).toBe(400);
    await dispatchBatch(h.services);
    for (const effect of [a, b, c]) expect(await effectById(h, effect.id)).toMatchObject({ status: 'skipped', lastError: 'no consent' });
  });

  it('answers 404 to a forged or altered unsubscribe token', async () => {
    const token = await unsubscribeToken(h.services, { workspaceId: h.workspaceId, customerId: 'c_api', channel: 'email' });
    const altered = `${token.slice(0, -2)}${token.endsWith('AA') ? 'BB' : 'AA'}`;
    expect((await h.request(`/u/${altered}`, { method: 'POST' })).status).toBe(404);
    expect((await h.request('/u/nonsense', { method: 'POST' })).status).toBe(404);
    expect((await h.request('/u/nonsense')).status).toBe(404);
  });
});
