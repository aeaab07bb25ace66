import { defineNodeUi } from './BaseNode.js';

export const triggerTraitChangedNode = defineNodeUi('trigger_trait_changed', 'user', [
  { widget: 'text', path: ['trait'], label: 'Trait', placeholder: 'plan' },
  { widget: 'scalar', path: ['from'], label: 'From (optional)', optional: true, placeholder: 'any value', help: 'Numbers, true/false and null are read as such; put text in quotes to force text.' },
  { widget: 'scalar', path: ['to'], label: 'To (optional)', optional: true, placeholder: 'any value' },
]);
