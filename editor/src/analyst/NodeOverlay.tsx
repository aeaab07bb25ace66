import type { ReactElement } from 'react';
import { useStore } from 'zustand';
import { formatSigned } from './report.js';
import { overlayStore } from './overlay-store.js';

/** What-if numbers on a canvas node: entered, waiting at the end, left; and the change against live. */
export const NodeOverlayBadge = ({ id }: { id: string }): ReactElement | null => {
  const counts = useStore(overlayStore, (s) => s.overlay?.[id] ?? null);
  const active = useStore(overlayStore, (s) => s.overlay !== null);
  if (!active) return null;
  const c = counts ?? { entered: 0, waiting: 0, exited: 0, delta: null };
  return (
    <div className="node-whatif" data-testid={`whatif-node-${id}`} title="what-if: simulated runs that entered this step / were still waiting here at the end of the window">
      <strong>{c.entered.toLocaleString()}</strong> in · <strong>{c.waiting.toLocaleString()}</strong> waiting
      {c.delta !== null ? <span className={`whatif-delta ${c.delta > 0 ? 'is-up' : c.delta < 0 ? 'is-down' : ''}`}> · {formatSigned(c.delta)} vs live</span> : null}
    </div>
  );
};
