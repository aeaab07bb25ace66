import { z } from 'zod';
import { parsePayload, type ChannelAdapter } from './adapter.js';

/** The `record_conversion` effect payload (workflows/nodes/actions/record-conversion.ts). */
const conversionPayload = z.object({ name: z.string(), value: z.number().nullable().default(null), customerId: z.string().optional() });

/** Conversions are bookkeeping: the effect row itself is the record; nothing leaves the system. */
export const conversionAdapter: ChannelAdapter = {
  async perform(effect) {
    const payload = parsePayload('conversion', conversionPayload, effect.payload);
    return { result: { recorded: true, name: payload.name, value: payload.value } };
  },
};
