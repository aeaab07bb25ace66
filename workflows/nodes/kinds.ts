import { z } from 'zod';

/** Every node kind, grouped as in the editor's palette. Adding one here fails the build until the registry handles it. */
export const nodeKinds = [
  // triggers
  'trigger_event', 'trigger_trait_changed', 'trigger_stage_changed', 'trigger_segment_entered',
  'trigger_segment_left', 'trigger_date', 'trigger_webhook', 'trigger_manual',
  // conditions
  'condition_rule', 'switch_cluster', 'switch_stage', 'split_random', 'condition_event_history',
  // waits
  'wait_delay', 'wait_until', 'wait_for_event',
  // actions
  'send_email', 'send_sms', 'send_webhook', 'update_traits', 'set_stage', 'add_tag', 'remove_tag',
  'create_task', 'notify_team', 'give_incentive', 'enrol_journey', 'record_conversion',
  // flow
  'goal_reached', 'exit',
] as const;

export const nodeKindSchema = z.enum(nodeKinds);
export type NodeKind = z.infer<typeof nodeKindSchema>;

export const nodeCategories = ['trigger', 'condition', 'wait', 'action', 'flow'] as const;
export type NodeCategory = (typeof nodeCategories)[number];
