import type { ReactElement } from 'react';

const labels: Record<string, string> = { draft: 'Draft', live: 'Live', paused: 'Paused', archived: 'Archived' };

export const StatusBadge = ({ status }: { status: string }): ReactElement => (
  <span className={`badge badge-${status}`} data-testid="status-badge">
    {labels[status] ?? status}
  </span>
);
