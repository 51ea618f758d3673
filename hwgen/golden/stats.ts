/**
 * Per-column work statistics of a layer (docs/numerics.md, "Work and energy per column"):
 * what each column would cost on either core. The cost model and schedulers start from these.
 */
import type { GemmLayer } from '../workload/gemm-layer.ts';

export interface ColumnStats {
  /** S[n] = Σ_k X[k,n]: spike events if column n runs on an SNN core. */
  readonly spikes: Uint32Array;
  /** Σ_k popcount(X[k,n]): the additions of w·2^b a shift-add SNN core makes for column n (per output). */
  readonly setBits: Uint32Array;
  /** Inputs k with X[k,n] ≠ 0. */
  readonly nonZeroLevels: Uint32Array;
  /** Output spikes Σ_m Y[m,n] (fire events). */
  readonly fires: Uint32Array;
}

export interface LayerTotals {
  readonly columns: number;
  /** M·K·N: multiply-accumulates if every column runs on a MAC array. */
  readonly macs: number;
  /** M·ΣS[n]: additions if every column runs on an SNN core. */
  readonly additions: number;
  readonly spikes: number;
  readonly nonZeroLevels: number;
  readonly fires: number;
}

/** popcount of every level 0..255, looked up in the inner loop. */
const SET_BITS = Uint8Array.from({ length: 256 }, (_, level) => {
  let bits = 0;
  for (let x = level; x !== 0; x &= x - 1) bits += 1;
  return bits;
});

export function columnStats(layer: GemmLayer, output: Uint8Array): ColumnStats {
  const { M, K, N, input } = layer;
  const spikes = new Uint32Array(N);
  const setBits = new Uint32Array(N);
  const nonZeroLevels = new Uint32Array(N);
  const fires = new Uint32Array(N);
  for (let k = 0; k < K; k++) {
    for (let n = 0; n < N; n++) {
      const level = input[k * N + n] ?? 0;
      spikes[n] = (spikes[n] ?? 0) + level;
      setBits[n] = (setBits[n] ?? 0) + (SET_BITS[level] ?? 0);
      if (level !== 0) nonZeroLevels[n] = (nonZeroLevels[n] ?? 0) + 1;
    }
  }
  for (let m = 0; m < M; m++) {
    for (let n = 0; n < N; n++) fires[n] = (fires[n] ?? 0) + (output[m * N + n] ?? 0);
  }
  return { spikes, setBits, nonZeroLevels, fires };
}

function sum(values: Uint32Array): number {
  let total = 0;
  for (const value of values) total += value;
  return total;
}

export function layerTotals(layer: GemmLayer, stats: ColumnStats): LayerTotals {
  const spikes = sum(stats.spikes);
  return {
    columns: layer.N,
    macs: layer.M * layer.K * layer.N,
    additions: layer.M * spikes,
    spikes,
    nonZeroLevels: sum(stats.nonZeroLevels),
    fires: sum(stats.fires),
  };
}
