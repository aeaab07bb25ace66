/**
 * Golden tests for every node kind: the registry's example params, outcomes, summaries and docs,
 * the exact XState state each kind compiles to, trigger matching, and action effects.
 *
 * The expected values below are written by hand from the node kinds' documented behaviour; a new
 * kind added to `nodeKinds` fails the type check (the `Record<NodeKind, …>` tables) and the
 * "every kind has a golden" tests until it gets its own entries here.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { compile } from '../compiler.js';
import type { CustomerProfile, JsonValue } from '../domain.js';
import type { JourneyEvent, JourneyEventType } from '../events.js';
import type { JourneyGraphInput } from '../graph.js';
import type { ImplementationRef, RunOutcome, StateJson } from '../machine.js';
import type { CustomerUpdate, EffectDraft, RunScope, TriggerContext } from './kind.js';
import { nodeKinds, type NodeKind } from './kinds.js';
import { nodeKindDefinition, nodeKindRegistry } from './registry.js';

const DAY = 86_400_000;
const HOUR = 3_600_000;
const MINUTE = 60_000;

/** The example params after the kind's schema applied its defaults. */
const parsedExample = (kind: NodeKind): unknown => {
  const definition = nodeKindDefinition(kind);
  return definition.params.parse(definition.example);
};

const isTriggerKind = (kind: NodeKind): boolean => nodeKindDefinition(kind).category === 'trigger';

/** trigger (a manual trigger, unless the kind is itself a trigger) → node "n" → one Exit per outcome. */
const graphFor = (kind: NodeKind, params: unknown, outcomes: readonly string[]): JourneyGraphInput => {
  const trigger = isTriggerKind(kind);
  return {
    id: 'golden',
    name: 'Golden',
    nodes: [
      ...(trigger ? [] : [{ id: 't', kind: 'trigger_manual' as const, params: {} }]),
      { id: 'n', kind, params: params as Record<string, unknown> },
      ...outcomes.map((outcome) => ({ id: `x_${outcome}`, kind: 'exit' as const, params: {} })),
    ],
    edges: [
      ...(trigger ? [] : [{ id: 'e_t', source: 't', outcome: 'next', target: 'n' }]),
      ...outcomes.map((outcome) => ({ id: `e_${outcome}`, source: 'n', outcome, target: `x_${outcome}` })),
    ],
  };
};

/** Plain JSON copy, so `toStrictEqual` also catches `undefined` members. */
const json = (value: unknown): unknown => JSON.parse(JSON.stringify(value));

interface Golden {
  outcomes: string[];
  summary: string;
  /** `journey.machine.states.n` */
  state: StateJson;
  /** `journey.delays` (only node "n" registers delays in these graphs). */
  delays: Record<string, ImplementationRef>;
  /** `journey.finals.n` */
  final: { outcome: RunOutcome; reason: string } | null;
}

const entered = { type: 'rapport.entered', params: { nodeId: 'n' } };

const exampleRule = {
  kind: 'group',
  combinator: 'and',
  rules: [
    { kind: 'condition', field: 'customer.stage', operator: 'eq', value: 'retain_develop' },
    { kind: 'condition', field: 'customer.traits.ltv', operator: 'gt', value: 500 },
  ],
};

const goldens: Record<NodeKind, Golden> = {
  // ---- triggers: pass straight through to `next`
  trigger_event: {
    outcomes: ['next'],
    summary: 'When "E-book Downloaded" happens',
    state: { id: 'n', always: [{ target: '#x_next' }], entry: [entered], meta: { kind: 'trigger_event' } },
    delays: {},
    final: null,
  },
  trigger_trait_changed: {
    outcomes: ['next'],
    summary: 'When plan changes to "pro"',
    state: { id: 'n', always: [{ target: '#x_next' }], entry: [entered], meta: { kind: 'trigger_trait_changed' } },
    delays: {},
    final: null,
  },
  trigger_stage_changed: {
    outcomes: ['next'],
    summary: 'When stage changes to keep_reactivate',
    state: { id: 'n', always: [{ target: '#x_next' }], entry: [entered], meta: { kind: 'trigger_stage_changed' } },
    delays: {},
    final: null,
  },
  trigger_segment_entered: {
    outcomes: ['next'],
    summary: 'When customer enters segment engaged-readers',
    state: { id: 'n', always: [{ target: '#x_next' }], entry: [entered], meta: { kind: 'trigger_segment_entered' } },
    delays: {},
    final: null,
  },
  trigger_segment_left: {
    outcomes: ['next'],
    summary: 'When customer leaves segment engaged-readers',
    state: { id: 'n', always: [{ target: '#x_next' }], entry: [entered], meta: { kind: 'trigger_segment_left' } },
    delays: {},
    final: null,
  },
  trigger_date: {
    outcomes: ['next'],
    summary: '30 days before renewal_date at 09:00',
    state: { id: 'n', always: [{ target: '#x_next' }], entry: [entered], meta: { kind: 'trigger_date' } },
    delays: {},
    final: null,
  },
  trigger_webhook: {
    outcomes: ['next'],
    summary: 'When webhook shop sends "Delivery Confirmed"',
    state: { id: 'n', always: [{ target: '#x_next' }], entry: [entered], meta: { kind: 'trigger_webhook' } },
    delays: {},
    final: null,
  },
  trigger_manual: {
    outcomes: ['next'],
    summary: 'When enrolled manually or by API',
    state: { id: 'n', always: [{ target: '#x_next' }], entry: [entered], meta: { kind: 'trigger_manual' } },
    delays: {},
    final: null,
  },

  // ---- conditions: guarded `always` transitions, the fallback last and unguarded
  condition_rule: {
    outcomes: ['yes', 'no'],
    summary: 'If stage is Retain & develop and ltv > 500',
    state: {
      id: 'n',
      always: [
        { guard: { type: 'rapport.rule', params: { nodeId: 'n', rule: exampleRule } }, target: '#x_yes' },
        { target: '#x_no' },
      ],
      entry: [entered],
      meta: { kind: 'condition_rule' },
    },
    delays: {},
    final: null,
  },
  switch_cluster: {
    outcomes: ['star', 'question_mark', 'cash_cow', 'dog', 'default'],
    summary: 'Switch by cluster: Star, Question mark, Cash cow, Dog',
    state: {
      id: 'n',
      always: [
        { guard: { type: 'rapport.cluster_is', params: { nodeId: 'n', cluster: 'star' } }, target: '#x_star' },
        { guard: { type: 'rapport.cluster_is', params: { nodeId: 'n', cluster: 'question_mark' } }, target: '#x_question_mark' },
        { guard: { type: 'rapport.cluster_is', params: { nodeId: 'n', cluster: 'cash_cow' } }, target: '#x_cash_cow' },
        { guard: { type: 'rapport.cluster_is', params: { nodeId: 'n', cluster: 'dog' } }, target: '#x_dog' },
        { target: '#x_default' },
      ],
      entry: [entered],
      meta: { kind: 'switch_cluster' },
    },
    delays: {},
    final: null,
  },
  switch_stage: {
    outcomes: ['retain_develop', 'keep_reactivate', 'default'],
    summary: 'Switch by stage: Retain & develop, Keep & reactivate',
    state: {
      id: 'n',
      always: [
        { guard: { type: 'rapport.stage_is', params: { nodeId: 'n', stage: 'retain_develop' } }, target: '#x_retain_develop' },
        { guard: { type: 'rapport.stage_is', params: { nodeId: 'n', stage: 'keep_reactivate' } }, target: '#x_keep_reactivate' },
        { target: '#x_default' },
      ],
      entry: [entered],
      meta: { kind: 'switch_stage' },
    },
    delays: {},
    final: null,
  },
  split_random: {
    outcomes: ['variant_a', 'variant_b', 'holdout'],
    summary: 'Split variant_a 45% / variant_b 45% / holdout 10%',
    state: {
      id: 'n',
      always: [
        { guard: { type: 'rapport.split', params: { nodeId: 'n', branch: 'variant_a', from: 0, to: 45 } }, target: '#x_variant_a' },
        { guard: { type: 'rapport.split', params: { nodeId: 'n', branch: 'variant_b', from: 45, to: 90 } }, target: '#x_variant_b' },
        { target: '#x_holdout' },
      ],
      entry: [entered],
      meta: { kind: 'split_random' },
    },
    delays: {},
    final: null,
  },
  condition_event_history: {
    outcomes: ['yes', 'no'],
    summary: 'Did "Product Viewed" ≥ 3× in 7 days',
    state: {
      id: 'n',
      always: [
        {
          guard: { type: 'rapport.event_count', params: { nodeId: 'n', event: 'Product Viewed', atLeast: 3, withinDays: 7 } },
          target: '#x_yes',
        },
        { target: '#x_no' },
      ],
      entry: [entered],
      meta: { kind: 'condition_event_history' },
    },
    delays: {},
    final: null,
  },

  // ---- waits: `after` with a named delay registered in `journey.delays`
  wait_delay: {
    outcomes: ['next'],
    summary: 'Wait 3 days',
    state: { id: 'n', after: { 'n:delay': [{ target: '#x_next' }] }, entry: [entered], meta: { kind: 'wait_delay' } },
    delays: { 'n:delay': { type: 'rapport.duration', params: { ms: 259_200_000 } } },
    final: null,
  },
  wait_until: {
    outcomes: ['next'],
    summary: 'Wait until mon/tue/wed/thu/fri 09:00–17:00',
    state: { id: 'n', after: { 'n:until': [{ target: '#x_next' }] }, entry: [entered], meta: { kind: 'wait_until' } },
    delays: {
      'n:until': { type: 'rapport.until_window', params: { days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '09:00', to: '17:00' } },
    },
    final: null,
  },
  wait_for_event: {
    outcomes: ['received', 'timed_out'],
    summary: 'Wait up to 14 days for "Order Completed"',
    state: {
      id: 'n',
      on: {
        track: [
          {
            guard: { type: 'rapport.event_matches', params: { role: 'wait', nodeId: 'n', event: 'Order Completed' } },
            target: '#x_received',
            actions: [{ type: 'rapport.remember_event' }],
          },
        ],
        webhook: [
          {
            guard: { type: 'rapport.event_matches', params: { role: 'wait', nodeId: 'n', event: 'Order Completed' } },
            target: '#x_received',
            actions: [{ type: 'rapport.remember_event' }],
          },
        ],
      },
      after: { 'n:timeout': [{ target: '#x_timed_out' }] },
      entry: [entered],
      meta: { kind: 'wait_for_event' },
    },
    delays: { 'n:timeout': { type: 'rapport.duration', params: { ms: 1_209_600_000 } } },
    final: null,
  },

  // ---- actions: an effect (or a customer update) on entry, then `next`
  send_email: {
    outcomes: ['next'],
    summary: 'Email: Hi {{ customer.traits.first_name | default: "there" }}',
    state: {
      id: 'n',
      entry: [
        entered,
        {
          type: 'rapport.effect',
          params: {
            nodeId: 'n',
            kind: 'send_email',
            params: { subject: 'Hi {{ customer.traits.first_name | default: "there" }}', body: 'Thanks for downloading {{ trigger.properties.title }}.' },
          },
        },
      ],
      always: [{ target: '#x_next' }],
      meta: { kind: 'send_email' },
    },
    delays: {},
    final: null,
  },
  send_sms: {
    outcomes: ['next'],
    summary: 'SMS: Hi {{ customer.traits.first_name }}, you…',
    state: {
      id: 'n',
      entry: [
        entered,
        { type: 'rapport.effect', params: { nodeId: 'n', kind: 'send_sms', params: { body: 'Hi {{ customer.traits.first_name }}, your parcel has arrived.' } } },
      ],
      always: [{ target: '#x_next' }],
      meta: { kind: 'send_sms' },
    },
    delays: {},
    final: null,
  },
  send_webhook: {
    outcomes: ['next'],
    summary: 'POST https://ads.example.com/audiences/product-viewers',
    state: {
      id: 'n',
      entry: [
        entered,
        {
          type: 'rapport.effect',
          params: {
            nodeId: 'n',
            kind: 'send_webhook',
            params: {
              method: 'POST',
              url: 'https://ads.example.com/audiences/product-viewers',
              headers: { 'Content-Type': 'application/json' },
              body: '{"customer_id": "{{ customer.id }}", "product": "{{ trigger.properties.sku }}"}',
            },
          },
        },
      ],
      always: [{ target: '#x_next' }],
      meta: { kind: 'send_webhook' },
    },
    delays: {},
    final: null,
  },
  update_traits: {
    outcomes: ['next'],
    summary: 'Update onboarding_done',
    state: {
      id: 'n',
      entry: [
        entered,
        { type: 'rapport.update_customer', params: { nodeId: 'n', update: { setTraits: { onboarding_done: true }, unsetTraits: [] } } },
        { type: 'rapport.customer_updated', params: { nodeId: 'n', update: { setTraits: { onboarding_done: true }, unsetTraits: [] } } },
      ],
      always: [{ target: '#x_next' }],
      meta: { kind: 'update_traits' },
    },
    delays: {},
    final: null,
  },
  set_stage: {
    outcomes: ['next'],
    summary: 'Set stage to retain_develop',
    state: {
      id: 'n',
      entry: [
        entered,
        { type: 'rapport.update_customer', params: { nodeId: 'n', update: { stage: 'retain_develop' } } },
        { type: 'rapport.customer_updated', params: { nodeId: 'n', update: { stage: 'retain_develop' } } },
      ],
      always: [{ target: '#x_next' }],
      meta: { kind: 'set_stage' },
    },
    delays: {},
    final: null,
  },
  add_tag: {
    outcomes: ['next'],
    summary: 'Add tag vip',
    state: {
      id: 'n',
      entry: [
        entered,
        { type: 'rapport.update_customer', params: { nodeId: 'n', update: { addTags: ['vip'] } } },
        { type: 'rapport.customer_updated', params: { nodeId: 'n', update: { addTags: ['vip'] } } },
      ],
      always: [{ target: '#x_next' }],
      meta: { kind: 'add_tag' },
    },
    delays: {},
    final: null,
  },
  remove_tag: {
    outcomes: ['next'],
    summary: 'Remove tag trial',
    state: {
      id: 'n',
      entry: [
        entered,
        { type: 'rapport.update_customer', params: { nodeId: 'n', update: { removeTags: ['trial'] } } },
        { type: 'rapport.customer_updated', params: { nodeId: 'n', update: { removeTags: ['trial'] } } },
      ],
      always: [{ target: '#x_next' }],
      meta: { kind: 'remove_tag' },
    },
    delays: {},
    final: null,
  },
  create_task: {
    outcomes: ['next'],
    summary: 'Task for team customer-service, due in 30 minutes, script "complaint"',
    state: {
      id: 'n',
      entry: [
        entered,
        {
          type: 'rapport.effect',
          params: {
            nodeId: 'n',
            kind: 'create_task',
            params: {
              assignee: { type: 'team', id: 'customer-service' },
              title: 'Call {{ customer.traits.first_name }} about the complaint',
              due: { amount: 30, unit: 'minutes' },
              script: ['Apologise', 'Explain what happened', "Offer the manager's gesture"],
              scriptName: 'complaint',
            },
          },
        },
      ],
      always: [{ target: '#x_next' }],
      meta: { kind: 'create_task' },
    },
    delays: {},
    final: null,
  },
  notify_team: {
    outcomes: ['next'],
    summary: 'Notify #vip-alerts',
    state: {
      id: 'n',
      entry: [
        entered,
        {
          type: 'rapport.effect',
          params: {
            nodeId: 'n',
            kind: 'notify_team',
            params: { via: 'chat', target: '#vip-alerts', message: 'Star customer {{ customer.id }} complained: {{ trigger.properties.subject }}' },
          },
        },
      ],
      always: [{ target: '#x_next' }],
      meta: { kind: 'notify_team' },
    },
    delays: {},
    final: null,
  },
  give_incentive: {
    outcomes: ['next'],
    summary: 'Give 15% off (cost 12 EUR)',
    state: {
      id: 'n',
      entry: [
        entered,
        {
          type: 'rapport.effect',
          params: {
            nodeId: 'n',
            kind: 'give_incentive',
            params: { type: 'percent_discount', value: 15, cost: 12, currency: 'EUR', expiresInDays: 14 },
          },
        },
      ],
      always: [{ target: '#x_next' }],
      meta: { kind: 'give_incentive' },
    },
    delays: {},
    final: null,
  },
  enrol_journey: {
    outcomes: ['next'],
    summary: 'Enrol in expansion-cross-sell',
    state: {
      id: 'n',
      entry: [entered, { type: 'rapport.effect', params: { nodeId: 'n', kind: 'enrol_journey', params: { journeyId: 'expansion-cross-sell' } } }],
      always: [{ target: '#x_next' }],
      meta: { kind: 'enrol_journey' },
    },
    delays: {},
    final: null,
  },
  record_conversion: {
    outcomes: ['next'],
    summary: 'Record conversion referral_sent',
    state: {
      id: 'n',
      entry: [entered, { type: 'rapport.effect', params: { nodeId: 'n', kind: 'record_conversion', params: { name: 'referral_sent' } } }],
      always: [{ target: '#x_next' }],
      meta: { kind: 'record_conversion' },
    },
    delays: {},
    final: null,
  },

  // ---- flow: final states, with what reaching them means in `journey.finals`
  goal_reached: {
    outcomes: [],
    summary: 'Goal reached',
    state: { id: 'n', type: 'final', entry: [entered], meta: { kind: 'goal_reached' } },
    delays: {},
    final: { outcome: 'converted', reason: 'goal node' },
  },
  exit: {
    outcomes: [],
    summary: 'Exit: farewell sent',
    state: { id: 'n', type: 'final', entry: [entered], meta: { kind: 'exit' } },
    delays: {},
    final: { outcome: 'exited', reason: 'farewell sent' },
  },
};

describe('the node kind registry', () => {
  it('has a definition and a golden for every kind in nodeKinds, and nothing else', () => {
    expect(Object.keys(nodeKindRegistry).sort()).toEqual([...nodeKinds].sort());
    expect(Object.keys(goldens).sort()).toEqual([...nodeKinds].sort());
  });

  it.each(nodeKinds)('%s: its definition names its own kind', (kind) => {
    expect(nodeKindDefinition(kind).kind).toBe(kind);
  });
});

describe.each(nodeKinds)('node kind %s', (kind) => {
  const definition = nodeKindDefinition(kind);
  const golden = goldens[kind];

  it('its example params parse with its schema', () => {
    const result = definition.params.safeParse(definition.example);
    expect(result.success, JSON.stringify(result.error?.issues)).toBe(true);
  });

  it('has the expected outcomes for its example', () => {
    expect(definition.outcomes(parsedExample(kind))).toEqual(golden.outcomes);
  });

  it('summarises its example in one readable line', () => {
    const summary = definition.summary(parsedExample(kind));
    expect(summary).toBe(golden.summary);
    expect(summary.trim().length).toBeGreaterThan(0);
    expect(summary).not.toMatch(/undefined|\[object Object\]|NaN|\n/);
  });

  it('has a label, a description and docs', () => {
    expect(definition.label.trim()).not.toBe('');
    expect(definition.description.trim().length).toBeGreaterThan(10);
    expect(definition.docs.trim().length).toBeGreaterThan(definition.description.trim().length);
  });

  it('compiles to the golden state', () => {
    const result = compile(graphFor(kind, definition.example, golden.outcomes));
    if (!result.ok) throw new Error(`golden graph for ${kind} did not compile: ${JSON.stringify(result.errors)}`);
    const { journey } = result;
    expect(json(journey.machine.states.n)).toStrictEqual(golden.state);
    expect(json(journey.delays)).toStrictEqual(golden.delays);
    expect(json(journey.finals.n ?? null)).toStrictEqual(golden.final);
    // The exits of the test graph are finals too.
    for (const outcome of golden.outcomes) {
      expect(journey.finals[`x_${outcome}`]).toStrictEqual({ outcome: 'exited', reason: 'exit node' });
    }
    // The start state routes each trigger to its node.
    const triggerId = isTriggerKind(kind) ? 'n' : 't';
    expect(json(journey.machine.states['@start'])).toStrictEqual({
      id: '@start',
      always: [{ guard: { type: 'rapport.started_at', params: { nodeId: triggerId } }, target: `#${triggerId}` }],
    });
    expect(json(journey.triggers)).toStrictEqual([
      isTriggerKind(kind)
        ? { nodeId: 'n', kind, params: json(parsedExample(kind)) }
        : { nodeId: 't', kind: 'trigger_manual', params: {} },
    ]);
  });

  it('declares the behaviour its category needs', () => {
    expect(definition.trigger !== undefined).toBe(definition.category === 'trigger');
    expect(definition.waits === true).toBe(definition.category === 'wait');
    expect(definition.final !== undefined).toBe(definition.category === 'flow');
    if (definition.category === 'action') expect(definition.effect !== undefined || definition.customerUpdate !== undefined).toBe(true);
    else expect(definition.effect === undefined && definition.customerUpdate === undefined).toBe(true);
  });
});

// ---------------------------------------------------------------------------------------------
// Trigger matching

const NOW = Date.UTC(2026, 2, 2, 10, 0, 0);

const customer: CustomerProfile = {
  id: 'c-42',
  traits: { first_name: 'Ada', email: 'ada@example.com', phone: '+4915112345678', plan: 'pro' },
  stage: 'retain_develop',
  cluster: 'star',
  tags: ['trial'],
  timezone: 'Europe/Berlin',
  consent: { email: true },
};

const triggerContext: TriggerContext = { journeyId: 'j-1', nodeId: 'n-1', customer, now: NOW, timeZone: 'Europe/Berlin' };

const track = (name: string, properties: Record<string, JsonValue> = {}): JourneyEvent => ({ type: 'track', name, properties, at: NOW });
const webhook = (sourceId: string, name: string, properties: Record<string, JsonValue> = {}): JourneyEvent => ({
  type: 'webhook',
  sourceId,
  name,
  properties,
  at: NOW,
});

type TriggerKind = Extract<
  NodeKind,
  | 'trigger_event'
  | 'trigger_trait_changed'
  | 'trigger_stage_changed'
  | 'trigger_segment_entered'
  | 'trigger_segment_left'
  | 'trigger_date'
  | 'trigger_webhook'
  | 'trigger_manual'
>;

interface MatchCase {
  name: string;
  params: Record<string, unknown>;
  event: JourneyEvent;
  result: boolean;
}

const matchCases: Record<TriggerKind, { eventTypes: JourneyEventType[]; cases: MatchCase[] }> = {
  trigger_event: {
    eventTypes: ['track'],
    cases: [
      { name: 'name matches, no rule', params: { event: 'Order Completed' }, event: track('Order Completed'), result: true },
      { name: 'name mismatch', params: { event: 'Order Completed' }, event: track('Order Placed'), result: false },
      { name: 'event type mismatch (a webhook with the same name)', params: { event: 'Order Completed' }, event: webhook('shop', 'Order Completed'), result: false },
      {
        name: 'event type mismatch (enrol)',
        params: { event: 'Order Completed' },
        event: { type: 'enrol', journeyId: 'j-1', properties: {}, at: NOW },
        result: false,
      },
      {
        name: 'rule on the event holds',
        params: { event: 'Order Completed', rule: { kind: 'condition', field: 'event.properties.total', operator: 'gt', value: 100 } },
        event: track('Order Completed', { total: 150 }),
        result: true,
      },
      {
        name: 'rule on the event is false',
        params: { event: 'Order Completed', rule: { kind: 'condition', field: 'event.properties.total', operator: 'gt', value: 100 } },
        event: track('Order Completed', { total: 100 }),
        result: false,
      },
      {
        name: 'rule on the customer holds',
        params: { event: 'Order Completed', rule: { kind: 'condition', field: 'customer.traits.plan', operator: 'eq', value: 'pro' } },
        event: track('Order Completed'),
        result: true,
      },
      {
        name: 'rule on the customer is false',
        params: { event: 'Order Completed', rule: { kind: 'condition', field: 'customer.cluster', operator: 'eq', value: 'dog' } },
        event: track('Order Completed'),
        result: false,
      },
    ],
  },
  trigger_webhook: {
    eventTypes: ['webhook'],
    cases: [
      { name: 'source and name match', params: { sourceId: 'shop', event: 'Delivery Confirmed' }, event: webhook('shop', 'Delivery Confirmed'), result: true },
      { name: 'source mismatch', params: { sourceId: 'shop', event: 'Delivery Confirmed' }, event: webhook('crm', 'Delivery Confirmed'), result: false },
      { name: 'name mismatch', params: { sourceId: 'shop', event: 'Delivery Confirmed' }, event: webhook('shop', 'Delivery Failed'), result: false },
      { name: 'event type mismatch (a track call)', params: { sourceId: 'shop', event: 'Delivery Confirmed' }, event: track('Delivery Confirmed'), result: false },
      { name: 'no event name: any delivery from the source', params: { sourceId: 'shop' }, event: webhook('shop', 'Anything'), result: true },
      {
        name: 'rule false',
        params: { sourceId: 'shop', rule: { kind: 'condition', field: 'event.properties.carrier', operator: 'eq', value: 'dhl' } },
        event: webhook('shop', 'Delivery Confirmed', { carrier: 'ups' }),
        result: false,
      },
      {
        name: 'rule holds',
        params: { sourceId: 'shop', rule: { kind: 'condition', field: 'event.properties.carrier', operator: 'eq', value: 'dhl' } },
        event: webhook('shop', 'Delivery Confirmed', { carrier: 'dhl' }),
        result: true,
      },
    ],
  },
  trigger_trait_changed: {
    eventTypes: ['trait_changed'],
    cases: [
      { name: 'trait, from and to match', params: { trait: 'plan', from: 'free', to: 'pro' }, event: { type: 'trait_changed', trait: 'plan', from: 'free', to: 'pro', at: NOW }, result: true },
      { name: 'from value mismatch', params: { trait: 'plan', from: 'free', to: 'pro' }, event: { type: 'trait_changed', trait: 'plan', from: 'trial', to: 'pro', at: NOW }, result: false },
      { name: 'to value mismatch', params: { trait: 'plan', from: 'free', to: 'pro' }, event: { type: 'trait_changed', trait: 'plan', from: 'free', to: 'team', at: NOW }, result: false },
      { name: 'trait name mismatch', params: { trait: 'plan', from: 'free', to: 'pro' }, event: { type: 'trait_changed', trait: 'seats', from: 'free', to: 'pro', at: NOW }, result: false },
      { name: 'to value of another type ("5" is not 5)', params: { trait: 'seats', to: 5 }, event: { type: 'trait_changed', trait: 'seats', from: 3, to: '5', at: NOW }, result: false },
      { name: 'no from/to: any change, even a removal', params: { trait: 'plan' }, event: { type: 'trait_changed', trait: 'plan', from: 'pro', at: NOW }, result: true },
      { name: 'from null matches a trait that was not set', params: { trait: 'plan', from: null }, event: { type: 'trait_changed', trait: 'plan', to: 'pro', at: NOW }, result: true },
      { name: 'from null does not match a trait that was set', params: { trait: 'plan', from: null }, event: { type: 'trait_changed', trait: 'plan', from: 'free', to: 'pro', at: NOW }, result: false },
      { name: 'to null matches a removal', params: { trait: 'plan', to: null }, event: { type: 'trait_changed', trait: 'plan', from: 'pro', at: NOW }, result: true },
      { name: 'event type mismatch', params: { trait: 'plan' }, event: { type: 'stage_changed', from: null, to: 'expand', at: NOW }, result: false },
    ],
  },
  trigger_stage_changed: {
    eventTypes: ['stage_changed'],
    cases: [
      { name: 'from and to match', params: { from: 'retain_develop', to: 'keep_reactivate' }, event: { type: 'stage_changed', from: 'retain_develop', to: 'keep_reactivate', at: NOW }, result: true },
      { name: 'from mismatch', params: { from: 'retain_develop', to: 'keep_reactivate' }, event: { type: 'stage_changed', from: 'expand', to: 'keep_reactivate', at: NOW }, result: false },
      { name: 'to mismatch', params: { from: 'retain_develop', to: 'keep_reactivate' }, event: { type: 'stage_changed', from: 'retain_develop', to: 'win_back', at: NOW }, result: false },
      { name: 'only to: from anywhere, even no stage', params: { to: 'keep_reactivate' }, event: { type: 'stage_changed', from: null, to: 'keep_reactivate', at: NOW }, result: true },
      { name: 'neither: every move', params: {}, event: { type: 'stage_changed', from: 'win_back', to: 'phased_out', at: NOW }, result: true },
      { name: 'from given but the customer had no stage', params: { from: 'selection' }, event: { type: 'stage_changed', from: null, to: 'identify_attract', at: NOW }, result: false },
      { name: 'event type mismatch', params: {}, event: track('stage_changed'), result: false },
    ],
  },
  trigger_segment_entered: {
    eventTypes: ['segment_entered'],
    cases: [
      { name: 'segment entered', params: { segmentId: 'engaged-readers' }, event: { type: 'segment_entered', segmentId: 'engaged-readers', at: NOW }, result: true },
      { name: 'another segment', params: { segmentId: 'engaged-readers' }, event: { type: 'segment_entered', segmentId: 'lapsed', at: NOW }, result: false },
      { name: 'left instead of entered', params: { segmentId: 'engaged-readers' }, event: { type: 'segment_left', segmentId: 'engaged-readers', at: NOW }, result: false },
    ],
  },
  trigger_segment_left: {
    eventTypes: ['segment_left'],
    cases: [
      { name: 'segment left', params: { segmentId: 'engaged-readers' }, event: { type: 'segment_left', segmentId: 'engaged-readers', at: NOW }, result: true },
      { name: 'another segment', params: { segmentId: 'engaged-readers' }, event: { type: 'segment_left', segmentId: 'lapsed', at: NOW }, result: false },
      { name: 'entered instead of left', params: { segmentId: 'engaged-readers' }, event: { type: 'segment_entered', segmentId: 'engaged-readers', at: NOW }, result: false },
    ],
  },
  trigger_date: {
    eventTypes: ['date_reached'],
    cases: [
      {
        name: 'this journey and node',
        params: { trait: 'renewal_date', direction: 'before', offset: { amount: 30, unit: 'days' } },
        event: { type: 'date_reached', journeyId: 'j-1', nodeId: 'n-1', trait: 'renewal_date', at: NOW },
        result: true,
      },
      {
        name: 'another node of this journey',
        params: { trait: 'renewal_date', direction: 'before', offset: { amount: 30, unit: 'days' } },
        event: { type: 'date_reached', journeyId: 'j-1', nodeId: 'n-2', trait: 'renewal_date', at: NOW },
        result: false,
      },
      {
        name: 'the same node id in another journey',
        params: { trait: 'renewal_date', direction: 'before', offset: { amount: 30, unit: 'days' } },
        event: { type: 'date_reached', journeyId: 'j-2', nodeId: 'n-1', trait: 'renewal_date', at: NOW },
        result: false,
      },
      {
        name: 'event type mismatch',
        params: { trait: 'renewal_date', direction: 'before', offset: { amount: 30, unit: 'days' } },
        event: { type: 'enrol', journeyId: 'j-1', properties: {}, at: NOW },
        result: false,
      },
    ],
  },
  trigger_manual: {
    eventTypes: ['enrol'],
    cases: [
      { name: 'enrolled in this journey', params: {}, event: { type: 'enrol', journeyId: 'j-1', properties: {}, at: NOW }, result: true },
      { name: 'enrolled in another journey', params: {}, event: { type: 'enrol', journeyId: 'j-2', properties: {}, at: NOW }, result: false },
      { name: 'event type mismatch', params: {}, event: track('enrol'), result: false },
    ],
  },
};

describe('trigger.matches', () => {
  it('covers every trigger kind', () => {
    expect(Object.keys(matchCases).sort()).toEqual(nodeKinds.filter(isTriggerKind).sort());
  });

  describe.each(Object.keys(matchCases) as TriggerKind[])('%s', (kind) => {
    const definition = nodeKindDefinition(kind);
    const behaviour = definition.trigger;
    const table = matchCases[kind];

    it('listens to its event types', () => {
      expect(behaviour?.eventTypes).toEqual(table.eventTypes);
    });

    it.each(table.cases)('$name → $result', ({ params, event, result }) => {
      if (!behaviour) throw new Error(`${kind} has no trigger behaviour`);
      expect(behaviour.matches(definition.params.parse(params), event, triggerContext).result).toBe(result);
    });
  });

  it('records the values a trigger rule saw', () => {
    const definition = nodeKindDefinition('trigger_event');
    const params = definition.params.parse({ event: 'Order Completed', rule: { kind: 'condition', field: 'event.properties.total', operator: 'gt', value: 100 } });
    expect(definition.trigger?.matches(params, track('Order Completed', { total: 150 }), triggerContext)).toStrictEqual({
      result: true,
      seen: [{ field: 'event.properties.total', value: 150 }],
    });
  });

  it('records the new value for trait and stage triggers', () => {
    const trait = nodeKindDefinition('trigger_trait_changed');
    expect(
      trait.trigger?.matches(trait.params.parse({ trait: 'plan', to: 'pro' }), { type: 'trait_changed', trait: 'plan', from: 'free', to: 'pro', at: NOW }, triggerContext),
    ).toStrictEqual({ result: true, seen: [{ field: 'customer.traits.plan', value: 'pro' }] });
    const stage = nodeKindDefinition('trigger_stage_changed');
    expect(
      stage.trigger?.matches(stage.params.parse({ to: 'win_back' }), { type: 'stage_changed', from: 'keep_reactivate', to: 'expand', at: NOW }, triggerContext),
    ).toStrictEqual({ result: false, seen: [{ field: 'customer.stage', value: 'expand' }] });
  });
});

describe('trigger.repeatable', () => {
  it.each([
    ['trigger_event', { event: 'Order Completed' }, true],
    ['trigger_webhook', { sourceId: 'shop' }, true],
    ['trigger_trait_changed', { trait: 'plan' }, true],
    ['trigger_stage_changed', {}, true],
    ['trigger_segment_entered', { segmentId: 'engaged-readers' }, true],
    ['trigger_segment_left', { segmentId: 'engaged-readers' }, true],
    ['trigger_manual', {}, true],
    ['trigger_date', { trait: 'birthday', direction: 'after', offset: { amount: 0, unit: 'days' }, yearly: true }, true],
    ['trigger_date', { trait: 'renewal_date', direction: 'before', offset: { amount: 30, unit: 'days' }, yearly: false }, false],
    ['trigger_date', { trait: 'renewal_date', direction: 'before', offset: { amount: 30, unit: 'days' } }, false],
  ] as const)('%s %j → %s', (kind, params, repeatable) => {
    const definition = nodeKindDefinition(kind);
    expect(definition.trigger?.repeatable(definition.params.parse(params))).toBe(repeatable);
  });
});

// ---------------------------------------------------------------------------------------------
// Action effects and customer updates

const scope: RunScope = {
  customer,
  event: { name: 'Product Viewed', properties: { sku: 'SKU-1', category: 'books' }, at: NOW - HOUR },
  trigger: { name: 'E-book Downloaded', properties: { title: 'CRM Basics', subject: 'Parcel arrived damaged', sku: 'SKU-1' }, at: NOW - DAY },
  journey: { id: 'j-welcome', name: 'Welcome' },
  run: { id: 'run-1' },
  now: NOW,
};

type EffectKind = Extract<
  NodeKind,
  'send_email' | 'send_sms' | 'send_webhook' | 'create_task' | 'notify_team' | 'give_incentive' | 'enrol_journey' | 'record_conversion'
>;
type UpdateKind = Extract<NodeKind, 'update_traits' | 'set_stage' | 'add_tag' | 'remove_tag'>;

const exampleEffects: Record<EffectKind, EffectDraft> = {
  send_email: {
    channel: 'email',
    payload: { to: 'ada@example.com', from: null, subject: 'Hi Ada', body: 'Thanks for downloading CRM Basics.' },
  },
  send_sms: { channel: 'sms', payload: { to: '+4915112345678', body: 'Hi Ada, your parcel has arrived.' } },
  send_webhook: {
    channel: 'webhook',
    payload: {
      method: 'POST',
      url: 'https://ads.example.com/audiences/product-viewers',
      headers: { 'Content-Type': 'application/json' },
      body: '{"customer_id": "c-42", "product": "SKU-1"}',
    },
  },
  create_task: {
    channel: 'task',
    payload: {
      assignee: { type: 'team', id: 'customer-service' },
      customerId: 'c-42',
      title: 'Call Ada about the complaint',
      description: null,
      dueAt: NOW + 30 * MINUTE,
      script: ['Apologise', 'Explain what happened', "Offer the manager's gesture"],
      scriptName: 'complaint',
    },
  },
  notify_team: {
    channel: 'chat',
    payload: { via: 'chat', target: '#vip-alerts', text: 'Star customer c-42 complained: Parcel arrived damaged', customerId: 'c-42' },
  },
  give_incentive: {
    channel: 'incentive',
    cost: 12,
    payload: { customerId: 'c-42', type: 'percent_discount', code: null, value: 15, currency: 'EUR', expiresAt: NOW + 14 * DAY },
  },
  enrol_journey: {
    channel: 'journey',
    payload: { journeyId: 'expansion-cross-sell', customerId: 'c-42', properties: { sku: 'SKU-1', category: 'books' } },
  },
  record_conversion: { channel: 'conversion', payload: { name: 'referral_sent', value: null, customerId: 'c-42' } },
};

const exampleUpdates: Record<UpdateKind, CustomerUpdate> = {
  update_traits: { setTraits: { onboarding_done: true }, unsetTraits: [] },
  set_stage: { stage: 'retain_develop' },
  add_tag: { addTags: ['vip'] },
  remove_tag: { removeTags: ['trial'] },
};

describe('action effects', () => {
  it('every action kind has an effect or a customer-update golden', () => {
    const actionKinds = nodeKinds.filter((kind) => nodeKindDefinition(kind).category === 'action').sort();
    expect([...Object.keys(exampleEffects), ...Object.keys(exampleUpdates)].sort()).toEqual(actionKinds);
    for (const kind of Object.keys(exampleEffects) as EffectKind[]) expect(nodeKindDefinition(kind).effect).toBeDefined();
    for (const kind of Object.keys(exampleUpdates) as UpdateKind[]) expect(nodeKindDefinition(kind).customerUpdate).toBeDefined();
  });

  it.each(Object.keys(exampleEffects) as EffectKind[])('%s renders its example for a sample run', (kind) => {
    const definition = nodeKindDefinition(kind);
    const draft = definition.effect?.(parsedExample(kind), scope);
    expect(json(draft)).toStrictEqual(exampleEffects[kind]);
  });

  it.each(Object.keys(exampleUpdates) as UpdateKind[])('%s changes the customer as expected', (kind) => {
    const definition = nodeKindDefinition(kind);
    expect(definition.customerUpdate?.(parsedExample(kind))).toStrictEqual(exampleUpdates[kind]);
  });

  it('only send_email and send_sms message the customer', () => {
    expect(nodeKinds.filter((kind) => nodeKindDefinition(kind).message === true)).toEqual(['send_email', 'send_sms']);
  });

  it('send_email: a customer without an email address gets to: null, and template defaults apply', () => {
    const email = nodeKindDefinition('send_email');
    const anonymous: RunScope = { ...scope, customer: { ...customer, traits: {} } };
    expect(email.effect?.(parsedExample('send_email'), anonymous)).toStrictEqual({
      channel: 'email',
      payload: { to: null, from: null, subject: 'Hi there', body: 'Thanks for downloading CRM Basics.' },
    });
    const numeric: RunScope = { ...scope, customer: { ...customer, traits: { email: 42 } } };
    expect(email.effect?.(parsedExample('send_email'), numeric).payload.to).toBeNull();
  });

  it('send_email: a sender and the journey/run/event variables', () => {
    const email = nodeKindDefinition('send_email');
    const params = email.params.parse({
      subject: '{{ journey.name }} for {{ customer.id }}',
      body: 'run {{ run.id }}, viewed {{ event.properties.sku }} ({{ event.name }}), stage {{ customer.stage }}, missing "{{ customer.traits.nope }}"',
      from: 'team@example.com',
    });
    expect(email.effect?.(params, scope)).toStrictEqual({
      channel: 'email',
      payload: {
        to: 'ada@example.com',
        from: 'team@example.com',
        subject: 'Welcome for c-42',
        body: 'run run-1, viewed SKU-1 (Product Viewed), stage retain_develop, missing ""',
      },
    });
  });

  it('send_sms: a customer without a phone gets to: null', () => {
    const sms = nodeKindDefinition('send_sms');
    expect(sms.effect?.(parsedExample('send_sms'), { ...scope, customer: { ...customer, traits: { first_name: 'Bo' } } })).toStrictEqual({
      channel: 'sms',
      payload: { to: null, body: 'Hi Bo, your parcel has arrived.' },
    });
  });

  it('enrol_journey: without a current event the properties are empty', () => {
    const enrol = nodeKindDefinition('enrol_journey');
    expect(enrol.effect?.(parsedExample('enrol_journey'), { ...scope, event: null }).payload.properties).toStrictEqual({});
  });

  it('give_incentive: without an expiry there is no expiresAt; cost is booked', () => {
    const incentive = nodeKindDefinition('give_incentive');
    const params = incentive.params.parse({ type: 'coupon', code: 'SORRY10', value: 10, cost: 4.5 });
    expect(incentive.effect?.(params, scope)).toStrictEqual({
      channel: 'incentive',
      cost: 4.5,
      payload: { customerId: 'c-42', type: 'coupon', code: 'SORRY10', value: 10, currency: 'EUR', expiresAt: null },
    });
  });

  it('create_task: a description template is rendered; due is relative to now', () => {
    const task = nodeKindDefinition('create_task');
    const params = task.params.parse({
      assignee: { type: 'person', id: 'manager-1' },
      title: 'Follow up with {{ customer.id }}',
      description: 'Complaint: {{ trigger.properties.subject }}',
      due: { amount: 2, unit: 'hours' },
    });
    expect(task.effect?.(params, scope)).toStrictEqual({
      channel: 'task',
      payload: {
        assignee: { type: 'person', id: 'manager-1' },
        customerId: 'c-42',
        title: 'Follow up with c-42',
        description: 'Complaint: Parcel arrived damaged',
        dueAt: NOW + 2 * HOUR,
        script: [],
      },
    });
  });

  it('a template that exceeds the render limits fails with a TemplateRenderError instead of rendering', () => {
    const email = nodeKindDefinition('send_email');
    const params = email.params.parse({ subject: 'ok', body: '{% for i in (1..2000000) %}x{% endfor %}' });
    expect(() => email.effect?.(params, scope)).toThrow(/^template could not be rendered: memory alloc limit exceeded/);
  });
});

describe('template safety in effects', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  const emailWithBody = (body: string): unknown => nodeKindDefinition('send_email').params.parse({ subject: 'Hi', body });
  /** The rendered body, or the error message when rendering refused. */
  const rendered = (body: string): string => {
    try {
      return String(nodeKindDefinition('send_email').effect?.(emailWithBody(body), scope).payload.body);
    } catch (error) {
      return `refused: ${(error as Error).message}`;
    }
  };

  it.each([`{% include 'package.json' %}`, `{% render 'package.json' %}`, `{% layout 'package.json' %}x`])(
    '%s does not put a server file into the message',
    (body) => {
      // package.json of this repository is in the working directory of the test run.
      expect(rendered(body)).not.toContain('"name": "rapport"');
    },
  );

  it('rendering does not read the wall clock ("now" is not the run’s virtual time)', () => {
    const body = 'Year {{ "now" | date: "%Y" }}';
    vi.useFakeTimers();
    vi.setSystemTime(Date.UTC(2020, 5, 1));
    const in2020 = rendered(body);
    vi.setSystemTime(Date.UTC(2040, 5, 1));
    const in2040 = rendered(body);
    expect(in2040).toBe(in2020);
  });
});
