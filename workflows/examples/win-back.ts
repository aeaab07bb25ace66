import type { JourneyGraphInput } from '../graph.js';

/**
 * Win back — or let go gracefully. A customer without activity for 60 days (the "Inactive 60 Days"
 * event from the activity job) moves to stage `win_back`, receives a 15 % comeback code and has
 * 14 days to order. An order brings them back to `retain_develop` (the goal); silence ends with a
 * friendly goodbye and stage `phased_out`, and phased-out customers are not chased again.
 *
 * The goal is the "Won back" node rather than a journey-wide "Order Completed" goal: a journey-wide
 * goal is checked before the wait's own "received" branch and would end the run before the stage
 * is set back to retain & develop.
 *
 * Entry: every time, at most once per 180 days (one comeback discount per half year).
 */
export const winBackJourney: JourneyGraphInput = {
  id: 'win-back-inactive',
  name: 'Win back inactive customers',
  description: 'A comeback discount after 60 days without activity; an order within 14 days wins them back, otherwise a graceful goodbye.',
  nodes: [
    {
      id: 'inactive-trigger',
      kind: 'trigger_event',
      label: 'Inactive for 60 days',
      params: {
        event: 'Inactive 60 Days',
        rule: { kind: 'condition', field: 'customer.stage', operator: 'neq', value: 'phased_out' },
      },
      position: { x: 0, y: 0 },
    },
    {
      id: 'win-back-stage',
      kind: 'set_stage',
      label: 'Stage: win back',
      params: { stage: 'win_back' },
      position: { x: 250, y: 0 },
    },
    {
      id: 'comeback-coupon',
      kind: 'give_incentive',
      label: '15 % comeback discount',
      params: { type: 'percent_discount', code: 'COMEBACK15', value: 15, cost: 9, currency: 'EUR', expiresInDays: 14 },
      position: { x: 500, y: 0 },
    },
    {
      id: 'comeback-mail',
      kind: 'send_email',
      label: 'Email the code',
      params: {
        subject: 'We miss you, {{ customer.traits.first_name | default: "friend" }}: 15 % off your next order',
        body: [
          'Hi {{ customer.traits.first_name | default: "there" }},',
          '',
          'it has been a while. Use the code COMEBACK15 for 15 % off your next order; it is valid for 14 days.',
        ].join('\n'),
        from: 'hello@rapport.example',
      },
      position: { x: 750, y: 0 },
    },
    {
      id: 'order-wait',
      kind: 'wait_for_event',
      label: 'Order within 14 days?',
      params: { event: 'Order Completed', timeout: { amount: 14, unit: 'days' } },
      position: { x: 1000, y: 0 },
    },
    {
      id: 'won-back-stage',
      kind: 'set_stage',
      label: 'Stage: retain & develop',
      params: { stage: 'retain_develop' },
      position: { x: 1250, y: 0 },
    },
    {
      id: 'won-back-goal',
      kind: 'goal_reached',
      label: 'Won back',
      params: { label: 'won back' },
      position: { x: 1500, y: 0 },
    },
    {
      id: 'farewell-mail',
      kind: 'send_email',
      label: 'Graceful goodbye',
      params: {
        subject: 'Goodbye for now, {{ customer.traits.first_name | default: "friend" }}',
        body: [
          'Hi {{ customer.traits.first_name | default: "there" }},',
          '',
          'we will stop sending you offers. Thank you for the time you shopped with us; your account stays open whenever you want to come back.',
        ].join('\n'),
        from: 'hello@rapport.example',
      },
      position: { x: 1250, y: 250 },
    },
    {
      id: 'phased-out-stage',
      kind: 'set_stage',
      label: 'Stage: phased out',
      params: { stage: 'phased_out' },
      position: { x: 1500, y: 250 },
    },
    {
      id: 'farewell-exit',
      kind: 'exit',
      label: 'Phased out',
      params: { reason: 'no order within 14 days; phased out' },
      position: { x: 1750, y: 250 },
    },
  ],
  edges: [
    { id: 'e-inactive-stage', source: 'inactive-trigger', outcome: 'next', target: 'win-back-stage' },
    { id: 'e-stage-coupon', source: 'win-back-stage', outcome: 'next', target: 'comeback-coupon' },
    { id: 'e-coupon-mail', source: 'comeback-coupon', outcome: 'next', target: 'comeback-mail' },
    { id: 'e-mail-wait', source: 'comeback-mail', outcome: 'next', target: 'order-wait' },
    { id: 'e-order-stage', source: 'order-wait', outcome: 'received', target: 'won-back-stage' },
    { id: 'e-stage-goal', source: 'won-back-stage', outcome: 'next', target: 'won-back-goal' },
    { id: 'e-timeout-farewell', source: 'order-wait', outcome: 'timed_out', target: 'farewell-mail' },
    { id: 'e-farewell-stage', source: 'farewell-mail', outcome: 'next', target: 'phased-out-stage' },
    { id: 'e-phased-out-exit', source: 'phased-out-stage', outcome: 'next', target: 'farewell-exit' },
  ],
  settings: {
    entry: { mode: 'every_time', cooldown: { amount: 180, unit: 'days' } },
    exit: [],
    timeZone: { use: 'customer', fallback: 'Europe/Berlin' },
  },
};
