import { Hono } from 'hono';
import { openApiDocument, type HttpMethod, type JsonSchema, type OpenApiDocument, type OpenApiOperation, type OpenApiParameter, type OpenApiResponse, type Ref } from '../openapi.js';
import type { AppEnv } from '../services.js';

/** The API reference: `GET /openapi.json` and `GET /reference`, a self-contained HTML page rendered from it. No key. */

const escapeHtml = (text: string): string =>
  text.replace(/[&<>"']/g, (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char] ?? char);

const refName = (ref: string): string => ref.slice(ref.lastIndexOf('/') + 1);
const isRef = (value: object): value is Ref => '$ref' in value && typeof value.$ref === 'string';
const schemaLink = (name: string): string => `<a href="#schema-${escapeHtml(name)}"><code>${escapeHtml(name)}</code></a>`;

/** Pretty JSON, escaped, with every component `$ref` linked to its schema below. */
const prettyJson = (value: unknown): string =>
  `<pre>${escapeHtml(JSON.stringify(value, null, 2)).replace(/&quot;#\/components\/schemas\/([A-Za-z0-9_]+)&quot;/g, (ref: string, name: string) => `<a href="#schema-${name}">${ref}</a>`)}</pre>`;

/** A one-line type for parameter tables: `integer 1–500, default 50`, `"email" | "sms"`. */
const typeSummary = (schema: JsonSchema): string => {
  const parts: string[] = [];
  if (Array.isArray(schema['enum'])) parts.push(schema['enum'].map((v) => JSON.stringify(v)).join(' | '));
  else if (typeof schema['type'] === 'string') parts.push(schema['type']);
  const min = schema['minimum'] ?? (typeof schema['exclusiveMinimum'] === 'number' ? `> ${schema['exclusiveMinimum']}` : undefined);
  if (min !== undefined || schema['maximum'] !== undefined) parts.push(`${min ?? ''}…${schema['maximum'] ?? ''}`);
  if (schema['default'] !== undefined) parts.push(`default ${JSON.stringify(schema['default'])}`);
  return parts.join(', ');
};

const authOf = (operation: OpenApiOperation, document: OpenApiDocument): string => {
  if (operation.security.length === 0) return 'none';
  const schemes = operation.security.flatMap((requirement) => Object.keys(requirement));
  // "writeKey" → "write key (HTTP Basic user name)", "adminKey" → "admin key (Bearer)".
  return schemes.map((name) => `${name.replace(/Key$/, ' key')} (${document.components.securitySchemes[name]?.scheme === 'basic' ? 'HTTP Basic user name' : 'Bearer'})`).join(' or ');
};

const parameterTable = (parameters: OpenApiParameter[]): string =>
  parameters.length === 0
    ? ''
    : `<h4>Parameters</h4><table><thead><tr><th>name</th><th>in</th><th>type</th><th>required</th><th>description</th></tr></thead><tbody>${parameters
        .map((p) => `<tr><td><code>${escapeHtml(p.name)}</code></td><td>${escapeHtml(p.in)}</td><td><code>${escapeHtml(typeSummary(p.schema))}</code></td><td>${p.required ? 'yes' : 'no'}</td><td>${escapeHtml(p.description)}</td></tr>`)
        .join('')}</tbody></table>`;

const requestBody = (operation: OpenApiOperation, document: OpenApiDocument): string => {
  const body = operation.requestBody;
  if (!body) return '';
  return Object.entries(body.content)
    .map(([type, media]) => {
      const names = isRef(media.schema) ? [refName(media.schema.$ref)] : Array.isArray(media.schema['oneOf']) ? media.schema['oneOf'].map((s: Ref) => refName(s.$ref)) : [];
      const shown = names.map((name) => `<p class="schema-name">${schemaLink(name)}</p>${prettyJson(document.components.schemas[name])}`).join('<p>or</p>');
      return `<h4>Request body <span class="muted">${escapeHtml(type)}${body.required ? '' : ', optional'}</span></h4><p>${escapeHtml(body.description)}</p>${shown}`;
    })
    .join('');
};

const responseRow = (status: string, response: OpenApiResponse | Ref, document: OpenApiDocument): string => {
  const resolved = isRef(response) ? document.components.responses[refName(response.$ref)] : response;
  const media = Object.entries(resolved?.content ?? {}).map(([type, { schema }]) => (isRef(schema) ? `${schemaLink(refName(schema.$ref))} <span class="muted">${escapeHtml(type)}</span>` : `<code>${escapeHtml(type)}</code>`));
  return `<tr><td><span class="status s${escapeHtml(status.charAt(0))}">${escapeHtml(status)}</span></td><td>${escapeHtml(resolved?.description ?? '')}</td><td>${media.join(' ')}</td></tr>`;
};

const operationSection = (path: string, method: HttpMethod, operation: OpenApiOperation, document: OpenApiDocument): string => `
<section class="operation" id="${escapeHtml(operation.operationId)}">
  <h3><span class="method ${method}">${method.toUpperCase()}</span> <code class="path">${escapeHtml(path)}</code></h3>
  <p class="summary">${escapeHtml(operation.summary)}</p>
  <p>${escapeHtml(operation.description)}</p>
  <p class="auth"><strong>Auth:</strong> ${escapeHtml(authOf(operation, document))}</p>
  ${parameterTable(operation.parameters)}
  ${requestBody(operation, document)}
  <h4>Responses</h4>
  <table><tbody>${Object.entries(operation.responses).map(([status, response]) => responseRow(status, response, document)).join('')}</tbody></table>
</section>`;

const operationsByTag = (document: OpenApiDocument) =>
  document.tags.map((tag) => ({
    tag,
    operations: Object.entries(document.paths).flatMap(([path, item]) =>
      Object.entries(item).flatMap(([method, operation]) => (operation.tags.includes(tag.name) ? [{ path, method: method as HttpMethod, operation }] : [])),
    ),
  }));

const styles = `
:root{--fg:#1d2330;--muted:#5f6b7a;--line:#e3e7ee;--bg:#fff;--soft:#f6f8fb;--accent:#3557c7}
*{box-sizing:border-box}body{margin:0;font:15px/1.55 -apple-system,BlinkMacSystemFont,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:var(--fg);background:var(--bg)}
.layout{display:grid;grid-template-columns:260px 1fr;min-height:100vh}nav{border-right:1px solid var(--line);background:var(--soft);padding:20px 16px;position:sticky;top:0;height:100vh;overflow:auto;font-size:13px}
nav h2{font-size:12px;text-transform:uppercase;letter-spacing:.06em;color:var(--muted);margin:18px 0 6px}nav a{display:block;color:var(--fg);text-decoration:none;padding:2px 0}nav a:hover{color:var(--accent)}
main{padding:32px 48px;max-width:1000px}h1{margin:0 0 4px;font-size:28px}h2.tag{margin:48px 0 4px;font-size:22px;border-bottom:1px solid var(--line);padding-bottom:6px}
.operation{border:1px solid var(--line);border-radius:8px;padding:16px 20px;margin:20px 0}.operation h3{margin:0;font-size:16px;display:flex;gap:10px;align-items:center}
.summary{font-weight:600;margin:8px 0 2px}h4{margin:16px 0 6px;font-size:13px;text-transform:uppercase;letter-spacing:.04em;color:var(--muted)}
.method{font:700 11px/1 ui-monospace,SFMono-Regular,Menlo,monospace;color:#fff;padding:5px 8px;border-radius:4px;min-width:52px;text-align:center}
.get{background:#2f855a}.post{background:#3557c7}.put{background:#b7791f}.patch{background:#805ad5}.delete{background:#c53030}
code,pre{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:13px}.path{font-size:15px}
pre{background:var(--soft);border:1px solid var(--line);border-radius:6px;padding:12px;overflow:auto;max-height:420px}
table{border-collapse:collapse;width:100%;font-size:14px}th,td{text-align:left;border-bottom:1px solid var(--line);padding:6px 8px;vertical-align:top}th{color:var(--muted);font-weight:600}
.status{font:600 12px ui-monospace,monospace;padding:2px 6px;border-radius:4px;background:var(--soft)}.s2{color:#2f855a}.s4{color:#b7791f}.s5{color:#c53030}
.muted{color:var(--muted);font-weight:400;text-transform:none;letter-spacing:0}.schema-name{margin:4px 0}a{color:var(--accent)}
@media (max-width:800px){.layout{display:block}nav{position:static;height:auto}main{padding:20px}}`;

export const renderReference = (document: OpenApiDocument): string => {
  const groups = operationsByTag(document);
  const nav = groups
    .map(({ tag, operations }) => `<h2>${escapeHtml(tag.name)}</h2>${operations.map(({ path, method, operation }) => `<a href="#${escapeHtml(operation.operationId)}">${method.toUpperCase()} ${escapeHtml(path)}</a>`).join('')}`)
    .join('');
  const schemes = Object.entries(document.components.securitySchemes).map(([name, scheme]) => `<tr><td><code>${escapeHtml(name)}</code></td><td>${escapeHtml(scheme.scheme === 'basic' ? 'HTTP Basic' : 'Bearer')}</td><td>${escapeHtml(scheme.description)}</td></tr>`);
  const body = groups
    .map(({ tag, operations }) => `<h2 class="tag" id="tag-${escapeHtml(tag.name)}">${escapeHtml(tag.name)}</h2><p>${escapeHtml(tag.description)}</p>${operations.map(({ path, method, operation }) => operationSection(path, method, operation, document)).join('')}`)
    .join('');
  const schemas = Object.entries(document.components.schemas).map(([name, schema]) => `<h3 id="schema-${escapeHtml(name)}"><code>${escapeHtml(name)}</code></h3>${prettyJson(schema)}`);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(document.info.title)} reference</title><style>${styles}</style></head>
<body><div class="layout"><nav><strong>${escapeHtml(document.info.title)}</strong> <span class="muted">${escapeHtml(document.info.version)}</span>${nav}<h2>More</h2><a href="#schemas">Schemas</a><a href="/openapi.json">openapi.json</a></nav>
<main><h1>${escapeHtml(document.info.title)}</h1><p class="muted">Version ${escapeHtml(document.info.version)} · OpenAPI ${escapeHtml(document.openapi)} · <a href="/openapi.json">/openapi.json</a></p>
<p>${escapeHtml(document.info.description)}</p>
<h2 class="tag">Authentication</h2><table><tbody>${schemes.join('')}</tbody></table>
${body}
<h2 class="tag" id="schemas">Schemas</h2>${schemas.join('')}
</main></div></body></html>`;
};

let page: string | undefined;

export const docsRoutes = new Hono<AppEnv>()
  .get('/openapi.json', (c) => c.json(openApiDocument()))
  .get('/reference', (c) => {
    page ??= renderReference(openApiDocument());
    // Self-contained: no scripts, no external assets; the policy says so to the browser too.
    return c.html(page, 200, { 'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'" });
  });
