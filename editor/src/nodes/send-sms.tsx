import { defineNodeUi } from './BaseNode.js';

export const sendSmsNode = defineNodeUi('send_sms', 'message', [{ widget: 'template', path: ['body'], label: 'Message', multiline: true }]);
