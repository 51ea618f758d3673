/** Lane packing: the hex-string path for number lanes gives the same words as shifting bigints lane by lane. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { packLanes, unpackLanes } from './packing.ts';

/** The definition: lane i of laneBits bits at bit i·laneBits, two's complement for a negative lane. */
function byDefinition(values: readonly number[], laneBits: number): bigint {
  const mask = (1n << BigInt(laneBits)) - 1n;
  return values.reduce((word, value, lane) => word | ((BigInt(value) & mask) << BigInt(lane * laneBits)), 0n);
}

describe('packLanes', () => {
  it('packs signed and unsigned number lanes of whole hex digits as the definition does', () => {
    fc.assert(
      fc.property(fc.constantFrom(4, 8, 16, 32), fc.array(fc.integer({ min: -(2 ** 31), max: 2 ** 32 - 1 }), { maxLength: 80 }), (laneBits, raw) => {
        const values = raw.map((value) => value % 2 ** laneBits);
        expect(packLanes(values, laneBits)).toBe(byDefinition(values, laneBits));
      }),
      { numRuns: 300 },
    );
  });

  it('keeps int8 weights in two\'s complement, lane 0 in the low bits', () => {
    const word = packLanes([-1, 2, -128, 127], 8);
    expect(word).toBe(0x7f_80_02_ffn);
    expect(unpackLanes(word, 4, 8)).toEqual([0xffn, 2n, 0x80n, 0x7fn]);
  });
});
