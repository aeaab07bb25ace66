/**
 * # Rule evaluator
 *
 * Interprets the rule language of `rule.ts` (JSON data, never code) against a customer, the
 * event being looked at and the event that started the run. Pure: time comes in as `env.now`.
 *
 * ## Fields
 * A field is a dotted path whose first segment is a scope: `customer`, `event` or `trigger`
 * (`customer.traits.plan`, `event.properties.order.total`, `trigger.at`, `customer.tags.0`).
 * - Only own data properties are read (`Object.getOwnPropertyDescriptor`, so neither inherited
 *   members such as `toString` nor getters). The keys `__proto__`, `constructor` and `prototype`
 *   never resolve, not even when they are genuine own keys of the data.
 * - Inside an array only canonical indexes resolve ("0", "12"; not "01", "-1" or "length").
 * - A missing scope (no event), a bare scope ("customer"), an unknown scope, or a path through a
 *   missing value or a string/number/boolean resolves to `undefined` (missing).
 * - Every evaluation reports the fields it read, once per field in first-read order, with the
 *   value it saw (`seen`). AND/OR short-circuit, so fields after the deciding rule are not read.
 *
 * ## Groups
 * `and`: every rule holds (an empty `and` holds). `or`: some rule holds (an empty `or` does not).
 * `negate: true` inverts the group's result.
 *
 * ## Missing values
 * A value is missing when it is `undefined` (not there) or `null`. On a missing value `exists` is
 * false and `not_exists` true; every other positive operator is false.
 *
 * ## Negative operators
 * `not_exists`, `neq`, `not_in`, `not_contains`, `not_includes`, `not_within_last_days` and
 * `is_not_empty` are exactly the negation of `exists`, `eq`, `in`, `contains`, `includes`,
 * `within_last_days` and `is_empty`. So they hold on a missing value, on a value of the wrong
 * type and on an unparseable date ("plan is not 'pro'" is true for a customer without a plan).
 *
 * ## Operators (no type coercion except where stated)
 * - `eq`: strict equality of a scalar field with a scalar value; the string "1" is not the number 1
 *   and strings compare case-sensitively. Arrays and objects never equal anything. `eq null` is
 *   always false (null is missing): use `not_exists`.
 * - `in`: the scalar field strictly equals one of the listed values.
 * - `contains`, `starts_with`, `ends_with`: string field and string value only, compared
 *   case-insensitively (both sides through `String#toLowerCase`, which is locale-independent; no
 *   Unicode normalisation). Every string contains "".
 * - `gt`, `gte`, `lt`, `lte`: the value must be a number; the field may be a number or a string
 *   holding a finite decimal number ("42", "-3.5"; not "1e3", " 42", "+1", ".5" or "0x10").
 * - `between` [low, high], inclusive: with two number bounds a numeric comparison (field coerced as
 *   above); otherwise (any string bound) a date comparison where the field and both bounds are
 *   parsed as dates (a number is epoch ms). low > high matches nothing.
 * - `is_true` / `is_false`: the boolean true / false, or exactly the string "true" / "false".
 *   Neither holds on anything else.
 * - Dates (`date_before`, `date_after`, `within_*`, `between` with string bounds): field and value
 *   are parsed with `parseDateValue` in `env.timeZone` (epoch ms numbers, ISO 8601 strings; strings
 *   without an offset are local time in that zone; see `time.ts`). If either side is unparseable
 *   the positive operator is false. `date_before`: field < value; `date_after`: field > value.
 *   `within_last_days` N: now − N days <= field <= now; `within_next_days` N: now <= field <=
 *   now + N days (a day is 86,400,000 ms here, not a calendar day); N must be a number >= 0.
 * - `includes`: the field is an array with an element strictly equal to the scalar value (a string
 *   field is not searched: use `contains`). `includes_any` / `includes_all`: the field is an array
 *   holding any / all of the listed values (`includes_all` of an empty list holds for any array,
 *   `includes_any` of an empty list never does).
 * - `is_empty`: missing, null, "", [] or {} (an object without own keys). `is_not_empty`: the opposite.
 * - A value of the wrong shape for its operator (rejected by `checkedRuleSchema`, but possible in
 *   unvalidated data) makes the positive operator false.
 *
 * ## Event history (segment rules only)
 * `{ kind: 'event_history', event, atLeast?, atMost?, withinDays, rule? }` counts the events of
 * `scope.history` named `event` with now − withinDays days < at <= now (the same window as
 * `condition_event_history` and the cluster measures) for which `rule` holds (evaluated with the
 * event as `event`); it holds when atLeast <= count <= atMost (an absent bound is no bound). No
 * history in the scope counts 0. The count is reported in `seen` as `count(<event>, <D>d)`.
 *
 * ## Safety
 * Never throws on user data, never builds a RegExp from user data, never mutates the scope. A rule
 * deeper than `ruleLimits.maxDepth`, with more than `ruleLimits.maxConditions` conditions, a group
 * with more than `ruleLimits.maxConditions` rules, more than 10,000 nodes in all, or a node that is
 * not a rule at all evaluates to false as a whole (with nothing in `seen`) before any field is read.
 * An unknown `env.timeZone` falls back to UTC.
 *
 * Besides `evaluateRule` and `resolveField`, `operatorHolds` applies one operator to a value
 * (for previews in the editor) and `negatedOperators` maps each negative operator to its positive.
 */
import type { CustomerProfile, JsonValue } from './domain.js';
import type { EventView } from './events.js';
import { ruleLimits, type EventHistoryCondition, type RuleCondition, type RuleOperator, type RuleValue, type SegmentRule } from './rule.js';
import { parseDateValue, resolveTimeZone } from './time.js';

/** The event view rules read (`event.*`, `trigger.*`); defined with the events in `events.ts`. */
export type { EventView };

export interface RuleScope {
  customer: CustomerProfile;
  event?: EventView | null;
  trigger?: EventView | null;
  /** The customer's track and webhook events, for event-history leaves (segment rules); none when absent. */
  history?: readonly EventView[];
}

export interface RuleEnv {
  now: number;
  timeZone: string;
}

export interface FieldReading {
  field: string;
  value: JsonValue | undefined;
}

export interface RuleEvaluation {
  result: boolean;
  seen: FieldReading[];
}

const DAY_MS = 86_400_000;
/** Total groups + conditions the evaluator walks; guards against shared sub-trees built in code. */
const maxRuleNodes = 10_000;

// ---------------------------------------------------------------------------------------------
// Fields

const refusedKeys: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);
const arrayIndexPattern = /^(?:0|[1-9]\d{0,8})$/;

/** The own data property `key` of `container`, or undefined. */
const ownData = (container: object, key: string): unknown => {
  const descriptor = Object.getOwnPropertyDescriptor(container, key);
  return descriptor !== undefined && 'value' in descriptor ? descriptor.value : undefined;
};

/** Reads `field` from `scope` (see "Fields" above). Never throws, never mutates. */
export const resolveField = (scope: RuleScope, field: string): JsonValue | undefined => {
  if (typeof field !== 'string' || field.length > ruleLimits.maxPath) return undefined;
  const [head, ...path] = field.split('.');
  if (path.length === 0) return undefined;
  let current: unknown;
  switch (head) {
    case 'customer':
      current = scope.customer;
      break;
    case 'event':
      current = scope.event;
      break;
    case 'trigger':
      current = scope.trigger;
      break;
    default:
      return undefined;
  }
  for (const segment of path) {
    if (current === null || typeof current !== 'object' || refusedKeys.has(segment)) return undefined;
    if (Array.isArray(current) && !arrayIndexPattern.test(segment)) return undefined;
    current = ownData(current, segment);
  }
  switch (typeof current) {
    case 'string':
    case 'number':
    case 'boolean':
    case 'object': // null, arrays and records
      return current as JsonValue;
    default:
      return undefined;
  }
};

// ---------------------------------------------------------------------------------------------
// Limits

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;

/** Depth, size and shape checks without recursion, matching `ruleProblems` (the root is depth 1). */
const withinLimits = (rule: unknown): boolean => {
  const pending: { node: unknown; depth: number }[] = [{ node: rule, depth: 1 }];
  let nodes = 0;
  let conditions = 0;
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const { node, depth } = next;
    nodes += 1;
    if (depth > ruleLimits.maxDepth || nodes > maxRuleNodes || !isRecord(node)) return false;
    if (node.kind === 'condition') {
      conditions += 1;
      if (conditions > ruleLimits.maxConditions || typeof node.field !== 'string' || typeof node.operator !== 'string') return false;
    } else if (node.kind === 'event_history') {
      conditions += 1;
      if (conditions > ruleLimits.maxConditions || typeof node.event !== 'string' || typeof node.withinDays !== 'number') return false;
      if (node.rule !== undefined) pending.push({ node: node.rule, depth: depth + 1 });
    } else if (node.kind === 'group') {
      const children = node.rules;
      if (!Array.isArray(children) || children.length > ruleLimits.maxConditions) return false;
      for (const child of children) pending.push({ node: child, depth: depth + 1 });
    } else {
      return false;
    }
  }
  return true;
};

// ---------------------------------------------------------------------------------------------
// Operators

type Scalar = string | number | boolean | null;

/** Each negative operator and the positive operator it negates. */
export const negatedOperators = {
  not_exists: 'exists',
  neq: 'eq',
  not_in: 'in',
  not_contains: 'contains',
  not_includes: 'includes',
  not_within_last_days: 'within_last_days',
  is_not_empty: 'is_empty',
} as const satisfies Partial<Record<RuleOperator, RuleOperator>>;

type NegativeOperator = keyof typeof negatedOperators;
type PositiveOperator = Exclude<RuleOperator, NegativeOperator>;

const isMissing = (value: JsonValue | undefined): value is null | undefined => value === undefined || value === null;

const isScalar = (value: unknown): value is Scalar =>
  value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';

const decimalPattern = /^-?\d+(?:\.\d+)?$/;

/** A number, or a string holding a finite decimal number; else null. */
const numericField = (value: JsonValue | undefined): number | null => {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value !== 'string' || value.length > 400 || !decimalPattern.test(value)) return null;
  const parsed = Number(value);
  return Number.isFinite(parsed) ? parsed : null;
};

const fold = (text: string): string => text.toLowerCase();

const isEmpty = (value: JsonValue | undefined): boolean => {
  if (isMissing(value) || value === '') return true;
  if (Array.isArray(value)) return value.length === 0;
  return typeof value === 'object' && Object.keys(value).length === 0;
};

interface OperatorContext {
  now: number;
  timeZone: string;
}

const dateOf = (value: unknown, ctx: OperatorContext): number | null => parseDateValue(value, ctx.timeZone);

const dayCount = (value: RuleValue | undefined): number | null =>
  typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : null;

const compareNumbers = (field: JsonValue | undefined, value: RuleValue | undefined, holds: (a: number, b: number) => boolean): boolean => {
  const number = numericField(field);
  return number !== null && typeof value === 'number' && Number.isFinite(value) && holds(number, value);
};

const isBetween = (field: JsonValue | undefined, value: RuleValue | undefined, ctx: OperatorContext): boolean => {
  if (!Array.isArray(value) || value.length !== 2) return false;
  const [low, high] = value;
  if (typeof low === 'number' && typeof high === 'number') {
    const number = numericField(field);
    return number !== null && low <= number && number <= high;
  }
  if ((typeof low !== 'string' && typeof low !== 'number') || (typeof high !== 'string' && typeof high !== 'number')) return false;
  const at = dateOf(field, ctx);
  const from = dateOf(low, ctx);
  const to = dateOf(high, ctx);
  return at !== null && from !== null && to !== null && from <= at && at <= to;
};

const listHas = (field: JsonValue | undefined, value: RuleValue | undefined, mode: 'any' | 'all'): boolean => {
  if (!Array.isArray(field) || !Array.isArray(value)) return false;
  const present = new Set<JsonValue>(field.filter(isScalar));
  return mode === 'any' ? value.some((wanted) => present.has(wanted)) : value.every((wanted) => present.has(wanted));
};

const holdsPositive = (operator: PositiveOperator, field: JsonValue | undefined, value: RuleValue | undefined, ctx: OperatorContext): boolean => {
  switch (operator) {
    case 'exists':
      return !isMissing(field);
    case 'eq':
      return !isMissing(field) && isScalar(field) && isScalar(value) && field === value;
    case 'in':
      return !isMissing(field) && isScalar(field) && Array.isArray(value) && value.some((option) => option === field);
    case 'contains':
      return typeof field === 'string' && typeof value === 'string' && fold(field).includes(fold(value));
    case 'starts_with':
      return typeof field === 'string' && typeof value === 'string' && fold(field).startsWith(fold(value));
    case 'ends_with':
      return typeof field === 'string' && typeof value === 'string' && fold(field).endsWith(fold(value));
    case 'gt':
      return compareNumbers(field, value, (a, b) => a > b);
    case 'gte':
      return compareNumbers(field, value, (a, b) => a >= b);
    case 'lt':
      return compareNumbers(field, value, (a, b) => a < b);
    case 'lte':
      return compareNumbers(field, value, (a, b) => a <= b);
    case 'between':
      return isBetween(field, value, ctx);
    case 'is_true':
      return field === true || field === 'true';
    case 'is_false':
      return field === false || field === 'false';
    case 'date_before':
    case 'date_after': {
      const at = dateOf(field, ctx);
      const than = dateOf(value, ctx);
      if (at === null || than === null) return false;
      return operator === 'date_before' ? at < than : at > than;
    }
    case 'within_last_days': {
      const at = dateOf(field, ctx);
      const days = dayCount(value);
      return at !== null && days !== null && ctx.now - days * DAY_MS <= at && at <= ctx.now;
    }
    case 'within_next_days': {
      const at = dateOf(field, ctx);
      const days = dayCount(value);
      return at !== null && days !== null && ctx.now <= at && at <= ctx.now + days * DAY_MS;
    }
    case 'includes':
      return Array.isArray(field) && isScalar(value) && field.some((element) => element === value);
    case 'includes_any':
      return listHas(field, value, 'any');
    case 'includes_all':
      return listHas(field, value, 'all');
    case 'is_empty':
      return isEmpty(field);
    default: {
      // Unreachable for typed rules; an unknown operator in unvalidated data simply does not hold.
      const unknown: never = operator;
      void unknown;
      return false;
    }
  }
};

const holds = (operator: RuleOperator, field: JsonValue | undefined, value: RuleValue | undefined, ctx: OperatorContext): boolean => {
  switch (operator) {
    case 'not_exists':
    case 'neq':
    case 'not_in':
    case 'not_contains':
    case 'not_includes':
    case 'not_within_last_days':
    case 'is_not_empty':
      return !holdsPositive(negatedOperators[operator], field, value, ctx);
    default:
      return holdsPositive(operator, field, value, ctx);
  }
};

/** Whether `operator` holds for a field value and a rule value (see the header for every operator). */
export const operatorHolds = (operator: RuleOperator, field: JsonValue | undefined, value: RuleValue | undefined, env: RuleEnv): boolean =>
  holds(operator, field, value, { now: env.now, timeZone: resolveTimeZone(env.timeZone, 'UTC') });

// ---------------------------------------------------------------------------------------------
// Evaluation

interface Evaluation extends OperatorContext {
  scope: RuleScope;
  readings: Map<string, JsonValue | undefined>;
}

const read = (evaluation: Evaluation, field: string): JsonValue | undefined => {
  if (evaluation.readings.has(field)) return evaluation.readings.get(field);
  const value = resolveField(evaluation.scope, field);
  evaluation.readings.set(field, value);
  return value;
};

const evaluateCondition = (condition: RuleCondition, evaluation: Evaluation): boolean =>
  holds(condition.operator, read(evaluation, condition.field), condition.value, evaluation);

const countEvents = (condition: EventHistoryCondition, scope: RuleScope, ctx: OperatorContext): number => {
  const since = ctx.now - condition.withinDays * DAY_MS;
  let count = 0;
  for (const event of scope.history ?? []) {
    if (event.name !== condition.event || event.at <= since || event.at > ctx.now) continue;
    if (condition.rule !== undefined) {
      const nested: Evaluation = { scope: { ...scope, event }, now: ctx.now, timeZone: ctx.timeZone, readings: new Map() };
      if (!evaluateNode(condition.rule, nested)) continue;
    }
    count += 1;
  }
  return count;
};

/** How many of the history's `event` events in (now − D days, now] the leaf's rule holds for. */
export const countEventHistory = (condition: EventHistoryCondition, scope: RuleScope, env: RuleEnv): number =>
  countEvents(condition, scope, { now: env.now, timeZone: resolveTimeZone(env.timeZone, 'UTC') });

const evaluateEventHistory = (condition: EventHistoryCondition, evaluation: Evaluation): boolean => {
  const count = countEvents(condition, evaluation.scope, evaluation);
  const label = `count(${condition.event}, ${condition.withinDays}d${condition.rule ? ', filtered' : ''})`;
  if (!evaluation.readings.has(label)) evaluation.readings.set(label, count);
  const { atLeast, atMost } = condition;
  return (atLeast === undefined || count >= atLeast) && (atMost === undefined || count <= atMost) && (atLeast !== undefined || atMost !== undefined);
};

/** Recursion is bounded: `withinLimits` has checked the depth before this runs. */
const evaluateNode = (rule: SegmentRule, evaluation: Evaluation): boolean => {
  switch (rule.kind) {
    case 'condition':
      return evaluateCondition(rule, evaluation);
    case 'event_history':
      return evaluateEventHistory(rule, evaluation);
    case 'group': {
      let result: boolean;
      switch (rule.combinator) {
        case 'and':
          result = rule.rules.every((child) => evaluateNode(child, evaluation));
          break;
        case 'or':
          result = rule.rules.some((child) => evaluateNode(child, evaluation));
          break;
        default: {
          const unknown: never = rule.combinator;
          void unknown;
          return false;
        }
      }
      return rule.negate === true ? !result : result;
    }
    default: {
      const unknown: never = rule;
      void unknown;
      return false;
    }
  }
};

/** Evaluates `rule` against `scope` at `env.now`; reports the result and the fields it read. */
export const evaluateRule = (rule: SegmentRule, scope: RuleScope, env: RuleEnv): RuleEvaluation => {
  if (!withinLimits(rule)) return { result: false, seen: [] };
  const evaluation: Evaluation = {
    scope,
    now: env.now,
    timeZone: resolveTimeZone(env.timeZone, 'UTC'),
    readings: new Map(),
  };
  const result = evaluateNode(rule, evaluation);
  return { result, seen: [...evaluation.readings].map(([field, value]) => ({ field, value })) };
};
