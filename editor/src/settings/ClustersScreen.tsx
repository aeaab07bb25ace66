import { useMemo, useState, type ReactElement } from 'react';
import { clusterDefinitionSchema, type ClusterDefinition } from '../../../workflows/clusters.js';
import { Icon } from '../nodes/icons.js';
import { ErrorState, Spinner } from '../ui/Dialog.js';
import { clusterVersions, getClusterSettings, previewClusters, saveClusters, type ClusterCounts, type ClusterSettings } from './api.js';
import { clusterCells, defaultDefinition, describeMeasure, sameDefinition } from './cluster-form.js';
import { errorsAt, noErrors, serverErrors, zodErrors, type FormErrors } from './errors.js';
import { formatCount, formatTime, share } from './format.js';
import { MeasureEditor } from './MeasureEditor.js';
import { Card, FieldErrors, FormAlert, Notice, NumberInput, ScreenHeader, fieldMessage, useLoad } from './ui.js';
import { VersionHistory } from './VersionHistory.js';

/** Value clusters: the contribution and lifetime-value definitions and thresholds, previewed before saving, with history. */
export const ClustersScreen = (): ReactElement => {
  const settings = useLoad(getClusterSettings, []);
  const [notice, setNotice] = useState<{ ok: boolean; text: string } | null>(null);
  return (
    <div className="page">
      <ScreenHeader title="Value clusters">
        Customers are placed on <strong>result contribution</strong> (what they bring now) × <strong>lifetime value</strong> (what they may bring): star, question mark, cash cow or dog. Journeys switch on the cluster; the contact strategy sets rules per cluster.
      </ScreenHeader>
      <Notice message={notice} onDismiss={() => setNotice(null)} testId="cluster-notice" />
      {settings.error ? (
        <ErrorState message={`Could not load the cluster definition: ${settings.error}`} onRetry={settings.reload} />
      ) : !settings.data ? (
        <Spinner label="Loading the cluster definition…" />
      ) : (
        <ClusterEditor key={settings.data.version ?? 'none'} settings={settings.data} onSaved={settings.reload} notify={setNotice} />
      )}
    </div>
  );
};

type Preview = ClusterCounts;

const ClusterEditor = ({ settings, onSaved, notify }: { settings: ClusterSettings; onSaved: () => void; notify: (notice: { ok: boolean; text: string } | null) => void }): ReactElement => {
  const [definition, setDefinition] = useState<ClusterDefinition>(() => settings.definition ?? defaultDefinition());
  const [note, setNote] = useState('');
  const [serverErrs, setServerErrs] = useState<FormErrors>(noErrors);
  const [preview, setPreview] = useState<{ counts: Preview; of: ClusterDefinition } | null>(null);
  const [busy, setBusy] = useState<'preview' | 'save' | null>(null);
  const history = useLoad(clusterVersions, [settings.version]);

  // The server's own schema, run as the form changes: errors appear next to the field before any call.
  const checked = useMemo(() => clusterDefinitionSchema.safeParse(definition), [definition]);
  const errors = checked.success ? serverErrs : zodErrors(checked.error);
  const dirty = !sameDefinition(definition, settings.definition);
  const previewFresh = preview !== null && sameDefinition(preview.of, definition);

  const change = (next: ClusterDefinition) => {
    setDefinition(next);
    setServerErrs(noErrors());
  };
  const runPreview = async () => {
    if (!checked.success) return;
    setBusy('preview');
    setServerErrs(noErrors());
    try {
      const { preview: counts } = await previewClusters(checked.data);
      setPreview({ counts, of: definition });
    } catch (e) {
      setServerErrs(serverErrors(e));
    } finally {
      setBusy(null);
    }
  };
  const save = async () => {
    if (!checked.success) return;
    setBusy('save');
    setServerErrs(noErrors());
    try {
      const saved = await saveClusters(checked.data, note.trim() || null);
      notify({ ok: true, text: `Version ${saved.version} saved. Every customer is being re-placed in the background.` });
      onSaved();
    } catch (e) {
      setServerErrs(serverErrors(e));
      setBusy(null);
    }
  };
  const threshold = (axis: 'contribution' | 'lifetimeValue', label: string) => {
    const messages = errorsAt(errors, ['thresholds', axis]).map(fieldMessage);
    return (
      <div className={`field ${messages.length ? 'has-error' : ''}`}>
        <label className="field-label" htmlFor={`threshold-${axis}`}>
          {label}
        </label>
        <NumberInput label={label} value={definition.thresholds[axis]} onChange={(value) => change({ ...definition, thresholds: { ...definition.thresholds, [axis]: value } })} testId={`threshold-${axis}`} />
        <FieldErrors messages={messages} testId={`error-threshold-${axis}`} />
        <p className="field-help">At or above is high.</p>
      </div>
    );
  };

  return (
    <div className="settings-grid">
      <div className="settings-stack">
        <Card
          title="Definition"
          testId="cluster-definition"
          actions={<span className="version-chip">{settings.version === null ? 'Not saved yet: clusters are left alone' : `Version ${settings.version} · ${formatTime(settings.createdAt ?? 0)}`}</span>}
        >
          <FormAlert errors={errors} testId="cluster-error" />
          <h3 className="section-title">Result contribution — what a customer brings now</h3>
          <MeasureEditor measure={definition.contribution} path={['contribution']} errors={errors} onChange={(contribution) => change({ ...definition, contribution })} />
          <h3 className="section-title">Lifetime value — what a customer may bring</h3>
          <MeasureEditor measure={definition.lifetimeValue} path={['lifetimeValue']} errors={errors} onChange={(lifetimeValue) => change({ ...definition, lifetimeValue })} />
          <h3 className="section-title">Thresholds</h3>
          <div className="grid-2">
            {threshold('contribution', 'Contribution threshold')}
            {threshold('lifetimeValue', 'Lifetime value threshold')}
          </div>
          <div className="form-foot">
            <input className="input" aria-label="note for this version" placeholder="What changed? (optional note)" value={note} maxLength={500} onChange={(e) => setNote(e.target.value)} data-testid="cluster-note" />
            <div className="form-foot-actions">
              {dirty ? <span className="dirty-dot">Unsaved changes</span> : null}
              <button type="button" className="btn" disabled={!checked.success || busy !== null} onClick={() => void runPreview()} data-testid="cluster-preview">
                <Icon name="play" size={14} /> {busy === 'preview' ? 'Counting…' : 'Preview'}
              </button>
              <button type="button" className="btn btn-primary" disabled={!checked.success || busy !== null || (!dirty && settings.version !== null)} onClick={() => void save()} data-testid="cluster-save">
                {busy === 'save' ? 'Saving…' : 'Save definition'}
              </button>
            </div>
          </div>
        </Card>
      </div>
      <div className="settings-stack">
        <Card title="Customers per cluster" testId="cluster-preview-card">
          <Quadrants now={settings.counts} preview={preview?.counts ?? null} />
          <p className="muted small preview-note" data-testid="cluster-preview-state">
            {preview === null
              ? 'Now: as stored. Preview counts every customer under the form’s definition, without saving.'
              : previewFresh
                ? 'Preview of the form’s definition (big numbers) against now (small).'
                : 'The form changed since this preview: preview again.'}
          </p>
        </Card>
        <Card title="History">
          <VersionHistory
            versions={history.data}
            current={settings.version}
            error={history.error}
            testId="cluster-history"
            onLoad={(version) => {
              const stored = history.data?.find((v) => v.version === version);
              if (!stored) return;
              change(stored.definition);
              setNote(`Restored version ${version}`);
              notify({ ok: true, text: `Version ${version} is in the form (${describeMeasure(stored.definition.contribution)}); preview it, then save to put it in force.` });
            }}
          />
        </Card>
      </div>
    </div>
  );
};

const Quadrants = ({ now, preview }: { now: ClusterCounts; preview: ClusterCounts | null }): ReactElement => {
  const shown = preview ?? now;
  const cell = (index: number) => {
    const c = clusterCells[index]!;
    return (
      <div className={`quadrant quadrant-${c.cluster}`} title={c.meaning} data-testid={`quadrant-${c.cluster}`}>
        <span className="quadrant-name">{c.label}</span>
        <span className="quadrant-value" data-testid={`quadrant-${c.cluster}-value`}>
          {formatCount(shown[c.cluster])}
        </span>
        <span className="quadrant-was">{preview ? `now ${formatCount(now[c.cluster])}` : share(shown[c.cluster], shown.customers)}</span>
      </div>
    );
  };
  return (
    <>
      <div className="quadrants" role="group" aria-label="customers per cluster">
        <span className="axis-label y">high lifetime value</span>
        {cell(0)}
        {cell(1)}
        <span className="axis-label y">low lifetime value</span>
        {cell(2)}
        {cell(3)}
        <span />
        <span className="axis-label x">low contribution</span>
        <span className="axis-label x">high contribution</span>
      </div>
      <div className="preview-foot">
        <span data-testid="cluster-unclustered">
          Without a cluster (no data): <strong>{formatCount(shown.unclustered)}</strong>
          {preview ? <span className="muted"> · now {formatCount(now.unclustered)}</span> : null}
        </span>
        <span>
          Customers: <strong>{formatCount(shown.customers)}</strong>
        </span>
      </div>
    </>
  );
};
