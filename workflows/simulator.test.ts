/**
 * The simulator on a virtual clock: timers, waits, goals and exits, entry policies, triggers caused
 * by customer changes and by dates, event history, splits, limits, guard records, templates — and
 * that stepping the same inputs by hand through `startRun`/`stepRun` gives the same steps.
 *
 * Every expected instant, count and rendered text below is worked out by hand from the journey.
 */
import { describe, expect, it } from 'vitest';
import { compile } from './compiler.js';
import { customerProfileSchema } from './domain.js';
import { eventView, type EventView, type JourneyEvent } from './events.js';
import type { JourneyGraphInput } from './graph.js';
import { bindJourney } from './implementations.js';
import type { CompiledJourney } from './machine.js';
import { simulate, type SimulationEvent } from './simulator.js';
import { startRun, stepRun, type RunState, type Step, type StepResult } from './stepper.js';

const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
/** Monday 5 January 2026, 09:00 UTC. */
const T0 = Date.UTC(2026, 0, 5, 9, 0, 0);

type NodeInput = JourneyGraphInput['nodes'][number];
type EdgeInput = JourneyGraphInput['edges'][number];

const build = (id: string, nodes: NodeInput[], edges: [string, string, string][], settings?: JourneyGraphInput['settings'], name = 'Test journey'): CompiledJourney => {
  const graph: JourneyGraphInput = {
    id,
    name,
    nodes,
    edges: edges.map(([source, outcome, target], i): EdgeInput => ({ id: `e${i + 1}`, source, outcome, target })),
    ...(settings ? { settings } : {}),
  };
  const result = compile(graph);
  if (!result.ok) throw new Error(`test journey ${id} does not compile: ${JSON.stringify(result.errors)}`);
  return result.journey;
};

const track = (name: string, at: number, properties: Record<string, string | number | boolean> = {}): SimulationEvent => ({ type: 'track', name, properties, at });

const trigger = (id: string, event: string): NodeInput => ({ id, kind: 'trigger_event', params: { event } });
const wait = (id: string, amount: number, unit: 'minutes' | 'hours' | 'days'): NodeInput => ({ id, kind: 'wait_delay', params: { duration: { amount, unit } } });
const exit = (id: string): NodeInput => ({ id, kind: 'exit', params: {} });
const email = (id: string, subject: string, body: string): NodeInput => ({ id, kind: 'send_email', params: { subject, body } });
const timerOf = (nodeId: string, suffix: 'delay' | 'timeout' | 'until', dueAt: number) => ({
  id: `xstate.after.${nodeId}:${suffix}.${nodeId}`,
  dueAt,
  event: { type: `xstate.after.${nodeId}:${suffix}.${nodeId}` },
});

const ada = { id: 'c-1', traits: { first_name: 'Ada', email: 'ada@example.com' } };

// ---------------------------------------------------------------------------------------------

describe('timers on the virtual clock', () => {
  // Signed Up → 1 hour → 1 hour → welcome email → exit; goal: a "Page Viewed" with bought = true
  // (so every "Page Viewed" is looked at by the run and recorded as a step).
  const twoDelays = build(
    'j-delay',
    [trigger('t', 'Signed Up'), wait('d1', 1, 'hours'), wait('d2', 1, 'hours'), email('m', 'Welcome {{ customer.traits.first_name }}', 'Hello'), exit('x')],
    [
      ['t', 'next', 'd1'],
      ['d1', 'next', 'd2'],
      ['d2', 'next', 'm'],
      ['m', 'next', 'x'],
    ],
    { goal: { event: 'Page Viewed', rule: { kind: 'condition', field: 'event.properties.bought', operator: 'is_true' } } },
  );
  const pageViewed = (at: number) => track('Page Viewed', at, { bought: false });

  it('fire exactly at their due time, before an event that arrives later', () => {
    const result = simulate(twoDelays, ada, [track('Signed Up', T0), pageViewed(T0 + 90 * MINUTE)]);
    const common = { runId: 'sim-1', customerUpdates: [], customer: expect.objectContaining({ id: ada.id }) };
    expect(result.steps).toStrictEqual([
      {
        ...common,
        seq: 1,
        at: T0,
        input: { type: 'start', triggerNodeId: 't', event: { type: 'track', name: 'Signed Up', properties: {}, at: T0 } },
        stateBefore: null,
        stateAfter: 'd1',
        path: ['t', 'd1'],
        guards: [],
        effects: [],
        timersSet: [timerOf('d1', 'delay', T0 + HOUR)],
        timersCancelled: [],
        status: 'active',
        outcome: null,
        reason: null,
      },
      {
        ...common,
        seq: 2,
        at: T0 + HOUR,
        input: { type: 'timer', timerId: 'xstate.after.d1:delay.d1', event: { type: 'xstate.after.d1:delay.d1' } },
        stateBefore: 'd1',
        stateAfter: 'd2',
        path: ['d2'],
        guards: [],
        effects: [],
        timersSet: [timerOf('d2', 'delay', T0 + 2 * HOUR)],
        timersCancelled: [],
        status: 'active',
        outcome: null,
        reason: null,
      },
      {
        ...common,
        seq: 3,
        at: T0 + 90 * MINUTE,
        input: { type: 'event', event: { type: 'track', name: 'Page Viewed', properties: { bought: false }, at: T0 + 90 * MINUTE } },
        stateBefore: 'd2',
        stateAfter: 'd2',
        path: [],
        guards: [
          { nodeId: null, guard: 'event_matches:goal', question: 'goal event "Page Viewed"', result: false, seen: [{ field: 'event.properties.bought', value: false }] },
        ],
        effects: [],
        timersSet: [],
        timersCancelled: [],
        status: 'active',
        outcome: null,
        reason: null,
      },
      {
        ...common,
        seq: 4,
        at: T0 + 2 * HOUR,
        input: { type: 'timer', timerId: 'xstate.after.d2:delay.d2', event: { type: 'xstate.after.d2:delay.d2' } },
        stateBefore: 'd2',
        stateAfter: 'x',
        path: ['m', 'x'],
        guards: [],
        effects: [
          {
            index: 0,
            nodeId: 'm',
            kind: 'send_email',
            channel: 'email',
            idempotencyKey: 'sim-1:4:0',
            payload: { to: 'ada@example.com', from: null, subject: 'Welcome Ada', body: 'Hello' },
            cost: null,
            error: null,
          },
        ],
        timersSet: [],
        timersCancelled: [],
        status: 'done',
        outcome: 'exited',
        reason: 'exit node',
      },
    ]);
    expect(result.runs).toHaveLength(1);
    expect(result.runs[0]?.timers).toEqual([]);
    expect(result.clock).toBe(T0 + 2 * HOUR);
    expect(result.truncated).toBe(false);
  });

  it('events the run does not look at are not recorded and do not shift step numbers', () => {
    const result = simulate(twoDelays, ada, [track('Signed Up', T0), track('Newsletter Opened', T0 + 90 * MINUTE)]);
    expect(result.steps.map((s) => [s.seq, s.input.type, s.at])).toEqual([
      [1, 'start', T0],
      [2, 'timer', T0 + HOUR],
      [3, 'timer', T0 + 2 * HOUR],
    ]);
    expect(result.effects.map((e) => e.idempotencyKey)).toEqual(['sim-1:3:0']);
  });

  it('a timer due at the same instant as an event fires first', () => {
    const result = simulate(twoDelays, ada, [track('Signed Up', T0), pageViewed(T0 + HOUR)]);
    expect(result.steps.map((s) => [s.input.type, s.at, s.stateBefore, s.stateAfter])).toEqual([
      ['start', T0, null, 'd1'],
      ['timer', T0 + HOUR, 'd1', 'd2'],
      ['event', T0 + HOUR, 'd2', 'd2'],
      ['timer', T0 + 2 * HOUR, 'd2', 'x'],
    ]);
  });

  it('events given out of order are applied in time order', () => {
    const result = simulate(twoDelays, ada, [pageViewed(T0 + 90 * MINUTE), track('Signed Up', T0)]);
    expect(result.steps.map((s) => [s.input.type, s.at])).toEqual([
      ['start', T0],
      ['timer', T0 + HOUR],
      ['event', T0 + 90 * MINUTE],
      ['timer', T0 + 2 * HOUR],
    ]);
  });

  it('`until` stops the clock and leaves later timers pending', () => {
    const result = simulate(twoDelays, ada, [track('Signed Up', T0)], { until: T0 + 30 * MINUTE });
    expect(result.steps.map((s) => s.seq)).toEqual([1]);
    expect(result.runs[0]?.status).toBe('active');
    expect(result.runs[0]?.timers).toStrictEqual([timerOf('d1', 'delay', T0 + HOUR)]);
    expect(result.clock).toBe(T0 + 30 * MINUTE);
    expect(result.truncated).toBe(false);
  });

  it('`until` exactly at a due time still fires that timer', () => {
    const result = simulate(twoDelays, ada, [track('Signed Up', T0)], { until: T0 + HOUR });
    expect(result.steps.map((s) => s.stateAfter)).toEqual(['d1', 'd2']);
    expect(result.runs[0]?.timers).toStrictEqual([timerOf('d2', 'delay', T0 + 2 * HOUR)]);
  });
});

describe('wait until', () => {
  const windowed = build(
    'j-window',
    [
      trigger('t', 'Signed Up'),
      { id: 'u', kind: 'wait_until', params: { mode: 'window', days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '09:00', to: '17:00' } },
      exit('x'),
    ],
    [
      ['t', 'next', 'u'],
      ['u', 'next', 'x'],
    ],
  );
  const berliner = { id: 'c-1', timezone: 'Europe/Berlin' };

  it('waits from Saturday until Monday 09:00 in the customer’s zone', () => {
    const saturdayNoon = Date.UTC(2026, 0, 10, 12, 0);
    const mondayNine = Date.UTC(2026, 0, 12, 8, 0); // 09:00 CET = 08:00 UTC
    const result = simulate(windowed, berliner, [track('Signed Up', saturdayNoon)]);
    expect(result.steps[0]?.timersSet).toStrictEqual([timerOf('u', 'until', mondayNine)]);
    expect(result.steps.map((s) => [s.input.type, s.at, s.stateAfter])).toEqual([
      ['start', saturdayNoon, 'u'],
      ['timer', mondayNine, 'x'],
    ]);
  });

  it('inside the window it moves on at the same instant', () => {
    const mondayEleven = Date.UTC(2026, 0, 12, 10, 0); // 11:00 CET
    const result = simulate(windowed, berliner, [track('Signed Up', mondayEleven)]);
    expect(result.steps.map((s) => [s.input.type, s.at, s.stateAfter])).toEqual([
      ['start', mondayEleven, 'u'],
      ['timer', mondayEleven, 'x'],
    ]);
  });

  const appointment = build(
    'j-appointment-wait',
    [
      trigger('t', 'Appointment Booked'),
      { id: 'u', kind: 'wait_until', params: { mode: 'date_trait', trait: 'appointment', offset: { amount: 2, unit: 'hours', direction: 'before' } } },
      exit('x'),
    ],
    [
      ['t', 'next', 'u'],
      ['u', 'next', 'x'],
    ],
  );

  it('waits until 2 hours before a date trait', () => {
    const result = simulate(appointment, { id: 'c-1', traits: { appointment: '2026-01-20T15:00:00Z' } }, [track('Appointment Booked', T0)]);
    expect(result.steps.map((s) => [s.input.type, s.at])).toEqual([
      ['start', T0],
      ['timer', Date.UTC(2026, 0, 20, 13, 0)],
    ]);
  });

  it('moves on at once when the date trait is missing', () => {
    const result = simulate(appointment, { id: 'c-1' }, [track('Appointment Booked', T0)]);
    expect(result.steps.map((s) => [s.input.type, s.at, s.stateAfter])).toEqual([
      ['start', T0, 'u'],
      ['timer', T0, 'x'],
    ]);
  });
});

describe('a loop through a delay', () => {
  // Signed Up → 1 day → pinged in the last day? yes → exit; no → back to the delay
  const loop = build(
    'j-loop',
    [trigger('t', 'Signed Up'), wait('d', 1, 'days'), { id: 'c', kind: 'condition_event_history', params: { event: 'Ping', atLeast: 1, withinDays: 1 } }, exit('x')],
    [
      ['t', 'next', 'd'],
      ['d', 'next', 'c'],
      ['c', 'yes', 'x'],
      ['c', 'no', 'd'],
    ],
    { goal: { event: 'Ping', rule: { kind: 'condition', field: 'event.properties.final', operator: 'is_true' } } },
  );

  it('re-arms its timer each time round, and leaves when the condition holds', () => {
    const result = simulate(loop, ada, [track('Signed Up', T0), track('Ping', T0 + 2 * DAY + 12 * HOUR)]);
    expect(result.steps.map((s) => [s.input.type, s.at, s.path, s.timersSet.map((t) => t.dueAt), s.timersCancelled])).toEqual([
      ['start', T0, ['t', 'd'], [T0 + DAY], []],
      ['timer', T0 + DAY, ['c', 'd'], [T0 + 2 * DAY], []],
      ['timer', T0 + 2 * DAY, ['c', 'd'], [T0 + 3 * DAY], []],
      ['event', T0 + 2 * DAY + 12 * HOUR, [], [], []],
      ['timer', T0 + 3 * DAY, ['c', 'x'], [], []],
    ]);
    expect(result.runs[0]).toMatchObject({ status: 'done', outcome: 'exited', timers: [] });
  });
});

describe('wait for event', () => {
  // Cart Abandoned → wait ≤ 2 days for an order of at least 50 → goal; else a reminder email
  const cart = build(
    'j-cart',
    [
      trigger('t', 'Cart Abandoned'),
      {
        id: 'w',
        kind: 'wait_for_event',
        params: {
          event: 'Order Completed',
          rule: { kind: 'condition', field: 'event.properties.total', operator: 'gte', value: 50 },
          timeout: { amount: 2, unit: 'days' },
        },
      },
      { id: 'g', kind: 'goal_reached', params: { label: 'ordered' } },
      email('m', 'Your cart', 'Still thinking about {{ trigger.properties.product }}?'),
      exit('x'),
    ],
    [
      ['t', 'next', 'w'],
      ['w', 'received', 'g'],
      ['w', 'timed_out', 'm'],
      ['m', 'next', 'x'],
    ],
  );

  it('received: a matching event moves on and cancels the timeout; a non-matching one is recorded and ignored', () => {
    const result = simulate(cart, ada, [
      track('Cart Abandoned', T0, { product: 'Boots' }),
      track('Order Completed', T0 + HOUR, { total: 20 }),
      track('Order Completed', T0 + DAY, { total: 80 }),
    ]);
    const [start, small, big] = result.steps;
    expect(start?.path).toEqual(['t', 'w']);
    expect(start?.timersSet).toStrictEqual([timerOf('w', 'timeout', T0 + 2 * DAY)]);
    expect(small).toMatchObject({ stateBefore: 'w', stateAfter: 'w', path: [], status: 'active' });
    expect(small?.guards).toStrictEqual([
      { nodeId: 'w', guard: 'event_matches:wait', question: 'awaited event "Order Completed"', result: false, seen: [{ field: 'event.properties.total', value: 20 }] },
    ]);
    expect(big).toMatchObject({ at: T0 + DAY, stateBefore: 'w', stateAfter: 'g', path: ['g'], status: 'done', outcome: 'converted', reason: 'ordered' });
    expect(big?.guards).toStrictEqual([
      { nodeId: 'w', guard: 'event_matches:wait', question: 'awaited event "Order Completed"', result: true, seen: [{ field: 'event.properties.total', value: 80 }] },
    ]);
    expect(big?.timersCancelled).toEqual(['xstate.after.w:timeout.w']);
    expect(result.steps).toHaveLength(3);
    // The received event is what later nodes see as `event`.
    expect(result.runs[0]?.snapshot.context.lastEvent).toStrictEqual({ name: 'Order Completed', properties: { total: 80 }, at: T0 + DAY });
  });

  it('timed out: the timeout fires at exactly 2 days and the reminder renders the trigger’s properties', () => {
    // "Page Viewed" is not the awaited event: the run does not look at it, so it is no step.
    const result = simulate(cart, ada, [track('Cart Abandoned', T0, { product: 'Boots' }), track('Page Viewed', T0 + HOUR)]);
    expect(result.steps.map((s) => [s.input.type, s.at, s.stateAfter])).toEqual([
      ['start', T0, 'w'],
      ['timer', T0 + 2 * DAY, 'x'],
    ]);
    expect(result.steps[1]?.input).toStrictEqual({ type: 'timer', timerId: 'xstate.after.w:timeout.w', event: { type: 'xstate.after.w:timeout.w' } });
    expect(result.steps[1]?.path).toEqual(['m', 'x']);
    expect(result.effects.map((e) => e.payload)).toStrictEqual([{ to: 'ada@example.com', from: null, subject: 'Your cart', body: 'Still thinking about Boots?' }]);
    expect(result.runs[0]).toMatchObject({ status: 'done', outcome: 'exited', reason: 'exit node' });
  });

  it('a webhook delivery with the awaited name is received too', () => {
    const result = simulate(cart, ada, [
      track('Cart Abandoned', T0, { product: 'Boots' }),
      { type: 'webhook', sourceId: 'shop', name: 'Order Completed', properties: { total: 99 }, at: T0 + HOUR },
    ]);
    expect(result.steps[1]?.stateAfter).toBe('g');
  });
});

// ---------------------------------------------------------------------------------------------

describe('goal and exit criteria', () => {
  // Trial Started → 3 days → email → exit
  const trial = (settings: JourneyGraphInput['settings']) =>
    build(
      'j-trial',
      [trigger('t', 'Trial Started'), wait('d', 3, 'days'), email('m', 'How is your trial?', 'Reply to this email'), exit('x')],
      [
        ['t', 'next', 'd'],
        ['d', 'next', 'm'],
        ['m', 'next', 'x'],
      ],
      settings,
    );

  it('a goal event ends the run as converted and cancels its timers', () => {
    const result = simulate(trial({ goal: { event: 'Subscribed' } }), ada, [track('Trial Started', T0), track('Subscribed', T0 + DAY)]);
    expect(result.steps).toHaveLength(2);
    expect(result.steps[1]).toStrictEqual({
      runId: 'sim-1',
      seq: 2,
      at: T0 + DAY,
      customer: expect.objectContaining({ id: ada.id }),
      input: { type: 'event', event: { type: 'track', name: 'Subscribed', properties: {}, at: T0 + DAY } },
      stateBefore: 'd',
      stateAfter: '@goal',
      path: [],
      guards: [{ nodeId: null, guard: 'event_matches:goal', question: 'goal event "Subscribed"', result: true, seen: [] }],
      effects: [],
      customerUpdates: [],
      timersSet: [],
      timersCancelled: ['xstate.after.d:delay.d'],
      status: 'done',
      outcome: 'converted',
      reason: 'goal event "Subscribed"',
    });
    expect(result.runs[0]).toMatchObject({ status: 'done', outcome: 'converted', timers: [] });
    expect(result.runs[0]?.reason).toMatch(/goal/);
    expect(result.effects).toEqual([]); // the 3-day timer never fired
  });

  const exits = trial({
    exit: [
      { type: 'event', event: 'Unsubscribed' },
      { type: 'rule', rule: { kind: 'condition', field: 'customer.stage', operator: 'eq', value: 'phased_out' } },
    ],
  });
  const winBack = { ...ada, stage: 'win_back' };

  it('the exit rule is checked (and recorded) at every step', () => {
    const result = simulate(exits, winBack, [track('Trial Started', T0)], { until: T0 + DAY });
    expect(result.steps[0]?.guards).toStrictEqual([
      { nodeId: null, guard: 'exit_rule:1', question: 'exit rule 2 holds', result: false, seen: [{ field: 'customer.stage', value: 'win_back' }] },
    ]);
  });

  it('an exit event ends the run as exited', () => {
    const result = simulate(exits, winBack, [track('Trial Started', T0), track('Unsubscribed', T0 + HOUR)]);
    expect(result.steps[1]).toMatchObject({
      stateBefore: 'd',
      stateAfter: '@exit-0',
      status: 'done',
      outcome: 'exited',
      reason: 'exit event "Unsubscribed"',
      timersCancelled: ['xstate.after.d:delay.d'],
    });
    expect(result.steps[1]?.guards).toStrictEqual([
      { nodeId: null, guard: 'event_matches:exit-0', question: 'exit event "Unsubscribed"', result: true, seen: [] },
    ]);
  });

  it('an exit rule ends the run when the stage becomes phased_out', () => {
    const result = simulate(exits, winBack, [track('Trial Started', T0), { type: 'stage_changed', from: 'win_back', to: 'phased_out', at: T0 + DAY }]);
    expect(result.steps).toHaveLength(2);
    expect(result.steps[1]).toStrictEqual({
      runId: 'sim-1',
      seq: 2,
      at: T0 + DAY,
      customer: expect.objectContaining({ id: winBack.id, stage: 'phased_out' }),
      input: { type: 'event', event: { type: 'stage_changed', from: 'win_back', to: 'phased_out', at: T0 + DAY } },
      stateBefore: 'd',
      stateAfter: '@exit-1',
      path: [],
      guards: [{ nodeId: null, guard: 'exit_rule:1', question: 'exit rule 2 holds', result: true, seen: [{ field: 'customer.stage', value: 'phased_out' }] }],
      effects: [],
      customerUpdates: [],
      timersSet: [],
      timersCancelled: ['xstate.after.d:delay.d'],
      status: 'done',
      outcome: 'exited',
      reason: 'exit rule 2',
    });
    expect(result.customer.stage).toBe('phased_out');
  });

  it('a customer for whom an exit rule already holds is not messaged on the way to the first wait', () => {
    // "Leave the journey as soon as this rule holds (checked at every step)": the rule is true
    // when the run starts, so the run should leave before the email.
    const offer = build(
      'j-offer',
      [trigger('t', 'Offer Eligible'), email('m', 'A special offer', 'Just for you'), wait('d', 1, 'days'), exit('x')],
      [
        ['t', 'next', 'm'],
        ['m', 'next', 'd'],
        ['d', 'next', 'x'],
      ],
      { exit: [{ type: 'rule', rule: { kind: 'condition', field: 'customer.stage', operator: 'eq', value: 'phased_out' } }] },
    );
    const result = simulate(offer, { ...ada, stage: 'phased_out' }, [track('Offer Eligible', T0)]);
    expect(result.runs[0]).toMatchObject({ status: 'done', outcome: 'exited', reason: 'exit rule 1' });
    expect(result.effects).toEqual([]);
  });

  it('an exit rule on a trait ends the run after an identify call', () => {
    const optOut = trial({ exit: [{ type: 'rule', rule: { kind: 'condition', field: 'customer.traits.unsubscribed', operator: 'is_true' } }] });
    const result = simulate(optOut, ada, [track('Trial Started', T0), { type: 'identify', traits: { unsubscribed: true }, at: T0 + DAY }]);
    expect(result.steps[1]).toMatchObject({
      at: T0 + DAY,
      input: { type: 'event', event: { type: 'trait_changed', trait: 'unsubscribed', to: true, at: T0 + DAY } },
      stateAfter: '@exit-0',
      outcome: 'exited',
      reason: 'exit rule 1',
    });
    expect(result.customer.traits).toStrictEqual({ first_name: 'Ada', email: 'ada@example.com', unsubscribed: true });
  });
});

// ---------------------------------------------------------------------------------------------

describe('entry policies', () => {
  // Visit → 1 day → exit
  const visit = (entry: NonNullable<JourneyGraphInput['settings']>['entry']) =>
    build(
      'j-visit',
      [trigger('t', 'Visit'), wait('d', 1, 'days'), exit('x')],
      [
        ['t', 'next', 'd'],
        ['d', 'next', 'x'],
      ],
      { entry },
    );
  const shape = (steps: Step[]) => steps.map((s) => [s.runId, s.input.type, s.at]);

  it('once: a second entry is rejected with the reason', () => {
    const result = simulate(visit({ mode: 'once' }), ada, [track('Visit', T0), track('Visit', T0 + 2 * DAY)]);
    expect(shape(result.steps)).toEqual([
      ['sim-1', 'start', T0],
      ['sim-1', 'timer', T0 + DAY],
    ]);
    expect(result.rejectedEntries).toStrictEqual([
      { at: T0 + 2 * DAY, triggerNodeId: 't', reason: 'entry policy "once": the customer has already been in this journey' },
    ]);
    expect(result.runs).toHaveLength(1);
  });

  it('once: an earlier run (priorRuns) counts too', () => {
    const result = simulate(visit({ mode: 'once' }), ada, [track('Visit', T0)], { priorRuns: [{ enteredAt: T0 - 10 * DAY, status: 'done' }] });
    expect(result.steps).toEqual([]);
    expect(result.rejectedEntries).toStrictEqual([{ at: T0, triggerNodeId: 't', reason: 'entry policy "once": the customer has already been in this journey' }]);
  });

  it('one at a time: rejected while a run is active, allowed after it ended', () => {
    const result = simulate(visit({ mode: 'one_at_a_time' }), ada, [track('Visit', T0), track('Visit', T0 + HOUR), track('Visit', T0 + 2 * DAY)]);
    expect(shape(result.steps)).toEqual([
      ['sim-1', 'start', T0],
      ['sim-1', 'timer', T0 + DAY],
      ['sim-2', 'start', T0 + 2 * DAY],
      ['sim-2', 'timer', T0 + 3 * DAY],
    ]);
    expect(result.rejectedEntries).toStrictEqual([
      { at: T0 + HOUR, triggerNodeId: 't', reason: 'entry policy "one at a time": the customer is still in this journey' },
    ]);
  });

  it('every time with a cooldown: rejected within it, allowed exactly when it ends', () => {
    const result = simulate(visit({ mode: 'every_time', cooldown: { amount: 1, unit: 'days' } }), ada, [
      track('Visit', T0),
      track('Visit', T0 + HOUR),
      track('Visit', T0 + DAY),
    ]);
    expect(shape(result.steps)).toEqual([
      ['sim-1', 'start', T0],
      ['sim-1', 'timer', T0 + DAY], // the timer due at T0 + 1 day fires before the event at that instant
      ['sim-2', 'start', T0 + DAY],
      ['sim-2', 'timer', T0 + 2 * DAY],
    ]);
    expect(result.rejectedEntries).toStrictEqual([
      { at: T0 + HOUR, triggerNodeId: 't', reason: 'entry policy "every time": still within the cooldown of the last entry' },
    ]);
  });

  it('every time without a cooldown: runs overlap, each with its own timer', () => {
    const result = simulate(visit({ mode: 'every_time' }), ada, [track('Visit', T0), track('Visit', T0 + HOUR)]);
    expect(shape(result.steps)).toEqual([
      ['sim-1', 'start', T0],
      ['sim-2', 'start', T0 + HOUR],
      ['sim-1', 'timer', T0 + DAY],
      ['sim-2', 'timer', T0 + DAY + HOUR],
    ]);
    expect(result.rejectedEntries).toEqual([]);
    expect(result.runs.map((r) => [r.runId, r.status, r.outcome, r.snapshot.context.enteredAt])).toEqual([
      ['sim-1', 'done', 'exited', T0],
      ['sim-2', 'done', 'exited', T0 + HOUR],
    ]);
  });

  it('run ids use the prefix', () => {
    const result = simulate(visit({ mode: 'every_time' }), ada, [track('Visit', T0), track('Visit', T0 + HOUR)], { runIdPrefix: 'draft-' });
    expect(result.runs.map((r) => r.runId)).toEqual(['draft-1', 'draft-2']);
  });
});

// ---------------------------------------------------------------------------------------------

describe('triggers caused by customer changes', () => {
  it('an identify call that changes a trait fires a trait_changed trigger', () => {
    const plan = build(
      'j-plan',
      [
        { id: 't', kind: 'trigger_trait_changed', params: { trait: 'plan', from: 'free', to: 'pro' } },
        email('m', 'Welcome to Pro', 'Hi {{ customer.traits.first_name }}, you are now on {{ trigger.properties.to }}'),
        exit('x'),
      ],
      [
        ['t', 'next', 'm'],
        ['m', 'next', 'x'],
      ],
    );
    const result = simulate(plan, { id: 'c-1', traits: { plan: 'free', first_name: 'Ada', email: 'ada@example.com' } }, [
      { type: 'identify', traits: { seats: 5 }, at: T0 },
      { type: 'identify', traits: { plan: 'free' }, at: T0 + MINUTE },
      { type: 'identify', traits: { plan: 'pro' }, at: T0 + HOUR },
    ]);
    expect(result.steps).toHaveLength(1);
    expect(result.steps[0]).toMatchObject({
      at: T0 + HOUR,
      input: { type: 'start', triggerNodeId: 't', event: { type: 'trait_changed', trait: 'plan', from: 'free', to: 'pro', at: T0 + HOUR } },
      path: ['t', 'm', 'x'],
    });
    expect(result.effects.map((e) => e.payload.body)).toEqual(['Hi Ada, you are now on pro']);
    expect(result.customer.traits).toStrictEqual({ plan: 'pro', first_name: 'Ada', email: 'ada@example.com', seats: 5 });
  });

  it('an identify call can set the customer’s time zone (as `simulatedIdentifySchema` documents)', () => {
    const plan = build('j-tz', [{ id: 't', kind: 'trigger_trait_changed', params: { trait: 'plan' } }, exit('x')], [['t', 'next', 'x']]);
    const identify = { type: 'identify', traits: { plan: 'pro' }, timezone: 'Asia/Tokyo', at: T0 } as SimulationEvent;
    const result = simulate(plan, ada, [identify]);
    expect(result.customer.timezone).toBe('Asia/Tokyo');
  });

  it('a stage set by one run fires the stage trigger of another run', () => {
    const churn = build(
      'j-churn',
      [
        trigger('a', 'Churn Risk'),
        { id: 's', kind: 'set_stage', params: { stage: 'win_back' } },
        exit('x1'),
        { id: 'b', kind: 'trigger_stage_changed', params: { to: 'win_back' } },
        email('m', 'We miss you', 'Come back, {{ customer.traits.first_name }}'),
        exit('x2'),
      ],
      [
        ['a', 'next', 's'],
        ['s', 'next', 'x1'],
        ['b', 'next', 'm'],
        ['m', 'next', 'x2'],
      ],
      { entry: { mode: 'every_time' } },
    );
    const result = simulate(churn, { ...ada, stage: 'keep_reactivate' }, [track('Churn Risk', T0)]);
    expect(result.steps.map((s) => [s.runId, s.input.type, s.path])).toEqual([
      ['sim-1', 'start', ['a', 's', 'x1']],
      ['sim-2', 'start', ['b', 'm', 'x2']],
    ]);
    expect(result.steps[0]?.customerUpdates).toStrictEqual([{ nodeId: 's', update: { stage: 'win_back' } }]);
    expect(result.steps[1]?.input).toStrictEqual({
      type: 'start',
      triggerNodeId: 'b',
      event: { type: 'stage_changed', from: 'keep_reactivate', to: 'win_back', at: T0 },
    });
    expect(result.effects.map((e) => [e.runId, e.payload.subject, e.payload.body])).toEqual([['sim-2', 'We miss you', 'Come back, Ada']]);
    expect(result.customer.stage).toBe('win_back');
  });
});

// ---------------------------------------------------------------------------------------------

describe('date-relative triggers', () => {
  const renewal = (timeZoneFallback = 'UTC') =>
    build(
      'j-renewal',
      [
        { id: 't', kind: 'trigger_date', params: { trait: 'renewal_date', direction: 'before', offset: { amount: 30, unit: 'days' }, at: '09:00' } },
        email('m', 'Your renewal', 'Your plan renews on {{ customer.traits.renewal_date }}'),
        exit('x'),
      ],
      [
        ['t', 'next', 'm'],
        ['m', 'next', 'x'],
      ],
      { timeZone: { use: 'customer', fallback: timeZoneFallback } },
    );
  const renewingCustomer = (timezone: string | null) => ({ id: 'c-1', traits: { email: 'ada@example.com', renewal_date: '2026-06-30' }, timezone });

  it('30 days before the renewal date at 09:00 in the customer’s time zone', () => {
    const result = simulate(renewal(), renewingCustomer('America/New_York'), [], { start: Date.UTC(2026, 4, 1) });
    // 30 June − 30 days = 31 May; 09:00 EDT (UTC−4) = 13:00 UTC.
    const fire = Date.UTC(2026, 4, 31, 13, 0);
    expect(result.steps).toHaveLength(1);
    expect(result.steps[0]).toMatchObject({
      at: fire,
      input: { type: 'start', triggerNodeId: 't', event: { type: 'date_reached', journeyId: 'j-renewal', nodeId: 't', trait: 'renewal_date', at: fire } },
      path: ['t', 'm', 'x'],
    });
    expect(result.effects[0]?.payload.body).toBe('Your plan renews on 2026-06-30');
  });

  it('uses the journey’s fallback zone when the customer has none or an invalid one', () => {
    // 31 May 09:00 CEST (UTC+2) = 07:00 UTC.
    for (const timezone of [null, 'Mars/Olympus_Mons']) {
      const result = simulate(renewal('Europe/Berlin'), renewingCustomer(timezone), [], { start: Date.UTC(2026, 4, 1) });
      expect(result.steps.map((s) => s.at)).toEqual([Date.UTC(2026, 4, 31, 7, 0)]);
    }
  });

  it('moves the fire time when an identify call changes the date trait first', () => {
    const result = simulate(renewal(), renewingCustomer('America/New_York'), [{ type: 'identify', traits: { renewal_date: '2026-07-31' }, at: Date.UTC(2026, 4, 15) }], {
      start: Date.UTC(2026, 4, 1),
    });
    // 31 July − 30 days = 1 July, 09:00 EDT = 13:00 UTC; nothing fires on 31 May any more.
    expect(result.steps.map((s) => s.at)).toEqual([Date.UTC(2026, 6, 1, 13, 0)]);
  });

  it('does not fire when the simulation starts after the fire time', () => {
    const result = simulate(renewal(), renewingCustomer('America/New_York'), [], { start: Date.UTC(2026, 5, 1) });
    expect(result.steps).toEqual([]);
  });

  it('an hours offset fires exactly that many hours before the instant', () => {
    const appointment = build(
      'j-appointment',
      [{ id: 't', kind: 'trigger_date', params: { trait: 'appointment', direction: 'before', offset: { amount: 3, unit: 'hours' }, at: '20:00' } }, exit('x')],
      [['t', 'next', 'x']],
    );
    const result = simulate(appointment, { id: 'c-1', traits: { appointment: '2026-03-10T15:30:00+01:00' } }, [], { start: Date.UTC(2026, 2, 1) });
    // 15:30+01:00 = 14:30 UTC, minus 3 hours; `at` is ignored for hours.
    expect(result.steps.map((s) => s.at)).toEqual([Date.UTC(2026, 2, 10, 11, 30)]);
  });

  it('a yearly birthday fires every year at the local time', () => {
    const birthday = build(
      'j-birthday',
      [
        { id: 't', kind: 'trigger_date', params: { trait: 'birthday', direction: 'after', offset: { amount: 0, unit: 'days' }, at: '08:30', yearly: true } },
        { id: 'tag', kind: 'add_tag', params: { tag: 'birthday_greeted' } },
        exit('x'),
      ],
      [
        ['t', 'next', 'tag'],
        ['tag', 'next', 'x'],
      ],
      { entry: { mode: 'every_time' } },
    );
    const result = simulate(birthday, { id: 'c-1', traits: { birthday: '1990-03-15' }, timezone: 'Asia/Kolkata' }, [], {
      start: Date.UTC(2026, 0, 1),
      until: Date.UTC(2027, 11, 31),
    });
    // 15 March 08:30 IST (UTC+05:30) = 03:00 UTC.
    expect(result.steps.map((s) => [s.runId, s.at])).toEqual([
      ['sim-1', Date.UTC(2026, 2, 15, 3, 0)],
      ['sim-2', Date.UTC(2027, 2, 15, 3, 0)],
    ]);
    expect(result.customer.tags).toEqual(['birthday_greeted']);
  });

  it('a 29 February birthday fires on 28 February in common years (default time 09:00)', () => {
    const leap = build(
      'j-leap',
      [{ id: 't', kind: 'trigger_date', params: { trait: 'birthday', direction: 'after', offset: { amount: 0, unit: 'days' }, yearly: true } }, exit('x')],
      [['t', 'next', 'x']],
      { entry: { mode: 'every_time' } },
    );
    const result = simulate(leap, { id: 'c-1', traits: { birthday: '2000-02-29' } }, [], { start: Date.UTC(2027, 0, 1), until: Date.UTC(2028, 11, 31) });
    expect(result.steps.map((s) => s.at)).toEqual([Date.UTC(2027, 1, 28, 9, 0), Date.UTC(2028, 1, 29, 9, 0)]);
  });

  it('a yearly trigger without `until` is bounded by maxSteps (rejected entries do not run on forever)', () => {
    // With entry "once", every anniversary after the first is rejected and takes no step, so
    // `maxSteps` never stops the loop: the simulation walks every year up to the end of `Date`'s
    // range (year 275760). With a 1990 birthday that is ~273,000 rejected entries and ~30 s of
    // work; a birthday in year 275000 keeps this test fast while showing the same behaviour.
    const birthday = build(
      'j-yearly',
      [{ id: 't', kind: 'trigger_date', params: { trait: 'birthday', direction: 'after', offset: { amount: 0, unit: 'days' }, yearly: true } }, exit('x')],
      [['t', 'next', 'x']],
    );
    const bornAt = Date.UTC(275000, 2, 15);
    const result = simulate(birthday, { id: 'c-1', traits: { birthday: bornAt } }, [], { start: bornAt - DAY, maxSteps: 5 });
    expect(result.steps).toHaveLength(1);
    expect(result.rejectedEntries.length).toBeLessThanOrEqual(5);
    expect(result.truncated).toBe(true);
  });
});

// ---------------------------------------------------------------------------------------------

describe('event-history condition', () => {
  // Product Viewed → viewed ≥ 3 times in the last 7 days? → email : exit
  const historyJourney = (entry: NonNullable<JourneyGraphInput['settings']>['entry'] = { mode: 'once' }) =>
    build(
      'j-history',
      [
        trigger('t', 'Product Viewed'),
        { id: 'h', kind: 'condition_event_history', params: { event: 'Product Viewed', atLeast: 3, withinDays: 7 } },
        email('m', 'Still interested?', 'Take another look'),
        exit('x1'),
        exit('x2'),
      ],
      [
        ['t', 'next', 'h'],
        ['h', 'yes', 'm'],
        ['m', 'next', 'x1'],
        ['h', 'no', 'x2'],
      ],
      { entry },
    );
  const history = historyJourney();
  const viewed = (at: number): EventView => ({ name: 'Product Viewed', properties: {}, at });

  it('counts the window (exactly 7 days ago is excluded) plus the trigger itself', () => {
    const result = simulate(history, ada, [track('Product Viewed', T0)], {
      history: [
        viewed(T0 - 7 * DAY), // on the boundary: not within the last 7 days
        viewed(T0 - 7 * DAY + 1), // 1 ms inside
        { name: 'Page Viewed', properties: {}, at: T0 - DAY }, // another event
        viewed(T0 + HOUR), // in the future of this step
      ],
    });
    // counted: T0 − 7d + 1 ms and the trigger at T0 → 2 < 3
    expect(result.steps[0]?.path).toEqual(['t', 'h', 'x2']);
    expect(result.steps[0]?.guards).toStrictEqual([
      {
        nodeId: 'h',
        guard: 'event_count',
        question: '"Product Viewed" at least 3 times in the last 7 days',
        result: false,
        seen: [{ field: 'count(Product Viewed, 7d)', value: 2 }],
      },
    ]);
  });

  it('takes the yes branch at the threshold', () => {
    const result = simulate(history, ada, [track('Product Viewed', T0)], { history: [viewed(T0 - 7 * DAY + 1), viewed(T0 - 3 * DAY)] });
    expect(result.steps[0]?.path).toEqual(['t', 'h', 'm', 'x1']);
    expect(result.steps[0]?.guards[0]?.seen).toStrictEqual([{ field: 'count(Product Viewed, 7d)', value: 3 }]);
  });

  it('counts events that arrived during the simulation', () => {
    const result = simulate(historyJourney({ mode: 'every_time' }), ada, [
      track('Product Viewed', T0 - 2 * DAY),
      track('Product Viewed', T0 - DAY),
      track('Product Viewed', T0),
    ]);
    // Each view starts a run that counts the views so far, itself included: 1, 2, 3.
    expect(result.steps.map((s) => [s.runId, s.guards[0]?.seen[0]?.value, s.stateAfter])).toEqual([
      ['sim-1', 1, 'x2'],
      ['sim-2', 2, 'x2'],
      ['sim-3', 3, 'x1'],
    ]);
  });

  it('counts only events whose properties satisfy the rule', () => {
    const shoes = build(
      'j-shoes',
      [
        trigger('t', 'Product Viewed'),
        {
          id: 'h',
          kind: 'condition_event_history',
          params: { event: 'Product Viewed', rule: { kind: 'condition', field: 'event.properties.category', operator: 'eq', value: 'shoes' }, atLeast: 2, withinDays: 7 },
        },
        exit('x1'),
        exit('x2'),
      ],
      [
        ['t', 'next', 'h'],
        ['h', 'yes', 'x1'],
        ['h', 'no', 'x2'],
      ],
    );
    const result = simulate(shoes, ada, [track('Product Viewed', T0, { category: 'shoes' })], {
      history: [
        { name: 'Product Viewed', properties: { category: 'books' }, at: T0 - DAY },
        { name: 'Product Viewed', properties: { category: 'shoes' }, at: T0 - 2 * DAY },
      ],
    });
    expect(result.steps[0]?.path).toEqual(['t', 'h', 'x1']);
    expect(result.steps[0]?.guards[0]?.seen).toStrictEqual([{ field: 'count(Product Viewed, 7d)', value: 2 }]);
  });
});

// ---------------------------------------------------------------------------------------------

describe('random split', () => {
  const split = build(
    'j-split',
    [
      trigger('t', 'Signed Up'),
      { id: 's', kind: 'split_random', params: { branches: [{ key: 'a', weight: 50 }, { key: 'b', weight: 50 }] } },
      exit('xa'),
      exit('xb'),
    ],
    [
      ['t', 'next', 's'],
      ['s', 'a', 'xa'],
      ['s', 'b', 'xb'],
    ],
    { entry: { mode: 'every_time' } },
  );

  // Buckets: FNV-1a (32-bit) of "j-split|s|<customer>" mod 10,000 / 100, computed by hand for
  // these ids: c-1 → 4.74, c-3 → 52.36.
  it.each([
    ['c-1', 4.74, true, ['t', 's', 'xa']],
    ['c-3', 52.36, false, ['t', 's', 'xb']],
  ] as const)('%s lands in bucket %s', (customerId, bucket, inFirstBranch, path) => {
    const result = simulate(split, { id: customerId }, [track('Signed Up', T0)]);
    expect(result.steps[0]?.path).toEqual(path);
    expect(result.steps[0]?.guards).toStrictEqual([
      { nodeId: 's', guard: 'split', question: 'split bucket in [0, 50) → branch a', result: inFirstBranch, seen: [{ field: 'split.bucket', value: bucket }] },
    ]);
  });

  it('the same customer gets the same branch in two simulations and on re-entry', () => {
    const events = [track('Signed Up', T0), track('Signed Up', T0 + DAY)];
    const first = simulate(split, { id: 'c-3' }, events);
    const second = simulate(split, { id: 'c-3' }, events);
    expect(second.steps).toStrictEqual(first.steps);
    expect(first.steps.map((s) => s.stateAfter)).toEqual(['xb', 'xb']);
  });
});

// ---------------------------------------------------------------------------------------------

describe('maxSteps', () => {
  const twoDelays = build(
    'j-limit',
    [trigger('t', 'Signed Up'), wait('d1', 1, 'hours'), wait('d2', 1, 'hours'), exit('x')],
    [
      ['t', 'next', 'd1'],
      ['d1', 'next', 'd2'],
      ['d2', 'next', 'x'],
    ],
  );

  it('truncates the simulation and leaves the run where it was', () => {
    const result = simulate(twoDelays, ada, [track('Signed Up', T0)], { maxSteps: 2 });
    expect(result.steps.map((s) => s.stateAfter)).toEqual(['d1', 'd2']);
    expect(result.truncated).toBe(true);
    expect(result.runs[0]?.status).toBe('active');
    expect(result.runs[0]?.timers).toStrictEqual([timerOf('d2', 'delay', T0 + 2 * HOUR)]);
  });

  it('is not truncated when the steps fit', () => {
    const result = simulate(twoDelays, ada, [track('Signed Up', T0)], { maxSteps: 3 });
    expect(result.steps).toHaveLength(3);
    expect(result.truncated).toBe(false);
  });

  it('reports truncation when the limit cuts off an entry in the middle of a tick', () => {
    // The second Visit is delivered to run 1 (step 2, the goal) and should then start run 2, but
    // the limit is reached between the two. Without a limit there are 4 steps and 2 runs.
    const visits = build(
      'j-visits',
      [trigger('t', 'Visit'), wait('d', 1, 'hours'), exit('x')],
      [
        ['t', 'next', 'd'],
        ['d', 'next', 'x'],
      ],
      { entry: { mode: 'every_time' }, goal: { event: 'Visit' } },
    );
    const events = [track('Visit', T0), track('Visit', T0 + MINUTE)];
    expect(simulate(visits, ada, events).runs).toHaveLength(2);
    const limited = simulate(visits, ada, events, { maxSteps: 2 });
    expect(limited.steps).toHaveLength(2);
    expect(limited.truncated).toBe(true);
  });
});

// ---------------------------------------------------------------------------------------------

describe('guard records', () => {
  it('a rule records the values it saw (and stops reading after the deciding condition)', () => {
    const rule = build(
      'j-rule',
      [
        trigger('t', 'Login'),
        {
          id: 'c',
          kind: 'condition_rule',
          params: {
            rule: {
              kind: 'group',
              combinator: 'and',
              rules: [
                { kind: 'condition', field: 'customer.stage', operator: 'eq', value: 'retain_develop' },
                { kind: 'condition', field: 'customer.traits.ltv', operator: 'gt', value: 500 },
              ],
            },
          },
        },
        exit('yes'),
        exit('no'),
      ],
      [
        ['t', 'next', 'c'],
        ['c', 'yes', 'yes'],
        ['c', 'no', 'no'],
      ],
    );
    const loyal = simulate(rule, { id: 'c-1', stage: 'retain_develop', traits: { ltv: 800 } }, [track('Login', T0)]);
    expect(loyal.steps[0]?.path).toEqual(['t', 'c', 'yes']);
    expect(loyal.steps[0]?.guards).toStrictEqual([
      {
        nodeId: 'c',
        guard: 'rule',
        question: 'rule holds',
        result: true,
        seen: [
          { field: 'customer.stage', value: 'retain_develop' },
          { field: 'customer.traits.ltv', value: 800 },
        ],
      },
    ]);
    const other = simulate(rule, { id: 'c-2', stage: 'expand', traits: { ltv: 800 } }, [track('Login', T0)]);
    expect(other.steps[0]?.path).toEqual(['t', 'c', 'no']);
    expect(other.steps[0]?.guards).toStrictEqual([
      { nodeId: 'c', guard: 'rule', question: 'rule holds', result: false, seen: [{ field: 'customer.stage', value: 'expand' }] },
    ]);
  });

  it('a cluster switch records each cluster it tried', () => {
    const clusters = build(
      'j-cluster',
      [
        trigger('t', 'Complaint Filed'),
        { id: 'sc', kind: 'switch_cluster', params: { clusters: ['star', 'question_mark', 'cash_cow'] } },
        exit('x_star'),
        exit('x_question_mark'),
        exit('x_cash_cow'),
        exit('x_default'),
      ],
      [
        ['t', 'next', 'sc'],
        ['sc', 'star', 'x_star'],
        ['sc', 'question_mark', 'x_question_mark'],
        ['sc', 'cash_cow', 'x_cash_cow'],
        ['sc', 'default', 'x_default'],
      ],
    );
    const result = simulate(clusters, { id: 'c-1', cluster: 'cash_cow' }, [track('Complaint Filed', T0)]);
    const seen = [{ field: 'customer.cluster', value: 'cash_cow' }];
    expect(result.steps[0]?.path).toEqual(['t', 'sc', 'x_cash_cow']);
    expect(result.steps[0]?.guards).toStrictEqual([
      { nodeId: 'sc', guard: 'cluster_is', question: 'value cluster is star', result: false, seen },
      { nodeId: 'sc', guard: 'cluster_is', question: 'value cluster is question_mark', result: false, seen },
      { nodeId: 'sc', guard: 'cluster_is', question: 'value cluster is cash_cow', result: true, seen },
    ]);
    const unclustered = simulate(clusters, { id: 'c-2' }, [track('Complaint Filed', T0)]);
    expect(unclustered.steps[0]?.path).toEqual(['t', 'sc', 'x_default']);
  });
});

// ---------------------------------------------------------------------------------------------

describe('templates in effects', () => {
  // Complaint Filed → apology email → SMS whose template passes validation but exceeds the
  // render memory limit (a 2,000,000-element range) → exit
  const complaint = build(
    'j-complaint',
    [
      trigger('t', 'Complaint Filed'),
      email('m', 'Sorry, {{ customer.traits.first_name | default: "there" }}', 'About "{{ trigger.properties.subject }}" ({{ journey.name }}, run {{ run.id }})'),
      { id: 's', kind: 'send_sms', params: { body: '{% for i in (1..2000000) %}x{% endfor %}' } },
      exit('x'),
    ],
    [
      ['t', 'next', 'm'],
      ['m', 'next', 's'],
      ['s', 'next', 'x'],
    ],
    undefined,
    'Complaints',
  );

  it('renders templates and records a render failure as a failed effect, without stopping the run', () => {
    const result = simulate(complaint, { id: 'c-1', traits: { email: 'ada@example.com', phone: '+4915112345678' } }, [
      track('Complaint Filed', T0, { subject: 'Late delivery' }),
    ]);
    expect(result.effects).toStrictEqual([
      {
        index: 0,
        nodeId: 'm',
        kind: 'send_email',
        channel: 'email',
        idempotencyKey: 'sim-1:1:0',
        payload: { to: 'ada@example.com', from: null, subject: 'Sorry, there', body: 'About "Late delivery" (Complaints, run sim-1)' },
        cost: null,
        error: null,
        runId: 'sim-1',
        seq: 1,
        at: T0,
      },
      {
        index: 1,
        nodeId: 's',
        kind: 'send_sms',
        channel: 'sms',
        idempotencyKey: 'sim-1:1:1',
        payload: {},
        cost: null,
        error: 'template could not be rendered: memory alloc limit exceeded, line:1, col:1',
        runId: 'sim-1',
        seq: 1,
        at: T0,
      },
    ]);
    expect(result.runs[0]).toMatchObject({ status: 'done', outcome: 'exited' });
  });

  it('a customer without an email address gets an effect with to: null', () => {
    const result = simulate(complaint, { id: 'c-2', traits: { first_name: 'Bo' } }, [track('Complaint Filed', T0, { subject: 'Rude agent' })]);
    expect(result.effects[0]?.payload).toStrictEqual({ to: null, from: null, subject: 'Sorry, Bo', body: 'About "Rude agent" (Complaints, run sim-1)' });
  });
});

// ---------------------------------------------------------------------------------------------

describe('runtime agreement', () => {
  // Cart Abandoned → 1 hour → abandoned a cart in the last day? → wait ≤ 2 days for an order →
  // thank-you email → goal; timeouts and "no" exit.
  const journey = build(
    'j-agree',
    [
      trigger('t', 'Cart Abandoned'),
      wait('d', 1, 'hours'),
      { id: 'c', kind: 'condition_event_history', params: { event: 'Cart Abandoned', atLeast: 1, withinDays: 1 } },
      { id: 'w', kind: 'wait_for_event', params: { event: 'Order Completed', timeout: { amount: 2, unit: 'days' } } },
      email('m', 'Thanks {{ customer.traits.first_name }}', 'Order {{ event.properties.orderId }} for {{ trigger.properties.product }}'),
      { id: 'g', kind: 'goal_reached', params: {} },
      exit('x'),
    ],
    [
      ['t', 'next', 'd'],
      ['d', 'next', 'c'],
      ['c', 'yes', 'w'],
      ['c', 'no', 'x'],
      ['w', 'received', 'm'],
      ['w', 'timed_out', 'x'],
      ['m', 'next', 'g'],
    ],
  );
  const abandoned: JourneyEvent = { type: 'track', name: 'Cart Abandoned', properties: { product: 'Boots' }, at: T0 };
  const browsed: JourneyEvent = { type: 'track', name: 'Page Viewed', properties: {}, at: T0 + 30 * MINUTE };
  const ordered: JourneyEvent = { type: 'track', name: 'Order Completed', properties: { orderId: 'o-1' }, at: T0 + DAY };

  it('stepping the same inputs through startRun/stepRun, persisting the run as JSON in between, gives the simulator’s steps', () => {
    const simulation = simulate(journey, ada, [abandoned, browsed, ordered]);
    expect(simulation.steps.map((s) => [s.input.type, s.at, s.path])).toEqual([
      ['start', T0, ['t', 'd']],
      // "Page Viewed" at T0 + 30 min concerns no transition and no guard: not a step
      ['timer', T0 + HOUR, ['c', 'w']],
      ['event', T0 + DAY, ['m', 'g']],
    ]);

    const bound = bindJourney(journey);
    let customer = customerProfileSchema.parse(ada);
    const history: EventView[] = [];
    const steps: Step[] = [];
    /** What the runtime does between steps: store the run as JSON and load it again (an unchanged run is not stored). */
    const persist = (result: StepResult): RunState => {
      if (result.unchanged) return JSON.parse(JSON.stringify(result.run)) as RunState;
      steps.push(result.step);
      customer = result.customer;
      const stored = JSON.parse(JSON.stringify(result.run)) as RunState;
      expect(stored).toStrictEqual(result.run);
      return stored;
    };

    history.push(eventView(abandoned));
    let run = persist(startRun(bound, { runId: 'sim-1', triggerNodeId: 't', event: abandoned }, { customer, now: abandoned.at, history: [...history] }));
    history.push(eventView(browsed));
    const idle = stepRun(bound, run, { type: 'event', event: browsed }, { customer, now: browsed.at, history: [...history] });
    expect(idle.unchanged).toBe(true);
    expect(idle.run).toStrictEqual(run);
    run = persist(idle);
    const timer = run.timers[0];
    if (!timer) throw new Error('expected the delay timer to be pending');
    expect(timer.dueAt).toBe(T0 + HOUR);
    run = persist(stepRun(bound, run, { type: 'timer', timerId: timer.id, event: timer.event }, { customer, now: timer.dueAt, history: [...history] }));
    history.push(eventView(ordered));
    run = persist(stepRun(bound, run, { type: 'event', event: ordered }, { customer, now: ordered.at, history: [...history] }));

    expect(steps).toStrictEqual(simulation.steps);
    expect(run).toStrictEqual(simulation.runs[0]);
    expect(run).toMatchObject({ status: 'done', outcome: 'converted', reason: 'goal node' });
    expect(steps[2]?.effects.map((e) => e.payload)).toStrictEqual([
      { to: 'ada@example.com', from: null, subject: 'Thanks Ada', body: 'Order o-1 for Boots' },
    ]);
    // The step records are plain JSON too.
    expect(JSON.parse(JSON.stringify(simulation.steps))).toStrictEqual(simulation.steps);
  });

  it('a finished run refuses further steps', () => {
    const simulation = simulate(journey, ada, [abandoned, ordered]);
    const done = simulation.runs[0];
    if (!done) throw new Error('expected a run');
    expect(done.status).toBe('done');
    expect(() => stepRun(bindJourney(journey), done, { type: 'event', event: ordered }, { customer: customerProfileSchema.parse(ada), now: T0 + 2 * DAY })).toThrow(
      /has ended/,
    );
  });
});
