import { z } from 'zod';
import { effectState } from '../fragments.js';
import { defineNodeKind } from '../kind.js';

export const giveIncentive = defineNodeKind({
  kind: 'give_incentive',
  category: 'action',
  label: 'Give incentive',
  description: 'Issues a coupon or discount and books its cost.',
  docs: 'Issues an incentive to the customer: `type` is `coupon` (a fixed `code`, or generated when omitted), `percent_discount` or `amount_discount` with `value`. `cost` (in the workspace currency) is what the incentive is expected to cost and counts toward the journey\'s and the cluster\'s cost. `expiresInDays` sets its validity. Outcome: `next`.',
  params: z.object({
    type: z.enum(['coupon', 'percent_discount', 'amount_discount']),
    code: z.string().min(1).max(100).optional(),
    value: z.number().min(0).max(1_000_000),
    cost: z.number().min(0).max(1_000_000),
    currency: z.string().regex(/^[A-Z]{3}$/, 'a currency is a 3-letter ISO code, e.g. "EUR"').default('EUR'),
    expiresInDays: z.number().int().min(1).max(3650).optional(),
  }).refine((p) => p.type !== 'percent_discount' || p.value <= 100, { message: 'a percent discount is at most 100', path: ['value'] }),
  example: { type: 'percent_discount', value: 15, cost: 12, currency: 'EUR', expiresInDays: 14 },
  outcomes: () => ['next'],
  summary: (p) =>
    `Give ${p.type === 'percent_discount' ? `${p.value}% off` : p.type === 'amount_discount' ? `${p.value} ${p.currency} off` : `coupon ${p.code ?? ''}`.trim()} (cost ${p.cost} ${p.currency})`,
  compile: (p, ctx) => effectState(ctx, 'give_incentive', p),
  effect: (p, scope) => ({
    channel: 'incentive',
    cost: p.cost,
    payload: {
      customerId: scope.customer.id,
      type: p.type,
      code: p.code ?? null,
      value: p.value,
      currency: p.currency,
      expiresAt: p.expiresInDays === undefined ? null : scope.now + p.expiresInDays * 86_400_000,
    },
  }),
});
