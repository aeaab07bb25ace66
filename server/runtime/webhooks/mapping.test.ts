import { describe, expect, it } from 'vitest';
import { applyMapping, webhookMappingSchema } from './mapping.js';

const payload = {
  type: 'order.completed',
  data: { customer: { id: 'cus_42', email: 'ada@example.com', number: 7 }, order: { total: 99.5, lines: [{ sku: 'A' }] } },
  list: [1, 2],
};
const headers = { 'x-topic': 'orders/paid' };
const input = { payload, headers };

describe('webhook mappings', () => {
  it('maps JSON paths to the customer, the event name and the properties', () => {
    expect(applyMapping({ customerId: '$.data.customer.id', event: '$.type', properties: '$.data.order' }, input)).toEqual({
      ok: true,
      event: { customerId: 'cus_42', name: 'order.completed', properties: { total: 99.5, lines: [{ sku: 'A' }] } },
    });
  });

  it('takes the whole payload as properties by default, a constant event name and numeric ids', () => {
    const result = applyMapping({ customerId: '$.data.customer.number', event: 'Order Completed' }, input);
    expect(result).toEqual({ ok: true, event: { customerId: '7', name: 'Order Completed', properties: payload } });
  });

  it('renders Liquid templates over payload and headers', () => {
    const result = applyMapping({ customerId: 'shop:{{ payload.data.customer.email | downcase }}', event: '{{ headers["x-topic"] }}' }, input);
    expect(result).toMatchObject({ ok: true, event: { customerId: 'shop:ada@example.com', name: 'orders/paid' } });
  });

  it('says why it finds no customer, no name or no object', () => {
    expect(applyMapping({ customerId: '$.data.customer.uid', event: '$.type' }, input)).toEqual({
      ok: false,
      reason: 'the mapping found no customer id: customerId "$.data.customer.uid" gave nothing (the payload has no such field)',
    });
    expect(applyMapping({ customerId: '$.data.customer', event: '$.type' }, input)).toMatchObject({ ok: false, reason: expect.stringContaining('gave an object') });
    expect(applyMapping({ customerId: '{{ payload.nothing }}', event: '$.type' }, input)).toMatchObject({ ok: false, reason: expect.stringContaining('gave an empty text') });
    expect(applyMapping({ customerId: '$.data.customer.id', event: '$.missing' }, input)).toMatchObject({ ok: false, reason: expect.stringContaining('found no event name') });
    expect(applyMapping({ customerId: '$.data.customer.id', event: 'x', properties: '$.list' }, input)).toMatchObject({ ok: false, reason: 'properties "$.list" gave an array; it must be an object' });
    expect(applyMapping({ customerId: '$[0]', event: 'x' }, { payload: ['cus_1'], headers })).toMatchObject({ ok: false, reason: expect.stringContaining('it must be an object') });
    expect(applyMapping({ customerId: '$.data.customer.id', event: 'x' }, { payload: { data: { customer: { id: 'x'.repeat(201) } } }, headers })).toMatchObject({ ok: false, reason: expect.stringContaining('longer than 200') });
  });

  it('validates mappings when they are saved', () => {
    expect(webhookMappingSchema.safeParse({ customerId: '$.customer.id', event: 'Order Completed' }).success).toBe(true);
    const problems = (mapping: unknown) => {
      const parsed = webhookMappingSchema.safeParse(mapping);
      return parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    };
    expect(problems({ customerId: 'cus_1', event: 'x' })).toEqual([expect.stringContaining('customerId: customerId must come from the payload')]);
    expect(problems({ customerId: '$..id', event: 'x' })).toEqual([expect.stringContaining('customerId: expected a property name')]);
    expect(problems({ customerId: '{{ customer.id }}', event: 'x' })).toEqual([expect.stringContaining('unknown variable "customer"')]);
    expect(problems({ customerId: '{{ payload.id | nope }}', event: 'x' })).toEqual([expect.stringContaining('template error')]);
    expect(problems({ customerId: '{% include "x" %}', event: 'x' })).toEqual([expect.stringContaining('cannot load files')]);
    expect(problems({ customerId: '$.id', event: 'x', properties: 'data' })).toEqual([expect.stringContaining('properties is a JSON path')]);
    expect(problems({ customerId: '$.id', event: 'x', extra: 1 })).not.toEqual([]);
  });
});
