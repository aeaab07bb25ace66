import { defineNodeUi } from './BaseNode.js';

export const triggerSegmentEnteredNode = defineNodeUi('trigger_segment_entered', 'users', [
  { widget: 'segment', path: ['segmentId'], label: 'Segment' },
]);
