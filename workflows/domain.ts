import { z } from 'zod';

/** Relationship lifecycle stages (default model; a workspace may configure its own ids). */
export const defaultLifecycleStages = [
  { id: 'selection', label: 'Selection (prospect)' },
  { id: 'identify_attract', label: 'Identify & attract' },
  { id: 'retain_develop', label: 'Retain & develop' },
  { id: 'expand', label: 'Expand (upsell / cross-sell)' },
  { id: 'keep_reactivate', label: 'Keep & reactivate' },
  { id: 'win_back', label: 'Win back' },
  { id: 'phased_out', label: 'Phased out' },
] as const;

export const stageIdSchema = z
  .string()
  .regex(/^[a-z][a-z0-9_]{0,62}$/, 'a stage id is lower_snake_case, e.g. "retain_develop"');
export type StageId = z.infer<typeof stageIdSchema>;

/** Value clusters: result contribution × lifetime value. */
export const valueClusterSchema = z.enum(['star', 'question_mark', 'cash_cow', 'dog']);
export type ValueCluster = z.infer<typeof valueClusterSchema>;
export const valueClusterLabels: Record<ValueCluster, string> = {
  star: 'Star',
  question_mark: 'Question mark',
  cash_cow: 'Cash cow',
  dog: 'Dog',
};

export const channelSchema = z.enum(['email', 'sms', 'webhook', 'task', 'chat', 'incentive', 'journey', 'conversion']);
export type Channel = z.infer<typeof channelSchema>;

export const jsonPrimitiveSchema = z.union([z.string(), z.number(), z.boolean(), z.null()]);
export type JsonPrimitive = z.infer<typeof jsonPrimitiveSchema>;
export type JsonValue = JsonPrimitive | JsonValue[] | { [key: string]: JsonValue };
export const jsonValueSchema: z.ZodType<JsonValue> = z.lazy(() =>
  z.union([jsonPrimitiveSchema, z.array(jsonValueSchema), z.record(z.string(), jsonValueSchema)]),
);

/** What a journey sees of a customer. Stored by the runtime; passed by value into pure code. */
export const customerProfileSchema = z.object({
  id: z.string().min(1),
  traits: z.record(z.string(), jsonValueSchema).default({}),
  stage: stageIdSchema.nullable().default(null),
  cluster: valueClusterSchema.nullable().default(null),
  tags: z.array(z.string()).default([]),
  timezone: z.string().nullable().default(null),
  consent: z.record(z.string(), z.boolean()).default({}),
});
export type CustomerProfile = z.infer<typeof customerProfileSchema>;
