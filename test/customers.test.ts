import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JourneyGraphInput } from '../workflows/index.js';
import { json, startHarness, writeKey, type Harness } from './support/harness.js';

/** Moving into "retain & develop" starts a run that tags the customer and ends. */
const retention: JourneyGraphInput = {
  id: 'retention',
  name: 'Retention welcome',
  nodes: [
    { id: 'entered-stage', kind: 'trigger_stage_changed', params: { to: 'retain_develop' } },
    { id: 'tag', kind: 'add_tag', params: { tag: 'retained' } },
    { id: 'done', kind: 'exit', params: {} },
  ],
  edges: [
    { id: 'e1', source: 'entered-stage', outcome: 'next', target: 'tag' },
    { id: 'e2', source: 'tag', outcome: 'next', target: 'done' },
  ],
};

interface CustomerDetail {
  id: string;
  traits: Record<string, unknown>;
  stage: string | null;
  cluster: string | null;
  timezone: string | null;
  consent: Record<string, boolean>;
  tags: string[];
  runs: { journeyId: string; status: string }[];
  events: { type: string; name: string | null; processedAt: number | null }[];
  stageHistory: { fromStage: string | null; toStage: string; cause: string }[];
}
interface ErrorBody {
  error: { code: string; message: string; details?: { path?: (string | number)[]; message: string }[] };
}

describe('customers API', () => {
  let h: Harness;
  const drain = () => h.drain();

  beforeAll(async () => {
    h = await startHarness();
    await json(await h.admin('/v1/journeys', { method: 'POST', json: retention }), 201);
    await json(await h.admin('/v1/journeys/retention/publish', { method: 'POST', json: { note: 'v1' } }), 201);
  }, 60_000);
  afterAll(async () => h.close());

  it('answers 404 for a customer it has never seen', async () => {
    expect((await json<ErrorBody>(await h.admin('/v1/customers/nobody'), 404)).error).toMatchObject({ code: 'not_found', message: 'customer "nobody" was not found' });
  });

  it('shows traits, stage, runs, recent events and stage history', async () => {
    const identified = await h.ingest('/v1/identify', { userId: 'ada', traits: { first_name: 'Ada', email: 'ada@example.com' } });
    expect(identified.status).toBe(200);
    await drain();
    const fresh = await json<CustomerDetail>(await h.admin('/v1/customers/ada'), 200);
    expect(fresh).toMatchObject({ id: 'ada', traits: { first_name: 'Ada', email: 'ada@example.com' }, stage: null, tags: [], runs: [], stageHistory: [] });
    expect(fresh.events.map((e) => e.type)).toEqual(['identify']);

    const accepted = await json<{ accepted: boolean }>(await h.admin('/v1/customers/ada/stage', { method: 'POST', json: { stage: 'retain_develop', cause: 'account manager' } }), 202);
    expect(accepted.accepted).toBe(true);
    await drain();

    const moved = await json<CustomerDetail>(await h.admin('/v1/customers/ada'), 200);
    expect(moved).toMatchObject({ stage: 'retain_develop', tags: ['retained'] });
    expect(moved.runs).toEqual([expect.objectContaining({ journeyId: 'retention', status: 'done' })]);
    expect(moved.events.map((e) => e.type)).toEqual(['stage', 'identify']);
    expect(moved.events.every((e) => e.processedAt !== null)).toBe(true);
    expect(moved.stageHistory).toEqual([expect.objectContaining({ fromStage: null, toStage: 'retain_develop' })]);
  });

  it('creates the customer on a stage request like ingest does', async () => {
    await json(await h.admin('/v1/customers/bo/stage', { method: 'POST', json: { stage: 'win_back' } }), 202);
    await drain();
    expect(await json<CustomerDetail>(await h.admin('/v1/customers/bo'), 200)).toMatchObject({ id: 'bo', stage: 'win_back', runs: [] });
  });

  it('rejects unknown stages, wrong types and malformed JSON with 400', async () => {
    const unknown = await json<ErrorBody>(await h.admin('/v1/customers/ada/stage', { method: 'POST', json: { stage: 'golden' } }), 400);
    expect(unknown.error.details?.[0]).toMatchObject({ path: ['stage'], message: expect.stringContaining('retain_develop') });
    const wrongType = await json<ErrorBody>(await h.admin('/v1/customers/ada/stage', { method: 'POST', json: { stage: 3 } }), 400);
    expect(wrongType.error.details?.[0]?.path).toEqual(['stage']);
    const badCause = await json<ErrorBody>(await h.admin('/v1/customers/ada/stage', { method: 'POST', json: { stage: 'win_back', cause: '' } }), 400);
    expect(badCause.error.details?.[0]?.path).toEqual(['cause']);
    const malformed = await h.admin('/v1/customers/ada/stage', { method: 'POST', body: 'stage=win_back', headers: { 'content-type': 'application/json' } });
    expect((await json<ErrorBody>(malformed, 400)).error.message).toContain('not valid JSON');
  });

  it('needs a read key to look and an admin key to change the stage', async () => {
    expect((await h.request('/v1/customers/ada')).status).toBe(401);
    expect((await h.request('/v1/customers/ada/stage', { method: 'POST', json: { stage: 'win_back' } }, `Bearer ${writeKey}`)).status).toBe(403);
  });
});
