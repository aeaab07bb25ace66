import type { JourneyGraphInput } from '../graph.js';

/**
 * Complaint handling by value cluster — the contact strategy's dialogue scripts as a journey.
 *
 * - Every complaint is answered at once with an apology that explains what happened.
 * - Question mark (low now, high potential): a discount only if they insist — we wait up to
 *   7 days for "Discount Requested"; if it comes, a 10 % code is issued and mailed.
 * - Star (high / high): the same apology, then after 30 minutes a manager gets a call task with
 *   the contact strategy's "complaint" dialogue script (picked by `scriptName` when the task is
 *   made: the star script with the manager's offer in the example strategy,
 *   workflows/examples/contact-strategy.ts; the step's own lines if the strategy has none), and the
 *   VIP channel is alerted.
 * - Everyone else (cash cows, dogs, not yet clustered): the apology, and that is it.
 *
 * Runs that handed the complaint on (manager call, discount) stay in the journey for another week
 * so a "Complaint Resolved" (the goal) can still be credited to them.
 *
 * Entry: every time, with a one-day cooldown that swallows duplicate submissions of the same
 * complaint form (every real complaint deserves its answer, so no longer). Exit: the customer
 * withdraws the complaint.
 *
 * Known limit: rule values are literals, so "Discount Requested" cannot be tied to the complaint
 * that started the run (no `event.properties.complaint_id = trigger.properties.complaint_id`).
 * A question mark with two open complaints (more than a day apart) who insists once gets the
 * discount from both runs.
 */
export const complaintHandlingJourney: JourneyGraphInput = {
  id: 'complaint-by-cluster',
  name: 'Complaint handling by value cluster',
  description:
    'Apologise and explain to everyone; a discount for question marks only if they insist; a manager call with an offer for stars after 30 minutes.',
  nodes: [
    {
      id: 'complaint-trigger',
      kind: 'trigger_event',
      label: 'Complaint filed',
      params: { event: 'Complaint Filed' },
      position: { x: 0, y: 250 },
    },
    {
      id: 'cluster-switch',
      kind: 'switch_cluster',
      label: 'Which value cluster?',
      params: { clusters: ['star', 'question_mark'] },
      position: { x: 250, y: 250 },
    },
    // star
    {
      id: 'star-apology-mail',
      kind: 'send_email',
      label: 'Apologise and explain (star)',
      params: {
        subject: 'We are sorry, {{ customer.traits.first_name }}: about "{{ trigger.properties.subject }}"',
        body: [
          'Dear {{ customer.traits.first_name }},',
          '',
          'we are sorry about "{{ trigger.properties.subject }}" (order {{ trigger.properties.order_id }}). We have looked into it, and this is what happened: {{ trigger.properties.cause | default: "our team is still investigating" }}.',
          '',
          'Our store manager will call you personally within the hour.',
        ].join('\n'),
        from: 'care@rapport.example',
      },
      position: { x: 500, y: 0 },
    },
    {
      id: 'star-delay',
      kind: 'wait_delay',
      label: 'Wait 30 minutes',
      params: { duration: { amount: 30, unit: 'minutes' } },
      position: { x: 750, y: 0 },
    },
    {
      id: 'manager-call-task',
      kind: 'create_task',
      label: 'Manager calls with an offer',
      params: {
        assignee: { type: 'team', id: 'managers' },
        title: 'Call {{ customer.traits.first_name }} {{ customer.traits.last_name }} (star) about "{{ trigger.properties.subject }}"',
        description: 'Phone: {{ customer.traits.phone }}. Order {{ trigger.properties.order_id }}. The apology and explanation went out by email 30 minutes ago.',
        due: { amount: 15, unit: 'minutes' },
        scriptName: 'complaint',
        // The fallback when the contact strategy has no "complaint" script for the customer.
        script: [
          'Introduce yourself as the store manager and thank them for telling us.',
          'Apologise personally for what went wrong.',
          'Explain what happened and what we have changed so it does not happen again.',
          'Offer: a replacement by express delivery at our cost, and a 25 EUR voucher for the next order.',
          'Ask whether this resolves the complaint; if so, mark it resolved.',
        ],
      },
      position: { x: 1000, y: 0 },
    },
    {
      id: 'vip-alert',
      kind: 'notify_team',
      label: 'Alert #vip-complaints',
      params: {
        via: 'chat',
        target: '#vip-complaints',
        message: 'Star customer {{ customer.traits.first_name }} {{ customer.traits.last_name }} complained: "{{ trigger.properties.subject }}" (order {{ trigger.properties.order_id }}). A manager call is due in 15 minutes.',
      },
      position: { x: 1250, y: 0 },
    },
    // question mark
    {
      id: 'qm-apology-mail',
      kind: 'send_email',
      label: 'Apologise and explain (question mark)',
      params: {
        subject: 'We are sorry, {{ customer.traits.first_name }}: about "{{ trigger.properties.subject }}"',
        body: [
          'Dear {{ customer.traits.first_name }},',
          '',
          'we are sorry about "{{ trigger.properties.subject }}" (order {{ trigger.properties.order_id }}). We have looked into it, and this is what happened: {{ trigger.properties.cause | default: "our team is still investigating" }}.',
          '',
          'If there is anything more we can do, just reply to this email.',
        ].join('\n'),
        from: 'care@rapport.example',
      },
      position: { x: 500, y: 250 },
    },
    {
      id: 'insist-wait',
      kind: 'wait_for_event',
      label: 'Do they insist on a discount?',
      params: { event: 'Discount Requested', timeout: { amount: 7, unit: 'days' } },
      position: { x: 750, y: 250 },
    },
    {
      id: 'qm-discount',
      kind: 'give_incentive',
      label: '10 % goodwill discount',
      params: { type: 'percent_discount', code: 'SORRY10', value: 10, cost: 6, currency: 'EUR', expiresInDays: 30 },
      position: { x: 1000, y: 250 },
    },
    {
      id: 'qm-discount-mail',
      kind: 'send_email',
      label: 'Send the discount code',
      params: {
        subject: 'Your 10 % goodwill discount, {{ customer.traits.first_name }}',
        body: 'As promised: use the code SORRY10 for 10 % off your next order. It is valid for 30 days.',
        from: 'care@rapport.example',
      },
      position: { x: 1250, y: 250 },
    },
    {
      id: 'no-insist-exit',
      kind: 'exit',
      label: 'Apology was enough',
      params: { reason: 'no discount requested within 7 days' },
      position: { x: 1000, y: 400 },
    },
    // both handed-on paths
    {
      id: 'await-resolution',
      kind: 'wait_delay',
      label: 'Resolution window: 7 days',
      params: { duration: { amount: 7, unit: 'days' } },
      position: { x: 1500, y: 125 },
    },
    {
      id: 'unresolved-exit',
      kind: 'exit',
      label: 'Not resolved within a week',
      params: { reason: 'not resolved within a week' },
      position: { x: 1750, y: 125 },
    },
    // everyone else
    {
      id: 'default-apology-mail',
      kind: 'send_email',
      label: 'Apologise and explain',
      params: {
        subject: 'We are sorry: about "{{ trigger.properties.subject }}"',
        body: [
          'Hi {{ customer.traits.first_name | default: "there" }},',
          '',
          'we are sorry about "{{ trigger.properties.subject }}". This is what happened: {{ trigger.properties.cause | default: "our team is still investigating" }}.',
        ].join('\n'),
        from: 'care@rapport.example',
      },
      position: { x: 500, y: 600 },
    },
    {
      id: 'default-exit',
      kind: 'exit',
      label: 'Apology sent',
      params: { reason: 'apology sent' },
      position: { x: 750, y: 600 },
    },
  ],
  edges: [
    { id: 'e-complaint-switch', source: 'complaint-trigger', outcome: 'next', target: 'cluster-switch' },
    { id: 'e-switch-star', source: 'cluster-switch', outcome: 'star', target: 'star-apology-mail' },
    { id: 'e-switch-qm', source: 'cluster-switch', outcome: 'question_mark', target: 'qm-apology-mail' },
    { id: 'e-switch-default', source: 'cluster-switch', outcome: 'default', target: 'default-apology-mail' },
    { id: 'e-star-mail-delay', source: 'star-apology-mail', outcome: 'next', target: 'star-delay' },
    { id: 'e-star-delay-task', source: 'star-delay', outcome: 'next', target: 'manager-call-task' },
    { id: 'e-task-alert', source: 'manager-call-task', outcome: 'next', target: 'vip-alert' },
    { id: 'e-alert-resolution', source: 'vip-alert', outcome: 'next', target: 'await-resolution' },
    { id: 'e-qm-mail-wait', source: 'qm-apology-mail', outcome: 'next', target: 'insist-wait' },
    { id: 'e-insist-discount', source: 'insist-wait', outcome: 'received', target: 'qm-discount' },
    { id: 'e-insist-timeout', source: 'insist-wait', outcome: 'timed_out', target: 'no-insist-exit' },
    { id: 'e-discount-mail', source: 'qm-discount', outcome: 'next', target: 'qm-discount-mail' },
    { id: 'e-discount-resolution', source: 'qm-discount-mail', outcome: 'next', target: 'await-resolution' },
    { id: 'e-resolution-exit', source: 'await-resolution', outcome: 'next', target: 'unresolved-exit' },
    { id: 'e-default-exit', source: 'default-apology-mail', outcome: 'next', target: 'default-exit' },
  ],
  settings: {
    entry: { mode: 'every_time', cooldown: { amount: 1, unit: 'days' } },
    goal: { event: 'Complaint Resolved' },
    exit: [{ type: 'event', event: 'Complaint Withdrawn' }],
    timeZone: { use: 'customer', fallback: 'Europe/Berlin' },
  },
};
