import { useEffect, useState, type ReactElement } from 'react';
import { nodeKindDefinition, type JourneyGraph, type JourneyGraphInput } from '../../../workflows/index.js';
import { ApiFailure, errorMessage } from '../api/client.js';
import { getVersion, publishJourney } from '../api/journeys.js';
import { diffGraphs, isEmptyDiff, mappingForPublish, prefillMapping } from '../graph/diff.js';
import { Dialog, Spinner } from '../ui/Dialog.js';

/**
 * Publish: a note, and — when customers are in the journey — whether their runs stay on the version
 * they started on (default) or move to this one, node by node. A draft that does the same as the
 * live version is not published again (it would only add an identical version).
 */
export const PublishDialog = ({
  draft,
  liveVersion,
  activeRuns,
  onClose,
  onPublished,
}: {
  draft: JourneyGraph;
  liveVersion: number | null;
  activeRuns: number;
  onClose: () => void;
  onPublished: (version: number, migrated: number) => void;
}): ReactElement => {
  const [note, setNote] = useState('');
  const [strategy, setStrategy] = useState<'keep' | 'move'>('keep');
  const [live, setLive] = useState<JourneyGraphInput | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [mapping, setMapping] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<{ message: string; details: string[] } | null>(null);

  useEffect(() => {
    if (liveVersion === null || live) return;
    getVersion(draft.id, liveVersion)
      .then((version) => {
        setLive(version.graph);
        setMapping(prefillMapping(version.graph, draft));
      })
      .catch((e: unknown) => setLoadError(errorMessage(e)));
  }, [strategy, liveVersion, live, draft]);

  const targets = draft.nodes.filter((n) => nodeKindDefinition(n.kind).category !== 'trigger');
  const unchanged = live !== null && isEmptyDiff(diffGraphs(live, draft));
  const blocked = unchanged ? `Nothing changed since version ${liveVersion ?? ''}` : note.trim() === '' ? 'Say what changed first' : undefined;
  const publish = async () => {
    setBusy(true);
    setError(null);
    try {
      const result = await publishJourney(draft.id, note.trim(), strategy === 'move' ? mappingForPublish(mapping) : undefined);
      onPublished(result.version, result.migrated);
    } catch (e) {
      setError({ message: errorMessage(e), details: e instanceof ApiFailure ? e.details.map((d) => `${d.nodeId ? `${d.nodeId}: ` : ''}${d.message}`) : [] });
      setBusy(false);
    }
  };

  return (
    <Dialog
      title={liveVersion === null ? 'Publish this journey' : `Publish version ${liveVersion + 1}`}
      onClose={onClose}
      testId="publish-dialog"
      wide={strategy === 'move'}
      footer={
        <>
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
          <button type="button" className="btn btn-primary" disabled={busy || blocked !== undefined} title={blocked} onClick={() => void publish()} data-testid="publish-confirm">
            {busy ? 'Publishing…' : 'Publish'}
          </button>
        </>
      }
    >
      {unchanged ? (
        <p className="callout" data-testid="publish-unchanged">
          The draft does the same as version {liveVersion}, which is live: there is nothing to publish. Change the journey first (moving steps on the canvas is not a change).
        </p>
      ) : null}
      <div className="field">
        <label className="field-label" htmlFor="publish-note">
          What changed?
        </label>
        <textarea id="publish-note" className="input textarea" rows={3} value={note} placeholder="e.g. Shorter wait before the reminder" onChange={(e) => setNote(e.target.value)} autoFocus data-testid="publish-note" />
        <p className="field-help">Shown in the version history.</p>
      </div>
      {activeRuns > 0 && liveVersion !== null ? (
        <fieldset className="field">
          <legend className="field-label">
            {activeRuns.toLocaleString()} customer{activeRuns === 1 ? ' is' : 's are'} in this journey right now
          </legend>
          <label className="radio">
            <input type="radio" name="strategy" checked={strategy === 'keep'} onChange={() => setStrategy('keep')} data-testid="publish-keep" />
            <span>
              <strong>Keep their runs on the version they started on</strong>
              <span className="muted"> — recommended; only new entries use this version.</span>
            </span>
          </label>
          <label className="radio">
            <input type="radio" name="strategy" checked={strategy === 'move'} onChange={() => setStrategy('move')} data-testid="publish-move" />
            <span>
              <strong>Move their runs to this version</strong>
              <span className="muted"> — pick where customers waiting at each step continue.</span>
            </span>
          </label>
        </fieldset>
      ) : null}
      {strategy === 'move' ? (
        loadError ? (
          <p className="callout callout-error">Could not load version {liveVersion}: {loadError}</p>
        ) : !live ? (
          <Spinner label={`Loading version ${liveVersion}…`} />
        ) : (
          <table className="mapping" data-testid="migration-mapping">
            <thead>
              <tr>
                <th>Waiting at (version {liveVersion})</th>
                <th>Continues at (this version)</th>
              </tr>
            </thead>
            <tbody>
              {Object.keys(mapping).map((from) => {
                const node = live.nodes.find((n) => n.id === from);
                return (
                  <tr key={from}>
                    <td>
                      {node?.label ?? from} <code>{from}</code>
                    </td>
                    <td>
                      <select className="select" aria-label={`new step for ${from}`} value={mapping[from] ?? ''} onChange={(e) => setMapping({ ...mapping, [from]: e.target.value })} data-testid={`mapping-${from}`}>
                        <option value="">Stay on version {liveVersion}</option>
                        {targets.map((t) => (
                          <option key={t.id} value={t.id}>
                            {t.label ?? nodeKindDefinition(t.kind).label} ({t.id})
                          </option>
                        ))}
                      </select>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )
      ) : null}
      {error ? (
        <div className="callout callout-error" role="alert" data-testid="publish-error">
          <p>{error.message}</p>
          {error.details.length > 0 ? (
            <ul>
              {error.details.map((d) => (
                <li key={d}>{d}</li>
              ))}
            </ul>
          ) : null}
        </div>
      ) : null}
    </Dialog>
  );
};
