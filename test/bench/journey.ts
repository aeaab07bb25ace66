import type { SegmentCall } from './load.js';

/** The bench journey: a condition, an email, a wait-for-event; each Order Completed sends a confirmation and waits again. */
export const benchJourney = {
  id: 'bench-orders',
  name: 'Bench: orders',
  nodes: [
    { id: 'signup', kind: 'trigger_event', params: { event: 'Signed Up' } },
    {
      id: 'check',
      kind: 'condition_rule',
      params: {
        rule: {
          kind: 'group',
          combinator: 'and',
          rules: [
            { kind: 'condition', field: 'customer.traits.email', operator: 'exists' },
            { kind: 'condition', field: 'trigger.properties.plan', operator: 'in', value: ['pro', 'team'] },
          ],
        },
      },
    },
    { id: 'welcome', kind: 'send_email', params: { subject: 'Welcome, {{ customer.traits.first_name }}', body: 'Thanks for signing up.' } },
    { id: 'wait', kind: 'wait_for_event', params: { event: 'Order Completed', timeout: { amount: 30, unit: 'days' } } },
    { id: 'thanks', kind: 'send_email', params: { subject: 'Order {{ event.properties.orderId }} confirmed', body: 'Thank you for your order.' } },
    { id: 'farewell', kind: 'send_email', params: { subject: 'We miss you', body: 'It has been a while.' } },
    { id: 'bye', kind: 'exit', params: { reason: 'no order' } },
    { id: 'skip', kind: 'exit', params: { reason: 'not eligible' } },
  ],
  edges: [
    { id: 'e1', source: 'signup', outcome: 'next', target: 'check' },
    { id: 'e2', source: 'check', outcome: 'yes', target: 'welcome' },
    { id: 'e3', source: 'check', outcome: 'no', target: 'skip' },
    { id: 'e4', source: 'welcome', outcome: 'next', target: 'wait' },
    { id: 'e5', source: 'wait', outcome: 'received', target: 'thanks' },
    { id: 'e6', source: 'thanks', outcome: 'next', target: 'wait' },
    { id: 'e7', source: 'wait', outcome: 'timed_out', target: 'farewell' },
    { id: 'e8', source: 'farewell', outcome: 'next', target: 'bye' },
  ],
};

export const customerId = (i: number) => `c${i}`;
export const signUp = (i: number): SegmentCall[] => [
  { type: 'identify', messageId: `identify-${i}`, userId: customerId(i), traits: { email: `${customerId(i)}@example.com`, first_name: `Customer ${i}`, plan: 'pro' } },
  { type: 'track', messageId: `signup-${i}`, userId: customerId(i), event: 'Signed Up', properties: { plan: 'pro' } },
];
let orderCounter = 0;
export const order = (i: number): { orderId: string; call: SegmentCall } => {
  orderCounter += 1;
  const orderId = `o${orderCounter}`;
  return { orderId, call: { type: 'track', messageId: orderId, userId: customerId(i), event: 'Order Completed', properties: { orderId, total: 42.5, currency: 'EUR' } } };
};

