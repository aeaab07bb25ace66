import { defineNodeUi } from './BaseNode.js';

export const switchStageNode = defineNodeUi('switch_stage', 'layers', [
  { widget: 'stages', path: ['stages'], label: 'A branch for each stage', help: 'Customers in any other stage take “Default”.' },
]);
