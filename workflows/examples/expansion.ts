import type { JourneyGraphInput } from '../graph.js';

/**
 * Expand: cross-sell after a sizeable purchase. Three days after an order over 100 (time for the
 * parcel to arrive), customers are split: 50 % get "complete the look" (variant A), 40 % get
 * "customers also bought" (variant B) and 10 % are a holdout that gets nothing, so the lift of the
 * messages can be measured. An accessories order within 14 days moves the customer to `expand`.
 *
 * The split is a hash of journey, node and customer id: the same customer always lands in the same
 * branch. Entry: every time, at most once per 30 days. Exit: the original order is refunded.
 */
export const expansionJourney: JourneyGraphInput = {
  id: 'expansion-cross-sell',
  name: 'Cross-sell after a purchase',
  description: 'A/B test of two cross-sell emails with a 10 % holdout, three days after an order over 100.',
  nodes: [
    {
      id: 'order-trigger',
      kind: 'trigger_event',
      label: 'Order over 100',
      params: {
        event: 'Order Completed',
        rule: { kind: 'condition', field: 'event.properties.total', operator: 'gt', value: 100 },
      },
      position: { x: 0, y: 250 },
    },
    {
      id: 'settle-delay',
      kind: 'wait_delay',
      label: 'Wait 3 days',
      params: { duration: { amount: 3, unit: 'days' } },
      position: { x: 250, y: 250 },
    },
    {
      id: 'variant-split',
      kind: 'split_random',
      label: 'A / B / holdout',
      params: {
        branches: [
          { key: 'variant_a', label: 'Complete the look', weight: 50 },
          { key: 'variant_b', label: 'Customers also bought', weight: 40 },
          { key: 'holdout', label: 'Holdout', weight: 10, holdout: true },
        ],
      },
      position: { x: 500, y: 250 },
    },
    {
      id: 'cross-sell-mail-a',
      kind: 'send_email',
      label: 'A: complete the look',
      params: {
        subject: 'Complete the look, {{ customer.traits.first_name | default: "friend" }}',
        body: 'Accessories picked to go with your {{ trigger.properties.product_name }}: https://shop.example.com/accessories?utm_content=variant_a',
        from: 'hello@rapport.example',
      },
      position: { x: 750, y: 0 },
    },
    {
      id: 'cross-sell-mail-b',
      kind: 'send_email',
      label: 'B: customers also bought',
      params: {
        subject: 'Customers who bought {{ trigger.properties.product_name }} also bought…',
        body: 'Hi {{ customer.traits.first_name | default: "there" }}, these accessories are the favourites of customers like you: https://shop.example.com/accessories?utm_content=variant_b',
        from: 'hello@rapport.example',
      },
      position: { x: 750, y: 250 },
    },
    {
      id: 'holdout-exit',
      kind: 'exit',
      label: 'Holdout: no message',
      params: { reason: 'holdout' },
      position: { x: 750, y: 500 },
    },
    {
      id: 'cross-sell-wait',
      kind: 'wait_for_event',
      label: 'Accessories order within 14 days?',
      params: {
        event: 'Order Completed',
        rule: { kind: 'condition', field: 'event.properties.category', operator: 'eq', value: 'accessories' },
        timeout: { amount: 14, unit: 'days' },
      },
      position: { x: 1000, y: 125 },
    },
    {
      id: 'expand-stage',
      kind: 'set_stage',
      label: 'Stage: expand',
      params: { stage: 'expand' },
      position: { x: 1250, y: 0 },
    },
    {
      id: 'cross-sell-goal',
      kind: 'goal_reached',
      label: 'Cross-sold',
      params: { label: 'cross-sold' },
      position: { x: 1500, y: 0 },
    },
    {
      id: 'no-cross-sell-exit',
      kind: 'exit',
      label: 'No accessories order',
      params: { reason: 'no accessories order within 14 days' },
      position: { x: 1250, y: 250 },
    },
  ],
  edges: [
    { id: 'e-order-delay', source: 'order-trigger', outcome: 'next', target: 'settle-delay' },
    { id: 'e-delay-split', source: 'settle-delay', outcome: 'next', target: 'variant-split' },
    { id: 'e-split-a', source: 'variant-split', outcome: 'variant_a', target: 'cross-sell-mail-a' },
    { id: 'e-split-b', source: 'variant-split', outcome: 'variant_b', target: 'cross-sell-mail-b' },
    { id: 'e-split-holdout', source: 'variant-split', outcome: 'holdout', target: 'holdout-exit' },
    { id: 'e-mail-a-wait', source: 'cross-sell-mail-a', outcome: 'next', target: 'cross-sell-wait' },
    { id: 'e-mail-b-wait', source: 'cross-sell-mail-b', outcome: 'next', target: 'cross-sell-wait' },
    { id: 'e-wait-stage', source: 'cross-sell-wait', outcome: 'received', target: 'expand-stage' },
    { id: 'e-stage-goal', source: 'expand-stage', outcome: 'next', target: 'cross-sell-goal' },
    { id: 'e-wait-timeout', source: 'cross-sell-wait', outcome: 'timed_out', target: 'no-cross-sell-exit' },
  ],
  settings: {
    entry: { mode: 'every_time', cooldown: { amount: 30, unit: 'days' } },
    exit: [{ type: 'event', event: 'Order Refunded' }],
    timeZone: { use: 'customer', fallback: 'Europe/Berlin' },
  },
};
