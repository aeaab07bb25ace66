import type { NodeKind } from '../../../workflows/index.js';

/**
 * The params a node starts with when dropped on the canvas: structure filled in with sensible
 * values (1 day, 50/50, Mon–Fri 09:00–17:00), names left empty so the form asks for them.
 */
export const defaultParams = {
  trigger_event: () => ({ event: '' }),
  trigger_trait_changed: () => ({ trait: '' }),
  trigger_stage_changed: () => ({}),
  trigger_segment_entered: () => ({ segmentId: '' }),
  trigger_segment_left: () => ({ segmentId: '' }),
  trigger_date: () => ({ trait: '', direction: 'before', offset: { amount: 7, unit: 'days' }, at: '09:00', yearly: false }),
  trigger_webhook: () => ({ sourceId: '' }),
  trigger_manual: () => ({}),
  condition_rule: () => ({ rule: { kind: 'group', combinator: 'and', rules: [{ kind: 'condition', field: 'customer.traits.', operator: 'exists' }] } }),
  switch_cluster: () => ({ clusters: ['star', 'question_mark', 'cash_cow', 'dog'] }),
  switch_stage: () => ({ stages: ['retain_develop'] }),
  split_random: () => ({
    branches: [
      { key: 'variant_a', weight: 50, holdout: false },
      { key: 'variant_b', weight: 50, holdout: false },
    ],
  }),
  condition_event_history: () => ({ event: '', atLeast: 1, withinDays: 30 }),
  wait_delay: () => ({ duration: { amount: 1, unit: 'days' } }),
  wait_until: () => ({ mode: 'window', days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '09:00', to: '17:00' }),
  wait_for_event: () => ({ event: '', timeout: { amount: 7, unit: 'days' } }),
  send_email: () => ({ subject: '', body: '' }),
  send_sms: () => ({ body: '' }),
  send_webhook: () => ({ method: 'POST', url: '', headers: {} }),
  update_traits: () => ({ set: {}, unset: [] }),
  set_stage: () => ({ stage: 'retain_develop' }),
  add_tag: () => ({ tag: '' }),
  remove_tag: () => ({ tag: '' }),
  create_task: () => ({ assignee: { type: 'team', id: '' }, title: '', due: { amount: 1, unit: 'days' }, script: [] }),
  notify_team: () => ({ via: 'chat', target: '', message: '' }),
  give_incentive: () => ({ type: 'percent_discount', value: 10, cost: 0, currency: 'EUR' }),
  enrol_journey: () => ({ journeyId: '' }),
  record_conversion: () => ({ name: '' }),
  goal_reached: () => ({}),
  exit: () => ({}),
} satisfies Record<NodeKind, () => Record<string, unknown>>;
