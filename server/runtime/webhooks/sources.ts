import { randomBytes } from 'node:crypto';
import { and, asc, desc, eq, lt, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import type { Executor } from '../../../drizzle/db.js';
import { webhookDeliveries, webhookSources, type HmacSchemeSettings } from '../../../drizzle/schema.js';
import { jsonValueSchema } from '../../../workflows/index.js';
import { ApiError, badRequest, notFound } from '../../errors.js';
import type { Services } from '../../services.js';
import { recordAudit, type ActorKeyId } from '../audit.js';
import { rotatedSecrets, rotateSecretSchema, sealSecret, secretContext, secretDates, secretInput, withoutSecret, type RotateSecret } from '../secret-list.js';
import { applyMapping, webhookMappingSchema } from './mapping.js';
import { generateSecret, secretProblem, signatureSchemes } from './signatures.js';

/**
 * Inbound webhook sources: create (the secret is shown once, and stored sealed), read, update name /
 * mapping / HMAC settings, rotate the secret (older secrets stay valid for a grace period, default 24
 * hours, or until deleted; see ../secret-list.ts), disable, list deliveries, preview a mapping.
 * Every change is audited.
 */

const headerName = z.string().trim().toLowerCase().regex(/^[a-z0-9!#$%&'*+.^_`|~-]{1,100}$/, 'a header name such as "x-signature"');
export const hmacSettingsSchema = z
  .object({
    header: headerName.describe('request header carrying the signature'),
    encoding: z.enum(['hex', 'base64']).default('hex'),
    prefix: z.string().max(50).default('').describe('text before the signature, e.g. "sha256="'),
    idHeader: headerName.nullable().default(null).describe("header with the provider's delivery id; null: the body's SHA-256 is the id"),
  })
  .strict();

const sourceId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'letters, digits, "_" and "-", at most 64');

export const createSourceSchema = z
  .object({
    id: sourceId.optional().describe('the id in the hook URL; generated ("src_…") when left out'),
    name: z.string().trim().min(1).max(200),
    scheme: z.enum(signatureSchemes).default('standard'),
    hmac: hmacSettingsSchema.optional().describe('required for scheme hmac_sha256'),
    secret: secretInput.optional(),
    mapping: webhookMappingSchema,
  })
  .strict();
export type CreateSource = z.infer<typeof createSourceSchema>;

export const updateSourceSchema = z
  .object({ name: z.string().trim().min(1).max(200).optional(), mapping: webhookMappingSchema.optional(), hmac: hmacSettingsSchema.optional() })
  .strict()
  .refine((u) => u.name !== undefined || u.mapping !== undefined || u.hmac !== undefined, { message: 'send at least one of name, mapping, hmac' });
export type UpdateSource = z.infer<typeof updateSourceSchema>;

export const rotateSourceSchema = rotateSecretSchema.describe("the source's new secret (generated when left out) and how long the older ones keep verifying");
export type RotateSource = RotateSecret;

export const previewSchema = z
  .object({
    payload: jsonValueSchema.describe('a test payload as the provider would send it'),
    headers: z.record(z.string(), z.string()).default({}),
    mapping: webhookMappingSchema.optional().describe("a mapping to try instead of the source's own"),
  })
  .strict();
export type PreviewRequest = z.infer<typeof previewSchema>;

export const deliveryQuerySchema = z.object({
  verdict: z.enum(['accepted', 'rejected', 'duplicate']).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().regex(/^\d{1,15}$/, 'pass nextCursor from the previous page unchanged').optional(),
});
export type DeliveryQuery = z.infer<typeof deliveryQuerySchema>;

type SourceRow = typeof webhookSources.$inferSelect;

/** A source as the API shows it: secrets by index and dates, never their value. */
export const sourceView = (row: SourceRow, now: number) => ({
  id: row.id,
  name: row.name,
  scheme: row.scheme,
  hmac: row.hmac,
  mapping: row.mapping,
  hookPath: `/v1/hooks/${row.id}`,
  secrets: secretDates(row.secrets, now),
  createdAt: row.createdAt,
  updatedAt: row.updatedAt,
  disabledAt: row.disabledAt,
});
export type SourceView = ReturnType<typeof sourceView>;

const checkSecret = (scheme: CreateSource['scheme'], secret: string, path: string[]): void => {
  const problem = secretProblem(scheme, secret);
  if (problem) throw badRequest(`invalid secret: ${problem}`, [{ path, message: problem }]);
};

export const loadSource = async (db: Executor, workspaceId: string, id: string, lock = false): Promise<SourceRow> => {
  const query = db.select().from(webhookSources).where(and(eq(webhookSources.workspaceId, workspaceId), eq(webhookSources.id, id)));
  const [row] = lock ? await query.for('update') : await query;
  if (!row) throw notFound(`webhook source "${id}"`);
  return row;
};

export const createSource = async (services: Services, workspaceId: string, input: CreateSource, actor: ActorKeyId) => {
  if (input.scheme === 'hmac_sha256' && !input.hmac) {
    throw badRequest('scheme hmac_sha256 needs hmac settings: { "header": "x-signature", "encoding": "hex" | "base64", "prefix"?: "sha256=" }', [{ path: ['hmac'], message: 'required for hmac_sha256' }]);
  }
  if (input.scheme === 'standard' && input.hmac) throw badRequest('hmac settings are only for scheme hmac_sha256', [{ path: ['hmac'], message: 'not used by standard' }]);
  if (input.secret !== undefined) checkSecret(input.scheme, input.secret, ['secret']);
  const now = services.now();
  const secret = input.secret ?? generateSecret(input.scheme);
  const id = input.id ?? `src_${randomBytes(10).toString('hex')}`;
  const hmac: HmacSchemeSettings | null = input.hmac ?? null;
  return services.db.transaction(async (tx) => {
    const [row] = await tx
      .insert(webhookSources)
      .values({ id, workspaceId, name: input.name, scheme: input.scheme, hmac, secrets: [sealSecret(services.secrets, secretContext.source(id), secret, now)], mapping: input.mapping, createdAt: now, updatedAt: now })
      .onConflictDoNothing()
      .returning();
    if (!row) throw new ApiError(409, 'source_exists', `a webhook source with id "${id}" already exists; choose another id or leave it out`);
    await recordAudit(tx, { workspaceId, actorKeyId: actor, action: 'source.create', targetType: 'source', targetId: id, details: { name: input.name, scheme: input.scheme }, at: now });
    return { ...sourceView(row, now), secret };
  });
};

export const listSources = async (services: Services, workspaceId: string) => {
  const rows = await services.db.select().from(webhookSources).where(eq(webhookSources.workspaceId, workspaceId)).orderBy(asc(webhookSources.createdAt), asc(webhookSources.id));
  const now = services.now();
  return rows.map((row) => sourceView(row, now));
};

export const getSource = async (services: Services, workspaceId: string, id: string) => sourceView(await loadSource(services.db, workspaceId, id), services.now());

export const updateSource = async (services: Services, workspaceId: string, id: string, update: UpdateSource, actor: ActorKeyId) => {
  const now = services.now();
  return services.db.transaction(async (tx) => {
    const row = await loadSource(tx, workspaceId, id, true);
    if (update.hmac && row.scheme !== 'hmac_sha256') throw badRequest('hmac settings are only for scheme hmac_sha256', [{ path: ['hmac'], message: 'not used by standard' }]);
    const [updated] = await tx
      .update(webhookSources)
      .set({ ...(update.name ? { name: update.name } : {}), ...(update.mapping ? { mapping: update.mapping } : {}), ...(update.hmac ? { hmac: update.hmac } : {}), updatedAt: now })
      .where(eq(webhookSources.id, id))
      .returning();
    const changed = Object.keys(update).filter((key) => update[key as keyof UpdateSource] !== undefined);
    await recordAudit(tx, { workspaceId, actorKeyId: actor, action: 'source.update', targetType: 'source', targetId: id, details: { changed, ...(update.name ? { name: update.name } : {}) }, at: now });
    return sourceView(updated as SourceRow, now);
  });
};

/** A new secret becomes the first; the older live ones expire after the grace period (at most five stay). */
export const rotateSource = async (services: Services, workspaceId: string, id: string, request: RotateSource, actor: ActorKeyId) => {
  const now = services.now();
  return services.db.transaction(async (tx) => {
    const row = await loadSource(tx, workspaceId, id, true);
    if (request.secret !== undefined) checkSecret(row.scheme, request.secret, ['secret']);
    const secret = request.secret ?? generateSecret(row.scheme);
    const secrets = rotatedSecrets(row.secrets, sealSecret(services.secrets, secretContext.source(id), secret, now), now, request.graceHours);
    const [updated] = await tx.update(webhookSources).set({ secrets, updatedAt: now }).where(eq(webhookSources.id, id)).returning();
    await recordAudit(tx, { workspaceId, actorKeyId: actor, action: 'source.rotate', targetType: 'source', targetId: id, details: { graceHours: request.graceHours, liveSecrets: secrets.length }, at: now });
    return { ...sourceView(updated as SourceRow, now), secret };
  });
};

/** Ends an older secret at once (index as listed by GET: 0 is the newest, which cannot be deleted). */
export const deleteSourceSecret = async (services: Services, workspaceId: string, id: string, index: number, actor: ActorKeyId) => {
  const now = services.now();
  return services.db.transaction(async (tx) => {
    const row = await loadSource(tx, workspaceId, id, true);
    const secrets = withoutSecret(row.secrets, index, now, { what: `webhook source "${id}"`, rotatePath: `/v1/sources/${id}/rotate` });
    const [updated] = await tx.update(webhookSources).set({ secrets, updatedAt: now }).where(eq(webhookSources.id, id)).returning();
    await recordAudit(tx, { workspaceId, actorKeyId: actor, action: 'source.secret_delete', targetType: 'source', targetId: id, details: { index }, at: now });
    return sourceView(updated as SourceRow, now);
  });
};

/** Disables the source: its hook answers 410 Gone from now on (senders stop retrying). */
export const disableSource = async (services: Services, workspaceId: string, id: string, actor: ActorKeyId) => {
  const now = services.now();
  return services.db.transaction(async (tx) => {
    const row = await loadSource(tx, workspaceId, id, true);
    if (row.disabledAt !== null) return sourceView(row, now);
    const [updated] = await tx.update(webhookSources).set({ disabledAt: now, updatedAt: now }).where(eq(webhookSources.id, id)).returning();
    await recordAudit(tx, { workspaceId, actorKeyId: actor, action: 'source.disable', targetType: 'source', targetId: id, details: { name: row.name }, at: now });
    return sourceView(updated as SourceRow, now);
  });
};

/** What the mapping makes of a test payload; nothing is stored. */
export const previewMapping = async (services: Services, workspaceId: string, id: string, request: PreviewRequest) => {
  const row = await loadSource(services.db, workspaceId, id);
  const headers = Object.fromEntries(Object.entries(request.headers).map(([name, value]) => [name.toLowerCase(), value]));
  const result = applyMapping(request.mapping ?? row.mapping, { payload: request.payload, headers });
  return result.ok ? { ok: true as const, event: result.event } : { ok: false as const, reason: result.reason };
};

/** Deliveries of a source, newest first. */
export const listDeliveries = async (services: Services, workspaceId: string, id: string, query: DeliveryQuery) => {
  await loadSource(services.db, workspaceId, id);
  const conditions: SQL[] = [eq(webhookDeliveries.sourceId, id), eq(webhookDeliveries.workspaceId, workspaceId)];
  if (query.verdict) conditions.push(eq(webhookDeliveries.verdict, query.verdict));
  if (query.cursor) conditions.push(lt(webhookDeliveries.id, Number(query.cursor)));
  const rows = await services.db
    .select()
    .from(webhookDeliveries)
    .where(and(...conditions))
    .orderBy(desc(webhookDeliveries.id))
    .limit(query.limit + 1);
  const page = rows.slice(0, query.limit).map(({ workspaceId: _workspace, ...delivery }) => delivery);
  const last = page[page.length - 1];
  return { deliveries: page, nextCursor: rows.length > query.limit && last ? String(last.id) : null };
};
