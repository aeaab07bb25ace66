import { describe, expect, it } from 'vitest';
import type { ValueCluster } from '../domain.js';
import { contactStrategySchema } from '../contact-policy.js';
import { dialogueScriptNames, taskScript } from '../dialogue-scripts.js';
import { simulate } from '../simulator.js';
import { validateJourney } from '../validator.js';
import { complaintHandlingJourney } from './complaint-handling.js';
import { exampleContactStrategy } from './contact-strategy.js';
import { DAY, HOUR, MINUTE, T0, compileExample, effectsOf, route, runOf, stepAt, track } from './test-kit.js';

const journey = compileExample(complaintHandlingJourney);

const customer = (cluster: ValueCluster | null) => ({
  id: `cus-${cluster ?? 'new'}`,
  traits: { first_name: 'Grace', last_name: 'Hopper', email: 'grace@example.com', phone: '+49 30 1234567' },
  cluster,
});
const complaint = (at: number) =>
  track('Complaint Filed', at, { subject: 'Late delivery', order_id: 'A-1001', cause: 'a carrier strike held the parcel for four days' });

const clusterGuard = (cluster: ValueCluster, seen: ValueCluster | null, result: boolean) => ({
  nodeId: 'cluster-switch',
  guard: 'cluster_is',
  question: `value cluster is ${cluster}`,
  result,
  seen: [{ field: 'customer.cluster', value: seen }],
});

const apologyBody = (closing: string) =>
  [
    'Dear Grace,',
    '',
    'we are sorry about "Late delivery" (order A-1001). We have looked into it, and this is what happened: a carrier strike held the parcel for four days.',
    '',
    closing,
  ].join('\n');

describe('complaint from a star', () => {
  const TASK_AT = T0 + 30 * MINUTE;
  const result = simulate(journey, customer('star'), [complaint(T0)]);

  it('apologises and explains at once, then waits exactly 30 minutes', () => {
    const start = stepAt(result, T0);
    expect(start.path).toEqual(['complaint-trigger', 'cluster-switch', 'star-apology-mail', 'star-delay']);
    expect(start.guards).toEqual([clusterGuard('star', 'star', true)]);
    expect(start.effects.map((e) => [e.nodeId, e.channel])).toEqual([['star-apology-mail', 'email']]);
    expect(start.effects[0]?.payload).toEqual({
      to: 'grace@example.com',
      from: 'care@rapport.example',
      subject: 'We are sorry, Grace: about "Late delivery"',
      body: apologyBody('Our store manager will call you personally within the hour.'),
    });
    expect(start.timersSet).toEqual([
      { id: 'xstate.after.star-delay:delay.star-delay', dueAt: TASK_AT, event: { type: 'xstate.after.star-delay:delay.star-delay' } },
    ]);
  });

  it('creates the manager call task 30 minutes later, due 15 minutes after that, and alerts the VIP channel', () => {
    const step = stepAt(result, TASK_AT);
    expect(step.input).toEqual({ type: 'timer', timerId: 'xstate.after.star-delay:delay.star-delay', event: { type: 'xstate.after.star-delay:delay.star-delay' } });
    expect(step.path).toEqual(['manager-call-task', 'vip-alert', 'await-resolution']);
    expect(step.effects.map((e) => [e.index, e.nodeId, e.channel, e.cost])).toEqual([
      [0, 'manager-call-task', 'task', null],
      [1, 'vip-alert', 'chat', null],
    ]);
    expect(step.effects[0]?.payload).toEqual({
      assignee: { type: 'team', id: 'managers' },
      customerId: 'cus-star',
      title: 'Call Grace Hopper (star) about "Late delivery"',
      description: 'Phone: +49 30 1234567. Order A-1001. The apology and explanation went out by email 30 minutes ago.',
      dueAt: TASK_AT + 15 * MINUTE,
      script: [
        'Introduce yourself as the store manager and thank them for telling us.',
        'Apologise personally for what went wrong.',
        'Explain what happened and what we have changed so it does not happen again.',
        'Offer: a replacement by express delivery at our cost, and a 25 EUR voucher for the next order.',
        'Ask whether this resolves the complaint; if so, mark it resolved.',
      ],
      scriptName: 'complaint',
    });
    expect(step.effects[1]?.payload).toEqual({
      via: 'chat',
      target: '#vip-complaints',
      text: 'Star customer Grace Hopper complained: "Late delivery" (order A-1001). A manager call is due in 15 minutes.',
      customerId: 'cus-star',
    });
    expect(step.effects[0]?.idempotencyKey).not.toBe(step.effects[1]?.idempotencyKey);
    expect(step.timersSet.map((t) => t.dueAt)).toEqual([TASK_AT + 7 * DAY]);
  });

  it("the manager's task gets the example strategy's star script when made, the step's lines without a strategy", () => {
    const payload = stepAt(result, TASK_AT).effects[0]?.payload;
    const ownLines = Array.isArray(payload?.script) ? payload.script.map(String) : [];
    const strategy = contactStrategySchema.parse(exampleContactStrategy);
    const starScript = strategy.star?.scripts.find((s) => s.name === 'complaint')?.lines;
    expect(taskScript({ name: 'complaint', ownLines, strategy, cluster: 'star' })).toEqual({ lines: starScript, name: 'complaint', cluster: 'star', missing: null });
    // A star who became a cash cow by the time the task is made gets the default script.
    expect(taskScript({ name: 'complaint', ownLines, strategy, cluster: 'cash_cow' })).toMatchObject({ lines: strategy.default.scripts[0]?.lines, cluster: 'default' });
    expect(taskScript({ name: 'complaint', ownLines, strategy: null, cluster: 'star' })).toMatchObject({ lines: ownLines, cluster: null });
  });

  it('ends unresolved after the one-week resolution window', () => {
    expect(route(result)).toEqual([
      { at: T0, path: ['complaint-trigger', 'cluster-switch', 'star-apology-mail', 'star-delay'] },
      { at: TASK_AT, path: ['manager-call-task', 'vip-alert', 'await-resolution'] },
      { at: TASK_AT + 7 * DAY, path: ['unresolved-exit'] },
    ]);
    expect(runOf(result)).toMatchObject({ status: 'done', outcome: 'exited', reason: 'not resolved within a week', timers: [] });
    expect(effectsOf(result, 'give_incentive')).toEqual([]);
  });

  it('converts when the complaint is resolved after the call', () => {
    const resolved = simulate(journey, customer('star'), [complaint(T0), track('Complaint Resolved', T0 + 2 * HOUR)]);
    expect(stepAt(resolved, T0 + 2 * HOUR)).toMatchObject({
      status: 'done',
      outcome: 'converted',
      reason: 'goal event "Complaint Resolved"',
      timersCancelled: ['xstate.after.await-resolution:delay.await-resolution'],
    });
    expect(effectsOf(resolved, 'create_task')).toHaveLength(1);
  });

  it('creates no task when the complaint is resolved within the 30 minutes', () => {
    const early = simulate(journey, customer('star'), [complaint(T0), track('Complaint Resolved', T0 + 10 * MINUTE)]);
    expect(runOf(early)).toMatchObject({ outcome: 'converted', reason: 'goal event "Complaint Resolved"' });
    expect(early.effects.map((e) => e.nodeId)).toEqual(['star-apology-mail']);
  });
});

describe('complaint handling and the example contact strategy', () => {
  it('picks a script the example strategy defines for every cluster rule it has (no unknown_script warning)', () => {
    const names = dialogueScriptNames(contactStrategySchema.parse(exampleContactStrategy));
    expect(names).toEqual([{ name: 'complaint', clusters: ['default', 'star', 'question_mark'] }]);
    expect(validateJourney(complaintHandlingJourney, { scripts: names.map((n) => n.name) }).findings).toEqual([]);
    expect(validateJourney(complaintHandlingJourney, { scripts: [] }).findings.map((f) => [f.code, f.nodeId])).toEqual([['unknown_script', 'manager-call-task']]);
  });
});

describe('complaint from a question mark', () => {
  it('gives the discount only when they insist, and mails the code', () => {
    const insistAt = T0 + 2 * DAY;
    const result = simulate(journey, customer('question_mark'), [complaint(T0), track('Discount Requested', insistAt, { channel: 'email' })]);

    const start = stepAt(result, T0);
    expect(start.path).toEqual(['complaint-trigger', 'cluster-switch', 'qm-apology-mail', 'insist-wait']);
    expect(start.guards).toEqual([clusterGuard('star', 'question_mark', false), clusterGuard('question_mark', 'question_mark', true)]);
    expect(start.effects[0]?.payload.body).toBe(apologyBody('If there is anything more we can do, just reply to this email.'));
    expect(start.timersSet.map((t) => t.dueAt)).toEqual([T0 + 7 * DAY]);

    const insisted = stepAt(result, insistAt);
    expect(insisted.path).toEqual(['qm-discount', 'qm-discount-mail', 'await-resolution']);
    expect(insisted.guards).toEqual([
      { nodeId: 'insist-wait', guard: 'event_matches:wait', question: 'awaited event "Discount Requested"', result: true, seen: [] },
    ]);
    expect(insisted.timersCancelled).toEqual(['xstate.after.insist-wait:timeout.insist-wait']);
    expect(insisted.effects.map((e) => [e.nodeId, e.channel, e.cost])).toEqual([
      ['qm-discount', 'incentive', 6],
      ['qm-discount-mail', 'email', null],
    ]);
    expect(insisted.effects[0]?.payload).toEqual({
      customerId: 'cus-question_mark',
      type: 'percent_discount',
      code: 'SORRY10',
      value: 10,
      currency: 'EUR',
      expiresAt: insistAt + 30 * DAY,
    });
    expect(insisted.effects[1]?.payload.subject).toBe('Your 10 % goodwill discount, Grace');
    expect(insisted.effects[1]?.payload.body).toContain('SORRY10');
    expect(insisted.timersSet.map((t) => t.dueAt)).toEqual([insistAt + 7 * DAY]);

    expect(runOf(result)).toMatchObject({ status: 'done', outcome: 'exited', reason: 'not resolved within a week' });
    expect(result.effects.reduce((sum, e) => sum + (e.cost ?? 0), 0)).toBe(6);
  });

  it('times out at exactly 7 days when they do not insist: no discount', () => {
    const result = simulate(journey, customer('question_mark'), [complaint(T0), track('Discount Requested', T0 + 7 * DAY + MINUTE)]);
    expect(route(result)).toEqual([
      { at: T0, path: ['complaint-trigger', 'cluster-switch', 'qm-apology-mail', 'insist-wait'] },
      { at: T0 + 7 * DAY, path: ['no-insist-exit'] },
    ]);
    expect(stepAt(result, T0 + 7 * DAY).input).toMatchObject({ type: 'timer', timerId: 'xstate.after.insist-wait:timeout.insist-wait' });
    expect(runOf(result)).toMatchObject({ status: 'done', outcome: 'exited', reason: 'no discount requested within 7 days' });
    expect(effectsOf(result, 'give_incentive')).toEqual([]);
    expect(result.effects.map((e) => e.nodeId)).toEqual(['qm-apology-mail']);
  });

  it('converts if the complaint is resolved while we wait', () => {
    const result = simulate(journey, customer('question_mark'), [complaint(T0), track('Complaint Resolved', T0 + DAY)]);
    expect(runOf(result)).toMatchObject({ status: 'done', outcome: 'converted', reason: 'goal event "Complaint Resolved"' });
  });

  it('leaves on "Complaint Withdrawn" (exit criterion)', () => {
    const result = simulate(journey, customer('question_mark'), [complaint(T0), track('Complaint Withdrawn', T0 + HOUR)]);
    expect(runOf(result)).toMatchObject({ status: 'done', outcome: 'exited', reason: 'exit event "Complaint Withdrawn"', timers: [] });
    expect(stepAt(result, T0 + HOUR).stateAfter).toBe('@exit-0');
  });
});

describe('complaint from other clusters', () => {
  it.each(['cash_cow', 'dog', null] as const)('cluster %s: apology and explanation, then exit, in one step', (cluster) => {
    const result = simulate(journey, customer(cluster), [complaint(T0)]);
    expect(result.steps).toHaveLength(1);
    const step = stepAt(result, T0);
    expect(step.path).toEqual(['complaint-trigger', 'cluster-switch', 'default-apology-mail', 'default-exit']);
    expect(step.guards).toEqual([clusterGuard('star', cluster, false), clusterGuard('question_mark', cluster, false)]);
    expect(step.effects.map((e) => e.payload.subject)).toEqual(['We are sorry: about "Late delivery"']);
    expect(step.effects[0]?.payload.body).toBe(
      'Hi Grace,\n\nwe are sorry about "Late delivery". This is what happened: a carrier strike held the parcel for four days.',
    );
    expect(step).toMatchObject({ status: 'done', outcome: 'exited', reason: 'apology sent', timersSet: [] });
  });

  it('explains with a fallback when the cause is not known yet', () => {
    const result = simulate(journey, customer('dog'), [track('Complaint Filed', T0, { subject: 'Broken zip' })]);
    expect(result.effects[0]?.payload.body).toBe('Hi Grace,\n\nwe are sorry about "Broken zip". This is what happened: our team is still investigating.');
  });
});

describe('complaint entry policy (every time, 1-day cooldown)', () => {
  it('turns away a duplicate complaint within the day, and takes the next one at exactly one day', () => {
    const result = simulate(journey, customer('dog'), [complaint(T0), complaint(T0 + 2 * HOUR), complaint(T0 + DAY)]);
    expect(result.rejectedEntries).toEqual([
      { at: T0 + 2 * HOUR, triggerNodeId: 'complaint-trigger', reason: 'entry policy "every time": still within the cooldown of the last entry' },
    ]);
    expect(result.runs.map((r) => [r.runId, r.snapshot.context.enteredAt, r.reason])).toEqual([
      ['sim-1', T0, 'apology sent'],
      ['sim-2', T0 + DAY, 'apology sent'],
    ]);
    expect(effectsOf(result, 'send_email')).toHaveLength(2);
  });

  it('respects runs from before the simulation (priorRuns)', () => {
    const result = simulate(journey, customer('dog'), [complaint(T0)], { priorRuns: [{ enteredAt: T0 - HOUR, status: 'done' }] });
    expect(result.runs).toEqual([]);
    expect(result.rejectedEntries).toHaveLength(1);
  });
});
