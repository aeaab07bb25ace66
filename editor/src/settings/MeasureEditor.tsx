import type { ReactElement } from 'react';
import type { Measure } from '../../../workflows/clusters.js';
import { Icon } from '../nodes/icons.js';
import { formulaOps, measureTypes, withType, type MeasureType } from './cluster-form.js';
import { errorsAt, pathKey, type FormErrors } from './errors.js';
import { FieldErrors, NumberInput, fieldMessage } from './ui.js';

/**
 * Edits one measure (trait, event sum, event count, or a formula over measures, recursively).
 * `path` is where the measure sits in the definition, so errors from the schema or the server land
 * on the right input.
 */
export const MeasureEditor = ({ measure, onChange, path, errors, depth = 0 }: { measure: Measure; onChange: (measure: Measure) => void; path: (string | number)[]; errors: FormErrors; depth?: number }): ReactElement => {
  const id = pathKey(path).replace(/\./g, '-');
  const at = (field: string) => errorsAt(errors, [...path, field]).map(fieldMessage);
  const field = (name: string, label: string, input: ReactElement, narrow = false) => (
    <div className={`field ${narrow ? 'narrow' : ''} ${at(name).length ? 'has-error' : ''}`}>
      <label className="field-label" htmlFor={`${id}-${name}`}>
        {label}
      </label>
      {input}
      <FieldErrors messages={at(name)} testId={`error-${id}-${name}`} />
    </div>
  );
  return (
    <div className="measure" data-testid={`measure-${id}`}>
      <div className="measure-row">
        {field(
          'type',
          'Measured as',
          <select id={`${id}-type`} className="select" value={measure.type} onChange={(e) => onChange(withType(measure, e.target.value as MeasureType))} data-testid={`measure-type-${id}`}>
            {measureTypes.map((t) => (
              <option key={t.type} value={t.type} disabled={t.type === 'formula' && depth >= 4}>
                {t.label}
              </option>
            ))}
          </select>,
        )}
      </div>
      {measure.type === 'trait' ? (
        <div className="measure-row">
          {field('trait', 'Trait (a number; dotted paths allowed)', <input id={`${id}-trait`} className="input code" value={measure.trait} onChange={(e) => onChange({ ...measure, trait: e.target.value })} placeholder="lifetime_value" data-testid={`measure-trait-${id}`} />)}
        </div>
      ) : null}
      {measure.type === 'event_sum' || measure.type === 'event_count' ? (
        <div className="measure-row">
          {field('event', 'Event', <input id={`${id}-event`} className="input" value={measure.event} onChange={(e) => onChange({ ...measure, event: e.target.value })} placeholder="Order Completed" data-testid={`measure-event-${id}`} />)}
          {measure.type === 'event_sum'
            ? field('property', 'Property to add up', <input id={`${id}-property`} className="input code" value={measure.property} onChange={(e) => onChange({ ...measure, property: e.target.value })} placeholder="revenue" data-testid={`measure-property-${id}`} />)
            : null}
          {field('withinDays', 'Window (days)', <NumberInput label="days" value={measure.withinDays} min={1} step={1} onChange={(withinDays) => onChange({ ...measure, withinDays })} testId={`measure-days-${id}`} />, true)}
        </div>
      ) : null}
      {measure.type === 'formula' ? (
        <>
          <div className="measure-row">
            {field(
              'op',
              'Combine',
              <select id={`${id}-op`} className="select" value={measure.op} onChange={(e) => onChange({ ...measure, op: e.target.value as typeof measure.op })}>
                {formulaOps.map((o) => (
                  <option key={o.op} value={o.op}>
                    {o.label}
                  </option>
                ))}
              </select>,
            )}
            {field(
              'factor',
              'Times (factor)',
              <NumberInput label="factor" value={measure.factor ?? 1} onChange={(factor) => onChange(factor === 1 ? withoutFactor(measure) : { ...measure, factor })} />,
              true,
            )}
          </div>
          <FieldErrors messages={at('of')} />
          <div className="measure-operands">
            {measure.of.map((operand, index) => (
              <div className="measure-operand" key={index}>
                <MeasureEditor measure={operand} path={[...path, 'of', index]} errors={errors} depth={depth + 1} onChange={(next) => onChange({ ...measure, of: measure.of.map((m, i) => (i === index ? next : m)) })} />
                <button type="button" className="icon-btn icon-danger" aria-label={`remove operand ${index + 1}`} disabled={measure.of.length <= 1} onClick={() => onChange({ ...measure, of: measure.of.filter((_m, i) => i !== index) })}>
                  <Icon name="trash" size={15} />
                </button>
              </div>
            ))}
            <button type="button" className="btn btn-small add-operand" disabled={measure.of.length >= 10} onClick={() => onChange({ ...measure, of: [...measure.of, { type: 'trait', trait: 'lifetime_value' }] })}>
              <Icon name="plus" size={14} /> Add measure
            </button>
          </div>
        </>
      ) : null}
    </div>
  );
};

const withoutFactor = (measure: Extract<Measure, { type: 'formula' }>): Measure => {
  const { factor: _factor, ...rest } = measure;
  return rest;
};
