/**
 * Dialogue scripts picked by name in a `create_task` step: resolved when the task is made, for the
 * customer's value cluster, from the contact strategy in force at that moment — through the API.
 */
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { customers } from '../drizzle/schema.js';
import { importExampleContactStrategy } from '../server/runtime/contact-strategy.js';
import { dispatchBatch } from '../server/runtime/dispatcher.js';
import { importExampleJourneys } from '../server/runtime/journeys.js';
import type { ContactStrategyInput } from '../workflows/contact-policy.js';
import type { JourneyGraphInput, ValueCluster } from '../workflows/index.js';
import { json, startHarness, type Harness } from './support/harness.js';

const channels = { email: { costPerContact: 0.01 } };
const starLines = ['Introduce yourself as the store manager', 'Apologise personally', 'Offer a 25 EUR voucher'];
const questionMarkLines = ['Apologise', 'Explain what happened', 'A 10 % discount only if they insist'];
const defaultLines = ['Apologise', 'Explain what happened'];
const stepLines = ['Call and apologise'];

const strategy = (star: string[]): ContactStrategyInput => ({
  default: { channels, scripts: [{ name: 'complaint', lines: defaultLines }] },
  star: { channels, scripts: [{ name: 'complaint', lines: star }] },
  question_mark: { channels, scripts: [{ name: 'complaint', lines: questionMarkLines }] },
});

/** A complaint → a call task with the strategy's "complaint" script, and a note task asking for a script nobody wrote. */
const complaintCalls: JourneyGraphInput = {
  id: 'complaint-calls',
  name: 'Complaint calls',
  nodes: [
    { id: 'complaint', kind: 'trigger_event', params: { event: 'Complaint Filed' } },
    { id: 'call', kind: 'create_task', params: { assignee: { type: 'team', id: 'managers' }, title: 'Call {{ customer.id }}', due: { amount: 15, unit: 'minutes' }, script: stepLines, scriptName: 'complaint' } },
    { id: 'note', kind: 'create_task', params: { assignee: { type: 'team', id: 'records' }, title: 'File the complaint of {{ customer.id }}', due: { amount: 1, unit: 'days' }, scriptName: 'filing' } },
    { id: 'done', kind: 'exit', params: {} },
  ],
  edges: [
    { id: 'e1', source: 'complaint', outcome: 'next', target: 'call' },
    { id: 'e2', source: 'call', outcome: 'next', target: 'note' },
    { id: 'e3', source: 'note', outcome: 'next', target: 'done' },
  ],
  settings: { goal: { event: 'Complaint Resolved' } },
};

interface TaskView {
  id: string;
  customerId: string;
  runId: string;
  assigneeId: string;
  script: string[];
  scriptName: string | null;
  scriptCluster: string | null;
}

describe('dialogue scripts in tasks, picked by name from the contact strategy', () => {
  let h: Harness;
  const putStrategy = async (star: string[]) =>
    json<{ version: number }>(await h.admin('/v1/settings/contact-strategy', { method: 'PUT', json: { strategy: strategy(star) } }), 200);
  const complain = async (customerId: string, cluster: ValueCluster | null) => {
    await json(await h.ingest('/v1/track', { userId: customerId, event: 'Complaint Filed', messageId: `complaint-${customerId}` }), 200);
    if (cluster) await h.services.db.update(customers).set({ cluster }).where(and(eq(customers.workspaceId, h.workspaceId), eq(customers.id, customerId)));
  };
  const tasksOf = async (assigneeId: string) => (await json<{ tasks: TaskView[] }>(await h.admin(`/v1/tasks?assigneeId=${assigneeId}`), 200)).tasks;
  const taskFor = async (assigneeId: string, customerId: string) => (await tasksOf(assigneeId)).find((t) => t.customerId === customerId);

  beforeAll(async () => {
    h = await startHarness({ RAPPORT_POLL_MS: 60_000 });
  }, 60_000);
  afterAll(async () => h.close());

  it('lists the script names a step can pick, and warns about a name no cluster defines (publishing still works)', async () => {
    expect(await json(await h.admin('/v1/settings/contact-strategy/scripts'), 200)).toEqual({ version: null, scripts: [] });
    await putStrategy(starLines);
    expect(await json(await h.admin('/v1/settings/contact-strategy/scripts'), 200)).toEqual({
      version: 1,
      scripts: [{ name: 'complaint', clusters: ['default', 'star', 'question_mark'] }],
    });
    await json(await h.admin('/v1/journeys', { method: 'POST', json: complaintCalls }), 201);
    const validation = await json<{ findings: { code: string; severity: string; nodeId?: string; path?: unknown[]; message: string }[] }>(
      await h.admin(`/v1/journeys/${complaintCalls.id}/validate`, { method: 'POST' }),
      200,
    );
    expect(validation.findings.filter((f) => f.code === 'unknown_script')).toEqual([
      {
        code: 'unknown_script',
        severity: 'warning',
        nodeId: 'note',
        path: ['scriptName'],
        message: `no cluster of the contact strategy (nor its default) has a dialogue script "filing" (its scripts are "complaint"), so its tasks get only the step's own lines; add the script under Contact strategy or pick another`,
      },
    ]);
    await json(await h.admin(`/v1/journeys/${complaintCalls.id}/publish`, { method: 'POST', json: { note: 'v1' } }), 201);
  });

  it("gives each customer's task the script of their cluster, the default's for others, and says which script was missing", async () => {
    await complain('c_star', 'star');
    await complain('c_qm', 'question_mark');
    await complain('c_dog', 'dog');
    await complain('c_new', null);
    await h.drain();
    await dispatchBatch(h.services);

    expect(await taskFor('managers', 'c_star')).toMatchObject({ script: starLines, scriptName: 'complaint', scriptCluster: 'star' });
    expect(await taskFor('managers', 'c_qm')).toMatchObject({ script: questionMarkLines, scriptName: 'complaint', scriptCluster: 'question_mark' });
    expect(await taskFor('managers', 'c_dog')).toMatchObject({ script: defaultLines, scriptName: 'complaint', scriptCluster: 'default' });
    expect(await taskFor('managers', 'c_new')).toMatchObject({ script: defaultLines, scriptName: 'complaint', scriptCluster: 'default' });

    // Nothing resolves for "filing": the task is still made, without lines, and the run's effect says why.
    const note = await taskFor('records', 'c_star');
    expect(note).toMatchObject({ script: [], scriptName: 'filing', scriptCluster: null });
    const run = await json<{ effects: { nodeId: string; status: string; result: Record<string, unknown> | null }[] }>(await h.admin(`/v1/runs/${note?.runId}`), 200);
    expect(run.effects.map((e) => [e.nodeId, e.status, e.result])).toEqual([
      ['call', 'sent', { taskId: expect.any(String), duplicate: false, script: { name: 'complaint', cluster: 'star', strategyVersion: 1 } }],
      ['note', 'sent', { taskId: note?.id, duplicate: false, scriptMissing: 'neither the rules for cluster star nor the default rules have a script "filing"; the task has no script', strategyVersion: 1 }],
    ]);
  });

  it('uses the strategy and the cluster in force when the task is made, not when the step ran', async () => {
    await complain('c_moved', 'question_mark');
    await complain('c_late', 'star');
    await h.drain();
    // Between the step and the dispatch: a new strategy version, and c_moved becomes a star.
    const revised = ['Introduce yourself as the store manager', 'Apologise personally', 'Offer express replacement and a 25 EUR voucher'];
    expect((await putStrategy(revised)).version).toBe(2);
    await h.services.db.update(customers).set({ cluster: 'star' }).where(and(eq(customers.workspaceId, h.workspaceId), eq(customers.id, 'c_moved')));
    await dispatchBatch(h.services);

    expect(await taskFor('managers', 'c_late')).toMatchObject({ script: revised, scriptCluster: 'star' });
    expect(await taskFor('managers', 'c_moved')).toMatchObject({ script: revised, scriptCluster: 'star' });
    // Tasks made before keep the script they were given.
    expect(await taskFor('managers', 'c_star')).toMatchObject({ script: starLines });
  });

  it("falls back to the step's own lines when the strategy no longer has the script", async () => {
    await json(await h.admin('/v1/settings/contact-strategy', { method: 'PUT', json: { strategy: { default: { channels } } } }), 200);
    await complain('c_after', 'star');
    await h.drain();
    await dispatchBatch(h.services);
    expect(await taskFor('managers', 'c_after')).toMatchObject({ script: stepLines, scriptName: 'complaint', scriptCluster: null });
  });
});

describe('the examples at first start: the complaint example picks the example strategy\'s scripts', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ RAPPORT_POLL_MS: 60_000 });
  }, 60_000);
  afterAll(async () => h.close());

  it("a star's complaint gives the managers a call task with the star script, 30 minutes later", async () => {
    expect((await importExampleContactStrategy(h.services, h.workspaceId))?.version).toBe(1);
    expect(await importExampleContactStrategy(h.services, h.workspaceId)).toBeNull();
    const imported = await importExampleJourneys(h.services, h.workspaceId);
    expect(imported.find((r) => r.journeyId === 'complaint-by-cluster')).toMatchObject({ version: 1, errors: [] });
    const detail = await json<{ findings: { code: string }[] }>(await h.admin('/v1/journeys/complaint-by-cluster'), 200);
    expect(detail.findings).toEqual([]);

    await json(await h.ingest('/v1/identify', { userId: 'grace', traits: { first_name: 'Grace', last_name: 'Hopper', email: 'grace@example.com' } }), 200);
    await h.drain();
    await h.services.db.update(customers).set({ cluster: 'star' }).where(and(eq(customers.workspaceId, h.workspaceId), eq(customers.id, 'grace')));
    await json(await h.ingest('/v1/track', { userId: 'grace', event: 'Complaint Filed', properties: { subject: 'Late delivery', order_id: 'A-1' } }), 200);
    await h.drain();
    h.clock.advance(30 * 60_000);
    await h.drain();
    await dispatchBatch(h.services);
    const { tasks } = await json<{ tasks: TaskView[] }>(await h.admin('/v1/tasks?assigneeId=managers'), 200);
    expect(tasks).toEqual([
      expect.objectContaining({
        customerId: 'grace',
        scriptName: 'complaint',
        scriptCluster: 'star',
        script: expect.arrayContaining(['Offer: a replacement by express delivery at our cost, and a 25 EUR voucher for the next order.']),
      }),
    ]);
  });
});
