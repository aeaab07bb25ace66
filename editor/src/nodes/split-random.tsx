import { defineNodeUi } from './BaseNode.js';

export const splitRandomNode = defineNodeUi('split_random', 'split', [
  { widget: 'branches', path: ['branches'], label: 'Branches', help: 'Weights are percentages and add up to 100. A customer always gets the same branch.' },
]);
