import { randomBytes } from 'node:crypto';
import { and, asc, eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Executor } from '../../drizzle/db.js';
import { webhookEndpoints } from '../../drizzle/schema.js';
import { ApiError, badRequest, notFound } from '../errors.js';
import type { Services } from '../services.js';
import { recordAudit, type ActorKeyId } from './audit.js';
import { openSecrets, rotatedSecrets, rotateSecretSchema, sealSecret, secretContext, secretDates, secretInput, withoutSecret, type RotateSecret } from './secret-list.js';
import { generateSecret, secretProblem } from './webhooks/signatures.js';

/**
 * Outbound webhook endpoints: a receiver registered with a URL gets its own Standard Webhooks secret
 * (shown once; stored sealed), so one receiver's secret cannot forge calls to another. A request is
 * signed with the secrets of the endpoint whose URL is the longest prefix of the request URL — same
 * scheme, host and port, path equal or continuing after a "/" — and, while a rotation's grace period
 * runs, with every live secret of it (space-separated `v1,` signatures: the receiver verifies with
 * the old or the new one). A URL of no endpoint is signed with the workspace's default secret.
 */
export const createEndpointSchema = z
  .object({
    name: z.string().trim().min(1).max(200).describe('what receives the calls, e.g. "CRM sync"'),
    url: z.string().max(2000).describe('http(s) URL without query or fragment; requests to it or below its path are signed with this endpoint\'s secret'),
    secret: secretInput.optional().describe('a Standard Webhooks secret ("whsec_" + base64) the receiver already has; generated when left out'),
  })
  .strict();
export type CreateEndpoint = z.infer<typeof createEndpointSchema>;

export const updateEndpointSchema = z
  .object({ name: z.string().trim().min(1).max(200).optional(), url: z.string().max(2000).optional() })
  .strict()
  .refine((u) => u.name !== undefined || u.url !== undefined, { message: 'send at least one of name, url' });
export type UpdateEndpoint = z.infer<typeof updateEndpointSchema>;

export const rotateEndpointSchema = rotateSecretSchema.describe("the endpoint's new secret (generated when left out) and how long the older ones keep signing alongside it");

type EndpointRow = typeof webhookEndpoints.$inferSelect;

/** An endpoint as the API shows it: secrets by index and dates, never their value. */
export const endpointView = (row: EndpointRow, now: number) => ({
  id: row.id,
  name: row.name,
  url: row.url,
  secrets: secretDates(row.secrets, now),
  createdAt: row.createdAt,
  updatedAt: row.updatedAt,
});
export type EndpointView = ReturnType<typeof endpointView>;

/** The URL an endpoint is registered under (WHATWG-normalised origin and path), or the reason it cannot be one. */
export const endpointUrl = (text: string): { ok: true; url: string } | { ok: false; reason: string } => {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { ok: false, reason: `"${text.slice(0, 200)}" is not a URL; give the receiver's address, e.g. https://crm.example.com/hooks/rapport` };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return { ok: false, reason: `only http:// and https:// endpoints can be called, not ${url.protocol}` };
  if (url.username || url.password) return { ok: false, reason: 'an endpoint URL carries no credentials (user:password@); the signature authenticates the calls' };
  if (url.search || url.hash || text.includes('?') || text.includes('#')) return { ok: false, reason: 'an endpoint URL has no query or fragment: it is the prefix of the URLs journeys call' };
  return { ok: true, url: `${url.origin}${url.pathname}` };
};

/** Whether a request to `target` is for the endpoint registered under `prefix` (see endpointUrl). */
export const coversUrl = (prefix: string, target: URL): boolean => {
  const registered = new URL(prefix);
  if (registered.origin !== target.origin) return false;
  const path = registered.pathname;
  return target.pathname === path || target.pathname.startsWith(path.endsWith('/') ? path : `${path}/`);
};

/** The endpoint for a request: the one with the longest covering URL. */
export const endpointFor = <T extends { url: string }>(endpoints: readonly T[], target: URL): T | null =>
  endpoints.filter((e) => coversUrl(e.url, target)).reduce<T | null>((best, e) => (best === null || e.url.length > best.url.length ? e : best), null);

/** The secrets (opened) to sign a request to `target` with, newest first; null when no endpoint covers it. */
export const endpointSecretsFor = async (services: Services, workspaceId: string, target: URL): Promise<{ endpointId: string; secrets: string[] } | null> => {
  const rows = await services.db.select().from(webhookEndpoints).where(eq(webhookEndpoints.workspaceId, workspaceId));
  const endpoint = endpointFor(rows, target);
  if (!endpoint) return null;
  return { endpointId: endpoint.id, secrets: openSecrets(services.secrets, secretContext.endpoint(endpoint.id), endpoint.secrets, services.now()).map((s) => s.secret) };
};

const checkedUrl = (text: string, path: string[]): string => {
  const result = endpointUrl(text);
  if (!result.ok) throw badRequest(`invalid url: ${result.reason}`, [{ path, message: result.reason }]);
  return result.url;
};

const checkSecret = (secret: string): void => {
  const problem = secretProblem('standard', secret);
  if (problem) throw badRequest(`invalid secret: ${problem}`, [{ path: ['secret'], message: problem }]);
};

const taken = (url: string) => new ApiError(409, 'endpoint_exists', `an endpoint for ${url} exists already; rotate its secret (POST /v1/endpoints/:id/rotate) instead of registering it twice`);

const loadEndpoint = async (db: Executor, workspaceId: string, id: string, lock = false): Promise<EndpointRow> => {
  const query = db.select().from(webhookEndpoints).where(and(eq(webhookEndpoints.workspaceId, workspaceId), eq(webhookEndpoints.id, id)));
  const [row] = lock ? await query.for('update') : await query;
  if (!row) throw notFound(`webhook endpoint "${id}"`);
  return row;
};

export const createEndpoint = async (services: Services, workspaceId: string, input: CreateEndpoint, actor: ActorKeyId) => {
  const url = checkedUrl(input.url, ['url']);
  if (input.secret !== undefined) checkSecret(input.secret);
  const secret = input.secret ?? generateSecret('standard');
  const id = `ep_${randomBytes(10).toString('hex')}`;
  const now = services.now();
  return services.db.transaction(async (tx) => {
    const [row] = await tx
      .insert(webhookEndpoints)
      .values({ id, workspaceId, name: input.name, url, secrets: [sealSecret(services.secrets, secretContext.endpoint(id), secret, now)], createdAt: now, updatedAt: now })
      .onConflictDoNothing()
      .returning();
    if (!row) throw taken(url);
    await recordAudit(tx, { workspaceId, actorKeyId: actor, action: 'endpoint.create', targetType: 'endpoint', targetId: id, details: { name: input.name, url }, at: now });
    return { ...endpointView(row, now), secret };
  });
};

export const listEndpoints = async (services: Services, workspaceId: string) => {
  const rows = await services.db.select().from(webhookEndpoints).where(eq(webhookEndpoints.workspaceId, workspaceId)).orderBy(asc(webhookEndpoints.createdAt), asc(webhookEndpoints.id));
  const now = services.now();
  return rows.map((row) => endpointView(row, now));
};

export const getEndpoint = async (services: Services, workspaceId: string, id: string) => endpointView(await loadEndpoint(services.db, workspaceId, id), services.now());

export const updateEndpoint = async (services: Services, workspaceId: string, id: string, update: UpdateEndpoint, actor: ActorKeyId) => {
  const url = update.url === undefined ? undefined : checkedUrl(update.url, ['url']);
  const now = services.now();
  return services.db.transaction(async (tx) => {
    const row = await loadEndpoint(tx, workspaceId, id, true);
    if (url !== undefined && url !== row.url) {
      const [clash] = await tx.select({ id: webhookEndpoints.id }).from(webhookEndpoints).where(and(eq(webhookEndpoints.workspaceId, workspaceId), eq(webhookEndpoints.url, url)));
      if (clash) throw taken(url);
    }
    const [updated] = await tx
      .update(webhookEndpoints)
      .set({ ...(update.name ? { name: update.name } : {}), ...(url ? { url } : {}), updatedAt: now })
      .where(eq(webhookEndpoints.id, id))
      .returning();
    const details = { changed: Object.keys(update), ...(update.name ? { name: update.name } : {}), ...(url ? { url, previousUrl: row.url } : {}) };
    await recordAudit(tx, { workspaceId, actorKeyId: actor, action: 'endpoint.update', targetType: 'endpoint', targetId: id, details, at: now });
    return endpointView(updated as EndpointRow, now);
  });
};

/** A new secret signs from now on; the older live ones sign alongside it until the grace period ends. */
export const rotateEndpoint = async (services: Services, workspaceId: string, id: string, request: RotateSecret, actor: ActorKeyId) => {
  if (request.secret !== undefined) checkSecret(request.secret);
  const secret = request.secret ?? generateSecret('standard');
  const now = services.now();
  return services.db.transaction(async (tx) => {
    const row = await loadEndpoint(tx, workspaceId, id, true);
    const secrets = rotatedSecrets(row.secrets, sealSecret(services.secrets, secretContext.endpoint(id), secret, now), now, request.graceHours);
    const [updated] = await tx.update(webhookEndpoints).set({ secrets, updatedAt: now }).where(eq(webhookEndpoints.id, id)).returning();
    await recordAudit(tx, { workspaceId, actorKeyId: actor, action: 'endpoint.rotate', targetType: 'endpoint', targetId: id, details: { graceHours: request.graceHours, liveSecrets: secrets.length }, at: now });
    return { ...endpointView(updated as EndpointRow, now), secret };
  });
};

/** Stops an older secret signing now (index as listed; 0, the newest, stays). */
export const deleteEndpointSecret = async (services: Services, workspaceId: string, id: string, index: number, actor: ActorKeyId) => {
  const now = services.now();
  return services.db.transaction(async (tx) => {
    const row = await loadEndpoint(tx, workspaceId, id, true);
    const secrets = withoutSecret(row.secrets, index, now, { what: `webhook endpoint "${id}"`, rotatePath: `/v1/endpoints/${id}/rotate` });
    const [updated] = await tx.update(webhookEndpoints).set({ secrets, updatedAt: now }).where(eq(webhookEndpoints.id, id)).returning();
    await recordAudit(tx, { workspaceId, actorKeyId: actor, action: 'endpoint.secret_delete', targetType: 'endpoint', targetId: id, details: { index }, at: now });
    return endpointView(updated as EndpointRow, now);
  });
};

/** Removes the endpoint: its URLs are signed with the workspace's default secret again. */
export const deleteEndpoint = async (services: Services, workspaceId: string, id: string, actor: ActorKeyId) => {
  const now = services.now();
  return services.db.transaction(async (tx) => {
    const row = await loadEndpoint(tx, workspaceId, id, true);
    await tx.delete(webhookEndpoints).where(eq(webhookEndpoints.id, id));
    await recordAudit(tx, { workspaceId, actorKeyId: actor, action: 'endpoint.delete', targetType: 'endpoint', targetId: id, details: { name: row.name, url: row.url }, at: now });
    return { id, deleted: true as const };
  });
};
