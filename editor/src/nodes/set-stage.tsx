import { defineNodeUi } from './BaseNode.js';

export const setStageNode = defineNodeUi('set_stage', 'flag', [{ widget: 'stage', path: ['stage'], label: 'Move the customer to' }]);
