import { defineNodeUi } from './BaseNode.js';

export const switchClusterNode = defineNodeUi('switch_cluster', 'star', [
  { widget: 'clusters', path: ['clusters'], label: 'A branch for', help: 'Customers in other clusters (or not yet clustered) take “Default”.' },
]);
