import { useEffect, useRef, type ReactElement, type ReactNode } from 'react';
import { Icon } from '../nodes/icons.js';

/** A modal on the native <dialog> (focus trap and Escape for free). */
export const Dialog = ({ title, onClose, children, footer, testId, wide }: { title: string; onClose: () => void; children: ReactNode; footer?: ReactNode; testId?: string; wide?: boolean }): ReactElement => {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
    return () => dialog?.close();
  }, []);
  return (
    <dialog
      ref={ref}
      className={`dialog ${wide ? 'dialog-wide' : ''}`}
      aria-label={title}
      data-testid={testId}
      onCancel={(e) => {
        e.preventDefault();
        onClose();
      }}
      onClick={(e) => e.target === ref.current && onClose()}
    >
      <div className="dialog-head">
        <h2>{title}</h2>
        <button type="button" className="icon-btn" aria-label="close" onClick={onClose}>
          <Icon name="close" size={16} />
        </button>
      </div>
      <div className="dialog-body">{children}</div>
      {footer ? <div className="dialog-foot">{footer}</div> : null}
    </dialog>
  );
};

export const Spinner = ({ label = 'Loading…' }: { label?: string }): ReactElement => (
  <div className="spinner-row" role="status">
    <span className="spinner" aria-hidden />
    <span>{label}</span>
  </div>
);

export const EmptyState = ({ title, children, action }: { title: string; children?: ReactNode; action?: ReactNode }): ReactElement => (
  <div className="empty-state">
    <h3>{title}</h3>
    {children ? <div className="muted">{children}</div> : null}
    {action}
  </div>
);

export const ErrorState = ({ message, onRetry }: { message: string; onRetry?: () => void }): ReactElement => (
  <div className="callout callout-error" role="alert">
    <p>{message}</p>
    {onRetry ? (
      <button type="button" className="btn btn-small" onClick={onRetry}>
        Try again
      </button>
    ) : null}
  </div>
);
