import { useState, type ReactElement } from 'react';
import { Icon } from '../nodes/icons.js';
import { EmptyState, ErrorState, Spinner } from '../ui/Dialog.js';
import { listSegments } from './api.js';
import { formatCount, formatTime, relativeTime } from './format.js';
import { SegmentDetail } from './SegmentDetail.js';
import { SegmentForm } from './SegmentForm.js';
import { ScreenHeader, useLoad, useReloadEvery } from './ui.js';

/** Dynamic segments: the list, a new segment, and one segment's page (definition, preview, members). */
export const SegmentsScreen = ({ segmentId, onOpen }: { segmentId: string | null; onOpen: (id: string | null) => void }): ReactElement =>
  segmentId ? <SegmentDetail key={segmentId} segmentId={segmentId} onBack={() => onOpen(null)} /> : <SegmentList onOpen={onOpen} />;

const lead = 'Rules over customers — traits, lifecycle stage, value cluster, tags and what they did recently — kept up to date as events arrive and as time passes. Journeys start when a customer enters or leaves one.';

const SegmentList = ({ onOpen }: { onOpen: (id: string) => void }): ReactElement => {
  const segments = useLoad(listSegments, []);
  const [creating, setCreating] = useState(false);
  const list = segments.data;
  // Member counts fill in while a new or changed segment is evaluated for every customer.
  useReloadEvery(2000, segments.reload, !creating && (list?.some((s) => !s.upToDate) ?? false));
  if (creating) return <NewSegment onCancel={() => setCreating(false)} onCreated={onOpen} />;
  const now = Date.now();
  const newButton = (label: string, primary: boolean) => (
    <button type="button" className={`btn ${primary ? 'btn-primary' : ''}`} onClick={() => setCreating(true)} data-testid={primary ? 'segment-new' : 'segment-new-first'}>
      <Icon name="plus" size={15} /> {label}
    </button>
  );
  return (
    <div className="page">
      <ScreenHeader title="Segments" actions={newButton('New segment', true)}>
        {lead}
      </ScreenHeader>
      {segments.error ? (
        <ErrorState message={`Could not load the segments: ${segments.error}`} onRetry={segments.reload} />
      ) : !list ? (
        <Spinner label="Loading segments…" />
      ) : list.length === 0 ? (
        <EmptyState title="No segments yet" action={newButton('Create your first segment', false)}>
          A segment such as “three page views in a week, paying plan” is worked out for every customer and kept current; the <em>Segment entered</em> and <em>Segment left</em> triggers start journeys on it.
        </EmptyState>
      ) : (
        <table className="journey-table" data-testid="segment-list">
          <thead>
            <tr>
              <th>Name</th>
              <th>Description</th>
              <th className="num">Members</th>
              <th>Updated</th>
            </tr>
          </thead>
          <tbody>
            {list.map((s) => (
              <tr key={s.id} data-testid={`segment-row-${s.id}`}>
                <td>
                  <a className="journey-name link-plain" href={`#/segments/${encodeURIComponent(s.id)}`} data-testid={`segment-open-${s.id}`}>
                    {s.name}
                  </a>
                  <div className="muted small mono">{s.id}</div>
                </td>
                <td className="muted segment-description">{s.description ?? '—'}</td>
                <td className="num" data-testid={`segment-members-${s.id}`}>
                  {formatCount(s.members)}
                  {s.upToDate ? null : <div className="muted small">evaluating…</div>}
                </td>
                <td className="muted nowrap" title={formatTime(s.updatedAt)}>
                  {relativeTime(s.updatedAt, now)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
};

const NewSegment = ({ onCancel, onCreated }: { onCancel: () => void; onCreated: (id: string) => void }): ReactElement => (
  <div className="page">
    <a className="back-link" href="#/segments" onClick={(e) => { e.preventDefault(); onCancel(); }} data-testid="segment-back">
      <Icon name="back" size={14} /> Segments
    </a>
    <ScreenHeader title="New segment">{lead}</ScreenHeader>
    <SegmentForm segment={null} onSaved={(segment) => onCreated(segment.id)} />
  </div>
);
