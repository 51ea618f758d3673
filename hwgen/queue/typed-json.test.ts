/** Typed arrays through JSON and back, bit for bit, as a cost job's workload crosses Redis. */
import { describe, expect, it } from 'vitest';
import { decodeTypedJson, encodeTypedJson } from './typed-json.ts';

describe('typed JSON', () => {
  it('brings back every typed array with its type and bytes, odd offsets and extremes included', () => {
    const backing = new Uint8Array([9, 1, 2, 3, 4, 5, 6, 7, 8]);
    const value = {
      weights: Int8Array.from([-128, -1, 0, 127]),
      levels: new Uint8Array(backing.buffer, 1, 5),
      theta: Int32Array.from([1, -2147483648, 2147483647]),
      nested: [{ outputs: new Uint8Array(0) }],
      plain: { n: 0.1 + 0.2, text: 'x' },
    };
    const back = decodeTypedJson(encodeTypedJson(value)) as typeof value;
    expect(back).toEqual(value);
    expect(back.weights).toBeInstanceOf(Int8Array);
    expect(back.levels).toBeInstanceOf(Uint8Array);
    expect([...back.levels]).toEqual([1, 2, 3, 4, 5]);
    expect(back.theta).toBeInstanceOf(Int32Array);
    expect(encodeTypedJson({ a: Int8Array.from([-1, 1]) })).toBe('{"a":{"$typed":"Int8Array","base64":"/wE="}}');
  });
});
