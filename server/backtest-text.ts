import type { BacktestView } from './runtime/backtests.js';

/**
 * A backtest as plain text for the CLI: a progress bar while it runs and a report when it ends.
 * Pure; `rapport backtest` prints these.
 */

const number = (n: number): string => n.toLocaleString('en-US');
const money = (n: number): string => n.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const signed = (n: number, format: (n: number) => string = number): string => (n > 0 ? `+${format(n)}` : n < 0 ? `−${format(-n)}` : '0');

/** `[██████░░░░░░░░]  42 %  1,050 of 2,500 customers · 10,400 events · 41,000 events/s` */
export const progressLine = (view: Pick<BacktestView, 'progress' | 'status'>, width = 24): string => {
  const { customers, totalCustomers, events, eventsPerSecond } = view.progress;
  // Until the window's customers are counted, a running backtest has nothing to show.
  if (view.status === 'running' && totalCustomers === 0) return `[${'░'.repeat(width)}]   0 %  counting the customers in the window…`;
  const fraction = totalCustomers === 0 ? 1 : Math.min(1, customers / totalCustomers);
  const filled = Math.round(fraction * width);
  const percent = String(Math.floor(fraction * 100)).padStart(3);
  return `[${'█'.repeat(filled)}${'░'.repeat(width - filled)}] ${percent} %  ${number(customers)} of ${number(totalCustomers)} customers · ${number(events)} events · ${number(eventsPerSecond)} events/s`;
};

const duration = (ms: number): string => {
  if (ms < 60_000) return `${Math.round(ms / 1000)} s`;
  if (ms < 3_600_000) return `${Math.round(ms / 60_000)} min`;
  if (ms < 86_400_000) return `${(ms / 3_600_000).toFixed(1)} h`;
  return `${(ms / 86_400_000).toFixed(1)} days`;
};

const table = (rows: string[][]): string[] => {
  const widths = (rows[0] ?? []).map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length)));
  return rows.map((row) => row.map((cell, column) => (column === 0 ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0))).join('  ').trimEnd());
};

/** The finished (or cancelled) backtest: totals, per step, per channel, time to goal, and the comparison with the live version. */
export const reportLines = (view: BacktestView): string[] => {
  const { candidate, baseline, comparison, request } = view;
  const subject = request.version === 'draft' ? 'the draft' : `version ${request.version}`;
  const window = `${new Date(request.from).toISOString()} → ${new Date(request.to).toISOString()}`;
  const lines = [
    `${view.status === 'done' ? 'What-if' : view.status === 'cancelled' ? 'What-if (cancelled: partial)' : `What-if (${view.status})`} of ${subject} of ${view.journeyId}, ${window}`,
    `  ${number(candidate.customers)} customers, ${number(candidate.events)} events → ${number(candidate.runs)} runs, ${number(candidate.steps)} steps; nothing was sent`,
    `  converted ${number(candidate.outcomes.converted)}, exited ${number(candidate.outcomes.exited)}, still in the journey ${number(candidate.outcomes.active)}`,
  ];
  if (view.error) lines.push(`  error: ${view.error}`);
  if (candidate.timeToGoal.count > 0 && candidate.timeToGoal.medianMs !== null) {
    lines.push(`  time to goal: median ${duration(candidate.timeToGoal.medianMs)} over ${number(candidate.timeToGoal.count)} conversions (${candidate.timeToGoal.histogram.filter((b) => b.count > 0).map((b) => `${b.label}: ${number(b.count)}`).join(', ')})`);
  }
  const early = Object.entries(candidate.exitedEarly);
  if (early.length > 0) lines.push(`  exited early: ${early.map(([reason, n]) => `${reason} ${number(n)}`).join(', ')}`);
  if (candidate.truncatedCustomers > 0) lines.push(`  ${number(candidate.truncatedCustomers)} customers hit the step limit (their figures are partial)`);

  const nodes = Object.entries(candidate.nodes).sort(([a], [b]) => a.localeCompare(b));
  if (nodes.length > 0) {
    lines.push('', 'Steps');
    const header = comparison ? ['step', 'entered', 'waiting at the end', 'exited by outcome', `entered (v${request.baselineVersion ?? '?'})`, 'difference'] : ['step', 'entered', 'waiting at the end', 'exited by outcome'];
    const rows = nodes.map(([id, counts]) => {
      const exits = Object.entries(counts.exited).map(([outcome, n]) => `${outcome} ${number(n)}`).join(', ') || '-';
      const row = [id, number(counts.entered), number(counts.waiting), exits];
      if (!comparison) return row;
      const compared = comparison.nodes[id];
      return [...row, number(compared?.b?.entered ?? 0), signed(compared?.enteredDelta ?? counts.entered)];
    });
    for (const [id, compared] of Object.entries(comparison?.nodes ?? {})) {
      if (!candidate.nodes[id] && compared.b) rows.push([`${id} (only in v${request.baselineVersion ?? '?'})`, '0', '0', '-', number(compared.b.entered), signed(compared.enteredDelta)]);
    }
    lines.push(...table([header, ...rows]).map((line) => `  ${line}`));
  }

  const channels = [...new Set([...Object.keys(candidate.effects), ...Object.keys(baseline?.effects ?? {})])].sort();
  if (channels.length > 0) {
    lines.push('', 'Effects (not performed)');
    const header = baseline ? ['channel', 'count', 'cost', `count (v${request.baselineVersion ?? '?'})`, `cost (v${request.baselineVersion ?? '?'})`, 'cost difference'] : ['channel', 'count', 'cost'];
    const rows = channels.map((channel) => {
      const mine = candidate.effects[channel] ?? { count: 0, cost: 0 };
      const row = [channel, number(mine.count), money(mine.cost)];
      if (!baseline) return row;
      const theirs = baseline.effects[channel] ?? { count: 0, cost: 0 };
      return [...row, number(theirs.count), money(theirs.cost), signed(mine.cost - theirs.cost, money)];
    });
    lines.push(...table([header, ...rows]).map((line) => `  ${line}`));
  }
  if (comparison) {
    lines.push('', `Conversions: ${number(comparison.conversions.a)} against ${number(comparison.conversions.b)} for the live version v${request.baselineVersion ?? '?'} (${signed(comparison.conversions.delta)})`);
  }
  return lines;
};
