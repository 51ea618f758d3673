/**
 * `cost` weighs the tiling both kinds share against each kind's own tiling and keeps the fastest plan, so on
 * random layers and designs it is never slower than the single-kind policies (which tile for their kind alone).
 */
import { describe, expect, it } from 'vitest';
import { acceleratorFrom } from '../config/load-config.ts';
import { annLayer } from '../golden/ann.ts';
import { Rng } from '../util/rng.ts';
import type { GemmLayer } from '../workload/gemm-layer.ts';
import { designOf, planLayer, predictLayer } from './layer.ts';

function randomLayer(rng: Rng): GemmLayer {
  const M = rng.nextInt(1, 40), K = rng.nextInt(1, 60), N = rng.nextInt(1, 40);
  const density = rng.nextFloat();
  return {
    name: 'r', M, K, N, T: rng.nextInt(1, 15), inLevels: 15,
    weights: Int8Array.from({ length: M * K }, () => rng.nextInt(-128, 127)),
    input: Uint8Array.from({ length: K * N }, () => (rng.nextFloat() < density ? rng.nextInt(1, 15) : 0)),
    bias: Int32Array.from({ length: M }, () => rng.nextInt(-500, 500)),
    theta: Int32Array.from({ length: M }, () => rng.nextInt(1, 2000)),
  };
}

describe('cost chooses among tilings', () => {
  it('is never slower than ann or snn on 60 random layers over 3 designs', () => {
    const rng = new Rng(11);
    const designs = [
      { ann: { arrays: 1, rows: 4, cols: 4 }, snn: { cores: 2, lanes: 8 }, buffers: { weightBytes: 256, activationBytes: 256, outputBytes: 128 } },
      { ann: { arrays: 2, rows: 2, cols: 8 }, snn: { cores: 4, lanes: 4 }, buffers: { weightBytes: 128, activationBytes: 512, outputBytes: 64 } },
      { ann: { arrays: 1, rows: 8, cols: 8 }, snn: { cores: 1, lanes: 32 }, buffers: { weightBytes: 1024, activationBytes: 128, outputBytes: 256 } },
    ].map((config, i) => designOf(acceleratorFrom({ ...config, limits: { maxK: 64, maxM: 64, maxInLevels: 15 } }, `d${i}`)));
    for (let i = 0; i < 60; i++) {
      const layer = randomLayer(rng);
      const design = designs[i % designs.length];
      if (design === undefined) throw new Error('unreachable');
      const outputs = annLayer(layer);
      const cycles = (policy: 'cost' | 'ann' | 'snn') => predictLayer(layer, planLayer(layer, design, policy, { seed: 1, outputs }), design, { outputs }).cycles;
      const cost = cycles('cost');
      expect(cost, `layer ${i}: M=${layer.M} K=${layer.K} N=${layer.N}`).toBeLessThanOrEqual(Math.min(cycles('ann'), cycles('snn')));
    }
  });
});
