import { defineNodeUi } from './BaseNode.js';

export const triggerSegmentLeftNode = defineNodeUi('trigger_segment_left', 'users', [
  { widget: 'segment', path: ['segmentId'], label: 'Segment' },
]);
