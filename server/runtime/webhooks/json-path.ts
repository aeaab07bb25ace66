/**
 * A tiny, safe JSON path for webhook mappings: `$` (the whole document), `.name`, `["any key"]`,
 * `['any key']` and `[0]`. No wildcards, filters, recursion or scripts: a path names one value.
 *
 * Reading follows the rule evaluator's conventions: only own data properties are read (never
 * inherited members or getters), `__proto__`, `constructor` and `prototype` never resolve, and inside
 * an array only canonical indexes ("0", "12"; not "01" or "-1") resolve. A path through a missing
 * value or a scalar resolves to `undefined`. Pure: no I/O, no eval.
 */
export type JsonPathSegment = string | number;

export type ParsedJsonPath = { ok: true; segments: JsonPathSegment[] } | { ok: false; error: string };

const forbiddenKeys = new Set(['__proto__', 'constructor', 'prototype']);
const maxPathLength = 500;
const maxSegments = 32;
/** A name after a dot: anything but dots, brackets, quotes and white space ("customer_id", "e-mail", "$oid"). */
const dotName = /^[^.[\]'"\s]+/;

export const parseJsonPath = (path: string): ParsedJsonPath => {
  if (path.length > maxPathLength) return { ok: false, error: `a JSON path has at most ${maxPathLength} characters` };
  if (!path.startsWith('$')) return { ok: false, error: `a JSON path starts with "$", e.g. "$.customer.id" (got "${path.slice(0, 40)}")` };
  const segments: JsonPathSegment[] = [];
  let rest = path.slice(1);
  while (rest.length > 0) {
    if (rest.startsWith('.')) {
      const name = dotName.exec(rest.slice(1))?.[0];
      if (!name) return { ok: false, error: `expected a property name after "." at "${rest.slice(0, 20)}"; write ["…"] for names with dots, spaces or quotes` };
      segments.push(name);
      rest = rest.slice(1 + name.length);
    } else if (rest.startsWith('[')) {
      const index = /^\[(\d+)\]/.exec(rest);
      const quoted = /^\[(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)')\]/.exec(rest);
      if (index?.[1] !== undefined) {
        if (index[1].length > 1 && index[1].startsWith('0')) return { ok: false, error: `array indexes are written without leading zeros ("[${Number(index[1])}]")` };
        segments.push(Number(index[1]));
        rest = rest.slice(index[0].length);
      } else if (quoted) {
        const raw = quoted[1] ?? quoted[2] ?? '';
        segments.push(raw.replace(/\\(.)/g, '$1'));
        rest = rest.slice(quoted[0].length);
      } else {
        return { ok: false, error: `expected [<index>] or ["<name>"] at "${rest.slice(0, 20)}"` };
      }
    } else {
      return { ok: false, error: `unexpected "${rest.slice(0, 20)}"; continue a path with .name, ["name"] or [0]` };
    }
    if (segments.length > maxSegments) return { ok: false, error: `a JSON path has at most ${maxSegments} steps` };
  }
  const forbidden = segments.find((s) => typeof s === 'string' && forbiddenKeys.has(s));
  if (forbidden !== undefined) return { ok: false, error: `"${forbidden}" cannot be read by a JSON path` };
  return { ok: true, segments };
};

const canonicalIndex = /^(0|[1-9]\d*)$/;

/** The value at `segments` inside `document`, or undefined when the path does not resolve. */
export const readJsonPath = (document: unknown, segments: readonly JsonPathSegment[]): unknown => {
  let current: unknown = document;
  for (const segment of segments) {
    if (typeof current !== 'object' || current === null) return undefined;
    const key = String(segment);
    if (forbiddenKeys.has(key)) return undefined;
    if (Array.isArray(current) && !canonicalIndex.test(key)) return undefined;
    const descriptor = Object.getOwnPropertyDescriptor(current, key);
    if (!descriptor || !('value' in descriptor)) return undefined;
    current = descriptor.value;
  }
  return current;
};

/** Parses and reads in one go; throws on a malformed path (mappings are validated when saved). */
export const evaluateJsonPath = (document: unknown, path: string): unknown => {
  const parsed = parseJsonPath(path);
  if (!parsed.ok) throw new Error(parsed.error);
  return readJsonPath(document, parsed.segments);
};
