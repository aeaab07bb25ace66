import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webhookEndpoints, webhookSources, workspaces } from '../drizzle/schema.js';
import { createApp } from '../server/app.js';
import { bootstrapWorkspace } from '../server/bootstrap.js';
import { readUnsubscribeToken, unsubscribeToken } from '../server/channels/unsubscribe.js';
import { loadConfig, testConfig, type Config } from '../server/config.js';
import { endpointSecretsFor } from '../server/runtime/webhook-endpoints.js';
import { keyIdOf, parseSecretKey, sealedKeyId } from '../server/secret-box.js';
import { missingKeyMessage, secretKeyFileName } from '../server/secret-key.js';
import { createServices } from '../server/services-factory.js';
import { createTestDatabase, type TestDatabase } from './support/database.js';
import { adminKey, json, startHarness, writeKey } from './support/harness.js';

const mapping = { customerId: '$.customer.id', event: 'Order Completed' };
const legacySourceSecret = 'whsec_bGVnYWN5LXNvdXJjZS1zZWNyZXQtMzItYnl0ZXMhIQ==';
const legacyEndpointSecret = 'whsec_bGVnYWN5LWVuZHBvaW50LXNlY3JldC0zMi1ieXRlcw==';
const legacyWorkspaceSecret = 'whsec_bGVnYWN5LXdvcmtzcGFjZS1zZWNyZXQtMzJieXRlcw==';
const keyText = (key: Buffer) => key.toString('base64');
const keyIdOfText = (text: string) => keyIdOf(parseSecretKey(text) as Buffer);

/** The product on an existing database, as `npm start` opens it (migrate, check and seal secrets, bootstrap). */
const start = async (config: Config) => {
  const handle = await createServices(config);
  const { workspaceId } = await bootstrapWorkspace(handle.services, { admin: adminKey, write: writeKey });
  const app = createApp(handle.services);
  const admin = (path: string, init: RequestInit & { json?: unknown } = {}) =>
    app.request(path, { ...init, headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' }, ...(init.json === undefined ? {} : { body: JSON.stringify(init.json) }) });
  const deliver = (sourceId: string, secret: string, id: string) => {
    const body = JSON.stringify({ customer: { id: `cus_${id}` } });
    const at = new Date();
    return app.request(`/v1/hooks/${sourceId}`, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json', 'webhook-id': id, 'webhook-timestamp': String(Math.floor(at.getTime() / 1000)), 'webhook-signature': new Webhook(secret).sign(id, at, body) },
    });
  };
  return { ...handle, workspaceId, admin, deliver, close: () => handle.database.close() };
};

/** Every stored secret value in the database, as stored. */
const storedValues = async (services: Awaited<ReturnType<typeof start>>['services']) => {
  const sources = await services.db.select({ secrets: webhookSources.secrets }).from(webhookSources);
  const endpoints = await services.db.select({ secrets: webhookEndpoints.secrets }).from(webhookEndpoints);
  const [workspace] = await services.db.select({ secret: workspaces.webhookSecret }).from(workspaces);
  return [...sources, ...endpoints].flatMap((row) => row.secrets).map((s) => ('sealed' in s ? s.sealed : `clear:${s.secret}`)).concat(workspace?.secret ?? 'none');
};

describe('secrets at rest', () => {
  it('stores source, endpoint and workspace secrets sealed, never in clear', async () => {
    const h = await startHarness();
    try {
      const source = await json<{ secret: string }>(await h.admin('/v1/sources', { method: 'POST', json: { id: 'shop', name: 'Shop', mapping } }), 201);
      const github = await json<{ secret: string }>(
        await h.admin('/v1/sources', { method: 'POST', json: { id: 'gh', name: 'GitHub', scheme: 'hmac_sha256', secret: 'gh-secret-0123456789abcdef', hmac: { header: 'x-hub-signature-256' }, mapping } }),
        201,
      );
      const rotated = await json<{ secret: string }>(await h.admin('/v1/sources/shop/rotate', { method: 'POST' }), 200);
      const endpoint = await json<{ secret: string }>(await h.admin('/v1/endpoints', { method: 'POST', json: { name: 'CRM', url: 'https://crm.example.com/hooks' } }), 201);
      const values = await storedValues(h.services);
      expect(values).toHaveLength(5);
      for (const value of values) expect(sealedKeyId(value), value).toBe(h.services.secrets.keyId);
      const everything = JSON.stringify([
        await h.services.db.select().from(webhookSources),
        await h.services.db.select().from(webhookEndpoints),
        await h.services.db.select().from(workspaces),
      ]);
      for (const secret of [source.secret, github.secret, rotated.secret, endpoint.secret]) expect(everything).not.toContain(secret);
      expect(everything).not.toContain('whsec_');
      expect(h.services.secrets.keyId).toBe(keyIdOfText(h.services.config.RAPPORT_SECRET_KEY ?? ''));
    } finally {
      await h.close();
    }
  });

  describe('on a database that outlives the process', () => {
    let database: TestDatabase;
    let dir: string;
    let config: Config;
    const keyA = keyText(randomBytes(32));
    const keyB = keyText(randomBytes(32));

    beforeAll(async () => {
      database = await createTestDatabase();
      dir = mkdtempSync(join(tmpdir(), 'rapport-secrets-'));
      config = testConfig({ DATABASE_URL: database.url, RAPPORT_DATA_DIR: join(dir, 'data'), RAPPORT_SECRET_KEY: keyA });
    }, 60_000);
    afterAll(async () => {
      await database.drop();
      rmSync(dir, { recursive: true, force: true });
    });

    it('seals secrets an earlier version wrote in clear at the next start, and they keep working', async () => {
      const first = await start(config);
      const now = Date.now();
      // What a version before encryption at rest left behind.
      await first.services.db.insert(webhookSources).values({ id: 'legacy', workspaceId: first.workspaceId, name: 'Legacy', scheme: 'standard', secrets: [{ secret: legacySourceSecret, createdAt: now, expiresAt: null }], mapping, createdAt: now, updatedAt: now });
      await first.services.db.insert(webhookEndpoints).values({ id: 'ep_legacy', workspaceId: first.workspaceId, name: 'Legacy CRM', url: 'https://crm.example.com/hooks', secrets: [{ secret: legacyEndpointSecret, createdAt: now, expiresAt: null }], createdAt: now, updatedAt: now });
      await first.services.db.update(workspaces).set({ webhookSecret: legacyWorkspaceSecret }).where(eq(workspaces.id, first.workspaceId));
      expect((await storedValues(first.services)).filter((v) => v.startsWith('clear:'))).toHaveLength(2);
      // Read as they are until then: deliveries verify, links made from the workspace secret open.
      await json(await first.deliver('legacy', legacySourceSecret, 'msg_before'), 202);
      const link = await unsubscribeToken(first.services, { workspaceId: first.workspaceId, customerId: 'ada@example.com', channel: 'email' });
      await first.close();

      const second = await start(config);
      try {
        const values = await storedValues(second.services);
        for (const value of values) expect(sealedKeyId(value), value).toBe(keyIdOfText(keyA));
        expect(JSON.stringify(values)).not.toMatch(/bGVnYWN5|whsec_/);
        await json(await second.deliver('legacy', legacySourceSecret, 'msg_after'), 202);
        expect(await readUnsubscribeToken(second.services, link)).toEqual({ workspaceId: second.workspaceId, customerId: 'ada@example.com', channel: 'email' });
        expect(await endpointSecretsFor(second.services, second.workspaceId, new URL('https://crm.example.com/hooks/orders'))).toEqual({ endpointId: 'ep_legacy', secrets: [legacyEndpointSecret] });
      } finally {
        await second.close();
      }
    });

    it('refuses to start with another key, and moves to a new key through RAPPORT_SECRET_KEY_PREVIOUS', async () => {
      // The previous test left secrets sealed with key A.
      await expect(createServices({ ...config, RAPPORT_SECRET_KEY: keyB })).rejects.toThrow(
        new RegExp(`sealed with a key this process does not have \\(it has ${keyIdOfText(keyB)}\\): .*\\(key ${keyIdOfText(keyA)}\\).*RAPPORT_SECRET_KEY_PREVIOUS`),
      );
      const moved = await start({ ...config, RAPPORT_SECRET_KEY: keyB, RAPPORT_SECRET_KEY_PREVIOUS: keyA });
      try {
        for (const value of await storedValues(moved.services)) expect(sealedKeyId(value), value).toBe(keyIdOfText(keyB));
      } finally {
        await moved.close();
      }
      const after = await start({ ...config, RAPPORT_SECRET_KEY: keyB });
      try {
        await json(await after.deliver('legacy', legacySourceSecret, 'msg_new_key'), 202);
      } finally {
        await after.close();
      }
      // The old key alone no longer opens anything.
      await expect(createServices({ ...config, RAPPORT_SECRET_KEY: keyA })).rejects.toThrow(`(key ${keyIdOfText(keyB)})`);
    });
  });

  it('generates a key for the embedded database in its data directory, and will not replace a lost one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rapport-keyfile-'));
    const dataDir = join(dir, 'data');
    const config = testConfig({ DATABASE_URL: undefined, RAPPORT_DATA_DIR: dataDir, RAPPORT_SECRET_KEY: undefined });
    const file = join(dataDir, secretKeyFileName);
    try {
      const first = await start(config);
      const created = await json<{ secret: string }>(await first.admin('/v1/sources', { method: 'POST', json: { id: 'shop', name: 'Shop', mapping } }), 201);
      await first.close();
      const key = readFileSync(file, 'utf8').trim();
      expect(parseSecretKey(key)).toBeInstanceOf(Buffer);
      expect(statSync(file).mode & 0o777).toBe(0o600);
      expect(first.services.secrets.keyId).toBe(keyIdOfText(key));

      const second = await start(config);
      await json(await second.deliver('shop', created.secret, 'msg_restart'), 202);
      await second.close();
      expect(readFileSync(file, 'utf8').trim()).toBe(key);

      renameSync(file, `${file}.lost`);
      await expect(createServices(config)).rejects.toThrow(`The key file ${file} did not exist and a new key would not open them`);
      expect(existsSync(file)).toBe(false);
      renameSync(`${file}.lost`, file);
      const restored = await start(config);
      await json(await restored.deliver('shop', created.secret, 'msg_restored'), 202);
      await restored.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('will not start on PostgreSQL without RAPPORT_SECRET_KEY, and explains a malformed key', async () => {
    // Nothing listens on port 9: the refusal comes before any connection.
    await expect(createServices(testConfig({ DATABASE_URL: 'postgres://nobody@127.0.0.1:9/none', RAPPORT_SECRET_KEY: undefined }))).rejects.toThrow(missingKeyMessage);
    expect(missingKeyMessage).toContain(`randomBytes(32).toString('base64')`);
    expect(() => loadConfig({ RAPPORT_SECRET_KEY: 'not-a-key' })).toThrow(/RAPPORT_SECRET_KEY: a secret key is 32 random bytes written as base64/);
    expect(() => loadConfig({ RAPPORT_SECRET_KEY: keyText(randomBytes(32)), RAPPORT_SECRET_KEY_PREVIOUS: `${keyText(randomBytes(32))},short` })).toThrow(/RAPPORT_SECRET_KEY_PREVIOUS/);
    expect(loadConfig({ RAPPORT_SECRET_KEY: randomBytes(32).toString('hex') }).RAPPORT_SECRET_KEY).toMatch(/^[0-9a-f]{64}$/);
  });
});
