import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { effectAttempts, effects } from '../drizzle/schema.js';
import { createServices } from '../server/services-factory.js';
import { dispatchBatch } from '../server/runtime/dispatcher.js';
import { webhookSecret } from '../server/channels/signing.js';
import { testConfig } from '../server/config.js';
import { postgresUrl } from './support/database.js';
import { effectById, insertCustomer, insertEffect, receiverAllow, startReceiver, type Hit, type Receiver } from './support/effects.js';
import { startHarness, type Harness } from './support/harness.js';

const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
/** 0.5: the retry schedule without jitter. */
const pinnedJitter = { random: () => 0.5 };

const verify = (hit: Hit) =>
  new Webhook(secret).verify(hit.body, {
    'webhook-id': String(hit.headers['webhook-id']),
    'webhook-timestamp': String(hit.headers['webhook-timestamp']),
    'webhook-signature': String(hit.headers['webhook-signature']),
  });

describe('dispatcher: outbound HTTP (webhooks, SMS and chat providers)', () => {
  let h: Harness;
  let receiver: Receiver;
  const webhook = (path: string, body: string | null = '{"customer_id":"c_ada"}', method = 'POST') => ({
    method,
    url: `${receiver.url}${path}`,
    headers: { 'Content-Type': 'application/json', 'X-Source': 'rapport-test' },
    body,
  });

  beforeAll(async () => {
    receiver = await startReceiver();
    h = await startHarness({
      // The receiver is a local server: private addresses are refused unless allow-listed.
      RAPPORT_OUTBOUND_ALLOW: receiverAllow,
      RAPPORT_MAX_ATTEMPTS: 3,
      RAPPORT_DISPATCH_BATCH: 5,
      RAPPORT_WEBHOOK_SECRET: secret,
      SMS_WEBHOOK_URL: `${receiver.url}/sms`,
      CHAT_WEBHOOK_URL: `${receiver.url}/chat`,
    });
    // Standard Webhooks receivers reject timestamps more than 5 minutes from their own clock.
    h.clock.set(Date.now());
    await insertCustomer(h, 'c_ada', { email: 'ada@example.com', phone: '+4915100000001' });
  }, 60_000);
  afterAll(async () => {
    await h.close();
    await receiver.close();
  });
  beforeEach(async () => {
    receiver.reset();
    await h.services.db.delete(effects);
  });

  it('retries 503s on the schedule and after Retry-After, then delivers once under the same webhook-id', async () => {
    receiver.answer((_hit, index) =>
      index === 0 ? { status: 503, headers: { 'Retry-After': '20' }, body: 'maintenance' } : index === 1 ? { status: 503 } : { status: 200, body: '{"accepted":true}' },
    );
    const effect = await insertEffect(h, 'webhook', webhook('/audiences/viewers'));
    const t0 = h.clock.now();

    expect(await dispatchBatch(h.services, pinnedJitter)).toMatchObject({ claimed: 1, retried: 1 });
    let row = await effectById(h, effect.id);
    // The schedule says 5 s after the first attempt; the server asked for 20 s.
    expect(row).toMatchObject({ status: 'pending', attempts: 1, nextAttemptAt: t0 + 20_000 });
    expect(row.lastError).toContain('answered 503: maintenance');
    expect((await dispatchBatch(h.services, pinnedJitter)).claimed).toBe(0);

    h.clock.advance(19_999);
    expect((await dispatchBatch(h.services, pinnedJitter)).claimed).toBe(0);
    h.clock.advance(1);
    expect(await dispatchBatch(h.services, pinnedJitter)).toMatchObject({ claimed: 1, retried: 1 });
    row = await effectById(h, effect.id);
    // Second failure, no Retry-After: 30 s.
    expect(row).toMatchObject({ status: 'pending', attempts: 2, nextAttemptAt: t0 + 50_000 });

    h.clock.advance(30_000);
    expect(await dispatchBatch(h.services, pinnedJitter)).toMatchObject({ claimed: 1, sent: 1 });
    row = await effectById(h, effect.id);
    expect(row).toMatchObject({ status: 'sent', attempts: 3, sentAt: t0 + 50_000, lastError: null, result: { status: 200, responseBody: '{"accepted":true}' } });
    expect(typeof row.result?.durationMs).toBe('number');

    expect(receiver.hits).toHaveLength(3);
    for (const hit of receiver.hits) {
      expect(hit).toMatchObject({ method: 'POST', path: '/audiences/viewers', body: '{"customer_id":"c_ada"}' });
      expect(hit.headers['webhook-id']).toBe(effect.idempotencyKey);
      expect(hit.headers['idempotency-key']).toBe(effect.idempotencyKey);
      expect(hit.headers['x-source']).toBe('rapport-test');
      expect(verify(hit)).toEqual({ customer_id: 'c_ada' });
    }
    expect(receiver.hits.map((hit) => Number(hit.headers['webhook-timestamp']))).toEqual([t0, t0 + 20_000, t0 + 50_000].map((t) => Math.floor(t / 1000)));
  });

  it('rejects a tampered body with the independent Standard Webhooks verifier', async () => {
    await insertEffect(h, 'webhook', webhook('/signed'));
    await dispatchBatch(h.services);
    const [hit] = receiver.hits;
    if (!hit) throw new Error('no request');
    expect(() => verify({ ...hit, body: '{"customer_id":"c_eve"}' })).toThrow();
  });

  it('marks a 410 endpoint gone at once', async () => {
    receiver.answer(() => ({ status: 410 }));
    const effect = await insertEffect(h, 'webhook', webhook('/gone'));
    expect(await dispatchBatch(h.services)).toMatchObject({ claimed: 1, failed: 1 });
    const row = await effectById(h, effect.id);
    expect(row).toMatchObject({ status: 'failed', attempts: 1 });
    expect(row.lastError).toContain('endpoint gone (410)');
  });

  it('fails a 400 at once, and retries 408 and 429', async () => {
    receiver.answer((hit) => ({ status: hit.path === '/bad' ? 400 : hit.path === '/slow' ? 408 : 429, body: hit.path === '/bad' ? 'missing field email' : '' }));
    const bad = await insertEffect(h, 'webhook', webhook('/bad'));
    const slow = await insertEffect(h, 'webhook', webhook('/slow'));
    const limited = await insertEffect(h, 'webhook', webhook('/limited'));
    expect(await dispatchBatch(h.services)).toMatchObject({ claimed: 3, failed: 1, retried: 2 });
    const failed = await effectById(h, bad.id);
    expect(failed).toMatchObject({ status: 'failed', attempts: 1 });
    expect(failed.lastError).toContain('answered 400: missing field email (not retryable)');
    expect((await effectById(h, slow.id)).status).toBe('pending');
    expect((await effectById(h, limited.id)).status).toBe('pending');
  });

  it('gives up after RAPPORT_MAX_ATTEMPTS and says why', async () => {
    receiver.answer(() => ({ status: 500, body: 'database is down' }));
    const effect = await insertEffect(h, 'webhook', webhook('/down'));
    for (let attempt = 1; attempt <= 3; attempt += 1) {
      expect((await dispatchBatch(h.services)).claimed).toBe(1);
      h.clock.advance(60_000);
    }
    expect((await dispatchBatch(h.services)).claimed).toBe(0);
    const row = await effectById(h, effect.id);
    expect(row).toMatchObject({ status: 'failed', attempts: 3 });
    expect(row.lastError).toContain('answered 500: database is down (gave up after 3 attempts)');
    expect(receiver.hits).toHaveLength(3);
    h.clock.set(Date.now());
  });

  it('treats redirects as errors and network failures as retryable', async () => {
    receiver.answer(() => ({ status: 302, headers: { Location: 'https://elsewhere.example.com/' } }));
    const moved = await insertEffect(h, 'webhook', webhook('/moved'));
    const closed = await insertEffect(h, 'webhook', { ...webhook('/'), url: 'http://127.0.0.1:9/' });
    await dispatchBatch(h.services);
    const redirect = await effectById(h, moved.id);
    expect(redirect.status).toBe('failed');
    expect(redirect.lastError).toContain('redirect to https://elsewhere.example.com/ not followed');
    const network = await effectById(h, closed.id);
    expect(network).toMatchObject({ status: 'pending', attempts: 1 });
    expect(network.lastError).toContain('request failed');
  });

  it('reads at most 64 KB of the answer', async () => {
    receiver.answer(() => ({ status: 200, body: 'x'.repeat(200_000) }));
    const effect = await insertEffect(h, 'webhook', webhook('/big'));
    await dispatchBatch(h.services);
    const row = await effectById(h, effect.id);
    expect(row.status).toBe('sent');
    expect(String(row.result?.responseBody)).toHaveLength(64 * 1024);
    expect(row.result?.responseTruncated).toBe(true);
    // The attempt log keeps the start of the answer.
    const [attempt] = await h.services.db.select().from(effectAttempts).where(eq(effectAttempts.effectId, effect.id));
    expect(attempt).toMatchObject({ outcome: 'sent', statusCode: 200, response: 'x'.repeat(2_000) });
  });

  it('gives up on a receiver that does not answer within RAPPORT_OUTBOUND_TIMEOUT_MS, and retries it', async () => {
    const config = h.services.config;
    const configured = config.RAPPORT_OUTBOUND_TIMEOUT_MS;
    // As if the process had started with RAPPORT_OUTBOUND_TIMEOUT_MS=300.
    config.RAPPORT_OUTBOUND_TIMEOUT_MS = 300;
    try {
      receiver.answer(() => ({ status: 200, delayMs: 3_000 }));
      const effect = await insertEffect(h, 'webhook', webhook('/slow-receiver'));
      const started = performance.now();
      expect(await dispatchBatch(h.services, pinnedJitter)).toMatchObject({ claimed: 1, retried: 1 });
      expect(performance.now() - started).toBeLessThan(2_500);
      const row = await effectById(h, effect.id);
      expect(row).toMatchObject({ status: 'pending', attempts: 1 });
      expect(row.lastError).toContain('no answer within 0.3 s');
      const [attempt] = await h.services.db.select().from(effectAttempts).where(eq(effectAttempts.effectId, effect.id));
      expect(attempt).toMatchObject({ outcome: 'retry', statusCode: null });
      expect(attempt?.durationMs).toBeGreaterThanOrEqual(250);
      expect(attempt?.durationMs).toBeLessThan(2_500);
    } finally {
      config.RAPPORT_OUTBOUND_TIMEOUT_MS = configured;
    }
  });

  it('refuses a GET with a body and bad URLs without retrying', async () => {
    const get = await insertEffect(h, 'webhook', webhook('/get', 'x', 'GET'));
    const ftp = await insertEffect(h, 'webhook', { ...webhook('/'), url: 'ftp://example.com/' });
    await dispatchBatch(h.services);
    expect((await effectById(h, get.id)).lastError).toContain('a GET request cannot have a body');
    expect((await effectById(h, ftp.id)).lastError).toContain('only http:// and https:// URLs');
    expect(receiver.hits).toHaveLength(0);
  });

  it('posts SMS and chat to their provider webhooks, signed', async () => {
    const sms = await insertEffect(h, 'sms', { to: '+4915100000001', body: 'Your parcel has arrived' });
    const chat = await insertEffect(h, 'chat', { via: 'chat', target: '#vip-alerts', text: 'Star customer complained', customerId: 'c_ada' });
    const direct = await insertEffect(h, 'chat', { via: 'webhook', target: `${receiver.url}/team-hook`, text: 'Direct', customerId: 'c_ada' });
    expect(await dispatchBatch(h.services)).toMatchObject({ claimed: 3, sent: 3 });
    const byPath = Object.fromEntries(receiver.hits.map((hit) => [hit.path, hit]));
    expect(JSON.parse(byPath['/sms']?.body ?? '')).toEqual({ to: '+4915100000001', body: 'Your parcel has arrived', idempotencyKey: sms.idempotencyKey });
    expect(JSON.parse(byPath['/chat']?.body ?? '')).toEqual({ channel: '#vip-alerts', text: 'Star customer complained' });
    expect(JSON.parse(byPath['/team-hook']?.body ?? '')).toEqual({ text: 'Direct' });
    expect(byPath['/chat']?.headers['webhook-id']).toBe(chat.idempotencyKey);
    expect(byPath['/team-hook']?.headers['webhook-id']).toBe(direct.idempotencyKey);
    for (const hit of receiver.hits) {
      expect(hit.headers['content-type']).toBe('application/json');
      expect(() => verify(hit)).not.toThrow();
    }
  });

  it('never sends the same effect twice from concurrent dispatchers', async () => {
    const count = 40;
    receiver.answer(() => ({ status: 200, delayMs: 15 }));
    for (let i = 0; i < count; i += 1) await insertEffect(h, 'webhook', webhook(`/race/${i}`));
    // On PostgreSQL the second dispatcher is a separate process's worth of services (own pool).
    const other = postgresUrl ? await createServices(h.services.config, { now: h.clock.now }) : null;
    const drain = async (services: typeof h.services) => {
      let sent = 0;
      for (;;) {
        const tally = await dispatchBatch(services);
        if (tally.claimed === 0) return sent;
        sent += tally.sent;
      }
    };
    try {
      const sent = await Promise.all([drain(h.services), drain(other?.services ?? h.services), drain(h.services)]);
      expect(sent.reduce((a, b) => a + b, 0)).toBe(count);
      if (postgresUrl) expect(sent.filter((n) => n > 0).length).toBeGreaterThan(1);
    } finally {
      await other?.database.close();
    }
    const ids = receiver.hits.map((hit) => String(hit.headers['webhook-id']));
    expect(ids).toHaveLength(count);
    expect(new Set(ids).size).toBe(count);
  });
});

describe('webhook signing secret', () => {
  it('is generated when not configured, stable for one configuration', () => {
    const config = testConfig();
    const first = webhookSecret(config);
    expect(first.generated).toBe(true);
    expect(first.secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    expect(webhookSecret(config)).toBe(first);
    expect(webhookSecret(testConfig()).secret).not.toBe(first.secret);
  });

  it('accepts "whsec_" + base64 and explains a malformed one', () => {
    expect(webhookSecret(testConfig({ RAPPORT_WEBHOOK_SECRET: secret }))).toMatchObject({ secret, generated: false });
    expect(() => webhookSecret(testConfig({ RAPPORT_WEBHOOK_SECRET: 'whsec_short' }))).toThrow(/at least 16 random bytes/);
  });
});
