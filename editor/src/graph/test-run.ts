import {
  customerProfileSchema,
  defaultLifecycleStages,
  valueClusterSchema,
  type JourneyGraph,
  type JsonValue,
  type SimulationEvent,
  type SimulationResult,
  type Step,
} from '../../../workflows/index.js';
import { parseRelativeTime, resolveTime } from './relative-time.js';

/** Test mode: a customer and a list of events as typed in the panel, turned into simulator input. Pure. */

export interface TestCustomerForm {
  id: string;
  traits: string;
  stage: string;
  cluster: string;
  timezone: string;
  tags: string;
}

export type TestEventForm =
  | { key: string; type: 'track'; at: string; name: string; properties: string }
  | { key: string; type: 'identify'; at: string; traits: string }
  | { key: string; type: 'stage'; at: string; stage: string }
  | { key: string; type: 'enrol'; at: string; properties: string };

export interface TestProblem {
  /** "customer" or the event row's key. */
  where: string;
  field: string;
  message: string;
}

type JsonObject = { [key: string]: JsonValue };

const parseObject = (text: string, where: string, field: string, problems: TestProblem[]): JsonObject => {
  if (text.trim() === '') return {};
  try {
    const value = JSON.parse(text) as unknown;
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) return value as JsonObject;
    problems.push({ where, field, message: 'write a JSON object, e.g. {"plan": "pro"}' });
  } catch (error) {
    problems.push({ where, field, message: `not valid JSON: ${(error as Error).message}` });
  }
  return {};
};

export type BuiltTest =
  | { ok: true; customer: ReturnType<typeof customerProfileSchema.parse>; events: SimulationEvent[]; start: number }
  | { ok: false; problems: TestProblem[] };

/** Checks the form and builds the simulator's customer and events (times relative to `start`). */
export const buildTest = (journey: Pick<JourneyGraph, 'id'>, form: TestCustomerForm, rows: readonly TestEventForm[], start: number): BuiltTest => {
  const problems: TestProblem[] = [];
  if (form.id.trim() === '') problems.push({ where: 'customer', field: 'id', message: 'give the test customer an id' });
  const traits = parseObject(form.traits, 'customer', 'traits', problems);
  const stage = form.stage === '' ? null : form.stage;
  if (stage !== null && !defaultLifecycleStages.some((s) => s.id === stage)) problems.push({ where: 'customer', field: 'stage', message: `"${stage}" is not a lifecycle stage` });
  const cluster = form.cluster === '' ? null : valueClusterSchema.safeParse(form.cluster);
  if (cluster && !cluster.success) problems.push({ where: 'customer', field: 'cluster', message: `"${form.cluster}" is not a value cluster` });
  const events: SimulationEvent[] = [];
  for (const row of rows) {
    const time = parseRelativeTime(row.at);
    const at = resolveTime(time, start);
    if (!time.ok || at === null) {
      problems.push({ where: row.key, field: 'at', message: time.ok ? 'not a time' : time.message });
      continue;
    }
    if (at < 0) {
      problems.push({ where: row.key, field: 'at', message: 'the time is before 1970' });
      continue;
    }
    switch (row.type) {
      case 'track':
        if (row.name.trim() === '') problems.push({ where: row.key, field: 'name', message: 'name the event, e.g. "Order Completed"' });
        events.push({ type: 'track', name: row.name.trim(), properties: parseObject(row.properties, row.key, 'properties', problems), at });
        break;
      case 'identify':
        events.push({ type: 'identify', traits: parseObject(row.traits, row.key, 'traits', problems), at });
        break;
      case 'stage':
        if (!defaultLifecycleStages.some((s) => s.id === row.stage)) problems.push({ where: row.key, field: 'stage', message: 'pick a lifecycle stage' });
        events.push({ type: 'stage_changed', from: null, to: row.stage, at });
        break;
      case 'enrol':
        events.push({ type: 'enrol', journeyId: journey.id, properties: parseObject(row.properties, row.key, 'properties', problems), at });
        break;
    }
  }
  if (problems.length > 0) return { ok: false, problems };
  const customer = customerProfileSchema.parse({
    id: form.id.trim(),
    traits,
    stage,
    cluster: cluster && cluster.success ? cluster.data : null,
    timezone: form.timezone.trim() === '' ? null : form.timezone.trim(),
    tags: form.tags.split(',').map((t) => t.trim()).filter((t) => t !== ''),
  });
  events.sort((a, b) => a.at - b.at);
  return { ok: true, customer, events, start };
};

/** Nodes the simulated customer entered and the edges they took, for highlighting the canvas. */
export const pathHighlight = (graph: Pick<JourneyGraph, 'edges'>, steps: readonly Pick<Step, 'path' | 'stateBefore'>[]): { nodes: Set<string>; edges: Set<string> } => {
  const nodes = new Set<string>();
  const edges = new Set<string>();
  const edgeBetween = (from: string, to: string) => graph.edges.find((e) => e.source === from && e.target === to);
  for (const step of steps) {
    let previous = step.stateBefore && !step.stateBefore.startsWith('@') ? step.stateBefore : null;
    for (const nodeId of step.path) {
      nodes.add(nodeId);
      if (previous) {
        const edge = edgeBetween(previous, nodeId);
        if (edge) edges.add(edge.id);
      }
      previous = nodeId;
    }
  }
  return { nodes, edges };
};

const show = (value: unknown): string => (value === undefined ? 'nothing (not set)' : JSON.stringify(value));

/** One step of a test run in words. */
export interface ExplainedStep {
  at: number;
  title: string;
  path: string[];
  guards: { text: string; result: boolean }[];
  effects: { nodeId: string; channel: string; text: string; error: string | null }[];
  timers: string[];
  outcome: string | null;
}

const inputTitle = (step: Step): string => {
  const input = step.input;
  switch (input.type) {
    case 'start': return `Entered through "${input.triggerNodeId}"${input.event && 'name' in input.event ? ` (${input.event.name})` : ''}`;
    case 'event': return `Event ${'name' in input.event ? `"${input.event.name}"` : input.event.type.replace('_', ' ')}`;
    case 'timer': return 'A wait ended (timer fired)';
    case 'move': return `Moved to "${input.toNodeId}"`;
    case 'end': return `Ended: ${input.reason}`;
    case 'timer_change': return input.dueAt === null ? `A wait was skipped: ${input.reason}` : `A wait was rescheduled: ${input.reason}`;
  }
};

const effectText = (payload: { [key: string]: JsonValue }): string => {
  const parts: string[] = [];
  for (const key of ['to', 'subject', 'body', 'text', 'title', 'url', 'method', 'code', 'value', 'journeyId', 'name']) {
    const value = payload[key];
    if (value !== undefined && value !== null && value !== '') parts.push(`${key}: ${typeof value === 'string' ? value : JSON.stringify(value)}`);
  }
  return parts.join('\n');
};

export const explainSteps = (result: Pick<SimulationResult, 'steps'>): ExplainedStep[] =>
  result.steps.map((step) => ({
    at: step.at,
    title: inputTitle(step),
    path: step.path,
    guards: step.guards.map((g) => ({
      result: g.result,
      text: `${g.nodeId ? `${g.nodeId}: ` : ''}${g.question} → ${g.result ? 'yes' : 'no'}${g.seen.length > 0 ? ` (saw ${g.seen.map((s) => `${s.field} = ${show(s.value)}`).join(', ')})` : ''}`,
    })),
    effects: step.effects.map((e) => ({ nodeId: e.nodeId, channel: e.channel, text: effectText(e.payload), error: e.error })),
    timers: step.timersSet.map((t) => `timer until ${new Date(t.dueAt).toISOString().replace('T', ' ').slice(0, 16)} UTC`),
    outcome: step.status === 'done' ? `Run ended: ${step.outcome ?? 'done'}${step.reason ? ` (${step.reason})` : ''}` : null,
  }));
