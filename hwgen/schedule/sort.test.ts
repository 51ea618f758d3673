import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ascendingOrder, descendingOrder } from './sort.ts';

/** The reference: a comparator sort of positions, ties by position. */
function referenceOrder(keys: number[], descending: boolean): number[] {
  const sign = descending ? -1 : 1;
  const compare = (x: number, y: number): number => (x < y ? -1 : x > y ? 1 : 0); // no ∞ − ∞ = NaN
  return keys.map((_, i) => i).sort((i, j) => sign * compare(keys[i] ?? 0, keys[j] ?? 0) || i - j);
}

const key = fc.oneof(
  fc.integer({ min: -3, max: 5 }), // many ties
  fc.double({ noNaN: true }), // every finite double, ±0 and ±∞
  fc.constantFrom(0, -0, Number.MIN_VALUE, -Number.MIN_VALUE, 1, 1 + Number.EPSILON, Number.MAX_VALUE, -Number.MAX_VALUE),
);

describe('radix orders', () => {
  it('sorts a hand example, ties in position order', () => {
    expect(Array.from(ascendingOrder([3, 1, 2, 1, 0]))).toEqual([4, 1, 3, 2, 0]);
    expect(Array.from(descendingOrder([3, 1, 2, 1, 0]))).toEqual([0, 2, 1, 3, 4]);
    expect(Array.from(ascendingOrder([]))).toEqual([]);
    expect(Array.from(ascendingOrder([1, -Infinity, -2, 0, Infinity, -0.5]))).toEqual([1, 2, 5, 3, 0, 4]);
  });

  it('agrees with a stable comparator sort on any keys but NaN', () => {
    fc.assert(
      fc.property(fc.array(key, { maxLength: 300 }), (keys) => {
        expect(Array.from(ascendingOrder(keys))).toEqual(referenceOrder(keys, false));
        expect(Array.from(descendingOrder(keys))).toEqual(referenceOrder(keys, true));
      }),
      { numRuns: 300 },
    );
  });

  it('treats −0 as 0', () => {
    expect(Array.from(ascendingOrder([0, -0, 0]))).toEqual([0, 1, 2]);
  });

  it('refuses NaN keys', () => {
    expect(() => ascendingOrder([1, Number.NaN])).toThrow(RangeError);
  });
});
