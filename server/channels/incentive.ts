import { createHash } from 'node:crypto';
import { z } from 'zod';
import { parsePayload, type ChannelAdapter } from './adapter.js';

/** The `give_incentive` effect payload (workflows/nodes/actions/give-incentive.ts). */
const incentivePayload = z.object({
  customerId: z.string().optional(),
  type: z.enum(['coupon', 'percent_discount', 'amount_discount']),
  code: z.string().nullable().default(null),
  value: z.number(),
  currency: z.string(),
  expiresAt: z.number().nullable().default(null),
});

/** A code derived from the idempotency key: every retry of the effect issues the same code. */
export const incentiveCode = (idempotencyKey: string): string =>
  `RAP-${createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 8).toUpperCase()}`;

/**
 * Issues the incentive. There is no coupon provider yet: the issued incentive (with its code) is the
 * effect's result, which reports and the run trace read. A provider integration would call it
 * through `http.ts` here with the idempotency key.
 */
export const incentiveAdapter: ChannelAdapter = {
  async perform(effect) {
    const payload = parsePayload('incentive', incentivePayload, effect.payload);
    return {
      result: {
        code: payload.code ?? incentiveCode(effect.idempotencyKey),
        type: payload.type,
        value: payload.value,
        currency: payload.currency,
        expiresAt: payload.expiresAt,
      },
    };
  },
};
