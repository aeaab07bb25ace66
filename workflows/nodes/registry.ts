import type { NodeKindDefinition } from './kind.js';
import type { NodeKind } from './kinds.js';
import { addTag, removeTag } from './actions/tags.js';
import { createTask } from './actions/create-task.js';
import { enrolJourney } from './actions/enrol-journey.js';
import { giveIncentive } from './actions/give-incentive.js';
import { notifyTeam } from './actions/notify-team.js';
import { recordConversion } from './actions/record-conversion.js';
import { sendEmail } from './actions/send-email.js';
import { sendSms } from './actions/send-sms.js';
import { sendWebhook } from './actions/send-webhook.js';
import { setStage } from './actions/set-stage.js';
import { updateTraits } from './actions/update-traits.js';
import { conditionEventHistory } from './conditions/condition-event-history.js';
import { conditionRule } from './conditions/condition-rule.js';
import { splitRandom } from './conditions/split-random.js';
import { switchCluster } from './conditions/switch-cluster.js';
import { switchStage } from './conditions/switch-stage.js';
import { exit } from './flow/exit.js';
import { goalReached } from './flow/goal-reached.js';
import { triggerDate } from './triggers/trigger-date.js';
import { triggerEvent } from './triggers/trigger-event.js';
import { triggerManual } from './triggers/trigger-manual.js';
import { triggerSegmentEntered, triggerSegmentLeft } from './triggers/trigger-segment.js';
import { triggerStageChanged } from './triggers/trigger-stage-changed.js';
import { triggerTraitChanged } from './triggers/trigger-trait-changed.js';
import { triggerWebhook } from './triggers/trigger-webhook.js';
import { waitDelay } from './waits/wait-delay.js';
import { waitForEvent } from './waits/wait-for-event.js';
import { waitUntil } from './waits/wait-until.js';

/** Every node kind. `satisfies` makes a kind added to `nodeKinds` fail the build until it is here. */
export const nodeKindRegistry = {
  trigger_event: triggerEvent,
  trigger_trait_changed: triggerTraitChanged,
  trigger_stage_changed: triggerStageChanged,
  trigger_segment_entered: triggerSegmentEntered,
  trigger_segment_left: triggerSegmentLeft,
  trigger_date: triggerDate,
  trigger_webhook: triggerWebhook,
  trigger_manual: triggerManual,
  condition_rule: conditionRule,
  switch_cluster: switchCluster,
  switch_stage: switchStage,
  split_random: splitRandom,
  condition_event_history: conditionEventHistory,
  wait_delay: waitDelay,
  wait_until: waitUntil,
  wait_for_event: waitForEvent,
  send_email: sendEmail,
  send_sms: sendSms,
  send_webhook: sendWebhook,
  update_traits: updateTraits,
  set_stage: setStage,
  add_tag: addTag,
  remove_tag: removeTag,
  create_task: createTask,
  notify_team: notifyTeam,
  give_incentive: giveIncentive,
  enrol_journey: enrolJourney,
  record_conversion: recordConversion,
  goal_reached: goalReached,
  exit,
} satisfies Record<NodeKind, NodeKindDefinition<unknown>>;

export type AnyNodeKindDefinition = NodeKindDefinition<unknown>;

export const nodeKindDefinition = (kind: NodeKind): AnyNodeKindDefinition => nodeKindRegistry[kind] as AnyNodeKindDefinition;
