import type { ReactElement } from 'react';
import { ErrorState, Spinner } from '../ui/Dialog.js';
import { listSegmentMembers, type Segment } from './api.js';
import { clusterLabels } from './cluster-form.js';
import { formatCount, formatDate, formatTime } from './format.js';
import { Card, Pager, RefreshButton, usePages, useLoad } from './ui.js';

const pageSize = 50;

/** Who is in a saved segment now, a page at a time by customer id, each linked to the customer's screen. */
export const SegmentMembers = ({ segment }: { segment: Segment }): ReactElement => {
  const pages = usePages();
  // Reloaded whenever the page, the segment's count or its version changes.
  const members = useLoad(() => listSegmentMembers(segment.id, { cursor: pages.cursor, limit: pageSize }), [segment.id, segment.members, segment.version, pages.cursor]);
  const list = members.data?.members ?? null;
  return (
    <Card
      title="Members"
      className="table-card"
      testId="segment-members"
      actions={<RefreshButton label="refresh the members" onClick={members.reload} />}
    >
      {members.error ? (
        <div className="card-pad">
          <ErrorState message={`Could not load the members: ${members.error}`} onRetry={members.reload} />
        </div>
      ) : !list ? (
        <Spinner label="Loading members…" />
      ) : list.length === 0 ? (
        <p className="muted card-pad">{segment.upToDate ? 'Nobody is in this segment now.' : 'Every customer is being evaluated; members show up here as they are found.'}</p>
      ) : (
        <>
          <table className="settings-table" data-testid="segment-members-table">
            <thead>
              <tr>
                <th>Customer</th>
                <th>In since</th>
                <th>Stage</th>
                <th>Cluster</th>
              </tr>
            </thead>
            <tbody>
              {list.map((m) => (
                <tr key={m.customerId}>
                  <td className="mono truncate">
                    <a href={`#/customers/${encodeURIComponent(m.customerId)}`} data-testid={`segment-member-${m.customerId}`}>
                      {m.customerId}
                    </a>
                  </td>
                  <td className="muted nowrap" title={formatTime(m.enteredAt)}>
                    {formatDate(m.enteredAt)}
                  </td>
                  <td>{m.stage ?? '—'}</td>
                  <td>{m.cluster ? clusterLabels[m.cluster] : '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {pages.page > 1 || members.data?.nextCursor ? (
            <>
              <p className="muted small card-pad segment-members-more">
                {formatCount(segment.members)} members, {pageSize} a page by customer id.
              </p>
              <Pager page={pages.page} hasNext={members.data?.nextCursor != null} onPrevious={pages.previous} onNext={() => members.data?.nextCursor && pages.next(members.data.nextCursor)} testId="segment-members-pager" labels={['Previous', 'Next']} />
            </>
          ) : null}
        </>
      )}
    </Card>
  );
};
