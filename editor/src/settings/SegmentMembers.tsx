import type { ReactElement } from 'react';
import { ErrorState, Spinner } from '../ui/Dialog.js';
import { listSegmentMembers, type Segment } from './api.js';
import { clusterLabels } from './cluster-form.js';
import { formatCount, formatDate, formatTime } from './format.js';
import { Card, RefreshButton, useLoad } from './ui.js';

const pageSize = 50;

/** Who is in a saved segment now: the first page by customer id, each linked to the customer's screen. */
export const SegmentMembers = ({ segment }: { segment: Segment }): ReactElement => {
  // Reloaded whenever the segment's count or version changes.
  const members = useLoad(() => listSegmentMembers(segment.id, { limit: pageSize }), [segment.id, segment.members, segment.version]);
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
          {members.data?.nextCursor ? (
            <p className="muted small card-pad segment-members-more">
              The first {formatCount(list.length)} of {formatCount(segment.members)}, by customer id (all of them: <code>GET /v1/segments/{segment.id}/members</code>).
            </p>
          ) : null}
        </>
      )}
    </Card>
  );
};
