import type { JourneyGraphInput } from '../graph.js';

/**
 * Welcome — identify & attract. Two touchpoints of one prospect, each answered at once
 * (event-driven marketing):
 *
 * - "E-book Downloaded": a new lead is placed in stage `identify_attract`; ten minutes later
 *   (time to open the download) a mail with more on that very e-book, three days later a
 *   follow-up inviting a free trial, then four more days in which a sign-up still counts.
 * - "Product Viewed": the customer is added to the retargeting audience of the ad network
 *   (an outbound webhook) and the run ends.
 *
 * Entry policy: `every_time` without a cooldown. A cooldown is journey-wide, not per trigger,
 * so a product view right after a download (or a second e-book) would be turned away. Every
 * download gets its own mail about its own title; the message is never the first thing after the
 * trigger (a 10-minute delay comes first), so repeated triggers cannot burst messages.
 *
 * Goal: "Signed Up" anywhere in the journey. Exit: "Unsubscribed".
 */
export const welcomeJourney: JourneyGraphInput = {
  id: 'welcome-identify-attract',
  name: 'Welcome: e-book leads and product viewers',
  description:
    'Identify & attract: answer an e-book download with more on that title and a trial invitation; add product viewers to the retargeting audience.',
  nodes: [
    {
      id: 'ebook-trigger',
      kind: 'trigger_event',
      label: 'E-book downloaded',
      params: { event: 'E-book Downloaded' },
      position: { x: 0, y: 0 },
    },
    {
      id: 'ebook-new-lead',
      kind: 'condition_rule',
      label: 'New lead (no stage yet, or prospect)?',
      params: {
        rule: {
          kind: 'group',
          combinator: 'or',
          rules: [
            { kind: 'condition', field: 'customer.stage', operator: 'not_exists' },
            { kind: 'condition', field: 'customer.stage', operator: 'eq', value: 'selection' },
          ],
        },
      },
      position: { x: 250, y: 0 },
    },
    {
      id: 'ebook-set-stage',
      kind: 'set_stage',
      label: 'Stage: identify & attract',
      params: { stage: 'identify_attract' },
      position: { x: 500, y: 150 },
    },
    {
      id: 'ebook-delay',
      kind: 'wait_delay',
      label: 'Give them 10 minutes to open it',
      params: { duration: { amount: 10, unit: 'minutes' } },
      position: { x: 750, y: 0 },
    },
    {
      id: 'ebook-mail',
      kind: 'send_email',
      label: 'More on the e-book',
      params: {
        subject: 'More on "{{ trigger.properties.title }}"',
        body: [
          'Hi {{ customer.traits.first_name | default: "there" }},',
          '',
          'thanks for downloading "{{ trigger.properties.title }}". Here are the three chapters readers find most useful, a checklist to go with them and a recorded walkthrough.',
          '',
          'The Rapport team',
        ].join('\n'),
        from: 'hello@rapport.example',
      },
      position: { x: 1000, y: 0 },
    },
    {
      id: 'ebook-nurture-delay',
      kind: 'wait_delay',
      label: 'Wait 3 days',
      params: { duration: { amount: 3, unit: 'days' } },
      position: { x: 1250, y: 0 },
    },
    {
      id: 'ebook-trial-mail',
      kind: 'send_email',
      label: 'Invite to a free trial',
      params: {
        subject: '{{ customer.traits.first_name | default: "Hi" }}, put "{{ trigger.properties.title }}" into practice',
        body: 'Try it yourself: start your free 14-day trial today, no credit card needed.',
        from: 'hello@rapport.example',
      },
      position: { x: 1500, y: 0 },
    },
    {
      id: 'ebook-signup-window',
      kind: 'wait_delay',
      label: 'Sign-up window: 4 more days',
      params: { duration: { amount: 4, unit: 'days' } },
      position: { x: 1750, y: 0 },
    },
    {
      id: 'ebook-exit',
      kind: 'exit',
      label: 'No sign-up within a week',
      params: { reason: 'no sign-up within a week of the download' },
      position: { x: 2000, y: 0 },
    },
    {
      id: 'product-trigger',
      kind: 'trigger_event',
      label: 'Product viewed',
      params: { event: 'Product Viewed' },
      position: { x: 0, y: 400 },
    },
    {
      id: 'audience-sync',
      kind: 'send_webhook',
      label: 'Add to retargeting audience',
      params: {
        method: 'POST',
        url: 'https://ads.example.com/v1/audiences/product-viewers/members',
        headers: { 'Content-Type': 'application/json' },
        body: '{"email": {{ customer.traits.email | json }}, "product_id": {{ trigger.properties.product_id | json }}}',
      },
      position: { x: 250, y: 400 },
    },
    {
      id: 'product-exit',
      kind: 'exit',
      label: 'Synced',
      params: { reason: 'added to the retargeting audience' },
      position: { x: 500, y: 400 },
    },
  ],
  edges: [
    { id: 'e-ebook-new-lead', source: 'ebook-trigger', outcome: 'next', target: 'ebook-new-lead' },
    { id: 'e-new-lead-stage', source: 'ebook-new-lead', outcome: 'yes', target: 'ebook-set-stage' },
    { id: 'e-known-lead-delay', source: 'ebook-new-lead', outcome: 'no', target: 'ebook-delay' },
    { id: 'e-stage-delay', source: 'ebook-set-stage', outcome: 'next', target: 'ebook-delay' },
    { id: 'e-delay-mail', source: 'ebook-delay', outcome: 'next', target: 'ebook-mail' },
    { id: 'e-mail-nurture', source: 'ebook-mail', outcome: 'next', target: 'ebook-nurture-delay' },
    { id: 'e-nurture-trial', source: 'ebook-nurture-delay', outcome: 'next', target: 'ebook-trial-mail' },
    { id: 'e-trial-window', source: 'ebook-trial-mail', outcome: 'next', target: 'ebook-signup-window' },
    { id: 'e-window-exit', source: 'ebook-signup-window', outcome: 'next', target: 'ebook-exit' },
    { id: 'e-product-sync', source: 'product-trigger', outcome: 'next', target: 'audience-sync' },
    { id: 'e-sync-exit', source: 'audience-sync', outcome: 'next', target: 'product-exit' },
  ],
  settings: {
    entry: { mode: 'every_time' },
    goal: { event: 'Signed Up' },
    exit: [{ type: 'event', event: 'Unsubscribed' }],
    timeZone: { use: 'customer', fallback: 'Europe/Berlin' },
  },
};
