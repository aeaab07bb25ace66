import { nodeKindDefinition, type JourneyGraphInput, type JourneyNode, type NodeKind } from '../../../workflows/index.js';

/** What changed between a published version and the draft, in words a marketer can read. */
export interface ParamChange {
  path: string;
  before: unknown;
  after: unknown;
}

export interface GraphDiff {
  added: { id: string; kind: string; label: string }[];
  removed: { id: string; kind: string; label: string }[];
  changed: { id: string; kind: string; label: string; changes: ParamChange[] }[];
  edgesAdded: string[];
  edgesRemoved: string[];
  settings: ParamChange[];
  /** Nodes only moved on the canvas (not a behaviour change). */
  moved: number;
  renamed: { before: string; after: string } | null;
}

const isObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);

/** JSON text with object keys sorted at every depth: the stored copy of a graph (PostgreSQL's jsonb) does not keep key order. */
const canonical = (value: unknown): string =>
  JSON.stringify(value, (_key, v: unknown) => (isObject(v) ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, v[k]])) : v));

/** Leaf-level differences between two JSON values, as dotted paths ("duration.amount"); key order does not count. */
export const jsonChanges = (before: unknown, after: unknown, path = ''): ParamChange[] => {
  if (canonical(before) === canonical(after)) return [];
  if (isObject(before) && isObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys.flatMap((key) => jsonChanges(before[key], after[key], path ? `${path}.${key}` : key));
  }
  return [{ path: path || '(value)', before, after }];
};

const nodeName = (node: Pick<JourneyNode, 'id' | 'kind' | 'label'>): string => node.label ?? `${nodeKindDefinition(node.kind).label} (${node.id})`;

const edgeText = (e: { source: string; outcome: string; target: string }): string => `${e.source} —${e.outcome}→ ${e.target}`;

/** Compares a version's graph (`base`) with the draft. */
export const diffGraphs = (base: JourneyGraphInput, draft: JourneyGraphInput): GraphDiff => {
  const baseNodes = new Map(base.nodes.map((n) => [n.id, n]));
  const draftNodes = new Map(draft.nodes.map((n) => [n.id, n]));
  const diff: GraphDiff = { added: [], removed: [], changed: [], edgesAdded: [], edgesRemoved: [], settings: [], moved: 0, renamed: null };
  for (const node of draft.nodes) {
    const before = baseNodes.get(node.id);
    if (!before) {
      diff.added.push({ id: node.id, kind: node.kind, label: nodeName(node) });
      continue;
    }
    const changes: ParamChange[] = [];
    if (before.kind !== node.kind) changes.push({ path: 'kind', before: before.kind, after: node.kind });
    if ((before.label ?? null) !== (node.label ?? null)) changes.push({ path: 'label', before: before.label ?? null, after: node.label ?? null });
    changes.push(...jsonChanges(before.params ?? {}, node.params ?? {}));
    if (changes.length > 0) diff.changed.push({ id: node.id, kind: node.kind, label: nodeName(node), changes });
    else if (canonical(before.position ?? null) !== canonical(node.position ?? null)) diff.moved += 1;
  }
  for (const node of base.nodes) if (!draftNodes.has(node.id)) diff.removed.push({ id: node.id, kind: node.kind, label: nodeName(node) });
  const key = (e: { source: string; outcome: string; target: string }) => `${e.source}\u0000${e.outcome}\u0000${e.target}`;
  const baseEdges = new Set(base.edges.map(key));
  const draftEdges = new Set(draft.edges.map(key));
  diff.edgesAdded = draft.edges.filter((e) => !baseEdges.has(key(e))).map(edgeText);
  diff.edgesRemoved = base.edges.filter((e) => !draftEdges.has(key(e))).map(edgeText);
  diff.settings = jsonChanges(base.settings ?? {}, draft.settings ?? {});
  if (base.name !== draft.name) diff.renamed = { before: base.name, after: draft.name };
  return diff;
};

export const isEmptyDiff = (diff: GraphDiff): boolean =>
  diff.added.length + diff.removed.length + diff.changed.length + diff.edgesAdded.length + diff.edgesRemoved.length + diff.settings.length === 0 && !diff.renamed;

/** Migration mapping for a publish that moves runs: each node of the live version → the draft node with the same id (when it can take runs). */
type NodeList = { nodes: readonly { id: string; kind: NodeKind }[] };
export const prefillMapping = (live: NodeList, draft: NodeList): Record<string, string> => {
  const targets = new Set(draft.nodes.filter((n) => nodeKindDefinition(n.kind).category !== 'trigger').map((n) => n.id));
  const mapping: Record<string, string> = {};
  for (const node of live.nodes) {
    if (nodeKindDefinition(node.kind).category === 'trigger') continue;
    mapping[node.id] = targets.has(node.id) ? node.id : '';
  }
  return mapping;
};

/** The mapping as the API takes it: unmapped nodes left out (their runs stay on their version). */
export const mappingForPublish = (mapping: Record<string, string>): Record<string, string> =>
  Object.fromEntries(Object.entries(mapping).filter(([, target]) => target !== ''));
