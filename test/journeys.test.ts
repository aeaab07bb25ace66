import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiKeys } from '../drizzle/schema.js';
import { hashKey } from '../server/keys.js';
import { importExampleJourneys } from '../server/runtime/journeys.js';
import { exampleJourneys } from '../workflows/examples/index.js';
import type { JourneyGraphInput } from '../workflows/index.js';
import { json, startHarness, writeKey, type Harness } from './support/harness.js';

const readKey = 'rk_read_test_0123456789abcdef';

/** Manual enrolment → wait a day → email → exit. */
const nurture = (name = 'Nurture: trial users'): Omit<JourneyGraphInput, 'id'> => ({
  name,
  nodes: [
    { id: 'start', kind: 'trigger_manual', params: {} },
    { id: 'wait', kind: 'wait_delay', params: { duration: { amount: 1, unit: 'days' } } },
    { id: 'hello', kind: 'send_email', params: { subject: 'Hello', body: 'Hi {{ customer.traits.first_name | default: "there" }}' } },
    { id: 'done', kind: 'exit', params: {} },
  ],
  edges: [
    { id: 'e1', source: 'start', outcome: 'next', target: 'wait' },
    { id: 'e2', source: 'wait', outcome: 'next', target: 'hello' },
    { id: 'e3', source: 'hello', outcome: 'next', target: 'done' },
  ],
  settings: { entry: { mode: 'every_time' }, goal: { event: 'Signed Up' } },
});

interface ErrorBody {
  error: { code: string; message: string; details?: { path?: (string | number)[]; message: string; nodeId?: string; code?: string }[] };
}

describe('journeys API', () => {
  let h: Harness;
  const create = async (graph: unknown) => json<{ id: string; status: string; valid: boolean; findings: { code: string; nodeId?: string }[] }>(await h.admin('/v1/journeys', { method: 'POST', json: graph }), 201);
  const publish = (id: string, body: unknown = { note: 'first' }) => h.admin(`/v1/journeys/${id}/publish`, { method: 'POST', json: body });

  beforeAll(async () => {
    h = await startHarness();
    await h.services.db.insert(apiKeys).values({ id: randomUUID(), workspaceId: h.workspaceId, scope: 'read', hash: hashKey(readKey), prefix: readKey.slice(0, 12), name: 'read', createdAt: h.clock.now() });
  }, 60_000);
  afterAll(async () => h.close());

  describe('keys', () => {
    it('answers 401 without a key and 403 to a write key', async () => {
      expect((await h.request('/v1/journeys')).status).toBe(401);
      const asWriter = await h.request('/v1/journeys', { method: 'POST', json: nurture() }, `Bearer ${writeKey}`);
      expect((await json<ErrorBody>(asWriter, 403)).error.code).toBe('forbidden');
      expect((await h.request('/v1/journeys', {}, `Bearer ${writeKey}`)).status).toBe(403);
      expect((await h.request('/v1/runs', {}, `Bearer ${writeKey}`)).status).toBe(403);
      expect((await h.request('/v1/customers/ada', {}, `Bearer ${writeKey}`)).status).toBe(403);
    });

    it('lets a read key read but not write', async () => {
      expect((await h.request('/v1/journeys', {}, `Bearer ${readKey}`)).status).toBe(200);
      expect((await h.request('/v1/journeys', { method: 'POST', json: nurture() }, `Bearer ${readKey}`)).status).toBe(403);
    });
  });

  describe('drafts', () => {
    it('derives a unique slug id from the name and stores a draft with its findings', async () => {
      const first = await create(nurture('Nurture: Trial Users!'));
      expect(first).toMatchObject({ id: 'nurture-trial-users', status: 'draft', valid: true, findings: [] });
      const second = await create(nurture('Nurture: Trial Users!'));
      expect(second.id).toBe('nurture-trial-users-2');
      const fetched = await json<{ draft: { id: string; name: string }; versions: unknown[] }>(await h.admin('/v1/journeys/nurture-trial-users'), 200);
      expect(fetched.draft).toMatchObject({ id: 'nurture-trial-users', name: 'Nurture: Trial Users!' });
      expect(fetched.versions).toEqual([]);
    });

    it('answers 409 journey_exists when an explicit id is taken', async () => {
      await create({ ...nurture(), id: 'taken' });
      const again = await h.admin('/v1/journeys', { method: 'POST', json: { ...nurture(), id: 'taken' } });
      expect((await json<ErrorBody>(again, 409)).error.code).toBe('journey_exists');
    });

    it('stores an invalid draft and says what is wrong with it, by node', async () => {
      const draft = nurture('Broken');
      const broken = await create({
        ...draft,
        nodes: [...draft.nodes.filter((n) => n.id !== 'hello'), { id: 'hello', kind: 'send_email', params: { subject: '' } }],
        edges: [...draft.edges, { id: 'e4', source: 'done', outcome: 'next', target: 'ghost' }],
      });
      expect(broken.valid).toBe(false);
      expect(broken.findings).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ code: 'invalid_params', nodeId: 'hello' }),
          expect.objectContaining({ code: 'edge_unknown_node', edgeId: 'e4' }),
        ]),
      );
    });

    it('rejects malformed JSON, wrong types and bad ids with 400 and field paths', async () => {
      const malformed = await h.admin('/v1/journeys', { method: 'POST', body: '{"name": ', headers: { 'content-type': 'application/json' } });
      expect((await json<ErrorBody>(malformed, 400)).error.message).toContain('not valid JSON');
      const empty = await h.admin('/v1/journeys', { method: 'POST' });
      expect((await json<ErrorBody>(empty, 400)).error.code).toBe('invalid_request');
      const wrongType = await json<ErrorBody>(await h.admin('/v1/journeys', { method: 'POST', json: { name: 'x', nodes: 'none', edges: [] } }), 400);
      expect(wrongType.error.details?.[0]?.path).toEqual(['nodes']);
      const badId = await json<ErrorBody>(await h.admin('/v1/journeys', { method: 'POST', json: { ...nurture(), id: 'has spaces' } }), 400);
      expect(badId.error.details?.[0]?.path).toEqual(['id']);
      const notObject = await json<ErrorBody>(await h.admin('/v1/journeys', { method: 'POST', json: [1, 2] }), 400);
      expect(notObject.error.code).toBe('invalid_request');
    });

    it('replaces a draft with PUT; the body id must match; unknown ids are 404', async () => {
      await create({ ...nurture(), id: 'editable' });
      const renamed = await json<{ name: string; draft: { id: string } }>(await h.admin('/v1/journeys/editable', { method: 'PUT', json: { ...nurture('Renamed') } }), 200);
      expect(renamed).toMatchObject({ name: 'Renamed', draft: { id: 'editable' } });
      const mismatch = await json<ErrorBody>(await h.admin('/v1/journeys/editable', { method: 'PUT', json: { ...nurture(), id: 'other' } }), 400);
      expect(mismatch.error.details?.[0]?.path).toEqual(['id']);
      expect((await json<ErrorBody>(await h.admin('/v1/journeys/nope', { method: 'PUT', json: nurture() }), 404)).error.code).toBe('not_found');
      expect((await h.admin('/v1/journeys/nope')).status).toBe(404);
      expect((await h.admin('/v1/journeys/nope/versions')).status).toBe(404);
      expect((await h.admin('/v1/journeys/nope/export')).status).toBe(404);
      expect((await publish('nope')).status).toBe(404);
    });

    it('validates the draft, or a graph in the body, and answers 200 either way', async () => {
      await create({ ...nurture(), id: 'checked' });
      const ok = await json<{ valid: boolean; findings: unknown[] }>(await h.admin('/v1/journeys/checked/validate', { method: 'POST' }), 200);
      expect(ok).toEqual({ valid: true, findings: [] });
      const draft = nurture();
      const candidate = { ...draft, nodes: draft.nodes.filter((n) => n.id !== 'wait'), edges: [{ id: 'e1', source: 'start', outcome: 'next', target: 'enrol' }] };
      candidate.nodes.push({ id: 'enrol', kind: 'enrol_journey', params: { journeyId: 'missing-journey' } });
      const bad = await json<{ valid: boolean; findings: { code: string; nodeId?: string }[] }>(await h.admin('/v1/journeys/checked/validate', { method: 'POST', json: candidate }), 200);
      expect(bad.valid).toBe(false);
      expect(bad.findings).toEqual(expect.arrayContaining([expect.objectContaining({ code: 'unknown_journey', nodeId: 'enrol' }), expect.objectContaining({ code: 'unreachable_node', nodeId: 'hello' })]));
      const shape = await json<{ valid: boolean; findings: { code: string }[] }>(await h.admin('/v1/journeys/checked/validate', { method: 'POST', json: { nodes: 3 } }), 200);
      expect(shape.valid).toBe(false);
      expect(shape.findings[0]?.code).toBe('invalid_graph');
    });
  });

  describe('publishing', () => {
    it('creates immutable versions 1, 2 and makes the journey live', async () => {
      await create({ ...nurture(), id: 'versioned' });
      const v1 = await json<{ version: number; migrated: number; note: string }>(await publish('versioned', { note: 'first cut' }), 201);
      expect(v1).toMatchObject({ version: 1, migrated: 0, note: 'first cut' });
      const draft = nurture('Versioned, edited');
      await json(await h.admin('/v1/journeys/versioned', { method: 'PUT', json: { ...draft, nodes: draft.nodes.map((n) => (n.id === 'hello' ? { ...n, params: { subject: 'Hello again', body: 'Edited' } } : n)) } }), 200);
      const v2 = await json<{ version: number }>(await publish('versioned', { note: 'second' }), 201);
      expect(v2.version).toBe(2);

      const journey = await json<{ status: string; liveVersion: number; versions: { version: number }[] }>(await h.admin('/v1/journeys/versioned'), 200);
      expect(journey).toMatchObject({ status: 'live', liveVersion: 2 });
      const list = await json<{ versions: Record<string, unknown>[] }>(await h.admin('/v1/journeys/versioned/versions'), 200);
      expect(list.versions.map((v) => v.version)).toEqual([2, 1]);
      expect(list.versions[0]).toMatchObject({ live: true, note: 'second', compilerVersion: expect.any(String) });
      expect(list.versions[0]).not.toHaveProperty('graph');
      expect(list.versions[0]).not.toHaveProperty('compiled');

      const first = await json<{ graph: JourneyGraphInput; compiled: { journeyId: string } }>(await h.admin('/v1/journeys/versioned/versions/1'), 200);
      expect(first.graph.name).toBe('Nurture: trial users');
      expect(first.graph.nodes.find((n) => n.id === 'hello')?.params).toMatchObject({ subject: 'Hello' });
      expect(first.compiled.journeyId).toBe('versioned');
      const second = await json<{ graph: JourneyGraphInput }>(await h.admin('/v1/journeys/versioned/versions/2'), 200);
      expect(second.graph.name).toBe('Versioned, edited');

      expect((await h.admin('/v1/journeys/versioned/versions/9')).status).toBe(404);
      expect((await json<ErrorBody>(await h.admin('/v1/journeys/versioned/versions/abc'), 400)).error.code).toBe('invalid_request');
    });

    it('refuses to publish an invalid draft with 422 and the node ids, storing nothing', async () => {
      const draft = nurture('Unpublishable');
      await create({ ...draft, id: 'unpublishable', nodes: draft.nodes.map((n) => (n.id === 'wait' ? { ...n, params: { duration: { amount: -1, unit: 'days' } } } : n)) });
      const refused = await json<ErrorBody>(await publish('unpublishable'), 422);
      expect(refused.error.code).toBe('journey_invalid');
      expect(refused.error.details).toEqual(expect.arrayContaining([expect.objectContaining({ code: 'invalid_params', nodeId: 'wait', path: ['duration', 'amount'] })]));
      const journey = await json<{ status: string; liveVersion: number | null; versions: unknown[] }>(await h.admin('/v1/journeys/unpublishable'), 200);
      expect(journey).toMatchObject({ status: 'draft', liveVersion: null, versions: [] });
    });

    it('requires a note and rejects bad migration input with paths', async () => {
      await create({ ...nurture(), id: 'noted' });
      const noNote = await json<ErrorBody>(await publish('noted', {}), 400);
      expect(noNote.error.details?.[0]?.path).toEqual(['note']);
      const longNote = await json<ErrorBody>(await publish('noted', { note: 'x'.repeat(501) }), 400);
      expect(longNote.error.details?.[0]?.path).toEqual(['note']);
      const badMapping = await json<ErrorBody>(await publish('noted', { note: 'n', migration: { mapping: { wait: 5 } } }), 400);
      expect(badMapping.error.details?.[0]?.path).toEqual(['migration', 'mapping', 'wait']);
      const unknownTarget = await json<ErrorBody>(await publish('noted', { note: 'n', migration: { mapping: { wait: 'ghost' } } }), 422);
      expect(unknownTarget.error.details).toEqual([{ path: ['migration', 'mapping', 'wait'], message: 'node "ghost" does not exist in the new version' }]);
      const toTrigger = await json<ErrorBody>(await publish('noted', { note: 'n', migration: { mapping: { wait: 'start' } } }), 422);
      expect(toTrigger.error.code).toBe('migration_invalid');
      expect((await json<{ versions: unknown[] }>(await h.admin('/v1/journeys/noted/versions'), 200)).versions).toEqual([]);
    });
  });

  describe('lifecycle', () => {
    it('pauses, resumes and archives, and says which transitions are allowed', async () => {
      await create({ ...nurture(), id: 'lifecycle' });
      const early = await json<ErrorBody>(await h.admin('/v1/journeys/lifecycle/pause', { method: 'POST' }), 409);
      expect(early.error).toMatchObject({ code: 'invalid_transition', message: expect.stringContaining('only a live journey can be paused') });
      await json(await publish('lifecycle'), 201);
      expect(await json(await h.admin('/v1/journeys/lifecycle/pause', { method: 'POST' }), 200)).toMatchObject({ status: 'paused' });
      expect((await h.admin('/v1/journeys/lifecycle/pause', { method: 'POST' })).status).toBe(409);
      const enrolPaused = await json<ErrorBody>(await h.admin('/v1/journeys/lifecycle/enrol', { method: 'POST', json: { customerId: 'ada' } }), 409);
      expect(enrolPaused.error).toMatchObject({ code: 'journey_not_live', message: expect.stringContaining('resume it') });
      expect(await json(await h.admin('/v1/journeys/lifecycle/resume', { method: 'POST' }), 200)).toMatchObject({ status: 'live', liveVersion: 1 });
      expect((await h.admin('/v1/journeys/lifecycle/resume', { method: 'POST' })).status).toBe(409);
      expect(await json(await h.admin('/v1/journeys/lifecycle/archive', { method: 'POST' }), 200)).toMatchObject({ status: 'archived', endedRuns: 0 });
      expect((await json<ErrorBody>(await h.admin('/v1/journeys/lifecycle/archive', { method: 'POST' }), 409)).error.code).toBe('invalid_transition');
      expect((await json<ErrorBody>(await h.admin('/v1/journeys/lifecycle/resume', { method: 'POST' }), 409)).error.code).toBe('invalid_transition');
      expect((await json<ErrorBody>(await h.admin('/v1/journeys/lifecycle', { method: 'PUT', json: nurture() }), 409)).error.code).toBe('journey_archived');
      expect((await json<ErrorBody>(await publish('lifecycle'), 409)).error.code).toBe('journey_archived');
      expect((await h.admin('/v1/journeys/lifecycle/enrol', { method: 'POST', json: { customerId: 'ada' } })).status).toBe(409);
      expect((await h.admin('/v1/journeys/nope/archive', { method: 'POST' })).status).toBe(404);
    });

    it('lists journeys with status, live version and run counts', async () => {
      const list = await json<{ journeys: Record<string, unknown>[] }>(await h.request('/v1/journeys', {}, `Bearer ${readKey}`), 200);
      const versioned = list.journeys.find((j) => j.id === 'versioned');
      expect(versioned).toEqual({ id: 'versioned', name: 'Versioned, edited', status: 'live', liveVersion: 2, activeRuns: 0, conversions: 0, updatedAt: expect.any(Number) });
      expect(list.journeys.find((j) => j.id === 'lifecycle')?.status).toBe('archived');
    });
  });

  describe('export and import', () => {
    it('round-trips a journey through export and import', async () => {
      const exported = await json<{ format: string; journey: JourneyGraphInput }>(await h.admin('/v1/journeys/versioned/export'), 200);
      expect(exported.format).toBe('rapport.journey/v1');
      expect(exported.journey.id).toBe('versioned');

      const copy = { ...exported, journey: { ...exported.journey, id: 'versioned-copy' } };
      const imported = await json<{ replaced: boolean; journey: { id: string; status: string; valid: boolean } }>(await h.admin('/v1/journeys/import', { method: 'POST', json: copy }), 201);
      expect(imported).toMatchObject({ replaced: false, journey: { id: 'versioned-copy', status: 'draft', valid: true } });
      const reExported = await json<{ journey: JourneyGraphInput }>(await h.admin('/v1/journeys/versioned-copy/export'), 200);
      expect(reExported.journey).toEqual(copy.journey);

      expect((await json<ErrorBody>(await h.admin('/v1/journeys/import', { method: 'POST', json: copy }), 409)).error.code).toBe('journey_exists');
      const renamed = { ...copy, journey: { ...copy.journey, name: 'Replaced by import' } };
      const replaced = await json<{ replaced: boolean; journey: { name: string } }>(await h.admin('/v1/journeys/import?replace=true', { method: 'POST', json: renamed }), 201);
      expect(replaced).toMatchObject({ replaced: true, journey: { name: 'Replaced by import' } });
    });

    it('imports a bare graph (id derived from the name) and rejects unknown formats', async () => {
      const bare = await json<{ journey: { id: string } }>(await h.admin('/v1/journeys/import', { method: 'POST', json: nurture('Imported bare') }), 201);
      expect(bare.journey.id).toBe('imported-bare');
      const wrongFormat = await json<ErrorBody>(await h.admin('/v1/journeys/import', { method: 'POST', json: { format: 'other/v9', journey: nurture() } }), 400);
      expect(wrongFormat.error.details?.[0]?.path).toEqual(['format']);
      const badQuery = await h.admin('/v1/journeys/import?replace=yes', { method: 'POST', json: nurture() });
      expect((await json<ErrorBody>(badQuery, 400)).error.details?.[0]?.path).toEqual(['query', 'replace']);
    });
  });

  describe('example journeys', () => {
    it('imports and publishes every example once', async () => {
      const report = await importExampleJourneys(h.services, h.workspaceId);
      expect(report.map((r) => r.journeyId).sort()).toEqual(exampleJourneys.map((j) => j.id).sort());
      expect(report.filter((r) => r.version !== 1)).toEqual([]);
      const [first] = report;
      const versions = await json<{ versions: { note: string }[] }>(await h.admin(`/v1/journeys/${first?.journeyId}/versions`), 200);
      expect(versions.versions).toEqual([expect.objectContaining({ version: 1, note: 'example journey', live: true })]);
      expect(await importExampleJourneys(h.services, h.workspaceId)).toEqual([]);
    });
  });
});
