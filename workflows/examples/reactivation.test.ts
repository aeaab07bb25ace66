import { describe, expect, it } from 'vitest';
import type { SimulationEvent } from '../simulator.js';
import { simulate } from '../simulator.js';
import { reactivationJourney } from './reactivation.js';
import { DAY, HOUR, MINUTE, compileExample, effectsOf, nodeGuards, route, runOf, stepAt, track } from './test-kit.js';

const journey = compileExample(reactivationJourney);

const maya = {
  id: 'cus-maya',
  traits: { first_name: 'Maya', email: 'maya@example.com', phone: '+1 212 555 0100' },
  consent: { email: true, sms: true },
  timezone: 'America/New_York',
  stage: 'retain_develop',
};
const toKeepReactivate = (at: number, from = 'retain_develop'): SimulationEvent => ({ type: 'stage_changed', from, to: 'keep_reactivate', at });
/** Her last session was in November: nothing in the 30 days before January. */
const history = [{ name: 'Session Started', properties: {}, at: Date.UTC(2025, 10, 20, 18) }];

// New York is UTC−5 in January (EST) and UTC−4 after 8 March 2026 (EDT).
const SATURDAY = Date.UTC(2026, 0, 10, 15); // Sat 10 Jan, 10:00 in New York
const MONDAY_9_NY = Date.UTC(2026, 0, 12, 14); // Mon 12 Jan, 09:00 in New York

const START_PATH = ['keep-reactivate-trigger', 'reminder-mail', 'recent-session', 'sms-allowed', 'sms-window'];
const exitRuleGuard = (stage: string, result: boolean) => ({
  nodeId: null,
  guard: 'exit_rule:0',
  question: 'exit rule 1 holds',
  result,
  seen: [{ field: 'customer.stage', value: stage }],
});

describe('reactivation: dormant customer, triggered on a Saturday in New York', () => {
  const result = simulate(journey, maya, [toKeepReactivate(SATURDAY)], { history });

  it('sends the reminder email at once and finds no session in the last 30 days', () => {
    const start = stepAt(result, SATURDAY);
    expect(start.path).toEqual(START_PATH);
    expect(nodeGuards(start)).toEqual([
      {
        nodeId: 'recent-session',
        guard: 'event_count',
        question: '"Session Started" at least 1 times in the last 30 days',
        result: false,
        seen: [{ field: 'count(Session Started, 30d)', value: 0 }],
      },
      {
        nodeId: 'sms-allowed',
        guard: 'rule',
        question: 'rule holds',
        result: true,
        seen: [
          { field: 'customer.traits.phone', value: '+1 212 555 0100' },
          { field: 'customer.consent.sms', value: true },
        ],
      },
    ]);
    expect(start.effects.map((e) => [e.nodeId, e.channel, e.payload.subject])).toEqual([
      ['reminder-mail', 'email', 'Maya, here is what is new since your last visit'],
    ]);
  });

  it('holds the SMS until Monday 09:00 New York time', () => {
    expect(stepAt(result, SATURDAY).timersSet).toEqual([
      { id: 'xstate.after.sms-window:until.sms-window', dueAt: MONDAY_9_NY, event: { type: 'xstate.after.sms-window:until.sms-window' } },
    ]);
    const monday = stepAt(result, MONDAY_9_NY);
    expect(monday.path).toEqual(['came-back', 'reminder-sms', 'session-wait']);
    expect(nodeGuards(monday)[0]).toMatchObject({ nodeId: 'came-back', result: false, seen: [{ field: 'count(Session Started, 3d)', value: 0 }] });
    expect(monday.effects.map((e) => [e.nodeId, e.channel])).toEqual([['reminder-sms', 'sms']]);
    expect(monday.effects[0]?.payload).toEqual({
      to: '+1 212 555 0100',
      body: 'Hi Maya, we saved your wish list: https://shop.example.com/w Reply STOP to opt out.',
    });
    expect(monday.timersSet.map((t) => t.dueAt)).toEqual([MONDAY_9_NY + 7 * DAY]);
  });

  it('tags her "dormant" when no session follows within 7 days of the SMS', () => {
    expect(route(result)).toEqual([
      { at: SATURDAY, path: START_PATH },
      { at: MONDAY_9_NY, path: ['came-back', 'reminder-sms', 'session-wait'] },
      { at: MONDAY_9_NY + 7 * DAY, path: ['dormant-tag', 'dormant-exit'] },
    ]);
    const end = stepAt(result, MONDAY_9_NY + 7 * DAY);
    expect(end.customerUpdates).toEqual([{ nodeId: 'dormant-tag', update: { addTags: ['dormant'] } }]);
    expect(end).toMatchObject({ status: 'done', outcome: 'exited', reason: 'no session within 7 days; tagged dormant' });
    expect(result.customer).toMatchObject({ stage: 'keep_reactivate', tags: ['dormant'] });
  });

  it('reactivates her when she starts a session: back to retain & develop, goal reached', () => {
    const sessionAt = Date.UTC(2026, 0, 13, 17, 45);
    const back = simulate(journey, maya, [toKeepReactivate(SATURDAY), track('Session Started', sessionAt, { device: 'ios' })], { history });
    expect(route(back)).toEqual([
      { at: SATURDAY, path: START_PATH },
      { at: MONDAY_9_NY, path: ['came-back', 'reminder-sms', 'session-wait'] },
      { at: sessionAt, path: ['reactivated-stage', 'reactivated-goal'] },
    ]);
    const step = stepAt(back, sessionAt);
    expect(nodeGuards(step)).toEqual([
      { nodeId: 'session-wait', guard: 'event_matches:wait', question: 'awaited event "Session Started"', result: true, seen: [] },
    ]);
    expect(step.customerUpdates).toEqual([{ nodeId: 'reactivated-stage', update: { stage: 'retain_develop' } }]);
    expect(step).toMatchObject({
      status: 'done',
      outcome: 'converted',
      reason: 'reactivated',
      timersCancelled: ['xstate.after.session-wait:timeout.session-wait'],
    });
    expect(back.customer).toMatchObject({ stage: 'retain_develop', tags: [] });
  });

  it('skips the SMS when she comes back over the weekend, and counts her as reactivated on Monday 09:00', () => {
    const sunday = Date.UTC(2026, 0, 11, 16);
    const weekend = simulate(journey, maya, [toKeepReactivate(SATURDAY), track('Session Started', sunday)], { history });
    // The session reaches the run while it waits for the window; nothing happens until the window opens.
    expect(weekend.steps.filter((s) => s.at === sunday).map((s) => [s.path, s.status])).toEqual([[[], 'active']]);
    expect(route(weekend)).toEqual([
      { at: SATURDAY, path: START_PATH },
      { at: MONDAY_9_NY, path: ['came-back', 'reactivated-stage', 'reactivated-goal'] },
    ]);
    expect(nodeGuards(stepAt(weekend, MONDAY_9_NY))).toEqual([
      {
        nodeId: 'came-back',
        guard: 'event_count',
        question: '"Session Started" at least 1 times in the last 3 days',
        result: true,
        seen: [{ field: 'count(Session Started, 3d)', value: 1 }],
      },
    ]);
    expect(runOf(weekend)).toMatchObject({ status: 'done', outcome: 'converted', reason: 'reactivated' });
    expect(effectsOf(weekend, 'send_sms')).toEqual([]);
    expect(weekend.customer.stage).toBe('retain_develop');
  });
});

describe('reactivation: the weekday window', () => {
  const smsAt = (triggerAt: number, customer: typeof maya | Omit<typeof maya, 'timezone'> = maya): number | undefined =>
    effectsOf(simulate(journey, customer, [toKeepReactivate(triggerAt)], { history, until: triggerAt + 10 * DAY }), 'send_sms')[0]?.at;

  it.each([
    ['Friday 18:00 (after hours)', Date.UTC(2026, 0, 9, 23), MONDAY_9_NY],
    ['Sunday 23:30', Date.UTC(2026, 0, 12, 4, 30), MONDAY_9_NY],
    ['Monday 08:59', Date.UTC(2026, 0, 12, 13, 59), MONDAY_9_NY],
    ['Monday 17:00 (window closed)', Date.UTC(2026, 0, 12, 22), Date.UTC(2026, 0, 13, 14)],
    ['Saturday before the switch to daylight saving time', Date.UTC(2026, 2, 7, 15), Date.UTC(2026, 2, 9, 13)],
  ])('%s in New York → next weekday 09:00 New York time', (_when, triggerAt, expected) => {
    expect(smsAt(triggerAt)).toBe(expected);
  });

  it('sends at once inside the window (Friday 16:30 in New York), through a zero-length timer', () => {
    const friday = Date.UTC(2026, 0, 9, 21, 30);
    const result = simulate(journey, maya, [toKeepReactivate(friday)], { history, until: friday + HOUR });
    expect(route(result)).toEqual([
      { at: friday, path: START_PATH },
      { at: friday, path: ['came-back', 'reminder-sms', 'session-wait'] },
    ]);
    expect(effectsOf(result, 'send_sms').map((e) => e.at)).toEqual([friday]);
  });

  it('uses the journey fallback (Europe/Berlin) for a customer without a time zone', () => {
    const { timezone: _tz, ...noZone } = maya;
    // Saturday 10 January 16:00 in Berlin → Monday 09:00 CET = 08:00 UTC.
    expect(smsAt(SATURDAY, noZone)).toBe(Date.UTC(2026, 0, 12, 8));
  });
});

describe('reactivation: branches', () => {
  it('skips the SMS for a customer with a session in the last 30 days', () => {
    const recent = [{ name: 'Session Started', properties: {}, at: SATURDAY - 30 * DAY + MINUTE }];
    const result = simulate(journey, maya, [toKeepReactivate(SATURDAY)], { history: recent, until: SATURDAY + DAY });
    const start = stepAt(result, SATURDAY);
    expect(start.path).toEqual(['keep-reactivate-trigger', 'reminder-mail', 'recent-session', 'session-wait']);
    expect(nodeGuards(start)[0]).toMatchObject({ nodeId: 'recent-session', result: true, seen: [{ field: 'count(Session Started, 30d)', value: 1 }] });
    expect(start.timersSet.map((t) => t.dueAt)).toEqual([SATURDAY + 7 * DAY]);
    expect(effectsOf(result, 'send_sms')).toEqual([]);
  });

  it('counts only sessions strictly within the last 30 days, including ones the simulation saw', () => {
    const exactly30 = simulate(journey, maya, [toKeepReactivate(SATURDAY)], {
      history: [{ name: 'Session Started', properties: {}, at: SATURDAY - 30 * DAY }],
      until: SATURDAY,
    });
    expect(nodeGuards(stepAt(exactly30, SATURDAY))[0]?.seen).toEqual([{ field: 'count(Session Started, 30d)', value: 0 }]);

    const seen = simulate(journey, maya, [track('Session Started', SATURDAY - 2 * DAY), toKeepReactivate(SATURDAY)], { history, until: SATURDAY });
    expect(nodeGuards(stepAt(seen, SATURDAY))[0]?.seen).toEqual([{ field: 'count(Session Started, 30d)', value: 1 }]);
  });

  it.each([
    ['no SMS consent', { ...maya, consent: { email: true, sms: false } }, [{ field: 'customer.traits.phone', value: '+1 212 555 0100' }, { field: 'customer.consent.sms', value: false }]],
    ['no phone number', { ...maya, traits: { first_name: 'Maya', email: 'maya@example.com' } }, [{ field: 'customer.traits.phone', value: undefined }]],
  ])('goes straight to the session wait with %s', (_case, customer, seen) => {
    const result = simulate(journey, customer, [toKeepReactivate(SATURDAY)], { history });
    const start = stepAt(result, SATURDAY);
    expect(start.path).toEqual(['keep-reactivate-trigger', 'reminder-mail', 'recent-session', 'sms-allowed', 'session-wait']);
    expect(nodeGuards(start)[1]).toEqual({ nodeId: 'sms-allowed', guard: 'rule', question: 'rule holds', result: false, seen });
    expect(start.timersSet.map((t) => t.dueAt)).toEqual([SATURDAY + 7 * DAY]);
    expect(result.effects.map((e) => e.channel)).toEqual(['email']);
    expect(runOf(result)).toMatchObject({ reason: 'no session within 7 days; tagged dormant' });
  });
});

describe('reactivation: exit rule and entry policy', () => {
  it('leaves when something else moves the customer out of keep & reactivate (no SMS sent)', () => {
    const sunday = Date.UTC(2026, 0, 11, 12);
    const result = simulate(journey, maya, [toKeepReactivate(SATURDAY), { type: 'stage_changed', from: 'keep_reactivate', to: 'retain_develop', at: sunday }], { history });
    const exit = stepAt(result, sunday);
    expect(exit).toMatchObject({ stateAfter: '@exit-0', status: 'done', outcome: 'exited', reason: 'exit rule 1' });
    expect(exit.guards).toEqual([exitRuleGuard('retain_develop', true)]);
    expect(exit.timersCancelled).toEqual(['xstate.after.sms-window:until.sms-window']);
    expect(effectsOf(result, 'send_sms')).toEqual([]);
    expect(result.customer.tags).toEqual([]);
  });

  it('enters at most once per 30 days', () => {
    const result = simulate(
      journey,
      maya,
      [
        toKeepReactivate(SATURDAY),
        { type: 'stage_changed', from: 'keep_reactivate', to: 'retain_develop', at: SATURDAY + 9 * DAY },
        toKeepReactivate(SATURDAY + 10 * DAY),
        { type: 'stage_changed', from: 'keep_reactivate', to: 'retain_develop', at: SATURDAY + 20 * DAY },
        toKeepReactivate(SATURDAY + 30 * DAY),
      ],
      { history, until: SATURDAY + 31 * DAY },
    );
    expect(result.rejectedEntries).toEqual([
      { at: SATURDAY + 10 * DAY, triggerNodeId: 'keep-reactivate-trigger', reason: 'entry policy "every time": still within the cooldown of the last entry' },
    ]);
    expect(result.runs.map((r) => [r.runId, r.snapshot.context.enteredAt])).toEqual([
      ['sim-1', SATURDAY],
      ['sim-2', SATURDAY + 30 * DAY],
    ]);
  });

  it('does not start for other stage moves', () => {
    const result = simulate(journey, maya, [{ type: 'stage_changed', from: 'retain_develop', to: 'expand', at: SATURDAY }]);
    expect(result.runs).toEqual([]);
  });
});
