import { z } from 'zod';
import { timeOfDaySchema, weekdaySchema } from '../../time.js';
import { toJson } from '../fragments.js';
import { defineNodeKind } from '../kind.js';

export const waitUntil = defineNodeKind({
  kind: 'wait_until',
  category: 'wait',
  label: 'Wait until',
  description: 'Waits for a weekday/time window in the customer\'s time zone, or for a date trait.',
  docs: 'Two modes. `window`: waits until the customer\'s local time is on one of `days` (mon…sun) between `from` and `to` (HH:MM; `to` earlier than `from` means the window crosses midnight); a customer already inside the window moves on at once. `date_trait`: waits until the date in trait `trait`, shifted by the optional `offset` (hours or days, before or after); a missing, unreadable or past date moves on at once. Time zone: the customer\'s `timezone`, else the journey\'s fallback. Outcome: `next`.',
  params: z.discriminatedUnion('mode', [
    z.object({
      mode: z.literal('window'),
      days: z.array(weekdaySchema).min(1, 'pick at least one weekday'),
      from: timeOfDaySchema,
      to: timeOfDaySchema,
    }),
    z.object({
      mode: z.literal('date_trait'),
      trait: z.string().min(1, 'name the date trait').max(200),
      offset: z
        .object({ amount: z.number().int().min(0).max(3650), unit: z.enum(['hours', 'days']), direction: z.enum(['before', 'after']) })
        .optional(),
    }),
  ]),
  example: { mode: 'window', days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '09:00', to: '17:00' },
  outcomes: () => ['next'],
  summary: (p) =>
    p.mode === 'window'
      ? `Wait until ${p.days.join('/')} ${p.from}–${p.to}`
      : `Wait until ${p.offset ? `${p.offset.amount} ${p.offset.unit} ${p.offset.direction} ` : ''}${p.trait}`,
  compile: (p, ctx) => {
    const ref =
      p.mode === 'window'
        ? { type: 'rapport.until_window', params: toJson({ days: p.days, from: p.from, to: p.to }) }
        : { type: 'rapport.until_date', params: toJson({ trait: p.trait, offset: p.offset }) };
    return { after: { [ctx.delay('until', ref)]: [{ target: ctx.target('next') }] } };
  },
  waits: true,
});
