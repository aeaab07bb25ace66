import { useCallback, useEffect, useRef, useState, type ReactElement, type ReactNode } from 'react';
import { ApiFailure, errorMessage } from '../api/client.js';
import { Icon } from '../nodes/icons.js';
import type { FormErrors } from './errors.js';

/** Building blocks shared by the settings screens: loading, headers, copy fields, field errors. */

export interface Loaded<T> {
  data: T | null;
  error: string | null;
  loading: boolean;
  reload: () => void;
  setData: (data: T) => void;
}

/** Loads once and on `reload()`; keeps the last data while reloading. */
export const useLoad = <T,>(load: () => Promise<T>, deps: readonly unknown[]): Loaded<T> => {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [tick, setTick] = useState(0);
  const stable = useCallback(load, deps);
  useEffect(() => {
    let live = true;
    setLoading(true);
    setError(null);
    stable()
      .then((value) => live && setData(value))
      .catch((e: unknown) => live && setError(errorMessage(e)))
      .finally(() => live && setLoading(false));
    return () => {
      live = false;
    };
  }, [stable, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { data, error, loading, reload, setData };
};

/** Calls `reload` every `ms` while `active` (a log's first page, a segment still being evaluated). */
export const useReloadEvery = (ms: number, reload: () => void, active: boolean): void => {
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(reload, ms);
    return () => clearInterval(timer);
  }, [ms, reload, active]);
};

/** `useLoad` for one item by id: `missing` once the server answers 404 (the screen says so rather than show an error). */
export const useLoadItem = <T,>(load: () => Promise<T>, deps: readonly unknown[]): Loaded<T> & { missing: boolean } => {
  const [missing, setMissing] = useState(false);
  const loaded = useLoad(
    () =>
      load().catch((e: unknown) => {
        if (e instanceof ApiFailure && e.status === 404) setMissing(true);
        throw e;
      }),
    deps,
  );
  return { ...loaded, missing };
};

/** The refresh button in a card's head. */
export const RefreshButton = ({ label, onClick }: { label: string; onClick: () => void }): ReactElement => (
  <button type="button" className="icon-btn" aria-label={label} onClick={onClick}>
    <Icon name="refresh" size={15} />
  </button>
);

export const ScreenHeader = ({ title, children, actions }: { title: string; children?: ReactNode; actions?: ReactNode }): ReactElement => (
  <div className="list-title">
    <div>
      <h1>{title}</h1>
      {children ? <p className="muted screen-lead">{children}</p> : null}
    </div>
    {actions ? <div className="list-actions">{actions}</div> : null}
  </div>
);

export const Card = ({ title, actions, children, testId, className = '' }: { title?: ReactNode; actions?: ReactNode; children: ReactNode; testId?: string; className?: string }): ReactElement => (
  <section className={`settings-card ${className}`} data-testid={testId}>
    {title || actions ? (
      <div className="settings-card-head">
        {title ? <h2>{title}</h2> : <span />}
        {actions ? <div className="settings-card-actions">{actions}</div> : null}
      </div>
    ) : null}
    {children}
  </section>
);

/** Field-less errors of a form (or a failed call), shown above it. */
export const FormAlert = ({ errors, testId }: { errors: FormErrors; testId?: string }): ReactElement | null =>
  errors.general.length === 0 ? null : (
    <div className="callout callout-error" role="alert" data-testid={testId}>
      {errors.general.map((message) => (
        <p key={message}>{message}</p>
      ))}
    </div>
  );

/** The messages for one field (below the input). */
export const FieldErrors = ({ messages, testId }: { messages: readonly string[]; testId?: string }): ReactElement | null =>
  messages.length === 0 ? null : (
    <div className="field-errors" data-testid={testId}>
      {messages.map((message) => (
        <p key={message} className="field-error" role="alert">
          {message}
        </p>
      ))}
    </div>
  );

const copyText = async (text: string, fallback: HTMLInputElement | null): Promise<boolean> => {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    // No clipboard permission (e.g. plain http on another host): select the text and use the old command.
    if (!fallback) return false;
    fallback.select();
    return document.execCommand('copy');
  }
};

/** A read-only value with a copy button (secrets shown once, hook URLs). */
export const CopyField = ({ value, label, testId, secret }: { value: string; label: string; testId?: string; secret?: boolean }): ReactElement => {
  const input = useRef<HTMLInputElement>(null);
  const [copied, setCopied] = useState<'yes' | 'no' | null>(null);
  useEffect(() => {
    if (!copied) return;
    const timer = setTimeout(() => setCopied(null), 2500);
    return () => clearTimeout(timer);
  }, [copied]);
  return (
    <div className="copy-field">
      <input ref={input} className={`input code ${secret ? 'secret-value' : ''}`} readOnly value={value} aria-label={label} onFocus={(e) => e.target.select()} data-testid={testId} />
      <button type="button" className="btn" onClick={() => void copyText(value, input.current).then((ok) => setCopied(ok ? 'yes' : 'no'))} data-testid={testId ? `${testId}-copy` : undefined}>
        <Icon name={copied === 'yes' ? 'check' : 'copy'} size={15} /> {copied === 'yes' ? 'Copied' : copied === 'no' ? 'Select and copy' : 'Copy'}
      </button>
    </div>
  );
};

/** Prev / next over a keyset-paginated list (the server gives a `nextCursor`; earlier cursors are kept here). */
export const usePages = () => {
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const cursor = cursors[cursors.length - 1] ?? null;
  return {
    cursor,
    page: cursors.length,
    next: (nextCursor: string) => setCursors((list) => [...list, nextCursor]),
    previous: () => setCursors((list) => (list.length > 1 ? list.slice(0, -1) : list)),
    reset: () => setCursors([null]),
  };
};

/** `labels`: what the buttons say, for lists not ordered by time (default "Newer" / "Older"). */
export const Pager = ({ page, hasNext, onPrevious, onNext, testId, labels = ['Newer', 'Older'] }: { page: number; hasNext: boolean; onPrevious: () => void; onNext: () => void; testId?: string; labels?: readonly [string, string] }): ReactElement => (
  <div className="pager" data-testid={testId}>
    <button type="button" className="btn btn-small" disabled={page <= 1} onClick={onPrevious} data-testid={testId ? `${testId}-previous` : undefined}>
      <Icon name="back" size={14} /> {labels[0]}
    </button>
    <span className="muted small">Page {page}</span>
    <button type="button" className="btn btn-small" disabled={!hasNext} onClick={onNext} data-testid={testId ? `${testId}-next` : undefined}>
      {labels[1]} <Icon name="chevron" size={14} />
    </button>
  </div>
);

/** Saved / failed message after an action, dismissable. */
export const Notice = ({ message, onDismiss, testId }: { message: { ok: boolean; text: string } | null; onDismiss: () => void; testId?: string }): ReactElement | null =>
  message ? (
    <div className={`banner ${message.ok ? 'banner-ok' : 'banner-error'}`} role="status" data-testid={testId}>
      {message.text}
      <button type="button" className="icon-btn" aria-label="dismiss" onClick={onDismiss}>
        <Icon name="close" size={14} />
      </button>
    </div>
  ) : null;

/**
 * A number input that keeps what is typed: `onChange` gets the number, or NaN while the text is not
 * one (the schema then says so next to the field). Follows `value` when it changes from outside.
 */
export const NumberInput = ({ value, onChange, label, testId, min, step, className = 'input' }: { value: number; onChange: (value: number) => void; label: string; testId?: string; min?: number; step?: number | 'any'; className?: string }): ReactElement => {
  const [text, setText] = useState(() => (Number.isFinite(value) ? String(value) : ''));
  useEffect(() => {
    setText((current) => (Number(current) === value || (current === '' && Number.isNaN(value)) ? current : Number.isFinite(value) ? String(value) : ''));
  }, [value]);
  return (
    <input
      className={`${className} input-number`}
      type="number"
      inputMode="decimal"
      aria-label={label}
      value={text}
      min={min}
      step={step ?? 'any'}
      onChange={(e) => {
        setText(e.target.value);
        onChange(e.target.value.trim() === '' ? Number.NaN : Number(e.target.value));
      }}
      data-testid={testId}
    />
  );
};

/** zod's words for a NaN from an empty or half-typed number box, in the form's words. */
export const fieldMessage = (message: string): string => (/received NaN|expected number/i.test(message) ? 'enter a number' : message);

/**
 * The footer of a dialog that makes a secret: Cancel + the action until it is made, then one
 * "I have saved …" button (the secret is shown once).
 */
export const SecretDialogFooter = ({
  made,
  saved,
  onClose,
  action,
}: {
  made: boolean;
  saved: { label: string; testId: string };
  onClose: () => void;
  action: { label: string; busyLabel: string; busy: boolean; disabled: boolean; testId: string; form?: string; onClick?: () => void };
}): ReactElement =>
  made ? (
    <button type="button" className="btn btn-primary" onClick={onClose} data-testid={saved.testId}>
      {saved.label}
    </button>
  ) : (
    <>
      <button type="button" className="btn" onClick={onClose}>
        Cancel
      </button>
      <button type={action.form ? 'submit' : 'button'} form={action.form} className="btn btn-primary" disabled={action.busy || action.disabled} onClick={action.onClick} data-testid={action.testId}>
        {action.busy ? action.busyLabel : action.label}
      </button>
    </>
  );
