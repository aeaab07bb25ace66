import type { z } from 'zod';
import { defaultLifecycleStages } from './domain.js';
import type { Finding } from './findings.js';
import { journeyGraphSchema, type JourneyEdge, type JourneyGraph, type JourneyNode } from './graph.js';
import { adjacency, cycles, reachableFrom } from './graph-analysis.js';
import type { NodeReference } from './nodes/kind.js';
import { nodeKindDefinition } from './nodes/registry.js';
import { templateProblems } from './template.js';
import { isValidTimeZone } from './time.js';
import { ruleLimits } from './rule.js';

/** What the workspace knows; when a list is given, references outside it are errors. */
export interface WorkspaceContext {
  journeys?: readonly string[];
  segments?: readonly string[];
  stages?: readonly string[];
  /** Dialogue script names defined anywhere in the contact strategy (any cluster or the default); none saved: empty. */
  scripts?: readonly string[];
}

/** A node whose params passed its kind's schema. */
export interface CheckedNode {
  node: JourneyNode;
  params: unknown;
  outcomes: readonly string[];
}

export interface Validation {
  /** The parsed graph, when it had the right overall shape. */
  graph: JourneyGraph | null;
  /** Nodes whose params are valid, by id. */
  checked: Map<string, CheckedNode>;
  findings: Finding[];
}

/** Deeper documents are refused before parsing (schema validation recurses; this check does not). */
const maxDocumentDepth = 64;

/** How deep `value` nests (arrays and objects), counting at most to `limit + 1`; iterative. */
const nestingDepth = (value: unknown, limit: number): number => {
  let deepest = 0;
  const stack: { value: unknown; depth: number }[] = [{ value, depth: 0 }];
  while (stack.length > 0) {
    const { value: current, depth } = stack.pop() as { value: unknown; depth: number };
    if (depth > deepest) deepest = depth;
    if (deepest > limit) return deepest;
    if (current !== null && typeof current === 'object') {
      for (const child of Object.values(current)) if (child !== null && typeof child === 'object') stack.push({ value: child, depth: depth + 1 });
    }
  }
  return deepest;
};

const issuePath = (issue: z.core.$ZodIssue): (string | number)[] =>
  issue.path.map((segment) => (typeof segment === 'symbol' ? String(segment) : segment));

const formatPath = (path: readonly (string | number)[]): string => (path.length === 0 ? '' : ` at ${path.join('.')}`);

/** Structural and semantic checks of a journey graph (publish checks). Pure; never throws for user input. */
export const validateJourney = (input: unknown, context: WorkspaceContext = {}): Validation => {
  const findings: Finding[] = [];
  const checked = new Map<string, CheckedNode>();
  const error = (finding: Omit<Finding, 'severity'>): void => void findings.push({ ...finding, severity: 'error' });
  const warn = (finding: Omit<Finding, 'severity'>): void => void findings.push({ ...finding, severity: 'warning' });

  if (nestingDepth(input, maxDocumentDepth) > maxDocumentDepth) {
    const raw = input as { nodes?: unknown; settings?: unknown };
    const tooDeep = `nests more than ${maxDocumentDepth} levels deep; rules nest at most ${ruleLimits.maxDepth} groups`;
    const nodes = Array.isArray(raw.nodes) ? (raw.nodes as { id?: unknown; params?: unknown }[]) : [];
    nodes.forEach((node, index) => {
      if (nestingDepth(node, maxDocumentDepth - 2) <= maxDocumentDepth - 2) return;
      if (typeof node?.id === 'string') error({ code: 'invalid_params', nodeId: node.id, path: [], message: `the params of node "${node.id}" ${tooDeep}` });
      else error({ code: 'invalid_graph', path: ['nodes', index], message: `node ${index} ${tooDeep}` });
    });
    if (findings.length === 0) error({ code: 'invalid_graph', path: [], message: `the journey document ${tooDeep}` });
    return { graph: null, checked, findings };
  }
  const parsed = journeyGraphSchema.safeParse(input);
  if (!parsed.success) {
    const raw = input as { nodes?: { id?: unknown }[]; edges?: { id?: unknown }[] } | null;
    for (const issue of parsed.error.issues) {
      const path = issuePath(issue);
      const [collection, index] = path;
      const element = typeof index === 'number' && (collection === 'nodes' || collection === 'edges') ? raw?.[collection]?.[index] : undefined;
      const id = typeof element?.id === 'string' ? element.id : undefined;
      error({
        code: 'invalid_graph',
        message: `${issue.message}${formatPath(path)}`,
        path,
        ...(id && collection === 'nodes' ? { nodeId: id } : {}),
        ...(id && collection === 'edges' ? { edgeId: id } : {}),
      });
    }
    return { graph: null, checked, findings };
  }
  const graph = parsed.data;

  // ids
  const nodesById = new Map<string, JourneyNode>();
  for (const node of graph.nodes) {
    if (nodesById.has(node.id)) error({ code: 'duplicate_id', nodeId: node.id, message: `two nodes have the id "${node.id}"; give each node its own id` });
    else nodesById.set(node.id, node);
  }
  const edgeIds = new Set<string>();
  for (const edge of graph.edges) {
    if (edgeIds.has(edge.id) || nodesById.has(edge.id)) error({ code: 'duplicate_id', edgeId: edge.id, message: `the id "${edge.id}" is used twice; give each edge its own id` });
    edgeIds.add(edge.id);
  }

  // params
  for (const node of nodesById.values()) {
    const kind = nodeKindDefinition(node.kind);
    if (node.kind === 'wait_for_event' && node.params.timeout === undefined) {
      error({ code: 'wait_without_timeout', nodeId: node.id, path: ['timeout'], message: 'a wait-for-event node needs a timeout (e.g. { "amount": 7, "unit": "days" }) so no customer waits forever' });
      continue;
    }
    const result = kind.params.safeParse(node.params);
    if (!result.success) {
      for (const issue of result.error.issues) {
        const path = issuePath(issue);
        error({ code: 'invalid_params', nodeId: node.id, path, message: `${kind.label}: ${issue.message}${formatPath(path)}` });
      }
      continue;
    }
    if (node.kind === 'split_random') {
      const branches = (result.data as { branches: { weight: number }[] }).branches;
      const total = branches.reduce((sum, b) => sum + b.weight, 0);
      if (total !== 100) {
        error({ code: 'split_weights_invalid', nodeId: node.id, path: ['branches'], message: `split weights add up to ${total}; make them add up to 100` });
        continue;
      }
    }
    checked.set(node.id, { node, params: result.data, outcomes: kind.outcomes(result.data) });
  }

  // edges
  const connected = new Map<string, JourneyEdge>();
  const validEdges: JourneyEdge[] = [];
  for (const edge of graph.edges) {
    const source = nodesById.get(edge.source);
    const target = nodesById.get(edge.target);
    if (!source || !target) {
      const missing = !source ? edge.source : edge.target;
      error({ code: 'edge_unknown_node', edgeId: edge.id, message: `edge "${edge.id}" points at node "${missing}", which does not exist; delete the edge or reconnect it` });
      continue;
    }
    if (nodeKindDefinition(target.kind).category === 'trigger') {
      error({ code: 'edge_into_trigger', edgeId: edge.id, nodeId: target.id, message: `edge "${edge.id}" leads into trigger "${target.id}"; triggers start journeys and cannot be entered from another node; delete the edge or connect it to a node after the trigger` });
      continue;
    }
    const sourceChecked = checked.get(source.id);
    if (sourceChecked && !sourceChecked.outcomes.includes(edge.outcome)) {
      const names = sourceChecked.outcomes.length === 0 ? 'none (this node ends the run)' : sourceChecked.outcomes.map((o) => `"${o}"`).join(', ');
      error({ code: 'edge_unknown_outcome', edgeId: edge.id, nodeId: source.id, message: `node "${source.id}" has no outcome "${edge.outcome}"; its outcomes are ${names}` });
      continue;
    }
    const key = `${edge.source}\u0000${edge.outcome}`;
    const previous = connected.get(key);
    if (previous) {
      error({ code: 'outcome_connected_twice', edgeId: edge.id, nodeId: source.id, message: `outcome "${edge.outcome}" of node "${source.id}" is already connected by edge "${previous.id}"; an outcome leads to exactly one node, so delete one of the two edges` });
      continue;
    }
    connected.set(key, edge);
    validEdges.push(edge);
  }

  // triggers, connections, reachability, cycles
  const nodeIds = [...nodesById.keys()];
  const triggers = nodeIds.filter((id) => nodeKindDefinition((nodesById.get(id) as JourneyNode).kind).category === 'trigger');
  if (triggers.length === 0) error({ code: 'no_trigger', message: 'the journey has no trigger; add one (e.g. "Event received") so customers can enter' });

  for (const { node, outcomes } of checked.values()) {
    for (const outcome of outcomes) {
      if (!connected.has(`${node.id}\u0000${outcome}`)) {
        error({ code: 'unconnected_outcome', nodeId: node.id, path: [outcome], message: `outcome "${outcome}" of node "${node.id}" is not connected; connect it to the next step (or to an Exit)` });
      }
    }
  }

  const next = adjacency(nodeIds, validEdges);
  const reachable = reachableFrom(triggers, next);
  if (triggers.length > 0) {
    for (const id of nodeIds) {
      if (!reachable.has(id)) error({ code: 'unreachable_node', nodeId: id, message: `node "${id}" cannot be reached from any trigger; connect it or delete it` });
    }
  }

  const waits = (id: string): boolean => nodeKindDefinition((nodesById.get(id) as JourneyNode).kind).waits === true;
  const nonWaitIds = nodeIds.filter((id) => !waits(id));
  const nonWaitNext = adjacency(nonWaitIds, validEdges.filter((e) => !waits(e.source) && !waits(e.target)));
  for (const component of cycles(nonWaitIds, nonWaitNext)) {
    error({
      code: 'cycle_without_wait',
      nodeId: component[0],
      message: `nodes ${component.map((id) => `"${id}"`).join(' → ')} form a loop with no wait in it, which would run forever in one step; add a Delay or Wait node to the loop`,
    });
  }

  // references
  const stages = context.stages ?? defaultLifecycleStages.map((s) => s.id);
  for (const { node, params } of checked.values()) {
    const refs: NodeReference[] = nodeKindDefinition(node.kind).references?.(params) ?? [];
    for (const ref of refs) {
      switch (ref.type) {
        case 'template':
          for (const problem of templateProblems(ref.source)) {
            const code = problem.message.startsWith('unknown variable') ? 'unknown_template_variable' : 'invalid_template';
            error({ code, nodeId: node.id, path: ref.path, message: `${problem.message}${formatPath(ref.path)}` });
          }
          break;
        case 'journey':
          if (context.journeys && !context.journeys.includes(ref.id)) {
            error({ code: 'unknown_journey', nodeId: node.id, path: ref.path, message: `journey "${ref.id}" does not exist in this workspace; pick an existing journey` });
          }
          break;
        case 'segment':
          if (context.segments && !context.segments.includes(ref.id)) {
            error({ code: 'unknown_segment', nodeId: node.id, path: ref.path, message: `segment "${ref.id}" does not exist in this workspace; pick an existing segment` });
          }
          break;
        case 'stage':
          if (!stages.includes(ref.id)) {
            error({ code: 'unknown_stage', nodeId: node.id, path: ref.path, message: `"${ref.id}" is not a lifecycle stage; use one of ${stages.join(', ')}` });
          }
          break;
        case 'script':
          if (context.scripts && !context.scripts.includes(ref.name)) {
            const known = context.scripts.length === 0 ? 'the contact strategy has no dialogue scripts yet' : `its scripts are ${context.scripts.map((n) => `"${n}"`).join(', ')}`;
            warn({ code: 'unknown_script', nodeId: node.id, path: ref.path, message: `no cluster of the contact strategy (nor its default) has a dialogue script "${ref.name}" (${known}), so its tasks get only the step's own lines; add the script under Contact strategy or pick another` });
          }
          break;
      }
    }
  }

  if (!isValidTimeZone(graph.settings.timeZone.fallback)) {
    error({ code: 'invalid_time_zone', path: ['settings', 'timeZone', 'fallback'], message: `"${graph.settings.timeZone.fallback}" is not an IANA time zone; use e.g. "Europe/Berlin" or "UTC"` });
  }

  // warnings
  const hasGoalNode = graph.nodes.some((n) => n.kind === 'goal_reached');
  if (!graph.settings.goal && !hasGoalNode) {
    warn({ code: 'no_goal', message: 'the journey has no goal, so its conversions cannot be measured; set a goal event or add a "Goal reached" node' });
  }
  const entry = graph.settings.entry;
  if (entry.mode === 'one_at_a_time' || (entry.mode === 'every_time' && !entry.cooldown)) {
    for (const triggerId of triggers) {
      const trigger = checked.get(triggerId);
      const behaviour = nodeKindDefinition((nodesById.get(triggerId) as JourneyNode).kind).trigger;
      if (!trigger || !behaviour?.repeatable(trigger.params)) continue;
      const soon = reachableFrom([triggerId], next, (id) => id === triggerId || !waits(id));
      for (const id of soon) {
        const node = nodesById.get(id) as JourneyNode;
        if (id !== triggerId && !waits(id) && nodeKindDefinition(node.kind).message) {
          warn({
            code: 'message_without_wait',
            nodeId: id,
            message: `"${id}" messages the customer straight after trigger "${triggerId}", which can fire repeatedly; customers may get this message many times — add a wait, or use entry policy "once" or a cooldown`,
          });
        }
      }
    }
  }
  return { graph, checked, findings };
};
