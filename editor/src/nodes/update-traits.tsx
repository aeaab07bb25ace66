import { defineNodeUi } from './BaseNode.js';

export const updateTraitsNode = defineNodeUi('update_traits', 'edit', [
  { widget: 'traits', path: ['set'], label: 'Set traits' },
  { widget: 'lines', path: ['unset'], label: 'Remove traits', placeholder: 'trait name', addLabel: 'Add a trait to remove' },
]);
