import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiKeys } from '../drizzle/schema.js';
import type { JourneyGraphInput } from '../workflows/index.js';
import { adminKey, json, startHarness, writeKey, type Harness } from './support/harness.js';

interface KeyView {
  id: string;
  name: string;
  scope: 'admin' | 'write' | 'read';
  prefix: string;
  createdAt: number;
  lastUsedAt: number | null;
  revokedAt: number | null;
  key?: string;
}
interface ErrorBody {
  error: { code: string; message: string };
}
interface AuditEntry {
  id: number;
  at: number;
  actorKeyId: string | null;
  action: string;
  targetType: string;
  targetId: string;
  details: Record<string, unknown>;
}

const bearer = (key: string) => ({ authorization: `Bearer ${key}` });
const basic = (key: string) => ({ authorization: `Basic ${Buffer.from(`${key}:`).toString('base64')}` });
const track = { userId: 'ada', event: 'Signed Up' };

const journey: JourneyGraphInput = {
  id: 'audited',
  name: 'Audited',
  nodes: [
    { id: 'start', kind: 'trigger_manual', params: {} },
    { id: 'done', kind: 'exit', params: {} },
  ],
  edges: [{ id: 'e1', source: 'start', outcome: 'next', target: 'done' }],
};

describe('API keys, scopes and the audit log', () => {
  let h: Harness;
  const keys = async () => (await json<{ keys: KeyView[] }>(await h.admin('/v1/keys'), 200)).keys;
  const createKey = async (name: string, scope: string) => json<KeyView>(await h.admin('/v1/keys', { method: 'POST', json: { name, scope } }), 201);
  const audit = async (query = '') => json<{ entries: AuditEntry[]; nextCursor: string | null }>(await h.admin(`/v1/audit${query}`), 200);

  beforeAll(async () => {
    h = await startHarness();
  }, 60_000);
  afterAll(async () => h.close());

  it('lists keys without secrets or hashes', async () => {
    const list = await keys();
    expect(list.map((k) => k.scope).sort()).toEqual(['admin', 'write']);
    for (const key of list) {
      expect(Object.keys(key).sort()).toEqual(['createdAt', 'id', 'lastUsedAt', 'name', 'prefix', 'revokedAt', 'scope']);
    }
    expect(JSON.stringify(list)).not.toContain(adminKey);
    expect(JSON.stringify(list)).not.toContain(writeKey);
    expect(list.find((k) => k.scope === 'admin')?.lastUsedAt).toBe(h.clock.now());
  });

  it('creates a key shown once, stored hashed, usable at once', async () => {
    const created = await createKey('analyst dashboard', 'read');
    expect(created).toMatchObject({ name: 'analyst dashboard', scope: 'read', revokedAt: null, lastUsedAt: null });
    expect(created.key).toMatch(/^rk_read_/);
    expect(created.prefix).toBe(created.key?.slice(0, 12));
    const [row] = await h.services.db.select().from(apiKeys).where(eq(apiKeys.id, created.id));
    expect(row?.hash).not.toContain(created.key);
    expect(row?.hash).toMatch(/^[0-9a-f]{64}$/);
    expect((await keys()).find((k) => k.id === created.id)).not.toHaveProperty('key');
    h.clock.advance(1_000);
    await json(await h.request('/v1/journeys', { headers: bearer(created.key as string) }), 200);
    // The list shows when the key was last used.
    expect((await keys()).find((k) => k.id === created.id)?.lastUsedAt).toBe(h.clock.now());
    const bad = await json<ErrorBody>(await h.admin('/v1/keys', { method: 'POST', json: { name: 'x', scope: 'owner' } }), 400);
    expect(bad.error.code).toBe('invalid_request');
  });

  it('enforces scopes: write ingests only, read may GET, admin may do everything', async () => {
    const read = (await createKey('reader', 'read')).key as string;
    const write = (await createKey('shop backend', 'write')).key as string;
    // write: ingest yes, management no.
    await json(await h.request('/v1/track', { method: 'POST', json: track, headers: basic(write) }), 200);
    expect((await json<ErrorBody>(await h.request('/v1/journeys', { headers: bearer(write) }), 403)).error.message).toContain('a write key cannot call this route');
    await json(await h.request('/v1/keys', { headers: bearer(write) }), 403);
    // read: GETs yes, writes and ingest no, key management and audit no.
    await json(await h.request('/v1/journeys', { headers: bearer(read) }), 200);
    await json(await h.request('/v1/sources', { headers: bearer(read) }), 200);
    await json(await h.request('/v1/endpoints/disabled', { headers: bearer(read) }), 200);
    await json(await h.request('/v1/journeys', { method: 'POST', json: journey, headers: bearer(read) }), 403);
    await json(await h.request('/v1/track', { method: 'POST', json: track, headers: basic(read) }), 403);
    await json(await h.request('/v1/keys', { headers: bearer(read) }), 403);
    await json(await h.request('/v1/audit', { headers: bearer(read) }), 403);
    await json(await h.request('/v1/sources', { method: 'POST', json: { name: 'x', mapping: { customerId: '$.id', event: 'x' } }, headers: bearer(read) }), 403);
    // admin: everything, ingest included.
    await json(await h.request('/v1/track', { method: 'POST', json: track, headers: basic(adminKey) }), 200);
    // No key, or a made-up one.
    await json(await h.request('/v1/keys'), 401);
    await json(await h.request('/v1/keys', { headers: bearer('rk_admin_made_up_0000000000') }), 401);
  });

  it('revokes a key: 401 from the next request on, and the last admin key stays', async () => {
    const doomed = await createKey('leaked laptop', 'admin');
    await json(await h.request('/v1/keys', { headers: bearer(doomed.key as string) }), 200);
    const revoked = await json<KeyView>(await h.admin(`/v1/keys/${doomed.id}`, { method: 'DELETE' }), 200);
    expect(revoked).toMatchObject({ id: doomed.id, revokedAt: h.clock.now() });
    expect(revoked).not.toHaveProperty('hash');
    const refused = await json<ErrorBody>(await h.request('/v1/keys', { headers: bearer(doomed.key as string) }), 401);
    expect(refused.error.message).toContain('revoked');
    // Revoking again is a no-op; an unknown key is a 404.
    expect((await json<KeyView>(await h.admin(`/v1/keys/${doomed.id}`, { method: 'DELETE' }), 200)).revokedAt).toBe(revoked.revokedAt);
    await json(await h.admin('/v1/keys/00000000-0000-0000-0000-000000000000', { method: 'DELETE' }), 404);
    // The bootstrap admin key is now the only active one.
    const own = (await keys()).find((k) => k.scope === 'admin' && k.revokedAt === null);
    const last = await json<ErrorBody>(await h.admin(`/v1/keys/${own?.id}`, { method: 'DELETE' }), 409);
    expect(last.error.code).toBe('last_admin_key');
    // A revoked write key stops ingesting too.
    const write = await createKey('old integration', 'write');
    await json(await h.request('/v1/track', { method: 'POST', json: track, headers: basic(write.key as string) }), 200);
    await json(await h.admin(`/v1/keys/${write.id}`, { method: 'DELETE' }), 200);
    await json(await h.request('/v1/track', { method: 'POST', json: track, headers: basic(write.key as string) }), 401);
  });

  it('audits key and journey changes with the acting key, newest first, paginated', async () => {
    const adminId = (await keys()).find((k) => k.prefix === adminKey.slice(0, 12))?.id;
    await json(await h.admin('/v1/journeys', { method: 'POST', json: journey }), 201);
    await json(await h.admin('/v1/journeys/audited', { method: 'PUT', json: { ...journey, name: 'Audited v2' } }), 200);
    await json(await h.admin('/v1/journeys/audited/publish', { method: 'POST', json: { note: 'first' } }), 201);
    await json(await h.admin('/v1/journeys/audited/pause', { method: 'POST' }), 200);
    await json(await h.admin('/v1/journeys/audited/resume', { method: 'POST' }), 200);
    await json(await h.admin('/v1/journeys/audited/archive', { method: 'POST' }), 200);
    await json(await h.admin('/v1/journeys/import', { method: 'POST', json: { format: 'rapport.journey/v1', journey: { ...journey, id: 'imported' } } }), 201);

    const journeyEntries = (await audit('?targetType=journey')).entries;
    expect(journeyEntries.map((e) => [e.action, e.targetId])).toEqual([
      ['journey.import', 'imported'],
      ['journey.archive', 'audited'],
      ['journey.resume', 'audited'],
      ['journey.pause', 'audited'],
      ['journey.publish', 'audited'],
      ['journey.update', 'audited'],
      ['journey.create', 'audited'],
    ]);
    expect(journeyEntries.every((e) => e.actorKeyId === adminId)).toBe(true);
    expect(journeyEntries.find((e) => e.action === 'journey.publish')?.details).toEqual({ version: 1, note: 'first', migrated: 0 });
    expect(journeyEntries.find((e) => e.action === 'journey.archive')?.details).toEqual({ from: 'live', to: 'archived', endedRuns: 0 });

    const keyEntries = (await audit('?targetType=key')).entries;
    expect(keyEntries.filter((e) => e.action === 'key.create')).toHaveLength(5);
    expect(keyEntries.filter((e) => e.action === 'key.revoke')).toHaveLength(2);
    expect(keyEntries.find((e) => e.action === 'key.create')?.details).toEqual({ name: 'old integration', scope: 'write', prefix: expect.stringMatching(/^rk_write_/) });
    expect(JSON.stringify(keyEntries)).not.toMatch(/rk_(admin|write|read)_[A-Za-z0-9_-]{20,}/);

    // Setting changes: the stage model (the contact strategy and clusters write the same action).
    await json(await h.admin('/v1/settings/stages', { method: 'PUT', json: { stages: [{ id: 'lead', label: 'Lead' }, { id: 'customer', label: 'Customer' }], note: 'two stages' } }), 200);
    const settingEntries = (await audit('?targetType=settings')).entries;
    expect(settingEntries.map((e) => [e.action, e.targetId, e.actorKeyId === adminId])).toEqual([['settings.update', 'stages', true]]);

    const page1 = await audit('?limit=3');
    expect(page1.entries).toHaveLength(3);
    const page2 = await audit(`?limit=3&cursor=${page1.nextCursor}`);
    expect(page2.entries[0]?.id).toBeLessThan(page1.entries[2]?.id ?? 0);
    await json(await h.admin('/v1/audit?cursor=abc'), 400);
  });
});

describe('per-key rate limits', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ RAPPORT_RATE_LIMIT_PER_SECOND: 0.01, RAPPORT_RATE_BURST: 3, RAPPORT_MANAGEMENT_RATE_LIMIT_PER_SECOND: 0.02, RAPPORT_MANAGEMENT_RATE_BURST: 2 });
  }, 60_000);
  afterAll(async () => h.close());

  it('answers 429 with Retry-After in our error format once a bucket is empty, per key and per kind of route', async () => {
    for (let i = 0; i < 3; i += 1) await json(await h.ingest('/v1/track', track), 200);
    const limited = await h.ingest('/v1/track', track);
    const body = await json<ErrorBody>(limited, 429);
    expect(body.error.code).toBe('rate_limited');
    expect(body.error.message).toContain('more than 0.01 requests per second (bursts of 3)');
    // About 100 s (one token at 0.01/s), less what trickled back in while the requests ran.
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(90);
    expect(Number(limited.headers.get('retry-after'))).toBeLessThanOrEqual(100);
    // Management calls have their own bucket (and the admin key its own).
    await json(await h.admin('/v1/journeys'), 200);
    await json(await h.admin('/v1/runs'), 200);
    const management = await h.admin('/v1/journeys');
    await json(management, 429);
    expect(Number(management.headers.get('retry-after'))).toBeGreaterThan(40);
    expect(Number(management.headers.get('retry-after'))).toBeLessThanOrEqual(50);
    // An admin key ingesting uses the ingest limits, in its own bucket.
    await json(await h.request('/v1/track', { method: 'POST', json: track, headers: basic(adminKey) }), 200);
  });

  it('limits inbound webhook deliveries per source', async () => {
    const { services } = h;
    const { createSource } = await import('../server/runtime/webhooks/sources.js');
    await createSource(services, h.workspaceId, { id: 'limited', name: 'Limited', scheme: 'standard', mapping: { customerId: '$.id', event: 'x' } }, null);
    const statuses: number[] = [];
    for (let i = 0; i < 4; i += 1) statuses.push((await h.request('/v1/hooks/limited', { method: 'POST', body: '{}' })).status);
    // Three unsigned attempts are rejected on their merits; the fourth is not even read.
    expect(statuses).toEqual([401, 401, 401, 429]);
  });
});
