import { defineNodeUi } from './BaseNode.js';

export const triggerSegmentLeftNode = defineNodeUi('trigger_segment_left', 'users', [
  { widget: 'text', path: ['segmentId'], label: 'Segment', placeholder: 'engaged-readers' },
]);
