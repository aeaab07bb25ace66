import { eq } from 'drizzle-orm';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { effects, webhookEndpoints } from '../drizzle/schema.js';
import { responseSchemas, type ResponseSchemaName } from '../server/openapi.js';
import { dispatchBatch } from '../server/runtime/dispatcher.js';
import { coversUrl, endpointFor, endpointUrl } from '../server/runtime/webhook-endpoints.js';
import { effectById, insertCustomer, insertEffect, receiverAllow, startReceiver, type Hit, type Receiver } from './support/effects.js';
import { json, startHarness, type Harness } from './support/harness.js';
import { publishAndSignUp, signupWebhookJourney } from './support/journeys.js';

const defaultSecret = 'whsec_ZGVmYXVsdC13b3Jrc3BhY2Utc2VjcmV0LWZvci10ZXN0cw==';

interface EndpointResponse {
  id: string;
  name: string;
  url: string;
  secret?: string;
  secrets: { index: number; createdAt: number; expiresAt: number | null }[];
  createdAt: number;
  updatedAt: number;
}
interface ErrorBody {
  error: { code: string; message: string; details?: { path: string[]; message: string }[] };
}

/** What the independent Standard Webhooks implementation makes of a request, verified with `secret`. */
const verifies = (hit: Hit, secret: string): boolean => {
  try {
    new Webhook(secret).verify(hit.body, {
      'webhook-id': String(hit.headers['webhook-id']),
      'webhook-timestamp': String(hit.headers['webhook-timestamp']),
      'webhook-signature': String(hit.headers['webhook-signature']),
    });
    return true;
  } catch {
    return false;
  }
};

/** A response checked against its schema in the OpenAPI document. */
const documented = async <T>(response: Response, status: number, schema: ResponseSchemaName): Promise<T> => {
  const body = await json<T>(response, status);
  expect(responseSchemas[schema].safeParse(body).error?.issues ?? []).toEqual([]);
  return body;
};

describe('outbound webhook endpoints: a secret per receiver', () => {
  let h: Harness;
  let receiver: Receiver;
  const hook = (path: string) => ({ method: 'POST', url: `${receiver.url}${path}`, headers: { 'Content-Type': 'application/json' }, body: `{"path":"${path}"}` });
  const create = async (name: string, url: string, extra: Record<string, unknown> = {}) =>
    documented<EndpointResponse>(await h.admin('/v1/endpoints', { method: 'POST', json: { name, url, ...extra } }), 201, 'EndpointWithSecret');
  /** Sends one webhook effect to `path` and returns what the receiver got. */
  const send = async (path: string): Promise<Hit> => {
    const before = receiver.hits.length;
    const effect = await insertEffect(h, 'webhook', hook(path));
    await dispatchBatch(h.services, { random: () => 0.5 });
    expect((await effectById(h, effect.id)).status).toBe('sent');
    const hit = receiver.hits[before];
    if (!hit) throw new Error(`no request to ${path}`);
    return hit;
  };

  beforeAll(async () => {
    receiver = await startReceiver();
    h = await startHarness({ RAPPORT_OUTBOUND_ALLOW: receiverAllow, RAPPORT_WEBHOOK_SECRET: defaultSecret });
    // Standard Webhooks verifiers check the timestamp against their own clock.
    h.clock.set(Date.now());
    await insertCustomer(h, 'c_ada', { email: 'ada@example.com' });
  }, 60_000);
  afterAll(async () => {
    await h.close();
    await receiver.close();
  });
  beforeEach(async () => {
    receiver.reset();
    await h.services.db.delete(effects);
    await h.services.db.delete(webhookEndpoints);
  });

  it('registers a receiver with its own secret, shown once, and signs the journey calls to it with that secret only', async () => {
    const crm = await create('CRM sync', `${receiver.url}/crm`);
    expect(crm).toMatchObject({ name: 'CRM sync', url: `${receiver.url}/crm`, secrets: [{ index: 0, createdAt: h.clock.now(), expiresAt: null }] });
    expect(crm.id).toMatch(/^ep_[0-9a-f]{20}$/);
    expect(crm.secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    const fetched = await documented<EndpointResponse>(await h.admin(`/v1/endpoints/${crm.id}`), 200, 'Endpoint');
    expect(fetched).not.toHaveProperty('secret');
    const listed = await documented<{ endpoints: EndpointResponse[] }>(await h.admin('/v1/endpoints'), 200, 'EndpointList');
    expect(listed.endpoints.map((e) => e.id)).toEqual([crm.id]);
    expect(JSON.stringify([fetched, listed])).not.toContain(crm.secret);

    await publishAndSignUp(h, signupWebhookJourney('crm-sync', 'CRM sync', `${receiver.url}/crm/contacts/{{ customer.id }}`, '{"id":"{{ customer.id }}"}'), 'grace');
    expect(await dispatchBatch(h.services)).toMatchObject({ sent: 1 });
    const [hit] = receiver.hits;
    if (!hit) throw new Error('the journey made no call');
    expect(hit).toMatchObject({ path: '/crm/contacts/grace', body: '{"id":"grace"}' });
    expect(String(hit.headers['webhook-signature']).split(' ')).toHaveLength(1);
    expect(verifies(hit, crm.secret as string)).toBe(true);
    // The workspace default secret (which every other receiver knows) does not verify it.
    expect(verifies(hit, defaultSecret)).toBe(false);
  });

  it('signs URLs of no endpoint with the default secret; the longest covering URL wins, matched at a "/"', async () => {
    const hooks = await create('All hooks', `${receiver.url}/hooks`);
    const orders = await create('Orders', `${receiver.url}/hooks/orders/`);
    const cases: [string, string][] = [
      ['/hooks', hooks.secret as string],
      ['/hooks/customers?since=1', hooks.secret as string],
      ['/hooks/orders/42', orders.secret as string],
      ['/hooks/orders', hooks.secret as string],
      ['/hooksmith', defaultSecret],
      ['/other', defaultSecret],
    ];
    for (const [path, secret] of cases) {
      const hit = await send(path);
      expect(verifies(hit, secret), path).toBe(true);
      for (const other of [hooks.secret as string, orders.secret as string, defaultSecret].filter((s) => s !== secret)) expect(verifies(hit, other), `${path} not with another secret`).toBe(false);
    }
  });

  it('signs with the new and the old secret during a rotation, then with the new one only', async () => {
    const crm = await create('CRM', `${receiver.url}/crm`);
    const rotated = await documented<EndpointResponse>(await h.admin(`/v1/endpoints/${crm.id}/rotate`, { method: 'POST' }), 200, 'EndpointWithSecret');
    expect(rotated.secret).not.toBe(crm.secret);
    expect(rotated.secrets).toEqual([
      { index: 0, createdAt: h.clock.now(), expiresAt: null },
      { index: 1, createdAt: crm.createdAt, expiresAt: h.clock.now() + 24 * 3_600_000 },
    ]);
    const during = await send('/crm/a');
    expect(String(during.headers['webhook-signature']).split(' ')).toHaveLength(2);
    // A receiver still on the old secret and one already on the new both verify.
    expect(verifies(during, crm.secret as string)).toBe(true);
    expect(verifies(during, rotated.secret as string)).toBe(true);

    // Ending the old secret early: only the new one signs.
    await json(await h.admin(`/v1/endpoints/${crm.id}/secrets/0`, { method: 'DELETE' }), 409);
    await json(await h.admin(`/v1/endpoints/${crm.id}/secrets/2`, { method: 'DELETE' }), 404);
    expect((await documented<EndpointResponse>(await h.admin(`/v1/endpoints/${crm.id}/secrets/1`, { method: 'DELETE' }), 200, 'Endpoint')).secrets).toHaveLength(1);
    const after = await send('/crm/b');
    expect(verifies(after, crm.secret as string)).toBe(false);
    expect(verifies(after, rotated.secret as string)).toBe(true);

    // A rotation with a short grace period, and a secret the receiver brought: the old one stops when it ends.
    const given = 'whsec_cmVjZWl2ZXItZ2VuZXJhdGVkLXNlY3JldC0zMi1ieXRlcw==';
    const third = await json<EndpointResponse>(await h.admin(`/v1/endpoints/${crm.id}/rotate`, { method: 'POST', json: { secret: given, graceHours: 0.01 } }), 200);
    expect(third.secret).toBe(given);
    expect(verifies(await send('/crm/c'), rotated.secret as string)).toBe(true);
    h.clock.advance(37_000);
    const lapsed = await send('/crm/d');
    expect(String(lapsed.headers['webhook-signature']).split(' ')).toHaveLength(1);
    expect(verifies(lapsed, given)).toBe(true);
    expect(verifies(lapsed, rotated.secret as string)).toBe(false);
    h.clock.set(Date.now());
  });

  it('explains bad endpoints, and lets only admin keys change them', async () => {
    const cases: [unknown, string][] = [
      [{ name: 'x', url: 'ftp://files.example.com/' }, 'only http:// and https://'],
      [{ name: 'x', url: 'https://crm.example.com/hooks?token=1' }, 'no query or fragment'],
      [{ name: 'x', url: 'https://user:pw@crm.example.com/' }, 'no credentials'],
      [{ name: 'x', url: 'crm.example.com' }, 'is not a URL'],
      [{ name: 'x', url: 'https://crm.example.com/', secret: 'whsec_short' }, 'at least 16 random bytes'],
      [{ name: '', url: 'https://crm.example.com/' }, 'name'],
    ];
    for (const [body, message] of cases) {
      const error = await json<ErrorBody>(await h.admin('/v1/endpoints', { method: 'POST', json: body }), 400);
      expect(JSON.stringify(error.error), JSON.stringify(body)).toContain(message);
      expect(error.error.details?.length, JSON.stringify(body)).toBeGreaterThan(0);
    }
    await create('CRM', 'HTTPS://CRM.example.com:443/hooks');
    const twice = await json<ErrorBody>(await h.admin('/v1/endpoints', { method: 'POST', json: { name: 'Again', url: 'https://crm.example.com/hooks' } }), 409);
    expect(twice.error.code).toBe('endpoint_exists');
    await json(await h.admin('/v1/endpoints/ep_nope'), 404);
    await json(await h.admin('/v1/endpoints/ep_nope/rotate', { method: 'POST' }), 404);

    const read = (await json<{ key: string }>(await h.admin('/v1/keys', { method: 'POST', json: { name: 'reader', scope: 'read' } }), 201)).key;
    const bearer = { authorization: `Bearer ${read}` };
    await json(await h.request('/v1/endpoints', { headers: bearer }), 200);
    await json(await h.request('/v1/endpoints', { method: 'POST', json: { name: 'x', url: 'https://a.example.com/' }, headers: bearer }), 403);
    await json(await h.request('/v1/endpoints', { headers: { authorization: `Basic ${Buffer.from('rk_write_test_0123456789abcdef:').toString('base64')}` } }), 403);
  });

  it('updates and removes endpoints (their URLs fall back to the default secret), each change audited without secrets', async () => {
    const crm = await create('CRM', `${receiver.url}/crm`);
    const renamed = await documented<EndpointResponse>(await h.admin(`/v1/endpoints/${crm.id}`, { method: 'PATCH', json: { name: 'CRM (EU)', url: `${receiver.url}/crm-eu` } }), 200, 'Endpoint');
    expect(renamed).toMatchObject({ name: 'CRM (EU)', url: `${receiver.url}/crm-eu` });
    await json(await h.admin(`/v1/endpoints/${crm.id}`, { method: 'PATCH', json: {} }), 400);
    expect(verifies(await send('/crm-eu/x'), crm.secret as string)).toBe(true);
    expect(verifies(await send('/crm/x'), defaultSecret)).toBe(true);
    const rotated = await json<EndpointResponse>(await h.admin(`/v1/endpoints/${crm.id}/rotate`, { method: 'POST', json: { graceHours: 0 } }), 200);
    expect(rotated.secrets).toHaveLength(1);
    expect(await documented(await h.admin(`/v1/endpoints/${crm.id}`, { method: 'DELETE' }), 200, 'EndpointDeleted')).toEqual({ id: crm.id, deleted: true });
    await json(await h.admin(`/v1/endpoints/${crm.id}`), 404);
    expect(verifies(await send('/crm-eu/y'), defaultSecret)).toBe(true);
    expect(await h.services.db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, crm.id))).toEqual([]);

    const audit = await json<{ entries: { action: string; actorKeyId: string | null; details: Record<string, unknown> }[] }>(await h.admin(`/v1/audit?targetType=endpoint&targetId=${crm.id}`), 200);
    expect(audit.entries.map((e) => e.action).reverse()).toEqual(['endpoint.create', 'endpoint.update', 'endpoint.rotate', 'endpoint.delete']);
    expect(audit.entries.every((e) => typeof e.actorKeyId === 'string')).toBe(true);
    expect(audit.entries.find((e) => e.action === 'endpoint.update')?.details).toEqual({ changed: ['name', 'url'], name: 'CRM (EU)', url: `${receiver.url}/crm-eu`, previousUrl: `${receiver.url}/crm` });
    expect(JSON.stringify(audit)).not.toMatch(/whsec_/);
  });
});

describe('which endpoint a URL belongs to', () => {
  const at = (url: string) => new URL(url);
  it('normalises registered URLs and matches scheme, host, port and path at a "/"', () => {
    expect(endpointUrl('HTTPS://Example.COM:443/a/b')).toEqual({ ok: true, url: 'https://example.com/a/b' });
    expect(endpointUrl('http://example.com')).toEqual({ ok: true, url: 'http://example.com/' });
    expect(endpointUrl('https://example.com/a#x')).toMatchObject({ ok: false });
    expect(coversUrl('https://example.com/a', at('https://example.com/a'))).toBe(true);
    expect(coversUrl('https://example.com/a', at('https://example.com/a/b?c=1'))).toBe(true);
    expect(coversUrl('https://example.com/a', at('https://example.com/ab'))).toBe(false);
    expect(coversUrl('https://example.com/a/', at('https://example.com/a/b'))).toBe(true);
    expect(coversUrl('https://example.com/a/', at('https://example.com/a'))).toBe(false);
    expect(coversUrl('https://example.com/', at('https://example.com/anything'))).toBe(true);
    expect(coversUrl('https://example.com/a', at('http://example.com/a'))).toBe(false);
    expect(coversUrl('https://example.com/a', at('https://example.com:8443/a'))).toBe(false);
    expect(coversUrl('https://example.com/a', at('https://api.example.com/a'))).toBe(false);
    const endpoints = [{ url: 'https://example.com/' }, { url: 'https://example.com/a/b' }, { url: 'https://example.com/a' }];
    expect(endpointFor(endpoints, at('https://example.com/a/b/c'))?.url).toBe('https://example.com/a/b');
    expect(endpointFor(endpoints, at('https://example.com/a/x'))?.url).toBe('https://example.com/a');
    expect(endpointFor(endpoints, at('https://example.com/z'))?.url).toBe('https://example.com/');
    expect(endpointFor(endpoints, at('https://other.example.com/a'))).toBeNull();
  });
});
