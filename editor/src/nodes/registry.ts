import type { NodeTypes } from '@xyflow/react';
import type { NodeKind } from '../../../workflows/index.js';
import type { NodeUi } from './node-ui.js';
import { addTagNode } from './add-tag.js';
import { conditionEventHistoryNode } from './condition-event-history.js';
import { conditionRuleNode } from './condition-rule.js';
import { createTaskNode } from './create-task.js';
import { enrolJourneyNode } from './enrol-journey.js';
import { exitNode } from './exit.js';
import { giveIncentiveNode } from './give-incentive.js';
import { goalReachedNode } from './goal-reached.js';
import { notifyTeamNode } from './notify-team.js';
import { recordConversionNode } from './record-conversion.js';
import { removeTagNode } from './remove-tag.js';
import { sendEmailNode } from './send-email.js';
import { sendSmsNode } from './send-sms.js';
import { sendWebhookNode } from './send-webhook.js';
import { setStageNode } from './set-stage.js';
import { splitRandomNode } from './split-random.js';
import { switchClusterNode } from './switch-cluster.js';
import { switchStageNode } from './switch-stage.js';
import { triggerDateNode } from './trigger-date.js';
import { triggerEventNode } from './trigger-event.js';
import { triggerManualNode } from './trigger-manual.js';
import { triggerSegmentEnteredNode } from './trigger-segment-entered.js';
import { triggerSegmentLeftNode } from './trigger-segment-left.js';
import { triggerStageChangedNode } from './trigger-stage-changed.js';
import { triggerTraitChangedNode } from './trigger-trait-changed.js';
import { triggerWebhookNode } from './trigger-webhook.js';
import { updateTraitsNode } from './update-traits.js';
import { waitDelayNode } from './wait-delay.js';
import { waitForEventNode } from './wait-for-event.js';
import { waitUntilNode } from './wait-until.js';

/** The editor side of every node kind. `satisfies` makes a new kind fail to compile until it has a component and a form. */
export const nodeUiRegistry = {
  trigger_event: triggerEventNode,
  trigger_trait_changed: triggerTraitChangedNode,
  trigger_stage_changed: triggerStageChangedNode,
  trigger_segment_entered: triggerSegmentEnteredNode,
  trigger_segment_left: triggerSegmentLeftNode,
  trigger_date: triggerDateNode,
  trigger_webhook: triggerWebhookNode,
  trigger_manual: triggerManualNode,
  condition_rule: conditionRuleNode,
  switch_cluster: switchClusterNode,
  switch_stage: switchStageNode,
  split_random: splitRandomNode,
  condition_event_history: conditionEventHistoryNode,
  wait_delay: waitDelayNode,
  wait_until: waitUntilNode,
  wait_for_event: waitForEventNode,
  send_email: sendEmailNode,
  send_sms: sendSmsNode,
  send_webhook: sendWebhookNode,
  update_traits: updateTraitsNode,
  set_stage: setStageNode,
  add_tag: addTagNode,
  remove_tag: removeTagNode,
  create_task: createTaskNode,
  notify_team: notifyTeamNode,
  give_incentive: giveIncentiveNode,
  enrol_journey: enrolJourneyNode,
  record_conversion: recordConversionNode,
  goal_reached: goalReachedNode,
  exit: exitNode,
} satisfies Record<NodeKind, NodeUi>;

/** React Flow node types, at module scope so React Flow never sees a new object. */
export const nodeTypes: NodeTypes = Object.fromEntries(Object.entries(nodeUiRegistry).map(([kind, ui]) => [kind, ui.component])) as NodeTypes;
