import { describe, expect, it } from 'vitest';
import { simulate } from '../simulator.js';
import { DAY, MINUTE, T0, compileExample, effectsOf, progress, route, runOf, stepAt, track } from './test-kit.js';
import { welcomeJourney } from './welcome.js';

const journey = compileExample(welcomeJourney);
const lead = { id: 'cus-ada', traits: { first_name: 'Ada', email: 'ada@example.com' } };
const downloaded = (at: number, title = 'The CRM Playbook') => track('E-book Downloaded', at, { title });
const viewed = (at: number, productId = 'sku-42') => track('Product Viewed', at, { product_id: productId, category: 'books' });

const MAIL_AT = T0 + 10 * MINUTE;
const TRIAL_AT = MAIL_AT + 3 * DAY;
const END_AT = TRIAL_AT + 4 * DAY;

describe('welcome: e-book download', () => {
  it('places a new lead in identify & attract, mails about the title 10 minutes later, invites to a trial after 3 days, and lets go after a week', () => {
    const result = simulate(journey, lead, [downloaded(T0)]);

    expect(route(result)).toEqual([
      { at: T0, path: ['ebook-trigger', 'ebook-new-lead', 'ebook-set-stage', 'ebook-delay'] },
      { at: MAIL_AT, path: ['ebook-mail', 'ebook-nurture-delay'] },
      { at: TRIAL_AT, path: ['ebook-trial-mail', 'ebook-signup-window'] },
      { at: END_AT, path: ['ebook-exit'] },
    ]);

    const start = stepAt(result, T0);
    expect(start.guards).toEqual([
      { nodeId: 'ebook-new-lead', guard: 'rule', question: 'rule holds', result: true, seen: [{ field: 'customer.stage', value: null }] },
    ]);
    expect(start.customerUpdates).toEqual([{ nodeId: 'ebook-set-stage', update: { stage: 'identify_attract' } }]);
    expect(start.effects).toEqual([]);
    expect(start.timersSet.map((t) => t.dueAt)).toEqual([MAIL_AT]);
    expect(stepAt(result, MAIL_AT).timersSet.map((t) => t.dueAt)).toEqual([TRIAL_AT]);
    expect(stepAt(result, TRIAL_AT).timersSet.map((t) => t.dueAt)).toEqual([END_AT]);

    const mails = effectsOf(result, 'send_email');
    expect(mails.map((m) => [m.at, m.nodeId, m.channel])).toEqual([
      [MAIL_AT, 'ebook-mail', 'email'],
      [TRIAL_AT, 'ebook-trial-mail', 'email'],
    ]);
    expect(mails[0]?.payload).toEqual({
      to: 'ada@example.com',
      from: 'hello@rapport.example',
      subject: 'More on "The CRM Playbook"',
      body:
        'Hi Ada,\n\nthanks for downloading "The CRM Playbook". Here are the three chapters readers find most useful, a checklist to go with them and a recorded walkthrough.\n\nThe Rapport team',
    });
    expect(mails[1]?.payload.subject).toBe('Ada, put "The CRM Playbook" into practice');
    expect(mails.every((m) => m.error === null)).toBe(true);

    expect(runOf(result)).toMatchObject({ status: 'done', outcome: 'exited', reason: 'no sign-up within a week of the download', timers: [] });
    expect(result.customer.stage).toBe('identify_attract');
    expect(result.customer.tags).toEqual([]);
  });

  it('treats a prospect in "selection" as a new lead, but leaves an existing customer\'s stage alone', () => {
    const prospect = simulate(journey, { ...lead, stage: 'selection' }, [downloaded(T0)]);
    expect(stepAt(prospect, T0).guards[0]?.seen).toEqual([{ field: 'customer.stage', value: 'selection' }]);
    expect(prospect.customer.stage).toBe('identify_attract');

    const customer = simulate(journey, { ...lead, stage: 'retain_develop' }, [downloaded(T0)]);
    const start = stepAt(customer, T0);
    expect(start.path).toEqual(['ebook-trigger', 'ebook-new-lead', 'ebook-delay']);
    expect(start.guards).toEqual([
      {
        nodeId: 'ebook-new-lead',
        guard: 'rule',
        question: 'rule holds',
        result: false,
        seen: [{ field: 'customer.stage', value: 'retain_develop' }],
      },
    ]);
    expect(start.customerUpdates).toEqual([]);
    expect(customer.customer.stage).toBe('retain_develop');
    expect(effectsOf(customer, 'send_email')).toHaveLength(2);
  });

  it('greets a lead without a first name as "there"', () => {
    const result = simulate(journey, { id: 'cus-anon', traits: { email: 'anon@example.com' } }, [downloaded(T0)], { until: MAIL_AT });
    expect(effectsOf(result, 'send_email')[0]?.payload.body).toMatch(/^Hi there,\n/);
    expect(runOf(result).status).toBe('active');
  });

  it('converts on "Signed Up" (the journey goal) and cancels the pending follow-up', () => {
    const signedUpAt = MAIL_AT + 2 * DAY;
    const result = simulate(journey, lead, [downloaded(T0), track('Signed Up', signedUpAt, { plan: 'trial' })]);
    expect(route(result)).toEqual([
      { at: T0, path: ['ebook-trigger', 'ebook-new-lead', 'ebook-set-stage', 'ebook-delay'] },
      { at: MAIL_AT, path: ['ebook-mail', 'ebook-nurture-delay'] },
      { at: signedUpAt, path: [] },
    ]);
    const end = stepAt(result, signedUpAt);
    expect(end).toMatchObject({ stateAfter: '@goal', status: 'done', outcome: 'converted', reason: 'goal event "Signed Up"' });
    expect(end.guards).toEqual([{ nodeId: null, guard: 'event_matches:goal', question: 'goal event "Signed Up"', result: true, seen: [] }]);
    expect(end.timersCancelled).toEqual(['xstate.after.ebook-nurture-delay:delay.ebook-nurture-delay']);
    expect(effectsOf(result, 'send_email').map((m) => m.nodeId)).toEqual(['ebook-mail']);
  });

  it('stops at once on "Unsubscribed" (exit criterion), before the first mail', () => {
    const result = simulate(journey, lead, [downloaded(T0), track('Unsubscribed', T0 + 5 * MINUTE)]);
    expect(runOf(result)).toMatchObject({ status: 'done', outcome: 'exited', reason: 'exit event "Unsubscribed"', timers: [] });
    expect(result.effects).toEqual([]);
  });
});

describe('welcome: product viewed', () => {
  it('adds the viewer to the retargeting audience with a JSON body, and ends', () => {
    const result = simulate(journey, lead, [viewed(T0)]);
    expect(result.steps).toHaveLength(1);
    const step = stepAt(result, T0);
    expect(step.path).toEqual(['product-trigger', 'audience-sync', 'product-exit']);
    expect(step).toMatchObject({ status: 'done', outcome: 'exited', reason: 'added to the retargeting audience', timersSet: [] });
    expect(step.effects).toHaveLength(1);
    const sync = step.effects[0];
    expect(sync).toMatchObject({ nodeId: 'audience-sync', kind: 'send_webhook', channel: 'webhook', cost: null, error: null, idempotencyKey: 'sim-1:1:0' });
    expect(sync?.payload).toEqual({
      method: 'POST',
      url: 'https://ads.example.com/v1/audiences/product-viewers/members',
      headers: { 'Content-Type': 'application/json' },
      body: '{"email": "ada@example.com", "product_id": "sku-42"}',
    });
    expect(result.customer.stage).toBeNull();
  });

  it('escapes customer data in the webhook body (the template uses the json filter)', () => {
    const result = simulate(journey, { id: 'cus-q', traits: { email: 'o"brien@example.com' } }, [viewed(T0, 'sku-"7"')]);
    const body = effectsOf(result, 'send_webhook')[0]?.payload.body;
    expect(typeof body === 'string' ? JSON.parse(body) : null).toEqual({ email: 'o"brien@example.com', product_id: 'sku-"7"' });
  });
});

describe('welcome: both triggers and the entry policy', () => {
  it('runs a download and a product view a minute apart as two runs, neither turned away', () => {
    const result = simulate(journey, lead, [downloaded(T0), viewed(T0 + MINUTE)]);
    expect(result.rejectedEntries).toEqual([]);
    expect(result.runs.map((r) => [r.runId, r.snapshot.context.triggerNodeId, r.status, r.reason])).toEqual([
      ['sim-1', 'ebook-trigger', 'done', 'no sign-up within a week of the download'],
      ['sim-2', 'product-trigger', 'done', 'added to the retargeting audience'],
    ]);
    expect(route(result, 'sim-2')).toEqual([{ at: T0 + MINUTE, path: ['product-trigger', 'audience-sync', 'product-exit'] }]);
    expect(result.effects.map((e) => [e.runId, e.at, e.nodeId])).toEqual([
      ['sim-2', T0 + MINUTE, 'audience-sync'],
      ['sim-1', MAIL_AT, 'ebook-mail'],
      ['sim-1', TRIAL_AT, 'ebook-trial-mail'],
    ]);
  });

  it('answers every e-book with a mail about that title (entry every time, no cooldown)', () => {
    const second = T0 + 20 * MINUTE;
    const result = simulate(journey, lead, [downloaded(T0), downloaded(second, 'Segmentation in Practice')], { until: second + 10 * MINUTE });
    expect(result.rejectedEntries).toEqual([]);
    // The second run finds the customer already in identify & attract (set by the first run).
    expect(progress(result, 'sim-2')[0]?.path).toEqual(['ebook-trigger', 'ebook-new-lead', 'ebook-delay']);
    expect(effectsOf(result, 'send_email').map((m) => [m.runId, m.at, m.payload.subject])).toEqual([
      ['sim-1', MAIL_AT, 'More on "The CRM Playbook"'],
      ['sim-2', second + 10 * MINUTE, 'More on "Segmentation in Practice"'],
    ]);
  });

  it('ignores other events', () => {
    const result = simulate(journey, lead, [track('Page Viewed', T0), track('E-book Opened', T0, { title: 'x' })]);
    expect(result.runs).toEqual([]);
    expect(result.rejectedEntries).toEqual([]);
  });
});
