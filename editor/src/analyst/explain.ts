/**
 * Pure helpers for the run inspector: "why this branch?" sentences from recorded guards, the
 * path a run took up to a step (for the canvas), and one-line descriptions of steps.
 */

export interface GuardLike {
  nodeId: string | null;
  guard: string;
  question: string;
  result: boolean;
  seen: readonly { field: string; value?: unknown }[];
}

export interface StepLike {
  seq: number;
  path: readonly string[];
  stateBefore: string | null;
  guards: readonly GuardLike[];
}

export interface EdgeLike {
  id: string;
  source: string;
  target: string;
  outcome: string;
}

/** A recorded value as a reader says it: `900`, `star`, `"a b"`, `not set`. */
export const showValue = (value: unknown): string => {
  if (value === undefined || value === null) return 'not set';
  if (typeof value === 'string') return /^[\w.@:-]+$/.test(value) ? value : JSON.stringify(value);
  return JSON.stringify(value);
};

/** "customer.traits.ltv was 900 and customer.stage was not set". */
export const seenText = (seen: GuardLike['seen']): string => seen.map((s) => `${s.field} was ${showValue(s.value)}`).join(' and ');

const negate = (question: string): string => (question === 'rule holds' ? 'rule does not hold' : /^exit rule \d+ holds$/.test(question) ? question.replace(' holds', ' does not hold') : `not ${question}`);

/**
 * The outcome the run left `nodeId` through in this step (the edge to the next node on its path),
 * or null. A node the run was waiting in before the step (a wait that received its event or timed
 * out) is not on the step's path: it left it for the path's first node.
 */
export const outcomeTaken = (step: Pick<StepLike, 'path' | 'stateBefore'>, nodeId: string, edges: readonly EdgeLike[]): string | null => {
  const at = step.path.indexOf(nodeId);
  const next = at >= 0 ? step.path[at + 1] : nodeId === step.stateBefore ? step.path[0] : undefined;
  if (next === undefined) return null;
  return edges.find((e) => e.source === nodeId && e.target === next)?.outcome ?? null;
};

export interface BranchExplanation {
  /** The condition (or wait) node, or null for journey-wide goal and exit checks. */
  nodeId: string | null;
  outcome: string | null;
  sentence: string;
  guards: readonly GuardLike[];
}

/** The sentence for one node's guards in one step, given the outcome label the run took (if any). */
export const branchSentence = (guards: readonly GuardLike[], outcomeLabel: string | null): string => {
  const first = guards[0];
  if (!first) return outcomeLabel ? `Took “${outcomeLabel}”` : 'Nothing was checked';
  const held = guards.find((g) => g.result);
  let reason: string;
  if (guards.length === 1) {
    const seen = seenText(first.seen);
    const answer = first.result ? first.question : negate(first.question);
    reason = seen ? `${seen} (${answer})` : answer;
  } else if (held) {
    const seen = seenText(held.seen);
    reason = seen ? `${held.question}: ${seen}` : held.question;
  } else {
    const seen = seenText(first.seen);
    reason = `no case held${seen ? `: ${seen}` : ''} (${guards.map((g) => g.question).join('; ')})`;
  }
  if (outcomeLabel) return `Took “${outcomeLabel}” because ${reason}`;
  if (first.nodeId === null) return `${held ? 'Held' : 'Did not hold'}: ${reason}`;
  return `Stayed: ${reason}`;
};

/**
 * "Why this branch?" for every node that evaluated guards in the step, in the order they were
 * checked. `labelOf` turns an outcome key into what the canvas shows ("yes" → "Yes").
 */
export const whyThisBranch = (step: StepLike, edges: readonly EdgeLike[], labelOf: (nodeId: string, outcome: string) => string = (_n, o) => o): BranchExplanation[] => {
  const order: (string | null)[] = [];
  const byNode = new Map<string | null, GuardLike[]>();
  for (const guard of step.guards) {
    // Journey-wide checks are separate sentences each (goal, exit rule 1, exit rule 2…).
    const key = guard.nodeId ?? `\u0000${guard.guard}`;
    const list = byNode.get(key);
    if (list) list.push(guard);
    else {
      byNode.set(key, [guard]);
      order.push(key);
    }
  }
  return order.map((key) => {
    const guards = byNode.get(key) ?? [];
    const nodeId = guards[0]?.nodeId ?? null;
    const outcome = nodeId ? outcomeTaken(step, nodeId, edges) : null;
    return { nodeId, outcome, guards, sentence: branchSentence(guards, nodeId && outcome ? labelOf(nodeId, outcome) : null) };
  });
};

/** Nodes entered and edges taken in steps 0..index (inclusive), plus the nodes of step `index` itself. */
export const pathUpToStep = (steps: readonly Pick<StepLike, 'path' | 'stateBefore'>[], edges: readonly EdgeLike[], index: number): { nodes: Set<string>; edges: Set<string>; current: Set<string> } => {
  const upTo = Math.min(index, steps.length - 1);
  const nodes = new Set<string>();
  const taken = new Set<string>();
  for (const step of steps.slice(0, Math.max(0, upTo + 1))) {
    // Timer and event steps continue from the state the run waited in ("@…" states are not nodes).
    let previous = step.stateBefore && !step.stateBefore.startsWith('@') ? step.stateBefore : null;
    for (const nodeId of step.path) {
      nodes.add(nodeId);
      const edge = previous ? edges.find((e) => e.source === previous && e.target === nodeId) : undefined;
      if (edge) taken.add(edge.id);
      previous = nodeId;
    }
  }
  return { nodes, edges: taken, current: new Set(upTo >= 0 ? (steps[upTo]?.path ?? []) : []) };
};

export type InputLike =
  | { type: 'start'; triggerNodeId: string; event: unknown }
  | { type: 'move'; toNodeId: string; by: string; reason: string }
  | { type: 'end'; by: string; reason: string }
  | { type: 'timer_change'; timerId: string; dueAt: number | null; by: string; reason: string }
  | { type: 'event'; event: unknown }
  | { type: 'timer'; timerId: string; by?: string; reason?: string };

const eventName = (event: unknown): string | null => {
  if (!event || typeof event !== 'object') return null;
  const e = event as { name?: unknown; type?: unknown };
  if (typeof e.name === 'string') return `“${e.name}”`;
  return typeof e.type === 'string' ? e.type.replace(/_/g, ' ') : null;
};

const at = (ms: number): string => new Date(ms).toISOString().replace('T', ' ').slice(0, 16) + ' UTC';

/** What started a step, in words (surgery steps say who and why). */
export const describeInput = (input: InputLike, timerName: (timerId: string) => string = (id) => `Timer ${id}`): string => {
  switch (input.type) {
    case 'start': {
      const name = eventName(input.event);
      return `Entered through ${input.triggerNodeId}${name ? ` on ${name}` : ''}`;
    }
    case 'event': return `Event ${eventName(input.event) ?? 'received'}`;
    case 'timer': return input.by ? `${timerName(input.timerId)} fired early by ${input.by}${input.reason ? ` (${input.reason})` : ''}` : 'A wait ended (timer fired)';
    case 'timer_change':
      return input.dueAt === null
        ? `${timerName(input.timerId)} dropped by ${input.by} (${input.reason})`
        : `${timerName(input.timerId)} rescheduled to ${at(input.dueAt)} by ${input.by} (${input.reason})`;
    case 'move': return `Moved to ${input.toNodeId} by ${input.by}${input.reason ? ` (${input.reason})` : ''}`;
    case 'end': return `Ended by ${input.by}: ${input.reason}`;
  }
};

/** "3 d 4 h", "25 min", "40 s", "—" for none. */
export const formatDuration = (ms: number | null | undefined): string => {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—';
  const abs = Math.abs(ms);
  const sign = ms < 0 ? '−' : '';
  if (abs < 60_000) return `${sign}${Math.round(abs / 1000)} s`;
  if (abs < 3_600_000) return `${sign}${Math.round(abs / 60_000)} min`;
  if (abs < 86_400_000) {
    const h = Math.floor(abs / 3_600_000);
    const m = Math.round((abs % 3_600_000) / 60_000);
    return `${sign}${h} h${m > 0 ? ` ${m} min` : ''}`;
  }
  const d = Math.floor(abs / 86_400_000);
  const h = Math.round((abs % 86_400_000) / 3_600_000);
  return `${sign}${d} d${h > 0 ? ` ${h} h` : ''}`;
};

const timerWords: Record<string, string> = { timeout: 'Time-out', delay: 'End of the delay', until: 'End of the wait' };

/**
 * A pending timer as a reader says it: "Time-out of “Order within 14 days?”" for XState's
 * `xstate.after.<node>:<delay>.<node>` ids; other ids as they are.
 */
export const timerLabel = (timerId: string, labelOf: (nodeId: string) => string | undefined): string => {
  const match = /^xstate\.after\.([^:]+):([^.]+)\.(.+)$/.exec(timerId);
  if (!match) return timerId;
  const [, nodeId = '', delay = ''] = match;
  const label = labelOf(nodeId);
  return `${timerWords[delay] ?? `Timer “${delay}”`} of ${label ? `“${label}”` : nodeId}`;
};
