import type { ReactElement } from 'react';
import { ScreenHeader } from './ui.js';

/** A hash no screen answers to: say so, show what was asked for, and offer the way back. */
export const NotFoundScreen = ({ hash }: { hash: string }): ReactElement => (
  <div className="page" data-testid="not-found">
    <ScreenHeader title="Page not found">
      There is no page at <code data-testid="not-found-hash">{hash}</code>. The link may be mistyped or from an older version of Rapport; pick a screen on the left, or
      go to the <a href="#/">journeys</a>.
    </ScreenHeader>
  </div>
);
