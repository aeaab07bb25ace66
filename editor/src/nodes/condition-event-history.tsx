import { defineNodeUi } from './BaseNode.js';

export const conditionEventHistoryNode = defineNodeUi('condition_event_history', 'history', [
  { widget: 'text', path: ['event'], label: 'Event name', placeholder: 'Product Viewed' },
  { widget: 'number', path: ['atLeast'], label: 'At least', min: 1, step: 1, suffix: 'times' },
  { widget: 'number', path: ['withinDays'], label: 'In the last', min: 1, step: 1, suffix: 'days' },
  { widget: 'rule', path: ['rule'], label: 'Only counting events where (optional)', optional: true },
]);
