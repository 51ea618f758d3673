import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { DiscreteSampler, Rng, deriveSeed, portableExp, portableLog } from './rng.ts';

const uint32 = fc.integer({ min: 0, max: 0xffffffff });

function draws(seed: number, count: number, draw: (rng: Rng) => number): number[] {
  const rng = new Rng(seed);
  return Array.from({ length: count }, () => draw(rng));
}

/** Pearson's χ² of observed counts against equal expected counts. */
function chiSquare(counts: readonly number[]): number {
  const total = counts.reduce((sum, c) => sum + c, 0);
  const expected = total / counts.length;
  return counts.reduce((sum, c) => sum + (c - expected) ** 2 / expected, 0);
}

describe('Rng determinism', () => {
  // Pinned: a change here changes every synthetic workload, so it must be deliberate.
  it('gives a fixed sequence for a fixed seed', () => {
    expect(draws(0, 6, (r) => r.nextUint32())).toEqual([591558436, 2737234123, 107644106, 1338548054, 2499804003, 2743868851]);
    expect(draws(42, 6, (r) => r.nextUint32())).toEqual([2476999517, 2284424721, 914527439, 3398404915, 1005869237, 3374281156]);
    expect(draws(0xffffffff, 3, (r) => r.nextUint32())).toEqual([401775837, 815230463, 1635982147]);
  });

  it('pins the derived float, integer and Gaussian draws', () => {
    const rng = new Rng(1);
    expect([rng.nextFloat(), rng.nextFloat()]).toEqual([0.18452622229233384, 0.7486324321944267]);
    expect([rng.nextInt(1, 6), rng.nextInt(-10, 10)]).toEqual([1, -8]);
    expect([rng.nextGaussian(), rng.nextGaussian(), rng.nextGaussian()]).toEqual([
      -0.06072278422291173, -0.7249077884347321, -0.8381577700942787,
    ]);
  });

  it('gives different streams for neighbouring seeds', () => {
    expect(draws(1, 4, (r) => r.nextUint32())).not.toEqual(draws(2, 4, (r) => r.nextUint32()));
  });

  it('refuses seeds that are not uint32', () => {
    for (const seed of [-1, 2 ** 32, 0.5, Number.NaN]) expect(() => new Rng(seed)).toThrow(RangeError);
  });
});

describe('Rng ranges', () => {
  it('nextUint32 and nextFloat stay in range', () => {
    fc.assert(
      fc.property(uint32, (seed) => {
        const rng = new Rng(seed);
        for (let i = 0; i < 100; i++) {
          const u = rng.nextUint32();
          const f = rng.nextFloat();
          if (!Number.isInteger(u) || u < 0 || u > 0xffffffff || !(f >= 0 && f < 1)) return false;
        }
        return true;
      }),
    );
  });

  it('nextInt stays in lo..hi inclusive and reaches both ends', () => {
    fc.assert(
      fc.property(uint32, fc.integer({ min: -1000, max: 1000 }), fc.integer({ min: 0, max: 5 }), (seed, lo, span) => {
        const rng = new Rng(seed);
        const seen = new Set<number>();
        for (let i = 0; i < 200; i++) {
          const v = rng.nextInt(lo, lo + span);
          if (!Number.isInteger(v) || v < lo || v > lo + span) return false;
          seen.add(v);
        }
        return seen.size === span + 1;
      }),
    );
  });

  it('nextInt handles a single value and the full 2^32 span', () => {
    const rng = new Rng(3);
    expect(rng.nextInt(7, 7)).toBe(7);
    const wide = rng.nextInt(-(2 ** 31), 2 ** 31 - 1);
    expect(wide).toBeGreaterThanOrEqual(-(2 ** 31));
    expect(wide).toBeLessThanOrEqual(2 ** 31 - 1);
  });

  it('nextInt refuses bad bounds', () => {
    const rng = new Rng(3);
    expect(() => rng.nextInt(2, 1)).toThrow(RangeError);
    expect(() => rng.nextInt(0, 2 ** 32)).toThrow(RangeError);
    expect(() => rng.nextInt(0.5, 3)).toThrow(RangeError);
  });
});

describe('Rng uniformity', () => {
  // Fixed seeds make these deterministic: the bounds are p ≈ 0.001 critical values, not flaky thresholds.
  it('nextInt(0, 15) passes a χ² test (15 degrees of freedom)', () => {
    const counts = new Array<number>(16).fill(0);
    const rng = new Rng(11);
    for (let i = 0; i < 160_000; i++) counts[rng.nextInt(0, 15)]! += 1;
    expect(chiSquare(counts)).toBeLessThan(37.7);
  });

  it('nextInt over a span that does not divide 2^32 is unbiased (χ², 2 degrees of freedom)', () => {
    // 3·2^30 values: plain modulo would make 0..2^30-1 twice as likely as the rest.
    const third = 2 ** 30;
    const counts = [0, 0, 0];
    const rng = new Rng(12);
    for (let i = 0; i < 30_000; i++) counts[Math.floor(rng.nextInt(0, 3 * third - 1) / third)]! += 1;
    expect(chiSquare(counts)).toBeLessThan(13.8);
  });

  it('nextFloat has mean 1/2 and variance 1/12', () => {
    const values = draws(13, 100_000, (r) => r.nextFloat());
    const mean = values.reduce((s, v) => s + v, 0) / values.length;
    const variance = values.reduce((s, v) => s + (v - mean) ** 2, 0) / values.length;
    expect(mean).toBeCloseTo(0.5, 2);
    expect(variance).toBeCloseTo(1 / 12, 3);
  });

  it('nextGaussian has mean 0, variance 1 and 68.3 % within one σ', () => {
    const values = draws(14, 200_000, (r) => r.nextGaussian());
    const mean = values.reduce((s, v) => s + v, 0) / values.length;
    const variance = values.reduce((s, v) => s + (v - mean) ** 2, 0) / values.length;
    const withinOne = values.filter((v) => Math.abs(v) < 1).length / values.length;
    expect(Math.abs(mean)).toBeLessThan(0.01);
    expect(Math.abs(variance - 1)).toBeLessThan(0.01);
    expect(Math.abs(withinOne - 0.6827)).toBeLessThan(0.005);
  });
});

describe('deriveSeed', () => {
  it('is pinned and returns uint32', () => {
    expect([deriveSeed(0), deriveSeed(7), deriveSeed(0, 'vgg16', 'conv1_1', 'input')]).toEqual([397258432, 1891881622, 2028027703]);
    fc.assert(
      fc.property(uint32, fc.array(fc.oneof(fc.string(), fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }))), (seed, labels) => {
        const derived = deriveSeed(seed, ...labels);
        return Number.isInteger(derived) && derived >= 0 && derived <= 0xffffffff && derived === deriveSeed(seed, ...labels);
      }),
    );
  });

  it('separates labels that a naive concatenation would confuse', () => {
    const seeds = [
      deriveSeed(0, 3),
      deriveSeed(0, '3'),
      deriveSeed(0, 'ab', 'c'),
      deriveSeed(0, 'a', 'bc'),
      deriveSeed(0, 'abc'),
      deriveSeed(0, 1.5),
      deriveSeed(0, 1),
      deriveSeed(0),
      deriveSeed(1),
      deriveSeed(0, 'conv1', 'input'),
      deriveSeed(0, 'conv1', 'weights'),
    ];
    expect(new Set(seeds).size).toBe(seeds.length);
  });

  it('treats -0 as 0 and refuses non-finite labels', () => {
    expect(deriveSeed(5, -0)).toBe(deriveSeed(5, 0));
    expect(() => deriveSeed(5, Number.NaN)).toThrow(RangeError);
    expect(() => deriveSeed(5, Infinity)).toThrow(RangeError);
  });

  it('spreads consecutive layer indices over the whole range', () => {
    const top = Array.from({ length: 4096 }, (_, i) => deriveSeed(9, i) >>> 28);
    const counts = new Array<number>(16).fill(0);
    for (const bucket of top) counts[bucket]! += 1;
    expect(chiSquare(counts)).toBeLessThan(37.7);
  });
});

describe('portable transcendental functions', () => {
  it('portableLog agrees with Math.log to a few ulp', () => {
    fc.assert(
      fc.property(fc.double({ min: 1e-300, max: 1e300, noNaN: true }), (x) => {
        const expected = Math.log(x);
        return Math.abs(portableLog(x) - expected) <= 4 * Number.EPSILON * Math.max(Math.abs(expected), 1e-300) + 1e-300;
      }),
    );
    expect(portableLog(1)).toBe(0);
    expect(portableLog(2)).toBe(Math.LN2);
    expect(() => portableLog(0)).toThrow(RangeError);
  });

  it('portableExp agrees with Math.exp to a few ulp', () => {
    fc.assert(
      fc.property(fc.double({ min: -700, max: 700, noNaN: true }), (x) => {
        const expected = Math.exp(x);
        return Math.abs(portableExp(x) - expected) <= 4 * Number.EPSILON * expected;
      }),
    );
    expect(portableExp(0)).toBe(1);
    expect(portableExp(-1000)).toBe(0);
    expect(portableExp(1000)).toBe(Infinity);
  });
});

describe('DiscreteSampler', () => {
  it('draws each outcome with its weight and never a zero-weight one', () => {
    const sampler = new DiscreteSampler([0, 1, 0, 3, 0, 4, 0]);
    const counts = new Array<number>(7).fill(0);
    const rng = new Rng(21);
    for (let i = 0; i < 80_000; i++) counts[sampler.sample(rng)]! += 1;
    expect([counts[0], counts[2], counts[4], counts[6]]).toEqual([0, 0, 0, 0]);
    expect(counts[1]! / 80_000).toBeCloseTo(1 / 8, 2);
    expect(counts[3]! / 80_000).toBeCloseTo(3 / 8, 2);
    expect(counts[5]! / 80_000).toBeCloseTo(4 / 8, 2);
  });

  it('refuses negative, non-finite or all-zero weights', () => {
    expect(() => new DiscreteSampler([1, -1])).toThrow(RangeError);
    expect(() => new DiscreteSampler([1, Number.NaN])).toThrow(RangeError);
    expect(() => new DiscreteSampler([0, 0])).toThrow(RangeError);
    expect(() => new DiscreteSampler([])).toThrow(RangeError);
  });

  it('stays within its outcomes for any weights', () => {
    fc.assert(
      fc.property(uint32, fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 1, maxLength: 20 }), (seed, weights) => {
        fc.pre(weights.some((w) => w > 0));
        const sampler = new DiscreteSampler(weights);
        const rng = new Rng(seed);
        for (let i = 0; i < 50; i++) if ((weights[sampler.sample(rng)] ?? 0) === 0) return false;
        return true;
      }),
    );
  });
});
