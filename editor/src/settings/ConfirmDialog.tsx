import { useState, type ReactElement, type ReactNode } from 'react';
import { Dialog } from '../ui/Dialog.js';
import { serverErrors } from './errors.js';

/** A confirmation with the action's server error shown in it. */
export const ConfirmDialog = ({ title, confirm, children, onClose, onConfirm, testId }: { title: string; confirm: string; children: ReactNode; onClose: () => void; onConfirm: () => Promise<void>; testId?: string }): ReactElement => {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  return (
    <Dialog
      title={title}
      onClose={onClose}
      testId={testId}
      footer={
        <>
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
          <button
            type="button"
            className="btn btn-danger"
            disabled={busy}
            data-testid={testId ? `${testId}-confirm` : undefined}
            onClick={() => {
              setBusy(true);
              setError(null);
              onConfirm()
                .then(onClose)
                .catch((e: unknown) => {
                  setError(serverErrors(e).general.join(' '));
                  setBusy(false);
                });
            }}
          >
            {busy ? 'Working…' : confirm}
          </button>
        </>
      }
    >
      {children}
      {error ? <p className="callout callout-error" role="alert">{error}</p> : null}
    </Dialog>
  );
};
