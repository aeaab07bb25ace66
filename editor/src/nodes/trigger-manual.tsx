import { defineNodeUi } from './BaseNode.js';

export const triggerManualNode = defineNodeUi('trigger_manual', 'hand', [
  { widget: 'text', path: ['note'], label: 'Note (optional)', optional: true, placeholder: 'Who enrols customers here, and why' },
]);
