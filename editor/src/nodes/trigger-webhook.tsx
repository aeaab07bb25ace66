import { defineNodeUi } from './BaseNode.js';
import { ruleHelp } from './options.js';

export const triggerWebhookNode = defineNodeUi('trigger_webhook', 'webhook', [
  { widget: 'text', path: ['sourceId'], label: 'Webhook source', placeholder: 'shop' },
  { widget: 'text', path: ['event'], label: 'Event name (optional)', optional: true, placeholder: 'Delivery Confirmed' },
  { widget: 'rule', path: ['rule'], label: 'Only when (optional)', optional: true, help: ruleHelp },
]);
