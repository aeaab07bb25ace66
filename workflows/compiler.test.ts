/**
 * The compiler: deterministic, data-only output that the implementation registry fully covers;
 * journey-wide goal and exit criteria; and never throwing for garbage input.
 */
import { describe, expect, it } from 'vitest';
import { compile, moveTransitions } from './compiler.js';
import type { JourneyGraphInput } from './graph.js';
import { unknownReferences } from './implementations.js';
import type { CompiledJourney } from './machine.js';
import { simulate } from './simulator.js';

const DAY = 86_400_000;
const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 0, 5, 9, 0, 0);

const compiled = (graph: unknown): CompiledJourney => {
  const result = compile(graph);
  if (!result.ok) throw new Error(`expected the graph to compile: ${JSON.stringify(result.errors)}`);
  return result.journey;
};

/** A journey that uses every compile feature: triggers, conditions, waits, actions, flow, goal and exits. */
const richGraph: JourneyGraphInput = {
  id: 'j-rich',
  name: 'Rich journey',
  nodes: [
    { id: 'start', kind: 'trigger_event', params: { event: 'Signed Up' } },
    { id: 'renewal', kind: 'trigger_date', params: { trait: 'renewal_date', direction: 'before', offset: { amount: 30, unit: 'days' } } },
    { id: 'cluster', kind: 'switch_cluster', params: { clusters: ['star', 'dog'] } },
    { id: 'wait', kind: 'wait_for_event', params: { event: 'Order Completed', timeout: { amount: 3, unit: 'days' } } },
    { id: 'pause', kind: 'wait_delay', params: { duration: { amount: 2, unit: 'hours' } } },
    { id: 'window', kind: 'wait_until', params: { mode: 'window', days: ['mon', 'fri'], from: '09:00', to: '12:00' } },
    { id: 'mail', kind: 'send_email', params: { subject: 'Hi {{ customer.traits.first_name }}', body: 'Welcome' } },
    { id: 'traits', kind: 'update_traits', params: { set: { welcomed: true, source: 'journey' } } },
    { id: 'split', kind: 'split_random', params: { branches: [{ key: 'a', weight: 70 }, { key: 'b', weight: 30 }] } },
    { id: 'won', kind: 'goal_reached', params: {} },
    { id: 'done', kind: 'exit', params: { reason: 'no order' } },
  ],
  edges: [
    { id: 'e1', source: 'start', outcome: 'next', target: 'cluster' },
    { id: 'e2', source: 'renewal', outcome: 'next', target: 'cluster' },
    { id: 'e3', source: 'cluster', outcome: 'star', target: 'wait' },
    { id: 'e4', source: 'cluster', outcome: 'dog', target: 'done' },
    { id: 'e5', source: 'cluster', outcome: 'default', target: 'pause' },
    { id: 'e6', source: 'pause', outcome: 'next', target: 'window' },
    { id: 'e7', source: 'window', outcome: 'next', target: 'mail' },
    { id: 'e8', source: 'mail', outcome: 'next', target: 'traits' },
    { id: 'e9', source: 'traits', outcome: 'next', target: 'split' },
    { id: 'e10', source: 'split', outcome: 'a', target: 'wait' },
    { id: 'e11', source: 'split', outcome: 'b', target: 'done' },
    { id: 'e12', source: 'wait', outcome: 'received', target: 'won' },
    { id: 'e13', source: 'wait', outcome: 'timed_out', target: 'done' },
  ],
  settings: {
    entry: { mode: 'every_time', cooldown: { amount: 7, unit: 'days' } },
    goal: { event: 'Upgraded' },
    exit: [
      { type: 'event', event: 'Unsubscribed' },
      { type: 'rule', rule: { kind: 'condition', field: 'customer.stage', operator: 'eq', value: 'phased_out' } },
    ],
    timeZone: { use: 'customer', fallback: 'Europe/Berlin' },
  },
};

const reversed = <T>(list: readonly T[]): T[] => [...list].reverse();

describe('determinism', () => {
  it('the same graph compiles to the identical JSON string', () => {
    const first = JSON.stringify(compiled(richGraph));
    const second = JSON.stringify(compiled(structuredClone(richGraph)));
    expect(second).toBe(first);
  });

  it('nodes and edges given in a different order compile to the identical JSON string', () => {
    const shuffled: JourneyGraphInput = { ...richGraph, nodes: reversed(richGraph.nodes), edges: reversed(richGraph.edges) };
    const rotated: JourneyGraphInput = {
      ...richGraph,
      nodes: [...richGraph.nodes.slice(4), ...richGraph.nodes.slice(0, 4)],
      edges: [...richGraph.edges.slice(7), ...richGraph.edges.slice(0, 7)],
    };
    const expected = JSON.stringify(compiled(richGraph));
    expect(JSON.stringify(compiled(shuffled))).toBe(expected);
    expect(JSON.stringify(compiled(rotated))).toBe(expected);
  });

  it('positions and labels (editor-only data) do not change the output', () => {
    const moved: JourneyGraphInput = {
      ...richGraph,
      nodes: richGraph.nodes.map((node, i) => ({ ...node, position: { x: i * 100, y: -i }, label: `Step ${i}` })),
    };
    expect(JSON.stringify(compiled(moved))).toBe(JSON.stringify(compiled(richGraph)));
  });

  it('params objects whose keys come in another order (e.g. read back from a jsonb column) compile to the identical JSON', () => {
    // Same graph as JSON values: only the key order inside params differs. Postgres jsonb does not
    // keep key order, so a stored draft can come back like this and should still compile byte-identically.
    const keyOrder = (set: Record<string, boolean | string>, headers: Record<string, string>): JourneyGraphInput => ({
      id: 'j-keys',
      name: 'Key order',
      nodes: [
        { id: 't', kind: 'trigger_manual', params: {} },
        { id: 'traits', kind: 'update_traits', params: { set } },
        { id: 'hook', kind: 'send_webhook', params: { url: 'https://example.com/sync', headers } },
        { id: 'x', kind: 'exit', params: {} },
      ],
      edges: [
        { id: 'e1', source: 't', outcome: 'next', target: 'traits' },
        { id: 'e2', source: 'traits', outcome: 'next', target: 'hook' },
        { id: 'e3', source: 'hook', outcome: 'next', target: 'x' },
      ],
    });
    const a = compiled(keyOrder({ welcomed: true, source: 'journey' }, { 'X-One': '1', 'X-Two': '2' }));
    const b = compiled(keyOrder({ source: 'journey', welcomed: true }, { 'X-Two': '2', 'X-One': '1' }));
    expect(b).toStrictEqual(a); // the same value...
    expect(JSON.stringify(b)).toBe(JSON.stringify(a)); // ...and the same bytes
  });

  it('params keys written in another order than the schema declares them do not matter', () => {
    const waitFirst = compiled({
      ...richGraph,
      nodes: richGraph.nodes.map((node) => (node.id === 'wait' ? { ...node, params: { timeout: { unit: 'days', amount: 3 }, event: 'Order Completed' } } : node)),
    });
    expect(JSON.stringify(waitFirst)).toBe(JSON.stringify(compiled(richGraph)));
  });
});

/** Every value is a JSON value: null, boolean, finite number, string, array or plain object; no undefined, no functions. */
const nonJsonValues = (value: unknown, path = '$'): string[] => {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return [];
  if (typeof value === 'number') return Number.isFinite(value) ? [] : [`${path}: non-finite number ${value}`];
  if (Array.isArray(value)) {
    const holes = value.length !== Object.keys(value).length ? [`${path}: sparse array`] : [];
    return [...holes, ...value.flatMap((item, i) => nonJsonValues(item, `${path}[${i}]`))];
  }
  if (typeof value === 'object') {
    const prototype = Object.getPrototypeOf(value) as unknown;
    if (prototype !== Object.prototype && prototype !== null) return [`${path}: not a plain object`];
    if (Object.getOwnPropertySymbols(value).length > 0) return [`${path}: symbol keys`];
    return Object.entries(value).flatMap(([key, item]) => nonJsonValues(item, `${path}.${key}`));
  }
  return [`${path}: ${typeof value}`];
};

describe('the output is data', () => {
  it('holds only JSON values (no functions, undefined, class instances)', () => {
    const journey = compiled(richGraph);
    expect(nonJsonValues(journey)).toEqual([]);
    expect(JSON.parse(JSON.stringify(journey))).toStrictEqual(journey);
  });

  it('the deep walk itself notices functions and undefined', () => {
    expect(nonJsonValues({ a: [1, { b: () => 1 }], c: undefined, d: new Date(0) })).toEqual([
      '$.a[1].b: function',
      '$.c: undefined',
      '$.d: not a plain object',
    ]);
  });
});

describe('unknownReferences', () => {
  it('is empty for compiled output', () => {
    expect(unknownReferences(compiled(richGraph))).toEqual([]);
  });

  const tamper = (change: (journey: CompiledJourney) => void): string[] => {
    // A JSON copy, as a stored definition is loaded (no shared sub-objects).
    const journey = JSON.parse(JSON.stringify(compiled(richGraph))) as CompiledJourney;
    change(journey);
    return unknownReferences(journey);
  };

  it('reports an unknown guard in a state', () => {
    expect(
      tamper((j) => {
        const first = j.machine.states.cluster?.always?.[0];
        if (first?.guard) first.guard.type = 'evil.guard';
      }),
    ).toEqual(['unknown guard "evil.guard" in state "cluster"']);
  });

  it('reports an unknown guard at the journey root', () => {
    expect(
      tamper((j) => {
        const first = j.machine.always?.[0];
        if (first?.guard) first.guard.type = 'rapport.eval';
      }),
    ).toEqual(['unknown guard "rapport.eval" in the journey root']);
  });

  it('reports an unknown entry action', () => {
    expect(
      tamper((j) => {
        const effect = j.machine.states.mail?.entry?.[1];
        if (effect) effect.type = 'rapport.exec';
      }),
    ).toEqual(['unknown action "rapport.exec" in state "mail"']);
  });

  it('reports an unknown transition action', () => {
    expect(
      tamper((j) => {
        const received = j.machine.states.wait?.on?.track?.at(-1);
        if (received) received.actions = [{ type: 'evil.action' }];
      }),
    ).toEqual(['unknown action "evil.action" in state "wait"']);
  });

  it('reports an unknown action on a delayed (after) transition', () => {
    expect(
      tamper((j) => {
        const timedOut = j.machine.states.wait?.after?.['wait:timeout']?.[0];
        if (timedOut) timedOut.actions = [{ type: 'evil.action' }];
      }),
    ).toEqual(['unknown action "evil.action" in state "wait"']);
  });

  it('reports an unknown delay type', () => {
    expect(
      tamper((j) => {
        const delay = j.delays['pause:delay'];
        if (delay) delay.type = 'evil.delay';
      }),
    ).toEqual(['unknown delay "evil.delay" in delay "pause:delay"']);
  });

  it('reports an `after` that uses a delay the journey does not define', () => {
    expect(
      tamper((j) => {
        delete j.delays['pause:delay'];
      }),
    ).toEqual(['state "pause" uses delay "pause:delay", which the journey does not define']);
  });
});

describe('goal and exit criteria', () => {
  const orderRule = { kind: 'condition', field: 'event.properties.total', operator: 'gte', value: 50 } as const;
  const phasedOut = { kind: 'condition', field: 'customer.stage', operator: 'eq', value: 'phased_out' } as const;
  const criteriaGraph: JourneyGraphInput = {
    id: 'j-criteria',
    name: 'Criteria',
    nodes: [
      { id: 't', kind: 'trigger_event', params: { event: 'Trial Started' } },
      { id: 'w', kind: 'wait_for_event', params: { event: 'Order Completed', timeout: { amount: 3, unit: 'days' } } },
      { id: 'g', kind: 'goal_reached', params: { label: 'ordered while waiting' } },
      { id: 'd', kind: 'wait_delay', params: { duration: { amount: 1, unit: 'days' } } },
      { id: 'x', kind: 'exit', params: {} },
    ],
    edges: [
      { id: 'e1', source: 't', outcome: 'next', target: 'w' },
      { id: 'e2', source: 'w', outcome: 'received', target: 'g' },
      { id: 'e3', source: 'w', outcome: 'timed_out', target: 'd' },
      { id: 'e4', source: 'd', outcome: 'next', target: 'x' },
    ],
    settings: {
      goal: { event: 'Order Completed', rule: orderRule },
      exit: [
        { type: 'event', event: 'Unsubscribed' },
        { type: 'rule', rule: phasedOut },
      ],
    },
  };

  const goalTransition = {
    guard: { type: 'rapport.event_matches', params: { role: 'goal', event: 'Order Completed', rule: orderRule } },
    target: '#@goal',
  };
  const exitEventTransition = {
    guard: { type: 'rapport.event_matches', params: { role: 'exit-0', event: 'Unsubscribed' } },
    target: '#@exit-0',
  };
  const receivedTransition = {
    guard: { type: 'rapport.event_matches', params: { role: 'wait', nodeId: 'w', event: 'Order Completed' } },
    target: '#g',
    actions: [{ type: 'rapport.remember_event' }],
  };

  it('compile to root-level `on` (goal first, then exit events) and `always` (exit rules)', () => {
    const { machine, finals } = compiled(criteriaGraph);
    expect(machine.on).toStrictEqual({
      track: [goalTransition, exitEventTransition],
      webhook: [goalTransition, exitEventTransition],
      // Moving a run (migration / analyst) to a non-trigger node.
    });
    expect(machine.always).toStrictEqual([
      { guard: { type: 'rapport.exit_rule', params: { index: 1, rule: phasedOut } }, target: '#@exit-1' },
    ]);
    expect(machine.states['@goal']).toStrictEqual({ id: '@goal', type: 'final' });
    expect(machine.states['@exit-0']).toStrictEqual({ id: '@exit-0', type: 'final' });
    expect(machine.states['@exit-1']).toStrictEqual({ id: '@exit-1', type: 'final' });
    expect(finals).toStrictEqual({
      g: { outcome: 'converted', reason: 'ordered while waiting' },
      x: { outcome: 'exited', reason: 'exit node' },
      '@goal': { outcome: 'converted', reason: 'goal event "Order Completed"' },
      '@exit-0': { outcome: 'exited', reason: 'exit event "Unsubscribed"' },
      '@exit-1': { outcome: 'exited', reason: 'exit rule 2' },
    });
  });

  it('are prepended to the handlers of a wait-for-event state, and leave other states alone', () => {
    const { machine } = compiled(criteriaGraph);
    expect(JSON.parse(JSON.stringify(machine.states.w))).toStrictEqual({
      id: 'w',
      on: {
        track: [goalTransition, exitEventTransition, receivedTransition],
        webhook: [goalTransition, exitEventTransition, receivedTransition],
      },
      after: { 'w:timeout': [{ target: '#d' }] },
      entry: [{ type: 'rapport.entered', params: { nodeId: 'w' } }],
      meta: { kind: 'wait_for_event' },
    });
    expect(JSON.parse(JSON.stringify(machine.states.d))).toStrictEqual({
      id: 'd',
      after: { 'd:delay': [{ target: '#x' }] },
      entry: [{ type: 'rapport.entered', params: { nodeId: 'd' } }],
      meta: { kind: 'wait_delay' },
    });
  });

  it('exit rules are checked before moving into a node that messages the customer, and nowhere else', () => {
    const { machine } = compiled(criteriaGraph);
    const exitRule = { guard: { type: 'rapport.exit_rule', params: { index: 1, rule: phasedOut } }, target: '#@exit-1' };
    // t → w: a wait, not a message, so the trigger moves on without the check (the root copy covers w).
    expect(JSON.parse(JSON.stringify(machine.states.t))).toStrictEqual({
      id: 't',
      always: [{ target: '#w' }],
      entry: [{ type: 'rapport.entered', params: { nodeId: 't' } }],
      meta: { kind: 'trigger_event' },
    });
    expect(machine.always).toStrictEqual([exitRule]);

    const messaging = compiled({
      ...criteriaGraph,
      nodes: [
        { id: 't', kind: 'trigger_event', params: { event: 'Signed Up' } },
        { id: 'u', kind: 'add_tag', params: { tag: 'lead' } },
        { id: 'm', kind: 'send_email', params: { subject: 's', body: 'b' } },
        { id: 'x', kind: 'exit', params: {} },
      ],
      edges: [
        { id: 'e1', source: 't', outcome: 'next', target: 'u' },
        { id: 'e2', source: 'u', outcome: 'next', target: 'm' },
        { id: 'e3', source: 'm', outcome: 'next', target: 'x' },
      ],
    }).machine;
    // u changes the customer, then the exit rules are checked before m sends anything.
    expect(messaging.states.u?.always).toStrictEqual([exitRule, { target: '#m' }]);
    expect(messaging.states.t?.always).toStrictEqual([{ target: '#u' }]);
    expect(messaging.states.m?.always).toStrictEqual([{ target: '#x' }]);
  });

  it('without goal or exits there are no root track/webhook handlers, no root `always` and no reserved states', () => {
    const plain = compiled({ ...criteriaGraph, settings: {} });
    expect(plain.machine.on).toBeUndefined();
    expect(moveTransitions(plain.machine).map((t) => t.target)).toEqual(['#d', '#g', '#w', '#x']);
    expect(plain.machine.always).toBeUndefined();
    expect(Object.keys(plain.machine.states).sort()).toEqual(['@start', 'd', 'g', 't', 'w', 'x']);
    expect(plain.machine.states.w?.on?.track).toStrictEqual([receivedTransition]);
  });

  const run = (total: number) =>
    simulate(compiled(criteriaGraph), { id: 'c-1' }, [
      { type: 'track', name: 'Trial Started', properties: {}, at: T0 },
      { type: 'track', name: 'Order Completed', properties: { total }, at: T0 + HOUR },
    ]);

  it('the goal wins over the wait’s own transition when both match', () => {
    const result = run(80);
    const step = result.steps[1];
    expect(step?.stateBefore).toBe('w');
    expect(step?.stateAfter).toBe('@goal');
    expect(step?.path).toEqual([]);
    expect(step?.outcome).toBe('converted');
    expect(step?.reason).toBe('goal event "Order Completed"');
    expect(step?.guards).toStrictEqual([
      { nodeId: null, guard: 'event_matches:goal', question: 'goal event "Order Completed"', result: true, seen: [{ field: 'event.properties.total', value: 80 }] },
    ]);
    expect(step?.timersCancelled).toEqual(['xstate.after.w:timeout.w']);
  });

  it('when the goal rule does not hold, the wait receives the event', () => {
    const result = run(20);
    const step = result.steps[1];
    expect(step?.stateAfter).toBe('g');
    expect(step?.path).toEqual(['g']);
    expect(step?.reason).toBe('ordered while waiting');
    expect(step?.guards).toStrictEqual([
      { nodeId: null, guard: 'event_matches:goal', question: 'goal event "Order Completed"', result: false, seen: [{ field: 'event.properties.total', value: 20 }] },
      { nodeId: 'w', guard: 'event_matches:wait', question: 'awaited event "Order Completed"', result: true, seen: [] },
    ]);
  });

  it('an exit event wins over the wait too', () => {
    const result = simulate(compiled(criteriaGraph), { id: 'c-1' }, [
      { type: 'track', name: 'Trial Started', properties: {}, at: T0 },
      { type: 'webhook', sourceId: 'esp', name: 'Unsubscribed', properties: {}, at: T0 + HOUR },
    ]);
    expect(result.steps[1]?.stateAfter).toBe('@exit-0');
    expect(result.runs[0]?.outcome).toBe('exited');
    expect(result.runs[0]?.reason).toBe('exit event "Unsubscribed"');
  });

  it('exit rules are checked in wait states without an `on` of their own', () => {
    const result = simulate(
      compiled(criteriaGraph),
      { id: 'c-1', stage: 'win_back' },
      [
        { type: 'track', name: 'Trial Started', properties: {}, at: T0 },
        { type: 'stage_changed', from: 'win_back', to: 'phased_out', at: T0 + 3 * DAY + HOUR },
      ],
    );
    expect(result.steps.map((s) => [s.stateBefore, s.stateAfter])).toEqual([
      [null, 'w'],
      ['w', 'd'],
      ['d', '@exit-1'],
    ]);
    expect(result.runs[0]?.reason).toBe('exit rule 2');
  });
});

describe('garbage input', () => {
  const garbage: [string, unknown][] = [
    ['null', null],
    ['undefined', undefined],
    ['an empty object', {}],
    ['a string', 'journey'],
    ['a JSON string of a journey', JSON.stringify(richGraph)],
    ['a number', 42],
    ['a boolean', true],
    ['an array', [richGraph]],
    ['a function', () => richGraph],
    ['nodes and edges of the wrong type', { id: 'j', name: 'J', nodes: 'start', edges: 5 }],
    ['nodes that are not objects', { id: 'j', name: 'J', nodes: [null, 5, 'x', []], edges: [null] }],
    ['an unknown node kind', { id: 'j', name: 'J', nodes: [{ id: 't', kind: 'teleport' }], edges: [] }],
    ['params of the wrong type', { id: 'j', name: 'J', nodes: [{ id: 't', kind: 'trigger_manual', params: 'none' }], edges: [] }],
    ['settings of the wrong type', { ...richGraph, settings: 'every_time' }],
    ['an id with a dot', { ...richGraph, id: 'a.b' }],
    ['a huge position', { id: 'j', name: 'J', nodes: [{ id: 't', kind: 'trigger_manual', position: { x: JSON.parse('1e999') as number, y: 0 } }], edges: [] }],
    ['NaN in params', { ...richGraph, nodes: richGraph.nodes.map((n) => (n.id === 'pause' ? { ...n, params: { duration: { amount: Number.NaN, unit: 'hours' } } } : n)) }],
    ['a huge delay', { ...richGraph, nodes: richGraph.nodes.map((n) => (n.id === 'pause' ? { ...n, params: { duration: { amount: 1e300, unit: 'weeks' } } } : n)) }],
    ['a huge split weight', { ...richGraph, nodes: richGraph.nodes.map((n) => (n.id === 'split' ? { ...n, params: { branches: [{ key: 'a', weight: 1e308 }, { key: 'b', weight: -1e308 }] } } : n)) }],
    ['a huge count', { ...richGraph, nodes: [...richGraph.nodes, { id: 'h', kind: 'condition_event_history', params: { event: 'x', atLeast: 1e21, withinDays: 2 ** 53 } }] }],
    ['a name that is too long', { ...richGraph, name: 'x'.repeat(100_000) }],
    ['too many nodes', { ...richGraph, nodes: Array.from({ length: 1001 }, (_, i) => ({ id: `n${i}`, kind: 'exit' })) }],
    ['a rule of the wrong shape', { ...richGraph, settings: { goal: { event: 'x', rule: { kind: 'condition', field: 'customer.stage', operator: 'matches_regex', value: '.*' } } } }],
    ['an edge to itself with an unknown outcome', { ...richGraph, edges: [...richGraph.edges, { id: 'loop', source: 'mail', outcome: 'again', target: 'mail' }] }],
  ];

  it.each(garbage)('%s → { ok: false, errors } without throwing', (_name, input) => {
    let result: ReturnType<typeof compile> | undefined;
    expect(() => {
      result = compile(input);
    }).not.toThrow();
    expect(result?.ok).toBe(false);
    if (result && !result.ok) {
      expect(result.errors.length).toBeGreaterThan(0);
      for (const error of result.errors) {
        expect(error.severity).toBe('error');
        expect(error.message.length).toBeGreaterThan(0);
      }
    }
  });

  /** `{"kind":"group",...,"rules":[ ... ]}` nested `depth` times around one condition, as JSON text. */
  const deeplyNestedRule = (depth: number): unknown =>
    JSON.parse(
      `${'{"kind":"group","combinator":"and","rules":['.repeat(depth)}{"kind":"condition","field":"customer.id","operator":"exists"}${']}'.repeat(depth)}`,
    );

  it('a deeply nested rule in a node (a 100 kB JSON document) → { ok: false } without throwing', () => {
    const graph = {
      id: 'j-deep',
      name: 'Deep',
      nodes: [
        { id: 't', kind: 'trigger_manual', params: {} },
        { id: 'c', kind: 'condition_rule', params: { rule: deeplyNestedRule(2000) } },
        { id: 'x', kind: 'exit', params: {} },
      ],
      edges: [
        { id: 'e1', source: 't', outcome: 'next', target: 'c' },
        { id: 'e2', source: 'c', outcome: 'yes', target: 'x' },
        { id: 'e3', source: 'c', outcome: 'no', target: 'x' },
      ],
    };
    let result: ReturnType<typeof compile> | undefined;
    expect(() => {
      result = compile(graph);
    }).not.toThrow();
    expect(result?.ok).toBe(false);
    if (result && !result.ok) expect(result.errors.map((e) => [e.code, e.nodeId])).toContainEqual(['invalid_params', 'c']);
  });

  it('a deeply nested rule in the goal setting → { ok: false } without throwing', () => {
    const graph = { ...richGraph, settings: { goal: { event: 'Upgraded', rule: deeplyNestedRule(2000) } } };
    let result: ReturnType<typeof compile> | undefined;
    expect(() => {
      result = compile(graph);
    }).not.toThrow();
    expect(result?.ok).toBe(false);
  });
});
