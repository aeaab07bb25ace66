import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openApiDocument, responseSchemas, errorSchema, type HttpMethod, type JsonSchema, type OpenApiDocument, type OpenApiOperation } from '../server/openapi.js';
import { settleBackground } from '../server/runtime/background.js';
import { dispatchBatch } from '../server/runtime/dispatcher.js';
import type { JourneyGraphInput } from '../workflows/index.js';
import { startHarness, type Harness } from './support/harness.js';

const methods: readonly HttpMethod[] = ['get', 'post', 'put', 'patch', 'delete'];
const operationsOf = (document: OpenApiDocument) =>
  Object.entries(document.paths).flatMap(([path, item]) => methods.flatMap((method) => (item[method] ? [{ path, method, operation: item[method] as OpenApiOperation }] : [])));

/** Follows a `#/components/…` reference inside the document. */
const resolve = (document: OpenApiDocument, ref: string): unknown =>
  ref
    .replace(/^#\//, '')
    .split('/')
    .reduce<unknown>((node, key) => (typeof node === 'object' && node !== null ? (node as Record<string, unknown>)[key] : undefined), document);

const refsIn = (value: unknown): string[] => {
  if (Array.isArray(value)) return value.flatMap(refsIn);
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([key, v]) => (key === '$ref' && typeof v === 'string' ? [v] : refsIn(v)));
};

const bodySchema = (document: OpenApiDocument, path: string, method: HttpMethod): JsonSchema => {
  const schema = document.paths[path]?.[method]?.requestBody?.content['application/json']?.schema;
  expect(schema, `${method} ${path} has a JSON request body`).toBeDefined();
  const ref = (schema as { $ref: string }).$ref;
  return resolve(document, ref) as JsonSchema;
};

/** Manual enrolment → task for a team → email → exit: touches runs, effects, tasks and the mailbox. */
const followUp: JourneyGraphInput = {
  id: 'complaint-follow-up',
  name: 'Complaint follow-up',
  nodes: [
    { id: 'start', kind: 'trigger_manual', params: {} },
    { id: 'call', kind: 'create_task', params: { assignee: { type: 'team', id: 'service' }, title: 'Call {{ customer.id }}', due: { amount: 30, unit: 'minutes' }, script: ['Apologise', 'Explain'] } },
    { id: 'sorry', kind: 'send_email', params: { subject: 'Sorry', body: 'We are on it.' } },
    { id: 'done', kind: 'exit', params: {} },
  ],
  edges: [
    { id: 'e1', source: 'start', outcome: 'next', target: 'call' },
    { id: 'e2', source: 'call', outcome: 'next', target: 'sorry' },
    { id: 'e3', source: 'sorry', outcome: 'next', target: 'done' },
  ],
};

describe('OpenAPI document and reference', () => {
  let h: Harness;
  const document = openApiDocument();
  beforeAll(async () => {
    h = await startHarness();
  }, 60_000);
  afterAll(async () => h.close());

  it('is an OpenAPI 3.1 document in shape, and every reference in it resolves', () => {
    expect(document.openapi).toBe('3.1.0');
    expect(document.info).toMatchObject({ title: expect.any(String), version: expect.any(String) });
    expect(Object.keys(document.paths).length).toBeGreaterThan(20);
    expect(document.components.schemas['Error']).toMatchObject({ type: 'object', required: ['error'] });
    expect(Object.keys(document.components.securitySchemes).sort()).toEqual(['adminKey', 'readKey', 'writeKey']);
    for (const ref of new Set(refsIn(document))) expect(resolve(document, ref), ref).toBeDefined();
    expect(Object.keys(document.components.schemas).filter((name) => !/^[A-Z][A-Za-z]+$/.test(name))).toEqual([]);
    expect(openApiDocument()).toBe(document);
  });

  it('documents every route the app serves, and no route it does not serve', () => {
    const served = new Set(
      h.app.routes
        .filter((route) => route.method !== 'ALL' && route.path !== '*')
        // Hono `:id` is OpenAPI `{id}`; a catch-all page route (`/*`) is documented as its root (`/`).
        .map((route) => `${route.method.toLowerCase()} ${route.path.replace(/:(\w+)/g, '{$1}').replace(/(.)\/\*$/, '$1').replace(/^\/\*$/, '/')}`),
    );
    const documented = new Set(operationsOf(document).map(({ method, path }) => `${method} ${path}`));
    expect(served.size).toBeGreaterThan(20);
    for (const route of served) expect(documented, `${route} is served but not described in server/openapi/operations.ts`).toContain(route);
    for (const operation of documented) expect(served, `${operation} is described but not served`).toContain(operation);
  });

  it('gives every operation a summary, description, security, path parameters and responses', () => {
    const ids = new Set<string>();
    for (const { path, method, operation } of operationsOf(document)) {
      const where = `${method} ${path}`;
      expect(operation.summary, where).toMatch(/\S/);
      expect(operation.description, where).toMatch(/\S/);
      expect(Array.isArray(operation.security), where).toBe(true);
      expect(Object.keys(operation.responses).some((status) => status.startsWith('2')), where).toBe(true);
      expect(ids.has(operation.operationId), `duplicate operationId ${operation.operationId}`).toBe(false);
      ids.add(operation.operationId);
      const inPath = [...path.matchAll(/\{(\w+)\}/g)].map((match) => match[1]);
      expect(operation.parameters.filter((p) => p.in === 'path').map((p) => p.name), where).toEqual(inPath);
      if (operation.security.length > 0) expect(Object.keys(operation.responses), where).toEqual(expect.arrayContaining(['401', '403']));
    }
    expect(document.paths['/v1/track']?.post?.security).toEqual([{ writeKey: [] }]);
    expect(document.paths['/v1/runs']?.get?.security).toEqual([{ readKey: [] }, { adminKey: [] }]);
    expect(document.paths['/v1/journeys/{id}/publish']?.post?.security).toEqual([{ adminKey: [] }]);
    expect(document.paths['/v1/journeys/{id}/publish']?.post?.responses['422']).toEqual({ $ref: '#/components/responses/Unprocessable' });
    expect(document.paths['/v1/batch']?.post?.responses['413']).toEqual({ $ref: '#/components/responses/PayloadTooLarge' });
    expect(document.paths['/v1/runs']?.get?.parameters.find((p) => p.name === 'limit')).toMatchObject({ in: 'query', required: false, schema: { type: 'integer', minimum: 1, maximum: 200, default: 50 } });
  });

  it('generates request bodies from the schemas the routes validate with', () => {
    const track = bodySchema(document, '/v1/track', 'post');
    expect(track['required']).toEqual(['event']);
    expect(Object.keys(track['properties'] as object)).toEqual(expect.arrayContaining(['userId', 'anonymousId', 'event', 'properties', 'context', 'timestamp', 'messageId']));
    expect(bodySchema(document, '/v1/batch', 'post')).toMatchObject({ required: ['batch'], properties: { batch: { maxItems: 2500, items: { $ref: '#/components/schemas/SegmentCall' } } } });
    expect(document.components.schemas['TrackCall']?.['required']).toEqual(['type', 'event']);
    const publish = bodySchema(document, '/v1/journeys/{id}/publish', 'post');
    expect(publish['required']).toEqual(['note']);
    expect(Object.keys(publish['properties'] as object)).toEqual(['note', 'migration']);
    expect(bodySchema(document, '/v1/journeys', 'post')['required']).toEqual(['name', 'nodes', 'edges']);
    expect(bodySchema(document, '/v1/journeys/{id}/enrol', 'post')['required']).toEqual(['customerId']);
    expect(bodySchema(document, '/v1/customers/{id}/stage', 'post')['required']).toEqual(['stage']);
  });

  it('serves the document at GET /openapi.json without a key', async () => {
    const response = await h.request('/openapi.json');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('application/json');
    expect(await response.json()).toEqual(JSON.parse(JSON.stringify(document)));
  });

  it('renders GET /reference as a self-contained HTML page with every path', async () => {
    const response = await h.request('/reference');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/html');
    expect(response.headers.get('content-security-policy')).toContain("default-src 'none'");
    const html = await response.text();
    for (const { path, operation } of operationsOf(document)) {
      expect(html).toContain(`<code class="path">${path}</code>`);
      expect(html).toContain(`id="${operation.operationId}"`);
    }
    expect(html).not.toMatch(/<script|<link|<img|src=|https?:\/\//i);
    expect(html).toContain('&quot;note&quot;');
    expect(html).toContain('id="schema-PublishRequest"');
  });

  it('describes the responses the routes really send', async () => {
    /** Checks status and body against the operation's documented 2xx response. */
    const documented = async (method: HttpMethod, path: string, response: Response) => {
      const responses = document.paths[path]?.[method]?.responses ?? {};
      const [status, ok] = Object.entries(responses).find(([code]) => code.startsWith('2')) ?? [];
      const body: unknown = await response.json();
      expect(String(response.status), `${method} ${path}: ${JSON.stringify(body)}`).toBe(status);
      const ref = (ok as { content?: Record<string, { schema: { $ref?: string } }> })?.content?.['application/json']?.schema.$ref ?? '';
      const name = ref.slice(ref.lastIndexOf('/') + 1) as keyof typeof responseSchemas;
      const parsed = responseSchemas[name].safeParse(body);
      expect(parsed.error?.issues ?? [], `${method} ${path} does not match ${name}`).toEqual([]);
      return body as Record<string, unknown>;
    };
    const post = (path: string, json?: unknown) => h.admin(path, { method: 'POST', ...(json === undefined ? {} : { json }) });
    const journeyPath = `/v1/journeys/${followUp.id}`;

    await documented('get', '/healthz', await h.request('/healthz'));
    await documented('post', '/v1/identify', await h.ingest('/v1/identify', { userId: 'ada', traits: { email: 'ada@example.com' } }));
    await documented('post', '/v1/journeys', await post('/v1/journeys', followUp));
    await documented('post', '/v1/journeys/{id}/validate', await post(`${journeyPath}/validate`));
    await documented('post', '/v1/journeys/{id}/publish', await post(`${journeyPath}/publish`, { note: 'first' }));
    await documented('post', '/v1/journeys/{id}/enrol', await post(`${journeyPath}/enrol`, { customerId: 'ada' }));
    await documented('post', '/v1/customers/{id}/stage', await post('/v1/customers/ada/stage', { stage: 'retain_develop' }));
    await h.drain();
    await dispatchBatch(h.services);

    await documented('get', '/v1/journeys', await h.admin('/v1/journeys'));
    await documented('get', '/v1/journeys/{id}', await h.admin(journeyPath));
    const stats = await documented('get', '/v1/journeys/{id}/stats', await h.admin(`${journeyPath}/stats`));
    expect(stats['nodes']).toMatchObject({ call: { entered: 1 } });
    await documented('get', '/v1/journeys/{id}/versions', await h.admin(`${journeyPath}/versions`));
    await documented('get', '/v1/journeys/{id}/versions/{version}', await h.admin(`${journeyPath}/versions/1`));
    const exported = await documented('get', '/v1/journeys/{id}/export', await h.admin(`${journeyPath}/export`));
    await documented('post', '/v1/journeys/import', await post('/v1/journeys/import?replace=true', exported));
    const runs = await documented('get', '/v1/runs', await h.admin('/v1/runs?customerId=ada'));
    const [run] = runs['runs'] as { id: string }[];
    const detail = await documented('get', '/v1/runs/{id}', await h.admin(`/v1/runs/${run?.id}`));
    expect((detail['effects'] as unknown[]).length).toBe(2);
    await documented('post', '/v1/runs/{id}/replay', await post(`/v1/runs/${run?.id}/replay`));
    expect(await documented('post', '/v1/journeys/{id}/replay', await post(`${journeyPath}/replay?version=1`))).toMatchObject({ runs: 1 });
    await documented('get', '/v1/customers/{id}', await h.admin('/v1/customers/ada'));
    const mailbox = await documented('get', '/v1/mailbox', await h.admin('/v1/mailbox'));
    expect(mailbox['messages']).toHaveLength(1);
    const tasks = await documented('get', '/v1/tasks', await h.admin('/v1/tasks?done=false'));
    const [task] = tasks['tasks'] as { id: string }[];
    await documented('post', '/v1/tasks/{id}/done', await post(`/v1/tasks/${task?.id}/done`));
    await documented('post', '/v1/journeys/{id}/pause', await post(`${journeyPath}/pause`));
    await documented('post', '/v1/journeys/{id}/resume', await post(`${journeyPath}/resume`));
    await documented('post', '/v1/journeys/{id}/archive', await post(`${journeyPath}/archive`));

    const definition = { rule: { kind: 'event_history', event: 'Order Completed', atMost: 0, withinDays: 30 } };
    await documented('post', '/v1/segments/preview', await post('/v1/segments/preview', { definition }));
    await documented('post', '/v1/segments', await post('/v1/segments', { id: 'quiet', name: 'Quiet', definition }));
    await settleBackground(h.services);
    const listed = await documented('get', '/v1/segments', await h.admin('/v1/segments'));
    expect(listed['segments']).toEqual([expect.objectContaining({ id: 'quiet', members: 1, upToDate: true })]);
    await documented('get', '/v1/segments/{id}', await h.admin('/v1/segments/quiet'));
    await documented('patch', '/v1/segments/{id}', await h.admin('/v1/segments/quiet', { method: 'PATCH', json: { description: 'no orders for a month' } }));
    const members = await documented('get', '/v1/segments/{id}/members', await h.admin('/v1/segments/quiet/members'));
    expect(members['members']).toEqual([expect.objectContaining({ customerId: 'ada' })]);
    await documented('get', '/v1/segments/{id}/counts', await h.admin('/v1/segments/quiet/counts'));
    await documented('delete', '/v1/segments/{id}', await h.admin('/v1/segments/quiet', { method: 'DELETE' }));

    const conflict = await post(`${journeyPath}/pause`);
    expect(conflict.status).toBe(409);
    expect(errorSchema.safeParse(await conflict.json()).success).toBe(true);
  });
});
