import { useMemo, useState, type ReactElement, type ReactNode } from 'react';
import type { SegmentDefinition } from '../../../workflows/segments.js';
import { SegmentRuleBuilder } from '../forms/RuleBuilder.js';
import { createSegment, getStageModel, previewSegment, updateSegment, type Segment, type SegmentPreview } from './api.js';
import { errorsAt, mergeErrors, noErrors, serverErrors, type FormErrors } from './errors.js';
import { formatCount, share } from './format.js';
import { checkSegmentDraft, draftOf, emptySegmentDraft, sameDraft, sameSegmentDefinition, stageChoices, type SegmentDraft } from './segment-form.js';
import { Card, FieldErrors, FormAlert, fieldMessage, useLoad } from './ui.js';

/**
 * Creating or editing a segment: name, description and the definition in the rule builder, checked
 * with the server's schema as it changes; a preview of how many customers it would hold now (nothing
 * saved); Save. `aside` goes under the preview (a saved segment's members).
 */
export const SegmentForm = ({ segment, onSaved, aside }: { segment: Segment | null; onSaved: (segment: Segment) => void; aside?: ReactNode }): ReactElement => {
  const saved = useMemo(() => (segment ? draftOf(segment) : emptySegmentDraft()), [segment]);
  const [draft, setDraft] = useState<SegmentDraft>(saved);
  const [serverErrs, setServerErrs] = useState<FormErrors>(noErrors);
  const [preview, setPreview] = useState<{ result: SegmentPreview; of: SegmentDefinition } | null>(null);
  const [busy, setBusy] = useState<'preview' | 'save' | null>(null);
  const model = useLoad(getStageModel, []);

  // The server's own schemas, run as the form changes: errors appear next to the field before any call.
  const checked = useMemo(() => checkSegmentDraft(draft, model.data?.stages.map((s) => s.id) ?? null), [draft, model.data]);
  const errors = mergeErrors(checked.errors, serverErrs);
  const at = (...path: (string | number)[]) => errorsAt(errors, path).map(fieldMessage);
  const dirty = !sameDraft(draft, saved);
  const previewFresh = preview !== null && sameSegmentDefinition(preview.of, draft.definition);

  const change = (patch: Partial<SegmentDraft>) => {
    setDraft((d) => ({ ...d, ...patch }));
    setServerErrs(noErrors());
  };
  const runPreview = async () => {
    if (!checked.definition) return;
    const of = draft.definition;
    setBusy('preview');
    setServerErrs(noErrors());
    try {
      setPreview({ result: await previewSegment(checked.definition), of });
    } catch (e) {
      setServerErrs(serverErrors(e));
    } finally {
      setBusy(null);
    }
  };
  const save = async () => {
    if (!checked.request) return;
    setBusy('save');
    setServerErrs(noErrors());
    try {
      onSaved(segment ? await updateSegment(segment.id, checked.request) : await createSegment(checked.request));
    } catch (e) {
      setServerErrs(serverErrors(e));
    } finally {
      setBusy(null);
    }
  };
  const text = (key: 'name' | 'description', label: string, input: ReactElement) => (
    <div className={`field ${at(key).length ? 'has-error' : ''}`}>
      <label className="field-label" htmlFor={`segment-${key}`}>
        {label}
      </label>
      {input}
      <FieldErrors messages={at(key)} testId={`segment-${key}-error`} />
    </div>
  );

  return (
    <div className="settings-grid">
      <Card title="Definition" testId="segment-form" actions={segment ? <span className="version-chip">Version {segment.version}</span> : null}>
        <FormAlert errors={errors} testId="segment-error" />
        {text('name', 'Name', <input id="segment-name" className="input" value={draft.name} maxLength={200} placeholder="e.g. Engaged readers" onChange={(e) => change({ name: e.target.value })} data-testid="segment-name" />)}
        {text(
          'description',
          'Description (optional)',
          <textarea id="segment-description" className="input textarea" rows={2} maxLength={1000} value={draft.description} placeholder="Who is in it and what it is for" onChange={(e) => change({ description: e.target.value })} data-testid="segment-description" />,
        )}
        <h3 className="section-title">Customers who match</h3>
        <p className="field-help segment-rule-help">
          Customer traits, lifecycle stage, value cluster and tags (<em>Other field</em> for <code>customer.timezone</code>, <code>customer.consent.email</code>, …), and <em>Event history</em>: did an event at least / at most N times in the last D days. No conditions: every customer.
        </p>
        <SegmentRuleBuilder
          id="segment-rule"
          value={draft.definition.rule}
          stages={model.data ? stageChoices(model.data.stages) : undefined}
          onChange={(rule) => change({ definition: { rule } })}
          errorsAt={(path) => at('definition', 'rule', ...path)}
        />
        <FieldErrors messages={at('definition')} />
        <div className="form-foot">
          {dirty ? <span className="dirty-dot">Unsaved changes</span> : <span />}
          <div className="form-foot-actions">
            <button type="button" className="btn" disabled={busy !== null || !checked.definition} title={checked.definition ? undefined : 'Fix the definition first'} onClick={() => void runPreview()} data-testid="segment-preview">
              {busy === 'preview' ? 'Counting…' : 'Preview'}
            </button>
            <button type="button" className="btn btn-primary" disabled={busy !== null || !checked.request || (segment !== null && !dirty)} title={checked.request ? undefined : 'Fix the marked fields first'} onClick={() => void save()} data-testid="segment-save">
              {busy === 'save' ? 'Saving…' : segment ? 'Save segment' : 'Create segment'}
            </button>
          </div>
        </div>
      </Card>
      <div className="settings-stack">
        <PreviewCard preview={preview?.result ?? null} fresh={previewFresh} />
        {aside}
      </div>
    </div>
  );
};

const PreviewCard = ({ preview, fresh }: { preview: SegmentPreview | null; fresh: boolean }): ReactElement => (
  <Card title="Preview" testId="segment-preview-card">
    {preview ? (
      <>
        <div className="segment-count">
          <span className="segment-count-value" data-testid="segment-preview-members">
            {formatCount(preview.members)}
          </span>
          <span className="muted">
            of {formatCount(preview.customers)} customers would be in it now ({share(preview.members, preview.customers)})
          </span>
        </div>
        {preview.sample.length > 0 ? (
          <div className="tag-list segment-sample" data-testid="segment-preview-sample">
            {preview.sample.map((id) => (
              <a key={id} className="chip chip-link" href={`#/customers/${encodeURIComponent(id)}`}>
                {id}
              </a>
            ))}
            {preview.members > preview.sample.length ? <span className="muted small">and {formatCount(preview.members - preview.sample.length)} more</span> : null}
          </div>
        ) : null}
      </>
    ) : null}
    <p className="muted small preview-note" data-testid="segment-preview-state">
      {preview === null ? 'Preview counts every customer under the form’s definition, from their profile and applied events, without saving.' : fresh ? 'Preview of the form’s definition, now.' : 'The definition changed since this preview: preview again.'}
    </p>
  </Card>
);
