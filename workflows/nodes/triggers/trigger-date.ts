import { z } from 'zod';
import { timeOfDaySchema } from '../../time.js';
import { passThrough } from '../fragments.js';
import { defineNodeKind } from '../kind.js';

export const triggerDate = defineNodeKind({
  kind: 'trigger_date',
  category: 'trigger',
  label: 'Date reached',
  description: 'Starts N days/hours before or after a date trait (renewal, birthday), at a local time of day.',
  docs: 'Starts a run relative to a date held in a customer trait (e.g. `renewal_date`, `birthday`). With a `days` offset the run starts on that local calendar day at `at` (HH:MM, default 09:00) in the customer\'s time zone; with an `hours` offset it starts exactly that many hours from the date. `yearly: true` repeats on every anniversary (29 February falls on 28 February in other years). The runtime schedules the start; the trigger listens to `date_reached`. Outcome: `next`.',
  params: z.object({
    trait: z.string().min(1, 'name the date trait, e.g. "renewal_date"').max(200),
    direction: z.enum(['before', 'after']),
    offset: z.object({ amount: z.number().int().min(0).max(3650), unit: z.enum(['hours', 'days']) }),
    at: timeOfDaySchema.optional(),
    yearly: z.boolean().default(false),
  }),
  example: { trait: 'renewal_date', direction: 'before', offset: { amount: 30, unit: 'days' }, at: '09:00', yearly: false },
  outcomes: () => ['next'],
  summary: (p) =>
    `${p.offset.amount} ${p.offset.unit} ${p.direction} ${p.trait}${p.offset.unit === 'days' ? ` at ${p.at ?? '09:00'}` : ''}${p.yearly ? ', every year' : ''}`,
  compile: (_p, ctx) => passThrough(ctx),
  trigger: {
    eventTypes: ['date_reached'],
    matches: (_p, event, ctx) => ({
      result: event.type === 'date_reached' && event.journeyId === ctx.journeyId && event.nodeId === ctx.nodeId,
      seen: [],
    }),
    repeatable: (p) => p.yearly,
  },
});
