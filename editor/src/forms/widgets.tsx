import { useEffect, useState, type ReactElement } from 'react';
import { valueClusterLabels, valueClusterSchema, type DurationUnit, type JsonValue } from '../../../workflows/index.js';
import { weekdaySchema } from '../../../workflows/time.js';
import { formatScalar, parseScalar } from '../graph/rule-builder.js';
import { Icon } from '../nodes/icons.js';
import { stageOptions } from '../nodes/options.js';

/** Small controlled inputs for node params. Each takes the current value and reports a new one. */

export interface WidgetProps<T> {
  id: string;
  value: T | undefined;
  onChange: (next: T | undefined) => void;
  optional?: boolean | undefined;
  invalid?: boolean;
}

export const TextInput = ({ id, value, onChange, optional, placeholder, invalid }: WidgetProps<string> & { placeholder?: string | undefined }): ReactElement => (
  <input
    id={id}
    className="input"
    value={value ?? ''}
    placeholder={placeholder}
    aria-invalid={invalid}
    onChange={(e) => onChange(optional && e.target.value === '' ? undefined : e.target.value)}
  />
);

/** A number box that lets people type freely ("1.", "") and reports numbers (or nothing). */
export const NumberInput = ({ id, value, onChange, min, max, step, invalid, className, label }: WidgetProps<number> & { min?: number | undefined; max?: number | undefined; step?: number | undefined; className?: string; label?: string }): ReactElement => {
  const [text, setText] = useState(value === undefined ? '' : String(value));
  useEffect(() => {
    if (Number(text) !== value || text === '') setText(value === undefined || Number.isNaN(value) ? '' : String(value));
    // eslint-disable-next-line react-hooks/exhaustive-deps -- only follow outside changes
  }, [value]);
  return (
    <input
      id={id}
      className={`input input-number ${className ?? ''}`}
      type="number"
      inputMode="decimal"
      value={text}
      min={min}
      max={max}
      step={step}
      aria-label={label}
      aria-invalid={invalid}
      onChange={(e) => {
        setText(e.target.value);
        const n = e.target.value.trim() === '' ? undefined : Number(e.target.value);
        onChange(n === undefined || Number.isNaN(n) ? undefined : n);
      }}
    />
  );
};

export const Select = ({ id, value, onChange, options, optional, placeholder, invalid, testId }: WidgetProps<string> & { options: readonly { value: string; label: string }[]; placeholder?: string; testId?: string }): ReactElement => (
  <select id={id} className="select" value={value ?? ''} aria-invalid={invalid} data-testid={testId} onChange={(e) => onChange(e.target.value === '' ? undefined : e.target.value)}>
    {optional || value === undefined ? <option value="">{placeholder ?? (optional ? 'Any' : 'Choose…')}</option> : null}
    {options.map((o) => (
      <option key={o.value} value={o.value}>
        {o.label}
      </option>
    ))}
  </select>
);

const unitLabels: Record<DurationUnit, string> = { minutes: 'minutes', hours: 'hours', days: 'days', weeks: 'weeks' };

export interface DurationValue {
  amount?: number;
  unit?: DurationUnit;
}

export const DurationInput = ({ id, value, onChange, units = ['minutes', 'hours', 'days', 'weeks'], invalid }: WidgetProps<DurationValue> & { units?: readonly DurationUnit[] }): ReactElement => (
  <div className="inline-group">
    <NumberInput id={id} value={value?.amount} min={0} step={1} invalid={invalid ?? false} className="input-short" onChange={(amount) => onChange({ ...value, ...(amount === undefined ? { amount: undefined } : { amount }) } as DurationValue)} />
    <select className="select" aria-label="unit" value={value?.unit ?? 'days'} onChange={(e) => onChange({ ...value, unit: e.target.value as DurationUnit })}>
      {units.map((u) => (
        <option key={u} value={u}>
          {unitLabels[u]}
        </option>
      ))}
    </select>
  </div>
);

export interface OffsetValue {
  amount?: number;
  unit?: 'hours' | 'days';
  direction?: 'before' | 'after';
}

export const OffsetInput = ({ id, value, onChange, withDirection, optional, invalid }: WidgetProps<OffsetValue> & { withDirection: boolean }): ReactElement => {
  if (optional && value === undefined) {
    return (
      <button type="button" id={id} className="btn btn-ghost btn-small" onClick={() => onChange(withDirection ? { amount: 1, unit: 'days', direction: 'before' } : { amount: 1, unit: 'days' })}>
        <Icon name="plus" size={14} /> Add an offset
      </button>
    );
  }
  return (
    <div className="inline-group">
      <NumberInput id={id} value={value?.amount} min={0} step={1} invalid={invalid ?? false} className="input-short" onChange={(amount) => onChange({ ...value, amount } as OffsetValue)} />
      <select className="select" aria-label="unit" value={value?.unit ?? 'days'} onChange={(e) => onChange({ ...value, unit: e.target.value as 'hours' | 'days' })}>
        <option value="hours">hours</option>
        <option value="days">days</option>
      </select>
      {withDirection ? (
        <select className="select" aria-label="before or after" value={value?.direction ?? 'before'} onChange={(e) => onChange({ ...value, direction: e.target.value as 'before' | 'after' })}>
          <option value="before">before</option>
          <option value="after">after</option>
        </select>
      ) : null}
      {optional ? (
        <button type="button" className="icon-btn" aria-label="remove the offset" onClick={() => onChange(undefined)}>
          <Icon name="close" size={14} />
        </button>
      ) : null}
    </div>
  );
};

const weekdayLabels: Record<string, string> = { mon: 'Mo', tue: 'Tu', wed: 'We', thu: 'Th', fri: 'Fr', sat: 'Sa', sun: 'Su' };

export const WeekdayPicker = ({ id, value, onChange }: WidgetProps<string[]>): ReactElement => {
  const selected = new Set(value ?? []);
  return (
    <div className="chip-row" id={id} role="group" aria-label="weekdays">
      {weekdaySchema.options.map((day) => (
        <button
          key={day}
          type="button"
          className={`chip ${selected.has(day) ? 'is-on' : ''}`}
          aria-pressed={selected.has(day)}
          onClick={() => onChange(weekdaySchema.options.filter((d) => (d === day ? !selected.has(d) : selected.has(d))))}
        >
          {weekdayLabels[day]}
        </button>
      ))}
    </div>
  );
};

export const TimeInput = ({ id, value, onChange, optional, invalid }: WidgetProps<string>): ReactElement => (
  <input id={id} className="input input-short" type="time" value={value ?? ''} aria-invalid={invalid} onChange={(e) => onChange(optional && e.target.value === '' ? undefined : e.target.value)} />
);

type Scalar = string | number | boolean | null;

export const ScalarInput = ({ id, value, onChange, optional, placeholder }: WidgetProps<Scalar> & { placeholder?: string | undefined }): ReactElement => {
  const [text, setText] = useState(formatScalar(value));
  useEffect(() => {
    if (parseScalar(text) !== value) setText(formatScalar(value));
    // eslint-disable-next-line react-hooks/exhaustive-deps -- only follow outside changes
  }, [value]);
  return (
    <input
      id={id}
      className="input"
      value={text}
      placeholder={placeholder}
      onChange={(e) => {
        setText(e.target.value);
        onChange(optional && e.target.value === '' ? undefined : parseScalar(e.target.value));
      }}
    />
  );
};

export const ClusterPicker = ({ id, value, onChange }: WidgetProps<string[]>): ReactElement => {
  const selected = new Set(value ?? []);
  return (
    <div className="check-list" id={id}>
      {valueClusterSchema.options.map((cluster) => (
        <label key={cluster} className="check">
          <input type="checkbox" checked={selected.has(cluster)} onChange={() => onChange(valueClusterSchema.options.filter((c) => (c === cluster ? !selected.has(c) : selected.has(c))))} />
          {valueClusterLabels[cluster]}
        </label>
      ))}
    </div>
  );
};

/** An editable list of strings (script lines, stages, traits to remove). */
export const ListEditor = ({ id, value, onChange, placeholder, addLabel, options }: WidgetProps<string[]> & { placeholder?: string | undefined; addLabel: string; options?: readonly { value: string; label: string }[] }): ReactElement => {
  const items = value ?? [];
  const set = (i: number, text: string) => onChange(items.map((item, j) => (j === i ? text : item)));
  const move = (i: number, by: number) => {
    const next = [...items];
    const [item] = next.splice(i, 1);
    if (item !== undefined) next.splice(i + by, 0, item);
    onChange(next);
  };
  return (
    <div className="list-editor" id={id}>
      {items.map((item, i) => (
        <div key={i} className="list-row">
          <span className="list-index">{i + 1}</span>
          {options ? (
            <Select id={`${id}-${i}`} value={item} options={options} onChange={(v) => set(i, v ?? '')} />
          ) : (
            <input className="input" value={item} placeholder={placeholder} aria-label={`${addLabel} ${i + 1}`} onChange={(e) => set(i, e.target.value)} />
          )}
          <button type="button" className="icon-btn" aria-label="move up" disabled={i === 0} onClick={() => move(i, -1)}>
            ↑
          </button>
          <button type="button" className="icon-btn" aria-label="remove" onClick={() => onChange(items.filter((_, j) => j !== i))}>
            <Icon name="close" size={14} />
          </button>
        </div>
      ))}
      <button type="button" className="btn btn-ghost btn-small" onClick={() => onChange([...items, options?.find((o) => !items.includes(o.value))?.value ?? ''])}>
        <Icon name="plus" size={14} /> {addLabel}
      </button>
    </div>
  );
};

export const StageSelect = (props: WidgetProps<string>): ReactElement => <Select {...props} options={stageOptions} />;

/** Key/value pairs: webhook headers (text) or traits to set (JSON values). */
export const KeyValueEditor = ({ id, value, onChange, json }: WidgetProps<Record<string, unknown>> & { json: boolean }): ReactElement => {
  const [rows, setRows] = useState<[string, string][]>(() => Object.entries(value ?? {}).map(([k, v]) => [k, json ? formatScalar(v as Scalar) : String(v)]));
  const emit = (next: [string, string][]) => {
    setRows(next);
    const entries: [string, JsonValue][] = next.filter(([k]) => k !== '').map(([k, v]) => [k, json ? parseScalar(v) : v]);
    onChange(Object.fromEntries(entries));
  };
  return (
    <div className="list-editor" id={id}>
      {rows.map(([key, text], i) => (
        <div key={i} className="list-row">
          <input className="input" value={key} placeholder={json ? 'trait' : 'Header-Name'} aria-label="name" onChange={(e) => emit(rows.map((r, j) => (j === i ? [e.target.value, r[1]] : r)))} />
          <input className="input" value={text} placeholder={json ? 'value' : 'value (template)'} aria-label="value" onChange={(e) => emit(rows.map((r, j) => (j === i ? [r[0], e.target.value] : r)))} />
          <button type="button" className="icon-btn" aria-label="remove" onClick={() => emit(rows.filter((_, j) => j !== i))}>
            <Icon name="close" size={14} />
          </button>
        </div>
      ))}
      <button type="button" className="btn btn-ghost btn-small" onClick={() => setRows([...rows, ['', '']])}>
        <Icon name="plus" size={14} /> {json ? 'Add a trait' : 'Add a header'}
      </button>
      {json ? <p className="field-help">Numbers, true/false and null are stored as such; quote text that looks like a number.</p> : null}
    </div>
  );
};

interface Branch {
  key: string;
  label?: string;
  weight: number;
  holdout?: boolean;
}

/** Split branches: key, weight (with the running total) and the holdout toggle. */
export const BranchesEditor = ({ id, value, onChange }: WidgetProps<Branch[]>): ReactElement => {
  const branches = value ?? [];
  const total = branches.reduce((sum, b) => sum + (Number.isFinite(b.weight) ? b.weight : 0), 0);
  const set = (i: number, patch: Partial<Branch>) => onChange(branches.map((b, j) => (j === i ? { ...b, ...patch } : b)));
  const nextKey = () => {
    const taken = new Set(branches.map((b) => b.key));
    for (const letter of 'abcdefghij') if (!taken.has(`variant_${letter}`)) return `variant_${letter}`;
    return `branch_${branches.length + 1}`;
  };
  return (
    <div className="branches" id={id}>
      <div className="branch-row branch-head">
        <span>Branch key</span>
        <span>Weight</span>
        <span>Holdout</span>
        <span />
      </div>
      {branches.map((b, i) => (
        <div key={i} className="branch-row" data-testid={`branch-${i}`}>
          <input className="input" aria-label={`branch ${i + 1} key`} value={b.key} onChange={(e) => set(i, { key: e.target.value })} />
          <div className="inline-group">
            <NumberInput id={`${id}-w${i}`} value={b.weight} min={0} max={100} step={1} className="input-short" onChange={(w) => set(i, { weight: w ?? 0 })} />
            <span className="suffix">%</span>
          </div>
          <label className="toggle" title="A holdout gets no messages; it measures what happens without the journey">
            <input type="checkbox" checked={b.holdout === true} onChange={(e) => set(i, { holdout: e.target.checked })} />
            <span className="sr-only">holdout</span>
          </label>
          <button type="button" className="icon-btn" aria-label="remove branch" disabled={branches.length <= 2} onClick={() => onChange(branches.filter((_, j) => j !== i))}>
            <Icon name="close" size={14} />
          </button>
        </div>
      ))}
      <div className={`branch-total ${total === 100 ? 'is-ok' : 'is-off'}`}>Total {total}%{total === 100 ? '' : ' — make it 100%'}</div>
      <button type="button" className="btn btn-ghost btn-small" disabled={branches.length >= 10} onClick={() => onChange([...branches, { key: nextKey(), weight: 0, holdout: false }])}>
        <Icon name="plus" size={14} /> Add a branch
      </button>
    </div>
  );
};
