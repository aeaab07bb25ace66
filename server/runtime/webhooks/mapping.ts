import { Liquid } from 'liquidjs';
import { z } from 'zod';
import type { WebhookMapping } from '../../../drizzle/schema.js';
import { templateLimits } from '../../../workflows/template.js';
import type { JsonValue } from '../../../workflows/index.js';
import type { ErrorDetail } from '../../errors.js';
import { parseJsonPath, readJsonPath } from './json-path.js';

/**
 * How a delivery becomes an event. Each field of a mapping is one of:
 * - a JSON path (starts with "$"): `$.customer.id`, `$.data["order id"]`, `$.items[0].sku`;
 * - a Liquid template (contains "{{" or "{%"): `shop:{{ payload.customer.id }}`,
 *   `{{ headers["x-github-event"] }}`; it sees `payload` (the JSON body) and `headers`
 *   (lower-case names, secrets redacted), with the same limits as message templates;
 * - for `event` only, a constant name: `Order Completed`.
 * `properties` is a JSON path to an object; left out, the whole payload (an object) is used.
 */
export type { WebhookMapping };

export const mappingLimits = { idLength: 200, nameLength: 200 } as const;
const templateRoots = ['payload', 'headers'] as const;

const liquid = new Liquid({
  strictFilters: true,
  strictVariables: false,
  ownPropertyOnly: true,
  parseLimit: templateLimits.parseLimit,
  renderLimit: templateLimits.renderLimitMs,
  memoryLimit: templateLimits.memoryLimit,
  cache: 200,
});
for (const tag of ['include', 'render', 'layout']) {
  liquid.registerTag(tag, {
    parse() {
      throw new Error(`mapping templates cannot load files ("${tag}" is not available)`);
    },
    render: () => '',
  });
}

type Expression = { kind: 'path'; source: string } | { kind: 'template'; source: string } | { kind: 'constant'; source: string };

const expressionOf = (source: string): Expression =>
  source.startsWith('$') ? { kind: 'path', source } : source.includes('{{') || source.includes('{%') ? { kind: 'template', source } : { kind: 'constant', source };

const templateProblem = (source: string): string | null => {
  if (source.length > templateLimits.maxLength) return `a template has at most ${templateLimits.maxLength} characters`;
  try {
    const roots = liquid.globalVariablesSync(liquid.parse(source)).map((root) => root.split(/[.[]/)[0] ?? root);
    const unknown = roots.find((root) => !(templateRoots as readonly string[]).includes(root));
    return unknown === undefined ? null : `unknown variable "${unknown}"; mapping templates can use {{ payload.… }} and {{ headers.… }}`;
  } catch (error) {
    return `template error: ${(error as Error).message.split('\n')[0]}`;
  }
};

/** Problems of one mapping field (empty when it is fine), with the field's path. */
const fieldProblems = (field: keyof WebhookMapping, source: string): ErrorDetail[] => {
  const expression = expressionOf(source);
  const at = (message: string): ErrorDetail[] => [{ path: ['mapping', field], message }];
  if (expression.kind === 'path') {
    const parsed = parseJsonPath(source);
    return parsed.ok ? [] : at(parsed.error);
  }
  if (field === 'properties') return at('properties is a JSON path to an object, e.g. "$.data" (leave it out for the whole payload)');
  if (expression.kind === 'template') {
    const problem = templateProblem(source);
    return problem === null ? [] : at(problem);
  }
  if (field === 'customerId') return at('customerId must come from the payload: a JSON path such as "$.customer.id" or a template such as "{{ payload.email }}"');
  return source.length > mappingLimits.nameLength ? at(`an event name has at most ${mappingLimits.nameLength} characters`) : [];
};

const field = z.string().trim().min(1, 'must not be empty').max(templateLimits.maxLength);

/** A mapping as the API takes it: shape first, then every field's expression checked. */
export const webhookMappingSchema = z
  .object({
    customerId: field.describe('JSON path or Liquid template for the customer id, e.g. "$.customer.id"'),
    event: field.describe('JSON path, Liquid template, or a constant event name, e.g. "$.type" or "Order Completed"'),
    properties: field.optional().describe('JSON path to an object for the event properties; default: the whole payload'),
  })
  .strict()
  .superRefine((mapping, ctx) => {
    for (const key of ['customerId', 'event', 'properties'] as const) {
      const source = mapping[key];
      if (source === undefined) continue;
      for (const problem of fieldProblems(key, source)) ctx.addIssue({ code: 'custom', path: [key], message: problem.message });
    }
  });

export interface MappedEvent {
  customerId: string;
  name: string;
  properties: Record<string, JsonValue>;
}
export type MappingResult = { ok: true; event: MappedEvent } | { ok: false; reason: string };

export interface MappingInput {
  payload: JsonValue;
  headers: Record<string, string>;
}

type Evaluated = { ok: true; value: unknown } | { ok: false; reason: string };

const evaluate = (source: string, input: MappingInput): Evaluated => {
  const expression = expressionOf(source);
  switch (expression.kind) {
    case 'path': {
      const parsed = parseJsonPath(source);
      return parsed.ok ? { ok: true, value: readJsonPath(input.payload, parsed.segments) } : { ok: false, reason: parsed.error };
    }
    case 'template':
      try {
        return { ok: true, value: liquid.parseAndRenderSync(source, { payload: input.payload, headers: input.headers }) };
      } catch (error) {
        return { ok: false, reason: `template could not be rendered: ${(error as Error).message.split('\n')[0]}` };
      }
    case 'constant':
      return { ok: true, value: source };
  }
};

/** A scalar as text: strings as they are, finite numbers printed; anything else is not an id or a name. */
const asText = (value: unknown): string | null =>
  typeof value === 'string' ? value : typeof value === 'number' && Number.isFinite(value) ? String(value) : null;

const describeValue = (value: unknown): string =>
  value === undefined ? 'nothing (the payload has no such field)' : value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value === 'object' ? 'an object' : `a ${typeof value}`;

/** Applies a validated mapping to a payload: the event it produces, or why it produces none. Pure. */
export const applyMapping = (mapping: WebhookMapping, input: MappingInput): MappingResult => {
  const customer = evaluate(mapping.customerId, input);
  if (!customer.ok) return { ok: false, reason: `customerId: ${customer.reason}` };
  const customerId = asText(customer.value)?.trim() ?? '';
  if (customerId === '') {
    return { ok: false, reason: `the mapping found no customer id: customerId "${mapping.customerId}" gave ${customer.value === '' ? 'an empty text' : describeValue(customer.value)}` };
  }
  if (customerId.length > mappingLimits.idLength) return { ok: false, reason: `the customer id is longer than ${mappingLimits.idLength} characters` };

  const event = evaluate(mapping.event, input);
  if (!event.ok) return { ok: false, reason: `event: ${event.reason}` };
  const name = asText(event.value)?.trim() ?? '';
  if (name === '') return { ok: false, reason: `the mapping found no event name: event "${mapping.event}" gave ${event.value === '' ? 'an empty text' : describeValue(event.value)}` };
  if (name.length > mappingLimits.nameLength) return { ok: false, reason: `the event name is longer than ${mappingLimits.nameLength} characters` };

  const source = mapping.properties ?? '$';
  const properties = evaluate(source, input);
  if (!properties.ok) return { ok: false, reason: `properties: ${properties.reason}` };
  const value = properties.value;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, reason: `properties "${source}" gave ${describeValue(value)}; it must be an object` };
  }
  return { ok: true, event: { customerId, name, properties: value as Record<string, JsonValue> } };
};
