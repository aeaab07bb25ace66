import { defineNodeUi } from './BaseNode.js';

export const sendWebhookNode = defineNodeUi('send_webhook', 'send', [
  { widget: 'select', path: ['method'], label: 'Method', options: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'].map((m) => ({ value: m, label: m })) },
  { widget: 'template', path: ['url'], label: 'URL', placeholder: 'https://example.com/hooks/rapport' },
  { widget: 'headers', path: ['headers'], label: 'Headers' },
  { widget: 'template', path: ['body'], label: 'Body (optional)', multiline: true, optional: true },
]);
