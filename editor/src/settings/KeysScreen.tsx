import { useState, type ReactElement } from 'react';
import { readKey } from '../api/session.js';
import { Icon } from '../nodes/icons.js';
import { Dialog, EmptyState, ErrorState, Spinner } from '../ui/Dialog.js';
import { createKey, listKeys, revokeKey, type ApiKey, type KeyScope } from './api.js';
import { ConfirmDialog } from './ConfirmDialog.js';
import { errorsAt, noErrors, serverErrors, type FormErrors } from './errors.js';
import { formatDate, formatTime, relativeTime } from './format.js';
import { SecretOnce } from './SecretOnce.js';
import { FieldErrors, FormAlert, ScreenHeader, SecretDialogFooter, useLoad } from './ui.js';

/** API keys: the list with scope and last use, creating one (shown once), revoking. */
const scopes: { scope: KeyScope; label: string; meaning: string }[] = [
  { scope: 'write', label: 'Write', meaning: 'ingest only: identify, track, batch (for your website, app or backend)' },
  { scope: 'read', label: 'Read', meaning: 'read-only access to the management API (dashboards, exports)' },
  { scope: 'admin', label: 'Admin', meaning: 'everything, including keys, sources and settings (the editor signs in with one)' },
];

export const KeysScreen = (): ReactElement => {
  const keys = useLoad(listKeys, []);
  const [creating, setCreating] = useState(false);
  const [revoking, setRevoking] = useState<ApiKey | null>(null);
  const list = keys.data?.keys ?? null;
  const mine = readKey()?.slice(0, 12) ?? null;
  const now = Date.now();
  return (
    <div className="page">
      <ScreenHeader
        title="API keys"
        actions={
          <button type="button" className="btn btn-primary" onClick={() => setCreating(true)} data-testid="key-new">
            <Icon name="plus" size={15} /> New key
          </button>
        }
      >
        Keys for the systems that talk to Rapport. A key is shown once when it is made and stored hashed; revoke one the moment it may have leaked.
      </ScreenHeader>
      {keys.error ? (
        <ErrorState message={`Could not load the keys: ${keys.error}`} onRetry={keys.reload} />
      ) : !list ? (
        <Spinner label="Loading keys…" />
      ) : list.length === 0 ? (
        <EmptyState title="No keys">Create a write key for your website or backend to send events.</EmptyState>
      ) : (
        <table className="journey-table" data-testid="key-list">
          <thead>
            <tr>
              <th>Name</th>
              <th>Scope</th>
              <th>Key starts with</th>
              <th>Created</th>
              <th>Last used</th>
              <th>
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {list.map((k) => (
              <tr key={k.id} className={k.revokedAt ? 'is-revoked' : ''} data-testid={`key-row-${k.name}`}>
                <td>
                  <strong>{k.name}</strong>
                  {k.prefix === mine ? <span className="badge badge-converted key-mine">you are signed in with it</span> : null}
                </td>
                <td>
                  <span className={`badge scope-badge-${k.scope}`}>{k.scope}</span>
                </td>
                <td className="mono">{k.prefix}…</td>
                <td className="muted">{formatDate(k.createdAt)}</td>
                <td className="muted" title={k.lastUsedAt ? formatTime(k.lastUsedAt) : undefined}>
                  {k.lastUsedAt ? relativeTime(k.lastUsedAt, now) : 'never'}
                </td>
                <td className="row-actions">
                  {k.revokedAt ? (
                    <span className="badge badge-archived" data-testid={`key-revoked-${k.name}`}>
                      revoked {formatDate(k.revokedAt)}
                    </span>
                  ) : (
                    <button type="button" className="btn btn-small btn-danger-ghost" onClick={() => setRevoking(k)} data-testid={`key-revoke-${k.name}`}>
                      Revoke
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {creating ? <CreateKeyDialog onClose={() => setCreating(false)} onCreated={keys.reload} /> : null}
      {revoking ? (
        <ConfirmDialog title={`Revoke “${revoking.name}”?`} confirm="Revoke key" testId="key-revoke-dialog" onClose={() => setRevoking(null)} onConfirm={async () => { await revokeKey(revoking.id); keys.reload(); }}>
          <p>Requests with this key are refused from now on (within seconds on every Rapport process). This cannot be undone: make a new key instead.</p>
          {revoking.prefix === mine ? <p className="callout callout-warning">This is the key this editor is signed in with: you will be signed out.</p> : null}
        </ConfirmDialog>
      ) : null}
    </div>
  );
};

const CreateKeyDialog = ({ onClose, onCreated }: { onClose: () => void; onCreated: () => void }): ReactElement => {
  const [name, setName] = useState('');
  const [scope, setScope] = useState<KeyScope>('write');
  const [created, setCreated] = useState<string | null>(null);
  const [errors, setErrors] = useState<FormErrors>(noErrors);
  const [busy, setBusy] = useState(false);
  const submit = async () => {
    setBusy(true);
    setErrors(noErrors());
    try {
      const key = await createKey(name.trim(), scope);
      setCreated(key.key);
      onCreated();
    } catch (e) {
      setErrors(serverErrors(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Dialog
      title={created ? 'Your new key' : 'New API key'}
      onClose={onClose}
      testId="key-dialog"
      footer={
        <SecretDialogFooter
          made={created !== null}
          saved={{ label: 'I have saved the key', testId: 'key-done' }}
          onClose={onClose}
          action={{ label: 'Create key', busyLabel: 'Creating…', busy, disabled: name.trim() === '', testId: 'key-create', form: 'key-form' }}
        />
      }
    >
      {created ? (
        <SecretOnce secret={created} what="key" testId="key-secret" />
      ) : (
        <form id="key-form" onSubmit={(e) => { e.preventDefault(); void submit(); }}>
          <FormAlert errors={errors} />
          <div className={`field ${errorsAt(errors, ['name']).length ? 'has-error' : ''}`}>
            <label className="field-label" htmlFor="key-name">
              Name
            </label>
            <input id="key-name" className="input" value={name} maxLength={200} autoFocus placeholder="e.g. shop backend" onChange={(e) => setName(e.target.value)} data-testid="key-name" />
            <FieldErrors messages={errorsAt(errors, ['name'])} />
          </div>
          <fieldset className="field">
            <legend className="field-label">Scope</legend>
            {scopes.map((s) => (
              <label key={s.scope} className="radio">
                <input type="radio" name="scope" checked={scope === s.scope} onChange={() => setScope(s.scope)} data-testid={`key-scope-${s.scope}`} />
                <span>
                  <strong>{s.label}</strong> <span className="muted small">— {s.meaning}</span>
                </span>
              </label>
            ))}
            <FieldErrors messages={errorsAt(errors, ['scope'])} />
          </fieldset>
        </form>
      )}
    </Dialog>
  );
};
