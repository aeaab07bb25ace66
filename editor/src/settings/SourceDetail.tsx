import { useState, type ReactElement } from 'react';
import { Icon } from '../nodes/icons.js';
import { Dialog, ErrorState, Spinner } from '../ui/Dialog.js';
import { deleteSourceSecret, disableSource, getSource, previewMapping, rotateSource, updateSource, type MappingPreview, type Source } from './api.js';
import { ConfirmDialog } from './ConfirmDialog.js';
import { DeliveriesLog } from './DeliveriesLog.js';
import { errorsAt, noErrors, serverErrors, type FormErrors } from './errors.js';
import { formatTime } from './format.js';
import { SecretOnce } from './SecretOnce.js';
import { hookUrl, mappingDraftOf, mappingOf, parsePayload, samplePayload, type MappingDraft } from './source-form.js';
import { Card, CopyField, FieldErrors, FormAlert, Notice, NumberInput, SecretDialogFooter, useLoad } from './ui.js';

/** One webhook source: its URL and secrets (rotate, end old ones), the mapping with a test-payload preview, and its deliveries. */
export const SourceDetail = ({ sourceId, onBack }: { sourceId: string; onBack: () => void }): ReactElement => {
  const source = useLoad(() => getSource(sourceId), [sourceId]);
  return (
    <div className="page">
      <a className="back-link" href="#/sources" onClick={(e) => { e.preventDefault(); onBack(); }}>
        <Icon name="back" size={14} /> Webhook sources
      </a>
      {source.error ? (
        <ErrorState message={`Could not load the source: ${source.error}`} onRetry={source.reload} />
      ) : !source.data ? (
        <Spinner label="Loading the source…" />
      ) : (
        <SourceBody source={source.data} onChanged={source.setData} />
      )}
    </div>
  );
};

const SourceBody = ({ source, onChanged }: { source: Source; onChanged: (source: Source) => void }): ReactElement => {
  const [rotating, setRotating] = useState(false);
  const [disabling, setDisabling] = useState(false);
  const [notice, setNotice] = useState<{ ok: boolean; text: string } | null>(null);
  const disabled = source.disabledAt !== null;
  return (
    <>
      <div className="list-title">
        <div>
          <div className="title-line">
            <h1 data-testid="source-title">{source.name}</h1>
            {disabled ? <span className="badge badge-disabled">Disabled</span> : <span className="badge badge-live">Active</span>}
          </div>
          <p className="muted">
            <code>{source.id}</code> · {source.scheme === 'standard' ? 'Standard Webhooks' : 'HMAC-SHA256 header'} · created {formatTime(source.createdAt)}
          </p>
        </div>
        <div className="list-actions">
          <button type="button" className="btn" disabled={disabled} onClick={() => setRotating(true)} data-testid="source-rotate">
            <Icon name="refresh" size={15} /> Rotate secret
          </button>
          <button type="button" className="btn btn-danger-ghost" disabled={disabled} onClick={() => setDisabling(true)} data-testid="source-disable">
            Disable
          </button>
        </div>
      </div>
      <Notice message={notice} onDismiss={() => setNotice(null)} />
      <div className="settings-grid">
        <div className="settings-stack">
          <MappingCard source={source} onSaved={(s) => { onChanged(s); setNotice({ ok: true, text: 'Mapping saved: it applies to the next delivery.' }); }} />
        </div>
        <div className="settings-stack">
          <EndpointCard source={source} onChanged={onChanged} />
        </div>
      </div>
      <DeliveriesLog sourceId={source.id} />
      {rotating ? <RotateDialog source={source} onClose={() => setRotating(false)} onRotated={onChanged} /> : null}
      {disabling ? (
        <ConfirmDialog
          title={`Disable “${source.name}”?`}
          confirm="Disable source"
          onClose={() => setDisabling(false)}
          onConfirm={async () => onChanged(await disableSource(source.id))}
        >
          <p>Its hook answers <code>410 Gone</code> from now on, so providers stop sending. Deliveries already stored stay visible. This cannot be undone from the editor.</p>
        </ConfirmDialog>
      ) : null}
    </>
  );
};

const EndpointCard = ({ source, onChanged }: { source: Source; onChanged: (source: Source) => void }): ReactElement => {
  const [error, setError] = useState<string | null>(null);
  const now = Date.now();
  return (
    <Card title="Endpoint" testId="source-endpoint">
      <p className="field-label">URL for the provider</p>
      <CopyField value={hookUrl(window.location.origin, source.hookPath)} label="hook URL" testId="source-detail-url" />
      <p className="field-help">{source.scheme === 'standard' ? 'Signed with Standard Webhooks (v1, HMAC-SHA256 over id.timestamp.body, 5 minutes tolerance).' : `Signature in the ${source.hmac?.header ?? ''} header (${source.hmac?.encoding ?? 'hex'}${source.hmac?.prefix ? `, prefix ${source.hmac.prefix}` : ''}).`}</p>
      <h3 className="section-title">Signing secrets</h3>
      {error ? <p className="callout callout-error" role="alert">{error}</p> : null}
      <ul className="secret-list" data-testid="source-secrets">
        {source.secrets.map((s) => (
          <li key={s.index} className="secret-item">
            <span className="badge">{s.index === 0 ? 'newest' : `#${s.index}`}</span>
            <span className="grow small">
              created {formatTime(s.createdAt)}
              {s.expiresAt !== null ? <span className="muted"> · valid until {formatTime(s.expiresAt)}{s.expiresAt < now ? ' (ended)' : ''}</span> : null}
            </span>
            {s.index > 0 ? (
              <button
                type="button"
                className="btn btn-small btn-danger-ghost"
                onClick={() => {
                  setError(null);
                  deleteSourceSecret(source.id, s.index).then(onChanged).catch((e: unknown) => setError(serverErrors(e).general.join(' ')));
                }}
              >
                End now
              </button>
            ) : null}
          </li>
        ))}
      </ul>
      <p className="field-help">Secrets are never shown again after they are made. Rotating keeps the older secret valid for a grace period, so the provider can switch without losing deliveries.</p>
    </Card>
  );
};

const MappingCard = ({ source, onSaved }: { source: Source; onSaved: (source: Source) => void }): ReactElement => {
  const [mapping, setMapping] = useState<MappingDraft>(() => mappingDraftOf(source.mapping));
  const [payload, setPayload] = useState(samplePayload);
  const [result, setResult] = useState<MappingPreview | null>(null);
  const [errors, setErrors] = useState<FormErrors>(noErrors);
  const [payloadError, setPayloadError] = useState<string | null>(null);
  const [busy, setBusy] = useState<'preview' | 'save' | null>(null);
  const saved = mappingDraftOf(source.mapping);
  const dirty = JSON.stringify(mappingOf(mapping)) !== JSON.stringify(mappingOf(saved));
  const set = (patch: Partial<MappingDraft>) => {
    setMapping((m) => ({ ...m, ...patch }));
    setErrors(noErrors());
    setResult(null);
  };
  const preview = async () => {
    const parsed = parsePayload(payload);
    setPayloadError(parsed.ok ? null : parsed.reason);
    if (!parsed.ok) return;
    setBusy('preview');
    setErrors(noErrors());
    try {
      setResult(await previewMapping(source.id, parsed.payload, mappingOf(mapping)));
    } catch (e) {
      setResult(null);
      setErrors(serverErrors(e));
    } finally {
      setBusy(null);
    }
  };
  const save = async () => {
    setBusy('save');
    setErrors(noErrors());
    try {
      onSaved(await updateSource(source.id, { mapping: mappingOf(mapping) }));
    } catch (e) {
      setErrors(serverErrors(e));
    } finally {
      setBusy(null);
    }
  };
  const field = (key: keyof MappingDraft, label: string, placeholder?: string) => {
    const messages = errorsAt(errors, ['mapping', key]);
    return (
      <div className={`field ${messages.length ? 'has-error' : ''}`}>
        <label className="field-label" htmlFor={`mapping-${key}`}>
          {label}
        </label>
        <input id={`mapping-${key}`} className="input code" value={mapping[key]} placeholder={placeholder} spellCheck={false} onChange={(e) => set({ [key]: e.target.value })} data-testid={`mapping-${key}`} />
        <FieldErrors messages={messages} testId={`mapping-${key}-error`} />
      </div>
    );
  };
  return (
    <Card title="Mapping" testId="source-mapping">
      <FormAlert errors={errors} />
      <div className="mapping-grid">
        {field('customerId', 'Customer id')}
        {field('event', 'Event name')}
        {field('properties', 'Properties', 'whole payload')}
      </div>
      <div className="field">
        <label className="field-label" htmlFor="mapping-payload">
          Test payload (JSON, as the provider sends it)
        </label>
        <textarea id="mapping-payload" className="input textarea code" rows={7} value={payload} spellCheck={false} onChange={(e) => setPayload(e.target.value)} data-testid="mapping-payload" />
        {payloadError ? <p className="field-error" role="alert">{payloadError}</p> : null}
      </div>
      {result ? (
        result.ok ? (
          <div className="preview-result is-ok" data-testid="mapping-result">
            <strong>Maps to</strong> event <code>{result.event.name}</code> for customer <code>{result.event.customerId}</code>
            <pre className="json-block">{JSON.stringify(result.event.properties, null, 2)}</pre>
          </div>
        ) : (
          <div className="preview-result is-failed" data-testid="mapping-result">
            <strong>Would be refused (422):</strong> {result.reason}
          </div>
        )
      ) : null}
      <div className="form-foot">
        <span className="muted small">Preview stores nothing; it uses the mapping in the form.</span>
        <div className="form-foot-actions">
          {dirty ? <span className="dirty-dot">Unsaved changes</span> : null}
          <button type="button" className="btn" disabled={busy !== null} onClick={() => void preview()} data-testid="mapping-preview">
            <Icon name="play" size={14} /> {busy === 'preview' ? 'Mapping…' : 'Preview'}
          </button>
          <button type="button" className="btn btn-primary" disabled={busy !== null || !dirty} onClick={() => void save()} data-testid="mapping-save">
            {busy === 'save' ? 'Saving…' : 'Save mapping'}
          </button>
        </div>
      </div>
    </Card>
  );
};

const RotateDialog = ({ source, onClose, onRotated }: { source: Source; onClose: () => void; onRotated: (source: Source) => void }): ReactElement => {
  const [graceHours, setGraceHours] = useState(24);
  const [secret, setSecret] = useState<string | null>(null);
  const [errors, setErrors] = useState<FormErrors>(noErrors);
  const [busy, setBusy] = useState(false);
  const rotate = async () => {
    setBusy(true);
    setErrors(noErrors());
    try {
      const rotated = await rotateSource(source.id, graceHours);
      setSecret(rotated.secret);
      onRotated(rotated);
    } catch (e) {
      setErrors(serverErrors(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Dialog
      title={secret ? 'New signing secret' : `Rotate the secret of “${source.name}”`}
      onClose={onClose}
      testId="rotate-dialog"
      footer={
        <SecretDialogFooter
          made={secret !== null}
          saved={{ label: 'I have saved the secret', testId: 'rotate-done' }}
          onClose={onClose}
          action={{ label: 'Rotate', busyLabel: 'Rotating…', busy, disabled: !Number.isFinite(graceHours), testId: 'rotate-confirm', onClick: () => void rotate() }}
        />
      }
    >
      {secret ? (
        <SecretOnce secret={secret} what="new signing secret" testId="rotate-secret" />
      ) : (
        <>
          <FormAlert errors={errors} />
          <p>A new secret becomes the one to sign with. The current one keeps working for the grace period, so the provider can switch without losing deliveries.</p>
          <div className={`field ${errorsAt(errors, ['graceHours']).length ? 'has-error' : ''}`}>
            <label className="field-label" htmlFor="grace-hours">
              Old secret stays valid for (hours)
            </label>
            <NumberInput label="grace hours" value={graceHours} min={0} onChange={setGraceHours} className="input input-short" />
            <FieldErrors messages={errorsAt(errors, ['graceHours'])} />
            <p className="field-help">0 ends the old secret at once.</p>
          </div>
        </>
      )}
    </Dialog>
  );
};
