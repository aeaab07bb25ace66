import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { disabledEndpoints, effectAttempts, effects } from '../drizzle/schema.js';
import type { HostResolver } from '../server/channels/pinned-request.js';
import { dispatchBatch } from '../server/runtime/dispatcher.js';
import { effectById, insertEffect } from './support/effects.js';
import { json, startHarness, type Harness } from './support/harness.js';
import { publishAndSignUp, signupWebhookJourney } from './support/journeys.js';

interface Hit {
  path: string;
  headers: IncomingHttpHeaders;
}
type Answer = (hit: Hit, index: number) => { status: number; headers?: Record<string, string>; body?: string };

/** A local server on 127.0.0.1 that counts every TCP connection, not only complete requests. */
const startCountingServer = async () => {
  const hits: Hit[] = [];
  let connections = 0;
  let answer: Answer = () => ({ status: 200, body: 'ok' });
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      const hit = { path: request.url ?? '', headers: request.headers };
      hits.push(hit);
      const reply = answer(hit, hits.length - 1);
      response.writeHead(reply.status, reply.headers ?? {});
      response.end(reply.body ?? '');
    });
  });
  server.on('connection', () => void (connections += 1));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    hits,
    connections: () => connections,
    answer: (next: Answer) => void (answer = next),
    reset: () => {
      hits.length = 0;
      connections = 0;
      answer = () => ({ status: 200, body: 'ok' });
    },
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
};

/** Only `receiver.test` is allow-listed, by name; our DNS maps it (and a few others) to addresses. */
const allowedName = 'receiver.test';
const dns: Record<string, string[]> = {
  [allowedName]: ['127.0.0.1'],
  'intranet.example.com': ['10.1.2.3'],
  'metadata.example.com': ['169.254.169.254'],
  'mixed.example.com': ['93.184.216.34', '192.168.0.10'],
  'v6-private.example.com': ['fd00::1'],
  'v6-mapped.example.com': ['::ffff:10.0.0.5'],
  'v6-metadata.example.com': ['fd00:ec2::254'],
  'cgnat.example.com': ['100.64.1.1'],
};
const lookups: string[] = [];
const resolveHost: HostResolver = async (hostname) => {
  lookups.push(hostname);
  const addresses = dns[hostname];
  if (!addresses) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
  return addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
};

describe('outbound calls: SSRF protection at connect time', () => {
  let h: Harness;
  let server: Awaited<ReturnType<typeof startCountingServer>>;
  const webhook = (url: string) => ({ method: 'POST', url, headers: { 'Content-Type': 'application/json' }, body: '{"hello":"world"}' });
  // 0.5: the retry schedule without jitter.
  const dispatch = () => dispatchBatch(h.services, { resolveHost, random: () => 0.5 });

  beforeAll(async () => {
    server = await startCountingServer();
    h = await startHarness({
      RAPPORT_OUTBOUND_ALLOW: allowedName,
      RAPPORT_DISPATCH_BATCH: 50,
      RAPPORT_MAX_ATTEMPTS: 5,
      SMS_WEBHOOK_URL: `http://127.0.0.1:${server.port}/sms`,
    });
  }, 60_000);
  afterAll(async () => {
    await h.close();
    await server.close();
  });
  beforeEach(async () => {
    server.reset();
    lookups.length = 0;
    await h.services.db.delete(effects);
  });

  it('refuses every private, loopback, link-local, reserved and disguised address without connecting', async () => {
    const port = server.port;
    const hosts = [
      '127.0.0.1', '127.1', '0x7f.0.0.1', '2130706433', '017700000001', '[::1]', '[::ffff:127.0.0.1]', '[64:ff9b::7f00:1]', '[2002:7f00:1::]',
      '10.0.0.1', '172.16.0.1', '192.168.1.1', '169.254.169.254', '100.64.0.1', '224.0.0.1', '0.0.0.0', '[fe80::1]', '[fc00::1]', 'localhost',
      // IPv6 multicast and unspecified, metadata in v4 and v6 forms, broadcast.
      '[ff02::1]', '[::]', '[fd00:ec2::254]', '[::ffff:169.254.169.254]', '[64:ff9b::a9fe:a9fe]', '[2002:a9fe:a9fe::]', '100.100.100.200', '255.255.255.255', '0x7f000001',
    ];
    const inserted: { host: string; effect: Awaited<ReturnType<typeof insertEffect>> }[] = [];
    for (const host of hosts) inserted.push({ host, effect: await insertEffect(h, 'webhook', webhook(`http://${host}:${port}/ssrf`)) });
    const sms = await insertEffect(h, 'sms', { to: '+4915100000001', body: 'hi' });
    // Through the real system resolver, so "localhost" is looked up by the operating system.
    expect(await dispatchBatch(h.services)).toMatchObject({ claimed: hosts.length + 1, failed: hosts.length + 1, sent: 0 });
    for (const { host, effect } of inserted) {
      const row = await effectById(h, effect.id);
      expect(row.status, host).toBe('failed');
      expect(row.attempts, host).toBe(1);
      expect(row.lastError, host).toMatch(/^refused to call .* outbound calls go to public addresses only \(add the host to RAPPORT_OUTBOUND_ALLOW/);
    }
    const lastError = async (host: string) => (await effectById(h, inserted.find((i) => i.host === host)?.effect.id ?? 0)).lastError;
    expect(await lastError('2130706433')).toContain(`refused to call 127.0.0.1:${port}: it is a loopback address`);
    expect(await lastError('[::ffff:127.0.0.1]')).toContain('IPv4-mapped form of 127.0.0.1, a loopback address');
    expect(await lastError('[64:ff9b::7f00:1]')).toContain('NAT64 form of 127.0.0.1');
    expect(await lastError('[2002:7f00:1::]')).toContain('6to4 form of 127.0.0.1');
    expect(await lastError('169.254.169.254')).toContain('cloud metadata address');
    expect(await lastError('localhost')).toMatch(/resolves to (127\.0\.0\.1|::1), which is a loopback address/);
    expect(await lastError('[ff02::1]')).toContain('multicast address');
    expect(await lastError('[::]')).toContain('unspecified address');
    expect(await lastError('[fd00:ec2::254]')).toContain('cloud metadata address (fd00:ec2::254)');
    expect(await lastError('[::ffff:169.254.169.254]')).toContain('IPv4-mapped form of 169.254.169.254, a cloud metadata address');
    expect(await lastError('[64:ff9b::a9fe:a9fe]')).toContain('NAT64 form of 169.254.169.254');
    expect(await lastError('[2002:a9fe:a9fe::]')).toContain('6to4 form of 169.254.169.254');
    expect(await lastError('0x7f000001')).toContain(`refused to call 127.0.0.1:${port}: it is a loopback address`);
    expect((await effectById(h, sms.id)).lastError).toContain('loopback');
    expect(server.connections()).toBe(0);
    expect(server.hits).toEqual([]);
    // Each refusal is an attempt on record.
    const attempts = await h.services.db.select().from(effectAttempts).where(eq(effectAttempts.effectId, inserted[0]?.effect.id ?? 0));
    expect(attempts).toEqual([expect.objectContaining({ attempt: 1, outcome: 'failed', statusCode: null, error: expect.stringContaining('refused to call') })]);
  });

  it('refuses host names that resolve to private addresses, even when only one of their addresses is', async () => {
    const intranet = await insertEffect(h, 'webhook', webhook('http://intranet.example.com/hook'));
    const metadata = await insertEffect(h, 'webhook', webhook('http://metadata.example.com/latest/meta-data/'));
    const mixed = await insertEffect(h, 'webhook', webhook('https://mixed.example.com/hook'));
    const v6 = await insertEffect(h, 'webhook', webhook('http://v6-private.example.com/hook'));
    const unknown = await insertEffect(h, 'webhook', webhook('http://no-such-host.example.com/hook'));
    const mapped = await insertEffect(h, 'webhook', webhook('http://v6-mapped.example.com/hook'));
    const v6Metadata = await insertEffect(h, 'webhook', webhook('http://v6-metadata.example.com/hook'));
    const cgnat = await insertEffect(h, 'webhook', webhook('http://cgnat.example.com/hook'));
    expect(await dispatch()).toMatchObject({ claimed: 8, failed: 7, retried: 1 });
    expect((await effectById(h, mapped.id)).lastError).toContain('resolves to ::ffff:10.0.0.5, which is an IPv4-mapped form of 10.0.0.5, a private address');
    expect((await effectById(h, v6Metadata.id)).lastError).toContain('resolves to fd00:ec2::254, which is a cloud metadata address');
    expect((await effectById(h, cgnat.id)).lastError).toContain('resolves to 100.64.1.1, which is a carrier-grade NAT address');
    expect((await effectById(h, intranet.id)).lastError).toContain('refused to call intranet.example.com: it resolves to 10.1.2.3, which is a private address (10.0.0.0/8)');
    expect((await effectById(h, metadata.id)).lastError).toContain('resolves to 169.254.169.254, which is a cloud metadata address');
    expect((await effectById(h, mixed.id)).lastError).toContain('resolves to 192.168.0.10, which is a private address');
    expect((await effectById(h, v6.id)).lastError).toContain('unique local address');
    // A name that does not resolve may resolve later: retried.
    expect(await effectById(h, unknown.id)).toMatchObject({ status: 'pending', lastError: expect.stringContaining('does not resolve (ENOTFOUND)') });
    expect(server.connections()).toBe(0);
  });

  it('reaches an allow-listed host on a private address, connecting to the one address it checked', async () => {
    const effect = await insertEffect(h, 'webhook', webhook(`http://${allowedName}:${server.port}/allowed`));
    expect(await dispatch()).toMatchObject({ claimed: 1, sent: 1 });
    expect(await effectById(h, effect.id)).toMatchObject({ status: 'sent', result: { status: 200, responseBody: 'ok' } });
    // The system resolver does not know receiver.test: the socket used the pinned address, and DNS was asked once.
    expect(lookups).toEqual([allowedName]);
    expect(server.hits.map((hit) => [hit.path, hit.headers.host])).toEqual([['/allowed', `${allowedName}:${server.port}`]]);
  });

  it('does not follow a redirect from an allow-listed host to a private address', async () => {
    server.answer(() => ({ status: 302, headers: { Location: `http://127.0.0.1:${server.port}/internal-admin` } }));
    const effect = await insertEffect(h, 'webhook', webhook(`http://${allowedName}:${server.port}/redirect`));
    expect(await dispatch()).toMatchObject({ claimed: 1, failed: 1 });
    const row = await effectById(h, effect.id);
    expect(row.lastError).toContain(`answered 302 (redirect to http://127.0.0.1:${server.port}/internal-admin not followed`);
    expect(server.hits.map((hit) => hit.path)).toEqual(['/redirect']);
    const [attempt] = await h.services.db.select().from(effectAttempts).where(eq(effectAttempts.effectId, effect.id));
    expect(attempt).toMatchObject({ outcome: 'failed', statusCode: 302 });
  });

  it('retries a flaky receiver with backoff and records every attempt on the run', async () => {
    await publishAndSignUp(h, signupWebhookJourney('notify-partner', 'Notify partner', `http://${allowedName}:${server.port}/flaky`, '{"customer":"{{ customer.id }}"}'), 'flaky-1');
    const [effect] = await h.services.db.select().from(effects).where(eq(effects.customerId, 'flaky-1'));
    if (!effect) throw new Error('no effect');

    server.answer((_hit, index) => (index === 0 ? { status: 503, body: 'warming up' } : index === 1 ? { status: 429, headers: { 'Retry-After': '90' } } : { status: 200, body: '{"ok":true}' }));
    const t0 = h.clock.now();
    expect(await dispatch()).toMatchObject({ claimed: 1, retried: 1 });
    // The first retry 5 s later.
    expect(await effectById(h, effect.id)).toMatchObject({ status: 'pending', attempts: 1, nextAttemptAt: t0 + 5_000 });
    h.clock.advance(5_000);
    expect(await dispatch()).toMatchObject({ claimed: 1, retried: 1 });
    // The schedule's second wait is 30 s, but the receiver asked for 90 s.
    expect(await effectById(h, effect.id)).toMatchObject({ attempts: 2, nextAttemptAt: t0 + 5_000 + 90_000 });
    h.clock.advance(89_999);
    expect((await dispatch()).claimed).toBe(0);
    h.clock.advance(1);
    expect(await dispatch()).toMatchObject({ claimed: 1, sent: 1 });
    expect(server.hits.map((hit) => hit.headers['webhook-id'])).toEqual([effect.idempotencyKey, effect.idempotencyKey, effect.idempotencyKey]);

    const run = await json<{ effects: { id: number; attempts: number; status: string; attemptLog: { attempt: number; at: number; durationMs: number; outcome: string; statusCode: number | null; error: string | null; response: string | null }[] }[] }>(
      await h.admin(`/v1/runs/${effect.runId}`),
      200,
    );
    const shown = run.effects.find((e) => e.id === effect.id);
    expect(shown).toMatchObject({ status: 'sent', attempts: 3 });
    expect(shown?.attemptLog.map((a) => [a.attempt, a.at - t0, a.outcome, a.statusCode])).toEqual([
      [1, 0, 'retry', 503],
      [2, 5_000, 'retry', 429],
      [3, 95_000, 'sent', 200],
    ]);
    expect(shown?.attemptLog[0]).toMatchObject({ error: expect.stringContaining('answered 503: warming up'), response: 'warming up' });
    expect(shown?.attemptLog[2]).toMatchObject({ error: null, response: '{"ok":true}' });
    expect(shown?.attemptLog.every((a) => Number.isInteger(a.durationMs) && a.durationMs >= 0)).toBe(true);
  });

  it('disables an endpoint that answers 410 until an admin re-enables it', async () => {
    const url = `http://${allowedName}:${server.port}/gone?list=7`;
    server.answer((hit) => ({ status: hit.path.startsWith('/gone') ? 410 : 200 }));
    const first = await insertEffect(h, 'webhook', webhook(url));
    expect(await dispatch()).toMatchObject({ claimed: 1, failed: 1 });
    expect((await effectById(h, first.id)).lastError).toContain('endpoint gone (410)');
    const listed = await json<{ endpoints: { url: string; disabledAt: number; reason: string }[] }>(await h.admin('/v1/endpoints/disabled'), 200);
    expect(listed.endpoints).toEqual([{ url, disabledAt: h.clock.now(), reason: 'answered 410 Gone to POST' }]);

    // Later effects to the same URL fail at once, without a request; other URLs are unaffected.
    const second = await insertEffect(h, 'webhook', webhook(`${url}#fragment`));
    const other = await insertEffect(h, 'webhook', webhook(`http://${allowedName}:${server.port}/still-here`));
    expect(await dispatch()).toMatchObject({ claimed: 2, failed: 1, sent: 1 });
    expect((await effectById(h, second.id)).lastError).toContain(`endpoint ${url} is disabled since`);
    expect(server.hits.map((hit) => hit.path)).toEqual(['/gone?list=7', '/still-here']);

    await json(await h.admin(`/v1/endpoints/disabled?url=${encodeURIComponent('http://elsewhere.example/')}`, { method: 'DELETE' }), 404);
    await json(await h.request(`/v1/endpoints/disabled?url=${encodeURIComponent(url)}`, { method: 'DELETE', headers: { authorization: 'Bearer nope' } }), 401);
    expect(await json(await h.admin(`/v1/endpoints/disabled?url=${encodeURIComponent(url)}`, { method: 'DELETE' }), 200)).toEqual({ url, enabled: true });
    expect(await h.services.db.select().from(disabledEndpoints)).toEqual([]);
    server.answer(() => ({ status: 200 }));
    const third = await insertEffect(h, 'webhook', webhook(url));
    expect(await dispatch()).toMatchObject({ sent: 1 });
    expect((await effectById(h, third.id)).status).toBe('sent');

    const audit = await json<{ entries: { action: string; actorKeyId: string | null; targetId: string }[] }>(await h.admin('/v1/audit?targetType=endpoint'), 200);
    expect(audit.entries.map((e) => [e.action, e.actorKeyId === null ? 'system' : 'key', e.targetId])).toEqual([
      ['endpoint.enable', 'key', url],
      ['endpoint.disable', 'system', url],
    ]);
    const attempts = await h.services.db.select().from(effectAttempts).where(eq(effectAttempts.effectId, first.id)).orderBy(asc(effectAttempts.attempt));
    expect(attempts).toEqual([expect.objectContaining({ outcome: 'failed', statusCode: 410 })]);
  });
});
