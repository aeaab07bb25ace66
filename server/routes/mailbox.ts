import { and, desc, eq, type SQL } from 'drizzle-orm';
import { Hono } from 'hono';
import { z } from 'zod';
import { mailbox } from '../../drizzle/schema.js';
import { requireKey } from '../auth.js';
import { badRequest, zodDetails } from '../errors.js';
import type { AppEnv } from '../services.js';

const mailboxQuerySchema = z.object({
  channel: z.enum(['email', 'sms', 'chat']).optional(),
  recipient: z.string().min(1).max(320).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});

/** The development mailbox: what email, SMS and chat would have sent without a provider. Newest first. */
export const mailboxRoutes = new Hono<AppEnv>().use(requireKey('read')).get('/', async (c) => {
  const query = mailboxQuerySchema.safeParse(c.req.query());
  if (!query.success) {
    const details = zodDetails(query.error, ['query']);
    throw badRequest(`invalid query: ${details[0]?.message ?? 'malformed'} at ${details[0]?.path?.join('.') ?? 'query'}`, details);
  }
  const { channel, recipient, limit } = query.data;
  const filters: SQL[] = [eq(mailbox.workspaceId, c.var.identity.workspaceId)];
  if (channel) filters.push(eq(mailbox.channel, channel));
  if (recipient) filters.push(eq(mailbox.recipient, recipient));
  const messages = await c.var.services.db
    .select()
    .from(mailbox)
    .where(and(...filters))
    .orderBy(desc(mailbox.sentAt), desc(mailbox.id))
    .limit(limit);
  return c.json({ messages });
});
