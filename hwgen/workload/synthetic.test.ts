import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { SyntheticSpec } from './manifest-schema.ts';
import {
  DEFAULT_LEVEL_DENSITY,
  WEIGHT_STD,
  expectedLevelMoments,
  expectedWeightMoments,
  syntheticLevels,
  syntheticWeights,
} from './synthetic.ts';

type Pattern = SyntheticSpec['pattern'];
type Values = SyntheticSpec['values'];

function spec(shape: number[], options: Partial<SyntheticSpec> = {}): SyntheticSpec {
  return { shape, pattern: 'uniform', values: 'skewed', seed: 1, ...options };
}

/** FNV-1a over the bytes: a short fingerprint to pin whole tensors. */
function fnv1a(data: Uint8Array | Int8Array): string {
  let hash = 0x811c9dc5;
  for (const byte of data) hash = Math.imul(hash ^ (byte & 0xff), 0x01000193) >>> 0;
  return hash.toString(16);
}

/** Math.min/max(...data) overflow the stack on large tensors. */
function extremes(data: ArrayLike<number>): { min: number; max: number } {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < data.length; i++) {
    min = Math.min(min, data[i] ?? 0);
    max = Math.max(max, data[i] ?? 0);
  }
  return { min, max };
}

function nonZeroFraction(data: ArrayLike<number>): number {
  let count = 0;
  for (let i = 0; i < data.length; i++) if (data[i] !== 0) count++;
  return count / data.length;
}

/** Coefficient of variation of the non-zero fraction of each column, for `rows` rows of `columns` columns. */
function columnDensityCv(data: Uint8Array, rows: number, columns: number): number {
  const density = new Float64Array(columns);
  for (let row = 0; row < rows; row++) {
    for (let col = 0; col < columns; col++) if (data[row * columns + col] !== 0) density[col]! += 1 / rows;
  }
  const mean = density.reduce((s, v) => s + v, 0) / columns;
  const variance = density.reduce((s, v) => s + (v - mean) ** 2, 0) / columns;
  return Math.sqrt(variance) / mean;
}

const PATTERNS: readonly Pattern[] = ['uniform', 'clustered'];
const VALUES: readonly Values[] = ['skewed', 'uniform'];

describe('syntheticLevels determinism', () => {
  // Pinned: changing the generator changes every benchmark workload, so it must be deliberate.
  const pinned: Record<string, { hash: string; head: number[] }> = {
    'uniform/skewed': { hash: '9b19d8a6', head: [3, 12, 0, 2, 0, 0, 0, 2, 0, 0, 2, 0, 0, 1, 7, 0] },
    'uniform/uniform': { hash: '131ff18a', head: [15, 9, 0, 15, 0, 0, 0, 14, 0, 0, 9, 0, 0, 11, 8, 0] },
    'clustered/skewed': { hash: '47386d73', head: [3, 12, 0, 2, 0, 2, 2, 4, 2, 0, 1, 2, 3, 12, 3, 0] },
    'clustered/uniform': { hash: '7e1b653f', head: [15, 9, 0, 15, 0, 9, 14, 11, 9, 0, 9, 15, 8, 12, 7, 0] },
  };

  for (const pattern of PATTERNS) {
    for (const values of VALUES) {
      it(`gives pinned bytes for ${pattern} ${values}`, () => {
        const levels = syntheticLevels(spec([8, 16, 16], { density: 0.4, pattern, values, seed: 12345 }), 15);
        expect(levels.dtype).toBe('u1');
        expect(levels.shape).toEqual([8, 16, 16]);
        expect(Array.from(levels.data.slice(0, 16))).toEqual(pinned[`${pattern}/${values}`]?.head);
        expect(fnv1a(levels.data)).toBe(pinned[`${pattern}/${values}`]?.hash);
      });
    }
  }

  it('repeats itself and changes with the seed', () => {
    for (const pattern of PATTERNS) {
      const a = syntheticLevels(spec([16, 20, 20], { pattern, seed: 5 }), 15);
      const b = syntheticLevels(spec([16, 20, 20], { pattern, seed: 5 }), 15);
      const c = syntheticLevels(spec([16, 20, 20], { pattern, seed: 6 }), 15);
      expect(b.data).toEqual(a.data);
      expect(fnv1a(c.data)).not.toBe(fnv1a(a.data));
    }
  });

  it('draws levels and weights from different streams for the same seed', () => {
    const levels = syntheticLevels(spec([4096], { density: 1, values: 'uniform', seed: 3 }), 255);
    const weights = syntheticWeights(spec([4096], { seed: 3 }));
    expect(fnv1a(levels.data)).not.toBe(fnv1a(new Uint8Array(weights.data.buffer)));
  });
});

describe('syntheticLevels density', () => {
  for (const pattern of PATTERNS) {
    it(`${pattern}: achieved density is within ±0.02 of the target`, () => {
      for (const density of [0.1, 0.3, DEFAULT_LEVEL_DENSITY, 0.9]) {
        expect(Math.abs(nonZeroFraction(syntheticLevels(spec([64, 32, 32], { pattern, density, seed: 2 }), 15).data) - density)).toBeLessThan(0.02);
        expect(Math.abs(nonZeroFraction(syntheticLevels(spec([512, 196], { pattern, density, seed: 3 }), 15).data) - density)).toBeLessThan(0.02);
      }
    });
  }

  it('defaults to the 56 % non-zeros of Cnvlutin', () => {
    expect(Math.abs(nonZeroFraction(syntheticLevels(spec([64, 32, 32]), 15).data) - 0.56)).toBeLessThan(0.02);
  });

  it('density 0 gives all zeros and density 1 no zeros, in both patterns', () => {
    for (const pattern of PATTERNS) {
      expect(nonZeroFraction(syntheticLevels(spec([16, 12, 12], { pattern, density: 0 }), 15).data)).toBe(0);
      expect(nonZeroFraction(syntheticLevels(spec([16, 12, 12], { pattern, density: 1 }), 15).data)).toBe(1);
    }
  });

  it('clustered: column densities vary strongly, uniform: they do not', () => {
    const clustered = syntheticLevels(spec([64, 32, 32], { pattern: 'clustered', density: 0.3, seed: 4 }), 15);
    const uniform = syntheticLevels(spec([64, 32, 32], { pattern: 'uniform', density: 0.3, seed: 4 }), 15);
    expect(columnDensityCv(clustered.data, 64, 32 * 32)).toBeGreaterThan(0.5);
    expect(columnDensityCv(uniform.data, 64, 32 * 32)).toBeLessThan(0.3);
  });

  it('clustered: rank 2 varies over the columns n, not over the rows k', () => {
    const [K, N] = [256, 128];
    const levels = syntheticLevels(spec([K, N], { pattern: 'clustered', density: 0.4, seed: 8 }), 15);
    expect(columnDensityCv(levels.data, K, N)).toBeGreaterThan(0.5);
    // Transposed view: each row k sees the same mix of columns, so row densities barely vary.
    const transposed = new Uint8Array(K * N);
    for (let k = 0; k < K; k++) for (let n = 0; n < N; n++) transposed[n * K + k] = levels.data[k * N + n] ?? 0;
    expect(columnDensityCv(transposed, N, K)).toBeLessThan(0.3);
  });

  it('clustered: neighbouring columns have similar densities (a smooth field, not noise)', () => {
    const levels = syntheticLevels(spec([128, 32, 32], { pattern: 'clustered', density: 0.5, seed: 9 }), 15);
    const density = new Float64Array(32 * 32);
    for (let i = 0; i < levels.data.length; i++) if (levels.data[i] !== 0) density[i % (32 * 32)]! += 1 / 128;
    // Horizontal neighbours against pairs far apart; independent columns would give a ratio near 1.
    let neighbour = 0;
    let random = 0;
    for (let y = 0; y < 32; y++) {
      for (let x = 0; x < 31; x++) {
        const i = y * 32 + x;
        neighbour += Math.abs(density[i]! - density[i + 1]!);
        random += Math.abs(density[i]! - density[(i * 397 + 101) % density.length]!);
      }
    }
    expect(neighbour).toBeLessThan(0.4 * random);
  });

  it('clustered works for a single column and for rank 1 and 4', () => {
    expect(nonZeroFraction(syntheticLevels(spec([4096, 1], { pattern: 'clustered', density: 0.3 }), 15).data)).toBeCloseTo(0.3, 1);
    expect(syntheticLevels(spec([1000], { pattern: 'clustered' }), 15).data).toHaveLength(1000);
    expect(syntheticLevels(spec([2, 3, 4, 5], { pattern: 'clustered' }), 15).data).toHaveLength(120);
  });
});

describe('syntheticLevels values', () => {
  it('stay in 0..inLevels and reach inLevels', () => {
    for (const values of VALUES) {
      for (const inLevels of [2, 15, 255]) {
        const data = syntheticLevels(spec([64, 32, 32], { values, density: 1 }), inLevels).data;
        expect(extremes(data)).toEqual({ min: 1, max: inLevels });
      }
    }
  });

  it('inLevels 1 gives only 0 and 1', () => {
    for (const values of VALUES) {
      const data = syntheticLevels(spec([32, 16, 16], { values }), 1).data;
      expect(new Set(data)).toEqual(new Set([0, 1]));
    }
  });

  it('skewed non-zero levels have mean 1 + inLevels/8 and fall off geometrically', () => {
    for (const inLevels of [4, 15, 255]) {
      const data = syntheticLevels(spec([64, 64, 64], { density: 1 }), inLevels).data;
      const mean = data.reduce((s, v) => s + v, 0) / data.length;
      expect(Math.abs(mean / (1 + inLevels / 8) - 1)).toBeLessThan(0.02);
      const ones = data.filter((v) => v === 1).length;
      const twos = data.filter((v) => v === 2).length;
      expect(ones).toBeGreaterThan(twos);
    }
  });

  it('expectedLevelMoments matches the empirical moments within ±5 %', () => {
    for (const pattern of PATTERNS) {
      for (const values of VALUES) {
        for (const [inLevels, density] of [[15, undefined], [255, 0.3], [1, 0.7], [3, 0.9]] as const) {
          const s = spec([64, 48, 48], { pattern, values, density, seed: 10 });
          const data = syntheticLevels(s, inLevels).data;
          let sum = 0;
          let sumSquares = 0;
          for (const v of data) {
            sum += v;
            sumSquares += v * v;
          }
          const expected = expectedLevelMoments(s, inLevels);
          expect(Math.abs(sum / data.length / expected.mean - 1)).toBeLessThan(0.05);
          expect(Math.abs(sumSquares / data.length / expected.meanSquare - 1)).toBeLessThan(0.05);
        }
      }
    }
  });

  it('expectedLevelMoments has closed forms for uniform values and for inLevels 1', () => {
    const uniform = expectedLevelMoments({ values: 'uniform', density: 0.5 }, 15);
    expect(uniform.mean).toBeCloseTo(0.5 * 8, 12);
    expect(uniform.meanSquare).toBeCloseTo((0.5 * (16 * 31)) / 6, 12);
    expect(expectedLevelMoments({ values: 'skewed', density: undefined }, 1)).toEqual({ mean: 0.56, meanSquare: 0.56 });
    expect(expectedLevelMoments({ values: 'skewed', density: 1 }, 15).mean).toBeCloseTo(1 + 15 / 8, 9);
  });

  it('values stay in range for any small spec (property)', () => {
    const shape = fc.oneof(
      fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 4 }),
      fc.tuple(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 40 })).map(([a, b]) => [a, b]),
    );
    const arbitrarySpec = fc.record({
      shape,
      density: fc.option(fc.oneof(fc.constantFrom(0, 1), fc.double({ min: 0, max: 1, noNaN: true })), { nil: undefined }),
      pattern: fc.constantFrom<Pattern>('uniform', 'clustered'),
      values: fc.constantFrom<Values>('skewed', 'uniform'),
      seed: fc.integer({ min: 0, max: 0xffffffff }),
    });
    const inLevels = fc.oneof(fc.constantFrom(1, 2, 255), fc.integer({ min: 1, max: 255 }));
    fc.assert(
      fc.property(arbitrarySpec, inLevels, (s, L) => {
        const levels = syntheticLevels(s, L);
        const count = s.shape.reduce((p, d) => p * d, 1);
        if (levels.data.length !== count) return false;
        if (s.density === 0 && levels.data.some((v) => v !== 0)) return false;
        if (s.density === 1 && levels.data.some((v) => v === 0)) return false;
        return levels.data.every((v) => v <= L);
      }),
    );
  });

  it('refuses bad inLevels, density and shapes', () => {
    expect(() => syntheticLevels(spec([4]), 0)).toThrow(RangeError);
    expect(() => syntheticLevels(spec([4]), 256)).toThrow(RangeError);
    expect(() => syntheticLevels(spec([4], { density: 1.5 }), 15)).toThrow(RangeError);
    expect(() => syntheticLevels(spec([4, 0]), 15)).toThrow(RangeError);
    expect(() => syntheticLevels(spec([1, 1, 1, 1, 1]), 15)).toThrow(RangeError);
  });
});

describe('syntheticWeights', () => {
  it('gives pinned bytes', () => {
    const weights = syntheticWeights(spec([16, 8, 3, 3], { density: 0.5, seed: 12345 }));
    expect(weights.dtype).toBe('i1');
    expect(weights.shape).toEqual([16, 8, 3, 3]);
    expect(Array.from(weights.data.slice(0, 16))).toEqual([0, 0, 5, 0, 15, -45, 0, 4, -2, 0, 10, 0, -4, -26, 3, 0]);
    expect(fnv1a(weights.data)).toBe('2b7b9616');
  });

  it('are dense by default, N(0, 24²)-shaped, and fill the int8 range only in the tails', () => {
    const data = syntheticWeights(spec([256, 64, 3, 3], { seed: 7 })).data;
    expect(nonZeroFraction(data)).toBe(1);
    let sum = 0;
    let sumSquares = 0;
    let withinOneSigma = 0;
    for (const w of data) {
      sum += w;
      sumSquares += w * w;
      if (Math.abs(w) <= WEIGHT_STD) withinOneSigma++;
    }
    expect(Math.abs(sum / data.length)).toBeLessThan(0.2);
    expect(Math.abs(Math.sqrt(sumSquares / data.length) / WEIGHT_STD - 1)).toBeLessThan(0.02);
    expect(Math.abs(withinOneSigma / data.length - 0.69)).toBeLessThan(0.01);
    const { min, max } = extremes(data);
    expect(min).toBeGreaterThanOrEqual(-128);
    expect(max).toBeLessThanOrEqual(127);
  });

  it('keep the requested fraction and prune the rest to 0', () => {
    for (const density of [0, 0.1, 0.5, 0.9, 1]) {
      const fraction = nonZeroFraction(syntheticWeights(spec([512, 512], { density, seed: 2 })).data);
      expect(Math.abs(fraction - density)).toBeLessThan(0.01);
    }
    expect(nonZeroFraction(syntheticWeights(spec([64, 64], { density: 0 })).data)).toBe(0);
  });

  it('ignore pattern and values', () => {
    const a = syntheticWeights(spec([32, 32], { pattern: 'uniform', values: 'skewed' }));
    const b = syntheticWeights(spec([32, 32], { pattern: 'clustered', values: 'uniform' }));
    expect(b.data).toEqual(a.data);
  });

  it('expectedWeightMoments matches the empirical moments', () => {
    const s = spec([512, 512], { density: 0.6, seed: 4 });
    const data = syntheticWeights(s).data;
    const meanSquare = data.reduce((acc, w) => acc + w * w, 0) / data.length;
    const expected = expectedWeightMoments(s);
    expect(Math.abs(meanSquare / expected.meanSquare - 1)).toBeLessThan(0.02);
    expect(Math.abs(expected.mean)).toBeLessThan(1e-6);
    // round(24·N(0,1)) conditioned on ≠ 0: E[w²] ≈ (24² + 1/12)/P(w ≠ 0), about 586.
    expect(expectedWeightMoments({ density: 1 }).meanSquare).toBeCloseTo(585.82, 1);
  });

  it('stay in int8 for any small spec (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 8 }), { minLength: 1, maxLength: 4 }),
        fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: undefined }),
        fc.integer({ min: 0, max: 0xffffffff }),
        (shape, density, seed) => {
          const weights = syntheticWeights(spec(shape, { density, seed }));
          return weights.data.length === shape.reduce((p, d) => p * d, 1) && (density !== undefined || weights.data.every((w) => w !== 0));
        },
      ),
    );
  });
});
