import { useCallback, useEffect, useState, type ReactElement } from 'react';
import type { JourneyGraphInput } from '../../../workflows/index.js';
import { errorMessage } from '../api/client.js';
import { getVersion, listVersions, type VersionSummary } from '../api/journeys.js';
import { diffGraphs, isEmptyDiff, type GraphDiff } from '../graph/diff.js';
import { normaliseDraft } from '../graph/operations.js';
import { useEditor } from '../store/context.js';
import { EmptyState, ErrorState, Spinner } from '../ui/Dialog.js';

const when = (ms: number): string => new Date(ms).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const show = (v: unknown): string => (v === undefined ? '—' : typeof v === 'string' ? v : JSON.stringify(v));

const DiffView = ({ diff }: { diff: GraphDiff }): ReactElement => {
  if (isEmptyDiff(diff)) return <p className="callout callout-ok">The draft does the same as this version{diff.moved > 0 ? ` (${diff.moved} step${diff.moved === 1 ? '' : 's'} moved on the canvas)` : ''}.</p>;
  return (
    <div className="diff" data-testid="version-diff">
      <p className="muted small">Changes in the draft compared with this version:</p>
      {diff.renamed ? <p className="diff-line diff-changed">Renamed “{diff.renamed.before}” → “{diff.renamed.after}”</p> : null}
      {diff.added.map((n) => (
        <p key={`a-${n.id}`} className="diff-line diff-added">+ Added {n.label}</p>
      ))}
      {diff.removed.map((n) => (
        <p key={`r-${n.id}`} className="diff-line diff-removed">− Removed {n.label}</p>
      ))}
      {diff.changed.map((n) => (
        <div key={`c-${n.id}`} className="diff-line diff-changed">
          ~ Changed {n.label}
          <ul>
            {n.changes.map((c) => (
              <li key={c.path}>
                <code>{c.path}</code>: {show(c.before)} → {show(c.after)}
              </li>
            ))}
          </ul>
        </div>
      ))}
      {diff.edgesAdded.length + diff.edgesRemoved.length > 0 ? (
        <p className="diff-line">
          Connections: {diff.edgesAdded.length} added, {diff.edgesRemoved.length} removed
        </p>
      ) : null}
      {diff.settings.map((c) => (
        <p key={c.path} className="diff-line diff-changed">
          ~ Setting <code>{c.path}</code>: {show(c.before)} → {show(c.after)}
        </p>
      ))}
    </div>
  );
};

/** Published versions; pick one to see how the draft differs and to restore it as the draft. */
export const VersionsPanel = (): ReactElement => {
  const journeyId = useEditor((s) => s.history.present.id);
  const draft = useEditor((s) => s.history.present);
  const replaceGraph = useEditor((s) => s.replaceGraph);
  const [versions, setVersions] = useState<VersionSummary[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [open, setOpen] = useState<{ version: number; graph: JourneyGraphInput } | { version: number; error: string } | null>(null);
  const [restored, setRestored] = useState<number | null>(null);

  const load = useCallback(() => {
    setError(null);
    listVersions(journeyId).then((r) => setVersions(r.versions)).catch((e: unknown) => setError(errorMessage(e)));
  }, [journeyId]);
  useEffect(load, [load]);

  const select = (version: number) => {
    setRestored(null);
    setOpen({ version, graph: { id: journeyId, name: '', nodes: [], edges: [] } });
    getVersion(journeyId, version)
      .then((v) => setOpen({ version, graph: v.graph }))
      .catch((e: unknown) => setOpen({ version, error: errorMessage(e) }));
  };

  if (error) return <ErrorState message={`Could not load the versions: ${error}`} onRetry={load} />;
  if (!versions) return <Spinner label="Loading versions…" />;
  if (versions.length === 0) return <EmptyState title="Not published yet">Publish the journey to start its version history.</EmptyState>;
  return (
    <div className="versions" data-testid="versions-panel">
      <ul className="version-list">
        {versions.map((v) => (
          <li key={v.version}>
            <button type="button" className={`version ${open?.version === v.version ? 'is-open' : ''}`} onClick={() => select(v.version)} data-testid={`version-${v.version}`}>
              <span className="version-number">v{v.version}</span>
              <span className="version-text">
                <span>{v.note}</span>
                <span className="muted small">{when(v.publishedAt)}</span>
              </span>
              {v.live ? <span className="badge badge-live">live</span> : null}
            </button>
          </li>
        ))}
      </ul>
      {open ? (
        'error' in open ? (
          <ErrorState message={`Could not load version ${open.version}: ${open.error}`} />
        ) : open.graph.nodes.length === 0 && open.graph.name === '' ? (
          <Spinner label={`Loading version ${open.version}…`} />
        ) : (
          <div className="version-detail">
            <DiffView diff={diffGraphs(open.graph, draft)} />
            <button
              type="button"
              className="btn"
              data-testid="restore-version"
              onClick={() => {
                replaceGraph({ ...normaliseDraft(open.graph), id: journeyId });
                setRestored(open.version);
              }}
            >
              Restore v{open.version} as the draft
            </button>
            {restored === open.version ? <p className="callout callout-ok small">Version {open.version} is now the draft (undo with {navigator.platform.includes('Mac') ? '⌘' : 'Ctrl'} Z).</p> : null}
          </div>
        )
      ) : (
        <p className="muted small">Choose a version to compare it with the draft.</p>
      )}
    </div>
  );
};
