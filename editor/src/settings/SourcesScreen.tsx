import { useState, type ReactElement } from 'react';
import { Icon } from '../nodes/icons.js';
import { Dialog, EmptyState, ErrorState, Spinner } from '../ui/Dialog.js';
import { createSource, listSources } from './api.js';
import { errorsAt, noErrors, serverErrors, type FormErrors } from './errors.js';
import { formatDate } from './format.js';
import { SecretOnce } from './SecretOnce.js';
import { emptySourceDraft, hookUrl, newSourceOf, type SourceDraft } from './source-form.js';
import { SourceDetail } from './SourceDetail.js';
import { CopyField, FieldErrors, FormAlert, ScreenHeader, useLoad } from './ui.js';

/** Inbound webhook sources: the list, creating one (its secret shown once), and one source's page. */
export const SourcesScreen = ({ sourceId, onOpen }: { sourceId: string | null; onOpen: (id: string | null) => void }): ReactElement =>
  sourceId ? <SourceDetail key={sourceId} sourceId={sourceId} onBack={() => onOpen(null)} /> : <SourceList onOpen={onOpen} />;

const SourceList = ({ onOpen }: { onOpen: (id: string) => void }): ReactElement => {
  const sources = useLoad(listSources, []);
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<{ id: string; name: string; secret: string; hookPath: string } | null>(null);
  const list = sources.data?.sources ?? null;
  return (
    <div className="page">
      <ScreenHeader
        title="Webhook sources"
        actions={
          <button type="button" className="btn btn-primary" onClick={() => setCreating(true)} data-testid="source-new">
            <Icon name="plus" size={15} /> New source
          </button>
        }
      >
        Shops, billing systems, forms and support desks that post to Rapport. Each delivery is checked against the source's signing secret, mapped to a customer and an event, and can start journeys (the <em>Inbound webhook</em> trigger).
      </ScreenHeader>
      {sources.error ? (
        <ErrorState message={`Could not load the sources: ${sources.error}`} onRetry={sources.reload} />
      ) : !list ? (
        <Spinner label="Loading sources…" />
      ) : list.length === 0 ? (
        <EmptyState title="No webhook sources yet" action={<button type="button" className="btn btn-primary" onClick={() => setCreating(true)}>Create your first source</button>}>
          A source gives a provider a URL and a signing secret; deliveries show up here with what was accepted and why anything was rejected.
        </EmptyState>
      ) : (
        <table className="journey-table" data-testid="source-list">
          <thead>
            <tr>
              <th>Name</th>
              <th>Verification</th>
              <th>Hook URL</th>
              <th>Status</th>
              <th>Created</th>
            </tr>
          </thead>
          <tbody>
            {list.map((s) => (
              <tr key={s.id} data-testid={`source-row-${s.id}`}>
                <td>
                  <a className="journey-name link-plain" href={`#/sources/${encodeURIComponent(s.id)}`} data-testid={`source-open-${s.id}`}>
                    {s.name}
                  </a>
                  <div className="muted small">{s.id}</div>
                </td>
                <td>{s.scheme === 'standard' ? 'Standard Webhooks' : `HMAC-SHA256 (${s.hmac?.header ?? 'header'})`}</td>
                <td className="mono truncate" title={hookUrl(window.location.origin, s.hookPath)}>
                  {s.hookPath}
                </td>
                <td>{s.disabledAt ? <span className="badge badge-disabled">Disabled</span> : <span className="badge badge-live">Active</span>}</td>
                <td className="muted">{formatDate(s.createdAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {creating ? (
        <CreateSourceDialog
          onClose={() => setCreating(false)}
          onCreated={(source) => {
            setCreating(false);
            setCreated(source);
            sources.reload();
          }}
        />
      ) : null}
      {created ? (
        <Dialog
          title={`“${created.name}” is ready`}
          onClose={() => {
            setCreated(null);
            onOpen(created.id);
          }}
          testId="source-created"
          footer={
            <button type="button" className="btn btn-primary" onClick={() => { setCreated(null); onOpen(created.id); }} data-testid="source-created-done">
              I have saved the secret
            </button>
          }
        >
          <SecretOnce secret={created.secret} testId="source-secret" what="signing secret" />
          <p className="field-label">Give the provider this URL</p>
          <CopyUrl path={created.hookPath} />
        </Dialog>
      ) : null}
    </div>
  );
};

const CopyUrl = ({ path }: { path: string }): ReactElement => <CopyField value={hookUrl(window.location.origin, path)} label="hook URL" testId="source-hook-url" />;

const CreateSourceDialog = ({ onClose, onCreated }: { onClose: () => void; onCreated: (source: { id: string; name: string; secret: string; hookPath: string }) => void }): ReactElement => {
  const [draft, setDraft] = useState<SourceDraft>(emptySourceDraft);
  const [errors, setErrors] = useState<FormErrors>(noErrors);
  const [busy, setBusy] = useState(false);
  const set = (patch: Partial<SourceDraft>) => setDraft((d) => ({ ...d, ...patch }));
  const setMapping = (patch: Partial<SourceDraft['mapping']>) => setDraft((d) => ({ ...d, mapping: { ...d.mapping, ...patch } }));
  const submit = async () => {
    setBusy(true);
    setErrors(noErrors());
    try {
      const source = await createSource(newSourceOf(draft));
      onCreated({ id: source.id, name: source.name, secret: source.secret, hookPath: source.hookPath });
    } catch (e) {
      setErrors(serverErrors(e));
      setBusy(false);
    }
  };
  const input = (path: (string | number)[], label: string, value: string, onChange: (value: string) => void, props: { placeholder?: string; help?: string; code?: boolean; testId?: string } = {}) => {
    const messages = errorsAt(errors, path);
    const id = `source-${path.join('-')}`;
    return (
      <div className={`field ${messages.length ? 'has-error' : ''}`}>
        <label className="field-label" htmlFor={id}>
          {label}
        </label>
        <input id={id} className={`input ${props.code ? 'code' : ''}`} value={value} placeholder={props.placeholder} onChange={(e) => onChange(e.target.value)} spellCheck={!props.code} data-testid={props.testId} />
        <FieldErrors messages={messages} testId={props.testId ? `${props.testId}-error` : undefined} />
        {props.help ? <p className="field-help">{props.help}</p> : null}
      </div>
    );
  };
  return (
    <Dialog
      title="New webhook source"
      wide
      onClose={onClose}
      testId="source-dialog"
      footer={
        <>
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" form="source-form" className="btn btn-primary" disabled={busy || draft.name.trim() === ''} data-testid="source-create">
            {busy ? 'Creating…' : 'Create source'}
          </button>
        </>
      }
    >
      <form
        id="source-form"
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <FormAlert errors={errors} testId="source-form-error" />
        <div className="grid-2">
          {input(['name'], 'Name', draft.name, (name) => set({ name }), { placeholder: 'e.g. Shop', testId: 'source-name' })}
          {input(['id'], 'Id in the URL (optional)', draft.id, (id) => set({ id }), { placeholder: 'generated, e.g. src_3f…', code: true, testId: 'source-id', help: 'Letters, digits, “_” and “-”.' })}
        </div>
        <div className="field">
          <span className="field-label">Verification</span>
          <label className="radio">
            <input type="radio" name="scheme" checked={draft.scheme === 'standard'} onChange={() => set({ scheme: 'standard' })} />
            <span>
              <strong>Standard Webhooks</strong>
              <span className="muted small"> — webhook-id, webhook-timestamp and webhook-signature headers; Rapport generates the secret.</span>
            </span>
          </label>
          <label className="radio">
            <input type="radio" name="scheme" checked={draft.scheme === 'hmac_sha256'} onChange={() => set({ scheme: 'hmac_sha256' })} data-testid="source-scheme-hmac" />
            <span>
              <strong>HMAC-SHA256 header</strong>
              <span className="muted small"> — a shared secret and a signature header over the raw body (GitHub, Shopify and most shops).</span>
            </span>
          </label>
        </div>
        {draft.scheme === 'hmac_sha256' ? (
          <div className="grid-2">
            {input(['hmac', 'header'], 'Signature header', draft.hmacHeader, (hmacHeader) => set({ hmacHeader }), { code: true })}
            <div className="field">
              <label className="field-label" htmlFor="source-hmac-encoding">
                Encoding
              </label>
              <select id="source-hmac-encoding" className="select" value={draft.hmacEncoding} onChange={(e) => set({ hmacEncoding: e.target.value as 'hex' | 'base64' })}>
                <option value="hex">hex</option>
                <option value="base64">base64</option>
              </select>
            </div>
            {input(['hmac', 'prefix'], 'Prefix before the signature', draft.hmacPrefix, (hmacPrefix) => set({ hmacPrefix }), { code: true })}
            {input(['hmac', 'idHeader'], 'Delivery id header (optional)', draft.hmacIdHeader, (hmacIdHeader) => set({ hmacIdHeader }), { code: true, placeholder: 'x-github-delivery', help: 'Without one, the body’s SHA-256 identifies a delivery.' })}
          </div>
        ) : null}
        <h3 className="section-title">Mapping: payload → event</h3>
        <p className="field-help">A JSON path (<code>$.customer.id</code>), a template (<code>{'shop:{{ payload.customer.email }}'}</code>) or, for the event, a fixed name. You can test it with a sample payload on the source's page.</p>
        <div className="mapping-grid">
          {input(['mapping', 'customerId'], 'Customer id', draft.mapping.customerId, (customerId) => setMapping({ customerId }), { code: true, testId: 'source-map-customer' })}
          {input(['mapping', 'event'], 'Event name', draft.mapping.event, (event) => setMapping({ event }), { code: true, testId: 'source-map-event' })}
          {input(['mapping', 'properties'], 'Properties (optional)', draft.mapping.properties, (properties) => setMapping({ properties }), { code: true, placeholder: 'whole payload', testId: 'source-map-properties' })}
        </div>
      </form>
    </Dialog>
  );
};
