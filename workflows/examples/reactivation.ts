import type { JourneyGraphInput } from '../graph.js';

/**
 * Keep & reactivate. When the lifecycle rules move a customer to `keep_reactivate`, a reminder
 * email goes out at once. Customers who have not started a session for 30 days also get an SMS
 * (if we have their number and SMS consent), sent only on a weekday between 09:00 and 17:00 in
 * their own time zone; a customer who starts a session while the SMS waits for that window
 * counts as reactivated without it. A session within 7 days after the messages counts as
 * reactivated too (back to `retain_develop`); otherwise they are tagged "dormant" for the
 * win-back programme.
 *
 * Exit: as soon as something else moves the customer out of `keep_reactivate` (e.g. an order put
 * them back in retain & develop), the journey has nothing left to do.
 *
 * Entry: every time the stage changes to keep & reactivate, at most once per 30 days.
 */
export const reactivationJourney: JourneyGraphInput = {
  id: 'reactivation-dormant',
  name: 'Reactivate dormant customers',
  description: 'Reminder email, a weekday-daytime SMS for customers without a session in 30 days, and a 7-day window to come back.',
  nodes: [
    {
      id: 'keep-reactivate-trigger',
      kind: 'trigger_stage_changed',
      label: 'Moved to keep & reactivate',
      params: { to: 'keep_reactivate' },
      position: { x: 0, y: 0 },
    },
    {
      id: 'reminder-mail',
      kind: 'send_email',
      label: 'Reminder email',
      params: {
        subject: '{{ customer.traits.first_name | default: "Hi" }}, here is what is new since your last visit',
        body: 'We have added new collections and saved your wish list. Have a look: https://shop.example.com/new?utm_campaign=reactivation',
        from: 'hello@rapport.example',
      },
      position: { x: 250, y: 0 },
    },
    {
      id: 'recent-session',
      kind: 'condition_event_history',
      label: 'Session in the last 30 days?',
      params: { event: 'Session Started', atLeast: 1, withinDays: 30 },
      position: { x: 500, y: 0 },
    },
    {
      id: 'sms-allowed',
      kind: 'condition_rule',
      label: 'Phone number and SMS consent?',
      params: {
        rule: {
          kind: 'group',
          combinator: 'and',
          rules: [
            { kind: 'condition', field: 'customer.traits.phone', operator: 'exists' },
            { kind: 'condition', field: 'customer.consent.sms', operator: 'is_true' },
          ],
        },
      },
      position: { x: 750, y: 250 },
    },
    {
      id: 'sms-window',
      kind: 'wait_until',
      label: 'Weekday, 09:00–17:00 local time',
      params: { mode: 'window', days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '09:00', to: '17:00' },
      position: { x: 1000, y: 250 },
    },
    {
      id: 'came-back',
      kind: 'condition_event_history',
      label: 'Came back while we waited?',
      // The window wait lasts under 3 days (Friday 17:00 → Monday 09:00 at most), and only customers
      // without a session in the 30 days before the trigger get here, so a session counted now
      // happened during the wait.
      params: { event: 'Session Started', atLeast: 1, withinDays: 3 },
      position: { x: 1250, y: 250 },
    },
    {
      id: 'reminder-sms',
      kind: 'send_sms',
      label: 'Reminder SMS',
      params: { body: 'Hi {{ customer.traits.first_name | default: "there" }}, we saved your wish list: https://shop.example.com/w Reply STOP to opt out.' },
      position: { x: 1500, y: 250 },
    },
    {
      id: 'session-wait',
      kind: 'wait_for_event',
      label: 'Session within 7 days?',
      params: { event: 'Session Started', timeout: { amount: 7, unit: 'days' } },
      position: { x: 1750, y: 0 },
    },
    {
      id: 'reactivated-stage',
      kind: 'set_stage',
      label: 'Stage: retain & develop',
      params: { stage: 'retain_develop' },
      position: { x: 2000, y: 0 },
    },
    {
      id: 'reactivated-goal',
      kind: 'goal_reached',
      label: 'Reactivated',
      params: { label: 'reactivated' },
      position: { x: 2250, y: 0 },
    },
    {
      id: 'dormant-tag',
      kind: 'add_tag',
      label: 'Tag "dormant"',
      params: { tag: 'dormant' },
      position: { x: 2000, y: 250 },
    },
    {
      id: 'dormant-exit',
      kind: 'exit',
      label: 'Still dormant',
      params: { reason: 'no session within 7 days; tagged dormant' },
      position: { x: 2250, y: 250 },
    },
  ],
  edges: [
    { id: 'e-trigger-mail', source: 'keep-reactivate-trigger', outcome: 'next', target: 'reminder-mail' },
    { id: 'e-mail-history', source: 'reminder-mail', outcome: 'next', target: 'recent-session' },
    { id: 'e-recent-wait', source: 'recent-session', outcome: 'yes', target: 'session-wait' },
    { id: 'e-not-recent-sms', source: 'recent-session', outcome: 'no', target: 'sms-allowed' },
    { id: 'e-sms-window', source: 'sms-allowed', outcome: 'yes', target: 'sms-window' },
    { id: 'e-no-sms-wait', source: 'sms-allowed', outcome: 'no', target: 'session-wait' },
    { id: 'e-window-came-back', source: 'sms-window', outcome: 'next', target: 'came-back' },
    { id: 'e-came-back-stage', source: 'came-back', outcome: 'yes', target: 'reactivated-stage' },
    { id: 'e-not-back-sms', source: 'came-back', outcome: 'no', target: 'reminder-sms' },
    { id: 'e-sms-wait', source: 'reminder-sms', outcome: 'next', target: 'session-wait' },
    { id: 'e-session-stage', source: 'session-wait', outcome: 'received', target: 'reactivated-stage' },
    { id: 'e-stage-goal', source: 'reactivated-stage', outcome: 'next', target: 'reactivated-goal' },
    { id: 'e-timeout-tag', source: 'session-wait', outcome: 'timed_out', target: 'dormant-tag' },
    { id: 'e-tag-exit', source: 'dormant-tag', outcome: 'next', target: 'dormant-exit' },
  ],
  settings: {
    entry: { mode: 'every_time', cooldown: { amount: 30, unit: 'days' } },
    exit: [{ type: 'rule', rule: { kind: 'condition', field: 'customer.stage', operator: 'neq', value: 'keep_reactivate' } }],
    timeZone: { use: 'customer', fallback: 'Europe/Berlin' },
  },
};
