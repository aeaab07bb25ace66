import type { DurationUnit } from '../../../workflows/index.js';

/**
 * What a node kind's settings form shows, field by field. Each field edits the value at `path`
 * inside the node's params with a widget fit for it; errors from the kind's zod schema whose path
 * starts with `path` are shown under the field.
 */
export type ParamPath = readonly string[];

interface Base {
  path: ParamPath;
  label: string;
  help?: string;
  /** Leaving the field empty removes the param (instead of storing ""). */
  optional?: boolean;
  /** Shown only when this holds for the current params. */
  visible?: (params: Record<string, unknown>) => boolean;
}

export type FieldSpec =
  | (Base & { widget: 'text'; placeholder?: string })
  | (Base & { widget: 'number'; min?: number; max?: number; step?: number; suffix?: string })
  | (Base & { widget: 'select'; options: readonly { value: string; label: string }[] })
  | (Base & { widget: 'checkbox' })
  | (Base & { widget: 'duration'; units?: readonly DurationUnit[] })
  /** { amount, unit: hours|days, direction? } (date offsets). */
  | (Base & { widget: 'offset'; withDirection: boolean })
  | (Base & { widget: 'weekdays' })
  | (Base & { widget: 'time' })
  | (Base & { widget: 'template'; multiline?: boolean; placeholder?: string })
  | (Base & { widget: 'rule' })
  | (Base & { widget: 'branches' })
  | (Base & { widget: 'clusters' })
  | (Base & { widget: 'stages' })
  | (Base & { widget: 'stage' })
  | (Base & { widget: 'journey' })
  /** A segment of the workspace, by id (a select; free text when the list cannot be loaded). */
  | (Base & { widget: 'segment' })
  /** A dialogue script name of the contact strategy (loaded from the workspace). */
  | (Base & { widget: 'script' })
  | (Base & { widget: 'lines'; placeholder?: string; addLabel: string })
  | (Base & { widget: 'headers' })
  | (Base & { widget: 'traits' })
  | (Base & { widget: 'scalar'; placeholder?: string })
  | (Base & { widget: 'variant'; variants: Readonly<Record<string, { label: string; defaults: () => Record<string, unknown>; fields: readonly FieldSpec[] }>> });

export type Widget = FieldSpec['widget'];

export const getAt = (value: unknown, path: ParamPath): unknown => {
  let current = value;
  for (const key of path) current = current !== null && typeof current === 'object' && !Array.isArray(current) ? (current as Record<string, unknown>)[key] : undefined;
  return current;
};

/** Sets (or with `undefined`, removes) the value at `path`, copying every object on the way. */
export const setAt = (value: Record<string, unknown>, path: ParamPath, next: unknown): Record<string, unknown> => {
  const [key, ...rest] = path;
  if (key === undefined) return next as Record<string, unknown>;
  const copy = { ...value };
  if (rest.length === 0) {
    if (next === undefined) delete copy[key];
    else copy[key] = next;
    return copy;
  }
  const child = copy[key];
  copy[key] = setAt(child !== null && typeof child === 'object' && !Array.isArray(child) ? (child as Record<string, unknown>) : {}, rest, next);
  return copy;
};

/** Whether an issue at `issuePath` belongs to the field at `fieldPath`. */
export const pathWithin = (issuePath: readonly (string | number)[], fieldPath: ParamPath): boolean =>
  fieldPath.every((key, i) => String(issuePath[i]) === key);

/** A picker's options with the current value kept visible when the workspace does not have it (any more). */
export const withCurrentValue = (options: readonly { value: string; label: string }[], value: string | undefined): { value: string; label: string }[] =>
  value && !options.some((o) => o.value === value) ? [...options, { value, label: `${value} (not found)` }] : [...options];
