import { Fragment, useState, type ReactElement } from 'react';
import { Icon } from '../nodes/icons.js';
import { EmptyState, ErrorState, Spinner } from '../ui/Dialog.js';
import { listDeliveries, type Delivery } from './api.js';
import { formatTime } from './format.js';
import { prettyBody } from './source-form.js';
import { Card, Pager, usePages, useLoad, useReloadEvery } from './ui.js';

/** What came in to a source, newest first: verdict, status, why it was rejected, the event it became. Refreshes every 5 s. */
const pageSize = 25;
const verdicts = ['', 'accepted', 'rejected', 'duplicate'] as const;

export const DeliveriesLog = ({ sourceId }: { sourceId: string }): ReactElement => {
  const [verdict, setVerdict] = useState<(typeof verdicts)[number]>('');
  const pages = usePages();
  const deliveries = useLoad(() => listDeliveries(sourceId, { verdict, cursor: pages.cursor, limit: pageSize }), [sourceId, verdict, pages.cursor]);
  const [open, setOpen] = useState<number | null>(null);
  // Only the first page follows new arrivals; older pages stay put while read.
  useReloadEvery(5000, deliveries.reload, pages.page === 1);
  const list = deliveries.data?.deliveries ?? null;
  return (
    <Card
      title="Deliveries"
      className="table-card"
      testId="deliveries"
      actions={
        <>
          <select className="select" aria-label="verdict" value={verdict} onChange={(e) => { setVerdict(e.target.value as (typeof verdicts)[number]); pages.reset(); }} data-testid="deliveries-verdict">
            <option value="">All verdicts</option>
            <option value="accepted">Accepted</option>
            <option value="rejected">Rejected</option>
            <option value="duplicate">Duplicate</option>
          </select>
          <button type="button" className="btn btn-small" onClick={deliveries.reload} data-testid="deliveries-refresh">
            <Icon name="refresh" size={14} /> Refresh
          </button>
        </>
      }
    >
      {deliveries.error ? (
        <div className="card-pad">
          <ErrorState message={`Could not load the deliveries: ${deliveries.error}`} onRetry={deliveries.reload} />
        </div>
      ) : !list ? (
        <div className="card-pad">
          <Spinner label="Loading deliveries…" />
        </div>
      ) : list.length === 0 ? (
        <div className="card-pad">
          <EmptyState title={verdict ? `No ${verdict} deliveries` : 'Nothing has arrived yet'}>Deliveries appear here a moment after the provider sends them — accepted or not, with the reason.</EmptyState>
        </div>
      ) : (
        <>
          <table className="settings-table" data-testid="deliveries-table">
            <thead>
              <tr>
                <th>Received</th>
                <th>Verdict</th>
                <th className="num">Status</th>
                <th>Delivery id</th>
                <th>Event or reason</th>
                <th>
                  <span className="sr-only">details</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {list.map((d) => (
                <Fragment key={d.id}>
                  <tr className="is-clickable" onClick={() => setOpen(open === d.id ? null : d.id)} data-testid={`delivery-${d.id}`}>
                    <td className="muted">{formatTime(d.receivedAt)}</td>
                    <td>
                      <span className={`badge badge-${d.verdict}`}>{d.verdict}</span>
                    </td>
                    <td className="num">{d.status}</td>
                    <td className="mono truncate">{d.webhookId ?? '—'}</td>
                    <td className="truncate truncate-wide">
                      {d.event ? (
                        <span>
                          <strong>{d.event.name}</strong> for <code>{d.event.customerId}</code>
                        </span>
                      ) : (
                        <span className="delivery-reason">{d.reason ?? '—'}</span>
                      )}
                    </td>
                    <td className="row-actions">
                      <button type="button" className="icon-btn" aria-expanded={open === d.id} aria-label={`details of delivery ${d.id}`} onClick={(e) => { e.stopPropagation(); setOpen(open === d.id ? null : d.id); }}>
                        <Icon name="chevron" size={14} />
                      </button>
                    </td>
                  </tr>
                  {open === d.id ? <DeliveryDetail delivery={d} /> : null}
                </Fragment>
              ))}
            </tbody>
          </table>
          <Pager page={pages.page} hasNext={deliveries.data?.nextCursor != null} onPrevious={pages.previous} onNext={() => deliveries.data?.nextCursor && pages.next(deliveries.data.nextCursor)} testId="deliveries-pager" />
        </>
      )}
    </Card>
  );
};

const DeliveryDetail = ({ delivery }: { delivery: Delivery }): ReactElement => (
  <tr className="delivery-detail" data-testid={`delivery-detail-${delivery.id}`}>
    <td colSpan={6}>
      <div className="grid-2">
        <div>
          <p className="field-label">Why</p>
          <p className="small">{delivery.reason ?? (delivery.verdict === 'accepted' ? 'Signature valid, mapped, stored as an event.' : '—')}</p>
          {delivery.event ? (
            <>
              <p className="field-label">Event</p>
              <pre className="json-block">{JSON.stringify(delivery.event, null, 2)}</pre>
            </>
          ) : null}
          <p className="field-label">Headers (signatures and credentials redacted)</p>
          <pre className="json-block">{JSON.stringify(delivery.headers, null, 2)}</pre>
        </div>
        <div>
          <p className="field-label">Body{delivery.bodyTruncated ? ' (first 64 KB)' : ''}</p>
          <pre className="json-block">{delivery.body === '' ? '(empty)' : prettyBody(delivery.body)}</pre>
        </div>
      </div>
    </td>
  </tr>
);
