import type { ReactElement } from 'react';
import type { DurationUnit, Rule } from '../../../workflows/index.js';
import { Field } from './Field.js';
import { JourneyPicker, ScriptPicker, SegmentPicker } from './pickers.js';
import { RuleBuilder } from './RuleBuilder.js';
import { TemplateField } from './TemplateField.js';
import { getAt, pathWithin, setAt, type FieldSpec } from './spec.js';
import { stageOptions } from '../nodes/options.js';
import {
  BranchesEditor,
  ClusterPicker,
  DurationInput,
  KeyValueEditor,
  ListEditor,
  NumberInput,
  OffsetInput,
  ScalarInput,
  Select,
  StageSelect,
  TextInput,
  TimeInput,
  WeekdayPicker,
  type DurationValue,
  type OffsetValue,
} from './widgets.js';

type Params = Record<string, unknown>;
type Issue = { path: (string | number)[]; message: string };

const Widget = ({ spec, id, params, onParams, invalid }: { spec: FieldSpec; id: string; params: Params; onParams: (p: Params) => void; invalid: boolean }): ReactElement => {
  const value = getAt(params, spec.path);
  const set = (next: unknown) => onParams(setAt(params, spec.path, next));
  switch (spec.widget) {
    case 'text':
      return <TextInput id={id} value={typeof value === 'string' ? value : undefined} onChange={set} optional={spec.optional} placeholder={spec.placeholder} invalid={invalid} />;
    case 'number':
      return (
        <div className="inline-group">
          <NumberInput id={id} value={typeof value === 'number' ? value : undefined} onChange={(n) => set(n === undefined && !spec.optional ? Number.NaN : n)} min={spec.min} max={spec.max} step={spec.step} invalid={invalid} className="input-short" />
          {spec.suffix ? <span className="suffix">{spec.suffix}</span> : null}
        </div>
      );
    case 'select':
      return <Select id={id} value={typeof value === 'string' ? value : undefined} onChange={set} options={spec.options} optional={spec.optional} invalid={invalid} />;
    case 'checkbox':
      return (
        <label className="check">
          <input id={id} type="checkbox" checked={value === true} onChange={(e) => set(e.target.checked)} /> {spec.label}
        </label>
      );
    case 'duration':
      return <DurationInput id={id} value={value as DurationValue | undefined} onChange={set} invalid={invalid} {...(spec.units ? { units: spec.units as DurationUnit[] } : {})} />;
    case 'offset':
      return <OffsetInput id={id} value={value as OffsetValue | undefined} onChange={set} withDirection={spec.withDirection} optional={spec.optional} invalid={invalid} />;
    case 'weekdays':
      return <WeekdayPicker id={id} value={Array.isArray(value) ? (value as string[]) : undefined} onChange={set} />;
    case 'time':
      return <TimeInput id={id} value={typeof value === 'string' ? value : undefined} onChange={set} optional={spec.optional} invalid={invalid} />;
    case 'template':
      return <TemplateField id={id} value={typeof value === 'string' ? value : undefined} onChange={set} multiline={spec.multiline} placeholder={spec.placeholder} optional={spec.optional} />;
    case 'rule':
      return <RuleBuilder id={id} value={value as Rule | undefined} onChange={set} optional={spec.optional} />;
    case 'branches':
      return <BranchesEditor id={id} value={Array.isArray(value) ? (value as { key: string; weight: number }[]) : undefined} onChange={set} />;
    case 'clusters':
      return <ClusterPicker id={id} value={Array.isArray(value) ? (value as string[]) : undefined} onChange={set} />;
    case 'stages':
      return <ListEditor id={id} value={Array.isArray(value) ? (value as string[]) : undefined} onChange={set} addLabel="Add a stage" options={stageOptions} />;
    case 'stage':
      return <StageSelect id={id} value={typeof value === 'string' ? value : undefined} onChange={set} optional={spec.optional} invalid={invalid} />;
    case 'journey':
      return <JourneyPicker id={id} value={typeof value === 'string' ? value : undefined} onChange={set} />;
    case 'segment':
      return <SegmentPicker id={id} value={typeof value === 'string' ? value : undefined} onChange={set} />;
    case 'script':
      return <ScriptPicker id={id} value={typeof value === 'string' ? value : undefined} onChange={set} optional={spec.optional} invalid={invalid} />;
    case 'lines':
      return <ListEditor id={id} value={Array.isArray(value) ? (value as string[]) : undefined} onChange={set} placeholder={spec.placeholder} addLabel={spec.addLabel} />;
    case 'headers':
      return <KeyValueEditor id={id} value={value as Record<string, unknown> | undefined} onChange={set} json={false} />;
    case 'traits':
      return <KeyValueEditor id={id} value={value as Record<string, unknown> | undefined} onChange={set} json />;
    case 'scalar':
      return <ScalarInput id={id} value={value as string | number | boolean | null | undefined} onChange={set} optional={spec.optional} placeholder={spec.placeholder} />;
    case 'variant': {
      const current = typeof value === 'string' ? value : undefined;
      const variant = current ? spec.variants[current] : undefined;
      return (
        <div className="variant">
          <div className="segmented" role="radiogroup" aria-label={spec.label}>
            {Object.entries(spec.variants).map(([key, v]) => (
              <button key={key} type="button" role="radio" aria-checked={current === key} className={current === key ? 'is-on' : ''} onClick={() => current !== key && onParams(v.defaults())}>
                {v.label}
              </button>
            ))}
          </div>
          {variant ? <ParamsFields fields={variant.fields} params={params} onParams={onParams} issues={[]} idPrefix={`${id}-${current}`} /> : null}
        </div>
      );
    }
  }
};

/** The fields of a kind's form, each with the issues whose path points into it. */
export const ParamsFields = ({ fields, params, onParams, issues, idPrefix }: { fields: readonly FieldSpec[]; params: Params; onParams: (p: Params) => void; issues: readonly Issue[]; idPrefix: string }): ReactElement => (
  <>
    {fields
      .filter((spec) => !spec.visible || spec.visible(params))
      .map((spec) => {
        const id = `${idPrefix}-${spec.path.join('-')}`;
        const errors = [...new Set(issues.filter((i) => pathWithin(i.path, spec.path)).map((i) => i.message))];
        const widget = <Widget spec={spec} id={id} params={params} onParams={onParams} invalid={errors.length > 0} />;
        if (spec.widget === 'checkbox') {
          return (
            <div key={id} className="field" data-testid={`field-${spec.path.join('.')}`}>
              {widget}
              {spec.help ? <p className="field-help">{spec.help}</p> : null}
            </div>
          );
        }
        return (
          <Field key={id} id={id} label={spec.label} help={spec.help} errors={errors} testId={`field-${spec.path.join('.')}`}>
            {widget}
          </Field>
        );
      })}
  </>
);

/** Issues the form can place: unclaimed ones are listed at the top of the panel. */
export const unclaimedIssues = (fields: readonly FieldSpec[], issues: readonly Issue[]): Issue[] => {
  const paths = fields.flatMap((f) => (f.widget === 'variant' ? [f.path, ...Object.values(f.variants).flatMap((v) => v.fields.map((x) => x.path))] : [f.path]));
  return issues.filter((i) => i.path.length === 0 || !paths.some((p) => pathWithin(i.path, p)));
};
