/**
 * The ANN path: dense multiply-accumulate, then the QCFS output stage.
 * Accumulation is exact integer arithmetic, as the contract demands: no wrap-around.
 */
import { type GemmLayer, columnOf } from '../workload/gemm-layer.ts';
import { qcfsLevel } from './qcfs.ts';

/** Few columns (FC layers, N = 1): one dot product per output, walking a weight row. */
function accumulateByDot(layer: GemmLayer, acc: Float64Array): void {
  const { M, K, N, weights, input } = layer;
  for (let n = 0; n < N; n++) {
    for (let m = 0; m < M; m++) {
      let sum = 0;
      const row = m * K;
      for (let k = 0; k < K; k++) sum += (weights[row + k] ?? 0) * (input[k * N + n] ?? 0);
      acc[m * N + n] = sum;
    }
  }
}

/** Many columns: broadcast each weight over a contiguous row of X. */
function accumulateByRow(layer: GemmLayer, acc: Float64Array): void {
  const { M, K, N, weights, input } = layer;
  for (let m = 0; m < M; m++) {
    const rowOffset = m * N;
    for (let k = 0; k < K; k++) {
      const w = weights[m * K + k] ?? 0;
      if (w === 0) continue; // a zero weight adds nothing; skipping it is only a speed-up
      const inputOffset = k * N;
      for (let n = 0; n < N; n++) acc[rowOffset + n] = (acc[rowOffset + n] ?? 0) + w * (input[inputOffset + n] ?? 0);
    }
  }
}

/** `acc = W·X` for the whole layer, `M×N` row-major. */
export function annAccumulate(layer: GemmLayer): Float64Array {
  // float64 holds every |acc| ≤ K·128·255 exactly (below 2^53), with no wrap-around.
  const acc = new Float64Array(layer.M * layer.N);
  if (layer.N < 8) accumulateByDot(layer, acc);
  else accumulateByRow(layer, acc);
  return acc;
}

/** Output levels `Y` (`M×N`, row-major) of the whole layer on the ANN path. */
export function annLayer(layer: GemmLayer): Uint8Array {
  const acc = annAccumulate(layer);
  const out = new Uint8Array(layer.M * layer.N);
  for (let m = 0; m < layer.M; m++) {
    const bias = layer.bias[m] ?? 0;
    const theta = layer.theta[m] ?? 1;
    for (let n = 0; n < layer.N; n++) {
      const i = m * layer.N + n;
      out[i] = qcfsLevel(acc[i] ?? 0, bias, theta, layer.T);
    }
  }
  return out;
}

/** Output levels `Y[:, n]` of one column on the ANN path: what one MAC array computes. */
export function annColumn(layer: GemmLayer, n: number): Uint8Array {
  const column = columnOf(layer, n);
  const out = new Uint8Array(layer.M);
  for (let m = 0; m < layer.M; m++) {
    let acc = 0;
    for (let k = 0; k < layer.K; k++) acc += (layer.weights[m * layer.K + k] ?? 0) * (column[k] ?? 0);
    out[m] = qcfsLevel(acc, layer.bias[m] ?? 0, layer.theta[m] ?? 1, layer.T);
  }
  return out;
}

/** Logits `acc + b` (`M×N`, row-major) of the whole layer on the ANN path: the accumulator before the output stage. */
export function annLogits(layer: GemmLayer): Float64Array {
  const acc = annAccumulate(layer);
  for (let m = 0; m < layer.M; m++) {
    const bias = layer.bias[m] ?? 0;
    for (let n = 0; n < layer.N; n++) acc[m * layer.N + n] = (acc[m * layer.N + n] ?? 0) + bias;
  }
  return acc;
}
