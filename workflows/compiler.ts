import { type Finding, errorsOf, warningsOf } from './findings.js';
import type { JourneyGraph } from './graph.js';
import type { CompiledJourney, ImplementationRef, MachineJson, StateJson, TransitionJson } from './machine.js';
import { eventMatchesGuard, namedEventTypes, toJson } from './nodes/fragments.js';
import type { CompileContext } from './nodes/kind.js';
import { nodeKindDefinition } from './nodes/registry.js';
import { validateJourney, type CheckedNode, type WorkspaceContext } from './validator.js';

export const compilerVersion = '1.0.0';

/** Reserved state ids (user ids cannot contain "@"). */
export const startStateId = '@start';
export const goalStateId = '@goal';
export const exitStateId = (index: number): string => `@exit-${index}`;
/**
 * The event that moves a run to a node (`{ type: moveEventType, nodeId }`, see `moveRun`). Its
 * transitions are not part of the compiled machine: `bindJourney` derives them for a separate
 * machine used only for moves (root handlers on every XState transition cost ~3× the time).
 */
export const moveEventType = 'rapport.move';

/** The root transitions that move a run to each node after the triggers. */
export const moveTransitions = (machine: MachineJson): TransitionJson[] =>
  Object.values(machine.states)
    .filter((state) => !state.id.startsWith('@') && state.meta?.kind !== undefined && !String(state.meta.kind).startsWith('trigger_'))
    .map((state) => ({ guard: { type: 'rapport.move_to', params: { nodeId: state.id } }, target: `#${state.id}` }));

export type CompileResult =
  | { ok: true; journey: CompiledJourney; warnings: Finding[] }
  | { ok: false; errors: Finding[]; warnings: Finding[] };

const byId = (a: { node: { id: string } }, b: { node: { id: string } }): number => (a.node.id < b.node.id ? -1 : a.node.id > b.node.id ? 1 : 0);

/**
 * Compiles a journey graph to an XState machine definition. Pure and deterministic: the same graph
 * gives byte-identical JSON (nodes are emitted in id order). User mistakes come back as findings
 * with a code and the node/edge id; this function does not throw for them.
 */
export const compile = (input: unknown, context: WorkspaceContext = {}): CompileResult => {
  const validation = validateJourney(input, context);
  const errors = errorsOf(validation.findings);
  const warnings = warningsOf(validation.findings);
  if (errors.length > 0 || !validation.graph) return { ok: false, errors, warnings };
  return { ok: true, journey: build(validation.graph, [...validation.checked.values()].sort(byId)), warnings };
};

const build = (graph: JourneyGraph, nodes: CheckedNode[]): CompiledJourney => {
  const targets = new Map(graph.edges.map((e) => [`${e.source}\u0000${e.outcome}`, e.target]));
  const delays: Record<string, ImplementationRef> = {};
  const finals: CompiledJourney['finals'] = {};
  const states: Record<string, StateJson> = {};

  const triggers = nodes.filter(({ node }) => nodeKindDefinition(node.kind).category === 'trigger');
  states[startStateId] = {
    id: startStateId,
    always: triggers.map(({ node }) => ({
      guard: { type: 'rapport.started_at', params: { nodeId: node.id } },
      target: `#${node.id}`,
    })),
  };

  for (const { node, params } of nodes) {
    const kind = nodeKindDefinition(node.kind);
    const ctx: CompileContext = {
      nodeId: node.id,
      target: (outcome) => `#${targets.get(`${node.id}\u0000${outcome}`) as string}`,
      delay: (suffix, ref) => {
        const name = `${node.id}:${suffix}`;
        delays[name] = ref;
        return name;
      },
    };
    const fragment = kind.compile(params, ctx);
    const entered = { type: 'rapport.entered', params: { nodeId: node.id } };
    states[node.id] = { id: node.id, ...fragment, entry: [entered, ...(fragment.entry ?? [])], meta: { kind: node.kind } };
    const final = kind.final?.(params);
    if (final) finals[node.id] = final;
  }

  // Journey-wide goal and exit criteria: root-level transitions, checked before a state's own handlers.
  const rootOn: Record<string, TransitionJson[]> = {};
  const rootAlways: TransitionJson[] = [];
  const onNamedEvent = (transition: TransitionJson): void => {
    for (const type of namedEventTypes) (rootOn[type] ??= []).push(transition);
  };
  const { goal, exit } = graph.settings;
  if (goal) {
    states[goalStateId] = { id: goalStateId, type: 'final' };
    finals[goalStateId] = { outcome: 'converted', reason: `goal event "${goal.event}"` };
    onNamedEvent({ guard: eventMatchesGuard('goal', goal.event, goal.rule), target: `#${goalStateId}` });
  }
  exit.forEach((criterion, index) => {
    const id = exitStateId(index);
    states[id] = { id, type: 'final' };
    if (criterion.type === 'event') {
      finals[id] = { outcome: 'exited', reason: `exit event "${criterion.event}"` };
      onNamedEvent({ guard: eventMatchesGuard(`exit-${index}`, criterion.event, criterion.rule), target: `#${id}` });
    } else {
      finals[id] = { outcome: 'exited', reason: `exit rule ${index + 1}` };
      rootAlways.push({ guard: { type: 'rapport.exit_rule', params: toJson({ index, rule: criterion.rule }) }, target: `#${id}` });
    }
  });
  const messageNodes = new Set(nodes.filter(({ node }) => nodeKindDefinition(node.kind).message).map(({ node }) => node.id));
  for (const state of Object.values(states)) {
    if (state.type === 'final') continue;
    for (const [type, own] of Object.entries(state.on ?? {})) {
      const global = rootOn[type];
      if (global && state.on) state.on[type] = [...global, ...own];
    }
    // Exit rules are checked before moving into a node that messages the customer (so a customer
    // who matches one — already at entry, or after this journey changed them — gets no further
    // messages); the root copy covers waiting states whenever an event arrives.
    const intoMessage = state.always?.some((t) => messageNodes.has(t.target.slice(1)));
    if (state.always && intoMessage && rootAlways.length > 0) state.always = [...rootAlways, ...state.always];
  }

  const machine: MachineJson = {
    id: 'journey',
    initial: startStateId,
    ...(Object.keys(rootOn).length > 0 ? { on: rootOn } : {}),
    ...(rootAlways.length > 0 ? { always: rootAlways } : {}),
    states,
  };
  return {
    compilerVersion,
    journeyId: graph.id,
    journeyName: graph.name,
    machine,
    delays,
    finals,
    triggers: triggers.map(({ node, params }) => ({ nodeId: node.id, kind: node.kind, params: toJson(params) })),
    entry: graph.settings.entry,
    timeZoneFallback: graph.settings.timeZone.fallback,
  };
};
