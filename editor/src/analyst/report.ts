/**
 * Pure shaping of the journey report (GET /v1/journeys/:id/report) and backtest views for the
 * charts and tables of the analyst screens.
 */

export const DAY = 86_400_000;

export interface Period {
  from: number;
  to: number;
}

/** The last `days` days up to `now`. */
export const lastDays = (days: number, now: number): Period => ({ from: now - days * DAY, to: now });

/** "12.5 %" (one decimal below 10 %, none above). */
export const formatPercent = (rate: number | null | undefined): string => {
  if (rate === null || rate === undefined || !Number.isFinite(rate)) return '—';
  const pct = rate * 100;
  return `${pct === 0 || pct >= 10 ? Math.round(pct) : pct.toFixed(1)} %`;
};

/** Costs as the channels record them (a number in the workspace's currency). */
export const formatCost = (cost: number | null | undefined): string =>
  cost === null || cost === undefined || !Number.isFinite(cost) ? '—' : cost.toLocaleString('en', { minimumFractionDigits: cost % 1 === 0 ? 0 : 2, maximumFractionDigits: 2 });

export const formatSigned = (n: number, format: (n: number) => string = (x) => x.toLocaleString('en')): string => (n > 0 ? `+${format(n)}` : n < 0 ? `−${format(-n)}` : '0');

const dayKey = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

/** Conversions per UTC day over the whole period, days without conversions as 0 (for a continuous chart). */
export const fillDays = (rows: readonly { day: string; converted: number }[], period: Period): { day: string; converted: number }[] => {
  const byDay = new Map(rows.map((r) => [r.day, r.converted]));
  const out: { day: string; converted: number }[] = [];
  const start = Date.parse(`${dayKey(period.from)}T00:00:00Z`);
  for (let t = start; t <= period.to && out.length < 400; t += DAY) {
    const day = dayKey(t);
    out.push({ day, converted: byDay.get(day) ?? 0 });
  }
  // Days the server reported outside the computed range (clock skew) are kept, in order.
  for (const row of rows) if (!out.some((o) => o.day === row.day)) out.push({ day: row.day, converted: row.converted });
  return out.sort((a, b) => a.day.localeCompare(b.day));
};

export interface FunnelBar {
  nodeId: string;
  label: string;
  entered: number;
  /** Share of the widest step (the entries), 0..1. */
  share: number;
}

/**
 * Funnel rows in journey order (graph order, then anything the graph no longer has), labelled
 * with the step names, each with its share of the top.
 */
export const funnelBars = (funnel: readonly { nodeId: string; entered: number }[], nodes: readonly { id: string; label?: string | undefined }[]): FunnelBar[] => {
  const order = new Map(nodes.map((n, i) => [n.id, i]));
  const label = new Map(nodes.map((n) => [n.id, n.label && n.label.trim() !== '' ? n.label : n.id]));
  const sorted = [...funnel].sort((a, b) => (order.get(a.nodeId) ?? Infinity) - (order.get(b.nodeId) ?? Infinity) || b.entered - a.entered);
  const top = Math.max(0, ...sorted.map((f) => f.entered));
  return sorted.map((f) => ({ nodeId: f.nodeId, label: label.get(f.nodeId) ?? `${f.nodeId} (removed)`, entered: f.entered, share: top === 0 ? 0 : f.entered / top }));
};

/** Effects rolled up by channel: count and cost, with the count per delivery status. */
export const effectsByChannel = (effects: readonly { channel: string; status: string; count: number; cost: number }[]): { channel: string; count: number; cost: number; statuses: Record<string, number> }[] => {
  const by = new Map<string, { channel: string; count: number; cost: number; statuses: Record<string, number> }>();
  for (const e of effects) {
    const row = by.get(e.channel) ?? { channel: e.channel, count: 0, cost: 0, statuses: {} };
    row.count += e.count;
    row.cost += e.cost;
    row.statuses[e.status] = (row.statuses[e.status] ?? 0) + e.count;
    by.set(e.channel, row);
  }
  return [...by.values()].sort((a, b) => b.count - a.count || a.channel.localeCompare(b.channel));
};

const clusterNames: Record<string, string> = { star: 'Star', question_mark: 'Question mark', cash_cow: 'Cash cow', dog: 'Dog' };

/** How a breakdown key reads in a table: versions as "v2", clusters and stages by name, null as "unknown". */
export const breakdownLabel = (dimension: 'version' | 'cluster' | 'stage', key: string | null): string => {
  if (key === null || key === '') return dimension === 'version' ? 'unknown' : 'not set';
  if (dimension === 'version') return `v${key}`;
  if (dimension === 'cluster') return clusterNames[key] ?? key;
  return key.replace(/_/g, ' ').replace(/^\w/, (c) => c.toUpperCase());
};

// ---- backtests ----

export interface ProgressLike {
  customers: number;
  totalCustomers: number;
}

/** 0..100; a finished job is 100 even when it saw no customers. */
export const progressPercent = (progress: ProgressLike, status: string): number => {
  if (status === 'done') return 100;
  if (progress.totalCustomers <= 0) return 0;
  return Math.max(0, Math.min(100, Math.round((progress.customers / progress.totalCustomers) * 100)));
};

export interface NodeCountsLike {
  entered: number;
  waiting: number;
  exited: Record<string, number>;
}

export interface NodeComparisonRow {
  nodeId: string;
  label: string;
  candidate: { entered: number; waiting: number; exited: number } | null;
  baseline: { entered: number; waiting: number; exited: number } | null;
  enteredDelta: number;
  changed: boolean;
}

const sumValues = (r: Record<string, number>): number => Object.values(r).reduce((a, b) => a + b, 0);
const counts = (n: NodeCountsLike | null | undefined) => (n ? { entered: n.entered, waiting: n.waiting, exited: sumValues(n.exited) } : null);

/** Per-node rows of a backtest (candidate and, when compared, baseline) in journey order. */
export const nodeComparison = (
  candidate: Record<string, NodeCountsLike>,
  baseline: Record<string, NodeCountsLike> | null,
  nodes: readonly { id: string; label?: string | undefined }[],
): NodeComparisonRow[] => {
  const order = new Map(nodes.map((n, i) => [n.id, i]));
  const label = new Map(nodes.map((n) => [n.id, n.label && n.label.trim() !== '' ? n.label : n.id]));
  const ids = [...new Set([...Object.keys(candidate), ...Object.keys(baseline ?? {})])];
  ids.sort((a, b) => (order.get(a) ?? Infinity) - (order.get(b) ?? Infinity) || a.localeCompare(b));
  return ids.map((nodeId) => {
    const a = counts(candidate[nodeId]);
    const b = baseline ? counts(baseline[nodeId]) : null;
    const enteredDelta = (a?.entered ?? 0) - (b?.entered ?? 0);
    const changed = baseline !== null && (enteredDelta !== 0 || (a?.waiting ?? 0) !== (b?.waiting ?? 0) || (a?.exited ?? 0) !== (b?.exited ?? 0));
    return { nodeId, label: label.get(nodeId) ?? `${nodeId} (not in the draft)`, candidate: a, baseline: b, enteredDelta, changed };
  });
};

export interface ChannelRow {
  channel: string;
  candidate: { count: number; cost: number };
  baseline: { count: number; cost: number } | null;
  costDelta: number;
  changed: boolean;
}

/** Effects by channel, candidate against baseline. */
export const channelComparison = (candidate: Record<string, { count: number; cost: number }>, baseline: Record<string, { count: number; cost: number }> | null): ChannelRow[] =>
  [...new Set([...Object.keys(candidate), ...Object.keys(baseline ?? {})])].sort().map((channel) => {
    const a = candidate[channel] ?? { count: 0, cost: 0 };
    const b = baseline ? (baseline[channel] ?? { count: 0, cost: 0 }) : null;
    return { channel, candidate: a, baseline: b, costDelta: a.cost - (b?.cost ?? 0), changed: b !== null && (a.count !== b.count || a.cost !== b.cost) };
  });

/** Node overlay numbers for the canvas: entered / waiting / left, with the difference to the baseline. */
export const overlayFromRows = (rows: readonly NodeComparisonRow[], compared: boolean): Record<string, { entered: number; waiting: number; exited: number; delta: number | null }> =>
  Object.fromEntries(
    rows.filter((r) => r.candidate || r.baseline).map((r) => [r.nodeId, { entered: r.candidate?.entered ?? 0, waiting: r.candidate?.waiting ?? 0, exited: r.candidate?.exited ?? 0, delta: compared ? r.enteredDelta : null }]),
  );
