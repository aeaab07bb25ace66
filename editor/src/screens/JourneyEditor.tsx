import { useCallback, useEffect, useMemo, useState, type ReactElement } from 'react';
import { ReactFlowProvider, useReactFlow } from '@xyflow/react';
import { errorsOf, type WorkspaceContext } from '../../../workflows/index.js';
import { errorMessage } from '../api/client.js';
import { getJourney, listJourneys, type JourneyDetail } from '../api/journeys.js';
import { getStageModel, listDialogueScripts, listSegments } from '../settings/api.js';
import { Canvas } from '../canvas/Canvas.js';
import { Palette } from '../canvas/Palette.js';
import { ShortcutsDialog, modKey } from '../canvas/ShortcutsDialog.js';
import { normaliseDraft } from '../graph/operations.js';
import { layoutGraph, needsLayout } from '../graph/layout.js';
import { Icon, type IconName } from '../nodes/icons.js';
import { FindingsList } from '../panels/FindingsList.js';
import { JourneySettings } from '../panels/JourneySettings.js';
import { LivePanel } from '../panels/LivePanel.js';
import { NodeSettings } from '../panels/NodeSettings.js';
import { PublishDialog } from '../panels/PublishDialog.js';
import { TestPanel } from '../panels/TestPanel.js';
import { VersionsPanel } from '../panels/VersionsPanel.js';
import { EditorStoreContext, useEditor } from '../store/context.js';
import { createEditorStore, selectCanRedo, selectCanUndo, type EditorMode, type EditorStore } from '../store/editor-store.js';
import { ErrorState, Spinner } from '../ui/Dialog.js';
import { StatusBadge } from './StatusBadge.js';
import { useAutosave, useLiveValidation, useShortcuts } from './useEditorEffects.js';
import { AnalystTabs } from '../analyst/AnalystTabs.js';
import { ReportScreen } from '../analyst/ReportScreen.js';
import { RunsPanel } from '../analyst/RunsPanel.js';
import { WhatIfPanel } from '../analyst/WhatIfPanel.js';

interface Loaded {
  detail: JourneyDetail;
  activeRuns: number;
  /** What the live validation checks references against: the workspace's journeys and the contact strategy's script names. */
  context: WorkspaceContext;
}

const SaveIndicator = (): ReactElement => {
  const save = useEditor((s) => s.save);
  const text = save.state === 'saved' ? 'Saved' : save.state === 'saving' ? 'Saving…' : save.state === 'pending' ? 'Unsaved changes' : `Save failed: ${save.message}`;
  return (
    <span className={`save-indicator save-${save.state}`} data-testid="save-indicator" role="status" title={text}>
      {save.state === 'saved' ? <Icon name="check" size={13} /> : save.state === 'failed' ? <Icon name="error" size={13} /> : <span className="dot" />}
      <span className="save-text">{text}</span>
    </span>
  );
};

const ToolButton = ({ icon, label, onClick, disabled, testId }: { icon: IconName; label: string; onClick: () => void; disabled?: boolean; testId: string }): ReactElement => (
  <button type="button" className="icon-btn tool" onClick={onClick} disabled={disabled} aria-label={label} title={label} data-testid={testId}>
    <Icon name={icon} size={17} />
  </button>
);

const CanvasTools = ({ editable, onHelp }: { editable: boolean; onHelp: () => void }): ReactElement => {
  const canUndo = useEditor(selectCanUndo);
  const canRedo = useEditor(selectCanRedo);
  const undo = useEditor((s) => s.undo);
  const redo = useEditor((s) => s.redo);
  const autoLayout = useEditor((s) => s.autoLayout);
  const flow = useReactFlow();
  return (
    <div className="canvas-tools" role="toolbar" aria-label="canvas tools">
      <ToolButton icon="undo" label={`Undo (${modKey} Z)`} onClick={undo} disabled={!editable || !canUndo} testId="undo" />
      <ToolButton icon="redo" label={`Redo (${modKey} Shift Z)`} onClick={redo} disabled={!editable || !canRedo} testId="redo" />
      <span className="tool-sep" />
      <ToolButton
        icon="layout"
        label="Tidy up (auto-layout)"
        disabled={!editable}
        onClick={() => {
          autoLayout();
          requestAnimationFrame(() => void flow.fitView({ padding: 0.2, duration: 300, maxZoom: 1 }));
        }}
        testId="auto-layout"
      />
      <ToolButton icon="fit" label={`Zoom to fit (${modKey} 0)`} onClick={() => void flow.fitView({ padding: 0.2, duration: 300, maxZoom: 1 })} testId="zoom-fit" />
      <ToolButton icon="keyboard" label="Keyboard shortcuts (?)" onClick={onHelp} testId="shortcuts" />
    </div>
  );
};

const Notice = (): ReactElement | null => {
  const notice = useEditor((s) => s.notice);
  const setNotice = useEditor((s) => s.setNotice);
  useEffect(() => {
    if (!notice) return;
    const timer = setTimeout(() => setNotice(null), 4000);
    return () => clearTimeout(timer);
  }, [notice, setNotice]);
  return notice ? (
    <div className="canvas-notice" role="status" data-testid="canvas-notice">
      {notice}
    </div>
  ) : null;
};

const EmptyCanvasHint = (): ReactElement | null => {
  const empty = useEditor((s) => s.history.present.nodes.length === 0);
  return empty ? (
    <div className="canvas-empty" data-testid="canvas-empty">
      <h3>Start with a trigger</h3>
      <p>Drag “Event received” (or any trigger) from the left onto the canvas, then add the steps that follow and connect them.</p>
    </div>
  ) : null;
};

type Side = 'inspect' | 'versions';

const RightPanel = ({ mode, side, liveVersion, editable }: { mode: EditorMode; side: Side; liveVersion: number | null; editable: boolean }): ReactElement => {
  const selected = useEditor((s) => (s.selectedNodes.length === 1 ? s.selectedNodes[0] : undefined));
  const many = useEditor((s) => s.selectedNodes.length);
  const errorCount = useEditor((s) => errorsOf(s.findings).length);
  const warningCount = useEditor((s) => s.findings.length - errorsOf(s.findings).length);
  const select = useEditor((s) => s.select);
  if (side === 'versions') {
    return (
      <aside className="side-panel" aria-label="Version history">
        <div className="panel-title">Version history</div>
        <div className="panel-body">
          <VersionsPanel />
        </div>
      </aside>
    );
  }
  if (mode === 'test') {
    return (
      <aside className="side-panel" aria-label="Test">
        <div className="panel-title">Test the draft</div>
        <TestPanel />
      </aside>
    );
  }
  if (mode === 'runs') {
    return (
      <aside className="side-panel" aria-label="Runs">
        <div className="panel-title">Runs</div>
        <RunsPanel />
      </aside>
    );
  }
  if (mode === 'whatif') {
    return (
      <aside className="side-panel" aria-label="What-if">
        <div className="panel-title">What-if simulation</div>
        <WhatIfPanel liveVersion={liveVersion} />
      </aside>
    );
  }
  if (mode === 'live') {
    return (
      <aside className="side-panel" aria-label="Live view">
        <div className="panel-title">Live view</div>
        <LivePanel liveVersion={liveVersion} />
      </aside>
    );
  }
  if (selected && editable) {
    return (
      <aside className="side-panel" aria-label="Step settings">
        <div className="panel-title">
          <button type="button" className="link-btn" onClick={() => select([])}>
            <Icon name="back" size={13} /> Journey
          </button>
          <span>Step settings</span>
        </div>
        <NodeSettings nodeId={selected} />
      </aside>
    );
  }
  return (
    <aside className="side-panel" aria-label="Journey">
      <div className="panel-title">Journey</div>
      <div className="panel-body">
        {many > 1 ? <p className="callout small">{many} steps selected. Delete, copy or drag them together.</p> : null}
        <h3 className="section-title">
          Problems{' '}
          <span className="count">
            {errorCount > 0 ? <span className="badge badge-error">{errorCount} error{errorCount === 1 ? '' : 's'}</span> : null}
            {warningCount > 0 ? <span className="badge badge-warning">{warningCount} warning{warningCount === 1 ? '' : 's'}</span> : null}
          </span>
        </h3>
        <FindingsList />
        <h3 className="section-title">Settings</h3>
        {editable ? <JourneySettings /> : <p className="muted">This journey is archived and can no longer be changed.</p>}
      </div>
    </aside>
  );
};

const Workspace = ({ loaded, store, onBack, reload }: { loaded: Loaded; store: EditorStore; onBack: () => void; reload: () => void }): ReactElement => {
  const { detail } = loaded;
  const editable = detail.status !== 'archived';
  const [mode, setModeState] = useState<EditorMode>('edit');
  const [side, setSide] = useState<Side>('inspect');
  const [help, setHelp] = useState(false);
  const [publishing, setPublishing] = useState(false);
  const [published, setPublished] = useState<string | null>(null);
  const name = useEditor((s) => s.history.present.name);
  const findings = useEditor((s) => s.findings);
  const errors = useMemo(() => errorsOf(findings), [findings]);
  const validated = useEditor((s) => s.validated !== null && s.validated === s.history.present);
  const saveState = useEditor((s) => s.save.state);
  const setMode = useEditor((s) => s.setMode);
  const draft = useEditor((s) => s.history.present);
  const openHelp = useCallback(() => setHelp(true), []);

  useLiveValidation(store, loaded.context);
  useAutosave(store, editable);
  useShortcuts(store, editable && mode === 'edit', openHelp);

  const switchMode = (next: EditorMode) => {
    setModeState(next);
    setSide('inspect');
    setMode(next);
  };
  const publishBlocked = !editable ? 'An archived journey cannot be published.' : errors.length > 0 ? `Fix ${errors.length} error${errors.length === 1 ? '' : 's'} first (see Problems).` : !validated ? 'Checking the journey…' : saveState === 'failed' ? 'The draft could not be saved; fix that first.' : saveState !== 'saved' ? 'Saving the draft…' : null;

  return (
    <div className="editor">
      <header className="topbar">
        <button type="button" className="btn btn-ghost" onClick={onBack} data-testid="back-to-list">
          <Icon name="back" size={15} /> Journeys
        </button>
        <div className="topbar-title">
          <h1 title={name}>{name || 'Untitled journey'}</h1>
          <StatusBadge status={detail.status} />
          {detail.liveVersion !== null ? <span className="muted small">live v{detail.liveVersion}</span> : null}
        </div>
        {editable ? <SaveIndicator /> : <span className="badge">read only</span>}
        <nav className="mode-tabs" role="tablist" aria-label="mode">
          {(
            [
              ['edit', 'Edit', 'edit'],
              ['test', 'Test', 'play'],
              ['live', 'Live', 'pulse'],
            ] as const
          ).map(([value, label, icon]) => (
            <button key={value} type="button" role="tab" aria-selected={mode === value} className={mode === value ? 'is-on' : ''} onClick={() => switchMode(value)} data-testid={`mode-${value}`}>
              <Icon name={icon} size={14} /> {label}
            </button>
          ))}
          <AnalystTabs mode={mode} onSwitch={switchMode} />
        </nav>
        <div className="topbar-actions">
          <button type="button" className={`btn ${side === 'versions' ? 'is-on' : ''}`} onClick={() => setSide(side === 'versions' ? 'inspect' : 'versions')} data-testid="versions-button">
            <Icon name="versions" size={15} /> Versions
          </button>
          <span className="tooltip-wrap" title={publishBlocked ?? undefined} data-testid="publish-wrap">
            <button type="button" className="btn btn-primary" disabled={publishBlocked !== null} onClick={() => setPublishing(true)} data-testid="publish-button" aria-describedby={publishBlocked ? 'publish-why' : undefined}>
              Publish
            </button>
            {publishBlocked ? (
              <span id="publish-why" className="sr-only">
                {publishBlocked}
              </span>
            ) : null}
          </span>
        </div>
      </header>
      {published ? (
        <div className="banner banner-ok" role="status" data-testid="published-banner">
          {published}
          <button type="button" className="icon-btn" aria-label="dismiss" onClick={() => setPublished(null)}>
            <Icon name="close" size={14} />
          </button>
        </div>
      ) : null}
      {mode === 'report' ? <ReportScreen journeyId={detail.id} liveVersion={detail.liveVersion} /> : (
      <div className={`editor-body mode-${mode}`}>
        {mode === 'edit' ? <Palette disabled={!editable} /> : null}
        <main className="canvas-wrap">
          <Canvas readOnly={!editable || mode !== 'edit'} />
          <CanvasTools editable={editable && mode === 'edit'} onHelp={openHelp} />
          {mode === 'test' ? <div className="mode-ribbon mode-ribbon-test">Test mode — the path of the test customer is highlighted</div> : null}
          {mode === 'live' ? <div className="mode-ribbon mode-ribbon-live">Live view — customers waiting at and passing through each step</div> : null}
          {mode === 'runs' ? <div className="mode-ribbon mode-ribbon-test">Runs — the path of the selected run is highlighted</div> : null}
          {mode === 'whatif' ? <div className="mode-ribbon mode-ribbon-whatif">What-if — simulated runs per step</div> : null}
          <Notice />
          <EmptyCanvasHint />
        </main>
        <RightPanel mode={mode} side={side} liveVersion={detail.liveVersion} editable={editable} />
      </div>
      )}
      {help ? <ShortcutsDialog onClose={() => setHelp(false)} /> : null}
      {publishing ? (
        <PublishDialog
          draft={draft}
          liveVersion={detail.liveVersion}
          activeRuns={loaded.activeRuns}
          onClose={() => setPublishing(false)}
          onPublished={(version, migrated) => {
            setPublishing(false);
            setPublished(`Version ${version} is live.${migrated > 0 ? ` ${migrated} run${migrated === 1 ? '' : 's'} moved to it.` : ''}`);
            reload();
          }}
        />
      ) : null}
    </div>
  );
};

/** The editor for one journey: loads it, makes its store, and lays out palette, canvas and panels. */
export const JourneyEditor = ({ journeyId, onBack }: { journeyId: string; onBack: () => void }): ReactElement => {
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [attempt, setAttempt] = useState(0);

  const load = useCallback(
    (keepStore: boolean) => {
      if (!keepStore) setLoaded(null);
      setError(null);
      // The workspace's segments, stages and scripts only sharpen live validation: when one of them
      // cannot be loaded its check is left to the server (at publish), and the editor still opens.
      const optional = <T,>(loading: Promise<T>): Promise<T | undefined> => loading.catch(() => undefined);
      Promise.all([getJourney(journeyId), listJourneys(), optional(listDialogueScripts()), optional(listSegments()), optional(getStageModel())])
        .then(([detail, list, scripts, segments, stageModel]) => {
          const summary = list.journeys.find((j) => j.id === journeyId);
          setLoaded((previous) => ({
            detail: keepStore && previous ? { ...previous.detail, status: detail.status, liveVersion: detail.liveVersion, versions: detail.versions } : detail,
            activeRuns: summary?.activeRuns ?? 0,
            // What the live validation checks references against, as the server does at publish.
            context: {
              journeys: list.journeys.map((j) => j.id),
              ...(scripts ? { scripts: scripts.scripts.map((script) => script.name) } : {}),
              ...(segments ? { segments: segments.map((segment) => segment.id) } : {}),
              ...(stageModel ? { stages: stageModel.stages.map((stage) => stage.id) } : {}),
            },
          }));
        })
        .catch((e: unknown) => setError(errorMessage(e)));
    },
    [journeyId],
  );
  useEffect(() => load(false), [load, attempt]);

  // One store per journey (kept across reloads after publishing).
  const store = useMemo(() => {
    if (!loaded) return null;
    const draft = normaliseDraft({ ...loaded.detail.draft, id: journeyId });
    // Overlapping positions (hand-written or imported journeys) are laid out on open; saved with the next edit.
    return createEditorStore(needsLayout(draft) ? layoutGraph(draft) : draft);
  }, [loaded?.detail.id, journeyId]); // eslint-disable-line react-hooks/exhaustive-deps

  if (error) {
    return (
      <div className="page">
        <button type="button" className="btn btn-ghost" onClick={onBack}>
          <Icon name="back" size={15} /> Journeys
        </button>
        <ErrorState message={`Could not open the journey: ${error}`} onRetry={() => setAttempt(attempt + 1)} />
      </div>
    );
  }
  if (!loaded || !store) {
    return (
      <div className="page page-center">
        <Spinner label="Opening the journey…" />
      </div>
    );
  }
  return (
    <EditorStoreContext.Provider value={store}>
      <ReactFlowProvider>
        <Workspace loaded={loaded} store={store} onBack={onBack} reload={() => load(true)} />
      </ReactFlowProvider>
    </EditorStoreContext.Provider>
  );
};
