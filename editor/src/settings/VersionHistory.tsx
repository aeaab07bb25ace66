import type { ReactElement } from 'react';
import { Spinner } from '../ui/Dialog.js';
import { formatTime } from './format.js';

/** The saved versions of a setting, newest first; any one can be loaded into the form (then saved as a new version). */
export interface VersionItem {
  version: number;
  note: string | null;
  createdAt: number;
}

export const VersionHistory = ({
  versions,
  current,
  error,
  onLoad,
  testId,
}: {
  versions: readonly VersionItem[] | null;
  current: number | null;
  error: string | null;
  onLoad: (version: number) => void;
  testId?: string;
}): ReactElement => {
  if (error) return <p className="callout callout-error" role="alert">Could not load the history: {error}</p>;
  if (!versions) return <Spinner label="Loading the history…" />;
  if (versions.length === 0) return <p className="muted small">Nothing saved yet: every save becomes a version here.</p>;
  return (
    <ol className="history-list" data-testid={testId}>
      {versions.map((v) => (
        <li key={v.version} className={`history-item ${v.version === current ? 'is-current' : ''}`} data-testid={testId ? `${testId}-${v.version}` : undefined}>
          <span className="version-number">v{v.version}</span>
          <span className="history-text">
            <span>{v.note ?? <span className="muted">No note</span>}</span>
            <span className="muted small">{formatTime(v.createdAt)}</span>
          </span>
          {v.version === current ? (
            <span className="badge badge-live">In force</span>
          ) : (
            <button type="button" className="btn btn-small" onClick={() => onLoad(v.version)} aria-label={`load version ${v.version} into the form`}>
              Load
            </button>
          )}
        </li>
      ))}
    </ol>
  );
};
