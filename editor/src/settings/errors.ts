import type { z } from 'zod';
import { ApiFailure, errorMessage } from '../api/client.js';

/**
 * Errors attached to form fields. Pure. A key is a field path joined with "." (`stages.1.id`);
 * the server names fields in `error.details[].path`, zod in `issues[].path`. `general` holds what
 * names no field the form shows (shown at the top of the form).
 */
export interface FormErrors {
  fields: Map<string, string[]>;
  general: string[];
}

export const noErrors = (): FormErrors => ({ fields: new Map(), general: [] });

export const pathKey = (path: readonly (string | number)[]): string => path.join('.');

const add = (errors: FormErrors, key: string | null, message: string): void => {
  if (key === null) {
    if (!errors.general.includes(message)) errors.general.push(message);
    return;
  }
  const list = errors.fields.get(key) ?? [];
  if (!list.includes(message)) list.push(message);
  errors.fields.set(key, list);
};

/** Strips `prefix` from a path; null when the path is not under it. */
const under = (path: readonly (string | number)[], prefix: readonly (string | number)[]): (string | number)[] | null =>
  prefix.every((part, i) => path[i] === part) ? path.slice(prefix.length) : null;

/**
 * A failed call as form errors: each detail whose path is under `prefix` (e.g. `['strategy']`)
 * goes to that field; the rest, and the message when no detail names a field, are general.
 */
export const serverErrors = (error: unknown, prefix: readonly (string | number)[] = []): FormErrors => {
  const errors = noErrors();
  if (!(error instanceof ApiFailure)) {
    add(errors, null, errorMessage(error));
    return errors;
  }
  let placed = 0;
  for (const detail of error.details) {
    const rest = detail.path ? under(detail.path, prefix) : null;
    if (rest && rest.length > 0) {
      add(errors, pathKey(rest), detail.message);
      placed += 1;
    }
  }
  if (placed === 0 || placed < error.details.length) add(errors, null, error.message);
  return errors;
};

/** A zod failure of the same schema the server uses, as form errors (field-less issues are general). */
export const zodErrors = (error: z.ZodError): FormErrors => {
  const errors = noErrors();
  for (const issue of error.issues) add(errors, issue.path.length > 0 ? pathKey(issue.path.filter((p): p is string | number => typeof p !== 'symbol')) : null, issue.message);
  return errors;
};

/** `errors` plus problems found by a pure check (each at its path), e.g. the shared `segmentStageProblems`. */
export const withProblems = (errors: FormErrors, problems: readonly { path: readonly (string | number)[]; message: string }[]): FormErrors => {
  const merged: FormErrors = { fields: new Map([...errors.fields].map(([key, list]) => [key, [...list]])), general: [...errors.general] };
  for (const problem of problems) add(merged, problem.path.length > 0 ? pathKey(problem.path) : null, problem.message);
  return merged;
};

/** Both sets of errors (e.g. the form's own check and a refused call). */
export const mergeErrors = (a: FormErrors, b: FormErrors): FormErrors =>
  withProblems(a, [...[...b.fields].flatMap(([key, list]) => list.map((message) => ({ path: key.split('.'), message }))), ...b.general.map((message) => ({ path: [], message }))]);

export const errorsAt = (errors: FormErrors, path: readonly (string | number)[]): string[] => errors.fields.get(pathKey(path)) ?? [];

/** Whether any field error sits at or below `path` (e.g. to mark a tab or a row). */
export const hasErrorsUnder = (errors: FormErrors, path: readonly (string | number)[]): boolean => {
  const key = pathKey(path);
  return [...errors.fields.keys()].some((k) => k === key || k.startsWith(`${key}.`));
};

export const isEmpty = (errors: FormErrors): boolean => errors.fields.size === 0 && errors.general.length === 0;
