import { useState, type ReactElement } from 'react';
import { errorMessage } from '../api/client.js';
import { importJourney } from '../api/journeys.js';
import { Dialog } from '../ui/Dialog.js';

/** The file's journey id is taken: import it as a new journey (a new id from its name) or replace that journey's draft. */
export interface ImportConflict {
  fileName: string;
  id: string;
  document: unknown;
}

/** The document without its journey id, so the server makes one from the name. */
const withoutId = (document: unknown): unknown => {
  if (typeof document !== 'object' || document === null) return document;
  const record = document as Record<string, unknown>;
  const strip = (graph: unknown) => {
    if (typeof graph !== 'object' || graph === null) return graph;
    const { id: _id, ...rest } = graph as Record<string, unknown>;
    return rest;
  };
  return 'journey' in record ? { ...record, journey: strip(record.journey) } : strip(record);
};

export const ImportConflictDialog = ({ conflict, onClose, onDone }: { conflict: ImportConflict; onClose: () => void; onDone: (message: string) => void }): ReactElement => {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const run = async (replace: boolean) => {
    setBusy(true);
    setError(null);
    try {
      const result = await importJourney(replace ? conflict.document : withoutId(conflict.document), { replace });
      onDone(
        replace
          ? `Replaced the draft of “${result.journey.name}” with ${conflict.fileName} (publish it to make it live).`
          : `Imported “${result.journey.name}” as ${result.journey.id}${result.journey.valid ? '' : ' (it has problems to fix before publishing)'}.`,
      );
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Dialog
      title="This journey is already here"
      onClose={onClose}
      testId="import-conflict"
      footer={
        <>
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
          <button type="button" className="btn" disabled={busy} onClick={() => void run(true)} data-testid="import-replace">
            Replace its draft
          </button>
          <button type="button" className="btn btn-primary" disabled={busy} onClick={() => void run(false)} data-testid="import-copy">
            Import as a new journey
          </button>
        </>
      }
    >
      <p>
        {conflict.fileName} holds the journey <code>{conflict.id}</code>, and a journey with that id exists. Import it as a new journey (it gets an id from its name), or
        replace the draft of the existing one — its published versions and runs stay as they are.
      </p>
      {error ? (
        <p className="callout callout-error" role="alert">
          {error}
        </p>
      ) : null}
    </Dialog>
  );
};
