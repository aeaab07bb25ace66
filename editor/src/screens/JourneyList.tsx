import { useCallback, useEffect, useRef, useState, type ReactElement } from 'react';
import { ApiFailure, errorMessage } from '../api/client.js';
import { archiveJourney, createJourney, exportJourney, getJourney, importJourney, listJourneys, saveDraft, type JourneySummary } from '../api/journeys.js';
import { normaliseDraft } from '../graph/operations.js';
import { Icon } from '../nodes/icons.js';
import { Dialog, EmptyState, ErrorState, Spinner } from '../ui/Dialog.js';
import { ImportConflictDialog, type ImportConflict } from './ImportConflictDialog.js';
import { StatusBadge } from './StatusBadge.js';

type Action = { kind: 'create' } | { kind: 'rename'; journey: JourneySummary } | { kind: 'archive'; journey: JourneySummary } | null;

const when = (ms: number): string => new Date(ms).toLocaleDateString(undefined, { day: 'numeric', month: 'short', year: 'numeric' });

const download = (filename: string, content: string) => {
  const url = URL.createObjectURL(new Blob([content], { type: 'application/json' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
};

/** Every journey with its status and numbers; create, duplicate, rename, archive, import and export. */
export const JourneyList = ({ onOpen }: { onOpen: (id: string) => void }): ReactElement => {
  const [journeys, setJourneys] = useState<JourneySummary[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [action, setAction] = useState<Action>(null);
  const [name, setName] = useState('');
  const [busy, setBusy] = useState(false);
  const [actionError, setActionError] = useState<string | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [conflict, setConflict] = useState<ImportConflict | null>(null);
  const fileInput = useRef<HTMLInputElement>(null);

  const load = useCallback(() => {
    setError(null);
    listJourneys().then((r) => setJourneys(r.journeys)).catch((e: unknown) => setError(errorMessage(e)));
  }, []);
  useEffect(load, [load]);

  const run = async (work: () => Promise<void>) => {
    setBusy(true);
    setActionError(null);
    try {
      await work();
      setAction(null);
      load();
    } catch (e) {
      setActionError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };
  const open = (next: Action) => {
    setActionError(null);
    setName(next?.kind === 'rename' ? next.journey.name : '');
    setAction(next);
  };
  const report = async (work: () => Promise<string>) => {
    setMessage(null);
    try {
      setMessage(await work());
      load();
    } catch (e) {
      setMessage(`Failed: ${errorMessage(e)}`);
    }
  };

  const duplicate = (j: JourneySummary) =>
    report(async () => {
      const { journey } = await exportJourney(j.id);
      const { id: _id, ...rest } = journey;
      const copy = await createJourney({ ...rest, name: `${j.name} (copy)`.slice(0, 200) });
      return `Duplicated as “${copy.name}”.`;
    });
  const exportOne = (j: JourneySummary) =>
    report(async () => {
      const document = await exportJourney(j.id);
      download(`${j.id}.journey.json`, JSON.stringify(document, null, 2));
      return `Exported ${j.id}.journey.json.`;
    });
  const importFile = (file: File) =>
    report(async () => {
      let document: unknown;
      try {
        document = JSON.parse(await file.text()) as unknown;
      } catch {
        throw new Error(`${file.name} is not a JSON file`);
      }
      let result;
      try {
        result = await importJourney(document);
      } catch (e) {
        // The file's journey id is taken (e.g. re-importing an export): ask what to do.
        if (!(e instanceof ApiFailure && e.code === 'journey_exists')) throw e;
        setConflict({ fileName: file.name, id: /"([^"]+)"/.exec(e.message)?.[1] ?? '', document });
        return `${file.name}: a journey with its id exists — choose how to import it.`;
      }
      return `Imported “${result.journey.name}” as ${result.journey.id}${result.journey.valid ? '' : ' (it has problems to fix before publishing)'}.`;
    });

  return (
    <div className="page list-page">
      <div className="list-title">
        <div>
          <h1>Journeys</h1>
          <p className="muted">Customer journeys: triggers, conditions, waits and actions, drawn and published from here.</p>
        </div>
        <div className="list-actions">
          <input ref={fileInput} type="file" accept="application/json,.json" hidden onChange={(e) => { const f = e.target.files?.[0]; if (f) void importFile(f); e.target.value = ''; }} data-testid="import-file" />
          <button type="button" className="btn" onClick={() => fileInput.current?.click()} data-testid="import-button">
            <Icon name="upload" size={15} /> Import JSON
          </button>
          <button type="button" className="btn btn-primary" onClick={() => open({ kind: 'create' })} data-testid="new-journey">
            <Icon name="plus" size={15} /> New journey
          </button>
        </div>
      </div>
      {message ? (
        <div className={`banner ${message.startsWith('Failed') ? 'banner-error' : 'banner-ok'}`} role="status" data-testid="list-message">
          {message}
          <button type="button" className="icon-btn" aria-label="dismiss" onClick={() => setMessage(null)}>
            <Icon name="close" size={14} />
          </button>
        </div>
      ) : null}
      {error ? (
        <ErrorState message={`Could not load the journeys: ${error}`} onRetry={load} />
      ) : !journeys ? (
        <Spinner label="Loading journeys…" />
      ) : journeys.length === 0 ? (
        <EmptyState title="No journeys yet" action={<button type="button" className="btn btn-primary" onClick={() => open({ kind: 'create' })}>Create your first journey</button>}>
          Start from an empty canvas, or import a journey exported from another Rapport.
        </EmptyState>
      ) : (
        <table className="journey-table" data-testid="journey-list">
          <thead>
            <tr>
              <th>Name</th>
              <th>Status</th>
              <th className="num">Live version</th>
              <th className="num">Active runs</th>
              <th className="num">Conversions</th>
              <th>Updated</th>
              <th>
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {journeys.map((j) => (
              <tr key={j.id} data-testid={`journey-row-${j.id}`}>
                <td>
                  <button type="button" className="link-btn journey-name" onClick={() => onOpen(j.id)} data-testid={`open-${j.id}`}>
                    {j.name}
                  </button>
                  <div className="muted small">{j.id}</div>
                </td>
                <td>
                  <StatusBadge status={j.status} />
                </td>
                <td className="num">{j.liveVersion === null ? '—' : `v${j.liveVersion}`}</td>
                <td className="num">{j.activeRuns.toLocaleString()}</td>
                <td className="num">{j.conversions.toLocaleString()}</td>
                <td className="muted">{when(j.updatedAt)}</td>
                <td className="row-actions">
                  <button type="button" className="icon-btn" title="Duplicate" aria-label={`duplicate ${j.name}`} onClick={() => void duplicate(j)} data-testid={`duplicate-${j.id}`}>
                    <Icon name="copy" size={15} />
                  </button>
                  <button type="button" className="icon-btn" title="Rename" aria-label={`rename ${j.name}`} disabled={j.status === 'archived'} onClick={() => open({ kind: 'rename', journey: j })} data-testid={`rename-${j.id}`}>
                    <Icon name="edit" size={15} />
                  </button>
                  <button type="button" className="icon-btn" title="Export JSON" aria-label={`export ${j.name}`} onClick={() => void exportOne(j)} data-testid={`export-${j.id}`}>
                    <Icon name="download" size={15} />
                  </button>
                  <button type="button" className="icon-btn icon-danger" title="Archive" aria-label={`archive ${j.name}`} disabled={j.status === 'archived'} onClick={() => open({ kind: 'archive', journey: j })} data-testid={`archive-${j.id}`}>
                    <Icon name="trash" size={15} />
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      {action?.kind === 'create' || action?.kind === 'rename' ? (
        <Dialog
          title={action.kind === 'create' ? 'New journey' : 'Rename journey'}
          onClose={() => setAction(null)}
          testId="name-dialog"
          footer={
            <>
              <button type="button" className="btn" onClick={() => setAction(null)}>
                Cancel
              </button>
              <button
                type="submit"
                form="name-form"
                className="btn btn-primary"
                disabled={busy || name.trim() === ''}
                data-testid="name-submit"
              >
                {busy ? 'Saving…' : action.kind === 'create' ? 'Create' : 'Rename'}
              </button>
            </>
          }
        >
          <form
            id="name-form"
            onSubmit={(e) => {
              e.preventDefault();
              if (name.trim() === '') return;
              if (action.kind === 'create') {
                void run(async () => {
                  const created = await createJourney({ name: name.trim(), nodes: [], edges: [] });
                  onOpen(created.id);
                });
              } else {
                const journey = action.journey;
                void run(async () => {
                  const detail = await getJourney(journey.id);
                  await saveDraft({ ...normaliseDraft(detail.draft), id: journey.id, name: name.trim() });
                });
              }
            }}
          >
            <label className="field-label" htmlFor="journey-name-input">
              Name
            </label>
            <input id="journey-name-input" className="input" value={name} maxLength={200} autoFocus onChange={(e) => setName(e.target.value)} placeholder="e.g. Win back lapsed stars" data-testid="name-input" />
            {action.kind === 'create' ? <p className="field-help">You can change it later. The journey opens on an empty canvas.</p> : null}
            {actionError ? <p className="callout callout-error" role="alert">{actionError}</p> : null}
          </form>
        </Dialog>
      ) : null}
      {conflict ? (
        <ImportConflictDialog
          conflict={conflict}
          onClose={() => setConflict(null)}
          onDone={(text) => {
            setConflict(null);
            setMessage(text);
            load();
          }}
        />
      ) : null}
      {action?.kind === 'archive' ? (
        <Dialog
          title={`Archive “${action.journey.name}”?`}
          onClose={() => setAction(null)}
          testId="archive-dialog"
          footer={
            <>
              <button type="button" className="btn" onClick={() => setAction(null)}>
                Cancel
              </button>
              <button type="button" className="btn btn-danger" disabled={busy} onClick={() => void run(async () => void (await archiveJourney(action.journey.id)))} data-testid="archive-confirm">
                {busy ? 'Archiving…' : 'Archive'}
              </button>
            </>
          }
        >
          <p>An archived journey takes no new customers and can no longer be edited or published.</p>
          {action.journey.activeRuns > 0 ? (
            <p className="callout callout-warning">
              {action.journey.activeRuns.toLocaleString()} customer{action.journey.activeRuns === 1 ? ' is' : 's are'} in it now: their runs end (as exited).
            </p>
          ) : null}
          {actionError ? <p className="callout callout-error" role="alert">{actionError}</p> : null}
        </Dialog>
      ) : null}
    </div>
  );
};
