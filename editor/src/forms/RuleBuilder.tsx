import type { ReactElement } from 'react';
import { ruleLimits, ruleProblems, type Rule, type RuleCondition, type RuleGroup, type RuleValue } from '../../../workflows/index.js';
import {
  addRuleAt,
  asRootGroup,
  fieldChoices,
  fieldSources,
  formatList,
  formatScalar,
  newCondition,
  newGroup,
  operatorLabels,
  operatorsFor,
  parseList,
  parseScalar,
  removeRuleAt,
  setOperator,
  setSource,
  splitField,
  joinField,
  updateRuleAt,
  valueKind,
  type FieldSource,
  type RulePath,
} from '../graph/rule-builder.js';
import { Icon } from '../nodes/icons.js';
import { NumberInput } from './widgets.js';

/**
 * A compact nested AND/OR builder over our rule JSON. Each condition: a field (source + name),
 * an operator fit for the source, and the value input the operator needs.
 */

type Scalar = string | number | boolean | null;

const ValueInput = ({ condition, onChange, id }: { condition: RuleCondition; onChange: (value: RuleValue | undefined) => void; id: string }): ReactElement | null => {
  const kind = valueKind(condition.operator);
  const choices = fieldChoices(splitField(condition.field).source);
  const value = condition.value;
  switch (kind) {
    case 'none':
      return null;
    case 'number':
    case 'days':
      return (
        <div className="inline-group">
          <NumberInput id={id} value={typeof value === 'number' ? value : undefined} min={kind === 'days' ? 0 : undefined} className="input-short" onChange={(n) => onChange(n ?? 0)} />
          {kind === 'days' ? <span className="suffix">days</span> : null}
        </div>
      );
    case 'range': {
      const [low, high] = Array.isArray(value) ? value : [undefined, undefined];
      const part = (v: Scalar | undefined) => (typeof v === 'number' || typeof v === 'string' ? formatScalar(v) : '');
      return (
        <div className="inline-group">
          <input id={id} className="input input-short" aria-label="from" value={part(low)} onChange={(e) => onChange([parseScalar(e.target.value), high ?? 0])} />
          <span className="suffix">and</span>
          <input className="input input-short" aria-label="to" value={part(high)} onChange={(e) => onChange([low ?? 0, parseScalar(e.target.value)])} />
        </div>
      );
    }
    case 'list':
      if (choices) {
        const selected = new Set(Array.isArray(value) ? value : []);
        return (
          <div className="chip-row" id={id}>
            {choices.map((c) => (
              <button key={c.value} type="button" className={`chip ${selected.has(c.value) ? 'is-on' : ''}`} aria-pressed={selected.has(c.value)} onClick={() => onChange(choices.filter((o) => (o.value === c.value ? !selected.has(o.value) : selected.has(o.value))).map((o) => o.value))}>
                {c.label}
              </button>
            ))}
          </div>
        );
      }
      return <input id={id} className="input" placeholder="a, b, c" aria-label="values, separated by commas" defaultValue={formatList(value)} key={condition.operator} onChange={(e) => onChange(parseList(e.target.value))} />;
    case 'date':
      return <input id={id} className="input" placeholder="2025-12-31 or 2025-12-31T09:00" aria-label="date" value={typeof value === 'string' || typeof value === 'number' ? String(value) : ''} onChange={(e) => onChange(e.target.value)} />;
    case 'text':
      return <input id={id} className="input" aria-label="text" value={typeof value === 'string' ? value : ''} onChange={(e) => onChange(e.target.value)} />;
    case 'scalar':
      if (choices) {
        return (
          <select id={id} className="select" aria-label="value" value={typeof value === 'string' ? value : ''} onChange={(e) => onChange(e.target.value)}>
            <option value="">Choose…</option>
            {choices.map((c) => (
              <option key={c.value} value={c.value}>
                {c.label}
              </option>
            ))}
          </select>
        );
      }
      return <input id={id} className="input" aria-label="value" placeholder="value" defaultValue={Array.isArray(value) ? '' : formatScalar(value)} key={`${condition.field}:${condition.operator}`} onChange={(e) => onChange(parseScalar(e.target.value))} />;
  }
};

const ConditionRow = ({ condition, path, onChange, onRemove, idPrefix }: { condition: RuleCondition; path: RulePath; onChange: (rule: Rule) => void; onRemove: () => void; idPrefix: string }): ReactElement => {
  const field = splitField(condition.field);
  const source = fieldSources.find((s) => s.id === field.source);
  const id = `${idPrefix}-${path.join('-')}`;
  return (
    <div className="rule-condition" data-testid={`rule-condition-${path.join('-')}`}>
      <div className="rule-condition-field">
        <select className="select" aria-label="field" value={field.source} onChange={(e) => onChange(setSource(condition, e.target.value as FieldSource))}>
          {fieldSources.map((s) => (
            <option key={s.id} value={s.id}>
              {s.label}
            </option>
          ))}
        </select>
        {source?.named ? (
          <input
            className="input"
            aria-label={field.source === 'other' ? 'field path' : 'name'}
            placeholder={field.source === 'other' ? 'event.name' : field.source === 'customer.traits' ? 'plan' : 'total'}
            value={field.name}
            onChange={(e) => onChange({ ...condition, field: joinField({ source: field.source, name: e.target.value.trim() }) })}
          />
        ) : null}
      </div>
      <div className="rule-condition-value">
        <select className="select" aria-label="operator" value={condition.operator} onChange={(e) => onChange(setOperator(condition, e.target.value as RuleCondition['operator']))}>
          {operatorsFor(field.source).map((op) => (
            <option key={op} value={op}>
              {operatorLabels[op]}
            </option>
          ))}
        </select>
        <ValueInput id={id} condition={condition} onChange={(value) => onChange(value === undefined ? setOperator(condition, condition.operator) : { ...condition, value })} />
        <button type="button" className="icon-btn" aria-label="remove condition" onClick={onRemove}>
          <Icon name="close" size={14} />
        </button>
      </div>
    </div>
  );
};

const GroupBox = ({ group, path, root, onRoot, idPrefix }: { group: RuleGroup; path: RulePath; root: RuleGroup; onRoot: (rule: Rule) => void; idPrefix: string }): ReactElement => {
  const depth = path.length + 1;
  const update = (at: RulePath, rule: Rule) => onRoot(updateRuleAt(root, at, () => rule));
  return (
    <div className={`rule-group depth-${Math.min(depth, 3)}`} data-testid={`rule-group-${path.join('-') || 'root'}`}>
      <div className="rule-group-head">
        <div className="segmented" role="radiogroup" aria-label="combine conditions with">
          {(['and', 'or'] as const).map((c) => (
            <button key={c} type="button" role="radio" aria-checked={group.combinator === c} className={group.combinator === c ? 'is-on' : ''} onClick={() => update(path, { ...group, combinator: c })}>
              {c === 'and' ? 'All of' : 'Any of'}
            </button>
          ))}
        </div>
        <label className="check check-small">
          <input type="checkbox" checked={group.negate === true} onChange={(e) => update(path, e.target.checked ? { ...group, negate: true } : (({ negate: _n, ...rest }) => rest)(group))} />
          none of these (negate)
        </label>
        {path.length > 0 ? (
          <button type="button" className="icon-btn" aria-label="remove group" onClick={() => onRoot(removeRuleAt(root, path))}>
            <Icon name="close" size={14} />
          </button>
        ) : null}
      </div>
      {group.rules.length === 0 ? <p className="rule-empty">No conditions yet.</p> : null}
      {group.rules.map((rule, i) =>
        rule.kind === 'group' ? (
          <GroupBox key={i} group={rule} path={[...path, i]} root={root} onRoot={onRoot} idPrefix={idPrefix} />
        ) : (
          <ConditionRow key={i} condition={rule} path={[...path, i]} idPrefix={idPrefix} onChange={(r) => update([...path, i], r)} onRemove={() => onRoot(removeRuleAt(root, [...path, i]))} />
        ),
      )}
      <div className="rule-actions">
        <button type="button" className="btn btn-ghost btn-small" onClick={() => onRoot(addRuleAt(root, path, newCondition()))} data-testid={`rule-add-condition-${path.join('-') || 'root'}`}>
          <Icon name="plus" size={14} /> Condition
        </button>
        {depth < ruleLimits.maxDepth ? (
          <button type="button" className="btn btn-ghost btn-small" onClick={() => onRoot(addRuleAt(root, path, newGroup(group.combinator === 'and' ? 'or' : 'and')))}>
            <Icon name="plus" size={14} /> Group
          </button>
        ) : null}
      </div>
    </div>
  );
};

export const RuleBuilder = ({ id, value, onChange, optional }: { id: string; value: Rule | undefined; onChange: (rule: Rule | undefined) => void; optional?: boolean | undefined }): ReactElement => {
  if (optional && value === undefined) {
    return (
      <button type="button" id={id} className="btn btn-ghost btn-small" onClick={() => onChange({ kind: 'group', combinator: 'and', rules: [newCondition()] })}>
        <Icon name="plus" size={14} /> Add conditions
      </button>
    );
  }
  const root = asRootGroup(value);
  const problems = ruleProblems(root);
  return (
    <div className="rule-builder" id={id}>
      <GroupBox group={root} path={[]} root={root} onRoot={(rule) => onChange(rule)} idPrefix={id} />
      {problems.length > 0 ? <p className="field-help">{problems.length} condition{problems.length === 1 ? '' : 's'} still need a value.</p> : null}
      {optional ? (
        <button type="button" className="btn btn-ghost btn-small" onClick={() => onChange(undefined)}>
          Remove all conditions
        </button>
      ) : null}
    </div>
  );
};
