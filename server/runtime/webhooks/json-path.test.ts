import { describe, expect, it } from 'vitest';
import { evaluateJsonPath, parseJsonPath, readJsonPath } from './json-path.js';

const order = {
  id: 'ord_1',
  customer: { id: 'cus_42', 'e-mail': 'ada@example.com', 'first name': 'Ada', tags: ['vip', 'eu'] },
  lines: [{ sku: 'A', qty: 2 }, { sku: 'B', qty: 1 }],
  total: 0,
  paid: false,
  note: null,
};

describe('JSON path (webhook mappings)', () => {
  it('reads dotted names, indexes and quoted names', () => {
    expect(evaluateJsonPath(order, '$')).toBe(order);
    expect(evaluateJsonPath(order, '$.customer.id')).toBe('cus_42');
    expect(evaluateJsonPath(order, '$.customer.e-mail')).toBe('ada@example.com');
    expect(evaluateJsonPath(order, '$.customer["first name"]')).toBe('Ada');
    expect(evaluateJsonPath(order, "$['customer']['tags'][1]")).toBe('eu');
    expect(evaluateJsonPath(order, '$.lines[0].sku')).toBe('A');
    expect(evaluateJsonPath(order, '$.lines[1]')).toEqual({ sku: 'B', qty: 1 });
    expect(evaluateJsonPath({ 'a"b': 1 }, '$["a\\"b"]')).toBe(1);
  });

  it('keeps falsy values and null apart from missing', () => {
    expect(evaluateJsonPath(order, '$.total')).toBe(0);
    expect(evaluateJsonPath(order, '$.paid')).toBe(false);
    expect(evaluateJsonPath(order, '$.note')).toBeNull();
    expect(evaluateJsonPath(order, '$.missing')).toBeUndefined();
    expect(evaluateJsonPath(order, '$.lines[5].sku')).toBeUndefined();
    expect(evaluateJsonPath(order, '$.id.length')).toBeUndefined();
    expect(evaluateJsonPath(order, '$.note.x')).toBeUndefined();
    expect(evaluateJsonPath('text', '$.length')).toBeUndefined();
  });

  it('reads only own data properties, never the prototype', () => {
    expect(evaluateJsonPath(order, '$.toString')).toBeUndefined();
    expect(evaluateJsonPath(order, '$.customer.hasOwnProperty')).toBeUndefined();
    expect(evaluateJsonPath(order, '$.lines.length')).toBeUndefined();
    expect(evaluateJsonPath(order, '$.lines.map')).toBeUndefined();
    const withGetter = Object.defineProperty({}, 'secret', { get: () => 'leaked', enumerable: true });
    expect(evaluateJsonPath(withGetter, '$.secret')).toBeUndefined();
    const inherited = Object.create({ inherited: 'no' }) as Record<string, unknown>;
    expect(evaluateJsonPath(inherited, '$.inherited')).toBeUndefined();
    // JSON.parse makes "__proto__" an own key; it still never resolves.
    const parsed = JSON.parse('{"__proto__": {"polluted": true}, "constructor": {"name": "x"}}') as unknown;
    expect(readJsonPath(parsed, ['__proto__'])).toBeUndefined();
    expect(readJsonPath(parsed, ['constructor'])).toBeUndefined();
  });

  it('resolves only canonical array indexes', () => {
    expect(readJsonPath(['a', 'b'], ['1'])).toBe('b');
    expect(readJsonPath(['a', 'b'], ['01'])).toBeUndefined();
    expect(readJsonPath(['a', 'b'], ['-1'])).toBeUndefined();
    expect(readJsonPath(['a', 'b'], ['length'])).toBeUndefined();
  });

  it('rejects malformed and dangerous paths with a reason', () => {
    for (const [path, reason] of [
      ['customer.id', 'starts with "$"'],
      ['$.', 'property name after "."'],
      ['$..id', 'property name after "."'],
      ['$.a[', 'expected [<index>]'],
      ['$.a[*]', 'expected [<index>]'],
      ['$.a[?(@.x)]', 'expected [<index>]'],
      ['$.a[01]', 'without leading zeros'],
      ['$ .a', 'unexpected'],
      ['$.__proto__.x', '"__proto__" cannot be read'],
      ['$["constructor"]', '"constructor" cannot be read'],
      ['$.a.prototype', '"prototype" cannot be read'],
      [`$${'.a'.repeat(40)}`, 'at most 32 steps'],
    ] as const) {
      const parsed = parseJsonPath(path);
      expect(parsed.ok, path).toBe(false);
      if (!parsed.ok) expect(parsed.error, path).toContain(reason);
    }
    expect(() => evaluateJsonPath(order, 'id')).toThrow(/starts with "\$"/);
  });
});
