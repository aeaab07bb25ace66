import {
  journeyGraphSchema,
  nodeKindDefinition,
  type JourneyEdge,
  type JourneyGraph,
  type JourneyGraphInput,
  type JourneyNode,
  type JourneySettings,
  type NodeKind,
} from '../../../workflows/index.js';
import { defaultParams } from './defaults.js';
import { uniqueId } from './ids.js';

/**
 * Graph operations the canvas performs. Pure: each takes a journey graph and returns a new one
 * (unchanged parts keep their identity, so memoised node components do not re-render).
 */

export interface Point {
  x: number;
  y: number;
}

export const defaultSettings = (): JourneySettings => ({ entry: { mode: 'once' }, exit: [], timeZone: { use: 'customer', fallback: 'UTC' } });

/** A stored draft with defaults applied; a draft that does not parse keeps what can be kept. */
export const normaliseDraft = (input: JourneyGraphInput): JourneyGraph => {
  const parsed = journeyGraphSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  return {
    id: input.id,
    name: input.name,
    ...(input.description !== undefined ? { description: input.description } : {}),
    nodes: (input.nodes ?? []).map((n) => ({ id: n.id, kind: n.kind, params: n.params ?? {}, position: n.position ?? { x: 0, y: 0 }, ...(n.label !== undefined ? { label: n.label } : {}) })),
    edges: input.edges ?? [],
    settings: { ...defaultSettings(), ...(input.settings as Partial<JourneySettings> | undefined) } as JourneySettings,
  };
};

export const emptyJourney = (id: string, name: string): JourneyGraph => ({ id, name, nodes: [], edges: [], settings: defaultSettings() });

const takenIds = (graph: JourneyGraph): Set<string> => new Set([...graph.nodes.map((n) => n.id), ...graph.edges.map((e) => e.id)]);

/** Adds a node of `kind` at `position` with its starting params; returns the new graph and the node's id. */
export const addNode = (graph: JourneyGraph, kind: NodeKind, position: Point): { graph: JourneyGraph; nodeId: string } => {
  const id = uniqueId(kind, takenIds(graph));
  const node: JourneyNode = { id, kind, params: defaultParams[kind](), position: { x: Math.round(position.x), y: Math.round(position.y) } };
  return { graph: { ...graph, nodes: [...graph.nodes, node] }, nodeId: id };
};

export interface Connection {
  source: string;
  outcome: string;
  target: string;
}

export type ConnectResult = { ok: true; graph: JourneyGraph; edgeId: string } | { ok: false; reason: string };

/**
 * Connects an outcome to a node. An outcome leads to exactly one node, so an existing edge from the
 * same outcome is replaced. Triggers cannot be entered, and a node cannot lead to itself directly.
 */
export const connect = (graph: JourneyGraph, connection: Connection): ConnectResult => {
  const source = graph.nodes.find((n) => n.id === connection.source);
  const target = graph.nodes.find((n) => n.id === connection.target);
  if (!source || !target) return { ok: false, reason: 'both ends must be nodes of this journey' };
  if (nodeKindDefinition(target.kind).category === 'trigger') return { ok: false, reason: 'a trigger starts the journey; it cannot be entered from another step' };
  if (source.id === target.id) return { ok: false, reason: 'a step cannot lead to itself' };
  const kept = graph.edges.filter((e) => !(e.source === connection.source && e.outcome === connection.outcome));
  const existing = graph.edges.find((e) => e.source === connection.source && e.outcome === connection.outcome);
  const taken = takenIds({ ...graph, edges: kept });
  const id = existing && !graph.nodes.some((n) => n.id === existing.id) ? existing.id : uniqueId(`e-${connection.source}-${connection.outcome}`.slice(0, 60), taken);
  const edge: JourneyEdge = { id, source: connection.source, outcome: connection.outcome, target: connection.target };
  return { ok: true, graph: { ...graph, edges: [...kept, edge] }, edgeId: id };
};

/** Deletes nodes (with every edge touching them) and edges. */
export const deleteElements = (graph: JourneyGraph, nodeIds: Iterable<string>, edgeIds: Iterable<string> = []): JourneyGraph => {
  const nodes = new Set(nodeIds);
  const edges = new Set(edgeIds);
  if (nodes.size === 0 && edges.size === 0) return graph;
  return {
    ...graph,
    nodes: graph.nodes.filter((n) => !nodes.has(n.id)),
    edges: graph.edges.filter((e) => !edges.has(e.id) && !nodes.has(e.source) && !nodes.has(e.target)),
  };
};

/** Moves nodes; nodes not in `positions` keep their identity. */
export const moveNodes = (graph: JourneyGraph, positions: ReadonlyMap<string, Point>): JourneyGraph => {
  if (positions.size === 0) return graph;
  let changed = false;
  const nodes = graph.nodes.map((n) => {
    const to = positions.get(n.id);
    if (!to || (to.x === n.position.x && to.y === n.position.y)) return n;
    changed = true;
    return { ...n, position: { x: to.x, y: to.y } };
  });
  return changed ? { ...graph, nodes } : graph;
};

/** Replaces one node's params or label (params are replaced whole: the store never mutates them). */
export const updateNode = (graph: JourneyGraph, nodeId: string, patch: { params?: Record<string, unknown>; label?: string | null }): JourneyGraph => ({
  ...graph,
  nodes: graph.nodes.map((n) => {
    if (n.id !== nodeId) return n;
    const next: JourneyNode = { ...n, ...(patch.params ? { params: patch.params } : {}) };
    if (patch.label !== undefined) {
      if (patch.label === null || patch.label.trim() === '') delete next.label;
      else next.label = patch.label;
    }
    return next;
  }),
});

/** Removes edges that leave through outcomes a node no longer has (after its branches changed). */
export const dropEdgesFromOutcomes = (graph: JourneyGraph, nodeId: string, outcomes: readonly string[]): JourneyGraph => {
  const edges = graph.edges.filter((e) => e.source !== nodeId || outcomes.includes(e.outcome));
  return edges.length === graph.edges.length ? graph : { ...graph, edges };
};

/** What Ctrl/Cmd+C keeps: the nodes and the edges between them. */
export interface Clipboard {
  nodes: JourneyNode[];
  edges: JourneyEdge[];
}

export const copySelection = (graph: JourneyGraph, nodeIds: Iterable<string>): Clipboard => {
  const ids = new Set(nodeIds);
  return {
    nodes: graph.nodes.filter((n) => ids.has(n.id)),
    edges: graph.edges.filter((e) => ids.has(e.source) && ids.has(e.target)),
  };
};

/** Pastes a clipboard with new ids (edges re-pointed), shifted by `offset`; returns the new node ids. */
export const pasteClipboard = (graph: JourneyGraph, clipboard: Clipboard, offset: Point): { graph: JourneyGraph; nodeIds: string[] } => {
  const taken = takenIds(graph);
  const renamed = new Map<string, string>();
  const nodes = clipboard.nodes.map((n) => {
    const id = uniqueId(n.id.replace(/-\d+$/, ''), taken);
    taken.add(id);
    renamed.set(n.id, id);
    return { ...structuredClone(n), id, position: { x: n.position.x + offset.x, y: n.position.y + offset.y } };
  });
  const edges = clipboard.edges.flatMap((e) => {
    const source = renamed.get(e.source);
    const target = renamed.get(e.target);
    if (!source || !target) return [];
    const id = uniqueId(`e-${source}-${e.outcome}`.slice(0, 60), taken);
    taken.add(id);
    return [{ id, source, outcome: e.outcome, target }];
  });
  return { graph: { ...graph, nodes: [...graph.nodes, ...nodes], edges: [...graph.edges, ...edges] }, nodeIds: nodes.map((n) => n.id) };
};
