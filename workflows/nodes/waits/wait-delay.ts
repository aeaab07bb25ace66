import { z } from 'zod';
import { durationMs, durationSchema, formatDuration } from '../../duration.js';
import { defineNodeKind } from '../kind.js';

export const waitDelay = defineNodeKind({
  kind: 'wait_delay',
  category: 'wait',
  label: 'Delay',
  description: 'Waits a fixed time (minutes, hours, days, weeks).',
  docs: 'Pauses the run for `duration` ({ amount, unit } with unit minutes, hours, days or weeks). The delay is a durable timer: it survives restarts and fires within a second of its due time. Outcome: `next`.',
  params: z.object({ duration: durationSchema }),
  example: { duration: { amount: 3, unit: 'days' } },
  outcomes: () => ['next'],
  summary: (p) => `Wait ${formatDuration(p.duration)}`,
  compile: (p, ctx) => ({
    after: { [ctx.delay('delay', { type: 'rapport.duration', params: { ms: durationMs(p.duration) } })]: [{ target: ctx.target('next') }] },
  }),
  waits: true,
});
