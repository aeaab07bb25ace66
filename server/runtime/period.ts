import { z } from 'zod';
import { badRequest } from '../errors.js';

/** A `?from&to` period of a report: ISO 8601 times with an offset or epoch milliseconds; default the last 30 days before `to` (now). */
export const periodQuerySchema = z.object({
  from: z.union([z.iso.datetime({ offset: true }), z.coerce.number().int()]).optional(),
  to: z.union([z.iso.datetime({ offset: true }), z.coerce.number().int()]).optional(),
});
export type PeriodQuery = z.infer<typeof periodQuerySchema>;

const toMs = (value: string | number): number => (typeof value === 'number' ? value : Date.parse(value));

/** `[from, to)` in epoch ms; a 400 when from is after to. */
export const resolvePeriod = (query: PeriodQuery, now: number): { from: number; to: number } => {
  const to = query.to !== undefined ? toMs(query.to) : now;
  const from = query.from !== undefined ? toMs(query.from) : to - 30 * 86_400_000;
  if (from > to) throw badRequest('from must not be after to', [{ path: ['query', 'from'], message: 'after to' }]);
  return { from, to };
};
