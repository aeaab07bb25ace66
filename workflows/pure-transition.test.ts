import { describe, expect, it } from 'vitest';
import { initialTransition, transition } from 'xstate';
import { compile } from './compiler.js';
import { exampleJourneys } from './examples/index.js';
import { bindJourney } from './implementations.js';

/**
 * The cached-scope transitions must be indistinguishable from XState's own: same persisted
 * snapshot, same actions, for every state and every event or delay of every example journey.
 */
const at = Date.UTC(2026, 2, 29, 1, 30);
const customer = { id: 'c1', traits: { email: 'ada@example.com', first_name: 'Ada', ltv: 900, plan: 'pro' }, stage: 'retain_develop', cluster: 'star' as const, tags: ['vip'], timezone: 'Europe/Berlin', consent: {} };

/** Every `params.event` named anywhere in the machine (the events its guards wait for). */
const eventNames = (json: unknown, found = new Set<string>()): Set<string> => {
  if (Array.isArray(json)) for (const item of json) eventNames(item, found);
  else if (json !== null && typeof json === 'object') {
    for (const [key, value] of Object.entries(json)) {
      if (key === 'event' && typeof value === 'string') found.add(value);
      else eventNames(value, found);
    }
  }
  return found;
};

const comparable = (machine: { getPersistedSnapshot(s: unknown): unknown }, [snapshot, actions]: readonly [unknown, readonly { type: string; params?: unknown }[]]) =>
  JSON.parse(JSON.stringify({ snapshot: machine.getPersistedSnapshot(snapshot), actions: actions.map((a) => ({ type: a.type, params: a.params })) })) as unknown;

describe('pure transitions through one actor scope per machine', () => {
  for (const graph of exampleJourneys) {
    it(`match XState's transition() and initialTransition() on "${graph.id}"`, () => {
      const compiled = compile(graph);
      if (!compiled.ok) throw new Error(`${graph.id} does not compile`);
      const bound = bindJourney(compiled.journey);
      const { machine, transitions } = bound;
      const machineJson = compiled.journey.machine;
      const triggers = (machineJson.states['@start']?.always ?? []).map((t) => String((t.guard?.params as { nodeId?: string } | undefined)?.nodeId));
      const inputFor = (triggerNodeId: string) => ({
        journeyId: compiled.journey.journeyId,
        journeyName: compiled.journey.journeyName,
        runId: 'r1',
        triggerNodeId,
        trigger: { name: 'Order Completed', properties: { total: 120 }, at },
        enteredAt: at,
        timeZoneFallback: compiled.journey.timeZoneFallback,
        customer,
        now: at,
      });
      expect(triggers.length).toBeGreaterThan(0);
      let context: ReturnType<typeof transitions.initial>[0]['context'] | undefined;
      for (const trigger of triggers) {
        // Twice each, interleaved, so a scope that kept state between calls would show.
        const ours = [transitions.initial(inputFor(trigger)), transitions.initial(inputFor(trigger))];
        const theirs = [initialTransition(machine, inputFor(trigger)), initialTransition(machine, inputFor(trigger))];
        expect(ours.map((r) => comparable(machine, r))).toEqual(theirs.map((r) => comparable(machine, r)));
        context ??= ours[0]?.[0].context;
      }
      if (!context) throw new Error('no initial snapshot');
      const names = [...eventNames(machineJson)];
      const eventTypes = new Set([...Object.keys(machineJson.on ?? {}), ...Object.values(machineJson.states).flatMap((state) => Object.keys(state.on ?? {}))]);
      let compared = 0;
      let withActions = 0;
      for (const [stateId, state] of Object.entries(compiled.journey.machine.states)) {
        if (state.type === 'final') continue;
        const events = [
          ...[...eventTypes].flatMap((type) => names.map((name) => ({ type, name, properties: { total: 120, rating: 2 }, at: at + 1_000 }))),
          ...Object.keys(state.after ?? {}).map((delay) => ({ type: `xstate.after.${delay}.journey.${stateId}` })),
        ];
        for (const event of events) {
          const restored = () => machine.resolveState({ value: stateId, context: { ...context, now: at + 1_000 } });
          const mine = transitions.next(restored(), event);
          const again = transitions.next(restored(), event);
          const xstate = transition(machine, restored(), event);
          expect(comparable(machine, mine)).toEqual(comparable(machine, xstate));
          expect(comparable(machine, again)).toEqual(comparable(machine, xstate));
          compared += 1;
          if (mine[1].length > 0) withActions += 1;
        }
      }
      expect(compared).toBeGreaterThan(0);
      expect(withActions).toBeGreaterThan(0);
    });
  }
});
