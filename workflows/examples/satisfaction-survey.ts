import type { JourneyGraphInput } from '../graph.js';

/**
 * Satisfaction survey after delivery. Two days after "Order Delivered" the customer gets a
 * one-question NPS survey and has 7 days to answer ("Survey Answered" with `score` 0–10):
 *
 * - promoters (9–10): a conversion "nps_promoter" is recorded and they are asked for a referral;
 *   a "Referral Sent" within 14 days is the goal;
 * - detractors (0–6): customer service gets a call-back task with a script, and the customer is
 *   tagged "nps_detractor";
 * - passives (7–8) and customers who do not answer leave the journey.
 *
 * Entry: every time, at most once per 90 days (no survey fatigue). Exit: "Unsubscribed".
 */
export const satisfactionSurveyJourney: JourneyGraphInput = {
  id: 'satisfaction-survey',
  name: 'NPS survey after delivery',
  description: 'NPS survey two days after delivery: referral request for promoters, a call-back task for detractors.',
  nodes: [
    {
      id: 'delivered-trigger',
      kind: 'trigger_event',
      label: 'Order delivered',
      params: { event: 'Order Delivered' },
      position: { x: 0, y: 250 },
    },
    {
      id: 'survey-delay',
      kind: 'wait_delay',
      label: 'Wait 2 days',
      params: { duration: { amount: 2, unit: 'days' } },
      position: { x: 250, y: 250 },
    },
    {
      id: 'nps-mail',
      kind: 'send_email',
      label: 'NPS survey email',
      params: {
        subject: '{{ customer.traits.first_name | default: "Hi" }}, how did we do?',
        body: [
          'How likely are you to recommend us to a friend? One click is all it takes:',
          'https://survey.example.com/nps?run={{ run.id }}&order={{ trigger.properties.order_id }}',
        ].join('\n'),
        from: 'feedback@rapport.example',
      },
      position: { x: 500, y: 250 },
    },
    {
      id: 'answer-wait',
      kind: 'wait_for_event',
      label: 'Answer within 7 days?',
      params: { event: 'Survey Answered', timeout: { amount: 7, unit: 'days' } },
      position: { x: 750, y: 250 },
    },
    {
      id: 'promoter-check',
      kind: 'condition_rule',
      label: 'Promoter (score 9–10)?',
      params: { rule: { kind: 'condition', field: 'event.properties.score', operator: 'gte', value: 9 } },
      position: { x: 1000, y: 125 },
    },
    {
      id: 'promoter-conversion',
      kind: 'record_conversion',
      label: 'Record promoter',
      params: { name: 'nps_promoter' },
      position: { x: 1250, y: 0 },
    },
    {
      id: 'referral-mail',
      kind: 'send_email',
      label: 'Ask for a referral',
      params: {
        subject: 'Thank you, {{ customer.traits.first_name | default: "friend" }}! Share the love?',
        body: 'You gave us a {{ event.properties.score }} out of 10. Invite a friend with your link and you both get 10 EUR: https://shop.example.com/refer/{{ customer.id }}',
        from: 'feedback@rapport.example',
      },
      position: { x: 1500, y: 0 },
    },
    {
      id: 'referral-wait',
      kind: 'wait_for_event',
      label: 'Referral within 14 days?',
      params: { event: 'Referral Sent', timeout: { amount: 14, unit: 'days' } },
      position: { x: 1750, y: 0 },
    },
    {
      id: 'referral-goal',
      kind: 'goal_reached',
      label: 'Referral sent',
      params: { label: 'referral sent' },
      position: { x: 2000, y: 0 },
    },
    {
      id: 'no-referral-exit',
      kind: 'exit',
      label: 'No referral',
      params: { reason: 'promoter, no referral within 14 days' },
      position: { x: 2000, y: 125 },
    },
    {
      id: 'detractor-check',
      kind: 'condition_rule',
      label: 'Detractor (score 0–6)?',
      params: { rule: { kind: 'condition', field: 'event.properties.score', operator: 'lte', value: 6 } },
      position: { x: 1250, y: 250 },
    },
    {
      id: 'detractor-task',
      kind: 'create_task',
      label: 'Customer service calls back',
      params: {
        assignee: { type: 'team', id: 'customer-service' },
        title: 'Call back {{ customer.traits.first_name }} {{ customer.traits.last_name }}: NPS {{ event.properties.score }}',
        description: 'Comment: "{{ event.properties.comment }}". Order {{ trigger.properties.order_id }}. Phone: {{ customer.traits.phone }}.',
        due: { amount: 1, unit: 'days' },
        script: [
          'Thank them for their honest answer.',
          'Ask what went wrong with the order and listen; do not defend.',
          'Apologise and explain what we will do about it.',
          'Offer a fix (replacement, refund or a goodwill voucher) within your authority.',
          'Write down the cause so the product team sees it.',
        ],
      },
      position: { x: 1500, y: 250 },
    },
    {
      id: 'detractor-tag',
      kind: 'add_tag',
      label: 'Tag "nps_detractor"',
      params: { tag: 'nps_detractor' },
      position: { x: 1750, y: 250 },
    },
    {
      id: 'detractor-exit',
      kind: 'exit',
      label: 'Handed to customer service',
      params: { reason: 'detractor; call-back task created' },
      position: { x: 2000, y: 250 },
    },
    {
      id: 'passive-exit',
      kind: 'exit',
      label: 'Passive',
      params: { reason: 'passive (score 7–8)' },
      position: { x: 1500, y: 400 },
    },
    {
      id: 'no-answer-exit',
      kind: 'exit',
      label: 'No answer',
      params: { reason: 'no answer within 7 days' },
      position: { x: 1000, y: 500 },
    },
  ],
  edges: [
    { id: 'e-delivered-delay', source: 'delivered-trigger', outcome: 'next', target: 'survey-delay' },
    { id: 'e-delay-mail', source: 'survey-delay', outcome: 'next', target: 'nps-mail' },
    { id: 'e-mail-wait', source: 'nps-mail', outcome: 'next', target: 'answer-wait' },
    { id: 'e-answer-promoter', source: 'answer-wait', outcome: 'received', target: 'promoter-check' },
    { id: 'e-answer-timeout', source: 'answer-wait', outcome: 'timed_out', target: 'no-answer-exit' },
    { id: 'e-promoter-conversion', source: 'promoter-check', outcome: 'yes', target: 'promoter-conversion' },
    { id: 'e-conversion-referral', source: 'promoter-conversion', outcome: 'next', target: 'referral-mail' },
    { id: 'e-referral-wait', source: 'referral-mail', outcome: 'next', target: 'referral-wait' },
    { id: 'e-referral-goal', source: 'referral-wait', outcome: 'received', target: 'referral-goal' },
    { id: 'e-referral-timeout', source: 'referral-wait', outcome: 'timed_out', target: 'no-referral-exit' },
    { id: 'e-not-promoter', source: 'promoter-check', outcome: 'no', target: 'detractor-check' },
    { id: 'e-detractor-task', source: 'detractor-check', outcome: 'yes', target: 'detractor-task' },
    { id: 'e-task-tag', source: 'detractor-task', outcome: 'next', target: 'detractor-tag' },
    { id: 'e-tag-exit', source: 'detractor-tag', outcome: 'next', target: 'detractor-exit' },
    { id: 'e-passive-exit', source: 'detractor-check', outcome: 'no', target: 'passive-exit' },
  ],
  settings: {
    entry: { mode: 'every_time', cooldown: { amount: 90, unit: 'days' } },
    exit: [{ type: 'event', event: 'Unsubscribed' }],
    timeZone: { use: 'customer', fallback: 'Europe/Berlin' },
  },
};
