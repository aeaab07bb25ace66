import type { ReactElement } from 'react';
import { ruleLimits, ruleProblems, type EventHistoryCondition, type Rule, type RuleCondition, type RuleValue, type SegmentRule, type SegmentRuleGroup } from '../../../workflows/index.js';
import {
  addRuleAt,
  asRootGroup,
  countMode,
  countModes,
  fieldChoices,
  fieldSources,
  isJourneyRule,
  formatList,
  formatScalar,
  newCondition,
  newEventHistory,
  newGroup,
  operatorLabels,
  operatorsFor,
  parseList,
  parseScalar,
  removeRuleAt,
  schemaPath,
  setCountMode,
  setOperator,
  setSource,
  sourcesFor,
  splitField,
  joinField,
  updateRuleAt,
  valueKind,
  type Choice,
  type CountMode,
  type FieldSource,
  type RuleFields,
  type RulePath,
} from '../graph/rule-builder.js';
import { Icon } from '../nodes/icons.js';
import { NumberInput } from './widgets.js';

/**
 * A compact nested AND/OR builder over our rule JSON. Each condition: a field (source + name),
 * an operator fit for the source, and the value input the operator needs. For segments it also
 * offers event-history leaves ("did X at least N times in the last D days"), whose own rule is a
 * nested builder over the counted event. Errors come in by schema path and show at the row.
 */

type Scalar = string | number | boolean | null;
type SchemaPath = readonly (string | number)[];

/** What every row of one builder shares. */
interface Tree {
  root: SegmentRuleGroup;
  onRoot: (rule: SegmentRule) => void;
  idPrefix: string;
  testPrefix: string;
  fields: RuleFields;
  stages: readonly Choice[] | undefined;
  /** The errors at a schema path of this builder's rule. */
  errorsAt: (path: SchemaPath) => readonly string[];
  /** The schema path of the rule at a builder path. */
  schemaPathOf: (path: RulePath) => (string | number)[];
}

/** The errors at a rule and at the given keys of it, once each. */
const messagesAt = (tree: Tree, path: RulePath, keys: readonly string[]): string[] => {
  const at = tree.schemaPathOf(path);
  return [...new Set([at, ...keys.map((key) => [...at, key])].flatMap((p) => tree.errorsAt(p)))];
};

const RowErrors = ({ messages }: { messages: readonly string[] }): ReactElement | null =>
  messages.length === 0 ? null : (
    <>
      {messages.map((message) => (
        <p key={message} className="field-error" role="alert">
          {message}
        </p>
      ))}
    </>
  );

const ValueInput = ({ condition, onChange, id, stages }: { condition: RuleCondition; onChange: (value: RuleValue | undefined) => void; id: string; stages: readonly Choice[] | undefined }): ReactElement | null => {
  const kind = valueKind(condition.operator);
  const choices = fieldChoices(splitField(condition.field).source, stages);
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

const ConditionRow = ({ condition, path, tree }: { condition: RuleCondition; path: RulePath; tree: Tree }): ReactElement => {
  const field = splitField(condition.field);
  const source = fieldSources.find((s) => s.id === field.source);
  const offered = sourcesFor(tree.fields);
  const sources = source && !offered.includes(source) ? [...offered, source] : offered;
  const id = `${tree.idPrefix}-${path.join('-')}`;
  const onChange = (rule: SegmentRule) => tree.onRoot(updateRuleAt(tree.root, path, () => rule));
  return (
    <div className="rule-condition" data-testid={`${tree.testPrefix}rule-condition-${path.join('-')}`}>
      <div className="rule-condition-field">
        <select className="select" aria-label="field" value={field.source} onChange={(e) => onChange(setSource(condition, e.target.value as FieldSource))}>
          {sources.map((s) => (
            <option key={s.id} value={s.id}>
              {s.label}
            </option>
          ))}
        </select>
        {source?.named ? (
          <input
            className="input"
            aria-label={field.source === 'other' ? 'field path' : 'name'}
            placeholder={field.source === 'other' ? (tree.fields === 'segment' ? 'customer.timezone' : 'event.name') : field.source === 'customer.traits' ? 'plan' : 'total'}
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
        <ValueInput id={id} condition={condition} stages={tree.stages} onChange={(value) => onChange(value === undefined ? setOperator(condition, condition.operator) : { ...condition, value })} />
        <button type="button" className="icon-btn" aria-label="remove condition" onClick={() => tree.onRoot(removeRuleAt(tree.root, path))}>
          <Icon name="close" size={14} />
        </button>
      </div>
      <RowErrors messages={messagesAt(tree, path, ['field', 'operator', 'value'])} />
    </div>
  );
};

/** "Did “Page Viewed” at least 3 times in the last 7 days", optionally counting only events where a rule holds. */
const EventHistoryRow = ({ leaf, path, tree }: { leaf: EventHistoryCondition; path: RulePath; tree: Tree }): ReactElement => {
  const id = `${tree.idPrefix}-${path.join('-')}`;
  const onChange = (rule: EventHistoryCondition) => tree.onRoot(updateRuleAt(tree.root, path, () => rule));
  const mode = countMode(leaf);
  const count = (key: 'atLeast' | 'atMost', label: string) => (
    <NumberInput id={`${id}-${key}`} label={label} value={leaf[key]} min={0} step={1} className="input-short" onChange={(n) => onChange({ ...leaf, [key]: n })} />
  );
  const inner = tree.schemaPathOf(path);
  return (
    <div className="rule-condition rule-event" data-testid={`${tree.testPrefix}rule-event-${path.join('-')}`}>
      <div className="rule-condition-field">
        <span className="rule-event-label">
          <Icon name="history" size={14} /> Did
        </span>
        <input id={id} className="input" aria-label="event name" placeholder="Order Completed" value={leaf.event} onChange={(e) => onChange({ ...leaf, event: e.target.value })} />
        <button type="button" className="icon-btn" aria-label="remove event condition" onClick={() => tree.onRoot(removeRuleAt(tree.root, path))}>
          <Icon name="close" size={14} />
        </button>
      </div>
      <div className="rule-condition-value rule-event-count">
        <select className="select" aria-label="how many times" value={mode} onChange={(e) => onChange(setCountMode(leaf, e.target.value as CountMode))}>
          {countModes.map((m) => (
            <option key={m.mode} value={m.mode}>
              {m.label}
            </option>
          ))}
        </select>
        {mode === 'at_least' || mode === 'between' ? count('atLeast', 'at least') : null}
        {mode === 'between' ? <span className="suffix">and</span> : null}
        {mode === 'at_most' || mode === 'between' ? count('atMost', 'at most') : null}
        <span className="suffix">{mode === 'none' ? 'in the last' : 'times in the last'}</span>
        <NumberInput id={`${id}-withinDays`} label="days" value={leaf.withinDays} min={1} max={3650} step={1} className="input-short" onChange={(n) => onChange({ ...leaf, withinDays: n ?? Number.NaN })} />
        <span className="suffix">days</span>
      </div>
      <RowErrors messages={messagesAt(tree, path, ['event', 'atLeast', 'atMost', 'withinDays'])} />
      <div className="rule-event-where">
        <span className="field-help">Only counting events where</span>
        <RuleBuilder
          id={`${id}-rule`}
          fields="counted_event"
          stages={tree.stages}
          optional
          value={leaf.rule}
          onChange={(rule) => onChange(rule === undefined ? (({ rule: _r, ...rest }) => rest)(leaf) : { ...leaf, rule })}
          errorsAt={(at) => tree.errorsAt([...inner, 'rule', ...at])}
          testPrefix={`${tree.testPrefix}event-${path.join('-')}-`}
        />
      </div>
    </div>
  );
};

const GroupBox = ({ group, path, tree }: { group: SegmentRuleGroup; path: RulePath; tree: Tree }): ReactElement => {
  const depth = path.length + 1;
  const update = (rule: SegmentRule) => tree.onRoot(updateRuleAt(tree.root, path, () => rule));
  const add = (rule: SegmentRule) => tree.onRoot(addRuleAt(tree.root, path, rule));
  const testPath = path.join('-') || 'root';
  return (
    <div className={`rule-group depth-${Math.min(depth, 3)}`} data-testid={`${tree.testPrefix}rule-group-${testPath}`}>
      <div className="rule-group-head">
        <div className="segmented" role="radiogroup" aria-label="combine conditions with">
          {(['and', 'or'] as const).map((c) => (
            <button key={c} type="button" role="radio" aria-checked={group.combinator === c} className={group.combinator === c ? 'is-on' : ''} onClick={() => update({ ...group, combinator: c })}>
              {c === 'and' ? 'All of' : 'Any of'}
            </button>
          ))}
        </div>
        <label className="check check-small">
          <input type="checkbox" checked={group.negate === true} onChange={(e) => update(e.target.checked ? { ...group, negate: true } : (({ negate: _n, ...rest }) => rest)(group))} />
          none of these (negate)
        </label>
        {path.length > 0 ? (
          <button type="button" className="icon-btn" aria-label="remove group" onClick={() => tree.onRoot(removeRuleAt(tree.root, path))}>
            <Icon name="close" size={14} />
          </button>
        ) : null}
      </div>
      {group.rules.length === 0 ? <p className="rule-empty">No conditions yet.</p> : null}
      {group.rules.map((rule, i) => {
        const at = [...path, i];
        switch (rule.kind) {
          case 'group':
            return <GroupBox key={i} group={rule} path={at} tree={tree} />;
          case 'event_history':
            return <EventHistoryRow key={i} leaf={rule} path={at} tree={tree} />;
          case 'condition':
            return <ConditionRow key={i} condition={rule} path={at} tree={tree} />;
        }
      })}
      <RowErrors messages={messagesAt(tree, path, [])} />
      <div className="rule-actions">
        <button type="button" className="btn btn-ghost btn-small" onClick={() => add(newCondition())} data-testid={`${tree.testPrefix}rule-add-condition-${testPath}`}>
          <Icon name="plus" size={14} /> Condition
        </button>
        {tree.fields === 'segment' ? (
          <button type="button" className="btn btn-ghost btn-small" onClick={() => add(newEventHistory())} data-testid={`${tree.testPrefix}rule-add-event-${testPath}`}>
            <Icon name="plus" size={14} /> Event history
          </button>
        ) : null}
        {depth < ruleLimits.maxDepth ? (
          <button type="button" className="btn btn-ghost btn-small" onClick={() => add(newGroup(group.combinator === 'and' ? 'or' : 'and'))}>
            <Icon name="plus" size={14} /> Group
          </button>
        ) : null}
      </div>
    </div>
  );
};

interface EditorProps {
  id: string;
  fields: RuleFields;
  value: SegmentRule | undefined;
  onChange: (rule: SegmentRule | undefined) => void;
  optional?: boolean | undefined;
  /** The workspace's stages for "Lifecycle stage" values (default: the default stage model). */
  stages?: readonly Choice[] | undefined;
  /** Errors by schema path of the rule (e.g. ["rules", 0, "value"]), shown at their row. */
  errorsAt?: ((path: SchemaPath) => readonly string[]) | undefined;
  testPrefix?: string | undefined;
}

const noErrors = (): readonly string[] => [];

const RuleEditor = ({ id, fields, value, onChange, optional, stages, errorsAt = noErrors, testPrefix = '' }: EditorProps): ReactElement => {
  if (optional && value === undefined) {
    return (
      <button type="button" id={id} className="btn btn-ghost btn-small" onClick={() => onChange({ kind: 'group', combinator: 'and', rules: [newCondition()] })} data-testid={testPrefix ? `${testPrefix}rule-add` : undefined}>
        <Icon name="plus" size={14} /> Add conditions
      </button>
    );
  }
  const root = asRootGroup(value);
  const problems = ruleProblems(root);
  const tree: Tree = { root, onRoot: onChange, idPrefix: id, testPrefix, fields, stages, errorsAt, schemaPathOf: (path) => schemaPath(value, path) };
  return (
    <div className="rule-builder" id={id}>
      <GroupBox group={root} path={[]} tree={tree} />
      {problems.length > 0 ? <p className="field-help">{problems.length} condition{problems.length === 1 ? '' : 's'} still need a value.</p> : null}
      {optional ? (
        <button type="button" className="btn btn-ghost btn-small" onClick={() => onChange(undefined)}>
          Remove all conditions
        </button>
      ) : null}
    </div>
  );
};

type Shared = Omit<EditorProps, 'fields' | 'value' | 'onChange'>;

/** A journey rule (or the rule of an event-history leaf: `fields="counted_event"`). */
export const RuleBuilder = ({ value, onChange, fields = 'journey', ...rest }: Shared & { value: Rule | undefined; onChange: (rule: Rule | undefined) => void; fields?: Exclude<RuleFields, 'segment'> }): ReactElement => (
  // No event-history leaf can be added outside a segment rule, so every rule this builder makes is a journey rule.
  <RuleEditor {...rest} fields={fields} value={value} onChange={(rule) => (rule === undefined || isJourneyRule(rule) ? onChange(rule) : undefined)} />
);

/** A segment rule: customer fields and event-history leaves. */
export const SegmentRuleBuilder = ({ value, onChange, ...rest }: Omit<Shared, 'optional'> & { value: SegmentRule; onChange: (rule: SegmentRule) => void }): ReactElement => (
  <RuleEditor {...rest} fields="segment" value={value} onChange={(rule) => onChange(rule ?? asRootGroup(undefined))} />
);
