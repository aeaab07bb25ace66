import { and, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Executor } from '../../drizzle/db.js';
import { customers } from '../../drizzle/schema.js';
import { notFound } from '../errors.js';
import type { Services } from '../services.js';
import { recordAudit, type ActorKeyId } from './audit.js';
import { toProfile } from './load.js';
import { customerHash } from './privacy.js';
import { refreshSegmentStanding } from './reevaluations.js';

/**
 * Consent per channel (`customers.consent`), written directly (not through the worker): by the
 * management API and by the one-click unsubscribe link. The dispatcher checks it, together with
 * the identify traits `consent.<channel>` and `unsubscribed`, when a message is about to be sent
 * (server/channels/consent.ts).
 */
export const consentRequestSchema = z
  .object({ email: z.boolean().optional(), sms: z.boolean().optional() })
  .strict()
  .refine((body) => body.email !== undefined || body.sms !== undefined, { message: 'name at least one channel: { "email"?: boolean, "sms"?: boolean }' });
export type ConsentRequest = z.infer<typeof consentRequestSchema>;

/**
 * Merges `patch` into the customer's consent; null when the customer does not exist. Segments over
 * `customer.consent.*` are re-evaluated at once, in the caller's transaction (consent does not pass
 * through the worker).
 */
export const writeConsent = async (db: Executor, workspaceId: string, customerId: string, patch: Record<string, boolean>, at: number): Promise<Record<string, boolean> | null> => {
  const [row] = await db
    .update(customers)
    .set({ consent: sql`${customers.consent} || ${JSON.stringify(patch)}::jsonb`, updatedAt: at })
    .where(and(eq(customers.workspaceId, workspaceId), eq(customers.id, customerId)))
    .returning();
  if (!row) return null;
  await refreshSegmentStanding(db, [{ workspaceId, customer: toProfile(row) }], at, 'event');
  return row.consent;
};

/** `PUT /v1/customers/:id/consent`: audited under the hash of the id (the audit log outlives a deletion). */
export const setConsent = async (services: Services, workspaceId: string, customerId: string, request: ConsentRequest, actorKeyId: ActorKeyId) => {
  const at = services.now();
  const patch: Record<string, boolean> = {};
  if (request.email !== undefined) patch['email'] = request.email;
  if (request.sms !== undefined) patch['sms'] = request.sms;
  return services.db.transaction(async (tx) => {
    const consent = await writeConsent(tx, workspaceId, customerId, patch, at);
    if (!consent) throw notFound(`customer "${customerId}"`);
    await recordAudit(tx, { workspaceId, actorKeyId, action: 'customer.consent', targetType: 'customer', targetId: customerHash(workspaceId, customerId), details: patch, at });
    return { customerId, consent };
  });
};
