import { createHash, createHmac } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { customers, events, runs, webhookDeliveries } from '../drizzle/schema.js';
import type { JourneyGraphInput } from '../workflows/index.js';
import { json, startHarness, type Harness } from './support/harness.js';
import { publishDirect } from './support/journeys.js';

interface SourceResponse {
  id: string;
  name: string;
  scheme: string;
  secret?: string;
  hookPath: string;
  secrets: { index: number; createdAt: number; expiresAt: number | null }[];
  disabledAt: number | null;
  mapping: Record<string, string>;
}
interface Delivery {
  id: number;
  webhookId: string | null;
  verdict: string;
  status: number;
  reason: string | null;
  headers: Record<string, string>;
  body: string;
  bodyTruncated: boolean;
  event: { customerId: string; name: string; properties: Record<string, unknown> } | null;
  messageId: string | null;
}

const shopMapping = { customerId: '$.customer.id', event: '$.event', properties: '$.data' };
const order = (customer = 'cus_42', event = 'Order Completed', extra: Record<string, unknown> = {}) =>
  JSON.stringify({ event, customer: { id: customer, email: `${customer}@example.com` }, data: { total: 120, currency: 'EUR' }, ...extra });

/** A journey that tags the customer when the shop confirms an order. */
const buyerJourney: JourneyGraphInput = {
  id: 'webhook-buyers',
  name: 'Webhook buyers',
  nodes: [
    { id: 'paid', kind: 'trigger_webhook', params: { sourceId: 'shop', event: 'Order Completed' } },
    { id: 'tag', kind: 'add_tag', params: { tag: 'buyer' } },
    { id: 'done', kind: 'exit', params: {} },
  ],
  edges: [
    { id: 'e1', source: 'paid', outcome: 'next', target: 'tag' },
    { id: 'e2', source: 'tag', outcome: 'next', target: 'done' },
  ],
  settings: { entry: { mode: 'every_time' } },
};

describe('inbound webhook sources', () => {
  let h: Harness;
  let shop: SourceResponse;
  let counter = 0;

  /** A delivery signed by the independent implementation (the `standardwebhooks` package). */
  const signedHeaders = (secret: string, body: string, options: { id?: string; at?: number } = {}) => {
    counter += 1;
    const id = options.id ?? `msg_${counter}`;
    const at = new Date(options.at ?? h.clock.now());
    return { 'content-type': 'application/json', 'webhook-id': id, 'webhook-timestamp': String(Math.floor(at.getTime() / 1000)), 'webhook-signature': new Webhook(secret).sign(id, at, body) };
  };
  const deliver = (sourceId: string, body: string, headers: Record<string, string>) => h.request(`/v1/hooks/${sourceId}`, { method: 'POST', body, headers });
  const deliveries = async (sourceId: string, query = '') => (await json<{ deliveries: Delivery[]; nextCursor: string | null }>(await h.admin(`/v1/sources/${sourceId}/deliveries${query}`), 200)).deliveries;
  const lastDelivery = async (sourceId: string) => (await deliveries(sourceId, '?limit=1'))[0] as Delivery;
  const eventsOf = (customerId: string) => h.services.db.select().from(events).where(and(eq(events.workspaceId, h.workspaceId), eq(events.customerId, customerId)));

  beforeAll(async () => {
    h = await startHarness();
    shop = await json<SourceResponse>(await h.admin('/v1/sources', { method: 'POST', json: { id: 'shop', name: 'Shop', mapping: shopMapping } }), 201);
  }, 60_000);
  afterAll(async () => h.close());

  it('creates a source and shows its secret once', async () => {
    expect(shop).toMatchObject({ id: 'shop', name: 'Shop', scheme: 'standard', hookPath: '/v1/hooks/shop', disabledAt: null, mapping: shopMapping });
    expect(shop.secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    expect(shop.secrets).toEqual([{ index: 0, createdAt: h.clock.now(), expiresAt: null }]);
    const fetched = await json<SourceResponse>(await h.admin('/v1/sources/shop'), 200);
    expect(fetched).not.toHaveProperty('secret');
    expect(JSON.stringify(fetched)).not.toContain(shop.secret);
    const list = await json<{ sources: SourceResponse[] }>(await h.admin('/v1/sources'), 200);
    expect(list.sources.map((s) => s.id)).toContain('shop');
    expect(JSON.stringify(list)).not.toContain(shop.secret);
    // A generated id when none is given; a taken id is a conflict.
    const generated = await json<SourceResponse>(await h.admin('/v1/sources', { method: 'POST', json: { name: 'Forms', mapping: { customerId: '$.email', event: 'Form Sent' } } }), 201);
    expect(generated.id).toMatch(/^src_[0-9a-f]{20}$/);
    await json(await h.admin('/v1/sources', { method: 'POST', json: { id: 'shop', name: 'Again', mapping: shopMapping } }), 409);
  });

  it('validates sources when they are created', async () => {
    const bad = await json<{ error: { code: string; details: { path: string[]; message: string }[] } }>(
      await h.admin('/v1/sources', { method: 'POST', json: { name: 'Bad', mapping: { customerId: 'cus_1', event: '$..x' } } }),
      400,
    );
    expect(bad.error.details.map((d) => d.path.join('.'))).toEqual(['mapping.customerId', 'mapping.event']);
    await json(await h.admin('/v1/sources', { method: 'POST', json: { name: 'No settings', scheme: 'hmac_sha256', mapping: shopMapping } }), 400);
    const weak = await json<{ error: { message: string } }>(await h.admin('/v1/sources', { method: 'POST', json: { name: 'Weak', secret: 'whsec_abc', mapping: shopMapping } }), 400);
    expect(weak.error.message).toContain('at least 16 random bytes');
  });

  it('accepts a signed delivery: one event row and the customer, in one go, and starts a webhook journey', async () => {
    await publishDirect(h, buyerJourney);
    const body = order('cus_42');
    const headers = signedHeaders(shop.secret as string, body, { id: 'msg_first' });
    const response = await deliver('shop', body, headers);
    const accepted = await json<{ accepted: boolean; duplicate: boolean; messageId: string; deliveryId: number }>(response, 202);
    expect(accepted).toMatchObject({ accepted: true, duplicate: false, messageId: 'hook:shop:msg_first' });

    const stored = await eventsOf('cus_42');
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ type: 'webhook', name: 'Order Completed', messageId: 'hook:shop:msg_first', payload: { sourceId: 'shop', properties: { total: 120, currency: 'EUR' } }, at: h.clock.now() });
    const [customer] = await h.services.db.select().from(customers).where(and(eq(customers.workspaceId, h.workspaceId), eq(customers.id, 'cus_42')));
    expect(customer).toBeDefined();

    const delivery = await lastDelivery('shop');
    expect(delivery).toMatchObject({
      id: accepted.deliveryId,
      webhookId: 'msg_first',
      verdict: 'accepted',
      status: 202,
      reason: null,
      body,
      bodyTruncated: false,
      event: { customerId: 'cus_42', name: 'Order Completed', properties: { total: 120, currency: 'EUR' } },
      messageId: 'hook:shop:msg_first',
    });
    expect(delivery.headers['webhook-id']).toBe('msg_first');
    expect(delivery.headers['webhook-signature']).toBe('[redacted]');

    await h.drain();
    const [run] = await h.services.db.select().from(runs).where(eq(runs.customerId, 'cus_42'));
    expect(run).toMatchObject({ journeyId: 'webhook-buyers', status: 'done' });
    const [tagged] = await h.services.db.select({ tags: customers.tags }).from(customers).where(and(eq(customers.workspaceId, h.workspaceId), eq(customers.id, 'cus_42')));
    expect(tagged?.tags).toEqual(['buyer']);

    // Another event name from the same source does not match the trigger's event filter.
    const refund = order('cus_43', 'Order Refunded');
    await json(await deliver('shop', refund, signedHeaders(shop.secret as string, refund)), 202);
    await h.drain();
    expect(await h.services.db.select().from(runs).where(eq(runs.customerId, 'cus_43'))).toEqual([]);
  });

  it('treats a repeated webhook-id as a 200 no-op, stored as duplicate', async () => {
    const body = order('cus_dup');
    const headers = signedHeaders(shop.secret as string, body, { id: 'msg_dup' });
    await json(await deliver('shop', body, headers), 202);
    const again = await json<{ duplicate: boolean; messageId: string }>(await deliver('shop', body, headers), 200);
    expect(again).toMatchObject({ duplicate: true, messageId: 'hook:shop:msg_dup' });
    // Even re-signed later with another body: the id decides.
    const changed = order('cus_dup', 'Order Completed', { note: 'resent' });
    await json(await deliver('shop', changed, signedHeaders(shop.secret as string, changed, { id: 'msg_dup' })), 200);
    expect(await eventsOf('cus_dup')).toHaveLength(1);
    const list = await deliveries('shop', '?limit=3');
    expect(list.map((d) => [d.webhookId, d.verdict, d.status])).toEqual([
      ['msg_dup', 'duplicate', 200],
      ['msg_dup', 'duplicate', 200],
      ['msg_dup', 'accepted', 202],
    ]);
    expect((await deliveries('shop', '?verdict=duplicate')).every((d) => d.verdict === 'duplicate')).toBe(true);
  });

  it('verifies the exact bytes received (before looking at the id), and stores headers without credentials', async () => {
    // Not valid UTF-8: decoding and re-encoding the body would change its bytes and break the signature.
    const raw = Buffer.concat([Buffer.from('{"event":"Order Completed","customer":{"id":"cus_raw"},"data":{"note":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}}')]);
    const id = 'msg_raw';
    const timestamp = String(Math.floor(h.clock.now() / 1000));
    const key = Buffer.from((shop.secret as string).slice('whsec_'.length), 'base64');
    const signature = `v1,${createHmac('sha256', key).update(`${id}.${timestamp}.`).update(raw).digest('base64')}`;
    const headers = {
      'content-type': 'application/json', 'webhook-id': id, 'webhook-timestamp': timestamp, 'webhook-signature': signature,
      authorization: 'Bearer provider-token-123', cookie: 'session=abc123', 'x-api-key': 'k_live_123', 'x-shop-domain': 'shop.example.com',
    };
    await json(await h.request('/v1/hooks/shop', { method: 'POST', body: raw, headers }), 202);
    expect(await eventsOf('cus_raw')).toHaveLength(1);
    const delivery = await lastDelivery('shop');
    expect(delivery.headers).toMatchObject({ authorization: '[redacted]', cookie: '[redacted]', 'x-api-key': '[redacted]', 'webhook-signature': '[redacted]', 'x-shop-domain': 'shop.example.com', 'webhook-id': id });
    expect(JSON.stringify(delivery)).not.toMatch(/provider-token-123|abc123|k_live_123/);
    // The same JSON, re-serialised, is other bytes: 401, although the id was accepted before (verification comes first).
    const reserialised = JSON.stringify(JSON.parse(raw.toString('utf8')));
    const refused = await json<{ error: { message: string } }>(await deliver('shop', reserialised, headers), 401);
    expect(refused.error.message).toContain('bad signature');
    // A signature of the wrong length is a mismatch, not an error.
    await json(await deliver('shop', raw.toString('latin1'), { ...headers, 'webhook-signature': `v1,${Buffer.alloc(16).toString('base64')}` }), 401);
    expect(await eventsOf('cus_raw')).toHaveLength(1);
  });

  it('rejects unsigned, tampered, wrongly signed, stale and future deliveries with 401 and processes nothing', async () => {
    const body = order('cus_evil');
    const other = 'whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD';
    const cases: [string, Record<string, string>, string, string][] = [
      ['unsigned', { 'content-type': 'application/json' }, body, 'unsigned: missing webhook-id, webhook-timestamp, webhook-signature headers'],
      ['tampered', signedHeaders(shop.secret as string, body), body.replace('120', '1'), 'bad signature'],
      ['wrong secret', signedHeaders(other, body), body, 'bad signature'],
      ['stale', signedHeaders(shop.secret as string, body, { at: h.clock.now() - 6 * 60_000 }), body, 'stale or replayed'],
      ['future', signedHeaders(shop.secret as string, body, { at: h.clock.now() + 6 * 60_000 }), body, 'in the future'],
    ];
    for (const [label, headers, sent, reason] of cases) {
      const response = await json<{ error: { code: string; message: string } }>(await deliver('shop', sent, headers), 401);
      expect(response.error.code, label).toBe('invalid_signature');
      expect(response.error.message, label).toContain(reason);
      const delivery = await lastDelivery('shop');
      expect(delivery, label).toMatchObject({ verdict: 'rejected', status: 401, event: null, messageId: null });
      expect(delivery.reason, label).toContain(reason);
    }
    expect(await eventsOf('cus_evil')).toEqual([]);
  });

  it('answers 422 with the reason when the mapping finds no customer id, and 400 for a body that is not JSON', async () => {
    const body = JSON.stringify({ event: 'Order Completed', customer: { email: 'x@example.com' } });
    const response = await json<{ error: { code: string; message: string } }>(await deliver('shop', body, signedHeaders(shop.secret as string, body, { id: 'msg_nocustomer' })), 422);
    expect(response.error).toEqual({ code: 'mapping_failed', message: 'the mapping found no customer id: customerId "$.customer.id" gave nothing (the payload has no such field)' });
    expect(await lastDelivery('shop')).toMatchObject({ webhookId: 'msg_nocustomer', verdict: 'rejected', status: 422, reason: response.error.message });
    const text = 'not json';
    const notJson = await json<{ error: { code: string } }>(await deliver('shop', text, signedHeaders(shop.secret as string, text)), 400);
    expect(notJson.error.code).toBe('invalid_payload');
  });

  it('rotates secrets: the old one keeps working until deleted, then 401', async () => {
    const rotated = await json<SourceResponse>(await h.admin('/v1/sources/shop/rotate', { method: 'POST' }), 200);
    expect(rotated.secret).toMatch(/^whsec_/);
    expect(rotated.secret).not.toBe(shop.secret);
    expect(rotated.secrets).toEqual([
      { index: 0, createdAt: h.clock.now(), expiresAt: null },
      { index: 1, createdAt: expect.any(Number), expiresAt: h.clock.now() + 24 * 3_600_000 },
    ]);
    const body = order('cus_rot');
    await json(await deliver('shop', body, signedHeaders(shop.secret as string, body)), 202);
    await json(await deliver('shop', body, signedHeaders(rotated.secret as string, body)), 202);
    // A sender in the middle of switching signs with both: any match counts.
    const both = signedHeaders(rotated.secret as string, body);
    both['webhook-signature'] = `${new Webhook(shop.secret as string).sign(both['webhook-id'], new Date(h.clock.now()), body)} ${both['webhook-signature']}`;
    await json(await deliver('shop', body, both), 202);

    await json(await h.admin('/v1/sources/shop/secrets/0', { method: 'DELETE' }), 409);
    await json(await h.admin('/v1/sources/shop/secrets/5', { method: 'DELETE' }), 404);
    const pruned = await json<SourceResponse>(await h.admin('/v1/sources/shop/secrets/1', { method: 'DELETE' }), 200);
    expect(pruned.secrets).toHaveLength(1);
    await json(await deliver('shop', body, signedHeaders(shop.secret as string, body)), 401);
    await json(await deliver('shop', body, signedHeaders(rotated.secret as string, body)), 202);
    shop = { ...shop, secret: rotated.secret as string };
  });

  it('lets the old secret lapse after the grace period, and takes a secret the provider gave', async () => {
    const given = 'whsec_dGhpcyBpcyBhIHByb3ZpZGVyIHNlY3JldCEhIQ==';
    const rotated = await json<SourceResponse>(await h.admin('/v1/sources/shop/rotate', { method: 'POST', json: { secret: given, graceHours: 1 } }), 200);
    expect(rotated.secret).toBe(given);
    const body = order('cus_grace');
    await json(await deliver('shop', body, signedHeaders(shop.secret as string, body)), 202);
    h.clock.advance(3_600_000);
    await json(await deliver('shop', body, signedHeaders(shop.secret as string, body)), 401);
    await json(await deliver('shop', body, signedHeaders(given, body)), 202);
    expect((await json<SourceResponse>(await h.admin('/v1/sources/shop'), 200)).secrets).toHaveLength(1);
    shop = { ...shop, secret: given };
  });

  it('verifies plain shared-secret HMAC sources (GitHub style) and dedupes by the delivery id header', async () => {
    const secret = 'gh-secret-0123456789abcdef';
    const github = await json<SourceResponse>(
      await h.admin('/v1/sources', {
        method: 'POST',
        json: {
          id: 'github',
          name: 'GitHub',
          scheme: 'hmac_sha256',
          secret,
          hmac: { header: 'X-Hub-Signature-256', encoding: 'hex', prefix: 'sha256=', idHeader: 'X-GitHub-Delivery' },
          mapping: { customerId: '$.sender.login', event: 'GitHub {{ headers["x-github-event"] }}' },
        },
      }),
      201,
    );
    expect(github.secret).toBe(secret);
    const body = JSON.stringify({ action: 'opened', sender: { login: 'octocat' } });
    const sign = (key: string, payload: string) => `sha256=${createHmac('sha256', key).update(payload).digest('hex')}`;
    const headers = { 'content-type': 'application/json', 'x-github-event': 'issues', 'x-github-delivery': 'gh-1', 'x-hub-signature-256': sign(secret, body) };
    const accepted = await json<{ messageId: string }>(await deliver('github', body, headers), 202);
    const bodyHash = createHash('sha256').update(body).digest('hex');
    expect(accepted.messageId).toBe(`hook:github:sha256:${bodyHash}`);
    expect(await lastDelivery('github')).toMatchObject({ webhookId: 'gh-1', verdict: 'accepted' });
    const [event] = await eventsOf('octocat');
    expect(event).toMatchObject({ type: 'webhook', name: 'GitHub issues' });
    // A redelivery, and a captured request replayed under a new delivery id (the id header is not signed): both no-ops.
    await json(await deliver('github', body, headers), 200);
    await json(await deliver('github', body, { ...headers, 'x-github-delivery': 'gh-forged' }), 200);
    expect(await lastDelivery('github')).toMatchObject({ webhookId: 'gh-forged', verdict: 'duplicate', reason: expect.stringContaining('this body was delivered before') });
    expect(await eventsOf('octocat')).toHaveLength(1);
    await json(await deliver('github', body, { ...headers, 'x-hub-signature-256': sign('not-the-secret-at-all', body) }), 401);
    await json(await deliver('github', `${body} `, headers), 401);
    const delivery = await lastDelivery('github');
    expect(delivery.headers['x-hub-signature-256']).toBe('[redacted]');
  });

  it('previews a mapping on a test payload without storing anything', async () => {
    const payload = { event: 'Order Completed', customer: { id: 'cus_preview' }, data: { total: 5 } };
    const ok = await json(await h.admin('/v1/sources/shop/preview', { method: 'POST', json: { payload } }), 200);
    expect(ok).toEqual({ ok: true, event: { customerId: 'cus_preview', name: 'Order Completed', properties: { total: 5 } } });
    const failed = await json(await h.admin('/v1/sources/shop/preview', { method: 'POST', json: { payload: { customer: {} } } }), 200);
    expect(failed).toEqual({ ok: false, reason: 'the mapping found no customer id: customerId "$.customer.id" gave nothing (the payload has no such field)' });
    const draft = await json(
      await h.admin('/v1/sources/shop/preview', { method: 'POST', json: { payload, mapping: { customerId: 'shop-{{ payload.customer.id }}', event: 'Paid' } } }),
      200,
    );
    expect(draft).toMatchObject({ ok: true, event: { customerId: 'shop-cus_preview', name: 'Paid', properties: payload } });
    expect(await eventsOf('cus_preview')).toEqual([]);
  });

  it('updates name and mapping, pages deliveries, and refuses oversized bodies', async () => {
    const updated = await json<SourceResponse>(await h.admin('/v1/sources/shop', { method: 'PATCH', json: { name: 'Shop (EU)', mapping: { customerId: '$.customer.email', event: '$.event' } } }), 200);
    expect(updated).toMatchObject({ name: 'Shop (EU)', mapping: { customerId: '$.customer.email', event: '$.event' } });
    await json(await h.admin('/v1/sources/shop', { method: 'PATCH', json: {} }), 400);
    await json(await h.admin('/v1/sources/shop', { method: 'PATCH', json: { mapping: { customerId: 'constant', event: 'x' } } }), 400);
    const body = order('cus_email');
    await json(await deliver('shop', body, signedHeaders(shop.secret as string, body)), 202);
    expect(await eventsOf('cus_email@example.com')).toHaveLength(1);

    const first = await json<{ deliveries: Delivery[]; nextCursor: string }>(await h.admin('/v1/sources/shop/deliveries?limit=2'), 200);
    expect(first.deliveries).toHaveLength(2);
    const second = await json<{ deliveries: Delivery[] }>(await h.admin(`/v1/sources/shop/deliveries?limit=2&cursor=${first.nextCursor}`), 200);
    expect(second.deliveries[0]?.id).toBeLessThan(first.deliveries[1]?.id ?? 0);

    const big = JSON.stringify({ event: 'x', customer: { id: 'c' }, pad: 'x'.repeat(h.services.config.RAPPORT_MAX_BODY_BYTES) });
    await json(await deliver('shop', big, signedHeaders(shop.secret as string, big)), 413);
    expect(await lastDelivery('shop')).toMatchObject({ verdict: 'rejected', status: 413, body: '' });
  });

  it('answers 404 for an unknown source and 410 once a source is disabled', async () => {
    const body = order();
    await json(await deliver('nope', body, signedHeaders(shop.secret as string, body)), 404);
    const disabled = await json<SourceResponse>(await h.admin('/v1/sources/shop', { method: 'DELETE' }), 200);
    expect(disabled.disabledAt).toBe(h.clock.now());
    const gone = await json<{ error: { code: string } }>(await deliver('shop', body, signedHeaders(shop.secret as string, body)), 410);
    expect(gone.error.code).toBe('source_disabled');
    const stored = await h.services.db.select().from(webhookDeliveries).where(eq(webhookDeliveries.sourceId, 'nope'));
    expect(stored).toEqual([]);
  });

  it('audits every change to sources without their secrets', async () => {
    const audit = await json<{ entries: { action: string; targetId: string; actorKeyId: string | null; details: Record<string, unknown> }[] }>(await h.admin('/v1/audit?targetType=source&limit=100'), 200);
    const shopActions = audit.entries.filter((e) => e.targetId === 'shop').map((e) => e.action).reverse();
    expect(shopActions).toEqual(['source.create', 'source.rotate', 'source.secret_delete', 'source.rotate', 'source.update', 'source.disable']);
    expect(audit.entries.every((e) => typeof e.actorKeyId === 'string')).toBe(true);
    expect(JSON.stringify(audit)).not.toMatch(/whsec_|gh-secret/);
  });
});
