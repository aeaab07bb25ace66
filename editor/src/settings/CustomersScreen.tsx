import { useState, type ReactElement } from 'react';
import { Icon } from '../nodes/icons.js';
import { EmptyState, ErrorState, Spinner } from '../ui/Dialog.js';
import { getCustomerDetail, getStageModel, type CustomerDetail } from './api.js';
import { clusterLabels } from './cluster-form.js';
import { formatTime } from './format.js';
import { Card, ScreenHeader, useLoad, useLoadItem } from './ui.js';

/** Look a customer up by id: profile (traits, stage, cluster, consent, tags), runs, recent events and stage history. */
export const CustomersScreen = ({ customerId, onLookup }: { customerId: string | null; onLookup: (id: string) => void }): ReactElement => {
  const [id, setId] = useState(customerId ?? '');
  return (
    <div className="page">
      <ScreenHeader title="Customers">Look up a customer by the id your systems send as <code>userId</code>: their profile, lifecycle stage and value cluster, the journeys they are in and what happened recently.</ScreenHeader>
      <form
        className="lookup"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          if (id.trim()) onLookup(id.trim());
        }}
      >
        <input className="input" aria-label="customer id" placeholder="Customer id, e.g. ada@example.com" value={id} onChange={(e) => setId(e.target.value)} data-testid="customer-id" />
        <button type="submit" className="btn btn-primary" disabled={id.trim() === ''} data-testid="customer-lookup">
          <Icon name="search" size={15} /> Look up
        </button>
      </form>
      {customerId ? <CustomerProfile customerId={customerId} /> : <EmptyState title="Which customer?">Type an id above. Customers are created by identify and track calls, webhook deliveries and the API.</EmptyState>}
    </div>
  );
};

const CustomerProfile = ({ customerId }: { customerId: string }): ReactElement => {
  const customer = useLoadItem(() => getCustomerDetail(customerId), [customerId]);
  const model = useLoad(getStageModel, []);
  if (customer.missing) return <EmptyState title={`No customer “${customerId}”`}>Check the id: it is the exact userId your systems send (case matters).</EmptyState>;
  if (customer.error) return <ErrorState message={`Could not load the customer: ${customer.error}`} onRetry={customer.reload} />;
  if (!customer.data) return <Spinner label="Loading the customer…" />;
  const c: CustomerDetail = customer.data;
  const stageName = (stage: string | null) => (stage === null ? '—' : model.data?.stages.find((s) => s.id === stage)?.label ?? stage);
  return (
    <div className="settings-grid" data-testid="customer-profile">
      <div className="settings-stack">
        <Card title={c.id}>
          <dl className="kv">
            <dt>Lifecycle stage</dt>
            <dd data-testid="customer-stage">{stageName(c.stage)}</dd>
            <dt>Value cluster</dt>
            <dd data-testid="customer-cluster">{c.cluster ? clusterLabels[c.cluster] : '— (not placed)'}</dd>
            <dt>Time zone</dt>
            <dd>{c.timezone ?? '— (the contact strategy’s fallback)'}</dd>
            <dt>Consent</dt>
            <dd>{Object.entries(c.consent).length === 0 ? 'no “no” recorded' : Object.entries(c.consent).map(([channel, yes]) => `${channel}: ${yes ? 'yes' : 'no'}`).join(', ')}</dd>
            <dt>Tags</dt>
            <dd>{c.tags.length === 0 ? '—' : <span className="tag-list">{c.tags.map((t) => <span key={t} className="badge">{t}</span>)}</span>}</dd>
            <dt>First seen</dt>
            <dd>{formatTime(c.createdAt)}</dd>
          </dl>
          <h3 className="section-title">Traits</h3>
          <pre className="json-block" data-testid="customer-traits">{JSON.stringify(c.traits, null, 2)}</pre>
        </Card>
        <Card title="Runs" className="table-card">
          {c.runs.length === 0 ? (
            <div className="card-pad muted small">Not in any journey yet.</div>
          ) : (
            <table className="settings-table">
              <thead>
                <tr>
                  <th>Journey</th>
                  <th>Status</th>
                  <th>At step</th>
                  <th>Entered</th>
                </tr>
              </thead>
              <tbody>
                {c.runs.map((r) => (
                  <tr key={r.id}>
                    <td>
                      <a href={`#/journeys/${encodeURIComponent(r.journeyId)}`}>{r.journeyId}</a> <span className="muted small">v{r.version}</span>
                    </td>
                    <td>
                      <span className={`badge ${r.status === 'active' ? 'badge-live' : ''}`}>{r.outcome ?? r.status}</span>
                    </td>
                    <td className="mono">{r.currentNode ?? '—'}</td>
                    <td className="muted">{formatTime(r.enteredAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </Card>
      </div>
      <div className="settings-stack">
        <Card title="Stage history">
          {c.stageHistory.length === 0 ? (
            <p className="muted small">No stage changes recorded.</p>
          ) : (
            <ol className="history-list">
              {c.stageHistory.map((h, i) => (
                <li key={i} className="history-item">
                  <span className="history-text">
                    <span>
                      {stageName(h.fromStage)} → <strong>{stageName(h.toStage)}</strong>
                    </span>
                    <span className="muted small">
                      {formatTime(h.at)} · {h.cause}
                    </span>
                  </span>
                </li>
              ))}
            </ol>
          )}
        </Card>
        <Card title="Recent events">
          {c.events.length === 0 ? (
            <p className="muted small">No events yet.</p>
          ) : (
            <ol className="history-list">
              {c.events.map((e) => (
                <li key={e.seq} className="history-item">
                  <span className="history-text">
                    <span>
                      <span className="badge">{e.type}</span> {e.name ?? (typeof e.payload['stage'] === 'string' ? `→ ${stageName(e.payload['stage'])}` : '')}
                    </span>
                    <span className="muted small">
                      {formatTime(e.at)}
                      {e.error ? <span className="field-error"> · {e.error}</span> : null}
                    </span>
                  </span>
                </li>
              ))}
            </ol>
          )}
        </Card>
      </div>
    </div>
  );
};
