import { describe, expect, it } from 'vitest';
import { defaultAccelerator } from '../config/load-config.ts';
import { annLayer } from '../golden/ann.ts';
import { Rng } from '../util/rng.ts';
import type { GemmLayer } from '../workload/gemm-layer.ts';
import { predictAnnCore } from '../modules/ann-core/timing.ts';
import { predictDispatch } from './dispatcher.ts';
import { designOf } from './layer.ts';
import { predictSnnCore } from '../modules/snn-core/timing.ts';

function layer(rng: Rng): GemmLayer {
  const M = 10, K = 30, N = 8;
  return {
    name: 't', M, K, N, T: 5, inLevels: 7,
    weights: Int8Array.from({ length: M * K }, () => rng.nextInt(-128, 127)),
    input: Uint8Array.from({ length: K * N }, () => (rng.nextFloat() < 0.5 ? 0 : rng.nextInt(1, 7))),
    bias: Int32Array.from({ length: M }, () => rng.nextInt(-100, 100)),
    theta: Int32Array.from({ length: M }, () => rng.nextInt(50, 300)),
  };
}

describe('predictDispatch', () => {
  it('is the latest fin: start + 2 + the core model cycles, or start + 1 for an empty list', () => {
    const design = designOf(defaultAccelerator()); // 1 array, 2 SNN cores
    const l = layer(new Rng(3));
    const Y = annLayer(l);
    const schedule = { policy: 'cost' as const, cores: [
      { kind: 'ann' as const, index: 0, columns: [0, 3, 5] },
      { kind: 'snn' as const, index: 0, columns: [1, 2, 4, 6, 7] },
      { kind: 'snn' as const, index: 1, columns: [] },
    ] };
    const ann = predictAnnCore(l, [0, 3, 5], design.params.ann, Y).cycles;
    const snn = predictSnnCore(l, [1, 2, 4, 6, 7], design.params.snn, Y).cycles;
    const p = predictDispatch(l, schedule, design.params, Y);
    expect(p.cores.map((c) => c.fin)).toEqual([2 + ann, 2 + snn, 1]);
    expect(p.cycles).toBe(Math.max(2 + ann, 2 + snn));
    const late = predictDispatch(l, schedule, design.params, Y, [0, 0, 10_000]);
    expect(late.cycles).toBe(10_001);
    expect(p.cores[0]?.outBytes).toBe(30);
    expect(p.cores[0]?.actBytes).toBe(3 * Math.ceil(30 / 8) * 8);
  });
});
