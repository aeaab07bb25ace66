import type { ReactElement, ReactNode } from 'react';

/** A labelled form row with help text and the errors that belong to it. */
export const Field = ({ id, label, help, errors = [], children, testId }: { id: string; label: string; help?: string | undefined; errors?: readonly string[]; children: ReactNode; testId?: string }): ReactElement => (
  <div className={`field ${errors.length > 0 ? 'has-error' : ''}`} data-testid={testId}>
    <label className="field-label" htmlFor={id}>
      {label}
    </label>
    {children}
    {errors.map((message, i) => (
      <p key={i} className="field-error" role="alert">
        {message}
      </p>
    ))}
    {help ? <p className="field-help">{help}</p> : null}
  </div>
);
