import { defineNodeUi } from './BaseNode.js';

export const recordConversionNode = defineNodeUi('record_conversion', 'target', [
  { widget: 'text', path: ['name'], label: 'Conversion name', placeholder: 'referral_sent' },
  { widget: 'number', path: ['value'], label: 'Value (optional)', min: 0, step: 0.01, optional: true },
]);
