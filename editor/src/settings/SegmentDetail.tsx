import { useState, type ReactElement } from 'react';
import { Icon } from '../nodes/icons.js';
import { EmptyState, ErrorState, Spinner } from '../ui/Dialog.js';
import { deleteSegment, getSegment, type Segment } from './api.js';
import { ConfirmDialog } from './ConfirmDialog.js';
import { formatTime } from './format.js';
import { memberCountText } from './segment-form.js';
import { SegmentForm } from './SegmentForm.js';
import { SegmentMembers } from './SegmentMembers.js';
import { Notice, useLoadItem, useReloadEvery } from './ui.js';

/** One saved segment: its definition to change (with preview), its members, and deleting it. */
export const SegmentDetail = ({ segmentId, onBack }: { segmentId: string; onBack: () => void }): ReactElement => {
  const segment = useLoadItem(() => getSegment(segmentId), [segmentId]);
  // While every customer is evaluated under a new definition, the count and the members fill in.
  useReloadEvery(2000, segment.reload, segment.data !== null && !segment.data.upToDate);
  return (
    <div className="page">
      <a className="back-link" href="#/segments" onClick={(e) => { e.preventDefault(); onBack(); }} data-testid="segment-back">
        <Icon name="back" size={14} /> Segments
      </a>
      {segment.missing ? (
        <EmptyState title={`No segment “${segmentId}”`}>It may have been deleted. The list has every segment of this workspace.</EmptyState>
      ) : segment.error && !segment.data ? (
        <ErrorState message={`Could not load the segment: ${segment.error}`} onRetry={segment.reload} />
      ) : !segment.data ? (
        <Spinner label="Loading the segment…" />
      ) : (
        <SegmentBody segment={segment.data} onChanged={segment.setData} onDeleted={onBack} />
      )}
    </div>
  );
};

const SegmentBody = ({ segment, onChanged, onDeleted }: { segment: Segment; onChanged: (segment: Segment) => void; onDeleted: () => void }): ReactElement => {
  const [deleting, setDeleting] = useState(false);
  const [notice, setNotice] = useState<{ ok: boolean; text: string } | null>(null);
  return (
    <>
      <div className="list-title">
        <div>
          <div className="title-line">
            <h1 data-testid="segment-title">{segment.name}</h1>
            {segment.upToDate ? <span className="badge badge-live">Up to date</span> : <span className="badge badge-paused">Evaluating…</span>}
          </div>
          <p className="muted">
            <code>{segment.id}</code> · <span data-testid="segment-member-count">{memberCountText(segment.members, segment.upToDate)}</span> · updated {formatTime(segment.updatedAt)}
          </p>
        </div>
        <div className="list-actions">
          <button type="button" className="btn btn-danger-ghost" onClick={() => setDeleting(true)} data-testid="segment-delete">
            <Icon name="trash" size={15} /> Delete
          </button>
        </div>
      </div>
      <Notice message={notice} onDismiss={() => setNotice(null)} testId="segment-notice" />
      <SegmentForm
        segment={segment}
        onSaved={(saved) => {
          onChanged(saved);
          setNotice({ ok: true, text: saved.version > segment.version ? `Version ${saved.version} saved. Every customer is being evaluated under it in the background; entries and exits start journeys as usual.` : 'Saved.' });
        }}
        aside={<SegmentMembers segment={segment} />}
      />
      {deleting ? (
        <ConfirmDialog
          title={`Delete “${segment.name}”?`}
          confirm="Delete segment"
          testId="segment-delete-dialog"
          onClose={() => setDeleting(false)}
          onConfirm={async () => {
            await deleteSegment(segment.id);
            onDeleted();
          }}
        >
          <p>The segment goes with its memberships and their history; its members get no <em>Segment left</em> event. A live or paused journey that starts on it keeps it from being deleted.</p>
        </ConfirmDialog>
      ) : null}
    </>
  );
};
