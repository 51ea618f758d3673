/**
 * The small design and layer of the waveform tests (hwgen/flows/wave-check.test.ts and the tests that share its
 * simulator builds): one 3×4 array and two 3-lane SNN cores with tiny buffers in one bank, and a 7×10×12 layer that takes two
 * tiles, gives every kind of core columns and stalls the input streams.
 */
import { acceleratorFrom } from '../config/load-config.ts';
import type { GemmLayer } from '../workload/gemm-layer.ts';
import { Rng } from '../util/rng.ts';

const LIMITS = { maxK: 32, maxM: 16, maxInLevels: 7, maxBiasAbs: 1000, maxTheta: 1024 };

export const WAVE_CHECK_CONFIG = { ann: { arrays: 1, rows: 3, cols: 4 }, snn: { cores: 2, lanes: 3 }, limits: LIMITS, buffers: { weightBytes: 256, activationBytes: 128, outputBytes: 64, scheduleEntries: 16, drainBytes: 1, banks: 1 } };

export const WAVE_CHECK_ACCELERATOR = acceleratorFrom(WAVE_CHECK_CONFIG, 'wave_check');

export function waveCheckLayer(): GemmLayer {
  const rng = new Rng(5);
  const M = 7, K = 10, N = 12;
  return {
    name: 'l0', M, K, N, T: 4, inLevels: 7,
    weights: Int8Array.from({ length: M * K }, () => rng.nextInt(-128, 127)),
    input: Uint8Array.from({ length: K * N }, (_, i) => (i % N === 0 || rng.nextFloat() > 0.5 ? 0 : rng.nextInt(1, 7))),
    bias: Int32Array.from({ length: M }, () => rng.nextInt(-300, 300)),
    theta: Int32Array.from({ length: M }, () => rng.nextInt(1, 400)),
  };
}
