import { useEffect, useMemo, useState, type ReactElement } from 'react';
import { errorMessage } from '../api/client.js';
import { listVersions, type VersionSummary } from '../api/journeys.js';
import { Icon } from '../nodes/icons.js';
import { useEditor } from '../store/context.js';
import { EmptyState, ErrorState, Spinner } from '../ui/Dialog.js';
import { downloadFile, exportUrl, getReport, type JourneyReport } from './api.js';
import { ConversionsChart, FunnelChart, HistogramChart } from './Charts.js';
import { formatDuration } from './explain.js';
import { breakdownLabel, effectsByChannel, fillDays, formatCost, formatPercent, funnelBars, lastDays, type Period } from './report.js';

/**
 * Report tab: how the journey performs over a period — totals, funnel, time to goal,
 * conversions per day, effects by channel, breakdowns by version / value cluster / lifecycle
 * stage — from GET /v1/journeys/:id/report, with CSV and NDJSON downloads.
 */

const periods = [7, 30, 90] as const;
type Breakdown = JourneyReport['byVersion'][number];

const BreakdownTable = ({ title, dimension, rows, testId }: { title: string; dimension: 'version' | 'cluster' | 'stage'; rows: readonly Breakdown[]; testId: string }): ReactElement => (
  <section className="report-card report-wide" data-testid={testId}>
    <h3 className="report-card-title">{title}</h3>
    {rows.length === 0 ? (
      <p className="muted small">No runs in the period.</p>
    ) : (
      <table className="journey-table report-table">
        <thead>
          <tr>
            <th>{dimension === 'version' ? 'Version' : dimension === 'cluster' ? 'Value cluster' : 'Lifecycle stage'}</th>
            <th className="num">Runs</th>
            <th className="num">Converted</th>
            <th className="num">Rate</th>
            <th className="num">Median to goal</th>
            <th className="num">Cost</th>
            <th className="num">Per conversion</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.key ?? '∅'}>
              <td>{breakdownLabel(dimension, r.key)}</td>
              <td className="num">{r.runs.toLocaleString()}</td>
              <td className="num">{r.converted.toLocaleString()}</td>
              <td className="num">{formatPercent(r.conversionRate)}</td>
              <td className="num">{formatDuration(r.medianTimeToGoalMs)}</td>
              <td className="num">{formatCost(r.cost)}</td>
              <td className="num">{formatCost(r.costPerConversion)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    )}
  </section>
);

export const ReportScreen = ({ journeyId, liveVersion }: { journeyId: string; liveVersion: number | null }): ReactElement => {
  const nodes = useEditor((s) => s.history.present.nodes);
  const [days, setDays] = useState<(typeof periods)[number]>(30);
  const [version, setVersion] = useState<number | null>(null);
  const [versions, setVersions] = useState<VersionSummary[]>([]);
  const [period, setPeriod] = useState<Period>(() => lastDays(30, Date.now()));
  const [report, setReport] = useState<JourneyReport | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [attempt, setAttempt] = useState(0);
  const [downloading, setDownloading] = useState<string | null>(null);
  const [downloadError, setDownloadError] = useState<string | null>(null);

  useEffect(() => {
    listVersions(journeyId).then((r) => setVersions(r.versions)).catch(() => setVersions([]));
  }, [journeyId, liveVersion]);

  useEffect(() => {
    let alive = true;
    const next = lastDays(days, Date.now());
    setPeriod(next);
    setReport(null);
    setError(null);
    getReport(journeyId, { ...next, ...(version ? { version } : {}) })
      .then((r) => alive && setReport(r))
      .catch((e: unknown) => alive && setError(errorMessage(e)));
    return () => {
      alive = false;
    };
  }, [journeyId, days, version, attempt]);

  const query = { ...period, ...(version ? { version } : {}) };
  const download = async (what: 'report' | 'export/runs' | 'export/steps', format: 'csv' | 'ndjson') => {
    const key = `${what}.${format}`;
    setDownloading(key);
    setDownloadError(null);
    try {
      await downloadFile(exportUrl(journeyId, what, format, query), `${journeyId}-${what.replace('export/', '')}.${format}`);
    } catch (e) {
      setDownloadError(errorMessage(e));
    } finally {
      setDownloading(null);
    }
  };

  const bars = useMemo(() => (report ? funnelBars(report.funnel, nodes) : []), [report, nodes]);
  const channels = useMemo(() => (report ? effectsByChannel(report.effects) : []), [report]);
  const daysSeries = useMemo(() => (report ? fillDays(report.conversionsByDay, report.period) : []), [report]);

  const t = report?.totals;
  return (
    <div className="report-screen" data-testid="report-screen">
      <div className="report-toolbar">
        <div className="segmented" role="radiogroup" aria-label="period">
          {periods.map((d) => (
            <button key={d} type="button" role="radio" aria-checked={days === d} className={days === d ? 'is-on' : ''} onClick={() => setDays(d)} data-testid={`report-period-${d}`}>
              Last {d} days
            </button>
          ))}
        </div>
        <label className="inline-group small">
          <span className="muted">Version</span>
          <select className="select" value={version ?? ''} onChange={(e) => setVersion(e.target.value === '' ? null : Number(e.target.value))} data-testid="report-version">
            <option value="">All versions</option>
            {versions.map((v) => (
              <option key={v.version} value={v.version}>
                v{v.version}
                {v.version === liveVersion ? ' (live)' : ''}
              </option>
            ))}
          </select>
        </label>
        <span className="muted small report-period">
          {new Date(period.from).toLocaleDateString()} – {new Date(period.to).toLocaleDateString()} · runs that entered in the period
        </span>
        <div className="report-downloads" role="group" aria-label="downloads">
          {(
            [
              ['report', 'csv', 'Report CSV'],
              ['export/runs', 'csv', 'Runs CSV'],
              ['export/runs', 'ndjson', 'Runs NDJSON'],
              ['export/steps', 'csv', 'Steps CSV'],
              ['export/steps', 'ndjson', 'Steps NDJSON'],
            ] as const
          ).map(([what, format, label]) => (
            <button key={`${what}.${format}`} type="button" className="btn btn-small" disabled={downloading !== null} onClick={() => void download(what, format)} data-testid={`download-${what.replace('export/', '')}-${format}`}>
              <Icon name="download" size={13} /> {downloading === `${what}.${format}` ? 'Downloading…' : label}
            </button>
          ))}
        </div>
      </div>
      {downloadError ? <ErrorState message={`Download failed: ${downloadError}`} /> : null}
      {error ? (
        <ErrorState message={`Could not load the report: ${error}`} onRetry={() => setAttempt(attempt + 1)} />
      ) : !report || !t ? (
        <Spinner label="Computing the report…" />
      ) : (
        <>
          <div className="report-totals" data-testid="report-totals">
            {(
              [
                ['Runs', t.runs.toLocaleString(), 'entered in the period'],
                ['Converted', t.converted.toLocaleString(), `${t.exited.toLocaleString()} exited · ${t.active.toLocaleString()} active`],
                ['Conversion rate', formatPercent(t.conversionRate), 'converted / runs'],
                ['Median time to goal', formatDuration(t.medianTimeToGoalMs), 'entry → conversion'],
                ['Cost', formatCost(t.cost), 'effects sent or pending'],
                ['Cost per conversion', formatCost(t.costPerConversion), 'cost / converted'],
              ] as const
            ).map(([label, value, hint]) => (
              <div className="stat report-stat" key={label}>
                <span className="stat-label">{label}</span>
                <span className="stat-value">{value}</span>
                <span className="stat-hint muted small">{hint}</span>
              </div>
            ))}
          </div>
          {t.runs === 0 ? (
            <EmptyState title="No runs in this period">Pick a longer period, or send events that trigger the journey.</EmptyState>
          ) : (
            <div className="report-grid">
              <section className="report-card report-wide" data-testid="report-funnel">
                <h3 className="report-card-title">Funnel — runs that entered each step</h3>
                {bars.length === 0 ? <p className="muted small">No steps entered.</p> : <FunnelChart bars={bars} />}
              </section>
              <section className="report-card" data-testid="report-time-to-goal">
                <h3 className="report-card-title">Time to goal</h3>
                {t.converted === 0 ? <p className="muted small">No conversions in the period.</p> : <HistogramChart data={report.timeToGoal} valueLabel="conversions" />}
              </section>
              <section className="report-card" data-testid="report-conversions">
                <h3 className="report-card-title">Conversions per day</h3>
                <ConversionsChart data={daysSeries} />
              </section>
              <section className="report-card report-wide" data-testid="report-effects">
                <h3 className="report-card-title">Effects by channel</h3>
                {channels.length === 0 ? (
                  <p className="muted small">No effects in the period.</p>
                ) : (
                  <table className="journey-table report-table">
                    <thead>
                      <tr>
                        <th>Channel</th>
                        <th className="num">Effects</th>
                        <th>By status</th>
                        <th className="num">Cost</th>
                      </tr>
                    </thead>
                    <tbody>
                      {channels.map((c) => (
                        <tr key={c.channel}>
                          <td>{c.channel}</td>
                          <td className="num">{c.count.toLocaleString()}</td>
                          <td>
                            {Object.entries(c.statuses).map(([s, n]) => (
                              <span key={s} className={`badge ${s === 'sent' ? 'badge-live' : s === 'failed' ? 'badge-error' : 'badge-paused'} status-chip`}>
                                {s} {n}
                              </span>
                            ))}
                          </td>
                          <td className="num">{formatCost(c.cost)}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                )}
              </section>
              <BreakdownTable title="By version" dimension="version" rows={report.byVersion} testId="report-by-version" />
              <BreakdownTable title="By value cluster (at entry)" dimension="cluster" rows={report.byCluster} testId="report-by-cluster" />
              <BreakdownTable title="By lifecycle stage (at entry)" dimension="stage" rows={report.byStage} testId="report-by-stage" />
            </div>
          )}
        </>
      )}
    </div>
  );
};
