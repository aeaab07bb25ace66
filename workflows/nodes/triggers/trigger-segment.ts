import { z } from 'zod';
import { passThrough } from '../fragments.js';
import { defineNodeKind } from '../kind.js';

const params = z.object({ segmentId: z.string().min(1, 'pick a segment').max(200) });

const segmentTrigger = (direction: 'entered' | 'left') =>
  defineNodeKind({
    kind: direction === 'entered' ? 'trigger_segment_entered' : 'trigger_segment_left',
    category: 'trigger',
    label: direction === 'entered' ? 'Segment entered' : 'Segment left',
    description: `Starts when the customer ${direction === 'entered' ? 'enters' : 'leaves'} a dynamic segment.`,
    docs: `Starts a run when segment membership is recomputed and the customer has ${direction} the segment \`segmentId\`. Outcome: \`next\`.`,
    params,
    example: { segmentId: 'engaged-readers' },
    outcomes: () => ['next'],
    summary: (p) => `When customer ${direction === 'entered' ? 'enters' : 'leaves'} segment ${p.segmentId}`,
    compile: (_p, ctx) => passThrough(ctx),
    trigger: {
      eventTypes: [direction === 'entered' ? 'segment_entered' : 'segment_left'],
      matches: (p, event) => ({
        result: (event.type === 'segment_entered' || event.type === 'segment_left') &&
          event.type === `segment_${direction}` &&
          event.segmentId === p.segmentId,
        seen: [],
      }),
      repeatable: () => true,
    },
    references: (p) => [{ type: 'segment', id: p.segmentId, path: ['segmentId'] }],
  });

export const triggerSegmentEntered = segmentTrigger('entered');
export const triggerSegmentLeft = segmentTrigger('left');
