import { defineNodeUi } from './BaseNode.js';

export const giveIncentiveNode = defineNodeUi('give_incentive', 'gift', [
  {
    widget: 'select',
    path: ['type'],
    label: 'Incentive',
    options: [
      { value: 'percent_discount', label: 'Percent discount' },
      { value: 'amount_discount', label: 'Amount discount' },
      { value: 'coupon', label: 'Coupon' },
    ],
  },
  { widget: 'text', path: ['code'], label: 'Coupon code (optional)', optional: true, placeholder: 'generated when empty' },
  { widget: 'number', path: ['value'], label: 'Value', min: 0, step: 1 },
  { widget: 'text', path: ['currency'], label: 'Currency', placeholder: 'EUR' },
  { widget: 'number', path: ['cost'], label: 'Expected cost', min: 0, step: 0.01, help: 'Counts toward the journey’s and the cluster’s cost.' },
  { widget: 'number', path: ['expiresInDays'], label: 'Valid for (optional)', min: 1, step: 1, suffix: 'days', optional: true },
]);
