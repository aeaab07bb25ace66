import { describe, expect, it } from 'vitest';
import { simulate } from '../simulator.js';
import { satisfactionSurveyJourney } from './satisfaction-survey.js';
import { DAY, HOUR, T0, compileExample, effectsOf, route, runOf, stepAt, track } from './test-kit.js';

const journey = compileExample(satisfactionSurveyJourney);

const rosa = { id: 'cus-rosa', traits: { first_name: 'Rosa', last_name: 'Lind', email: 'rosa@example.com', phone: '+46 8 123 456' } };
const delivered = (at: number) => track('Order Delivered', at, { order_id: 'C-3003', carrier: 'DHL' });
const answered = (at: number, score: number, comment = '') => track('Survey Answered', at, { score, comment });

const MAIL_AT = T0 + 2 * DAY;
const ANSWER_AT = MAIL_AT + DAY + 3 * HOUR;
const START = { at: T0, path: ['delivered-trigger', 'survey-delay'] };
const MAILED = { at: MAIL_AT, path: ['nps-mail', 'answer-wait'] };

const scoreGuard = (nodeId: 'promoter-check' | 'detractor-check', score: number, result: boolean) => ({
  nodeId,
  guard: 'rule',
  question: 'rule holds',
  result,
  seen: [{ field: 'event.properties.score', value: score }],
});

describe('survey: the NPS email', () => {
  it('goes out exactly 2 days after delivery with a link for this run and order, and waits 7 days for an answer', () => {
    const result = simulate(journey, rosa, [delivered(T0)], { until: MAIL_AT });
    expect(route(result)).toEqual([START, MAILED]);
    expect(stepAt(result, T0).timersSet.map((t) => t.dueAt)).toEqual([MAIL_AT]);
    const mail = stepAt(result, MAIL_AT);
    expect(mail.effects.map((e) => [e.nodeId, e.channel, e.idempotencyKey])).toEqual([['nps-mail', 'email', 'sim-1:2:0']]);
    expect(mail.effects[0]?.payload).toEqual({
      to: 'rosa@example.com',
      from: 'feedback@rapport.example',
      subject: 'Rosa, how did we do?',
      body: 'How likely are you to recommend us to a friend? One click is all it takes:\nhttps://survey.example.com/nps?run=sim-1&order=C-3003',
    });
    expect(mail.timersSet.map((t) => t.dueAt)).toEqual([MAIL_AT + 7 * DAY]);
  });
});

describe('survey: promoter', () => {
  const referralAt = ANSWER_AT + 2 * DAY;
  const result = simulate(journey, rosa, [delivered(T0), answered(ANSWER_AT, 10, 'Fast and friendly'), track('Referral Sent', referralAt, { invitee: 'sam@example.com' })]);

  it('records the promoter conversion, asks for a referral and converts when one is sent', () => {
    expect(route(result)).toEqual([
      START,
      MAILED,
      { at: ANSWER_AT, path: ['promoter-check', 'promoter-conversion', 'referral-mail', 'referral-wait'] },
      { at: referralAt, path: ['referral-goal'] },
    ]);
    const answer = stepAt(result, ANSWER_AT);
    expect(answer.guards).toEqual([
      { nodeId: 'answer-wait', guard: 'event_matches:wait', question: 'awaited event "Survey Answered"', result: true, seen: [] },
      scoreGuard('promoter-check', 10, true),
    ]);
    expect(answer.effects.map((e) => [e.index, e.nodeId, e.channel])).toEqual([
      [0, 'promoter-conversion', 'conversion'],
      [1, 'referral-mail', 'email'],
    ]);
    expect(answer.effects[0]?.payload).toEqual({ name: 'nps_promoter', value: null, customerId: 'cus-rosa' });
    expect(answer.effects[1]?.payload.subject).toBe('Thank you, Rosa! Share the love?');
    expect(answer.effects[1]?.payload.body).toBe(
      'You gave us a 10 out of 10. Invite a friend with your link and you both get 10 EUR: https://shop.example.com/refer/cus-rosa',
    );
    expect(answer.timersCancelled).toEqual(['xstate.after.answer-wait:timeout.answer-wait']);
    expect(answer.timersSet.map((t) => t.dueAt)).toEqual([ANSWER_AT + 14 * DAY]);
    expect(runOf(result)).toMatchObject({ status: 'done', outcome: 'converted', reason: 'referral sent', timers: [] });
  });

  it('lets a promoter go after 14 days without a referral', () => {
    const quiet = simulate(journey, rosa, [delivered(T0), answered(ANSWER_AT, 9)]);
    expect(route(quiet).at(-1)).toEqual({ at: ANSWER_AT + 14 * DAY, path: ['no-referral-exit'] });
    expect(runOf(quiet)).toMatchObject({ outcome: 'exited', reason: 'promoter, no referral within 14 days' });
  });
});

describe('survey: detractor', () => {
  it('creates a call-back task for customer service, due a day later, and tags the customer', () => {
    const result = simulate(journey, rosa, [delivered(T0), answered(ANSWER_AT, 3, 'The box was crushed')]);
    expect(route(result)).toEqual([START, MAILED, { at: ANSWER_AT, path: ['promoter-check', 'detractor-check', 'detractor-task', 'detractor-tag', 'detractor-exit'] }]);
    const answer = stepAt(result, ANSWER_AT);
    expect(answer.guards.slice(1)).toEqual([scoreGuard('promoter-check', 3, false), scoreGuard('detractor-check', 3, true)]);
    expect(answer.effects.map((e) => [e.nodeId, e.channel])).toEqual([['detractor-task', 'task']]);
    expect(answer.effects[0]?.payload).toEqual({
      assignee: { type: 'team', id: 'customer-service' },
      customerId: 'cus-rosa',
      title: 'Call back Rosa Lind: NPS 3',
      description: 'Comment: "The box was crushed". Order C-3003. Phone: +46 8 123 456.',
      dueAt: ANSWER_AT + DAY,
      script: [
        'Thank them for their honest answer.',
        'Ask what went wrong with the order and listen; do not defend.',
        'Apologise and explain what we will do about it.',
        'Offer a fix (replacement, refund or a goodwill voucher) within your authority.',
        'Write down the cause so the product team sees it.',
      ],
    });
    expect(answer.customerUpdates).toEqual([{ nodeId: 'detractor-tag', update: { addTags: ['nps_detractor'] } }]);
    expect(answer).toMatchObject({ status: 'done', outcome: 'exited', reason: 'detractor; call-back task created' });
    expect(result.customer.tags).toEqual(['nps_detractor']);
  });
});

describe('survey: scores at the boundaries', () => {
  it.each([
    [0, 'detractor-exit'],
    [6, 'detractor-exit'],
    [7, 'passive-exit'],
    [8, 'passive-exit'],
    [9, 'referral-wait'],
    [10, 'referral-wait'],
  ])('score %i ends its answer step at %s', (score, last) => {
    const result = simulate(journey, rosa, [delivered(T0), answered(ANSWER_AT, score)], { until: ANSWER_AT });
    expect(stepAt(result, ANSWER_AT).path.at(-1)).toBe(last);
  });

  it('a passive (8) just leaves: both checks seen, no effects', () => {
    const result = simulate(journey, rosa, [delivered(T0), answered(ANSWER_AT, 8)]);
    const answer = stepAt(result, ANSWER_AT);
    expect(answer.path).toEqual(['promoter-check', 'detractor-check', 'passive-exit']);
    expect(answer.guards.slice(1)).toEqual([scoreGuard('promoter-check', 8, false), scoreGuard('detractor-check', 8, false)]);
    expect(answer.effects).toEqual([]);
    expect(runOf(result)).toMatchObject({ status: 'done', outcome: 'exited', reason: 'passive (score 7–8)' });
    expect(result.customer.tags).toEqual([]);
  });

  it('reads a score sent as a numeric string ("9") as a number', () => {
    const result = simulate(journey, rosa, [delivered(T0), track('Survey Answered', ANSWER_AT, { score: '9' })], { until: ANSWER_AT });
    expect(stepAt(result, ANSWER_AT).path.at(-1)).toBe('referral-wait');
  });
});

describe('survey: no answer, and the entry policy', () => {
  it('leaves at exactly 7 days after the email when there is no answer', () => {
    const result = simulate(journey, rosa, [delivered(T0), answered(MAIL_AT + 7 * DAY + 1, 10)]);
    expect(route(result)).toEqual([START, MAILED, { at: MAIL_AT + 7 * DAY, path: ['no-answer-exit'] }]);
    expect(runOf(result)).toMatchObject({ status: 'done', outcome: 'exited', reason: 'no answer within 7 days' });
    expect(effectsOf(result, 'record_conversion')).toEqual([]);
  });

  it('an answer before the survey was sent does not count', () => {
    const result = simulate(journey, rosa, [delivered(T0), answered(T0 + DAY, 10)], { until: MAIL_AT });
    expect(runOf(result)).toMatchObject({ status: 'active', snapshot: { value: 'answer-wait' } });
  });

  it('surveys at most once per 90 days', () => {
    const result = simulate(journey, rosa, [delivered(T0), delivered(T0 + 45 * DAY), delivered(T0 + 90 * DAY)], { until: T0 + 90 * DAY });
    expect(result.rejectedEntries).toEqual([
      { at: T0 + 45 * DAY, triggerNodeId: 'delivered-trigger', reason: 'entry policy "every time": still within the cooldown of the last entry' },
    ]);
    expect(result.runs.map((r) => [r.runId, r.snapshot.context.enteredAt])).toEqual([
      ['sim-1', T0],
      ['sim-2', T0 + 90 * DAY],
    ]);
  });

  it('stops on "Unsubscribed" before the email', () => {
    const result = simulate(journey, rosa, [delivered(T0), track('Unsubscribed', T0 + DAY)]);
    expect(runOf(result)).toMatchObject({ status: 'done', outcome: 'exited', reason: 'exit event "Unsubscribed"' });
    expect(result.effects).toEqual([]);
  });
});
