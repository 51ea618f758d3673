import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { annColumn, annLayer } from './ann.ts';
import type { GemmLayer } from '../workload/gemm-layer.ts';
import { fire, forEachSpike, snnColumn, snnLayer } from './snn.ts';
import { qcfsLevel, quantize } from './qcfs.ts';
import { columnStats, layerTotals } from './stats.ts';

const MAX_THETA = 2 ** 24;

/** Values a test should hit often: the ends of every range in the contract. */
const levelCount = fc.oneof(fc.constantFrom(1, 2, 255), fc.integer({ min: 1, max: 255 }));
const thetaValue = fc.oneof(fc.constantFrom(1, 2, 3, MAX_THETA, MAX_THETA - 1), fc.integer({ min: 1, max: 4096 }), fc.integer({ min: 1, max: MAX_THETA }));
const biasValue = fc.oneof(
  fc.constant(0),
  fc.integer({ min: -5000, max: 5000 }),
  fc.constantFrom(-(2 ** 31), 2 ** 31 - 1, -(2 ** 24)),
  fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
);
const weightValue = fc.oneof(fc.constantFrom(-128, 127, 0, -1, 1), fc.integer({ min: -128, max: 127 }));

type InputFill = 'random' | 'zero' | 'max';

const layerArbitrary: fc.Arbitrary<GemmLayer> = fc
  .record({
    M: fc.integer({ min: 1, max: 6 }),
    K: fc.oneof(fc.constant(1), fc.integer({ min: 1, max: 40 })),
    N: fc.integer({ min: 1, max: 3 }),
    T: levelCount,
    inLevels: levelCount,
    fill: fc.constantFrom<InputFill>('random', 'random', 'zero', 'max'),
    sharedTheta: fc.boolean(),
    seedWeights: fc.array(weightValue, { minLength: 240, maxLength: 240 }),
    seedLevels: fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 120, maxLength: 120 }),
    biases: fc.array(biasValue, { minLength: 6, maxLength: 6 }),
    thetas: fc.array(thetaValue, { minLength: 6, maxLength: 6 }),
  })
  .map(({ M, K, N, T, inLevels, fill, sharedTheta, seedWeights, seedLevels, biases, thetas }) => {
    const weights = Int8Array.from({ length: M * K }, (_, i) => seedWeights[i % seedWeights.length] ?? 0);
    const levelOf = (i: number): number => (fill === 'zero' ? 0 : fill === 'max' ? inLevels : (seedLevels[i % seedLevels.length] ?? 0) % (inLevels + 1));
    const input = Uint8Array.from({ length: K * N }, (_, i) => levelOf(i));
    const bias = Int32Array.from({ length: M }, (_, m) => biases[m] ?? 0);
    const theta = Int32Array.from({ length: M }, (_, m) => (sharedTheta ? thetas[0] : thetas[m]) ?? 1);
    return { name: 'prop', M, K, N, T, inLevels, weights, input, bias, theta };
  });

function closedForm(layer: GemmLayer): Uint8Array {
  const out = new Uint8Array(layer.M * layer.N);
  for (let m = 0; m < layer.M; m++) {
    for (let n = 0; n < layer.N; n++) {
      let acc = 0n;
      for (let k = 0; k < layer.K; k++) acc += BigInt(layer.weights[m * layer.K + k] ?? 0) * BigInt(layer.input[k * layer.N + n] ?? 0);
      // BigInt floor division, independent of the float code under test.
      const theta = BigInt(layer.theta[m] ?? 1);
      const v = acc + BigInt(layer.bias[m] ?? 0) + theta / 2n;
      const q = v >= 0n ? v / theta : -((-v + theta - 1n) / theta);
      const clamped = q < 0n ? 0n : q > BigInt(layer.T) ? BigInt(layer.T) : q;
      out[m * layer.N + n] = Number(clamped);
    }
  }
  return out;
}

describe('golden: ANN and SNN paths agree with the closed form', () => {
  it('for every column of random layers, extremes included', () => {
    fc.assert(
      fc.property(layerArbitrary, (layer) => {
        const expected = closedForm(layer);
        expect(annLayer(layer)).toEqual(expected);
        expect(snnLayer(layer)).toEqual(expected);
        for (let n = 0; n < layer.N; n++) {
          const column = Uint8Array.from({ length: layer.M }, (_, m) => expected[m * layer.N + n] ?? 0);
          expect(annColumn(layer, n)).toEqual(column);
          expect(snnColumn(layer, n).levels).toEqual(column);
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('counts SNN events exactly: S[n] spikes, M·S[n] additions, Σy fires', () => {
    fc.assert(
      fc.property(layerArbitrary, (layer) => {
        const output = annLayer(layer);
        const stats = columnStats(layer, output);
        for (let n = 0; n < layer.N; n++) {
          const result = snnColumn(layer, n);
          expect(result.spikes).toBe(stats.spikes[n]);
          expect(result.additions).toBe(layer.M * result.spikes);
          expect(result.fires).toBe(stats.fires[n]);
        }
        const totals = layerTotals(layer, stats);
        expect(totals.macs).toBe(layer.M * layer.K * layer.N);
        expect(totals.additions).toBe(layer.M * totals.spikes);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('golden: QCFS output stage', () => {
  it.each([
    [10, 4, 3],
    [17, 4, 4],
    [1, 3, 0],
    [2, 3, 1],
    [-5, 4, 0],
  ])('worked example acc+b=%i, θ=%i gives y=%i at T=4', (accPlusBias, theta, y) => {
    expect(qcfsLevel(accPlusBias, 0, theta, 4)).toBe(y);
    expect(fire(accPlusBias + Math.floor(theta / 2), theta, 4)).toBe(y);
  });

  it('floor((acc+b+floor(θ/2))/θ) equals floor((acc+b)/θ + 1/2) for odd and even θ', () => {
    fc.assert(
      fc.property(fc.integer({ min: -(2 ** 40), max: 2 ** 40 }), fc.integer({ min: 1, max: MAX_THETA }), (z, theta) => {
        const lhs = BigInt(z) + BigInt(theta) / 2n;
        const t = BigInt(theta);
        const floorDiv = (a: bigint): bigint => (a >= 0n ? a / t : -((-a + t - 1n) / t));
        // floor(z/θ + 1/2) = floor((2z + θ) / 2θ)
        const twoT = 2n * t;
        const rhsNum = 2n * BigInt(z) + t;
        const rhs = rhsNum >= 0n ? rhsNum / twoT : -((-rhsNum + twoT - 1n) / twoT);
        expect(floorDiv(lhs)).toBe(rhs);
      }),
      { numRuns: 2000 },
    );
  });

  it('quantize is exact where a float divide would round up (v near 2^45, θ = 2^24 − 1)', () => {
    const theta = MAX_THETA - 1;
    const v = 200 * theta - 1;
    expect(quantize(v, theta, 255)).toBe(199);
    expect(quantize(2 ** 45, theta, 255)).toBe(255);
  });

  it('fire stops at T even when the membrane holds more', () => {
    expect(fire(1_000_000, 1, 255)).toBe(255);
    expect(fire(3, 1, 1)).toBe(1);
  });
});

describe('golden: spike generation', () => {
  it('turns level x into x spikes at t = 0..x−1 and a zero level into none', () => {
    const events: string[] = [];
    forEachSpike(Uint8Array.from([2, 0, 1]), 3, ({ t, k }) => events.push(`${t}:${k}`));
    expect(events).toEqual(['0:0', '0:2', '1:0']);
  });
});
