import { defineNodeUi } from './BaseNode.js';
import { ruleHelp } from './options.js';

export const triggerEventNode = defineNodeUi('trigger_event', 'bolt', [
  { widget: 'text', path: ['event'], label: 'Event name', placeholder: 'Order Completed', help: 'The name of the track call, exactly as your site or app sends it.' },
  { widget: 'rule', path: ['rule'], label: 'Only when (optional)', optional: true, help: ruleHelp },
]);
