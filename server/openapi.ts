import { z } from 'zod';
import packageJson from '../package.json' with { type: 'json' };
import { jsonValueSchema, ruleGroupSchema, ruleSchema } from '../workflows/index.js';
import { stageRequestSchema } from './runtime/customers.js';
import { consentRequestSchema } from './runtime/consent.js';
import { contactStrategyRequestSchema } from './routes/contact-strategy.js';
import { maxBatchCalls, segmentBatchSchema, segmentCallSchema, segmentCalls } from './runtime/ingest.js';
import { enrolRequestSchema, exportFormat, journeyDocumentSchema, journeyDraftSchema, publishRequestSchema } from './runtime/journeys.js';
import { createKeySchema } from './runtime/api-keys.js';
import { createSourceSchema, previewSchema, rotateSourceSchema, updateSourceSchema } from './runtime/webhooks/sources.js';
import { createEndpointSchema, rotateEndpointSchema, updateEndpointSchema } from './runtime/webhook-endpoints.js';
import { secretIndexSchema } from './runtime/secret-list.js';
import { stageModelRequestSchema } from './runtime/stages.js';
import { clusterSettingsRequestSchema } from './runtime/clusters.js';
import { clusterDefinitionSchema, measureSchema } from '../workflows/clusters.js';
import { eventHistoryConditionSchema, segmentRuleGroupSchema, segmentRuleSchema } from '../workflows/rule.js';
import { segmentDefinitionSchema, segmentRequestSchema, segmentUpdateSchema } from '../workflows/segments.js';
import { segmentPreviewRequestSchema } from './runtime/segment-reports.js';

import { callNames, errorSchema, responseParts, responseSchemas, versionParam, type CallName } from './openapi/responses.js';
import { errorResponses, idMeaning, operations, queryHelp, tags, type Auth, type OperationSpec } from './openapi/operations.js';

export { errorSchema, responseSchemas, type ResponseSchemaName } from './openapi/responses.js';

/**
 * The OpenAPI 3.1 document of every route the app serves. Request bodies and query parameters are
 * generated with `z.toJSONSchema` from the zod schemas the routes validate with; response schemas
 * below describe what the handlers return (they are not validated at run time, so
 * test/openapi.test.ts checks them against real responses). `test/openapi.test.ts` also fails when a
 * route is registered without an operation here.
 */

export type JsonSchema = { [key: string]: unknown };
export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';
export interface OpenApiParameter { name: string; in: 'path' | 'query'; required: boolean; description: string; schema: JsonSchema }
export interface OpenApiMedia { schema: JsonSchema }
export interface OpenApiResponse { description: string; content?: Record<string, OpenApiMedia> }
export type Ref = { $ref: string };
export interface OpenApiOperation {
  operationId: string;
  tags: string[];
  summary: string;
  description: string;
  security: Record<string, string[]>[];
  parameters: OpenApiParameter[];
  requestBody?: { required: boolean; description: string; content: Record<string, OpenApiMedia> };
  responses: Record<string, OpenApiResponse | Ref>;
}
export interface SecurityScheme { type: 'http'; scheme: 'basic' | 'bearer'; description: string }
export interface OpenApiDocument {
  openapi: '3.1.0';
  info: { title: string; version: string; description: string };
  tags: { name: string; description: string }[];
  paths: Record<string, Partial<Record<HttpMethod, OpenApiOperation>>>;
  components: { schemas: Record<string, JsonSchema>; responses: Record<string, OpenApiResponse>; securitySchemes: Record<string, SecurityScheme> };
}


// ── Components ───────────────────────────────────────────────────────────────────────────────
/** Named so recursive schemas get stable component names instead of zod's generated ones. */
const sharedComponents = { JsonValue: jsonValueSchema, Rule: ruleSchema, RuleGroup: ruleGroupSchema };
/** Each option of the call union, as `IdentifyCall`, `TrackCall`, … (the batch items). */
const callComponents = Object.fromEntries(segmentCallSchema.options.map((option) => [`${callNames[option.shape.type.value]}Call`, option])) as Record<`${CallName}Call`, z.ZodType>;
const requestComponents = {
  ...sharedComponents,
  ...callComponents,
  SegmentCall: segmentCallSchema,
  SegmentBatch: segmentBatchSchema,
  JourneyDraft: journeyDraftSchema,
  JourneyDocument: journeyDocumentSchema,
  PublishRequest: publishRequestSchema,
  CreateSourceRequest: createSourceSchema,
  UpdateSourceRequest: updateSourceSchema,
  RotateSourceRequest: rotateSourceSchema,
  PreviewRequest: previewSchema,
  CreateKeyRequest: createKeySchema,
  CreateEndpointRequest: createEndpointSchema,
  UpdateEndpointRequest: updateEndpointSchema,
  RotateEndpointRequest: rotateEndpointSchema,
  /** server/routes/hooks.ts reads raw bytes (the signature is over them); the route has no zod body schema. */
  HookPayload: z.unknown(),
  EnrolRequest: enrolRequestSchema,
  StageRequest: stageRequestSchema,
  ConsentRequest: consentRequestSchema,
  ContactStrategyRequest: contactStrategyRequestSchema,
  StageModelRequest: stageModelRequestSchema,
  Measure: measureSchema,
  ClusterDefinition: clusterDefinitionSchema,
  ClusterSettingsRequest: clusterSettingsRequestSchema,
  SegmentRule: segmentRuleSchema,
  SegmentRuleGroup: segmentRuleGroupSchema,
  EventHistoryCondition: eventHistoryConditionSchema,
  SegmentDefinition: segmentDefinitionSchema,
  SegmentRequest: segmentRequestSchema,
  SegmentUpdate: segmentUpdateSchema,
  SegmentPreviewRequest: segmentPreviewRequestSchema,
} satisfies Record<string, z.ZodType>;
export type RequestSchemaName = keyof typeof requestComponents | `${CallName}Request`;

const safeInt = Number.MAX_SAFE_INTEGER;
/** Drops generator noise: `$schema`/`$id`, safe-integer bounds and (for responses, which may gain fields) `additionalProperties: false`. */
const tidy = (value: unknown, io: 'input' | 'output'): unknown => {
  if (Array.isArray(value)) return value.map((item) => tidy(item, io));
  if (typeof value !== 'object' || value === null) return value;
  const entries = Object.entries(value).filter(
    ([key, v]) => key !== '$schema' && key !== '$id' && !(key === 'minimum' && v === -safeInt) && !(key === 'maximum' && v === safeInt) && !(io === 'output' && key === 'additionalProperties' && v === false),
  );
  return Object.fromEntries(entries.map(([key, v]) => [key, tidy(v, io)]));
};
const asSchema = (value: unknown): JsonSchema => (typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as JsonSchema) : {});
export const schemaRef = (name: string): Ref => ({ $ref: `#/components/schemas/${name}` });

const generate = (components: Record<string, z.ZodType>, io: 'input' | 'output'): Record<string, JsonSchema> => {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of Object.entries(components)) registry.add(schema, { id });
  const { schemas } = z.toJSONSchema(registry, { io, uri: (id) => schemaRef(id).$ref });
  if ('__shared' in schemas) {
    throw new Error(`a recursive schema has no component name (zod put it under __shared: ${JSON.stringify(Object.keys(asSchema(asSchema(schemas['__shared'])['$defs'])))}); add it to sharedComponents in server/openapi.ts`);
  }
  return Object.fromEntries(Object.entries(schemas).map(([id, schema]) => [id, asSchema(tidy(schema, io))]));
};

const componentSchemas = (): Record<string, JsonSchema> => {
  const requests = generate(requestComponents, 'input');
  const responses = generate({ ...sharedComponents, ...responseParts, ...responseSchemas, Error: errorSchema }, 'output');
  for (const name of Object.keys(requests).filter((name) => name in responses)) {
    if (JSON.stringify(requests[name]) !== JSON.stringify(responses[name])) throw new Error(`component ${name} differs between requests (input) and responses (output); give the two forms different names in server/openapi.ts`);
  }
  const identified = 'userId or anonymousId is required (who did this?); ids may be strings or numbers.';
  for (const type of segmentCalls) {
    const name = callNames[type];
    const call = requests[`${name}Call`];
    if (!call) throw new Error(`segment call "${type}" has no component; is it an option of segmentCallSchema?`);
    requests[`${name}Call`] = { ...call, description: `A ${type} call in a batch. ${identified}` };
    // The single-call endpoints take `type` from the path (parseSegmentRequest), so the body may leave it out.
    const required = Array.isArray(call['required']) ? call['required'].filter((field) => field !== 'type') : [];
    requests[`${name}Request`] = { ...call, required, description: `The body of POST /v1/${type}. ${identified} \`type\` may be left out: it is taken from the path.` };
  }
  requests['SegmentBatch'] = { ...requests['SegmentBatch'], description: `Up to ${maxBatchCalls} calls, committed all or nothing; \`context\` is merged under each call's own context.` };
  requests['HookPayload'] = { description: "Any payload the provider sends (JSON for the mapping's paths), at most RAPPORT_MAX_BODY_BYTES; the signature headers of the source's scheme are required." };
  requests['JourneyDocument'] = { ...requests['JourneyDocument'], description: `An exported journey (format "${exportFormat}").` };
  return { ...requests, ...responses };
};

const security: Record<Auth, Record<string, string[]>[]> = { write: [{ writeKey: [] }], read: [{ readKey: [] }, { adminKey: [] }], admin: [{ adminKey: [] }], none: [] };

const parametersOf = (spec: OperationSpec): OpenApiParameter[] => {
  const path = [...spec.path.matchAll(/\{(\w+)\}/g)].map(([, name = '']): OpenApiParameter => {
    if (name === 'index') return { name, in: 'path', required: true, description: `the secret index as GET ${spec.path.replace(/\/secrets\/\{index\}$/, '')} lists it (0 is the newest)`, schema: asSchema(tidy(z.toJSONSchema(secretIndexSchema, { io: 'input' }), 'input')) };
    if (name === 'version') return { name, in: 'path', required: true, description: 'the version number (1, 2, 3, …)', schema: asSchema(tidy(z.toJSONSchema(versionParam, { io: 'input' }), 'input')) };
    if (name === 'token') return { name, in: 'path', required: true, description: 'the token of the unsubscribe link, as sent in List-Unsubscribe', schema: { type: 'string' } };
    if (name === 'customerId') return { name, in: 'path', required: true, description: idMeaning.Customers, schema: { type: 'string' } };
    return { name, in: 'path', required: true, description: name === 'sourceId' ? idMeaning.Webhooks : idMeaning[spec.tag], schema: { type: 'string' } };
  });
  if (!spec.query) return path;
  const query = asSchema(tidy(z.toJSONSchema(spec.query, { io: 'input' }), 'input'));
  const required = new Set(Array.isArray(query['required']) ? query['required'] : []);
  const queryParameters = Object.entries(asSchema(query['properties'])).map(([name, schema]): OpenApiParameter => ({ name, in: 'query', required: required.has(name), description: spec.queryHelp?.[name] ?? queryHelp[name] ?? '', schema: asSchema(schema) }));
  return [...path, ...queryParameters];
};

const operationOf = (spec: OperationSpec): OpenApiOperation => {
  const content = spec.ok.schema ? { 'application/json': { schema: schemaRef(spec.ok.schema) } } : spec.ok.media ? { [spec.ok.media.type]: { schema: spec.ok.media.schema } } : undefined;
  const success = [spec.ok, ...(spec.alsoOk ? [spec.alsoOk] : [])].map(({ status, description }): [string, OpenApiResponse] => [String(status), { description, ...(content ? { content } : {}) }]);
  const statuses = [...new Set([...(spec.errors ?? []), ...(spec.auth === 'none' ? [] : ([401, 403, 429, 500] as const))])].sort((a, b) => a - b);
  const bodySchemas = spec.body ? (Array.isArray(spec.body.schema) ? spec.body.schema : [spec.body.schema]) : [];
  return {
    operationId: spec.method + spec.path.replace(/[{}]/g, '').split(/[/_-]/).filter(Boolean).map((part) => part.charAt(0).toUpperCase() + part.slice(1)).join(''),
    tags: [spec.tag],
    summary: spec.summary,
    description: spec.description,
    security: security[spec.auth],
    parameters: parametersOf(spec),
    ...(spec.body
      ? { requestBody: { required: spec.body.required ?? true, description: spec.body.description, content: { 'application/json': { schema: bodySchemas.length === 1 ? schemaRef(bodySchemas[0] ?? '') : { oneOf: bodySchemas.map(schemaRef) } } } } }
      : {}),
    responses: { ...Object.fromEntries(success), ...Object.fromEntries(statuses.map((status) => [String(status), { $ref: `#/components/responses/${errorResponses[status][0]}` }])) },
  };
};

const buildDocument = (): OpenApiDocument => {
  const paths: OpenApiDocument['paths'] = {};
  for (const spec of operations) {
    const item = (paths[spec.path] ??= {});
    if (item[spec.method]) throw new Error(`${spec.method.toUpperCase()} ${spec.path} is described twice in server/openapi/operations.ts`);
    item[spec.method] = operationOf(spec);
  }
  const errorContent = { 'application/json': { schema: schemaRef('Error') } };
  return {
    openapi: '3.1.0',
    info: {
      title: 'Rapport API',
      version: packageJson.version,
      description:
        'Rapport is a customer-journey engine for CRM teams: events arrive through a Segment-compatible ingest API, journeys are managed, published and inspected through the management API. ' +
        'Every error has one shape, { "error": { "code", "message", "details"? } }; times are epoch milliseconds.',
    },
    tags: Object.entries(tags).map(([name, description]) => ({ name, description })),
    paths,
    components: {
      schemas: componentSchemas(),
      responses: Object.fromEntries(Object.values(errorResponses).map(([name, description]) => [name, { description, content: errorContent }])),
      securitySchemes: {
        writeKey: { type: 'http', scheme: 'basic', description: 'The write key as the HTTP Basic user name with an empty password, as Segment libraries send it. Admin keys work too.' },
        readKey: { type: 'http', scheme: 'bearer', description: '`Authorization: Bearer <read key>`: may call every GET of the management API.' },
        adminKey: { type: 'http', scheme: 'bearer', description: '`Authorization: Bearer <admin key>`: may do everything.' },
      },
    },
  };
};

let document: OpenApiDocument | undefined;
/** The document, built on first use (it does not change while the process runs). */
export const openApiDocument = (): OpenApiDocument => (document ??= buildDocument());
