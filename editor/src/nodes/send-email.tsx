import { defineNodeUi } from './BaseNode.js';

export const sendEmailNode = defineNodeUi('send_email', 'mail', [
  { widget: 'template', path: ['subject'], label: 'Subject', placeholder: 'Hi {{ customer.traits.first_name | default: "there" }}' },
  { widget: 'template', path: ['body'], label: 'Body', multiline: true },
  { widget: 'text', path: ['from'], label: 'From (optional)', optional: true, placeholder: 'Rapport <hello@example.com>' },
]);
