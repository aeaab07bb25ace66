import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { serve } from '@hono/node-server';
import { Analytics } from '@segment/analytics-node';
import { and, asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { customers, events } from '../drizzle/schema.js';
import { eventRowFromCall, instantOf, segmentCallSchema } from '../server/runtime/ingest.js';
import { adminKey, startHarness, writeKey, type Harness } from './support/harness.js';

const basic = (key: string) => `Basic ${Buffer.from(`${key}:`).toString('base64')}`;

const storedEvents = (h: Harness) => h.services.db.select().from(events).where(eq(events.workspaceId, h.workspaceId)).orderBy(asc(events.seq));
const storedEvent = async (h: Harness, messageId: string) => {
  const rows = await h.services.db.select().from(events).where(and(eq(events.workspaceId, h.workspaceId), eq(events.messageId, messageId)));
  expect(rows).toHaveLength(1);
  return rows[0]!;
};
const storedCustomer = async (h: Harness, id: string) => {
  const [row] = await h.services.db.select().from(customers).where(and(eq(customers.workspaceId, h.workspaceId), eq(customers.id, id)));
  return row;
};
const ingestedTotal = (h: Harness): number => {
  const line = h.services.metrics.render().split('\n').find((l) => l.startsWith('rapport_events_ingested_total '));
  return line ? Number(line.split(' ')[1]) : 0;
};

/** Sends a raw body with the write key. */
const post = (h: Harness, path: string, body: string | Uint8Array<ArrayBuffer>, headers: Record<string, string> = {}) =>
  h.request(path, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } }, basic(writeKey));

const expectSuccess = async (response: Response) => {
  expect(response.status).toBe(200);
  expect(await response.json()).toEqual({ success: true });
};

interface ErrorBody {
  error: { code: string; message: string; details?: { path?: (string | number)[]; message: string }[] };
}
/** Expects a 400 whose details point at `path`, and that nothing was stored. */
const expectRejected = async (h: Harness, send: () => Response | Promise<Response>, path?: (string | number)[]) => {
  const before = (await storedEvents(h)).length;
  const response = await send();
  expect(response.status).toBe(400);
  const body = (await response.json()) as ErrorBody;
  expect(body.error.code).toBe('invalid_request');
  if (path) expect(body.error.details?.map((d) => d.path)).toContainEqual(path);
  expect((await storedEvents(h)).length).toBe(before);
  return body.error;
};

describe('Segment-compatible ingest', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => h.close());

  it('identify stores the traits, the context and its time zone, and creates the customer', async () => {
    const timestamp = '2026-01-04T18:30:00.000Z';
    await expectSuccess(
      await h.ingest('/v1/identify', {
        userId: 'u-identify',
        traits: { email: 'ada@example.com', plan: 'pro', seats: 3 },
        context: { timezone: 'Europe/Berlin', ip: '203.0.113.7' },
        integrations: { All: false },
        timestamp,
        messageId: 'm-identify',
      }),
    );
    const row = await storedEvent(h, 'm-identify');
    expect(row).toMatchObject({ type: 'identify', name: null, customerId: 'u-identify', at: Date.parse(timestamp), receivedAt: h.clock.now(), processedAt: null });
    expect(row.payload).toEqual({
      traits: { email: 'ada@example.com', plan: 'pro', seats: 3 },
      timezone: 'Europe/Berlin',
      context: { timezone: 'Europe/Berlin', ip: '203.0.113.7' },
    });
    // The customer exists at once; traits and time zone are applied by the worker from the event.
    expect(await storedCustomer(h, 'u-identify')).toMatchObject({ traits: {}, timezone: null, createdAt: h.clock.now(), updatedAt: h.clock.now() });
  });

  it('an unknown time zone is kept in the context but not set on the customer', async () => {
    await expectSuccess(await h.ingest('/v1/identify', { userId: 'u-tz', context: { timezone: 'Mars/Olympus' }, messageId: 'm-tz' }));
    expect((await storedEvent(h, 'm-tz')).payload).toEqual({ traits: {}, context: { timezone: 'Mars/Olympus' } });
  });

  it('track stores name and properties, ignores traits, and defaults the time to receipt', async () => {
    await expectSuccess(
      await h.ingest('/v1/track', { anonymousId: 'anon-1', event: 'Order Completed', properties: { total: 42.5, items: [{ sku: 'A' }] }, traits: { x: 1 }, messageId: 'm-track' }),
    );
    const row = await storedEvent(h, 'm-track');
    expect(row).toMatchObject({ type: 'track', name: 'Order Completed', customerId: 'anon-1', at: h.clock.now() });
    expect(row.payload).toEqual({ properties: { total: 42.5, items: [{ sku: 'A' }] } });
    expect(await storedCustomer(h, 'anon-1')).toBeDefined();
  });

  it('userId wins over anonymousId, and numeric ids become strings', async () => {
    await expectSuccess(await h.ingest('/v1/track', { userId: 42, anonymousId: 'anon-42', event: 'Signed Up', messageId: 'm-numeric' }));
    expect((await storedEvent(h, 'm-numeric')).customerId).toBe('42');
    await expectSuccess(await h.ingest('/v1/track', { userId: null, anonymousId: 7, event: 'Signed Up', messageId: 'm-numeric-anon' }));
    expect((await storedEvent(h, 'm-numeric-anon')).customerId).toBe('7');
    expect(await storedCustomer(h, '42')).toBeDefined();
  });

  it('page and screen become "Page Viewed" and "Screen Viewed" tracks', async () => {
    await expectSuccess(await h.ingest('/v1/page', { userId: 'u-page', name: 'Pricing', category: 'Marketing', properties: { path: '/pricing' }, messageId: 'm-page' }));
    const page = await storedEvent(h, 'm-page');
    expect(page).toMatchObject({ type: 'track', name: 'Page Viewed', customerId: 'u-page' });
    expect(page.payload).toEqual({ properties: { category: 'Marketing', name: 'Pricing', path: '/pricing' } });

    await expectSuccess(await h.ingest('/v1/screen', { userId: 'u-page', name: 'Home', messageId: 'm-screen' }));
    const screen = await storedEvent(h, 'm-screen');
    expect(screen).toMatchObject({ type: 'track', name: 'Screen Viewed' });
    expect(screen.payload).toEqual({ properties: { name: 'Home' } });
  });

  it('group and alias are accepted and stored as ignored (already processed)', async () => {
    await expectSuccess(await h.ingest('/v1/group', { userId: 'u-group', groupId: 'acme', traits: { employees: 40 }, messageId: 'm-group' }));
    const group = await storedEvent(h, 'm-group');
    expect(group).toMatchObject({ type: 'ignored', customerId: 'u-group', processedAt: h.clock.now() });
    expect(group.payload).toEqual({ call: 'group', groupId: 'acme', traits: { employees: 40 } });

    await expectSuccess(await h.ingest('/v1/alias', { userId: 'u-alias', previousId: 'anon-before', messageId: 'm-alias' }));
    const alias = await storedEvent(h, 'm-alias');
    expect(alias).toMatchObject({ type: 'ignored', customerId: 'u-alias', processedAt: h.clock.now() });
    expect(alias.payload).toEqual({ call: 'alias', previousId: 'anon-before' });
  });

  it('a batch stores every call in order, with the batch context merged under each call', async () => {
    const response = await h.ingest('/v1/batch', {
      context: { library: { name: 'analytics-node' }, locale: 'de-DE' },
      integrations: { All: true },
      batch: [
        { type: 'identify', userId: 'u-batch', traits: { name: 'Ada' }, context: { timezone: 'America/New_York' }, messageId: 'b-1' },
        { type: 'track', userId: 'u-batch', event: 'Cart Viewed', timestamp: '2026-01-05T08:59:00+01:00', context: { locale: 'en-US' }, messageId: 'b-2' },
        { type: 'page', anonymousId: 'anon-batch', name: 'Home', messageId: 'b-3' },
        { type: 'screen', userId: 'u-batch', name: 'Cart', messageId: 'b-4' },
        { type: 'group', userId: 'u-batch', groupId: 1, messageId: 'b-5' },
        { type: 'alias', userId: 'u-batch', previousId: 'anon-batch', messageId: 'b-6' },
      ],
    });
    await expectSuccess(response);
    const rows = (await storedEvents(h)).filter((r) => r.messageId.startsWith('b-'));
    expect(rows.map((r) => [r.messageId, r.type, r.name, r.customerId])).toEqual([
      ['b-1', 'identify', null, 'u-batch'],
      ['b-2', 'track', 'Cart Viewed', 'u-batch'],
      ['b-3', 'track', 'Page Viewed', 'anon-batch'],
      ['b-4', 'track', 'Screen Viewed', 'u-batch'],
      ['b-5', 'ignored', null, 'u-batch'],
      ['b-6', 'ignored', null, 'u-batch'],
    ]);
    expect(rows[0]!.payload).toEqual({
      traits: { name: 'Ada' },
      timezone: 'America/New_York',
      context: { library: { name: 'analytics-node' }, locale: 'de-DE', timezone: 'America/New_York' },
    });
    expect(rows[1]!.payload).toEqual({ properties: {}, context: { library: { name: 'analytics-node' }, locale: 'en-US' } });
    expect(rows[1]!.at).toBe(Date.parse('2026-01-05T07:59:00Z'));
    expect(rows[4]!.payload).toMatchObject({ call: 'group', groupId: '1' });
    expect(await storedCustomer(h, 'anon-batch')).toBeDefined();
  });

  it('generates a message id when the call has none', async () => {
    await expectSuccess(await h.ingest('/v1/track', { userId: 'u-no-id', event: 'No Id' }));
    await expectSuccess(await h.ingest('/v1/track', { userId: 'u-no-id', event: 'No Id' }));
    const rows = (await storedEvents(h)).filter((r) => r.customerId === 'u-no-id');
    expect(rows).toHaveLength(2);
    for (const row of rows) expect(row.messageId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('a repeated messageId is a 200 no-op: one row, counted and woken once', async () => {
    let wakes = 0;
    const wake = h.services.wake;
    h.services.wake = () => void (wakes += 1);
    try {
      const before = ingestedTotal(h);
      const call = { userId: 'u-dup', event: 'Clicked', properties: { n: 1 }, messageId: 'm-dup' };
      await expectSuccess(await h.ingest('/v1/track', call));
      await expectSuccess(await h.ingest('/v1/track', { ...call, properties: { n: 2 } }));
      expect((await storedEvent(h, 'm-dup')).payload).toEqual({ properties: { n: 1 } });
      expect(ingestedTotal(h) - before).toBe(1);
      expect(wakes).toBe(1);
    } finally {
      h.services.wake = wake;
    }
  });

  it('the same batch sent twice, and duplicates within one batch, store each event once', async () => {
    const batch = {
      batch: [
        { type: 'track', userId: 'u-retry', event: 'A', messageId: 'r-1' },
        { type: 'track', userId: 'u-retry', event: 'B', messageId: 'r-2' },
        { type: 'track', userId: 'u-retry', event: 'B again', messageId: 'r-2' },
      ],
    };
    const before = ingestedTotal(h);
    await expectSuccess(await h.ingest('/v1/batch', batch));
    await expectSuccess(await h.ingest('/v1/batch', batch));
    const rows = (await storedEvents(h)).filter((r) => r.customerId === 'u-retry');
    expect(rows.map((r) => [r.messageId, r.name])).toEqual([
      ['r-1', 'A'],
      ['r-2', 'B'],
    ]);
    expect(ingestedTotal(h) - before).toBe(2);
  });

  it('accepts gzip-compressed bodies (Content-Encoding: gzip)', async () => {
    const body = gzipSync(JSON.stringify({ batch: [{ type: 'track', userId: 'u-gzip', event: 'Compressed', messageId: 'm-gzip' }] }));
    await expectSuccess(await post(h, '/v1/batch', new Uint8Array(body), { 'content-encoding': 'gzip' }));
    expect((await storedEvent(h, 'm-gzip')).name).toBe('Compressed');
    expect((await expectRejected(h, () => post(h, '/v1/batch', 'not gzip', { 'content-encoding': 'gzip' }))).message).toContain('not valid gzip');
    const response = await post(h, '/v1/batch', 'x', { 'content-encoding': 'br' });
    expect(response.status).toBe(415);
    expect(((await response.json()) as ErrorBody).error.code).toBe('unsupported_encoding');
  });

  it('accepts an empty batch', async () => {
    await expectSuccess(await h.ingest('/v1/batch', { batch: [] }));
  });

  describe('keys', () => {
    const call = JSON.stringify({ userId: 'u-auth', event: 'Auth' });
    it('401 without a key or with a wrong one, in our error format; nothing stored', async () => {
      for (const auth of [undefined, basic('rk_write_wrong_0123456789abcdef'), 'Bearer nope', 'Basic !!!']) {
        const response = await h.request('/v1/track', { method: 'POST', body: call, headers: { 'content-type': 'application/json' } }, auth);
        expect(response.status).toBe(401);
        expect(response.headers.get('www-authenticate')).toContain('Basic');
        expect(((await response.json()) as ErrorBody).error.code).toBe('unauthorized');
      }
      expect((await storedEvents(h)).filter((r) => r.customerId === 'u-auth')).toHaveLength(0);
    });
    it('the write key (Basic, as Segment libraries send it) and the admin key are accepted', async () => {
      await expectSuccess(await h.request('/v1/track', { method: 'POST', body: call }, basic(writeKey)));
      await expectSuccess(await h.request('/v1/track', { method: 'POST', body: call }, basic(adminKey)));
      await expectSuccess(await h.request('/v1/track', { method: 'POST', body: call }, `Bearer ${writeKey}`));
      expect((await storedEvents(h)).filter((r) => r.customerId === 'u-auth')).toHaveLength(3);
    });
  });

  describe('invalid requests are 400 with field paths and store nothing', () => {
    it('neither userId nor anonymousId', async () => {
      const error = await expectRejected(h, () => h.ingest('/v1/track', { event: 'Who?' }), ['userId']);
      expect(error.message).toContain('userId or anonymousId is required');
      await expectRejected(h, () => h.ingest('/v1/identify', { userId: '', anonymousId: null }), ['userId']);
      await expectRejected(h, () => h.ingest('/v1/batch', { batch: [{ type: 'page', name: 'Home' }] }), ['batch', 0, 'userId']);
    });

    it('track without an event name', async () => {
      const error = await expectRejected(h, () => h.ingest('/v1/track', { userId: 'u-bad' }), ['event']);
      expect(error.message).toContain('event is required');
      await expectRejected(h, () => h.ingest('/v1/track', { userId: 'u-bad', event: '' }), ['event']);
    });

    it('wrong types', async () => {
      await expectRejected(h, () => h.ingest('/v1/track', { userId: true, event: 'X' }), ['userId']);
      const numeric = await expectRejected(h, () => h.ingest('/v1/track', { userId: 'u-bad', event: 5 }), ['event']);
      expect(numeric.message).toContain('event must be a string (got number)');
      await expectRejected(h, () => h.ingest('/v1/track', { userId: 'u-bad', event: 'X', properties: 'big' }), ['properties']);
      await expectRejected(h, () => h.ingest('/v1/identify', { userId: 'u-bad', traits: [1, 2] }), ['traits']);
      await expectRejected(h, () => h.ingest('/v1/track', { userId: 'u-bad', event: 'X', messageId: 12 }), ['messageId']);
      await expectRejected(h, () => h.ingest('/v1/track', { userId: 'u-bad', event: 'X', context: 'web' }), ['context']);
      await expectRejected(h, () => h.ingest('/v1/group', { userId: 'u-bad' }), ['groupId']);
      await expectRejected(h, () => h.ingest('/v1/alias', { userId: 'u-bad' }), ['previousId']);
      await expectRejected(h, () => h.ingest('/v1/batch', { batch: { type: 'track' } }), ['batch']);
      await expectRejected(h, () => h.ingest('/v1/batch', { batch: [{ type: 'track', userId: 'u-bad', event: 'X' }], context: [] }), ['context']);
    });

    it('a bad timestamp', async () => {
      for (const timestamp of ['yesterday', '2026-02-30T10:00:00Z', '2026-01-05', 1767603600000]) {
        const error = await expectRejected(h, () => h.ingest('/v1/track', { userId: 'u-bad', event: 'X', timestamp }), ['timestamp']);
        expect(error.message).toContain('ISO 8601');
      }
      await expectRejected(h, () => h.ingest('/v1/track', { userId: 'u-bad', event: 'X', sentAt: 'now' }), ['sentAt']);
      await expectRejected(
        h,
        () => h.ingest('/v1/batch', { batch: [{ type: 'track', userId: 'u-bad', event: 'X' }, { type: 'track', userId: 'u-bad', event: 'Y', timestamp: 'soon' }] }),
        ['batch', 1, 'timestamp'],
      );
    });

    it('a batch call of unknown or missing type', async () => {
      const error = await expectRejected(h, () => h.ingest('/v1/batch', { batch: [{ type: 'purchase', userId: 'u-bad' }] }), ['batch', 0, 'type']);
      expect(error.message).toContain('type must be one of identify, track, page, screen, group, alias');
      await expectRejected(h, () => h.ingest('/v1/batch', { batch: [{ userId: 'u-bad', event: 'X' }] }), ['batch', 0, 'type']);
    });

    it('one invalid call rejects the whole batch, with the path of that call', async () => {
      const batch = Array.from({ length: 5 }, (_, i) => ({ type: 'track', userId: 'u-batch-bad', event: `E${i}`, messageId: `bad-${i}` }));
      batch[3] = { type: 'track', userId: 'u-batch-bad', messageId: 'bad-3' } as (typeof batch)[number];
      await expectRejected(h, () => h.ingest('/v1/batch', { batch }), ['batch', 3, 'event']);
      expect((await storedEvents(h)).filter((r) => r.customerId === 'u-batch-bad')).toHaveLength(0);
      expect(await storedCustomer(h, 'u-batch-bad')).toBeUndefined();
    });

    it('limits: batch size, event name, messageId and customer id length', async () => {
      const long = 'x'.repeat(201);
      const tooMany = Array.from({ length: 2_501 }, (_, i) => ({ type: 'track', userId: 'u-many', event: 'E', messageId: `many-${i}` }));
      const error = await expectRejected(h, () => h.ingest('/v1/batch', { batch: tooMany }), ['batch']);
      expect(error.message).toContain('at most 2500 calls');
      await expectRejected(h, () => h.ingest('/v1/track', { userId: 'u-bad', event: long }), ['event']);
      await expectRejected(h, () => h.ingest('/v1/track', { userId: 'u-bad', event: 'X', messageId: long }), ['messageId']);
      await expectRejected(h, () => h.ingest('/v1/track', { userId: long, event: 'X' }), ['userId']);
      await expectRejected(h, () => h.ingest('/v1/track', { anonymousId: long, event: 'X' }), ['anonymousId']);
      // At the limits, all is well.
      await expectSuccess(await h.ingest('/v1/track', { userId: 'u'.repeat(200), event: 'e'.repeat(200), messageId: 'm'.repeat(200) }));
    });

    it('a batch of 2,500 calls is accepted', async () => {
      const batch = Array.from({ length: 2_500 }, (_, i) => ({ type: 'track', userId: `u-big-${i % 50}`, event: 'Viewed', messageId: `big-${i}` }));
      await expectSuccess(await h.ingest('/v1/batch', { batch }));
      expect((await storedEvents(h)).filter((r) => r.messageId.startsWith('big-'))).toHaveLength(2_500);
    });

    it('malformed JSON, an empty body, a body that is not an object', async () => {
      expect((await expectRejected(h, () => post(h, '/v1/track', '{"userId": "u-bad", '))).message).toContain('not valid JSON');
      expect((await expectRejected(h, () => post(h, '/v1/batch', ''))).message).toContain('empty');
      expect((await expectRejected(h, () => post(h, '/v1/batch', '   '))).message).toContain('empty');
      for (const body of ['[]', '"track"', '42', 'null']) {
        expect((await expectRejected(h, () => post(h, '/v1/track', body))).message).toContain('must be a JSON object');
        expect((await expectRejected(h, () => post(h, '/v1/batch', body))).message).toContain('must be a JSON object');
      }
    });
  });
});

describe('ingest body limit', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ RAPPORT_MAX_BODY_BYTES: 2000 });
  });
  afterAll(async () => h.close());

  const bigBatch = JSON.stringify({ batch: Array.from({ length: 40 }, (_, i) => ({ type: 'track', userId: 'u-big', event: 'Big', messageId: `big-${i}` })) });

  it('a body over RAPPORT_MAX_BODY_BYTES is a 413 in our error format, with or without content-length', async () => {
    expect(bigBatch.length).toBeGreaterThan(2000);
    for (const headers of [{}, { 'content-length': String(Buffer.byteLength(bigBatch)) }] as Record<string, string>[]) {
      const response = await post(h, '/v1/batch', bigBatch, headers);
      expect(response.status).toBe(413);
      expect(await response.json()).toEqual({ error: { code: 'body_too_large', message: 'the request body is larger than 2000 bytes; split the batch' } });
    }
    expect(await storedEvents(h)).toHaveLength(0);
  });

  it('a gzip body that unpacks to more than the limit is a 413 too', async () => {
    const packed = new Uint8Array(gzipSync(bigBatch));
    expect(packed.length).toBeLessThan(2000);
    const response = await post(h, '/v1/batch', packed, { 'content-encoding': 'gzip' });
    expect(response.status).toBe(413);
    expect(((await response.json()) as ErrorBody).error.code).toBe('body_too_large');
    expect(await storedEvents(h)).toHaveLength(0);
  });

  it('a body under the limit passes', async () => {
    await expectSuccess(await post(h, '/v1/track', JSON.stringify({ userId: 'u-small', event: 'Small' })));
    expect(await storedEvents(h)).toHaveLength(1);
  });
});

describe('the mapping, without a database', () => {
  const scope = { workspaceId: 'w', receivedAt: 1_000, newMessageId: () => 'generated' };
  it('reads date-times without an offset as UTC, with offsets as given', () => {
    expect(instantOf('2026-01-05T09:00:00')).toBe(Date.UTC(2026, 0, 5, 9));
    expect(instantOf('2026-01-05T09:00:00.123456+02:00')).toBe(Date.UTC(2026, 0, 5, 7, 0, 0, 123));
  });
  it('maps a page call with an injected message id', () => {
    const call = segmentCallSchema.parse({ type: 'page', userId: 1, properties: { path: '/', name: 'Overridden' }, name: 'Home', timestamp: '2026-01-05T09:00:00Z' });
    expect(eventRowFromCall(call, { app: 'web' }, scope)).toEqual({
      workspaceId: 'w',
      customerId: '1',
      messageId: 'generated',
      type: 'track',
      name: 'Page Viewed',
      payload: { properties: { name: 'Overridden', path: '/' }, context: { app: 'web' } },
      at: Date.UTC(2026, 0, 5, 9),
      receivedAt: 1_000,
      processedAt: null,
    });
  });
});

describe('with the real Segment library (@segment/analytics-node)', () => {
  let h: Harness;
  let server: ReturnType<typeof serve>;
  let host: string;
  beforeAll(async () => {
    h = await startHarness();
    server = await new Promise<ReturnType<typeof serve>>((resolve) => {
      const started = serve({ fetch: h.app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(started));
    });
    host = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await h.close();
  });

  it('identify, track, page, screen, group and alias arrive through /v1/batch', async () => {
    const analytics = new Analytics({ writeKey, host, path: '/v1/batch', flushAt: 1, maxRetries: 0 });
    const failures: unknown[] = [];
    analytics.on('error', (error) => failures.push(error));
    analytics.identify({ userId: 'lib-user', traits: { email: 'lib@example.com' }, context: { timezone: 'Asia/Tokyo' } });
    analytics.track({ userId: 'lib-user', event: 'Library Works', properties: { ok: true } });
    analytics.page({ anonymousId: 'lib-anon', name: 'Docs', properties: { path: '/docs' } });
    analytics.screen({ userId: 'lib-user', name: 'Settings' });
    analytics.group({ userId: 'lib-user', groupId: 'acme' });
    analytics.alias({ userId: 'lib-user', previousId: 'lib-anon' });
    await analytics.closeAndFlush({ timeout: 10_000 });
    expect(failures).toEqual([]);

    const rows = await storedEvents(h);
    expect(rows.map((r) => [r.type, r.name, r.customerId]).sort()).toEqual(
      [
        ['identify', null, 'lib-user'],
        ['track', 'Library Works', 'lib-user'],
        ['track', 'Page Viewed', 'lib-anon'],
        ['track', 'Screen Viewed', 'lib-user'],
        ['ignored', null, 'lib-user'],
        ['ignored', null, 'lib-user'],
      ].sort(),
    );
    const identify = rows.find((r) => r.type === 'identify')!;
    expect(identify.payload).toMatchObject({ traits: { email: 'lib@example.com' }, timezone: 'Asia/Tokyo', context: { timezone: 'Asia/Tokyo', library: { name: '@segment/analytics-node' } } });
    expect(rows.find((r) => r.name === 'Library Works')!.payload).toMatchObject({ properties: { ok: true } });
    expect(rows.find((r) => r.name === 'Page Viewed')!.payload).toMatchObject({ properties: { name: 'Docs', path: '/docs' } });
    // The library's own message ids are the dedupe keys.
    for (const row of rows) expect(row.messageId).not.toBe('');
    expect(await storedCustomer(h, 'lib-anon')).toBeDefined();
  });

  it('a wrong write key is reported to the library as a failure and stores nothing', async () => {
    const before = (await storedEvents(h)).length;
    const analytics = new Analytics({ writeKey: 'rk_write_wrong_0123456789abcdef', host, path: '/v1/batch', flushAt: 1, maxRetries: 0 });
    const failures: unknown[] = [];
    analytics.on('error', (error) => failures.push(error));
    analytics.track({ userId: 'lib-user', event: 'Should Not Land' });
    await analytics.closeAndFlush({ timeout: 10_000 });
    expect(failures).toHaveLength(1);
    expect((await storedEvents(h)).length).toBe(before);
  });
});
