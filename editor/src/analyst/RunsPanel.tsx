import { useCallback, useEffect, useMemo, useState, type FormEvent, type ReactElement } from 'react';
import { errorMessage } from '../api/client.js';
import { getVersion } from '../api/journeys.js';
import { nodeOutcomes } from '../graph/outcomes.js';
import { Icon } from '../nodes/icons.js';
import { useEditor } from '../store/context.js';
import { EmptyState, ErrorState, Spinner } from '../ui/Dialog.js';
import type { JourneyEdge, JourneyGraphInput, JourneyNode } from '../../../workflows/index.js';
import { getRun, listRuns, replayRun, type ReplayOutcome, type RunDetail, type RunSummary } from './api.js';
import { describeInput, formatDuration, pathUpToStep, showValue, timerLabel, whyThisBranch, type InputLike, type StepLike } from './explain.js';
import { RunSurgery } from './RunSurgery.js';
import { BulkReplay } from './BulkReplay.js';

/**
 * Run inspector (Runs tab): the journey's runs with filters by customer and status; one run's
 * steps as a timeline — input, guards with the values they saw and "why this branch", state
 * before/after, effects with delivery status, pending timers — with a step slider that paints the
 * path up to that step on the canvas, and replay against the recorded steps.
 */

export const when = (ms: number | null | undefined): string =>
  ms === null || ms === undefined ? '—' : new Date(ms).toLocaleString(undefined, { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', second: '2-digit' });

type RecordedStep = StepLike & { at: number; input: InputLike; stateAfter: string; status: string; outcome: string | null; reason: string | null };

const runStatus = (r: { status: string; outcome: string | null }): string => (r.status === 'active' ? 'active' : (r.outcome ?? 'done'));
const statusClass = (s: string): string => (s === 'active' ? 'badge-live' : s === 'converted' ? 'badge-converted' : s === 'failed' ? 'badge-error' : 'badge-draft');

type RunFilters = { customer: string; status: '' | 'active' | 'done' };

const RunList = ({ journeyId, filters, onFilters, onOpen }: { journeyId: string; filters: RunFilters; onFilters: (filters: RunFilters) => void; onOpen: (id: string) => void }): ReactElement => {
  const [customer, setCustomer] = useState(filters.customer);
  const [status, setStatus] = useState(filters.status);
  const [runs, setRuns] = useState<RunSummary[] | null>(null);
  const [next, setNext] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loadingMore, setLoadingMore] = useState(false);

  const load = useCallback(
    async (cursor?: string) => {
      setError(null);
      if (!cursor) setRuns(null);
      else setLoadingMore(true);
      try {
        const page = await listRuns({ journeyId, customerId: filters.customer.trim() || undefined, status: filters.status || undefined, limit: 50, cursor });
        setRuns((previous) => (cursor && previous ? [...previous, ...page.runs] : page.runs));
        setNext(page.nextCursor);
      } catch (e) {
        setError(errorMessage(e));
        if (!cursor) setRuns([]);
      } finally {
        setLoadingMore(false);
      }
    },
    [journeyId, filters],
  );
  useEffect(() => void load(), [load]);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    onFilters({ customer, status });
  };

  return (
    <div className="panel-body" data-testid="runs-panel">
      <form className="runs-filters" onSubmit={submit} role="search" aria-label="filter runs">
        <input className="input" placeholder="Customer id" aria-label="customer id" value={customer} onChange={(e) => setCustomer(e.target.value)} data-testid="runs-customer" />
        <select className="select runs-status" aria-label="status" value={status} onChange={(e) => setStatus(e.target.value as '' | 'active' | 'done')} data-testid="runs-status">
          <option value="">All</option>
          <option value="active">Active</option>
          <option value="done">Ended</option>
        </select>
        <button type="submit" className="btn" data-testid="runs-search">
          <Icon name="search" size={14} /> Find
        </button>
      </form>
      {error ? <ErrorState message={`Could not load runs: ${error}`} onRetry={() => void load()} /> : null}
      {runs && runs.length > 0 ? <BulkReplay journeyId={journeyId} onOpen={onOpen} /> : null}
      {runs === null ? (
        <Spinner label="Loading runs…" />
      ) : runs.length === 0 && !error ? (
        <EmptyState title="No runs">{filters.customer || filters.status ? 'No run matches these filters.' : 'Nobody has entered this journey yet. Runs appear here as soon as a trigger fires.'}</EmptyState>
      ) : (
        <ul className="run-list" aria-label="runs">
          {runs.map((r) => (
            <li key={r.id}>
              <button type="button" className="run-row" onClick={() => onOpen(r.id)} data-testid={`run-row-${r.id}`}>
                <span className="run-row-main">
                  <strong>{r.customerId}</strong>
                  <span className={`badge ${statusClass(runStatus(r))}`}>{runStatus(r)}</span>
                  <span className="muted small">v{r.version}</span>
                </span>
                <span className="run-row-sub muted small">
                  {when(r.enteredAt)} · {r.status === 'active' ? `at ${r.currentNode}` : (r.reason ?? `ended at ${r.currentNode}`)}
                </span>
              </button>
            </li>
          ))}
        </ul>
      )}
      {next ? (
        <button type="button" className="btn btn-small btn-block" disabled={loadingMore} onClick={() => void load(next)} data-testid="runs-more">
          {loadingMore ? 'Loading…' : 'Load more'}
        </button>
      ) : null}
    </div>
  );
};

const ReplayResult = ({ result }: { result: ReplayOutcome }): ReactElement =>
  result.matched || !result.divergence ? (
    <div className="callout callout-ok" role="status" data-testid="replay-result">
      <strong>
        <Icon name="check" size={13} /> Replay matches
      </strong>
      <span>All {result.steps} recorded step{result.steps === 1 ? '' : 's'} replay the same through v{result.version}.</span>
    </div>
  ) : (
    <div className="callout callout-error" role="status" data-testid="replay-result">
      <strong>Replay diverges at step {result.divergence.seq}</strong>
      <span>
        Field <code>{result.divergence.path}</code>: recorded <code>{showValue(result.divergence.recorded)}</code>, replay gives <code>{showValue(result.divergence.replayed)}</code>
      </span>
      <span className="small">{result.divergence.message}</span>
    </div>
  );

const RunDetailView = ({ runId, onBack, onCustomer }: { runId: string; onBack: () => void; onCustomer: (id: string) => void }): ReactElement => {
  const draft = useEditor((s) => s.history.present);
  const setHighlight = useEditor((s) => s.setHighlight);
  const focusNode = useEditor((s) => s.focusNode);
  const [run, setRun] = useState<RunDetail | null>(null);
  const [graph, setGraph] = useState<{ nodes: readonly JourneyNode[]; edges: readonly JourneyEdge[] } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [index, setIndex] = useState(0);
  const [replay, setReplay] = useState<{ state: 'idle' } | { state: 'running' } | { state: 'done'; result: ReplayOutcome } | { state: 'error'; message: string }>({ state: 'idle' });
  const [attempt, setAttempt] = useState(0);
  const [changed, setChanged] = useState<string | null>(null);

  useEffect(() => {
    let alive = true;
    setRun(null);
    setError(null);
    getRun(runId)
      .then(async (detail) => {
        if (!alive) return;
        setRun(detail);
        setIndex(Math.max(0, detail.steps.length - 1));
        // Explanations use the graph of the version the run was on (its outcomes and labels).
        const version = await getVersion(detail.journeyId, detail.version).catch(() => null);
        if (alive) setGraph(version ? (version.graph as JourneyGraphInput as { nodes: JourneyNode[]; edges: JourneyEdge[] }) : null);
      })
      .catch((e: unknown) => alive && setError(errorMessage(e)));
    return () => {
      alive = false;
    };
  }, [runId, attempt]);

  const steps = useMemo(() => (run ? (run.steps as unknown as RecordedStep[]) : []), [run]);
  const edges = graph?.edges ?? draft.edges;
  const nodes = graph?.nodes ?? draft.nodes;

  useEffect(() => {
    if (steps.length === 0) return;
    const taken = pathUpToStep(steps, draft.edges, index);
    setHighlight({ nodes: taken.nodes, edges: taken.edges });
  }, [steps, index, draft.edges, setHighlight]);
  useEffect(() => () => setHighlight(null), [setHighlight]);

  const labelOf = useCallback(
    (nodeId: string, outcome: string) => {
      const node = nodes.find((n) => n.id === nodeId);
      const label = node ? nodeOutcomes(node, edges as JourneyEdge[]).find((o) => o.outcome === outcome)?.label : undefined;
      return label && label !== '' ? label : outcome;
    },
    [nodes, edges],
  );

  const timerName = useCallback((timerId: string) => timerLabel(timerId, (id) => nodes.find((n) => n.id === id)?.label), [nodes]);

  const doReplay = async () => {
    setReplay({ state: 'running' });
    try {
      setReplay({ state: 'done', result: await replayRun(runId) });
    } catch (e) {
      setReplay({ state: 'error', message: errorMessage(e) });
    }
  };

  const back = (
    <button type="button" className="link-btn" onClick={onBack} data-testid="run-back">
      <Icon name="back" size={13} /> All runs
    </button>
  );
  if (error) return <div className="panel-body">{back}<ErrorState message={`Could not load the run: ${error}`} onRetry={() => setAttempt(attempt + 1)} /></div>;
  if (!run) return <div className="panel-body">{back}<Spinner label="Loading the run…" /></div>;

  const current = steps[index];
  const status = runStatus(run);
  return (
    <div className="panel-body run-detail" data-testid="run-detail">
      {back}
      <div className="run-head">
        <div className="run-head-line">
          <button type="button" className="link-btn run-customer" onClick={() => onCustomer(run.customerId)} title="all runs of this customer" data-testid="run-customer">
            <Icon name="user" size={14} /> {run.customerId}
          </button>
          <span className={`badge ${statusClass(status)}`}>{status}</span>
          <span className="muted small">v{run.version}</span>
        </div>
        <div className="muted small">
          Entered {when(run.enteredAt)}
          {run.endedAt ? ` · ended ${when(run.endedAt)} (${formatDuration(run.endedAt - run.enteredAt)})` : ` · waiting at ${run.currentNode}`}
          {run.reason ? ` · ${run.reason}` : ''}
        </div>
        {graph === null ? null : run.version !== null && draft.nodes.some((n) => !graph.nodes.some((g) => g.id === n.id)) ? (
          <p className="muted small">The canvas shows the draft; this run is on v{run.version}.</p>
        ) : null}
      </div>

      <div className="replay-bar">
        <button type="button" className="btn btn-small" onClick={() => void doReplay()} disabled={replay.state === 'running'} data-testid="replay-button">
          <Icon name="history" size={14} /> {replay.state === 'running' ? 'Replaying…' : 'Replay'}
        </button>
        <span className="muted small">Re-run the recorded steps through v{run.version} and compare.</span>
      </div>
      {replay.state === 'done' ? <ReplayResult result={replay.result} /> : null}
      {replay.state === 'error' ? <ErrorState message={`Replay failed: ${replay.message}`} /> : null}
      {changed ? (
        <p className="callout callout-ok small" role="status" data-testid="surgery-done">
          <Icon name="check" size={13} /> {changed}
        </p>
      ) : null}
      {run.status === 'active' ? (
        <RunSurgery
          run={run}
          nodes={nodes}
          onDone={(message) => {
            setChanged(message);
            setReplay({ state: 'idle' });
            setAttempt((a) => a + 1);
          }}
        />
      ) : null}

      {steps.length === 0 ? (
        <EmptyState title="No steps recorded" />
      ) : (
        <div className="step-slider-box">
          <label className="field-label" htmlFor="step-slider">
            Path up to step {current?.seq ?? index + 1} of {steps.length}
          </label>
          <input
            id="step-slider"
            type="range"
            className="step-slider"
            min={0}
            max={steps.length - 1}
            step={1}
            value={index}
            onChange={(e) => setIndex(Number(e.target.value))}
            aria-valuetext={current ? `step ${current.seq}: ${describeInput(current.input)}` : undefined}
            data-testid="step-slider"
          />
        </div>
      )}

      <ol className="steps run-steps" aria-label="steps">
        {steps.map((step, i) => {
          const why = whyThisBranch(step, edges as JourneyEdge[], labelOf);
          const stepEffects = run.effects.filter((e) => e.stepSeq === step.seq);
          return (
            <li key={step.seq} className={`step ${i === index ? 'is-current' : ''} ${i > index ? 'is-later' : ''}`} data-testid={`run-step-${step.seq}`}>
              <div className="step-head">
                <button type="button" className="step-time step-pick" onClick={() => setIndex(i)} aria-label={`show the path up to step ${step.seq}`} aria-pressed={i === index}>
                  #{step.seq}
                </button>
                <strong>{describeInput(step.input, timerName)}</strong>
              </div>
              <div className="muted small">
                {when(step.at)} · <code>{step.stateBefore ?? '(start)'}</code> → <code>{step.stateAfter}</code>
              </div>
              {step.path.length > 0 ? (
                <div className="step-path">
                  {step.path.map((n, k) => (
                    <button key={`${n}-${k}`} type="button" className="chip chip-link" onClick={() => focusNode(n)} title="centre this step on the canvas">
                      {n}
                    </button>
                  ))}
                </div>
              ) : null}
              {why.length > 0 ? (
                <div className="why" data-testid={`why-${step.seq}`}>
                  {why.map((w, k) => (
                    <div key={k} className={`why-line ${w.guards.some((g) => g.result) ? 'is-yes' : 'is-no'}`}>
                      <Icon name="branch" size={13} />
                      <span>
                        {w.nodeId ? <code>{w.nodeId}</code> : <code>journey</code>} {w.sentence}
                        {w.guards.length > 1 ? (
                          <span className="why-guards">
                            {w.guards.map((g, j) => (
                              <span key={j} className={g.result ? 'is-yes' : 'is-no'}>
                                {g.question} → {g.result ? 'yes' : 'no'}
                              </span>
                            ))}
                          </span>
                        ) : null}
                      </span>
                    </div>
                  ))}
                </div>
              ) : null}
              {stepEffects.map((e) => (
                <div key={e.id} className="step-effect run-effect" data-testid={`run-effect-${e.id}`}>
                  <span>
                    <Icon name="send" size={12} /> {e.channel} from <code>{e.nodeId}</code>
                  </span>
                  <span className={`badge ${e.status === 'sent' ? 'badge-live' : e.status === 'failed' ? 'badge-error' : 'badge-paused'}`}>{e.status}</span>
                  <span className="muted small">
                    {e.attempts} attempt{e.attempts === 1 ? '' : 's'}
                    {e.cost ? ` · cost ${e.cost}` : ''}
                    {e.sentAt ? ` · sent ${when(e.sentAt)}` : ''}
                  </span>
                  {e.lastError ? <span className="run-error">{e.lastError}</span> : null}
                </div>
              ))}
              {step.status === 'done' ? (
                <div className="step-outcome">
                  Run ended: {step.outcome ?? 'done'}
                  {step.reason ? ` (${step.reason})` : ''}
                </div>
              ) : null}
            </li>
          );
        })}
      </ol>

      <h3 className="section-title">Pending timers</h3>
      {run.timers.length === 0 ? (
        <p className="muted small" data-testid="run-timers-empty">None{run.status === 'active' ? ' — the run waits for an event.' : '.'}</p>
      ) : (
        <ul className="run-timers" data-testid="run-timers">
          {run.timers.map((t) => (
            <li key={t.timerId} className="step-timer">
              <Icon name="clock" size={13} /> <span title={t.timerId}>{timerLabel(t.timerId, (id) => nodes.find((n) => n.id === id)?.label)}</span>, due {when(t.dueAt)} ({formatDuration(t.dueAt - Date.now())} from now)
            </li>
          ))}
        </ul>
      )}
    </div>
  );
};

/** The Runs tab's side panel: the list, or one run. */
export const RunsPanel = (): ReactElement => {
  const journeyId = useEditor((s) => s.history.present.id);
  const [open, setOpen] = useState<string | null>(null);
  // Kept here so "All runs" comes back to the list as it was filtered.
  const [filters, setFilters] = useState<RunFilters>({ customer: '', status: '' });
  return open ? (
    <RunDetailView
      runId={open}
      onBack={() => setOpen(null)}
      onCustomer={(id) => {
        setFilters({ customer: id, status: '' });
        setOpen(null);
      }}
    />
  ) : (
    <RunList journeyId={journeyId} filters={filters} onFilters={setFilters} onOpen={setOpen} />
  );
};
