import { defineNodeUi } from './BaseNode.js';

export const exitNode = defineNodeUi('exit', 'exit', [{ widget: 'text', path: ['reason'], label: 'Reason (optional)', optional: true, placeholder: 'farewell sent' }]);
