import { defineNodeUi } from './BaseNode.js';

export const triggerStageChangedNode = defineNodeUi('trigger_stage_changed', 'stairs', [
  { widget: 'stage', path: ['from'], label: 'From stage (optional)', optional: true },
  { widget: 'stage', path: ['to'], label: 'To stage (optional)', optional: true },
]);
