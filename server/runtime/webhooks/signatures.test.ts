import { createHash, createHmac } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import type { HmacSchemeSettings } from '../../../drizzle/schema.js';
import { signatureHeader, signWebhook } from '../../channels/signing.js';
import { liveSecrets, type SigningSecret } from '../secret-list.js';
import { generateSecret, secretProblem, verifyDelivery, verifyHmac } from './signatures.js';

const now = Date.UTC(2026, 0, 5, 9, 0, 0);
const secretA = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const secretB = 'whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD';
const body = '{"type":"order.completed","customer":{"id":"cus_42"}}';

const secrets = (...values: string[]): SigningSecret[] => values.map((secret) => ({ secret, createdAt: now, expiresAt: null }));
const standard = (list: SigningSecret[]) => ({ scheme: 'standard' as const, hmac: null, secrets: list });
/** Headers signed by the independent implementation (the `standardwebhooks` package). */
const signed = (secret: string, id = 'msg_1', at = new Date(now), payload = body): Headers =>
  new Headers({ 'webhook-id': id, 'webhook-timestamp': String(Math.floor(at.getTime() / 1000)), 'webhook-signature': new Webhook(secret).sign(id, at, payload) });
const verify = (headers: Headers, payload = body, list = secrets(secretA)) => verifyDelivery(standard(list), headers, Buffer.from(payload), now);

describe('Standard Webhooks verification', () => {
  it('matches the published Standard Webhooks test vector, inbound and outbound', () => {
    // The vector of the Standard Webhooks / Svix reference libraries.
    const id = 'msg_p5jXN8AQM9LWM0D4loKWxJek';
    const timestamp = 1614265330;
    const payload = '{"test": 2432232314}';
    const expected = 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=';
    const key = Buffer.from(secretA.slice('whsec_'.length), 'base64');
    expect(signWebhook(key, id, timestamp, payload)).toBe(expected);
    expect(signatureHeader([key, Buffer.from(secretB.slice(6), 'base64')], id, timestamp, payload).split(' ')[0]).toBe(expected);
    const headers = new Headers({ 'webhook-id': id, 'webhook-timestamp': String(timestamp), 'webhook-signature': expected });
    expect(verifyDelivery(standard(secrets(secretA)), headers, Buffer.from(payload), timestamp * 1000 + 1_000)).toEqual({ ok: true, webhookId: id, replayKey: id, secretIndex: 0 });
  });

  it('accepts what the standardwebhooks package signs', () => {
    expect(verify(signed(secretA))).toEqual({ ok: true, webhookId: 'msg_1', replayKey: 'msg_1', secretIndex: 0 });
    const unicode = '{"name":"Zoë ✓"}';
    expect(verify(signed(secretA, 'msg_2', new Date(now), unicode), unicode)).toMatchObject({ ok: true });
  });

  it('rejects a tampered body, a wrong secret and a changed id', () => {
    expect(verify(signed(secretA), body.replace('cus_42', 'cus_43'))).toMatchObject({ ok: false, reason: expect.stringContaining('bad signature') });
    expect(verify(signed(secretB))).toMatchObject({ ok: false, reason: expect.stringContaining('bad signature') });
    const headers = signed(secretA);
    headers.set('webhook-id', 'msg_other');
    expect(verify(headers)).toMatchObject({ ok: false });
  });

  it('rejects stale and future timestamps (5 minutes either way) and keeps the edges', () => {
    expect(verify(signed(secretA, 'msg_1', new Date(now - 301_000)))).toMatchObject({ ok: false, reason: expect.stringContaining('301 s old') });
    expect(verify(signed(secretA, 'msg_1', new Date(now + 301_000)))).toMatchObject({ ok: false, reason: expect.stringContaining('in the future') });
    expect(verify(signed(secretA, 'msg_1', new Date(now - 300_000)))).toMatchObject({ ok: true });
    expect(verify(signed(secretA, 'msg_1', new Date(now + 300_000)))).toMatchObject({ ok: true });
    const headers = signed(secretA);
    headers.set('webhook-timestamp', '2026-01-05T09:00:00Z');
    expect(verify(headers)).toMatchObject({ ok: false, reason: expect.stringContaining('not a whole number of seconds') });
  });

  it('names the missing headers', () => {
    expect(verify(new Headers())).toEqual({ ok: false, reason: 'unsigned: missing webhook-id, webhook-timestamp, webhook-signature headers (Standard Webhooks)' });
    const headers = signed(secretA);
    headers.delete('webhook-signature');
    expect(verify(headers)).toEqual({ ok: false, reason: 'unsigned: missing webhook-signature header (Standard Webhooks)' });
    headers.set('webhook-signature', 'v2,abc');
    expect(verify(headers)).toMatchObject({ ok: false, reason: expect.stringContaining('no "v1,<base64>" signature') });
  });

  it('accepts any of several signatures and any live secret (rotation)', () => {
    const good = signed(secretA).get('webhook-signature') as string;
    const other = signed(secretB).get('webhook-signature') as string;
    const several = signed(secretA);
    several.set('webhook-signature', `v1a,ignored ${other} ${good}`);
    expect(verify(several)).toMatchObject({ ok: true });
    // Signed with the older secret while the source already has a newer one.
    expect(verify(signed(secretA), body, secrets(secretB, secretA))).toEqual({ ok: true, webhookId: 'msg_1', replayKey: 'msg_1', secretIndex: 1 });
    // Once the older secret's grace period has ended it no longer verifies.
    const expired: SigningSecret[] = [{ secret: secretB, createdAt: now, expiresAt: null }, { secret: secretA, createdAt: now - 1, expiresAt: now }];
    expect(liveSecrets(expired, now)).toHaveLength(1);
    expect(verify(signed(secretA), body, expired)).toMatchObject({ ok: false });
  });

  it('checks secrets people bring, and generates good ones', () => {
    expect(secretProblem('standard', secretA)).toBeNull();
    expect(secretProblem('standard', 'whsec_short')).toContain('at least 16 random bytes');
    expect(secretProblem('standard', 'not base64!')).not.toBeNull();
    expect(secretProblem('hmac_sha256', 'too short')).toContain('16 to 512');
    expect(secretProblem('standard', generateSecret('standard'))).toBeNull();
    expect(generateSecret('hmac_sha256')).toMatch(/^[0-9a-f]{64}$/);
    expect(verifyDelivery(standard([]), signed(secretA), Buffer.from(body), now)).toMatchObject({ ok: false, reason: expect.stringContaining('no current secret') });
  });
});

describe('plain shared-secret HMAC verification', () => {
  const shared = 'shpss_0123456789abcdef0123456789abcdef';
  const github: HmacSchemeSettings = { header: 'x-hub-signature-256', encoding: 'hex', prefix: 'sha256=', idHeader: 'x-github-delivery' };
  const shopify: HmacSchemeSettings = { header: 'x-shopify-hmac-sha256', encoding: 'base64', prefix: '', idHeader: 'x-shopify-webhook-id' };
  const mac = (key: string, payload = body) => createHmac('sha256', key).update(payload).digest();
  const keys = [Buffer.from(shared)];

  it('verifies a GitHub-style hex signature with prefix, and uses the delivery id header', () => {
    const headers = new Headers({ 'X-Hub-Signature-256': `sha256=${mac(shared).toString('hex')}`, 'X-GitHub-Delivery': 'd-1' });
    // The id header is shown; the body hash is the replay key (the header is not signed).
    const bodyHash = `sha256:${createHash('sha256').update(body).digest('hex')}`;
    expect(verifyHmac(headers, Buffer.from(body), keys, github)).toEqual({ ok: true, webhookId: 'd-1', replayKey: bodyHash, secretIndex: 0 });
    headers.set('x-github-delivery', 'd-2-replayed');
    expect(verifyHmac(headers, Buffer.from(body), keys, github)).toMatchObject({ webhookId: 'd-2-replayed', replayKey: bodyHash });
    // Hex digits in upper case are the same signature.
    headers.set('x-hub-signature-256', `sha256=${mac(shared).toString('hex').toUpperCase()}`);
    expect(verifyHmac(headers, Buffer.from(body), keys, github)).toMatchObject({ ok: true });
  });

  it('verifies a Shopify-style base64 signature; without an id header the body hash is the id', () => {
    const headers = new Headers({ 'X-Shopify-Hmac-Sha256': mac(shared).toString('base64') });
    const result = verifyHmac(headers, Buffer.from(body), keys, shopify);
    expect(result).toMatchObject({ ok: true, webhookId: expect.stringMatching(/^sha256:[0-9a-f]{64}$/) });
    if (result.ok) expect(result.replayKey).toBe(result.webhookId);
    expect(verifyHmac(headers, Buffer.from(body), keys, shopify)).toEqual(result);
  });

  it('rejects missing, malformed, wrong-prefix, wrong-secret and tampered signatures', () => {
    const run = (headers: Record<string, string>, payload = body) => verifyHmac(new Headers(headers), Buffer.from(payload), keys, github);
    expect(run({})).toEqual({ ok: false, reason: 'unsigned: missing x-hub-signature-256 header' });
    expect(run({ 'x-hub-signature-256': mac(shared).toString('hex') })).toMatchObject({ ok: false, reason: expect.stringContaining('does not start with "sha256="') });
    expect(run({ 'x-hub-signature-256': 'sha256=xyz' })).toMatchObject({ ok: false, reason: expect.stringContaining('not a hex HMAC-SHA256') });
    expect(run({ 'x-hub-signature-256': `sha256=${mac('another secret of 16+ chars').toString('hex')}` })).toMatchObject({ ok: false, reason: expect.stringContaining('bad signature') });
    expect(run({ 'x-hub-signature-256': `sha256=${mac(shared).toString('hex')}` }, `${body} `)).toMatchObject({ ok: false, reason: expect.stringContaining('bad signature') });
  });
});
