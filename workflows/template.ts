import { Liquid, filters, type FilterImplOptions } from 'liquidjs';

type FilterImpl = ThisParameterType<Extract<FilterImplOptions, (...args: never[]) => unknown>>;
import type { JsonValue } from './domain.js';
import type { RunScope } from './nodes/kind.js';

/**
 * Message templates are Liquid (liquidjs), never code. Strict filters (an unknown filter is an
 * error), own properties only, and limits on template size, render time and memory, so a template
 * cannot hang or exhaust a worker. Missing variables render as empty text.
 */
export const templateLimits = { maxLength: 20_000, parseLimit: 20_000, renderLimitMs: 200, memoryLimit: 1_000_000 } as const;

/** Variables a template may start with. */
export const templateRoots = ['customer', 'event', 'trigger', 'journey', 'run'] as const;

const liquid = new Liquid({
  strictFilters: true,
  strictVariables: false,
  ownPropertyOnly: true,
  parseLimit: templateLimits.parseLimit,
  renderLimit: templateLimits.renderLimitMs,
  memoryLimit: templateLimits.memoryLimit,
  cache: 500,
  // Dates format in UTC unless a filter names a zone ({{ x | date: "%H:%M", customer.timezone }}).
  timezoneOffset: 0,
});

// Templates never touch the file system: partials and layouts are refused when parsed.
for (const tag of ['include', 'render', 'layout']) {
  liquid.registerTag(tag, {
    parse() {
      throw new Error(`templates cannot load files ("${tag}" is not available); write the text into the template`);
    },
    render: () => '',
  });
}

// Date filters read the run's virtual clock for "now"/"today" (never the wall clock, so replays and
// simulations render the same text), and numbers are epoch milliseconds like every time in Rapport.
type DateFilter = (this: FilterImpl, value: unknown, ...args: unknown[]) => unknown;
const dateFilters = filters as unknown as Record<string, DateFilter>;
for (const name of ['date', 'date_to_xmlschema', 'date_to_rfc822', 'date_to_string', 'date_to_long_string']) {
  const original = dateFilters[name];
  if (!original) continue;
  liquid.registerFilter(name, function (this: FilterImpl, value: unknown, ...args: unknown[]) {
    const now = Number(this.context.getSync(['run', 'now']));
    const date = value === 'now' || value === 'today' ? new Date(now) : typeof value === 'number' ? new Date(value) : value;
    return original.call(this, date, ...args);
  });
}

export interface TemplateProblem {
  message: string;
}

/** Syntax errors, unknown filters and unknown root variables. Returns [] for a good template. */
export const templateProblems = (source: string): TemplateProblem[] => {
  if (source.length > templateLimits.maxLength) {
    return [{ message: `a template has at most ${templateLimits.maxLength} characters (this one has ${source.length})` }];
  }
  let roots: string[];
  try {
    const parsed = liquid.parse(source);
    roots = liquid.globalVariablesSync(parsed);
  } catch (error) {
    return [{ message: `template error: ${(error as Error).message.split('\n')[0]}` }];
  }
  const allowed: readonly string[] = templateRoots;
  return [...new Set(roots.map((root) => root.split(/[.[]/)[0] ?? root))]
    .filter((root) => !allowed.includes(root))
    .map((root) => ({
      message: `unknown variable "${root}"; templates can use ${templateRoots.map((r) => `{{ ${r}.… }}`).join(', ')}`,
    }));
};

/** The variables a template sees for a run scope. */
export const templateVariables = (scope: RunScope): Record<string, JsonValue> => ({
  customer: {
    id: scope.customer.id,
    traits: scope.customer.traits,
    stage: scope.customer.stage,
    cluster: scope.customer.cluster,
    tags: scope.customer.tags,
    timezone: scope.customer.timezone,
  },
  event: scope.event ? { name: scope.event.name, properties: scope.event.properties, at: scope.event.at } : null,
  trigger: scope.trigger ? { name: scope.trigger.name, properties: scope.trigger.properties, at: scope.trigger.at } : null,
  journey: scope.journey,
  run: { id: scope.run.id, now: scope.now },
});

export class TemplateRenderError extends Error {
  override name = 'TemplateRenderError';
}

/**
 * Renders a template that passed `templateProblems`. A failure at render time (a limit exceeded)
 * throws `TemplateRenderError`; the stepper records the effect as failed with that message
 * instead of sending a broken message.
 */
const parsed = new Map<string, ReturnType<Liquid['parse']>>();
/** Parsed templates, most recently used last (liquidjs caches only file templates). */
const parseCached = (source: string): ReturnType<Liquid['parse']> => {
  const hit = parsed.get(source);
  if (hit) {
    parsed.delete(source);
    parsed.set(source, hit);
    return hit;
  }
  const template = liquid.parse(source);
  parsed.set(source, template);
  if (parsed.size > 2_000) parsed.delete(parsed.keys().next().value as string);
  return template;
};

export const renderTemplate = (source: string, scope: RunScope): string => {
  try {
    return liquid.renderSync(parseCached(source), templateVariables(scope)) as string;
  } catch (error) {
    throw new TemplateRenderError(`template could not be rendered: ${(error as Error).message.split('\n')[0]}`);
  }
};
