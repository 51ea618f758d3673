/**
 * The SNN accumulate-and-fire path, event by event (docs/numerics.md, "The two paths"):
 * spikes generated on the fly from stored levels, additions only, then the fire loop with
 * reset by subtraction. Deliberately a separate implementation from the ANN path, so that
 * property tests comparing the two check the contract rather than one formula twice.
 */
import { type GemmLayer, columnOf } from '../workload/gemm-layer.ts';
import { phi } from './qcfs.ts';

export interface SpikeEvent {
  /** Timestep 0..Tin−1. */
  readonly t: number;
  /** Input index 0..K−1. */
  readonly k: number;
}

/**
 * On-the-fly spike generation: level `x[k]` becomes one spike on input `k` in each timestep
 * `t < x[k]`. A zero level yields no event at all.
 */
export function forEachSpike(column: Uint8Array, inLevels: number, visit: (event: SpikeEvent) => void): void {
  for (let t = 0; t < inLevels; t++) {
    for (let k = 0; k < column.length; k++) {
      if ((column[k] ?? 0) > t) visit({ t, k });
    }
  }
}

/** Fire after the whole window: subtract θ while V ≥ θ, at most T times. */
export function fire(membrane: number, theta: number, T: number): number {
  let v = membrane;
  let count = 0;
  while (v >= theta && count < T) {
    v -= theta;
    count += 1;
  }
  return count;
}

export interface SnnColumnResult {
  readonly levels: Uint8Array;
  /** V[m] after the window, before the fire step: acc + b + floor(θ/2). */
  readonly membranes: Float64Array;
  /** Spike events generated, S[n]. */
  readonly spikes: number;
  /** Accumulator additions performed, M·S[n]. */
  readonly additions: number;
  /** Output spikes, Σ_m y[m]. */
  readonly fires: number;
}

/** One column on an SNN core, counting the events it performs. */
export function snnColumn(layer: GemmLayer, n: number): SnnColumnResult {
  const { M, K, weights } = layer;
  const V = new Float64Array(M);
  for (let m = 0; m < M; m++) V[m] = (layer.bias[m] ?? 0) + phi(layer.theta[m] ?? 1);
  let spikes = 0;
  let additions = 0;
  forEachSpike(columnOf(layer, n), layer.inLevels, ({ k }) => {
    spikes += 1;
    for (let m = 0; m < M; m++) V[m] = (V[m] ?? 0) + (weights[m * K + k] ?? 0);
    additions += M;
  });
  const levels = new Uint8Array(M);
  let fires = 0;
  for (let m = 0; m < M; m++) {
    levels[m] = fire(V[m] ?? 0, layer.theta[m] ?? 1, layer.T);
    fires += levels[m] ?? 0;
  }
  return { levels, membranes: V.slice(), spikes, additions, fires };
}

/** Output levels `Y` (`M×N`, row-major) of the whole layer on the SNN path. */
export function snnLayer(layer: GemmLayer): Uint8Array {
  const out = new Uint8Array(layer.M * layer.N);
  for (let n = 0; n < layer.N; n++) {
    const { levels } = snnColumn(layer, n);
    for (let m = 0; m < layer.M; m++) out[m * layer.N + n] = levels[m] ?? 0;
  }
  return out;
}

/** Logits `acc + b` (`M×N`, row-major) of the whole layer on the SNN path: the membrane after the window, minus floor(θ/2). */
export function snnLogits(layer: GemmLayer): Float64Array {
  const out = new Float64Array(layer.M * layer.N);
  for (let n = 0; n < layer.N; n++) {
    const { membranes } = snnColumn(layer, n);
    for (let m = 0; m < layer.M; m++) out[m * layer.N + n] = (membranes[m] ?? 0) - phi(layer.theta[m] ?? 1);
  }
  return out;
}
