import { useMemo, useState, type ReactElement } from 'react';
import { EmptyState, ErrorState, Spinner } from '../ui/Dialog.js';
import { listAudit, listKeys } from './api.js';
import { auditActions, auditTargetTypes, describeDetails, targetHref } from './audit-view.js';
import { formatTime } from './format.js';
import { Card, Pager, ScreenHeader, usePages, useLoad } from './ui.js';

/** The audit log: who changed keys, sources, journeys, settings and customers, newest first, a page at a time. */
const pageSize = 25;

export const AuditScreen = (): ReactElement => {
  const [filter, setFilter] = useState({ action: '', targetType: '', targetId: '' });
  const pages = usePages();
  const entries = useLoad(() => listAudit({ cursor: pages.cursor, limit: pageSize, ...filter }), [pages.cursor, filter.action, filter.targetType, filter.targetId]);
  const keys = useLoad(listKeys, []);
  const keyNames = useMemo(() => new Map((keys.data?.keys ?? []).map((k) => [k.id, `${k.name} (${k.scope})`])), [keys.data]);
  const set = (patch: Partial<typeof filter>) => {
    setFilter((f) => ({ ...f, ...patch }));
    pages.reset();
  };
  const list = entries.data?.entries ?? null;
  return (
    <div className="page">
      <ScreenHeader title="Audit log">Every change to keys, webhook sources, journeys, settings, outbound endpoints and customers (consent, deletion), with the key that made it. Secrets and customer ids are never written here.</ScreenHeader>
      <Card className="table-card" testId="audit">
        <div className="toolbar card-toolbar">
          <select className="select" aria-label="action" value={filter.action} onChange={(e) => set({ action: e.target.value })} data-testid="audit-action">
            <option value="">All actions</option>
            {auditActions.map((a) => (
              <option key={a} value={a}>
                {a}
              </option>
            ))}
          </select>
          <select className="select" aria-label="target type" value={filter.targetType} onChange={(e) => set({ targetType: e.target.value })}>
            <option value="">All targets</option>
            {auditTargetTypes.map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </select>
          <input className="input" aria-label="target id" placeholder="Target id" value={filter.targetId} onChange={(e) => set({ targetId: e.target.value.trim() })} />
          <span className="grow" />
          <button type="button" className="btn btn-small" onClick={entries.reload}>
            Refresh
          </button>
        </div>
        {entries.error ? (
          <div className="card-pad">
            <ErrorState message={`Could not load the audit log: ${entries.error}`} onRetry={entries.reload} />
          </div>
        ) : !list ? (
          <div className="card-pad">
            <Spinner label="Loading the audit log…" />
          </div>
        ) : list.length === 0 ? (
          <div className="card-pad">
            <EmptyState title="No entries">{filter.action || filter.targetType || filter.targetId ? 'Nothing matches these filters.' : 'Changes appear here as soon as they are made.'}</EmptyState>
          </div>
        ) : (
          <>
            <table className="settings-table" data-testid="audit-table">
              <thead>
                <tr>
                  <th>When</th>
                  <th>Action</th>
                  <th>Target</th>
                  <th>By</th>
                  <th>Details</th>
                </tr>
              </thead>
              <tbody>
                {list.map((e) => {
                  const href = targetHref(e.targetType, e.targetId);
                  return (
                    <tr key={e.id} data-testid={`audit-${e.id}`}>
                      <td className="muted nowrap">{formatTime(e.at)}</td>
                      <td>
                        <code>{e.action}</code>
                      </td>
                      <td>
                        <span className="muted">{e.targetType}</span> {href ? <a href={href}>{e.targetType === 'key' ? e.targetId.slice(0, 8) : e.targetId}</a> : <span className="mono">{e.targetId}</span>}
                      </td>
                      <td>{e.actorKeyId === null ? <span className="muted">system</span> : keyNames.get(e.actorKeyId) ?? <span className="mono">{e.actorKeyId.slice(0, 8)}</span>}</td>
                      <td className="small audit-details">{describeDetails(e.details as Record<string, unknown>)}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
            <Pager page={pages.page} hasNext={entries.data?.nextCursor != null} onPrevious={pages.previous} onNext={() => entries.data?.nextCursor && pages.next(entries.data.nextCursor)} testId="audit-pager" />
          </>
        )}
      </Card>
    </div>
  );
};
