import { useEffect, useState, type ReactElement } from 'react';
import { errorMessage } from '../api/client.js';
import { journeyStats, type JourneyStats } from '../api/journeys.js';
import { useEditor } from '../store/context.js';
import { EmptyState, ErrorState, Spinner } from '../ui/Dialog.js';

export const liveRefreshMs = 5000;

/** With nobody in the journey yet: how to send it someone (the trigger's Segment track call). */
const NobodyYet = (): ReactElement => {
  // A string (or undefined), not a fresh array: a selector must return a stable value.
  const first = useEditor((s) => {
    for (const n of s.history.present.nodes) if (n.kind === 'trigger_event' && typeof n.params.event === 'string' && n.params.event !== '') return n.params.event;
    return undefined;
  });
  return (
    <div className="callout" data-testid="live-hint">
      <strong>Nobody has entered yet</strong>
      {first ? (
        <>
          <span>Send the trigger’s event for a customer — from your site (Segment’s track call) or with the write key that <code>npm start</code> printed:</span>
          <pre className="code-block">{`curl -u '<write key>:' -H 'content-type: application/json' \\
  -d '${JSON.stringify({ userId: 'ada', event: first })}' \\
  ${window.location.origin}/v1/track`}</pre>
          <span>The counts on the steps change within a few seconds.</span>
        </>
      ) : (
        <span>Customers enter when the journey’s trigger fires; the counts on the steps change within a few seconds.</span>
      )}
    </div>
  );
};

/** Live view: totals here, per-step counts on the canvas; refreshed every few seconds while open. */
export const LivePanel = ({ liveVersion }: { liveVersion: number | null }): ReactElement => {
  const journeyId = useEditor((s) => s.history.present.id);
  const setLive = useEditor((s) => s.setLive);
  const [stats, setStats] = useState<JourneyStats | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [updated, setUpdated] = useState<number | null>(null);

  useEffect(() => {
    if (liveVersion === null) return;
    let alive = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const poll = async () => {
      try {
        const next = await journeyStats(journeyId);
        if (!alive) return;
        setStats(next);
        setLive(next.nodes);
        setError(null);
        setUpdated(Date.now());
      } catch (e) {
        if (alive) setError(errorMessage(e));
      }
      if (alive) timer = setTimeout(() => void poll(), liveRefreshMs);
    };
    void poll();
    return () => {
      alive = false;
      clearTimeout(timer);
      setLive(null);
    };
  }, [journeyId, liveVersion, setLive]);

  if (liveVersion === null) return <EmptyState title="Not live yet">Publish the journey to see customers moving through it.</EmptyState>;
  return (
    <div className="panel-body" data-testid="live-panel">
      {error ? <ErrorState message={`Could not refresh: ${error}`} /> : null}
      {!stats ? (
        <Spinner label="Loading live counts…" />
      ) : (
        <>
          <div className="stat-grid">
            <div className="stat" data-testid="live-active">
              <span className="stat-value">{stats.activeRuns.toLocaleString()}</span>
              <span className="stat-label">in the journey now</span>
            </div>
            <div className="stat" data-testid="live-converted">
              <span className="stat-value">{stats.converted.toLocaleString()}</span>
              <span className="stat-label">converted</span>
            </div>
            <div className="stat" data-testid="live-exited">
              <span className="stat-value">{stats.exited.toLocaleString()}</span>
              <span className="stat-label">exited</span>
            </div>
          </div>
          {stats.activeRuns + stats.converted + stats.exited === 0 ? <NobodyYet /> : null}
          <p className="muted small">
            Live version v{stats.version ?? '—'}. Each step shows how many customers wait there now and how often it was entered (all versions).{' '}
            {updated ? `Updated ${new Date(updated).toLocaleTimeString()}; refreshes every ${liveRefreshMs / 1000} s.` : ''}
          </p>
        </>
      )}
    </div>
  );
};
