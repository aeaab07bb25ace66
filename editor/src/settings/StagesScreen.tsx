import { useMemo, useRef, useState, type ReactElement } from 'react';
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { Icon } from '../nodes/icons.js';
import { EmptyState, ErrorState, Spinner } from '../ui/Dialog.js';
import { getStageModel, getStageOverview, saveStageModel, stageModelVersions, type StageModel, type StageOverview } from './api.js';
import { errorsAt, hasErrorsUnder, noErrors, serverErrors, type FormErrors } from './errors.js';
import { formatCount, formatDate, formatTime } from './format.js';
import { addStage, draftsOf, moveStage, relabel, removeStage, sameModel, stageFlows, stageLabel, stagesOf, type StageDraft } from './stage-model.js';
import { Card, FieldErrors, FormAlert, Notice, RefreshButton, ScreenHeader, useLoad } from './ui.js';
import { VersionHistory } from './VersionHistory.js';

/** Lifecycle stages: the workspace's stage model (ids, labels, order) and the overview of customers and moves. */
export const StagesScreen = (): ReactElement => {
  const model = useLoad(getStageModel, []);
  return (
    <div className="page">
      <ScreenHeader title="Lifecycle stages">
        Every customer is in exactly one stage. Journeys move customers between stages (<em>Set stage</em>), branch on them and start when a stage changes. The model lists the stages your team works with, in order.
      </ScreenHeader>
      {model.error ? (
        <ErrorState message={`Could not load the stage model: ${model.error}`} onRetry={model.reload} />
      ) : !model.data ? (
        <Spinner label="Loading the stage model…" />
      ) : (
        <div className="settings-grid">
          <StageModelEditor key={model.data.version ?? 'default'} model={model.data} onSaved={model.setData} />
          <StageOverviewCard version={model.data.version} />
        </div>
      )}
    </div>
  );
};

const StageModelEditor = ({ model, onSaved }: { model: StageModel; onSaved: (model: StageModel) => void }): ReactElement => {
  const [drafts, setDrafts] = useState<StageDraft[]>(() => draftsOf(model.stages));
  const [note, setNote] = useState('');
  const [errors, setErrors] = useState<FormErrors>(noErrors);
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState<{ ok: boolean; text: string } | null>(null);
  const [showHistory, setShowHistory] = useState(false);
  const history = useLoad(stageModelVersions, [model.version]);
  const nextKey = useRef(0);
  const dirty = !sameModel(stagesOf(drafts), model.stages);
  const dropped = model.stages.filter((s) => !drafts.some((d) => d.id.trim() === s.id)).map((s) => s.id);

  const update = (index: number, change: (draft: StageDraft) => StageDraft) => setDrafts((list) => list.map((d, i) => (i === index ? change(d) : d)));
  const save = async () => {
    setBusy(true);
    setErrors(noErrors());
    setNotice(null);
    try {
      const saved = await saveStageModel(stagesOf(drafts), note.trim() || null);
      onSaved(saved);
    } catch (e) {
      setErrors(serverErrors(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Card
      title="Stage model"
      testId="stage-model"
      actions={
        <span className="version-chip" data-testid="stage-model-version">
          {model.version === null ? 'Default model (not saved yet)' : `Version ${model.version} · ${formatTime(model.createdAt ?? 0)}`}
        </span>
      }
    >
      <Notice message={notice} onDismiss={() => setNotice(null)} />
      <FormAlert errors={errors} testId="stage-model-error" />
      <div className="stage-head" aria-hidden>
        <span>#</span>
        <span>Label</span>
        <span>Id (used by journeys)</span>
        <span />
      </div>
      <ol className="stage-rows" aria-label="stages">
        {drafts.map((draft, index) => {
          const labelErrors = errorsAt(errors, ['stages', index, 'label']);
          const idErrors = errorsAt(errors, ['stages', index, 'id']);
          return (
            <li key={draft.key} className={`stage-row ${hasErrorsUnder(errors, ['stages', index]) ? 'is-invalid' : ''}`} data-testid={`stage-row-${index}`}>
              <span className="stage-order">{index + 1}</span>
              <div className={`field ${labelErrors.length ? 'has-error' : ''}`}>
                <input className="input" aria-label={`label of stage ${index + 1}`} value={draft.label} maxLength={100} placeholder="e.g. Retain & develop" onChange={(e) => update(index, (d) => relabel(d, e.target.value))} data-testid={`stage-label-${index}`} />
                <FieldErrors messages={labelErrors} />
              </div>
              <div className={`field ${idErrors.length ? 'has-error' : ''}`}>
                <input className="input code" aria-label={`id of stage ${index + 1}`} value={draft.id} maxLength={63} spellCheck={false} onChange={(e) => update(index, (d) => ({ ...d, id: e.target.value, idFixed: true }))} data-testid={`stage-id-${index}`} />
                <FieldErrors messages={idErrors} testId={`stage-id-error-${index}`} />
              </div>
              <div className="stage-row-actions">
                <button type="button" className="icon-btn" aria-label={`move stage ${index + 1} up`} disabled={index === 0} onClick={() => setDrafts((l) => moveStage(l, index, -1))}>
                  <Icon name="arrowUp" size={15} />
                </button>
                <button type="button" className="icon-btn" aria-label={`move stage ${index + 1} down`} disabled={index === drafts.length - 1} onClick={() => setDrafts((l) => moveStage(l, index, 1))} data-testid={`stage-down-${index}`}>
                  <Icon name="arrowDown" size={15} />
                </button>
                <button type="button" className="icon-btn icon-danger" aria-label={`remove stage ${index + 1}`} onClick={() => setDrafts((l) => removeStage(l, index))} data-testid={`stage-remove-${index}`}>
                  <Icon name="trash" size={15} />
                </button>
              </div>
            </li>
          );
        })}
      </ol>
      <FieldErrors messages={errorsAt(errors, ['stages'])} />
      {dropped.length > 0 ? (
        <p className="callout callout-warning" data-testid="stage-dropped">
          No longer in the model: {dropped.join(', ')}. Journeys that use {dropped.length === 1 ? 'this id' : 'these ids'} show an “unknown stage” problem until they are changed; customers in {dropped.length === 1 ? 'it' : 'them'} keep their stage.
        </p>
      ) : null}
      <button type="button" className="btn btn-small add-stage" onClick={() => setDrafts((l) => addStage(l, `new-${(nextKey.current += 1)}`))} data-testid="stage-add">
        <Icon name="plus" size={14} /> Add stage
      </button>
      <div className="form-foot">
        <input className="input" aria-label="note for this version" placeholder="What changed? (optional note)" value={note} maxLength={500} onChange={(e) => setNote(e.target.value)} data-testid="stage-note" />
        <div className="form-foot-actions">
          {dirty ? <span className="dirty-dot">Unsaved changes</span> : null}
          <button type="button" className="btn" disabled={!dirty || busy} onClick={() => { setDrafts(draftsOf(model.stages)); setErrors(noErrors()); }}>
            Discard
          </button>
          <button type="button" className="btn btn-primary" disabled={busy || (!dirty && model.version !== null)} onClick={() => void save()} data-testid="stage-save">
            {busy ? 'Saving…' : 'Save stages'}
          </button>
        </div>
      </div>
      <div className="history-toggle">
        <button type="button" className="link-btn small" aria-expanded={showHistory} onClick={() => setShowHistory((v) => !v)} data-testid="stage-history-toggle">
          <Icon name="history" size={14} /> {showHistory ? 'Hide history' : 'History'}
        </button>
        {showHistory ? (
          <VersionHistory
            versions={history.data}
            current={model.version}
            error={history.error}
            testId="stage-history"
            onLoad={(version) => {
              const stored = history.data?.find((v) => v.version === version);
              if (stored) {
                setDrafts(draftsOf(stored.stages));
                setNote(`Restored version ${version}`);
                setNotice({ ok: true, text: `Version ${version} is in the form; save to make it the model in force.` });
              }
            }}
          />
        ) : null}
      </div>
    </Card>
  );
};

const DAY = 86_400_000;
const periods = [7, 30, 90] as const;
const isoDay = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

const StageOverviewCard = ({ version }: { version: number | null }): ReactElement => {
  const [period, setPeriod] = useState<{ days: number | null; from: number; to: number }>(() => {
    const to = Date.now();
    return { days: 30, from: to - 30 * DAY, to };
  });
  const overview = useLoad(() => getStageOverview(period.from, period.to), [period.from, period.to, version]);
  const pick = (days: number) => {
    const to = Date.now();
    setPeriod({ days, from: to - days * DAY, to });
  };
  return (
    <Card
      title="Overview"
      testId="stage-overview"
      actions={<RefreshButton label="refresh the overview" onClick={overview.reload} />}
    >
      <div className="period-bar">
        <div className="segmented" role="group" aria-label="period">
          {periods.map((days) => (
            <button key={days} type="button" className={period.days === days ? 'is-on' : ''} aria-pressed={period.days === days} onClick={() => pick(days)} data-testid={`stage-period-${days}`}>
              {days} days
            </button>
          ))}
        </div>
        <input className="input" type="date" aria-label="from" value={isoDay(period.from)} max={isoDay(period.to)} onChange={(e) => e.target.valueAsNumber && setPeriod((p) => ({ ...p, days: null, from: e.target.valueAsNumber }))} />
        <span className="muted">to</span>
        <input className="input" type="date" aria-label="to" value={isoDay(period.to - 1)} onChange={(e) => e.target.valueAsNumber && setPeriod((p) => ({ ...p, days: null, to: e.target.valueAsNumber + DAY }))} />
      </div>
      {overview.error ? (
        <ErrorState message={`Could not load the overview: ${overview.error}`} onRetry={overview.reload} />
      ) : !overview.data ? (
        <Spinner label="Counting customers…" />
      ) : (
        <OverviewBody overview={overview.data} />
      )}
    </Card>
  );
};

const accent = '#4338ca';
const axis = { fontSize: 11, fill: '#6b7587' };

const OverviewBody = ({ overview }: { overview: StageOverview }): ReactElement => {
  const flows = useMemo(() => stageFlows(overview), [overview]);
  const total = flows.reduce((sum, f) => sum + f.customers, 0) + overview.unstaged;
  const moved = overview.moves.reduce((sum, m) => sum + m.count, 0);
  if (total === 0 && moved === 0) {
    return (
      <div className="overview-empty">
        <EmptyState title="No customers yet">Customers appear here once events or identify calls arrive; journeys and the API move them between stages.</EmptyState>
      </div>
    );
  }
  return (
    <div className="overview" data-testid="stage-overview-body">
      <h3 className="section-title">Customers per stage now · {formatCount(total)}</h3>
      <ResponsiveContainer width="100%" height={Math.max(140, flows.length * 28 + 24)}>
        <BarChart data={flows} layout="vertical" margin={{ top: 0, right: 36, bottom: 0, left: 4 }} accessibilityLayer>
          <CartesianGrid horizontal={false} stroke="#e2e7ef" />
          <XAxis type="number" allowDecimals={false} tick={axis} stroke="#cbd3df" />
          <YAxis type="category" dataKey="label" width={140} tick={axis} stroke="#cbd3df" interval={0} />
          <Tooltip formatter={(v) => [Number(v).toLocaleString(), 'customers']} cursor={{ fill: '#eef0fe' }} />
          <Bar dataKey="customers" fill={accent} radius={[0, 4, 4, 0]} isAnimationActive={false} label={{ position: 'right', fontSize: 11, fill: '#475366' }} />
        </BarChart>
      </ResponsiveContainer>
      {overview.unstaged > 0 ? <p className="muted small">{formatCount(overview.unstaged)} without a stage.</p> : null}
      <h3 className="section-title">
        Moves {formatDate(overview.from)} – {formatDate(overview.to)} · {formatCount(moved)}
      </h3>
      {moved === 0 ? (
        <p className="muted small" data-testid="stage-moves-empty">No customer changed stage in this period.</p>
      ) : (
        <>
          <ResponsiveContainer width="100%" height={Math.max(140, flows.length * 28 + 40)}>
            <BarChart data={flows} layout="vertical" margin={{ top: 0, right: 16, bottom: 0, left: 4 }} accessibilityLayer>
              <CartesianGrid horizontal={false} stroke="#e2e7ef" />
              <XAxis type="number" allowDecimals={false} tick={axis} stroke="#cbd3df" />
              <YAxis type="category" dataKey="label" width={140} tick={axis} stroke="#cbd3df" interval={0} />
              <Tooltip cursor={{ fill: '#eef0fe' }} />
              <Legend wrapperStyle={{ fontSize: 11 }} />
              <Bar dataKey="entered" name="moved in" fill="#12a27c" radius={[0, 3, 3, 0]} isAnimationActive={false} />
              <Bar dataKey="left" name="moved out" fill="#c98a16" radius={[0, 3, 3, 0]} isAnimationActive={false} />
            </BarChart>
          </ResponsiveContainer>
          <table className="settings-table moves-table" data-testid="stage-moves">
            <thead>
              <tr>
                <th>From</th>
                <th />
                <th>To</th>
                <th className="num">Customers</th>
              </tr>
            </thead>
            <tbody>
              {overview.moves.map((m) => (
                <tr key={`${m.from ?? ''}>${m.to}`}>
                  <td>{stageLabel(overview, m.from)}</td>
                  <td>→</td>
                  <td>{stageLabel(overview, m.to)}</td>
                  <td className="num">{formatCount(m.count)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </div>
  );
};
