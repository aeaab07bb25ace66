import { defineNodeUi } from './BaseNode.js';

export const conditionRuleNode = defineNodeUi('condition_rule', 'branch', [
  { widget: 'rule', path: ['rule'], label: 'Customers go the “Yes” way when', help: 'Everyone else goes the “No” way.' },
]);
