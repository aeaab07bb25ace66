import type { ReactElement } from 'react';
import { Icon } from '../nodes/icons.js';
import { CopyField } from './ui.js';

/** A secret (signing secret, API key) shown this one time, with a copy button and the warning. */
export const SecretOnce = ({ secret, what, testId }: { secret: string; what: string; testId?: string }): ReactElement => (
  <div className="secret-box" data-testid={testId ? `${testId}-box` : undefined}>
    <p className="secret-warning">
      <Icon name="warning" size={15} /> Copy the {what} now: it is shown only this once and stored so that nobody can read it back.
    </p>
    <CopyField value={secret} label={what} testId={testId} secret />
  </div>
);
