import { useState, type FormEvent, type ReactElement } from 'react';
import { useStore } from 'zustand';
import { errorMessage } from '../api/client.js';
import { listJourneys } from '../api/journeys.js';
import { clearKey, saveKey, sessionStore } from '../api/session.js';

/** Asks once for the admin key (printed by `npm start`), checks it, and keeps it in this browser. */
export const SignIn = (): ReactElement => {
  const reason = useStore(sessionStore, (s) => s.reason);
  const [key, setKey] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    saveKey(key.trim());
    try {
      await listJourneys();
    } catch (e) {
      clearKey();
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };
  const message = error ?? reason;
  return (
    <div className="signin">
      <form className="signin-card" onSubmit={(e) => void submit(e)} data-testid="signin-form">
        <div className="brand brand-large">
          <span className="brand-mark">R</span> Rapport
        </div>
        <h1>Sign in to the journey editor</h1>
        <p className="muted">
          Paste the <strong>admin key</strong> that <code>npm start</code> printed when Rapport first started (or a key from <code>npx rapport keys create admin</code>). It is kept in this browser only.
        </p>
        {message ? (
          <p className="callout callout-error" role="alert" data-testid="signin-error">
            {message.includes('not valid') || message.includes('send your key') ? `That key was not accepted: ${message}` : message}
          </p>
        ) : null}
        <label className="field-label" htmlFor="admin-key">
          Admin key
        </label>
        <input id="admin-key" className="input" type="password" autoComplete="off" autoFocus value={key} onChange={(e) => setKey(e.target.value)} placeholder="rk_admin_…" data-testid="signin-key" />
        <button type="submit" className="btn btn-primary btn-block" disabled={busy || key.trim() === ''} data-testid="signin-submit">
          {busy ? 'Checking…' : 'Sign in'}
        </button>
      </form>
    </div>
  );
};
