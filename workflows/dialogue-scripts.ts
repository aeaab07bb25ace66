import type { ContactStrategy } from './contact-policy.js';
import { valueClusterSchema, type ValueCluster } from './domain.js';

/**
 * Dialogue scripts of the contact strategy, picked by name for a customer's value cluster. Pure:
 * the dispatcher resolves a `create_task` step's `scriptName` with the strategy in force and the
 * customer's cluster at the moment the task is made.
 */

/** Where a script comes from: a cluster's own rules, or the default rules. */
export type ScriptSource = ValueCluster | 'default';

const sources: readonly ScriptSource[] = ['default', ...valueClusterSchema.options];

export interface ResolvedScript {
  name: string;
  lines: string[];
  /** The rules the lines come from: the customer's cluster, or `default` when it has no script of that name. */
  cluster: ScriptSource;
}

const scriptIn = (strategy: ContactStrategy, source: ScriptSource, name: string): ResolvedScript | null => {
  const found = strategy[source]?.scripts.find((script) => script.name === name);
  return found ? { name, lines: found.lines, cluster: source } : null;
};

/**
 * The script `name` for a customer of `cluster` (null: not clustered yet): the cluster's own script
 * of that name, else the default rules' script of that name, else null.
 */
export const resolveDialogueScript = (strategy: ContactStrategy, cluster: string | null, name: string): ResolvedScript | null => {
  const own = valueClusterSchema.safeParse(cluster);
  return (own.success ? scriptIn(strategy, own.data, name) : null) ?? scriptIn(strategy, 'default', name);
};

/** Every script name the strategy defines, with the rules that define it (default first, then the clusters), sorted by name. */
export const dialogueScriptNames = (strategy: ContactStrategy | null): { name: string; clusters: ScriptSource[] }[] => {
  const byName = new Map<string, ScriptSource[]>();
  for (const source of sources) {
    for (const script of strategy?.[source]?.scripts ?? []) byName.set(script.name, [...(byName.get(script.name) ?? []), source]);
  }
  return [...byName].map(([name, clusters]) => ({ name, clusters })).sort((a, b) => a.name.localeCompare(b.name));
};

/** What a task about the customer gets to follow. */
export interface TaskScript {
  lines: string[];
  /** The script asked for by name (null when the step has only its own lines). */
  name: string | null;
  /** The rules the lines come from; null when they are the step's own lines. */
  cluster: ScriptSource | null;
  /** Set when a script was asked for by name and the strategy has none for this customer. */
  missing: string | null;
}

/**
 * The script of a task: the strategy's script `name` for the customer's cluster (see
 * `resolveDialogueScript`) wins; the step's own lines are the fallback when the strategy has no
 * such script (or no strategy is saved), and the only lines when no name is asked for.
 */
export const taskScript = (request: { name: string | null; ownLines: readonly string[]; strategy: ContactStrategy | null; cluster: string | null }): TaskScript => {
  const { name, ownLines, strategy, cluster } = request;
  if (name === null) return { lines: [...ownLines], name: null, cluster: null, missing: null };
  const resolved = strategy ? resolveDialogueScript(strategy, cluster, name) : null;
  if (resolved) return { lines: resolved.lines, name, cluster: resolved.cluster, missing: null };
  const where = strategy ? `neither the rules for ${cluster === null ? 'customers without a cluster' : `cluster ${cluster}`} nor the default rules have a script "${name}"` : `no contact strategy is saved, so there is no script "${name}"`;
  const fallback = ownLines.length > 0 ? "the step's own lines were used" : 'the task has no script';
  return { lines: [...ownLines], name, cluster: null, missing: `${where}; ${fallback}` };
};
