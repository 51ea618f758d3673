/**
 * Float QCFS layers to the integer contract (docs/numerics.md). Per output channel m:
 *
 *   s_w[m] = max|w[m,:]| / 127,  w_int = round(w / s_w[m])          (int8; exact for QDQ weights; the classifier
 *            takes one scale max|w| / 127 for all its channels, so that its logits' argmax is the class)
 *   s_x    = what one input level stands for: λ_prev/T_prev (the previous QCFS's output scale),
 *            or the input scaling (1/255 after a folded Div(255)) for raw uint8 pixels
 *   b_int  = round(b / (s_w[m]·s_x))
 *   θ[m]   = round(λ / (s_w[m]·s_x·T)) = round(1 / (a·s_w[m]·s_x)),  clamped to 1..2^24
 *
 * Then z·T/λ = (s_w·s_x·(acc + b_int))·T/λ = (acc + b_int)/θ_exact, so the integer level
 * clip(⌊(acc + b_int + ⌊θ/2⌋)/θ⌋, 0, T) equals the float level clip(⌊z·T/λ + ½⌋, 0, T) except where the rounding
 * of w, b and θ moves (acc + b)/θ across a level boundary; `import.json` reports how large those roundings are.
 */
import { InputError } from '../errors.ts';
import { MAX_THETA } from '../workload/manifest-schema.ts';
import type { FloatLayer } from './recognise.ts';

export interface QuantisedLayer {
  readonly layer: FloatLayer;
  readonly weights: Int8Array;
  readonly bias: Int32Array;
  /** Undefined for the classifier. */
  readonly theta: Int32Array | undefined;
  readonly weightScales: Float64Array;
  readonly inputScale: number;
  /** max over channels of max|w − s_w·w_int| / max|w|. */
  readonly weightError: number;
  /** max over channels of |θ − θ_exact| / θ_exact (before clamping). */
  readonly thetaError: number;
  /** max |b_int − b/(s_w·s_x)|, in units of one accumulator step. */
  readonly biasError: number;
  readonly thetaClamped: number;
  readonly exact: boolean;
}

/**
 * `perTensor`: one weight scale for the whole layer (the classifier: its int32 logits then keep the float logits'
 * order, so their argmax is the class); otherwise one per output channel.
 */
export function quantiseLayer(file: string, layer: FloatLayer, inputScale: number, perTensor = false): QuantisedLayer {
  const [M = 0] = layer.weightShape;
  const K = layer.weights.length / M;
  let layerMax = 0;
  for (const w of layer.weights) layerMax = Math.max(layerMax, Math.abs(w));
  const weights = new Int8Array(layer.weights.length);
  const scales = new Float64Array(M);
  let weightError = 0;
  if (layer.exactWeights !== undefined) {
    weights.set(layer.exactWeights.ints);
    scales.set(layer.exactWeights.scales);
  } else {
    for (let m = 0; m < M; m++) {
      let max = 0;
      for (let k = 0; k < K; k++) max = Math.max(max, Math.abs(layer.weights[m * K + k] ?? 0));
      const scale = perTensor ? (layerMax > 0 ? layerMax / 127 : 1) : max > 0 ? max / 127 : 1;
      scales[m] = scale;
      let error = 0;
      for (let k = 0; k < K; k++) {
        const w = layer.weights[m * K + k] ?? 0;
        const q = Math.max(-127, Math.min(127, Math.round(w / scale)));
        weights[m * K + k] = q;
        error = Math.max(error, Math.abs(w - q * scale));
      }
      if (max > 0) weightError = Math.max(weightError, error / max);
    }
  }
  const bias = new Int32Array(M);
  let biasError = 0;
  for (let m = 0; m < M; m++) {
    const exact = (layer.bias[m] ?? 0) / ((scales[m] ?? 1) * inputScale);
    const rounded = Math.round(exact);
    if (!Number.isFinite(exact) || Math.abs(rounded) > 2 ** 31 - 1) {
      throw new InputError(file, `node ${layer.node} (${layer.op})`, `bias[${m}] = ${layer.bias[m]} is ${exact.toExponential(3)} accumulator steps, outside int32`);
    }
    bias[m] = rounded;
    biasError = Math.max(biasError, Math.abs(rounded - exact));
  }
  let theta: Int32Array | undefined;
  let thetaError = 0;
  let thetaClamped = 0;
  if (layer.qcfs !== undefined) {
    theta = new Int32Array(M);
    for (let m = 0; m < M; m++) {
      const exact = 1 / (layer.qcfs.a * (scales[m] ?? 1) * inputScale);
      const rounded = Math.round(exact);
      const clamped = Math.max(1, Math.min(MAX_THETA, Number.isFinite(rounded) ? rounded : MAX_THETA));
      if (clamped !== rounded) thetaClamped++;
      theta[m] = clamped;
      thetaError = Math.max(thetaError, Math.abs(rounded - exact) / exact);
    }
  }
  return { layer, weights, bias, theta, weightScales: scales, inputScale, weightError, thetaError, biasError, thetaClamped, exact: layer.exactWeights !== undefined };
}
