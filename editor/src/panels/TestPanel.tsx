import { useState, type ReactElement } from 'react';
import { compile, defaultLifecycleStages, simulate, valueClusterLabels, valueClusterSchema } from '../../../workflows/index.js';
import { errorMessage } from '../api/client.js';
import { getCustomer } from '../api/journeys.js';
import { formatOffset } from '../graph/relative-time.js';
import { buildTest, explainSteps, pathHighlight, type ExplainedStep, type TestCustomerForm, type TestEventForm, type TestProblem } from '../graph/test-run.js';
import { Icon } from '../nodes/icons.js';
import { useEditor } from '../store/context.js';

/**
 * Test mode: a customer (typed, or loaded from the database by id) and events at relative times,
 * run through `compile` + `simulate` in the browser. Nothing is sent or stored.
 */

let rowCounter = 0;
const newRow = (type: TestEventForm['type'], at = '+0'): TestEventForm => {
  rowCounter += 1;
  const key = `row-${rowCounter}`;
  switch (type) {
    case 'track': return { key, type, at, name: '', properties: '' };
    case 'identify': return { key, type, at, traits: '' };
    case 'stage': return { key, type, at, stage: 'retain_develop' };
    case 'enrol': return { key, type, at, properties: '' };
  }
};

const firstEvent = (trigger: { kind: string; params: Record<string, unknown> } | undefined): TestEventForm => {
  if (trigger?.kind === 'trigger_manual') return newRow('enrol');
  const row = newRow('track');
  return row.type === 'track' && typeof trigger?.params.event === 'string' ? { ...row, name: trigger.params.event } : row;
};

type Result = { steps: ExplainedStep[]; start: number; truncated: boolean; rejected: string[]; ended: string[] } | { errors: string[] };

export const TestPanel = (): ReactElement => {
  const graph = useEditor((s) => s.history.present);
  const setHighlight = useEditor((s) => s.setHighlight);
  const focusNode = useEditor((s) => s.focusNode);
  const [customer, setCustomer] = useState<TestCustomerForm>({ id: 'test-customer', traits: '{\n  "first_name": "Ada",\n  "email": "ada@example.com"\n}', stage: '', cluster: '', timezone: 'Europe/Berlin', tags: '' });
  const [rows, setRows] = useState<TestEventForm[]>(() => [firstEvent(graph.nodes.find((n) => n.kind.startsWith('trigger_')))]);
  const [problems, setProblems] = useState<TestProblem[]>([]);
  const [result, setResult] = useState<Result | null>(null);
  const [lookup, setLookup] = useState<{ state: 'idle' | 'loading' } | { state: 'error'; message: string } | { state: 'loaded'; id: string }>({ state: 'idle' });

  const problem = (where: string, field: string) => problems.find((p) => p.where === where && p.field === field)?.message;
  const setRow = (key: string, patch: Partial<TestEventForm>) => setRows(rows.map((r) => (r.key === key ? ({ ...r, ...patch } as TestEventForm) : r)));

  const load = async () => {
    setLookup({ state: 'loading' });
    try {
      const stored = await getCustomer(customer.id.trim());
      setCustomer({ id: stored.id, traits: JSON.stringify(stored.traits, null, 2), stage: stored.stage ?? '', cluster: stored.cluster ?? '', timezone: stored.timezone ?? '', tags: stored.tags.join(', ') });
      setLookup({ state: 'loaded', id: stored.id });
    } catch (e) {
      setLookup({ state: 'error', message: errorMessage(e) });
    }
  };

  const run = () => {
    const start = Math.floor(Date.now() / 60_000) * 60_000;
    const built = buildTest(graph, customer, rows, start);
    if (!built.ok) {
      setProblems(built.problems);
      setResult(null);
      return;
    }
    setProblems([]);
    const compiled = compile(graph);
    if (!compiled.ok) {
      setResult({ errors: compiled.errors.map((e) => `${e.nodeId ? `${e.nodeId}: ` : ''}${e.message}`) });
      setHighlight(null);
      return;
    }
    requestAnimationFrame(() => document.querySelector('[data-testid=test-results]')?.scrollIntoView({ behavior: 'smooth', block: 'start' }));
    const simulation = simulate(compiled.journey, built.customer, built.events, { start, maxSteps: 1000, runIdPrefix: 'test-' });
    setHighlight(pathHighlight(graph, simulation.steps));
    setResult({
      steps: explainSteps(simulation),
      start,
      truncated: simulation.truncated,
      rejected: simulation.rejectedEntries.map((r) => `Not entered through "${r.triggerNodeId}": ${r.reason}`),
      ended: simulation.runs.map((r) => (r.status === 'done' ? `Run ${r.runId}: ${r.outcome ?? 'ended'}${r.reason ? ` (${r.reason})` : ''}` : `Run ${r.runId}: still waiting at "${r.snapshot.value}"`)),
    });
  };

  return (
    <div className="panel-body test-panel" data-testid="test-panel">
      <p className="muted small">Try the draft with a made-up or stored customer. Runs in your browser on a virtual clock; nothing is sent.</p>
      <h3 className="section-title">Customer</h3>
      <div className="field">
        <label className="field-label" htmlFor="test-customer-id">
          Customer id
        </label>
        <div className="inline-group">
          <input id="test-customer-id" className="input" value={customer.id} onChange={(e) => setCustomer({ ...customer, id: e.target.value })} data-testid="test-customer-id" />
          <button type="button" className="btn btn-small" disabled={customer.id.trim() === '' || lookup.state === 'loading'} onClick={() => void load()} data-testid="test-load-customer">
            {lookup.state === 'loading' ? 'Loading…' : 'Load stored'}
          </button>
        </div>
        {problem('customer', 'id') ? <p className="field-error">{problem('customer', 'id')}</p> : null}
        {lookup.state === 'error' ? <p className="field-error">{lookup.message}</p> : null}
        {lookup.state === 'loaded' ? <p className="field-help">Loaded {lookup.id} from the database (edit freely; nothing is saved).</p> : null}
      </div>
      <div className="field">
        <label className="field-label" htmlFor="test-traits">
          Traits (JSON)
        </label>
        <textarea id="test-traits" className="input textarea code" rows={4} value={customer.traits} onChange={(e) => setCustomer({ ...customer, traits: e.target.value })} data-testid="test-traits" />
        {problem('customer', 'traits') ? <p className="field-error">{problem('customer', 'traits')}</p> : null}
      </div>
      <div className="grid-2">
        <div className="field">
          <label className="field-label" htmlFor="test-stage">
            Stage
          </label>
          <select id="test-stage" className="select" value={customer.stage} onChange={(e) => setCustomer({ ...customer, stage: e.target.value })}>
            <option value="">None</option>
            {defaultLifecycleStages.map((s) => (
              <option key={s.id} value={s.id}>
                {s.label}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label className="field-label" htmlFor="test-cluster">
            Cluster
          </label>
          <select id="test-cluster" className="select" value={customer.cluster} onChange={(e) => setCustomer({ ...customer, cluster: e.target.value })}>
            <option value="">None</option>
            {valueClusterSchema.options.map((c) => (
              <option key={c} value={c}>
                {valueClusterLabels[c]}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label className="field-label" htmlFor="test-tz">
            Time zone
          </label>
          <input id="test-tz" className="input" value={customer.timezone} placeholder="Europe/Berlin" onChange={(e) => setCustomer({ ...customer, timezone: e.target.value })} />
        </div>
        <div className="field">
          <label className="field-label" htmlFor="test-tags">
            Tags
          </label>
          <input id="test-tags" className="input" value={customer.tags} placeholder="vip, beta" onChange={(e) => setCustomer({ ...customer, tags: e.target.value })} />
        </div>
      </div>

      <h3 className="section-title">What happens</h3>
      <p className="field-help">Times are relative to the start: +0, +30m, +2h, +2d, +1w.</p>
      <div className="test-events" data-testid="test-events">
        {rows.map((row, i) => (
          <div key={row.key} className="test-event" data-testid={`test-event-${i}`}>
            <div className="inline-group">
              <input className="input input-time" aria-label="when" value={row.at} onChange={(e) => setRow(row.key, { at: e.target.value })} />
              <select className="select" aria-label="event type" value={row.type} onChange={(e) => setRows(rows.map((r) => (r.key === row.key ? { ...newRow(e.target.value as TestEventForm['type'], r.at), key: r.key } : r)))}>
                <option value="track">Event (track)</option>
                <option value="identify">Traits change (identify)</option>
                <option value="stage">Stage change</option>
                <option value="enrol">Manual enrolment</option>
              </select>
              <button type="button" className="icon-btn" aria-label="remove" onClick={() => setRows(rows.filter((r) => r.key !== row.key))}>
                <Icon name="close" size={14} />
              </button>
            </div>
            {problem(row.key, 'at') ? <p className="field-error">{problem(row.key, 'at')}</p> : null}
            {row.type === 'track' ? (
              <>
                <input className="input" aria-label="event name" placeholder="Event name, e.g. Order Completed" value={row.name} onChange={(e) => setRow(row.key, { name: e.target.value })} />
                {problem(row.key, 'name') ? <p className="field-error">{problem(row.key, 'name')}</p> : null}
                <input className="input code" aria-label="properties (JSON)" placeholder='Properties, e.g. {"total": 80}' value={row.properties} onChange={(e) => setRow(row.key, { properties: e.target.value })} />
                {problem(row.key, 'properties') ? <p className="field-error">{problem(row.key, 'properties')}</p> : null}
              </>
            ) : row.type === 'identify' ? (
              <>
                <input className="input code" aria-label="traits (JSON)" placeholder='Traits, e.g. {"plan": "pro"}' value={row.traits} onChange={(e) => setRow(row.key, { traits: e.target.value })} />
                {problem(row.key, 'traits') ? <p className="field-error">{problem(row.key, 'traits')}</p> : null}
              </>
            ) : row.type === 'stage' ? (
              <select className="select" aria-label="new stage" value={row.stage} onChange={(e) => setRow(row.key, { stage: e.target.value })}>
                {defaultLifecycleStages.map((s) => (
                  <option key={s.id} value={s.id}>
                    {s.label}
                  </option>
                ))}
              </select>
            ) : (
              <input className="input code" aria-label="properties (JSON)" placeholder='Properties, e.g. {"source": "support"}' value={row.properties} onChange={(e) => setRow(row.key, { properties: e.target.value })} />
            )}
          </div>
        ))}
        <button type="button" className="btn btn-ghost btn-small" onClick={() => setRows([...rows, newRow('track', rows.length === 0 ? '+0' : '+1d')])} data-testid="test-add-event">
          <Icon name="plus" size={14} /> Add an event
        </button>
      </div>
      <div className="test-run-bar">
        <button type="button" className="btn btn-primary" onClick={run} data-testid="test-run">
          <Icon name="play" size={14} /> Run test
        </button>
        {result ? (
          <button type="button" className="btn btn-ghost" onClick={() => { setResult(null); setHighlight(null); }}>
            Clear
          </button>
        ) : null}
      </div>

      {result ? (
        'errors' in result ? (
          <div className="callout callout-error" data-testid="test-errors">
            <p>The draft cannot run yet. Fix these first:</p>
            <ul>
              {result.errors.map((e) => (
                <li key={e}>{e}</li>
              ))}
            </ul>
          </div>
        ) : (
          <div className="test-results" data-testid="test-results">
            {result.steps.length === 0 ? <p className="callout">No step happened: no trigger matched these events.</p> : null}
            <ol className="steps">
              {result.steps.map((step, i) => (
                <li key={i} className="step" data-testid={`test-step-${i}`}>
                  <div className="step-head">
                    <span className="step-time">{formatOffset(step.at - result.start)}</span>
                    <strong>{step.title}</strong>
                  </div>
                  {step.path.length > 0 ? (
                    <div className="step-path">
                      {step.path.map((id, j) => (
                        <button key={`${id}-${j}`} type="button" className="chip chip-link" onClick={() => focusNode(id)}>
                          {id}
                        </button>
                      ))}
                    </div>
                  ) : null}
                  {step.guards.map((g, j) => (
                    <p key={j} className={`step-guard ${g.result ? 'is-yes' : 'is-no'}`}>
                      <Icon name={g.result ? 'check' : 'close'} size={12} /> {g.text}
                    </p>
                  ))}
                  {step.effects.map((e, j) => (
                    <div key={j} className="step-effect">
                      <span className="badge">{e.channel}</span> from <code>{e.nodeId}</code>
                      {e.error ? <p className="field-error">{e.error}</p> : <pre>{e.text}</pre>}
                    </div>
                  ))}
                  {step.timers.map((t) => (
                    <p key={t} className="step-timer">
                      <Icon name="clock" size={12} /> {t}
                    </p>
                  ))}
                  {step.outcome ? <p className="step-outcome">{step.outcome}</p> : null}
                </li>
              ))}
            </ol>
            {result.rejected.map((r) => (
              <p key={r} className="callout small">{r}</p>
            ))}
            {result.ended.map((r) => (
              <p key={r} className="muted small">{r}</p>
            ))}
            {result.truncated ? <p className="callout callout-warning">Stopped after 1,000 steps (a loop?).</p> : null}
          </div>
        )
      ) : null}
    </div>
  );
};
