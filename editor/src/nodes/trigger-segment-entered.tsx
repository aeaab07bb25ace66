import { defineNodeUi } from './BaseNode.js';

export const triggerSegmentEnteredNode = defineNodeUi('trigger_segment_entered', 'users', [
  { widget: 'text', path: ['segmentId'], label: 'Segment', placeholder: 'engaged-readers' },
]);
