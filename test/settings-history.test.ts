import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiKeys } from '../drizzle/schema.js';
import { hashKey } from '../server/keys.js';
import { json, startHarness, type Harness } from './support/harness.js';

/** The settings history the editor's screens show, and the dialogue scripts of the contact strategy. */

const readKey = 'rk_read_history_0123456789abcdef';

interface ErrorBody {
  error: { code: string; message: string; details?: { path?: (string | number)[]; message: string }[] };
}

const definition = (threshold: number) => ({
  contribution: { type: 'event_sum', event: 'Order Completed', property: 'revenue', withinDays: 365 },
  lifetimeValue: { type: 'trait', trait: 'lifetime_value' },
  thresholds: { contribution: threshold, lifetimeValue: 2000 },
});

describe('settings history (stages, clusters, contact strategy) and dialogue scripts', () => {
  let h: Harness;
  const read = (path: string) => h.request(path, {}, `Bearer ${readKey}`);
  beforeAll(async () => {
    h = await startHarness();
    await h.services.db.insert(apiKeys).values({ id: randomUUID(), workspaceId: h.workspaceId, scope: 'read', hash: hashKey(readKey), prefix: readKey.slice(0, 12), name: 'read', createdAt: h.clock.now() });
  }, 60_000);
  afterAll(async () => h.close());

  it('has no history before anything is saved', async () => {
    for (const path of ['/v1/settings/stages/versions', '/v1/settings/clusters/versions', '/v1/settings/contact-strategy/versions']) {
      expect(await json<{ versions: unknown[] }>(await read(path), 200), path).toStrictEqual({ versions: [] });
    }
  });

  it('lists the saved versions of the cluster definition newest first, each with its definition and note (read key)', async () => {
    await json(await h.admin('/v1/settings/clusters', { method: 'PUT', json: { ...definition(500), note: 'first' } }), 200);
    h.clock.advance(60_000);
    await json(await h.admin('/v1/settings/clusters', { method: 'PUT', json: { ...definition(800), note: 'higher bar' } }), 200);
    const { versions } = await json<{ versions: { version: number; note: string | null; createdAt: number; definition: { thresholds: { contribution: number } } }[] }>(await read('/v1/settings/clusters/versions'), 200);
    expect(versions.map((v) => [v.version, v.note, v.definition.thresholds.contribution])).toStrictEqual([
      [2, 'higher bar', 800],
      [1, 'first', 500],
    ]);
    expect(versions[0]!.createdAt - versions[1]!.createdAt).toBe(60_000);
  });

  it('lists the saved versions of the stage model and of the contact strategy', async () => {
    await json(await h.admin('/v1/settings/stages', { method: 'PUT', json: { stages: [{ id: 'lead', label: 'Lead' }, { id: 'client', label: 'Client' }] } }), 200);
    const stages = await json<{ versions: { version: number; stages: { id: string }[]; note: string | null }[] }>(await read('/v1/settings/stages/versions'), 200);
    expect(stages.versions).toMatchObject([{ version: 1, note: null, stages: [{ id: 'lead' }, { id: 'client' }] }]);

    await json(await h.admin('/v1/settings/contact-strategy', { method: 'PUT', json: { strategy: { default: { channels: { email: { costPerContact: 0.01 } } } }, note: 'v1' } }), 200);
    await json(await h.admin('/v1/settings/contact-strategy', { method: 'PUT', json: { strategy: { default: { channels: {}, frequencyCap: { max: 2, periodDays: 7 } } }, note: 'v2' } }), 200);
    const strategy = await json<{ versions: { version: number; note: string; strategy: { default: { frequencyCap: unknown } } }[] }>(await read('/v1/settings/contact-strategy/versions'), 200);
    expect(strategy.versions.map((v) => [v.version, v.note, v.strategy.default.frequencyCap])).toStrictEqual([
      [2, 'v2', { max: 2, periodDays: 7 }],
      [1, 'v1', null],
    ]);
  });

  it('keeps dialogue scripts per cluster in the contact strategy, and refuses a repeated script name at its path', async () => {
    const complaint = { name: 'complaint', lines: ['Apologise', 'Explain what happened', 'Offer a discount only if they insist'] };
    const saved = await json<{ strategy: { default: { scripts: unknown[] }; star: { scripts: unknown[] } } }>(
      await h.admin('/v1/settings/contact-strategy', { method: 'PUT', json: { strategy: { default: { channels: {} }, star: { channels: {}, scripts: [complaint] } } } }),
      200,
    );
    expect(saved.strategy.default.scripts).toStrictEqual([]);
    expect(saved.strategy.star.scripts).toStrictEqual([complaint]);
    const stored = await json<{ strategy: { star: { scripts: unknown[] } } }>(await h.admin('/v1/settings/contact-strategy'), 200);
    expect(stored.strategy.star.scripts).toStrictEqual([complaint]);

    const twice = await json<ErrorBody>(await h.admin('/v1/settings/contact-strategy', { method: 'PUT', json: { strategy: { default: { channels: {}, scripts: [complaint, { ...complaint, lines: ['Other'] }] } } } }), 400);
    expect(twice.error.details?.[0]).toMatchObject({ path: ['strategy', 'default', 'scripts', 1, 'name'], message: expect.stringContaining('used twice') });
    const empty = await json<ErrorBody>(await h.admin('/v1/settings/contact-strategy', { method: 'PUT', json: { strategy: { default: { channels: {}, scripts: [{ name: 'x', lines: [] }] } } } }), 400);
    expect(empty.error.details?.[0]?.path).toStrictEqual(['strategy', 'default', 'scripts', 0, 'lines']);
  });
});
