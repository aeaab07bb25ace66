import { defineNodeUi } from './BaseNode.js';

export const notifyTeamNode = defineNodeUi('notify_team', 'bell', [
  { widget: 'select', path: ['via'], label: 'Via', options: [{ value: 'chat', label: 'Team chat' }, { value: 'webhook', label: 'Webhook URL' }] },
  { widget: 'text', path: ['target'], label: 'Channel or URL', placeholder: '#vip-alerts' },
  { widget: 'template', path: ['message'], label: 'Message', multiline: true },
]);
