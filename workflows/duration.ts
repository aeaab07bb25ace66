import { z } from 'zod';

export const durationUnitSchema = z.enum(['minutes', 'hours', 'days', 'weeks']);
export type DurationUnit = z.infer<typeof durationUnitSchema>;

export const durationSchema = z.object({
  amount: z.number().int('use a whole number; pick a smaller unit for fractions').min(0).max(100_000),
  unit: durationUnitSchema,
});
export type Duration = z.infer<typeof durationSchema>;

const unitMs: Record<DurationUnit, number> = {
  minutes: 60_000,
  hours: 3_600_000,
  days: 86_400_000,
  weeks: 604_800_000,
};

export const durationMs = (duration: Duration): number => duration.amount * unitMs[duration.unit];

export const formatDuration = (duration: Duration): string => {
  const unit = duration.amount === 1 ? duration.unit.slice(0, -1) : duration.unit;
  return `${duration.amount} ${unit}`;
};
