import { defineNodeUi } from './BaseNode.js';

export const goalReachedNode = defineNodeUi('goal_reached', 'trophy', [
  { widget: 'text', path: ['label'], label: 'What was reached (optional)', optional: true, placeholder: 'bought again' },
]);
