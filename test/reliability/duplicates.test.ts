import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { effects, events, mailbox, runs } from '../../drizzle/schema.js';
import { dispatchBatch } from '../../server/runtime/dispatcher.js';
import type { JourneyGraphInput } from '../../workflows/index.js';
import { resetEffect, startReceiver, type Receiver } from '../support/effects.js';
import { json, startHarness, type Harness } from '../support/harness.js';

/**
 * Duplicate deliveries of the same /v1/batch (a client retrying after a lost answer) create each
 * event once, start each run once and produce each effect once — in the outbox, in the development
 * mailbox and at a webhook receiver (after de-duplication by webhook-id, even when the dispatcher
 * sends an effect again). In-process, so it runs on PGlite and on PostgreSQL.
 */

const customers = Array.from({ length: 10 }, (_, i) => `dup-c${i}`);

const welcome = (receiverUrl: string): JourneyGraphInput => ({
  id: 'welcome-once',
  name: 'Welcome once per sign-up',
  nodes: [
    { id: 'signed-up', kind: 'trigger_event', params: { event: 'Signed Up' } },
    { id: 'mail', kind: 'send_email', params: { subject: 'Welcome, {{ customer.id }}', body: 'Round {{ trigger.properties.round }}' } },
    { id: 'sync', kind: 'send_webhook', params: { method: 'POST', url: `${receiverUrl}/crm`, headers: { 'Content-Type': 'application/json' }, body: '{"customer":"{{ customer.id }}"}' } },
    { id: 'end', kind: 'exit', params: {} },
  ],
  edges: [
    { id: 'e1', source: 'signed-up', outcome: 'next', target: 'mail' },
    { id: 'e2', source: 'mail', outcome: 'next', target: 'sync' },
    { id: 'e3', source: 'sync', outcome: 'next', target: 'end' },
  ],
  settings: { entry: { mode: 'every_time' } },
});

/** identify (with an email) and "Signed Up" for every customer; one call repeated inside the batch. */
const batch = {
  batch: [
    ...customers.flatMap((customer) => [
      { type: 'identify', userId: customer, messageId: `${customer}:identify`, traits: { email: `${customer}@example.com` } },
      { type: 'track', userId: customer, event: 'Signed Up', messageId: `${customer}:signed-up`, properties: { round: 1 } },
    ]),
    { type: 'track', userId: 'dup-c0', event: 'Signed Up', messageId: 'dup-c0:signed-up', properties: { round: 1 } },
  ],
};

describe('duplicates: the same /v1/batch twice', () => {
  let h: Harness;
  let receiver: Receiver;

  beforeAll(async () => {
    receiver = await startReceiver();
    // The receiver is a local server: private addresses are refused unless allow-listed.
    h = await startHarness({ RAPPORT_OUTBOUND_ALLOW: '127.0.0.1' });
    await json(await h.admin('/v1/journeys', { method: 'POST', json: welcome(receiver.url) }), 201);
    await json(await h.admin('/v1/journeys/welcome-once/publish', { method: 'POST', json: { note: 'duplicates test' } }), 201);
  }, 60_000);
  afterAll(async () => {
    await h?.close();
    await receiver?.close();
  });

  /** Dispatches until nothing is due (bounded). */
  const dispatchAll = async (): Promise<number> => {
    let sent = 0;
    for (let round = 0; round < 20; round += 1) {
      const tally = await dispatchBatch(h.services);
      if (tally.claimed === 0) return sent;
      sent += tally.sent;
    }
    throw new Error('the dispatcher still had work after 20 rounds');
  };

  it('stores each event once, however often the batch arrives (before and after processing)', async () => {
    for (let i = 0; i < 3; i += 1) expect(await json(await h.ingest('/v1/batch', batch), 200)).toEqual({ success: true });
    expect(await h.services.db.select().from(events)).toHaveLength(customers.length * 2);

    expect(await h.drain()).toBe(customers.length);
    expect(await json(await h.ingest('/v1/batch', batch), 200)).toEqual({ success: true });
    expect(await h.drain()).toBe(0);
    const stored = await h.services.db.select().from(events);
    expect(stored).toHaveLength(customers.length * 2);
    expect(new Set(stored.map((e) => e.messageId)).size).toBe(stored.length);
    expect(stored.every((e) => e.processedAt !== null && e.error === null)).toBe(true);
    expect(await h.services.db.select().from(runs)).toHaveLength(customers.length);
  });

  it('produces each effect once: one outbox row per action, one mailbox row and one webhook per effect', async () => {
    expect(await dispatchAll()).toBe(customers.length * 2);
    const outbox = await h.services.db.select().from(effects);
    expect(outbox).toHaveLength(customers.length * 2);
    expect(new Set(outbox.map((e) => `${e.runId}:${e.stepSeq}:${e.actionIndex}`)).size).toBe(outbox.length);
    expect(outbox.every((e) => e.status === 'sent' && e.attempts === 1)).toBe(true);
    const emailKeys = outbox.filter((e) => e.channel === 'email').map((e) => e.idempotencyKey).sort();
    const webhookKeys = outbox.filter((e) => e.channel === 'webhook').map((e) => e.idempotencyKey).sort();
    expect(emailKeys).toHaveLength(customers.length);

    const inbox = await h.services.db.select().from(mailbox);
    expect(inbox.map((m) => m.idempotencyKey).sort()).toEqual(emailKeys);
    expect(inbox.map((m) => m.recipient).sort()).toEqual(customers.map((c) => `${c}@example.com`).sort());
    expect(receiver.hits.map((hit) => String(hit.headers['webhook-id'])).sort()).toEqual(webhookKeys);
  });

  it('a resent effect (its outcome lost, as after a crash) reaches the sinks under the same key', async () => {
    const outbox = await h.services.db.select().from(effects);
    for (const effect of outbox) await resetEffect(h, effect.id);
    expect(await dispatchAll()).toBe(outbox.length);

    expect(await h.services.db.select().from(effects)).toHaveLength(outbox.length);
    // The development mailbox keeps one message per idempotency key.
    expect(await h.services.db.select().from(mailbox)).toHaveLength(customers.length);
    // The receiver got every webhook twice, with the same webhook-id: after de-duplication, once.
    const ids = receiver.hits.map((hit) => String(hit.headers['webhook-id']));
    expect(ids).toHaveLength(customers.length * 2);
    expect(new Set(ids).size).toBe(customers.length);
    expect(await h.drain()).toBe(0);
  });
});
