import { useEffect, useMemo, useRef, useState, type FormEvent, type ReactElement } from 'react';
import { errorMessage } from '../api/client.js';
import { listVersions, type VersionSummary } from '../api/journeys.js';
import { Icon } from '../nodes/icons.js';
import { useEditor } from '../store/context.js';
import { ErrorState } from '../ui/Dialog.js';
import { cancelBacktest, getBacktest, startBacktest, type BacktestView } from './api.js';
import { HistogramChart } from './Charts.js';
import { formatDuration } from './explain.js';
import { setOverlay } from './overlay-store.js';
import { channelComparison, DAY, formatCost, formatSigned, nodeComparison, overlayFromRows, progressPercent } from './report.js';

/**
 * What-if tab: runs the draft (or a version) over stored history with POST
 * /v1/journeys/:id/backtests, polls progress, and shows per-step counts on the canvas, effects by
 * channel, outcomes and time to goal — side by side with the live version, differences marked.
 */

export const pollMs = 600;
const dateInput = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

const Delta = ({ value, format }: { value: number; format?: (n: number) => string }): ReactElement => (
  <span className={`delta ${value > 0 ? 'is-up' : value < 0 ? 'is-down' : 'is-same'}`}>{formatSigned(value, format)}</span>
);

const Result = ({ view }: { view: BacktestView }): ReactElement => {
  const nodes = useEditor((s) => s.history.present.nodes);
  const focusNode = useEditor((s) => s.focusNode);
  const compared = view.baseline !== null;
  const rows = useMemo(() => nodeComparison(view.candidate.nodes, view.baseline?.nodes ?? null, nodes), [view, nodes]);
  const channels = useMemo(() => channelComparison(view.candidate.effects, view.baseline?.effects ?? null), [view]);
  useEffect(() => setOverlay(overlayFromRows(rows, compared)), [rows, compared]);
  const a = view.candidate;
  const b = view.baseline;
  const label = view.request.version === 'draft' ? 'Draft' : `v${view.request.version}`;
  const outcomeRows: [string, number, number | null][] = [
    ['Customers', a.customers, b?.customers ?? null],
    ['Runs', a.runs, b?.runs ?? null],
    ['Converted', a.outcomes.converted, b?.outcomes.converted ?? null],
    ['Exited', a.outcomes.exited, b?.outcomes.exited ?? null],
    ['Still active', a.outcomes.active, b?.outcomes.active ?? null],
  ];
  return (
    <div className="whatif-result" data-testid="whatif-result">
      {view.status === 'cancelled' ? <p className="callout callout-warning">Cancelled — these numbers cover the customers simulated so far.</p> : null}
      {a.truncatedCustomers > 0 ? <p className="callout callout-warning">{a.truncatedCustomers} customer(s) hit the step limit; their numbers are partial.</p> : null}
      <h3 className="section-title">Outcomes</h3>
      <table className="journey-table report-table compact" data-testid="whatif-outcomes">
        <thead>
          <tr>
            <th />
            <th className="num">{label}</th>
            {compared ? <th className="num">Live v{view.request.baselineVersion}</th> : null}
            {compared ? <th className="num">Δ</th> : null}
          </tr>
        </thead>
        <tbody>
          {outcomeRows.map(([name, x, y]) => (
            <tr key={name} className={y !== null && x !== y ? 'is-changed' : ''}>
              <td>{name}</td>
              <td className="num">{x.toLocaleString()}</td>
              {compared ? <td className="num">{(y ?? 0).toLocaleString()}</td> : null}
              {compared ? (
                <td className="num">
                  <Delta value={x - (y ?? 0)} />
                </td>
              ) : null}
            </tr>
          ))}
          <tr className={b && a.timeToGoal.medianMs !== b.timeToGoal.medianMs ? 'is-changed' : ''}>
            <td>Median time to goal</td>
            <td className="num">{formatDuration(a.timeToGoal.medianMs)}</td>
            {compared ? <td className="num">{formatDuration(b?.timeToGoal.medianMs)}</td> : null}
            {compared ? <td className="num">{a.timeToGoal.medianMs !== null && b?.timeToGoal.medianMs != null ? <Delta value={a.timeToGoal.medianMs - b.timeToGoal.medianMs} format={formatDuration} /> : '—'}</td> : null}
          </tr>
        </tbody>
      </table>

      <h3 className="section-title">Effects by channel</h3>
      {channels.length === 0 ? (
        <p className="muted small">No effects would be sent.</p>
      ) : (
        <table className="journey-table report-table compact" data-testid="whatif-effects">
          <thead>
            <tr>
              <th>Channel</th>
              <th className="num">{label}</th>
              {compared ? <th className="num">Live</th> : null}
              <th className="num">Cost</th>
              {compared ? <th className="num">Δ cost</th> : null}
            </tr>
          </thead>
          <tbody>
            {channels.map((c) => (
              <tr key={c.channel} className={c.changed ? 'is-changed' : ''}>
                <td>{c.channel}</td>
                <td className="num">{c.candidate.count.toLocaleString()}</td>
                {compared ? <td className="num">{(c.baseline?.count ?? 0).toLocaleString()}</td> : null}
                <td className="num">{formatCost(c.candidate.cost)}</td>
                {compared ? (
                  <td className="num">
                    <Delta value={c.costDelta} format={formatCost} />
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      )}

      <h3 className="section-title">Steps</h3>
      {rows.length === 0 ? (
        <p className="muted small">Nobody entered the journey in this window.</p>
      ) : (
        <table className="journey-table report-table compact" data-testid="whatif-nodes">
          <thead>
            <tr>
              <th>Step</th>
              <th className="num" title="entered">In</th>
              <th className="num" title="waiting at the end of the window">Wait</th>
              {compared ? <th className="num" title="entered, live version">Live</th> : null}
              {compared ? <th className="num">Δ</th> : null}
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.nodeId} className={r.changed ? 'is-changed' : ''}>
                <td>
                  <button type="button" className="link-btn" onClick={() => focusNode(r.nodeId)} title={r.nodeId}>
                    {r.label}
                  </button>
                </td>
                <td className="num">{(r.candidate?.entered ?? 0).toLocaleString()}</td>
                <td className="num">{(r.candidate?.waiting ?? 0).toLocaleString()}</td>
                {compared ? <td className="num">{(r.baseline?.entered ?? 0).toLocaleString()}</td> : null}
                {compared ? (
                  <td className="num">
                    <Delta value={r.enteredDelta} />
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      )}

      {Object.keys(a.exitedEarly).length > 0 ? (
        <>
          <h3 className="section-title">Ended early</h3>
          <ul className="small">
            {Object.entries(a.exitedEarly).map(([reason, n]) => (
              <li key={reason}>
                {reason}: {n}
              </li>
            ))}
          </ul>
        </>
      ) : null}

      <h3 className="section-title">Time to goal ({label})</h3>
      {a.timeToGoal.count === 0 ? <p className="muted small">No simulated conversions.</p> : <HistogramChart data={a.timeToGoal.histogram} valueLabel="conversions" />}
    </div>
  );
};

export const WhatIfPanel = ({ liveVersion }: { liveVersion: number | null }): ReactElement => {
  const journeyId = useEditor((s) => s.history.present.id);
  const [from, setFrom] = useState(() => dateInput(Date.now() - 30 * DAY));
  const [to, setTo] = useState(() => dateInput(Date.now() + DAY));
  const [version, setVersion] = useState<'draft' | number>('draft');
  const [compare, setCompare] = useState(liveVersion !== null);
  const [versions, setVersions] = useState<VersionSummary[]>([]);
  const [view, setView] = useState<BacktestView | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [starting, setStarting] = useState(false);
  const [cancelling, setCancelling] = useState(false);
  const saveState = useEditor((s) => s.save.state);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const alive = useRef(true);

  useEffect(() => {
    alive.current = true;
    listVersions(journeyId).then((r) => alive.current && setVersions(r.versions)).catch(() => undefined);
    return () => {
      alive.current = false;
      clearTimeout(timer.current);
      setOverlay(null);
    };
  }, [journeyId]);

  const poll = (id: string) => {
    timer.current = setTimeout(() => {
      getBacktest(id)
        .then((next) => {
          if (!alive.current) return;
          setView(next);
          if (next.status === 'running') poll(id);
        })
        .catch((e: unknown) => alive.current && setError(errorMessage(e)));
    }, pollMs);
  };

  const start = async (e: FormEvent) => {
    e.preventDefault();
    clearTimeout(timer.current);
    setError(null);
    setOverlay(null);
    setView(null);
    setCancelling(false);
    const fromMs = Date.parse(`${from}T00:00:00Z`);
    const toMs = Date.parse(`${to}T00:00:00Z`);
    if (!Number.isFinite(fromMs) || !Number.isFinite(toMs)) return setError('Pick both dates.');
    if (fromMs >= toMs) return setError('“From” must be before “to”.');
    setStarting(true);
    try {
      const started = await startBacktest(journeyId, { from: fromMs, to: toMs, version, compare: compare && liveVersion !== null });
      setView(started);
      if (started.status === 'running') poll(started.id);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setStarting(false);
    }
  };

  const cancel = async () => {
    if (!view) return;
    setCancelling(true);
    try {
      // The job stops after the pages in flight; keep polling until it says so.
      const next = await cancelBacktest(view.id);
      setView(next);
      clearTimeout(timer.current);
      if (next.status === 'running') poll(next.id);
    } catch (err) {
      setError(errorMessage(err));
    }
  };

  const running = view?.status === 'running';
  const pct = view ? progressPercent(view.progress, view.status) : 0;
  return (
    <div className="panel-body whatif-panel" data-testid="whatif-panel">
      <p className="muted small">Run a version over stored history on a virtual clock. Nothing is sent; customers are simulated with their profile as it is now.</p>
      <form onSubmit={(e) => void start(e)} className="whatif-form">
        <div className="grid-2">
          <label className="field">
            <span className="field-label">From</span>
            <input type="date" className="input" value={from} onChange={(e) => setFrom(e.target.value)} data-testid="whatif-from" required />
          </label>
          <label className="field">
            <span className="field-label">To</span>
            <input type="date" className="input" value={to} onChange={(e) => setTo(e.target.value)} data-testid="whatif-to" required />
          </label>
        </div>
        <label className="field">
          <span className="field-label">Simulate</span>
          <select className="select" value={String(version)} onChange={(e) => setVersion(e.target.value === 'draft' ? 'draft' : Number(e.target.value))} data-testid="whatif-version">
            <option value="draft">The draft (as on the canvas, saved)</option>
            {versions.map((v) => (
              <option key={v.version} value={v.version}>
                Version {v.version}
                {v.version === liveVersion ? ' (live)' : ''}
              </option>
            ))}
          </select>
        </label>
        <label className="check whatif-compare" title={liveVersion === null ? 'The journey has no live version to compare with.' : undefined}>
          <input type="checkbox" checked={compare && liveVersion !== null} disabled={liveVersion === null} onChange={(e) => setCompare(e.target.checked)} data-testid="whatif-compare" />
          <span>Compare with live{liveVersion !== null ? ` (v${liveVersion})` : ' — not published'}</span>
        </label>
        <div className="test-run-bar">
          <button
            type="submit"
            className="btn btn-primary"
            disabled={starting || running || (version === 'draft' && saveState !== 'saved')}
            title={version === 'draft' && saveState !== 'saved' ? (saveState === 'failed' ? 'The draft could not be saved; the simulation runs the saved draft.' : 'Saving the draft first…') : undefined}
            data-testid="whatif-start"
          >
            <Icon name="play" size={14} /> {starting ? 'Starting…' : 'Start simulation'}
          </button>
        </div>
      </form>
      {error ? <ErrorState message={error} /> : null}
      {view ? (
        <div className="whatif-progress-box" data-testid="whatif-progress">
          <div className="whatif-progress-head">
            <span>
              {view.status === 'running' ? (cancelling ? 'Cancelling…' : 'Simulating…') : view.status === 'done' ? 'Done' : view.status === 'cancelled' ? 'Cancelled' : 'Failed'} · {view.status === 'running' && view.progress.totalCustomers === 0 ? 'finding the customers with events in the window…' : `${view.progress.customers.toLocaleString()} of ${view.progress.totalCustomers.toLocaleString()} customers`}
              {view.progress.eventsPerSecond > 0 ? ` · ${Math.round(view.progress.eventsPerSecond).toLocaleString()} events/s` : ''}
            </span>
            {running ? (
              <button type="button" className="btn btn-small" disabled={cancelling} onClick={() => void cancel()} data-testid="whatif-cancel">
                Cancel
              </button>
            ) : null}
          </div>
          <div className="progress" role="progressbar" aria-label="simulation progress" aria-valuemin={0} aria-valuemax={100} aria-valuenow={pct}>
            <div className={`progress-bar ${view.status === 'failed' ? 'is-failed' : ''}`} style={{ width: `${pct}%` }} />
          </div>
        </div>
      ) : null}
      {view?.status === 'failed' ? <ErrorState message={`The simulation failed: ${view.error ?? 'unknown error'}`} /> : null}
      {view && (view.status === 'done' || view.status === 'cancelled') ? <Result view={view} /> : null}
    </div>
  );
};
