import {
  nodeKindDefinition,
  valueClusterLabels,
  valueClusterSchema,
  type JourneyEdge,
  type JourneyNode,
  type NodeKind,
} from '../../../workflows/index.js';

/** A param problem as the settings form shows it: where (path inside params) and what. */
export interface ParamIssue {
  path: (string | number)[];
  message: string;
}

export type ParamsCheck = { ok: true; params: unknown; issues: [] } | { ok: false; issues: ParamIssue[] };

const checks = new WeakMap<object, Map<NodeKind, ParamsCheck>>();

/** The node's params through its kind's zod schema. Cached per params object (params are immutable in the store). */
export const checkParams = (kind: NodeKind, params: Record<string, unknown>): ParamsCheck => {
  let byKind = checks.get(params);
  const cached = byKind?.get(kind);
  if (cached) return cached;
  const result = nodeKindDefinition(kind).params.safeParse(params);
  const check: ParamsCheck = result.success
    ? { ok: true, params: result.data, issues: [] }
    : {
        ok: false,
        issues: result.error.issues.map((issue) => ({
          path: issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p)),
          message: issue.message,
        })),
      };
  if (!byKind) checks.set(params, (byKind = new Map()));
  byKind.set(kind, check);
  return check;
};

/** The readable one-line summary, or a fallback that says what is missing. */
export const nodeSummary = (node: Pick<JourneyNode, 'kind' | 'params'>): { text: string; valid: boolean } => {
  const check = checkParams(node.kind, node.params);
  const kind = nodeKindDefinition(node.kind);
  if (check.ok) {
    try {
      return { text: kind.summary(check.params), valid: true };
    } catch {
      return { text: kind.label, valid: true };
    }
  }
  const first = check.issues[0];
  return { text: first ? `Needs setup: ${first.message}` : 'Needs setup', valid: false };
};

export interface OutcomeHandle {
  outcome: string;
  label: string;
  /** An edge leaves through an outcome this node no longer has (shown in red so it can be deleted). */
  stale: boolean;
}

const fixedLabels: Record<string, string> = {
  next: '',
  yes: 'Yes',
  no: 'No',
  received: 'Received',
  timed_out: 'Timed out',
  default: 'Default',
};

const humanise = (key: string): string => key.replace(/_/g, ' ').replace(/^\w/, (c) => c.toUpperCase());

/** The label on an outcome handle ("Yes", "Variant a · 45%", "Star", "Timed out"). */
export const outcomeLabel = (kind: NodeKind, params: unknown, outcome: string): string => {
  if (kind === 'split_random') {
    const branches = (params as { branches?: { key: string; label?: string; weight?: number; holdout?: boolean }[] } | null)?.branches ?? [];
    const branch = branches.find((b) => b.key === outcome);
    if (branch) return `${branch.label ?? humanise(branch.key)} · ${branch.weight ?? 0}%${branch.holdout ? ' (holdout)' : ''}`;
  }
  if (kind === 'switch_cluster') {
    const cluster = valueClusterSchema.safeParse(outcome);
    if (cluster.success) return valueClusterLabels[cluster.data];
  }
  return fixedLabels[outcome] ?? humanise(outcome);
};

/**
 * The outcome handles a node shows: its kind's outcomes for valid params; for params that do not
 * parse, the outcomes its edges use (so they stay visible) or the kind's usual outcomes. Outcomes
 * that edges use but the node no longer has are added as `stale`.
 */
export const nodeOutcomes = (node: Pick<JourneyNode, 'id' | 'kind' | 'params'>, edges: readonly JourneyEdge[]): OutcomeHandle[] => {
  const kind = nodeKindDefinition(node.kind);
  const check = checkParams(node.kind, node.params);
  const used = edges.filter((e) => e.source === node.id).map((e) => e.outcome);
  let outcomes: readonly string[];
  let params: unknown = node.params;
  if (check.ok) {
    outcomes = kind.outcomes(check.params);
    params = check.params;
  } else {
    let usual: readonly string[] = [];
    try {
      usual = kind.outcomes(node.params);
    } catch {
      usual = [];
    }
    if (usual.length === 0) {
      try {
        usual = kind.outcomes(kind.example);
      } catch {
        usual = [];
      }
      // Param-dependent outcomes (split, switches) of the example would be misleading.
      if (node.kind === 'split_random' || node.kind === 'switch_cluster' || node.kind === 'switch_stage') usual = [];
    }
    outcomes = [...new Set([...usual, ...used])];
  }
  const handles: OutcomeHandle[] = outcomes.map((outcome) => ({ outcome, label: outcomeLabel(node.kind, params, outcome), stale: false }));
  for (const outcome of new Set(used)) {
    if (!outcomes.includes(outcome)) handles.push({ outcome, label: `${outcomeLabel(node.kind, params, outcome)} (removed)`, stale: true });
  }
  return handles;
};
