import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { tasks } from '../../drizzle/schema.js';
import { parsePayload, type ChannelAdapter } from './adapter.js';

/** The `create_task` effect payload (workflows/nodes/actions/create-task.ts). */
const taskPayload = z.object({
  assignee: z.object({ type: z.string().min(1), id: z.string().min(1) }),
  customerId: z.string().optional(),
  title: z.string(),
  description: z.string().nullable().default(null),
  dueAt: z.number(),
  script: z.array(z.string()).default([]),
});

/** Creates the task; its id is the idempotency key, so a retried effect never makes a second task. */
export const taskAdapter: ChannelAdapter = {
  async perform(effect, ctx) {
    const payload = parsePayload('task', taskPayload, effect.payload);
    const { db, now } = ctx.services;
    const inserted = await db
      .insert(tasks)
      .values({
        id: effect.idempotencyKey,
        workspaceId: effect.workspaceId,
        customerId: payload.customerId ?? effect.customerId,
        runId: effect.runId,
        assigneeType: payload.assignee.type,
        assigneeId: payload.assignee.id,
        title: payload.title,
        description: payload.description,
        script: payload.script,
        dueAt: payload.dueAt,
        createdAt: now(),
      })
      .onConflictDoNothing({ target: tasks.id })
      .returning({ id: tasks.id });
    if (inserted.length > 0) return { result: { taskId: effect.idempotencyKey, duplicate: false } };
    const [existing] = await db.select({ id: tasks.id }).from(tasks).where(eq(tasks.id, effect.idempotencyKey)).limit(1);
    return { result: { taskId: existing?.id ?? effect.idempotencyKey, duplicate: true } };
  },
};
