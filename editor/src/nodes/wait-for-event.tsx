import { defineNodeUi } from './BaseNode.js';

export const waitForEventNode = defineNodeUi('wait_for_event', 'inbox', [
  { widget: 'text', path: ['event'], label: 'Event name', placeholder: 'Order Completed' },
  { widget: 'duration', path: ['timeout'], label: 'Give up after', help: 'Customers who do not do it in time take “Timed out”.' },
  { widget: 'rule', path: ['rule'], label: 'Only when (optional)', optional: true },
]);
