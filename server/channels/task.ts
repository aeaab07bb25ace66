import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { tasks } from '../../drizzle/schema.js';
import { dialogueScriptNameSchema } from '../../workflows/contact-policy.js';
import { taskScript, type TaskScript } from '../../workflows/dialogue-scripts.js';
import type { JsonValue } from '../../workflows/index.js';
import { parsePayload, type ChannelAdapter, type DeliveryContext, type EffectToPerform } from './adapter.js';

/** The `create_task` effect payload (workflows/nodes/actions/create-task.ts). */
const taskPayload = z.object({
  assignee: z.object({ type: z.string().min(1), id: z.string().min(1) }),
  customerId: z.string().optional(),
  title: z.string(),
  description: z.string().nullable().default(null),
  dueAt: z.number(),
  script: z.array(z.string()).default([]),
  scriptName: dialogueScriptNameSchema.optional(),
});
type TaskPayload = z.infer<typeof taskPayload>;

/**
 * The script the task gets, decided now: the contact strategy in force and the customer's cluster
 * as stored at dispatch (not when the step ran), so a customer who changed cluster meanwhile gets
 * their new cluster's script. `about` is what the effect's result says about it.
 */
const scriptAtDispatch = async (payload: TaskPayload, customerId: string, effect: EffectToPerform, ctx: DeliveryContext): Promise<{ script: TaskScript; about: Record<string, JsonValue> }> => {
  if (payload.scriptName === undefined) return { script: taskScript({ name: null, ownLines: payload.script, strategy: null, cluster: null }), about: {} };
  const [stored, customer] = await Promise.all([ctx.round.contactStrategy(effect.workspaceId), ctx.round.customer(effect.workspaceId, customerId)]);
  const script = taskScript({ name: payload.scriptName, ownLines: payload.script, strategy: stored?.strategy ?? null, cluster: customer?.cluster ?? null });
  const strategyVersion = stored?.version ?? null;
  return { script, about: script.missing === null ? { script: { name: payload.scriptName, cluster: script.cluster, strategyVersion } } : { scriptMissing: script.missing, strategyVersion } };
};

/**
 * Creates the task; its id is the idempotency key, so a retried effect never makes a second task
 * (a repeat keeps the script the task got the first time).
 */
export const taskAdapter: ChannelAdapter = {
  async perform(effect, ctx) {
    const payload = parsePayload('task', taskPayload, effect.payload);
    const { db, now } = ctx.services;
    const customerId = payload.customerId ?? effect.customerId;
    const { script, about } = await scriptAtDispatch(payload, customerId, effect, ctx);
    const inserted = await db
      .insert(tasks)
      .values({
        id: effect.idempotencyKey,
        workspaceId: effect.workspaceId,
        customerId,
        runId: effect.runId,
        assigneeType: payload.assignee.type,
        assigneeId: payload.assignee.id,
        title: payload.title,
        description: payload.description,
        script: script.lines,
        scriptName: script.name,
        scriptCluster: script.cluster,
        dueAt: payload.dueAt,
        createdAt: now(),
      })
      .onConflictDoNothing({ target: tasks.id })
      .returning({ id: tasks.id });
    if (inserted.length > 0) return { result: { taskId: effect.idempotencyKey, duplicate: false, ...about } };
    const [existing] = await db.select({ id: tasks.id }).from(tasks).where(eq(tasks.id, effect.idempotencyKey)).limit(1);
    return { result: { taskId: existing?.id ?? effect.idempotencyKey, duplicate: true } };
  },
};
